/* queue/queue_part.c - the queue's partitions: lookup, slots, pausing,
 * held messages (no lane space yet, or a retry-topic message not yet due)
 * and dropping on revoke (see queue_int.h). */
#define _GNU_SOURCE /* clock_gettime, eventfd */
#include <string.h>

#include "alloc.h"
#include "queue_int.h"
#include "samsa/error.h"

sq_part *sq_part_find(samsa_queue *q, const char *topic, int32_t partition)
{
    size_t i;

    if (q->last_part && q->last_part->partition == partition &&
        !strcmp(q->last_part->topic, topic))
        return q->last_part;
    for (i = 0; i < q->nparts; i++) {
        sq_part *p = q->parts[i];

        if (p->partition == partition && !strcmp(p->topic, topic)) {
            q->last_part = p;
            return p;
        }
    }
    return NULL;
}

int sq_topic_level(samsa_queue *q, const char *topic, const char **main_topic)
{
    char name[SQ_TOPIC_MAX + 1];
    size_t t;
    int l;

    for (t = 0; t < q->ntopics; t++)
        for (l = 0; l < q->v.nlevels; l++)
            if (sq_retry_topic_name(q, q->topics[t], l, name, sizeof name) == 0 &&
                !strcmp(name, topic)) {
                if (main_topic)
                    *main_topic = q->topics[t];
                return l;
            }
    return -1;
}

sq_part *sq_part_get(samsa_queue *q, const char *topic, int32_t partition)
{
    sq_part *p = sq_part_find(q, topic, partition);
    const char *main_topic = NULL;
    uint64_t cap;
    size_t len;

    if (p)
        return p;
    if ((int64_t)q->nparts >= q->v.max_partitions)
        return NULL;
    if (q->nparts == q->capparts) {
        size_t nc = q->capparts ? q->capparts * 2 : 16;
        sq_part **np = sp_realloc(q->alloc, q->parts, nc * sizeof *np);

        if (!np)
            return NULL;
        q->parts = np;
        q->capparts = nc;
    }
    p = sp_calloc(q->alloc, 1, sizeof *p);
    if (!p)
        return NULL;
    len = strlen(topic);
    p->topic = sp_alloc(q->alloc, len + 1);
    /* room for lane_capacity outstanding plus as many finished ones held
     * behind a slow message (key and none modes finish out of order) */
    cap = 2 * (uint64_t)q->v.lane_capacity * (uint64_t)q->v.batch_max + 16;
    if (cap > SQ_LANES_MAX_CAPACITY)
        cap = SQ_LANES_MAX_CAPACITY;
    if (!p->topic || sq_tracker_init(&p->tr, q->alloc, (uint32_t)cap) != 0) {
        sp_free(q->alloc, p->topic);
        sp_free(q->alloc, p);
        return NULL;
    }
    memcpy(p->topic, topic, len + 1);
    p->partition = partition;
    p->slot = (uint32_t)q->nparts;
    p->level = sq_topic_level(q, topic, &main_topic);
    p->main_topic = (char *)main_topic;
    p->committed = -1;
    p->commit_sent = -1;
    q->parts[q->nparts++] = p;
    return p;
}

void sq_part_pause(samsa_queue *q, sq_part *p, bool on)
{
    samsa_topic_partition tp;

    if (p->paused == on)
        return;
    memset(&tp, 0, sizeof tp);
    tp.topic = p->topic;
    tp.partition = p->partition;
    tp.leader_epoch = -1;
    if ((on ? samsa_pause(q->c, &tp, 1) : samsa_resume(q->c, &tp, 1)) == 0) {
        p->paused = on;
        q->pauses += on;
    }
}

static void drop_job(void *ctx, void *item)
{
    sq_job *job = item;

    (void)ctx;
    if (job->waiting && job->part->waiting_retry)
        job->part->waiting_retry--;
    if (job->pending == 0)
        sq_job_free(job);
    /* else its delivery reports still point at it: they retire it late */
}

void sq_part_drop(samsa_queue *q, sq_part *p, bool reset)
{
    while (p->held_head) {
        sq_job *job = p->held_head;

        p->held_head = job->next;
        sq_job_free(job);
    }
    p->held_tail = NULL;
    p->due_wall = 0;
    p->nheld = 0;
    p->held_since = 0;
    if (reset) {
        sp_free(q->alloc, p->skip);
        p->skip = NULL;
        p->nskip = 0;
        p->need_meta = false;
    }
    sq_lanes_drop_partition(q->lanes, p->slot, drop_job, q);
    p->waiting_retry = 0;
    if (reset)
        sq_tracker_reset(&p->tr);
}

/* A partition is paused once it holds queue.lane.capacity messages that
 * did not fit, or (sq_parts_backlogged) once it held some for
 * SQ_HOLD_PAUSE_MS without progress. Pausing drops what the consumer
 * prefetched for it (fetched again on resume), so it is not done for a
 * backlog that drains: intake waits for that instead, and the consumer's
 * fetch.buffer.max.bytes bounds what it prefetches meanwhile. */
static void hold_pause(samsa_queue *q, sq_part *p, int why)
{
    if (why == 1 || (int64_t)p->nheld >= q->v.lane_capacity)
        sq_part_pause(q, p, true);
}

static bool skipped(const sq_part *p, int64_t off)
{
    size_t i;

    for (i = 0; i < p->nskip; i++)
        if (off >= p->skip[i].first && off - p->skip[i].first < p->skip[i].count)
            return true;
    return false;
}

