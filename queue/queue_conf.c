/* queue/queue_conf.c - the queue.* property table and samsa_queue_conf
 * (see samsa/queue.h). The queue keeps its own table rather than adding
 * to client/conf_table.h: a client never reads these, and the queue
 * layer may only use the client's public API. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "queue_int.h"
#include "samsa/error.h"

enum sq_ptype { SQ_P_INT, SQ_P_DOUBLE, SQ_P_BOOL, SQ_P_ENUM, SQ_P_STRING, SQ_P_LEVELS };

typedef struct sq_prop {
    const char *name;
    int type;
    const char *def;
    int64_t min, max;
    const char *choices; /* enum: "a|b|c" */
    size_t off;          /* into sq_conf_vals */
    size_t size;         /* strings */
    const char *doc;
} sq_prop;

#define OFF(f) offsetof(sq_conf_vals, f)

static const sq_prop props[] = {
    { "queue.workers", SQ_P_INT, "4", 1, 1024, NULL, OFF(workers), 0,
      "Worker threads that run the handler." },
    { "queue.ordering", SQ_P_ENUM, "partition", 0, 0, "partition|key|none", OFF(ordering), 0,
      "partition: one message at a time per partition; key: same key in offset order, keys in parallel (keyless: partition order); none: no order." },
    { "queue.retry.max.attempts", SQ_P_INT, "5", 1, 1000000, NULL, OFF(retry_max_attempts), 0,
      "Attempts in place (the first included) before a message is exhausted; unused when queue.retry.topics is set." },
    { "queue.retry.initial.delay.ms", SQ_P_INT, "100", 0, 3600000, NULL, OFF(retry_initial_ms), 0,
      "Delay before the first in-place retry." },
    { "queue.retry.multiplier", SQ_P_DOUBLE, "2", 1, 100, NULL, OFF(retry_multiplier), 0,
      "Each in-place retry waits this many times longer than the one before." },
    { "queue.retry.max.delay.ms", SQ_P_INT, "10000", 0, 86400000, NULL, OFF(retry_max_ms), 0,
      "Cap on the in-place retry delay (also the retry period of queue.on.exhausted=block)." },
    { "queue.retry.jitter", SQ_P_DOUBLE, "0.2", 0, 1, NULL, OFF(retry_jitter), 0,
      "Random spread of each delay: a factor in [1-jitter, 1+jitter)." },
    { "queue.retry.topics", SQ_P_LEVELS, "", 0, 0, NULL, 0, 0,
      "Delay levels of non-blocking retries, e.g. 10s,1m,5m (ms, s, m, h; up to 8): level i is topic <topic>.retry.<level>." },
    { "queue.on.exhausted", SQ_P_ENUM, "dlq", 0, 0, "dlq|block|stop", OFF(on_exhausted), 0,
      "A message that FAILs or runs out of retries: dlq (produce to the DLQ, then complete), block (retry forever, lane blocked), stop (stop the queue)." },
    { "queue.dlq.topic", SQ_P_STRING, "", 0, 0, NULL, OFF(dlq_topic), SQ_TOPIC_MAX + 1,
      "Dead-letter topic; empty = <topic>.dlq per source topic." },
    { "queue.topic.create", SQ_P_BOOL, "true", 0, 0, NULL, OFF(topic_create), 0,
      "Create missing retry and DLQ topics at start, with the main topic's partition count." },
    { "queue.commit.threshold", SQ_P_INT, "100", 1, 100000000, NULL, OFF(commit_threshold), 0,
      "Commit after this many completions." },
    { "queue.commit.interval.ms", SQ_P_INT, "5000", 1, 3600000, NULL, OFF(commit_interval_ms), 0,
      "Commit at least this often while completions happen." },
    { "queue.commit.metadata", SQ_P_BOOL, "false", 0, 0, NULL, OFF(commit_metadata), 0,
      "Put offsets done above the frontier into the commit metadata so a new owner skips them." },
    { "queue.lane.capacity", SQ_P_INT, "5000", 1, 1000000, NULL, OFF(lane_capacity), 0,
      "Jobs in a partition's lanes (its offset tracker holds twice this times queue.batch.max.messages); a partition holding this many more messages is paused." },
    { "queue.max.messages", SQ_P_INT, "50000", 1, 16000000, NULL, OFF(max_messages), 0,
      "Jobs in the lanes in total (a message, a partition-order chain of up to 4096, or a batch); past it the queue takes no more from the consumer." },
    { "queue.max.partitions", SQ_P_INT, "4096", 1, 1000000, NULL, OFF(max_partitions), 0,
      "Distinct partitions (main and retry topics) the queue can own over its life." },
    { "queue.batch.max.messages", SQ_P_INT, "1", 1, 100000, NULL, OFF(batch_max), 0,
      "Messages per call of a batch handler (consecutive, one partition)." },
    { "queue.shutdown.timeout.ms", SQ_P_INT, "30000", 0, 3600000, NULL, OFF(shutdown_timeout_ms), 0,
      "On stop: how long in-flight work may finish before it is abandoned (not committed)." },
    { "queue.revoke.timeout.ms", SQ_P_INT, "10000", 0, 3600000, NULL, OFF(revoke_timeout_ms), 0,
      "On revoke: how long in-flight work of revoked partitions may finish before the commit." },
    { "queue.offset.store.path", SQ_P_STRING, "", 0, 0, NULL, OFF(store_path), 4001,
      "File offset store for samsa_queue_assign (no group): write-then-rename, fsync'd." },
};

