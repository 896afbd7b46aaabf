/* tools/samsa/mode_query.c - -Q: for each -t TOPIC:PARTITION:TIMESTAMP,
 * the first offset whose timestamp is at or after TIMESTAMP (ms; -1 = the
 * end, -2 = the beginning), one line (or JSON object) per query. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"

typedef struct query {
    char topic[256];
    int32_t partition;
    int64_t ts;
} query;

static int parse_query(const char *s, query *q)
{
    const char *c2 = strrchr(s, ':'), *c1;
    char num[32], *end;
    size_t n;
    long long v;

    if (!c2)
        return -1;
    for (c1 = c2 - 1; c1 > s && *c1 != ':'; c1--)
        ;
    if (c1 <= s || *c1 != ':')
        return -1;
    n = (size_t)(c1 - s);
    if (n >= sizeof q->topic)
        return -1;
    memcpy(q->topic, s, n);
    q->topic[n] = '\0';
    n = (size_t)(c2 - c1 - 1);
    if (n == 0 || n >= sizeof num)
        return -1;
    memcpy(num, c1 + 1, n);
    num[n] = '\0';
    errno = 0;
    v = strtoll(num, &end, 10);
    if (errno || *end || v < 0 || v > INT32_MAX)
        return -1;
    q->partition = (int32_t)v;
    errno = 0;
    v = strtoll(c2 + 1, &end, 10);
    if (errno || end == c2 + 1 || *end || v < -2)
        return -1;
    q->ts = v;
    return 0;
}

int cli_mode_query(const cli_opts *o)
{
    query qs[CLI_MAX_QUERIES];
    samsa_conf *conf;
    samsa_client *c;
    size_t i;
    int rc = CLI_OK;

    for (i = 0; i < o->nqueries; i++)
        if (parse_query(o->queries[i], &qs[i]))
            return cli_fail(CLI_USAGE, "-Q: '%s' is not TOPIC:PARTITION:TIMESTAMP",
                            o->queries[i]);
    conf = cli_conf(o, &rc);
    if (!conf)
        return rc;
    c = cli_client(conf);
    if (!c)
        return CLI_FAIL;
    for (i = 0; i < o->nqueries; i++) {
        int64_t off = -1, ts = -1;
        int err = samsa_list_offset(c, qs[i].topic, qs[i].partition, qs[i].ts,
                                    &off, &ts, o->timeout_ms);
        if (err) {
            rc = cli_fail(CLI_FAIL, "%s [%" PRId32 "]: %s%s%s", qs[i].topic,
                          qs[i].partition, samsa_err_name(err),
                          *samsa_client_errstr(c) ? ": " : "",
                          samsa_client_errstr(c));
            break;
        }
        if (o->json) {
            fputs("{\"topic\":", stdout);
            fmt_json_str(stdout, qs[i].topic, strlen(qs[i].topic));
            printf(",\"partition\":%" PRId32 ",\"query\":%" PRId64
                   ",\"offset\":%" PRId64 ",\"timestamp\":%" PRId64 "}\n",
                   qs[i].partition, qs[i].ts, off, ts);
        } else {
            printf("%s [%" PRId32 "] offset %" PRId64 " timestamp %" PRId64 "\n",
                   qs[i].topic, qs[i].partition, off, ts);
        }
    }
    samsa_client_destroy(c);
    return rc;
}
