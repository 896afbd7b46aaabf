/* tools/samsa/mode_consume.c - -C (assigned partitions) and -G (group
 * member): print messages with -f, -K or --json until -c COUNT, -e (every
 * partition at its end), a signal, or an error event (exit 1). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"

typedef struct cons_state {
    const cli_opts *o;
    size_t assigned;  /* partitions currently assigned (group mode) */
    size_t eofs;      /* partitions at their end since the last change */
    int32_t *at_end;  /* per partition id: 1 once at end (assign mode) */
    size_t nat_end;
} cons_state;

static void on_rebalance(void *opaque, samsa_client *c, samsa_rebalance_event ev,
                         const samsa_topic_partition *tps, size_t n)
{
    cons_state *st = opaque;

    (void)c;
    (void)tps;
    if (ev == SAMSA_REBALANCE_ASSIGNED)
        st->assigned += n;
    else
        st->assigned = st->assigned > n ? st->assigned - n : 0;
    st->eofs = 0;
    if (st->o->verbose)
        fprintf(stderr, "samsa: %s %zu partition%s\n",
                ev == SAMSA_REBALANCE_ASSIGNED ? "assigned" :
                ev == SAMSA_REBALANCE_REVOKED ? "revoked" : "lost",
                n, n == 1 ? "" : "s");
}