#define NPROPS (sizeof props / sizeof props[0])

/* "<a><b>" into errbuf. */
static int fail(char *errbuf, size_t errlen, int err, const char *a, const char *b)
{
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s%s", a, b);
    return err;
}

static int parse_duration(const char *s, size_t len, int64_t *ms)
{
    char buf[32];
    char *end;
    long long v;
    int64_t mul = 1;

    if (len == 0 || len >= sizeof buf)
        return SAMSA_ERR_CONFIG;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (buf[0] < '0' || buf[0] > '9')
        return SAMSA_ERR_CONFIG;
    errno = 0;
    v = strtoll(buf, &end, 10);
    if (errno || v <= 0 || v > 86400000LL)
        return SAMSA_ERR_CONFIG;
    if (!strcmp(end, "ms") || !*end)
        mul = 1;
    else if (!strcmp(end, "s"))
        mul = 1000;
    else if (!strcmp(end, "m"))
        mul = 60000;
    else if (!strcmp(end, "h"))
        mul = 3600000;
    else
        return SAMSA_ERR_CONFIG;
    if (v > 7LL * 86400000 / mul)
        return SAMSA_ERR_CONFIG;
    *ms = v * mul;
    return 0;
}

int sq_conf_parse_levels(const char *s, sq_conf_vals *v, char *errbuf,
                         size_t errlen)
{
    sq_conf_vals t = *v;
    const char *p = s;

    t.nlevels = 0;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        int64_t ms;

        while (len && *p == ' ') {
            p++;
            len--;
        }
        while (len && p[len - 1] == ' ')
            len--;
        if (t.nlevels == SQ_MAX_LEVELS)
            return fail(errbuf, errlen, SAMSA_ERR_CONFIG,
                        "queue.retry.topics: more than 8 levels in ", s);
        if (parse_duration(p, len, &ms) != 0 || len >= sizeof t.level_name[0])
            return fail(errbuf, errlen, SAMSA_ERR_CONFIG,
                        "queue.retry.topics: not a list of delays like 10s,1m,5m: ", s);
        memcpy(t.level_name[t.nlevels], p, len);
        t.level_name[t.nlevels][len] = '\0';
        t.level_ms[t.nlevels++] = ms;
        if (!comma)
            break;
        p = comma + 1;
    }
    *v = t;
    return 0;
}

void sq_conf_defaults(sq_conf_vals *v)
{
    size_t i;

    memset(v, 0, sizeof *v);
    for (i = 0; i < NPROPS; i++)
        (void)sq_conf_set(v, props[i].name, props[i].def, NULL, 0);
}

static int choice_index(const char *choices, const char *value)
{
    size_t vl = strlen(value);
    int idx = 0;
    const char *p = choices;

    for (;;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);

        if (len == vl && !strncmp(p, value, vl))
            return idx;
        if (!bar)
            return -1;
        p = bar + 1;
        idx++;
    }
}

