/* queue/queue_route.c - records the queue produces: retry-topic copies,
 * DLQ copies and handler outputs, their delivery reports, and creating the
 * retry and DLQ topics (see queue_int.h; header names in docs/queue.md). */
#define _GNU_SOURCE /* clock_gettime, eventfd */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "queue_int.h"
#include "samsa/admin.h"
#include "samsa/error.h"
#if defined(__has_include)
#if __has_include("samsa/describe.h")
#include "samsa/describe.h"
#define SQ_HAVE_DESCRIBE 1
#pragma weak samsa_metadata_get
#pragma weak samsa_metadata_free
#endif
#endif

int sq_retry_topic_name(const samsa_queue *q, const char *topic, int level,
                        char *buf, size_t len)
{
    int n;

    if (level < 0 || level >= q->v.nlevels)
        return SAMSA_ERR_INVALID_ARG;
    n = snprintf(buf, len, "%s.retry.%s", topic, q->v.level_name[level]);
    return n < 0 || (size_t)n >= len || n > SQ_TOPIC_MAX ? SAMSA_ERR_LIMIT : 0;
}

int sq_dlq_topic_name(const samsa_queue *q, const char *topic, char *buf,
                      size_t len)
{
    int n = q->v.dlq_topic[0] ? snprintf(buf, len, "%s", q->v.dlq_topic)
                              : snprintf(buf, len, "%s.dlq", topic);

    return n < 0 || (size_t)n >= len || n > SQ_TOPIC_MAX ? SAMSA_ERR_LIMIT : 0;
}

/* Headers of a copy: the message's own (minus the queue's retry-* ones and,
 * when tracing, the trace ones that get replaced), the job's added ones,
 * the trace context, then `extra`. */
typedef struct hdr_set {
    samsa_header *h;
    size_t n;
    char *names; /* NUL-terminated copies of the message's header names */
} hdr_set;

static bool name_is(const samsa_message_header *h, const char *s)
{
    size_t l = strlen(s);

    return h->name_len == l && !memcmp(h->name, s, l);
}

static bool name_prefix(const samsa_message_header *h, const char *s)
{
    size_t l = strlen(s);

    return h->name_len >= l && !memcmp(h->name, s, l);
}

static int hdr_build(samsa_queue *q, sq_job *job, const samsa_message *m,
                     const samsa_header *extra, size_t nextra, hdr_set *hs)
{
    size_t nm = m ? m->nheaders : 0, i, namebytes = 0, off = 0;
    size_t cap = nm + job->nhdrs + 2 + nextra;
    samsa_message_header mh;

    memset(hs, 0, sizeof *hs);
    for (i = 0; i < nm; i++)
        if (samsa_message_header_get(m, i, &mh) == 0)
            namebytes += mh.name_len + 1;
    hs->h = sp_calloc(q->alloc, cap ? cap : 1, sizeof *hs->h);
    hs->names = sp_alloc(q->alloc, namebytes ? namebytes : 1);
    if (!hs->h || !hs->names) {
        sp_free(q->alloc, hs->h);
        sp_free(q->alloc, hs->names);
        return SAMSA_ERR_NO_MEMORY;
    }
    for (i = 0; i < nm; i++) {
        if (samsa_message_header_get(m, i, &mh) != 0)
            continue;
        if (name_prefix(&mh, "retry-") || name_prefix(&mh, "dlq-"))
            continue;
        if (job->traceparent[0] &&
            (name_is(&mh, "traceparent") || name_is(&mh, "tracestate")))
            continue;
        memcpy(hs->names + off, mh.name, mh.name_len);
        hs->names[off + mh.name_len] = '\0';
        hs->h[hs->n].name = hs->names + off;
        hs->h[hs->n].value = mh.value;
        hs->h[hs->n].value_len = mh.value_len;
        hs->n++;
        off += mh.name_len + 1;
    }
    for (i = 0; i < job->nhdrs; i++)
        hs->h[hs->n++] = job->hdrs[i];
    if (job->traceparent[0]) {
        hs->h[hs->n].name = "traceparent";
        hs->h[hs->n].value = job->traceparent;
        hs->h[hs->n].value_len = strlen(job->traceparent);
        hs->n++;
        if (job->tracestate) {
            hs->h[hs->n].name = "tracestate";
            hs->h[hs->n].value = job->tracestate;
            hs->h[hs->n].value_len = strlen(job->tracestate);
            hs->n++;
        }
    }
    for (i = 0; i < nextra; i++)
        hs->h[hs->n++] = extra[i];
    return 0;
}