/* Take out of job the messages the previous owner finished (its commit
 * metadata says so), single or in a batch: they count as completed and
 * their offsets become holes the frontier passes (a skipped tail once the
 * next offset is handed out). Returns how many are left; with none left
 * the job is freed. */
static size_t drop_skipped(samsa_queue *q, sq_part *p, sq_job *job)
{
    int64_t next = job->msgs[job->n - 1].m->offset + 1;
    size_t i, k = 0;

    for (i = 0; i < job->n; i++) {
        sq_msgref *r = &job->msgs[i];

        if (!skipped(p, r->m->offset)) {
            job->msgs[k] = *r;
            job->msgs[k].ack.idx = (int)k;
            k++;
            continue;
        }
        q->skipped++;
        q->completions++; /* the frontier may move: commit it */
        samsa_message_release(r->m);
        if (r->otopic_owned)
            sp_free(q->alloc, r->otopic);
    }
    job->n = job->vn = k;
    if (k == 0) {
        /* every earlier job is admitted (held ones go first): the
         * frontier may pass these */
        sq_tracker_set_position(&p->tr, next);
        sq_job_free(job);
    }
    return k;
}

/* 0: in the lanes (or skipped); 1: not due yet; 2: waiting for the commit
 * metadata; QUEUE_FULL: no space. */
static int admit(samsa_queue *q, sq_part *p, sq_job *job)
{
    const samsa_message *m;
    const void *key = NULL;
    size_t keylen = 0, i;
    int64_t first, last;
    int err;

    if (p->need_meta)
        return 2;
    if (p->nskip) {
        sq_job_expand(job); /* drop_skipped moves entries */
        if (drop_skipped(q, p, job) == 0)
            return 0; /* every message of the job was done before */
    }
    m = sq_job_msg(job, 0);
    /* a lazy job is of a main topic: no due time */
    if (!job->lazy && job->msgs[0].due_ms > 0 && job->msgs[0].due_ms > sq_wall_ms())
        return 1;
    /* the tracker also holds finished offsets above the frontier: no
     * room there is as full as no room in the lanes */
    if ((uint64_t)p->tr.count + job->n > p->tr.cap)
        return SAMSA_ERR_QUEUE_FULL;
    if (q->v.ordering == SQ_ORDER_KEY && !q->batch && m->key) {
        key = m->key;
        keylen = m->key_len;
    }
    err = sq_lanes_push(q->lanes, p->slot, key, keylen, job);
    if (err)
        return err;
    first = m->offset;
    last = sq_job_msg(job, job->n - 1)->offset;
    /* increasing offsets n - 1 apart have no holes: add them as a run */
    if (last - first != (int64_t)job->n - 1 ||
        sq_tracker_add_seq(&p->tr, first, (uint32_t)job->n) != 0)
        for (i = 0; i < job->n; i++) {
            int64_t off = sq_job_msg(job, i)->offset;

            if (sq_tracker_add(&p->tr, off) != 0)
                sq_internal_error(q, SAMSA_ERR_STATE, "%s/%d: offset %lld not tracked",
                                  p->topic, (int)p->partition, (long long)off);
        }
    sq_tracker_set_position(&p->tr, last + 1);
    return 0;
}

void sq_part_drain_held(samsa_queue *q, sq_part *p)
{
    bool moved = false;

    while (p->held_head) {
        sq_job *job = p->held_head, *next = job->next;
        uint32_t n = (uint32_t)job->n;
        int r;

        job->next = NULL;
        r = admit(q, p, job); /* may free job (a skipped message) */
        if (r != 0) {
            p->nheld -= n - (uint32_t)job->n; /* skipped ones left it */
            job->next = next;
            p->due_wall = r == 1 && !job->lazy ? job->msgs[0].due_ms : 0;
            if (moved)
                p->held_since = sq_now_ms(); /* progress: not stuck */
            hold_pause(q, p, r);
            return;
        }
        moved = true;
        p->held_head = next;
        if (!next)
            p->held_tail = NULL;
        p->nheld -= n;
    }
    p->due_wall = 0;
    p->held_since = 0;
    sq_part_pause(q, p, false);
}

void sq_part_intake(samsa_queue *q, sq_part *p, sq_job *job)
{
    job->next = NULL;
    if (!p->held_head) {
        int r = admit(q, p, job);

        if (r == 0)
            return;
        p->due_wall = r == 1 && !job->lazy ? job->msgs[0].due_ms : 0;
        p->nheld += (uint32_t)job->n;
        hold_pause(q, p, r);
    } else {
        p->nheld += (uint32_t)job->n;
        hold_pause(q, p, 0);
    }
    if (p->held_tail)
        p->held_tail->next = job;
    else
        p->held_head = job;
    p->held_tail = job;
    if (!p->held_since)
        p->held_since = sq_now_ms();
}

bool sq_parts_backlogged(samsa_queue *q, int64_t now_ms)
{
    bool wait = false;
    size_t i;

    for (i = 0; i < q->nparts; i++) {
        sq_part *p = q->parts[i];

        if (!p->held_head || p->paused || !p->held_since)
            continue;
        if (now_ms - p->held_since < SQ_HOLD_PAUSE_MS)
            wait = true;
        else
            sq_part_pause(q, p, true); /* stuck: let the others flow */
    }
    return wait;
}
