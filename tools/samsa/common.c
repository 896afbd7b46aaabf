/* tools/samsa/common.c - see cli.h: errors, configuration, client set-up,
 * clocks, progress line, partition lookup. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

volatile sig_atomic_t cli_stop;

#define MAX_X 256
static const char *x_props[MAX_X];
static size_t nx;

int cli_fail(int code, const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("samsa: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int cli_conf_add(const char *kv)
{
    if (nx == MAX_X)
        return -1;
    x_props[nx++] = kv;
    return 0;
}

void cli_conf_list(void)
{
    const char *name, *def, *doc, *type, *range;
    char buf[128];
    size_t i;

    for (i = 0; (name = samsa_conf_property(i, &def, &doc)) != NULL; i++) {
        if (samsa_conf_property_info(i, &type, &range, buf, sizeof buf) != 0)
            type = "?", range = NULL;
        printf("%-40s %-8s default %s%s%s\n    %s\n", name, type,
               def && *def ? def : "(none)", range ? ", allowed " : "",
               range ? range : "", doc ? doc : "");
    }
}

static int set1(samsa_conf *conf, const char *name, const char *value)
{
    char err[256];
    int rc = samsa_conf_set(conf, name, value, err, sizeof err);

    if (rc == 0)
        return 0;
    if (rc == SAMSA_ERR_UNKNOWN_PROPERTY)
        cli_fail(CLI_USAGE, "-X %s: unknown configuration property (samsa -X list shows them)",
                 name);
    else
        cli_fail(CLI_USAGE, "-X %s: %s", name, err[0] ? err : samsa_err_str(rc));
    return -1;
}

samsa_conf *cli_conf(const cli_opts *o, int *rc)
{
    samsa_conf *conf = samsa_conf_new(NULL);
    size_t i;

    *rc = CLI_USAGE;
    if (!conf) {
        *rc = cli_fail(CLI_FAIL, "out of memory");
        return NULL;
    }
    if (set1(conf, "bootstrap.servers", o->brokers) ||
        (o->codec && set1(conf, "compression.type", o->codec)) ||
        (o->group && set1(conf, "group.id", o->group)))
        goto fail;
    for (i = 0; i < nx; i++) {
        char name[256];
        const char *eq = strchr(x_props[i], '=');
        size_t n;
        if (!eq || eq == x_props[i]) {
            cli_fail(CLI_USAGE, "-X %s: expected name=value", x_props[i]);
            goto fail;
        }
        n = (size_t)(eq - x_props[i]);
        if (n >= sizeof name) {
            cli_fail(CLI_USAGE, "-X: property name too long");
            goto fail;
        }
        memcpy(name, x_props[i], n);
        name[n] = '\0';
        if (set1(conf, name, eq + 1))
            goto fail;
    }
    *rc = CLI_OK;
    return conf;
fail:
    samsa_conf_destroy(conf);
    return NULL;
}

samsa_client *cli_client(samsa_conf *conf)
{
    char err[256];
    samsa_client *c = samsa_client_new(conf, err, sizeof err);

    samsa_conf_destroy(conf);
    if (!c)
        cli_fail(CLI_FAIL, "%s", err);
    return c;
}

int64_t cli_wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t cli_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cli_progress_init(cli_progress *p, const char *what, int quiet)
{
    memset(p, 0, sizeof *p);
    p->on = !quiet && isatty(STDERR_FILENO);
    p->what = what;
    p->start_ms = p->last_ms = cli_mono_ms();
}

static void progress_line(cli_progress *p, long long n, int64_t now, int final)
{
    double secs = (double)(now - p->start_ms) / 1000.0;
    double rate = secs > 0 ? (double)n / secs : 0;

    fprintf(stderr, "\r%s %lld messages, %.0f msg/s%s", p->what, n, rate,
            final ? "\n" : "   ");
    fflush(stderr);
}

void cli_progress_tick(cli_progress *p, long long n)
{
    int64_t now;

    if (!p->on)
        return;
    now = cli_mono_ms();
    if (now - p->last_ms < 500)
        return;
    p->last_ms = now;
    p->last_n = n;
    progress_line(p, n, now, 0);
}

void cli_progress_done(cli_progress *p, long long n)
{
    if (p->on && (n > 0 || p->last_n > 0))
        progress_line(p, n, cli_mono_ms(), 1);
}

int cli_topic_partitions(samsa_client *c, const char *topic, int timeout_ms,
                         int32_t **parts, size_t *n)
{
    samsa_metadata *md;
    const samsa_topic_metadata *t;
    size_t i;
    int rc = samsa_metadata_get(c, &topic, 1, &md, timeout_ms);

    *parts = NULL;
    *n = 0;
    if (rc)
        return cli_fail(CLI_FAIL, "metadata for %s: %s%s%s", topic,
                        samsa_err_name(rc), *samsa_client_errstr(c) ? ": " : "",
                        samsa_client_errstr(c));
    if (md->ntopics != 1 || md->topics[0].err) {
        rc = md->ntopics == 1 ? md->topics[0].err : SAMSA_ERR_UNKNOWN_TOPIC;
        samsa_metadata_free(md);
        return cli_fail(CLI_FAIL, "topic %s: %s", topic, samsa_err_str(rc));
    }
    t = &md->topics[0];
    *parts = calloc(t->npartitions ? t->npartitions : 1, sizeof **parts);
    if (!*parts) {
        samsa_metadata_free(md);
        return cli_fail(CLI_FAIL, "out of memory");
    }
    for (i = 0; i < t->npartitions; i++)
        (*parts)[i] = t->partitions[i].id;
    *n = t->npartitions;
    samsa_metadata_free(md);
    return CLI_OK;
}