static void hdr_free(samsa_queue *q, hdr_set *hs)
{
    sp_free(q->alloc, hs->h);
    sp_free(q->alloc, hs->names);
}

static void set_num(samsa_header *h, const char *name, char *buf, int64_t v)
{
    int n = snprintf(buf, 24, "%" PRId64, v);

    h->name = name;
    h->value = buf;
    h->value_len = n < 0 ? 0 : (size_t)n;
}

static void set_str(samsa_header *h, const char *name, const char *s)
{
    h->name = name;
    h->value = s;
    h->value_len = strlen(s);
}

static const char *result_name(int r)
{
    return r == SAMSA_QUEUE_RETRY ? "RETRY" : r == SAMSA_QUEUE_FAIL ? "FAIL" : "OK";
}

int sq_route_msg(samsa_queue *q, sq_job *job, size_t i)
{
    sq_msgref *r = &job->msgs[i];
    const samsa_message *m = r->m;
    samsa_header extra[8];
    char nums[6][24], topic[SQ_TOPIC_MAX + 1], errtxt[300];
    samsa_record rec;
    hdr_set hs;
    size_t ne = 0;
    int err;

    if (job->err[0])
        snprintf(errtxt, sizeof errtxt, "%s", job->err);
    else
        snprintf(errtxt, sizeof errtxt, "handler returned %s", result_name(r->result));
    if (r->to_dlq) {
        err = sq_dlq_topic_name(q, r->otopic, topic, sizeof topic);
        set_str(&extra[ne++], "dlq-error", errtxt);
        set_num(&extra[ne++], "dlq-attempts", nums[0], r->attempt);
        set_str(&extra[ne++], "dlq-original-topic", r->otopic);
        set_num(&extra[ne++], "dlq-original-partition", nums[1], r->opart);
        set_num(&extra[ne++], "dlq-original-offset", nums[2], r->ooff);
        set_num(&extra[ne++], "dlq-timestamp", nums[3], sq_wall_ms());
    } else {
        int next = r->level + 1;

        err = sq_retry_topic_name(q, r->otopic, next, topic, sizeof topic);
        set_num(&extra[ne++], "retry-attempt", nums[0], r->attempt);
        /* +1: the clock is read in whole ms, so round up; never due early */
        set_num(&extra[ne++], "retry-due", nums[1], sq_wall_ms() + 1 + q->v.level_ms[next]);
        set_str(&extra[ne++], "retry-original-topic", r->otopic);
        set_num(&extra[ne++], "retry-original-partition", nums[2], r->opart);
        set_num(&extra[ne++], "retry-original-offset", nums[3], r->ooff);
        set_num(&extra[ne++], "retry-level", nums[4], next);
        set_str(&extra[ne++], "retry-error", errtxt);
    }
    if (err)
        return err;
    err = hdr_build(q, job, m, extra, ne, &hs);
    if (err)
        return err;
    memset(&rec, 0, sizeof rec);
    rec.topic = topic;
    rec.partition = SAMSA_PARTITION_ANY;
    rec.key = m->key;
    rec.key_len = m->key_len;
    rec.value = m->value;
    rec.value_len = m->value_len;
    rec.headers = hs.h;
    rec.nheaders = hs.n;
    rec.timestamp_ms = SAMSA_TIMESTAMP_NOW;
    err = samsa_produce(q->pc, &rec, &r->ack, 0);
    hdr_free(q, &hs);
    if (err == 0) {
        r->state = SQ_M_ROUTING;
        job->pending++;
    }
    return err;
}