/* Start offset of one partition from -o (resolving -N and s@TS). */
static int start_offset(samsa_client *c, const cli_opts *o, int32_t part,
                        int64_t *out)
{
    const char *s = o->offset ? o->offset : "beginning";
    char *end;
    long long v;
    int64_t hi = -1, lo = -1, ts;
    int rc;

    if (!strcmp(s, "beginning")) {
        *out = SAMSA_OFFSET_BEGINNING;
        return 0;
    }
    if (!strcmp(s, "end")) {
        *out = SAMSA_OFFSET_END;
        return 0;
    }
    if (!strcmp(s, "stored")) {
        *out = SAMSA_OFFSET_STORED;
        return 0;
    }
    if (!strncmp(s, "s@", 2)) {
        errno = 0;
        v = strtoll(s + 2, &end, 10);
        if (errno || end == s + 2 || *end || v < 0)
            return cli_fail(CLI_USAGE, "-o %s: expected s@TIMESTAMP_MS", s);
        rc = samsa_list_offset(c, o->topic, part, v, out, &ts, o->timeout_ms);
        if (rc)
            return cli_fail(CLI_FAIL, "-o %s on %s [%" PRId32 "]: %s", s, o->topic,
                            part, samsa_err_name(rc));
        if (*out < 0)
            *out = SAMSA_OFFSET_END;
        return 0;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return cli_fail(CLI_USAGE, "-o %s: expected beginning, end, stored, N, -N or s@TS", s);
    if (v >= 0) {
        *out = v;
        return 0;
    }
    rc = samsa_list_offset(c, o->topic, part, SAMSA_OFFSET_LATEST, &hi, NULL,
                           o->timeout_ms);
    if (!rc)
        rc = samsa_list_offset(c, o->topic, part, SAMSA_OFFSET_EARLIEST, &lo,
                               NULL, o->timeout_ms);
    if (rc)
        return cli_fail(CLI_FAIL, "-o %s on %s [%" PRId32 "]: %s", s, o->topic,
                        part, samsa_err_name(rc));
    *out = hi + v < lo ? lo : hi + v;
    return 0;
}

static int setup_assign(samsa_client *c, const cli_opts *o, cons_state *st)
{
    samsa_topic_partition *tps;
    int32_t *parts = NULL, one = 0;
    size_t n, i;
    int rc;

    if (o->partition >= 0) {
        one = o->partition;
        n = 1;
    } else {
        rc = cli_topic_partitions(c, o->topic, o->timeout_ms, &parts, &n);
        if (rc)
            return rc;
        if (n == 0) {
            free(parts);
            return cli_fail(CLI_FAIL, "topic %s has no partitions", o->topic);
        }
    }
    tps = calloc(n, sizeof *tps);
    st->at_end = calloc(n, sizeof *st->at_end);
    if (!tps || !st->at_end) {
        free(parts);
        free(tps);
        return cli_fail(CLI_FAIL, "out of memory");
    }
    st->nat_end = n;
    st->assigned = n;
    for (i = 0; i < n; i++) {
        tps[i].topic = o->topic;
        tps[i].partition = parts ? parts[i] : one;
        tps[i].leader_epoch = -1;
        rc = start_offset(c, o, tps[i].partition, &tps[i].offset);
        if (rc) {
            free(parts);
            free(tps);
            return rc;
        }
    }
    rc = samsa_assign(c, tps, n);
    free(parts);
    free(tps);
    if (rc)
        return cli_fail(CLI_FAIL, "assign: %s%s%s", samsa_err_name(rc),
                        *samsa_client_errstr(c) ? ": " : "", samsa_client_errstr(c));
    return 0;
}

static int setup_group(samsa_client *c, const cli_opts *o)
{
    int rc = samsa_subscribe(c, (const char *const *)o->args, (size_t)o->nargs);

    if (rc)
        return cli_fail(CLI_FAIL, "subscribe: %s%s%s", samsa_err_name(rc),
                        *samsa_client_errstr(c) ? ": " : "", samsa_client_errstr(c));
    return 0;
}

static void print_message(const cli_opts *o, const samsa_message *m)
{
    if (o->json) {
        fmt_json_message(stdout, m);
    } else if (o->format) {
        fmt_message(stdout, o->format, m);
    } else if (o->key_delim) {
        if (m->key)
            fwrite(m->key, 1, m->key_len, stdout);
        fputs(o->key_delim, stdout);
        if (m->value)
            fwrite(m->value, 1, m->value_len, stdout);
        putchar('\n');
    } else {
        if (m->value)
            fwrite(m->value, 1, m->value_len, stdout);
        putchar('\n');
    }
}

/* Mark partition p of an assign-mode consumer at its end; true when new. */
static int mark_eof(cons_state *st, int32_t p)
{
    if (!st->at_end)
        return 1; /* group mode: counted per event */
    if (p < 0 || (size_t)p >= st->nat_end || st->o->partition >= 0) {
        /* a single -p partition, or ids beyond the table: count once */
        if (st->eofs)
            return 0;
        return 1;
    }
    if (st->at_end[p])
        return 0;
    st->at_end[p] = 1;
    return 1;
}

int cli_mode_consume(const cli_opts *o)
{
    cons_state st;
    cli_progress pg;
    samsa_conf *conf;
    samsa_client *c;
    long long n = 0;
    int rc;

    memset(&st, 0, sizeof st);
    st.o = o;
    conf = cli_conf(o, &rc);
    if (!conf)
        return rc;
    if (o->mode == 'G') {
        samsa_conf_set_rebalance_cb(conf, on_rebalance, &st);
        if (o->offset && (!strcmp(o->offset, "beginning") || !strcmp(o->offset, "end")) &&
            samsa_conf_set(conf, "auto.offset.reset",
                           !strcmp(o->offset, "end") ? "latest" : "earliest",
                           NULL, 0) != 0) {
            samsa_conf_destroy(conf);
            return cli_fail(CLI_FAIL, "auto.offset.reset refused");
        }
    }
    c = cli_client(conf);
    if (!c)
        return CLI_FAIL;
    rc = o->mode == 'G' ? setup_group(c, o) : setup_assign(c, o, &st);
    if (!rc && o->exit_eof)
        samsa_consumer_eof_events(c, 1);
    cli_progress_init(&pg, "consumed", o->quiet);
    while (!rc && !cli_stop && (!o->count || n < o->count)) {
        samsa_message *m = samsa_consume(c, 200);
        if (!m) {
            cli_progress_tick(&pg, n);
            continue;
        }
        if (m->err == SAMSA_ERR_PARTITION_EOF) {
            if (mark_eof(&st, m->partition))
                st.eofs++;
            samsa_message_release(m);
            if (o->exit_eof && st.assigned > 0 && st.eofs >= st.assigned)
                break;
            continue;
        }
        if (m->err) {
            rc = cli_fail(CLI_FAIL, "%s [%" PRId32 "] at offset %" PRId64 ": %s%s%s",
                          m->topic ? m->topic : "?", m->partition, m->offset,
                          samsa_err_name(m->err), *m->errstr ? ": " : "", m->errstr);
            samsa_message_release(m);
            break;
        }
        print_message(o, m);
        samsa_message_release(m);
        if (ferror(stdout))
            break; /* the reader went away; main() reports it */
        n++;
        cli_progress_tick(&pg, n);
    }
    cli_progress_done(&pg, n);
    fflush(stdout);
    /* a group member leaves its group gracefully (commits, revoke); an
     * assign-mode reader has nothing to hand back: destroy is enough */
    if (o->mode == 'G')
        samsa_close(c, 10000);
    samsa_client_destroy(c);
    free(st.at_end);
    if (!rc && o->verbose)
        fprintf(stderr, "samsa: consumed %lld messages\n", n);
    return rc;
}
