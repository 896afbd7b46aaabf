/* tools/samsa/mode_produce.c - -P: one message per input line (stdin or
 * each FILE in turn), key split at -K, headers from -H, partition -p.
 * Every message is acknowledged before the tool exits 0; the first failed
 * delivery makes it exit 1 with that error. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct prod_state {
    long long acked, failed;
    int first_err;
    char first_errstr[200];
} prod_state;

static void on_delivery(void *opaque, const samsa_delivery *d)
{
    prod_state *st = opaque;

    if (d->err == 0) {
        st->acked++;
        return;
    }
    if (st->failed++ == 0) {
        st->first_err = d->err;
        snprintf(st->first_errstr, sizeof st->first_errstr, "%s%s%s",
                 samsa_err_name(d->err), *d->errstr ? ": " : "", d->errstr);
    }
}

/* Produce one line; 0 or an exit code. */
static int produce_line(samsa_client *c, const cli_opts *o,
                        const samsa_header *hdrs, char *line, size_t len)
{
    samsa_record rec;
    int rc;

    memset(&rec, 0, sizeof rec);
    rec.topic = o->topic;
    rec.partition = o->partition >= 0 ? o->partition : SAMSA_PARTITION_ANY;
    rec.timestamp_ms = SAMSA_TIMESTAMP_NOW;
    rec.value = line;
    rec.value_len = len;
    rec.headers = o->nheaders ? hdrs : NULL;
    rec.nheaders = o->nheaders;
    if (o->key_delim) {
        char *d = memmem(line, len, o->key_delim, strlen(o->key_delim));
        if (d) {
            rec.key = line;
            rec.key_len = (size_t)(d - line);
            rec.value = d + strlen(o->key_delim);
            rec.value_len = len - rec.key_len - strlen(o->key_delim);
        }
    }
    rc = samsa_produce(c, &rec, NULL, 60000);
    if (rc)
        return cli_fail(CLI_FAIL, "produce to %s: %s%s%s", o->topic,
                        samsa_err_name(rc), *samsa_client_errstr(c) ? ": " : "",
                        samsa_client_errstr(c));
    return 0;
}

static int produce_stream(samsa_client *c, const cli_opts *o,
                          const samsa_header *hdrs, FILE *in,
                          long long *n, cli_progress *pg, prod_state *st)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;

    while (!cli_stop && (len = getline(&line, &cap, in)) >= 0) {
        if (len > 0 && line[len - 1] == '\n')
            len--;
        if ((rc = produce_line(c, o, hdrs, line, (size_t)len)) != 0)
            break;
        ++*n;
        if ((*n & 255) == 0) {
            samsa_poll(c, 0); /* serve delivery reports as we go */
            cli_progress_tick(pg, *n);
            if (st->failed)
                break;
        }
    }
    free(line);
    return rc;
}

int cli_mode_produce(const cli_opts *o)
{
    samsa_header hdrs[CLI_MAX_HEADERS];
    char *hbuf[CLI_MAX_HEADERS];
    prod_state st;
    cli_progress pg;
    samsa_conf *conf;
    samsa_client *c;
    long long n = 0;
    size_t i;
    int rc, a;

    memset(&st, 0, sizeof st);
    conf = cli_conf(o, &rc);
    if (!conf)
        return rc;
    samsa_conf_set_delivery_cb(conf, on_delivery, &st);
    c = cli_client(conf);
    if (!c)
        return CLI_FAIL;
    for (i = 0; i < o->nheaders; i++) {
        char *eq;
        hbuf[i] = strdup(o->headers[i]);
        if (!hbuf[i]) {
            while (i--)
                free(hbuf[i]);
            samsa_client_destroy(c);
            return cli_fail(CLI_FAIL, "out of memory");
        }
        eq = strchr(hbuf[i], '=');
        *eq = '\0';
        hdrs[i].name = hbuf[i];
        hdrs[i].value = eq + 1;
        hdrs[i].value_len = strlen(eq + 1);
    }
    cli_progress_init(&pg, "produced", o->quiet);
    rc = 0;
    if (o->nargs == 0) {
        rc = produce_stream(c, o, hdrs, stdin, &n, &pg, &st);
    } else {
        for (a = 0; a < o->nargs && rc == 0 && !st.failed; a++) {
            FILE *f = strcmp(o->args[a], "-") ? fopen(o->args[a], "r") : stdin;
            if (!f) {
                rc = cli_fail(CLI_FAIL, "%s: cannot open", o->args[a]);
                break;
            }
            rc = produce_stream(c, o, hdrs, f, &n, &pg, &st);
            if (f != stdin)
                fclose(f);
        }
    }
    /* wait for every acknowledgement, showing progress meanwhile */
    while (samsa_outstanding(c) > 0) {
        int frc = samsa_flush(c, 500);
        cli_progress_tick(&pg, st.acked);
        if (frc == 0)
            break;
        if (frc != SAMSA_ERR_TIMED_OUT) {
            if (!rc)
                rc = cli_fail(CLI_FAIL, "flush: %s", samsa_err_name(frc));
            break;
        }
        if (cli_stop) {
            if (!rc)
                rc = cli_fail(CLI_FAIL, "interrupted with %zu messages unacknowledged",
                              samsa_outstanding(c));
            break;
        }
    }
    cli_progress_done(&pg, st.acked);
    samsa_client_destroy(c); /* leftovers get their reports here */
    for (i = 0; i < o->nheaders; i++)
        free(hbuf[i]);
    if (!rc && st.failed)
        rc = cli_fail(CLI_FAIL, "%lld of %lld messages not delivered (first: %s)",
                      st.failed, n, st.first_errstr);
    if (!rc && o->verbose)
        fprintf(stderr, "samsa: produced %lld messages to %s\n", st.acked, o->topic);
    return rc;
}