int sq_produce_outputs(samsa_queue *q, sq_job *job)
{
    sq_output *o;
    int err = 0;

    for (o = job->outs; o; o = o->next) {
        samsa_record rec = o->rec;
        samsa_header *extra = o->hdrs;
        hdr_set hs;

        err = hdr_build(q, job, NULL, extra, o->rec.nheaders, &hs);
        if (err)
            break;
        rec.headers = hs.h;
        rec.nheaders = hs.n;
        err = samsa_produce(q->pc, &rec, &job->out_ack, 0);
        hdr_free(q, &hs);
        if (err)
            break;
        job->pending++;
    }
    if (err)
        job->out_failed = true;
    return err;
}

void sq_delivery_cb(void *opaque, const samsa_delivery *d)
{
    samsa_queue *q = opaque;
    sq_ackref *ref = d->opaque;
    sq_job *job;

    if (!q || q->dead || !ref)
        return;
    job = ref->job;
    job->pending--;
    if (ref->idx < 0) {
        if (d->err) {
            job->out_failed = true;
            sq_internal_error(q, d->err, "output to %s failed: %s", d->topic,
                              d->errstr);
        }
    } else {
        sq_msgref *r = &job->msgs[ref->idx];

        if (d->err) {
            r->state = SQ_M_ROUTE; /* produced again after a backoff */
            sq_internal_error(q, d->err, "%s copy of %s/%" PRId32 "@%" PRId64
                              " to %s failed: %s", r->to_dlq ? "DLQ" : "retry",
                              r->otopic, r->opart, r->ooff, d->topic, d->errstr);
        } else {
            r->state = SQ_M_DONE;
            if (job->gen == job->part->gen && job->part->owned) {
                if (sq_tracker_done(&job->part->tr, r->m->offset) == 0)
                    q->completions++;
                if (r->to_dlq) {
                    q->dead_lettered++;
                    job->part->dead_lettered++;
                } else {
                    q->retried++;
                }
            }
            if (r->to_dlq && q->cb.on_dead_letter) {
                samsa_queue_event ev = { r->otopic, r->opart, r->ooff, r->attempt,
                                         (samsa_queue_result)r->result,
                                         job->err[0] ? job->err : "exhausted" };

                q->cb.on_dead_letter(q->cb.opaque, &ev);
            }
        }
    }
    if (job->pending == 0)
        sq_job_advance(q, job);
}

static int32_t partition_count(samsa_queue *q, const char *topic)
{
#ifdef SQ_HAVE_DESCRIBE
    samsa_metadata *md = NULL;
    int32_t n = -1;

    if (!samsa_metadata_get || !samsa_metadata_free)
        return -1;
    if (samsa_metadata_get(q->pc, &topic, 1, &md, 10000) == 0 && md) {
        if (md->ntopics == 1 && md->topics[0].err == 0)
            n = (int32_t)md->topics[0].npartitions;
        samsa_metadata_free(md);
    }
    return n;
#else
    (void)q;
    (void)topic;
    return -1;
#endif
}

static int create_one(samsa_queue *q, const char *name, int32_t parts)
{
    int err = samsa_create_topic(q->pc, name, parts, -1, NULL, 0, 15000);

    if (err == SAMSA_ERR_TOPIC_ALREADY_EXISTS)
        return 0;
    if (err)
        sq_internal_error(q, err, "creating topic %s: %s", name,
                          samsa_client_errstr(q->pc));
    return err;
}

int sq_ensure_topics(samsa_queue *q)
{
    char name[SQ_TOPIC_MAX + 1];
    size_t t;
    int l, err = 0;

    if (!q->v.topic_create)
        return 0;
    for (t = 0; t < q->ntopics; t++) {
        int32_t parts = partition_count(q, q->topics[t]);

        for (l = 0; l < q->v.nlevels && !err; l++)
            if ((err = sq_retry_topic_name(q, q->topics[t], l, name, sizeof name)) == 0)
                err = create_one(q, name, parts);
        if (!err && q->v.on_exhausted == SQ_EXH_DLQ &&
            (err = sq_dlq_topic_name(q, q->topics[t], name, sizeof name)) == 0)
            err = create_one(q, name, parts);
        if (err)
            break;
    }
    return err;
}