int sq_conf_set(sq_conf_vals *v, const char *name, const char *value,
                char *errbuf, size_t errlen)
{
    const sq_prop *pp = NULL;
    char *field;
    size_t i;

    if (!v || !name || !value)
        return SAMSA_ERR_INVALID_ARG;
    for (i = 0; i < NPROPS; i++)
        if (!strcmp(props[i].name, name))
            pp = &props[i];
    if (!pp)
        return fail(errbuf, errlen, SAMSA_ERR_UNKNOWN_PROPERTY, name,
                    ": unknown queue property");
    field = (char *)v + pp->off;
    switch (pp->type) {
    case SQ_P_INT: {
        char *end;
        long long x;

        errno = 0;
        x = strtoll(value, &end, 10);
        if (errno || end == value || *end || x < pp->min || x > pp->max) {
            char range[64];

            snprintf(range, sizeof range, ": must be an integer in %lld..%lld",
                     (long long)pp->min, (long long)pp->max);
            return fail(errbuf, errlen, SAMSA_ERR_CONFIG, name, range);
        }
        if (pp->off == OFF(workers))
            v->workers = (int)x;
        else
            *(int64_t *)(void *)field = x;
        return 0;
    }
    case SQ_P_DOUBLE: {
        char *end;
        double x;

        errno = 0;
        x = strtod(value, &end);
        if (errno || end == value || *end || !isfinite(x) || x < (double)pp->min ||
            x > (double)pp->max)
            return fail(errbuf, errlen, SAMSA_ERR_CONFIG, name,
                        ": not a number in range");
        *(double *)(void *)field = x;
        return 0;
    }
    case SQ_P_BOOL:
        if (!strcmp(value, "true"))
            *(bool *)(void *)field = true;
        else if (!strcmp(value, "false"))
            *(bool *)(void *)field = false;
        else
            return fail(errbuf, errlen, SAMSA_ERR_CONFIG, name,
                        ": must be true or false");
        return 0;
    case SQ_P_ENUM: {
        int idx = choice_index(pp->choices, value);

        if (idx < 0)
        {
            char msg[96];

            snprintf(msg, sizeof msg, ": must be one of %s", pp->choices);
            return fail(errbuf, errlen, SAMSA_ERR_CONFIG, name, msg);
        }
        *(int *)(void *)field = idx;
        return 0;
    }
    case SQ_P_STRING:
        if (strlen(value) >= pp->size)
            return fail(errbuf, errlen, SAMSA_ERR_CONFIG, name, ": value too long");
        if (pp->off == OFF(dlq_topic) && *value && !sq_topic_name_ok(value))
            return fail(errbuf, errlen, SAMSA_ERR_CONFIG, name,
                        ": not a legal topic name");
        strcpy(field, value);
        return 0;
    case SQ_P_LEVELS:
        return sq_conf_parse_levels(value, v, errbuf, errlen);
    }
    return SAMSA_ERR_INVALID_ARG;
}

const char *samsa_queue_conf_property(size_t i, const char **default_value,
                                      const char **doc)
{
    if (i >= NPROPS)
        return NULL;
    if (default_value)
        *default_value = props[i].def;
    if (doc)
        *doc = props[i].doc;
    return props[i].name;
}

samsa_queue_conf *samsa_queue_conf_new(const samsa_allocator *alloc)
{
    samsa_queue_conf *qc = sp_calloc(alloc, 1, sizeof *qc);

    if (!qc)
        return NULL;
    qc->alloc = alloc;
    qc->client = samsa_conf_new(alloc);
    if (!qc->client) {
        sp_free(alloc, qc);
        return NULL;
    }
    sq_conf_defaults(&qc->v);
    return qc;
}

void samsa_queue_conf_destroy(samsa_queue_conf *qc)
{
    if (!qc)
        return;
    samsa_conf_destroy(qc->client);
    sp_free(qc->alloc, qc);
}

int samsa_queue_conf_set(samsa_queue_conf *qc, const char *name,
                         const char *value, char *errbuf, size_t errlen)
{
    if (!qc || !name || !value)
        return SAMSA_ERR_INVALID_ARG;
    if (!strncmp(name, "queue.", 6))
        return sq_conf_set(&qc->v, name, value, errbuf, errlen);
    return samsa_conf_set(qc->client, name, value, errbuf, errlen);
}

samsa_conf *samsa_queue_conf_client(samsa_queue_conf *qc)
{
    return qc ? qc->client : NULL;
}
