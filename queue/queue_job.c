/* queue/queue_job.c - jobs and the handler-side accessors (see
 * samsa/queue.h and queue_int.h). */
#define _GNU_SOURCE /* clock_gettime, eventfd */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "queue_int.h"
#include "samsa/error.h"

static char *dup_n(const samsa_allocator *a, const char *s, size_t n)
{
    char *d = sp_alloc(a, n + 1);

    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* A decimal header value into *out; false when absent or not a number. */
static bool header_i64(const samsa_message *m, const char *name, int64_t *out)
{
    const void *v;
    size_t len;

    return samsa_message_header_find(m, name, &v, &len) == 0 &&
           sq_parse_dec(v, len, out) == 0;
}

int sq_job_read_retry_headers(sq_job *job, size_t i)
{
    sq_msgref *r = &job->msgs[i];
    const samsa_message *m = r->m;
    const void *v;
    size_t len;
    int64_t x;

    if (samsa_message_header_find(m, "retry-original-topic", &v, &len) == 0 && v &&
        len > 0 && len <= SQ_TOPIC_MAX) {
        char *t = dup_n(job->q->alloc, v, len);

        if (!t)
            return SAMSA_ERR_NO_MEMORY;
        if (r->otopic_owned)
            sp_free(job->q->alloc, r->otopic);
        r->otopic = t;
        r->otopic_owned = true;
    }
    if (header_i64(m, "retry-original-partition", &x) && x >= 0 && x <= INT32_MAX)
        r->opart = (int32_t)x;
    if (header_i64(m, "retry-original-offset", &x) && x >= 0)
        r->ooff = x;
    if (header_i64(m, "retry-attempt", &x) && x >= 1 && x < UINT32_MAX)
        r->attempt = (uint32_t)x + 1;
    if (header_i64(m, "retry-due", &x) && x > 0)
        r->due_ms = x;
    return 0;
}

sq_job *sq_job_new(samsa_queue *q, sq_part *p, samsa_message **m, size_t n)
{
    sq_job *job = sp_calloc(q->alloc, 1, sizeof *job);
    size_t i;

    if (!job) {
        for (i = 0; i < n; i++)
            samsa_message_release(m[i]);
        return NULL;
    }
    job->q = q;
    job->part = p;
    job->gen = p->gen;
    /* not calloc: every field is set below (zeroing a chain's whole
     * array first cost about 100 instructions per message) */
    job->msgs_cap = n ? n : 1;
    if (n > SQ_CHAIN_MAX / 2 && n <= SQ_CHAIN_MAX) {
        job->msgs_cap = SQ_CHAIN_MAX;
        job->msgs = q->nspare ? q->spare_msgs[--q->nspare]
                              : sp_alloc(q->alloc, SQ_CHAIN_MAX * sizeof *job->msgs);
    } else {
        /* a short chain gets no full-size array: at most twice its size
         * (many partitions with a few messages each stay small) */
        while (n > 64 && job->msgs_cap & (job->msgs_cap - 1))
            job->msgs_cap &= job->msgs_cap - 1;
        if (job->msgs_cap < n)
            job->msgs_cap <<= 1;
        job->msgs = sp_alloc(q->alloc, job->msgs_cap * sizeof *job->msgs);
    }
    if (!job->msgs) {
        for (i = 0; i < n; i++)
            samsa_message_release(m[i]);
        sp_free(q->alloc, job);
        return NULL;
    }
    job->out_ack.job = job;
    job->out_ack.idx = -1;
    job->vn = n;
    job->all_next = q->all_jobs;
    if (q->all_jobs)
        q->all_jobs->all_prev = job;
    q->all_jobs = job;
    /* the caller makes it a chain (n > 1, not batch): with no middleware
     * and a main topic nothing but the message is needed per entry until
     * a result other than OK comes back (sq_job_expand) */
    if (n > 1 && !q->batch && q->nmw == 0 && p->level < 0) {
        job->lazy = true;
        job->n = n;
        memcpy(sq_job_lm(job), m, n * sizeof *m);
        return job;
    }
    for (i = 0; i < n; i++) {
        sq_msgref *r = &job->msgs[i];

        *r = (sq_msgref){
            .m = m[i],
            .attempt = 1,
            .otopic = (char *)m[i]->topic, /* lives as long as the message */
            .opart = m[i]->partition,
            .ooff = m[i]->offset,
            .level = p->level,
            .ack = { .job = job, .idx = (int)i },
        };
        job->n = i + 1;
        if (p->level >= 0 && sq_job_read_retry_headers(job, i) != 0) {
            size_t k;

            for (k = i + 1; k < n; k++)
                samsa_message_release(m[k]);
            sq_job_free(job);
            return NULL;
        }
    }
    return job;
}

static void init_ref(sq_msgref *r, samsa_message *m, const sq_job *job, size_t i)
{
    *r = (sq_msgref){
        .m = m,
        .attempt = 1,
        .otopic = (char *)m->topic, /* lives as long as the message */
        .opart = m->partition,
        .ooff = m->offset,
        .level = -1,
        .ack = { .job = (sq_job *)job, .idx = (int)i },
    };
}

void sq_job_expand(sq_job *job)
{
    size_t i;

    if (!job->lazy)
        return;
    /* in place, from the end: entry i covers pointers 11i..11i+10, all
     * read already for i > 0 (they belong to later entries); pointer 0 is
     * read before entry 0 is written */
    for (i = job->n; i-- > 0;) {
        samsa_message *m = sq_job_lm(job)[i];

        init_ref(&job->msgs[i], m, job, i);
        job->msgs[i].ran = i < job->nran;
    }
    /* the chain stops at its first result other than OK: only the last
     * message run can have one (or a result the handler set) */
    if (job->nran > 0 && job->nran <= job->n) {
        job->msgs[job->nran - 1].result = job->cur.result;
        job->msgs[job->nran - 1].result_set = job->cur.result_set;
    }
    job->lazy = false;
}

/* Fill job->cur for message i of a lazy chain (worker side). */
void sq_job_lazy_cur(sq_job *job, size_t i)
{
    init_ref(&job->cur, sq_job_lm(job)[i], job, i);
}

static void free_output(const samsa_allocator *a, sq_output *o)
{
    size_t i;

    for (i = 0; i < o->rec.nheaders; i++) {
        sp_free(a, (void *)o->hdrs[i].name);
        sp_free(a, (void *)o->hdrs[i].value);
    }
    sp_free(a, o->hdrs);
    sp_free(a, (void *)o->rec.topic);
    sp_free(a, (void *)o->rec.key);
    sp_free(a, (void *)o->rec.value);
    sp_free(a, o);
}

void sq_job_clear_added(sq_job *job)
{
    const samsa_allocator *a = job->q->alloc;
    size_t i;

    for (i = 0; i < job->nhdrs; i++) {
        sp_free(a, (void *)job->hdrs[i].name);
        sp_free(a, (void *)job->hdrs[i].value);
    }
    sp_free(a, job->hdrs);
    job->hdrs = NULL;
    job->nhdrs = 0;
    while (job->outs) {
        sq_output *o = job->outs;

        job->outs = o->next;
        free_output(a, o);
    }
    job->outs_tail = NULL;
    job->nouts = 0;
}

void sq_job_free(sq_job *job)
{
    const samsa_allocator *a;
    size_t i;

    if (!job)
        return;
    a = job->q->alloc;
    if (job->all_prev)
        job->all_prev->all_next = job->all_next;
    else if (job->q->all_jobs == job)
        job->q->all_jobs = job->all_next;
    if (job->all_next)
        job->all_next->all_prev = job->all_prev;
    if (job->lazy)
        for (i = 0; i < job->n; i++)
            samsa_message_release(sq_job_lm(job)[i]);
    else
        for (i = 0; i < job->n; i++) {
            samsa_message_release(job->msgs[i].m);
            if (job->msgs[i].otopic_owned)
                sp_free(a, job->msgs[i].otopic);
        }
    sq_job_clear_added(job);
    sp_free(a, job->tracestate);
    if (job->msgs_cap == SQ_CHAIN_MAX && job->q->nspare < SQ_SPARE_MSGS)
        job->q->spare_msgs[job->q->nspare++] = job->msgs;
    else
        sp_free(a, job->msgs);
    sp_free(a, job);
}

/* ---- public accessors ---- */

/* The handler's view: msgs[vbase, vbase + vn) (one message at a time when
 * a chain of single messages runs on one worker). */
static sq_msgref *vref(const samsa_queue_job *job, size_t i)
{
    if (!job || i >= job->vn)
        return NULL;
    return job->lazy ? (sq_msgref *)&job->cur : &job->msgs[job->vbase + i];
}

size_t samsa_queue_job_count(const samsa_queue_job *job)
{
    return job ? job->vn : 0;
}

#define J(job) (job)

const samsa_message *samsa_queue_job_message(const samsa_queue_job *job, size_t i)
{
    const sq_msgref *r = vref(job, i);

    return r ? r->m : NULL;
}

uint32_t samsa_queue_job_attempt(const samsa_queue_job *job, size_t i)
{
    const sq_msgref *r = vref(job, i);

    return r ? r->attempt : 0;
}

/* A message's origin; a lazy chain's entry is a main-topic message, its
 * own origin (the worker does not copy it per message: a handler that
 * never asks reads nothing of the message). */
static void origin_of(const samsa_queue_job *job, const sq_msgref *r, const char **topic,
                      int32_t *partition, int64_t *offset)
{
    if (job->lazy) {
        *topic = r->m->topic;
        *partition = r->m->partition;
        *offset = r->m->offset;
    } else {
        *topic = r->otopic;
        *partition = r->opart;
        *offset = r->ooff;
    }
}

void samsa_queue_job_origin(const samsa_queue_job *job, size_t i,
                            const char **topic, int32_t *partition,
                            int64_t *offset)
{
    const sq_msgref *r = vref(job, i);
    const char *t;
    int32_t p;
    int64_t o;

    if (!r)
        return;
    origin_of(job, r, &t, &p, &o);
    if (topic)
        *topic = t;
    if (partition)
        *partition = p;
    if (offset)
        *offset = o;
}

size_t samsa_queue_job_key(const samsa_queue_job *job, size_t i, char *buf,
                           size_t len)
{
    const sq_msgref *r = vref(job, i);
    const char *t;
    int32_t p;
    int64_t o;
    int n;

    if (!r)
        return 0;
    origin_of(job, r, &t, &p, &o);
    n = snprintf(buf, len, "%s_%" PRId32 "_%" PRId64, t, p, o);
    return n < 0 ? 0 : (size_t)n;
}

int samsa_queue_job_header(const samsa_queue_job *job, size_t i,
                           const char *name, const void **value,
                           size_t *value_len)
{
    const sq_msgref *r = vref(job, i);

    if (!r || !name)
        return SAMSA_ERR_INVALID_ARG;
    return samsa_message_header_find(r->m, name, value, value_len);
}

int samsa_queue_job_add_header(samsa_queue_job *jb, const char *name,
                               const void *value, size_t value_len)
{
    sq_job *job = J(jb);
    const samsa_allocator *a;
    samsa_header *h;

    if (!job || !name || (!value && value_len))
        return SAMSA_ERR_INVALID_ARG;
    if (job->nhdrs == SQ_MAX_ADDED_HDRS)
        return SAMSA_ERR_LIMIT;
    a = job->q->alloc;
    if (!job->hdrs) {
        job->hdrs = sp_calloc(a, SQ_MAX_ADDED_HDRS, sizeof *job->hdrs);
        if (!job->hdrs)
            return SAMSA_ERR_NO_MEMORY;
    }
    h = &job->hdrs[job->nhdrs];
    h->name = dup_n(a, name, strlen(name));
    h->value = value ? dup_n(a, value, value_len) : NULL;
    h->value_len = value_len;
    if (!h->name || (value && !h->value)) {
        sp_free(a, (void *)h->name);
        sp_free(a, (void *)h->value);
        return SAMSA_ERR_NO_MEMORY;
    }
    job->nhdrs++;
    return 0;
}

int samsa_queue_job_produce(samsa_queue_job *jb, const samsa_record *rec)
{
    sq_job *job = J(jb);
    const samsa_allocator *a;
    sq_output *o;
    size_t i;

    if (!job || !rec || !rec->topic || (rec->nheaders && !rec->headers))
        return SAMSA_ERR_INVALID_ARG;
    if (job->nouts == SQ_MAX_OUTPUTS || rec->nheaders > 1000)
        return SAMSA_ERR_LIMIT;
    a = job->q->alloc;
    o = sp_calloc(a, 1, sizeof *o);
    if (!o)
        return SAMSA_ERR_NO_MEMORY;
    o->rec = *rec;
    o->rec.headers = NULL;
    o->rec.nheaders = 0;
    o->rec.topic = dup_n(a, rec->topic, strlen(rec->topic));
    o->rec.key = rec->key ? dup_n(a, rec->key, rec->key_len) : NULL;
    o->rec.value = rec->value ? dup_n(a, rec->value, rec->value_len) : NULL;
    if (rec->nheaders)
        o->hdrs = sp_calloc(a, rec->nheaders, sizeof *o->hdrs);
    if (!o->rec.topic || (rec->key && !o->rec.key) || (rec->value && !o->rec.value) ||
        (rec->nheaders && !o->hdrs)) {
        free_output(a, o);
        return SAMSA_ERR_NO_MEMORY;
    }
    for (i = 0; i < rec->nheaders; i++) {
        const samsa_header *s = &rec->headers[i];

        o->hdrs[i].name = s->name ? dup_n(a, s->name, strlen(s->name)) : NULL;
        o->hdrs[i].value = s->value ? dup_n(a, s->value, s->value_len) : NULL;
        o->hdrs[i].value_len = s->value_len;
        o->rec.nheaders = i + 1;
        if (!o->hdrs[i].name || (s->value && !o->hdrs[i].value)) {
            free_output(a, o);
            return SAMSA_ERR_NO_MEMORY;
        }
    }
    o->rec.headers = o->hdrs;
    if (job->outs_tail)
        job->outs_tail->next = o;
    else
        job->outs = o;
    job->outs_tail = o;
    job->nouts++;
    return 0;
}

void samsa_queue_job_set_error(samsa_queue_job *jb, const char *errstr)
{
    if (jb && errstr)
        snprintf(J(jb)->err, sizeof J(jb)->err, "%s", errstr);
}

void samsa_queue_job_set_result(samsa_queue_job *jb, size_t i,
                                samsa_queue_result r)
{
    sq_msgref *m = vref(jb, i);

    if (!m)
        return;
    m->result = r;
    m->result_set = true;
}

int64_t samsa_queue_job_elapsed_us(const samsa_queue_job *job)
{
    return job ? job->elapsed_us : 0;
}

const char *samsa_queue_job_traceparent(const samsa_queue_job *job)
{
    return job ? job->traceparent : "";
}
