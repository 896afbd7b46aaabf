/*
 * queue/queue_int.h - internals of samsa_queue shared by the queue_*.c
 * files: configuration values, jobs, partitions, the worker pool.
 *
 * Ownership: the queue owns every job and partition. A job owns its
 * samsa_messages (released when the job is freed), its added headers and
 * its output records. Thread rules: everything here belongs to the run
 * thread, except the pool's ready/done lists (under pool.mu), a job while
 * a worker holds it (between sq_pool_submit and its return on the done
 * list), the stats snapshot (under smu) and stop_req (atomic).
 */
#ifndef SQ_QUEUE_INT_H
#define SQ_QUEUE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "samsa/consumer.h"
#include "samsa/queue.h"
#include "lanes.h"
#include "offset_store.h"
#include "offset_tracker.h"
#include "commit_meta.h"
#include "retry_backoff.h"

#define SQ_MAX_LEVELS     8
#define SQ_MAX_MW         16
#define SQ_MAX_ADDED_HDRS 64
#define SQ_MAX_OUTPUTS    1024
#define SQ_TOPIC_MAX      249
#define SQ_HOLD_PAUSE_MS  500 /* see sq_parts_backlogged */
#define SQ_CHAIN_MAX      4096 /* messages of one partition lane per worker turn */
#define SQ_CHAIN_MS       100  /* a turn's length before it ends early, so
                                  slow handlers still complete (and commit)
                                  a chain piece by piece and a stop or
                                  revoke does not wait for the whole chain */
#define SQ_CHAIN_CHECK    8    /* handler calls between looks at the clock */
#define SQ_SPARE_MSGS     8    /* chain-size message arrays kept for reuse (360 KB each) */

enum sq_exhausted { SQ_EXH_DLQ = 0, SQ_EXH_BLOCK = 1, SQ_EXH_STOP = 2 };

/* Parsed queue.* values (see queue_conf.c for the table). */
typedef struct sq_conf_vals {
    int workers;
    int ordering; /* enum sq_order_mode */
    int64_t retry_max_attempts;
    int64_t retry_initial_ms;
    double retry_multiplier;
    int64_t retry_max_ms;
    double retry_jitter;
    int nlevels;
    int64_t level_ms[SQ_MAX_LEVELS];
    char level_name[SQ_MAX_LEVELS][16];
    int on_exhausted;
    char dlq_topic[SQ_TOPIC_MAX + 1];
    bool topic_create;
    int64_t commit_threshold;
    int64_t commit_interval_ms;
    bool commit_metadata;
    int64_t lane_capacity;
    int64_t max_messages;
    int64_t max_partitions;
    int64_t batch_max;
    int64_t shutdown_timeout_ms;
    int64_t revoke_timeout_ms;
    char store_path[4001];
} sq_conf_vals;

struct samsa_queue_conf {
    const samsa_allocator *alloc;
    samsa_conf *client;
    sq_conf_vals v;
};

/* Defaults into v. */
void sq_conf_defaults(sq_conf_vals *v);
/* Set one queue.* property. */
int sq_conf_set(sq_conf_vals *v, const char *name, const char *value,
                char *errbuf, size_t errlen);
/* "10s,1m,5m" -> levels; 0 or CONFIG. Exposed for tests. */
int sq_conf_parse_levels(const char *s, sq_conf_vals *v, char *errbuf,
                         size_t errlen);

/* Message states inside a job. */
enum sq_mstate {
    SQ_M_HANDLE = 0, /* to (or with) a worker */
    SQ_M_DONE,       /* finished: completed in the tracker */
    SQ_M_RETRY,      /* waiting for an in-place retry */
    SQ_M_ROUTE,      /* to be produced to a retry topic or the DLQ */
    SQ_M_ROUTING     /* that produce is in flight */
};

struct samsa_queue_job;

/* Delivery-report opaque: which job and which message (-1 = an output). */
typedef struct sq_ackref {
    struct samsa_queue_job *job;
    int idx;
} sq_ackref;

typedef struct sq_msgref {
    samsa_message *m;
    uint32_t attempt;      /* 1 on the first try */
    char *otopic;          /* original topic: the message's own topic, or
                              owned (otopic_owned) when read from headers */
    bool otopic_owned;
    int32_t opart;
    int64_t ooff;
    int level;             /* retry level the message came from, -1 = main */
    int64_t due_ms;        /* wall clock, retry-topic messages; 0 = none */
    int state;             /* enum sq_mstate */
    int result;            /* samsa_queue_result of the last attempt */
    bool result_set;       /* set by samsa_queue_job_set_result */
    bool ran;              /* the handler ran on it this round */
    bool to_dlq;           /* route target: DLQ (else the next level) */
    sq_ackref ack;
} sq_msgref;

typedef struct sq_output {
    samsa_record rec;      /* every pointer owned by the output */
    samsa_header *hdrs;
    struct sq_output *next;
} sq_output;

struct sq_part;

typedef struct samsa_queue_job {
    struct samsa_queue *q;
    struct sq_part *part;
    uint32_t gen;          /* part->gen when admitted */
    sq_lane *lane;
    size_t n;
    sq_msgref *msgs;
    size_t msgs_cap;       /* SQ_CHAIN_MAX: reusable (q->spare_msgs) */
    size_t vbase, vn;      /* what the handler sees (see sq_run_job) */
    bool chain;            /* single messages run one after another */
    bool all_ran;          /* the chain ran every message OK and left its
                              msgs untouched (their ran flags unset: the
                              run thread reads this instead, so the
                              worker writes no per-message cache line) */
    bool lazy;             /* a chain of main-topic messages without
                              middleware: msgs's memory holds only the
                              message pointers, packed (sq_job_lm), until
                              the run thread needs more (sq_job_expand,
                              in place); the worker shows the handler
                              `cur` instead */
    size_t nran;           /* lazy: messages the worker ran (all OK but
                              maybe the last, whose result is in cur) */
    sq_msgref cur;         /* lazy: the message the handler is on */
    samsa_queue_result result;
    char err[256];
    size_t nhdrs;
    samsa_header *hdrs;    /* SQ_MAX_ADDED_HDRS, allocated on the first add;
                              names and values owned */
    sq_output *outs, *outs_tail;
    size_t nouts;
    uint32_t pending;      /* produces in flight */
    bool out_failed;
    bool out_wait;         /* outputs in flight, messages complete after */
    bool waiting;          /* blocked in its lane until a retry time */
    struct samsa_queue_job *all_prev, *all_next; /* every live job */
    sq_ackref out_ack;
    int64_t elapsed_us;
    char traceparent[56];
    char *tracestate;      /* owned, NULL = none */
    struct samsa_queue_job *next;   /* in the pool lists, overflow or park lists */
} sq_job;

typedef struct sq_part {
    char *topic;
    int32_t partition;
    uint32_t slot;
    uint32_t gen;          /* bumped on revoke and assign */
    bool owned;
    bool revoking;
    int level;             /* -1 main topic, else retry level index */
    char *main_topic;      /* the main topic for a retry-level topic */
    sq_tracker tr;
    int64_t committed;     /* last commit acknowledged (or loaded) */
    int64_t commit_sent;   /* last commit sent */
    sq_job *held_head, *held_tail; /* not yet in the lanes: no space, or
                                      a retry-topic message not yet due */
    int64_t due_wall;      /* the held head's due time (wall ms), 0 = none */
    uint32_t nheld;        /* messages held */
    int64_t held_since;    /* monotonic ms of the first hold or the last
                              admission since, 0 = nothing held */
    bool need_meta;        /* read the commit metadata before admitting */
    sq_run *skip;          /* offsets done by the previous owner (owned) */
    size_t nskip;
    bool paused;
    uint32_t worker_jobs;  /* jobs with workers */
    uint32_t waiting_retry;
    uint64_t dead_lettered;
} sq_part;

/* The worker pool. */
typedef struct sq_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;       /* ready list grew, or quit */
    pthread_cond_t done_cv;  /* done list grew */
    sq_job *ready_head, *ready_tail;
    sq_job *done_head, *done_tail;
    bool quit;
    int evfd;                /* written when the done list becomes non-empty */
    bool notified;           /* evfd written since the loop last took the list */
    int idle;                /* workers waiting on cv */
    int done_waiters;        /* threads waiting on done_cv */
    pthread_t *threads;
    int nthreads;
} sq_pool;

struct samsa_queue {
    const samsa_allocator *alloc;
    sq_conf_vals v;
    samsa_client *c;         /* consumer */
    samsa_client *pc;        /* producer of retry/DLQ copies and outputs: a
                                second handle, see docs/queue.md */
    samsa_conf *cconf;
    samsa_queue_handler *handler;
    bool batch;
    void *opaque;
    samsa_queue_callbacks cb;
    samsa_queue_middleware mw[SQ_MAX_MW];
    size_t nmw;
    bool tracing;
    samsa_log_cb *log_cb;
    void *log_opaque;
    int log_verbose;
    atomic_uint_fast64_t trace_seq;

    char **topics;           /* main topics */
    size_t ntopics;
    bool group;              /* subscribe (group) or assign (store) mode */
    samsa_topic_partition *atps;
    size_t natps;
    sq_offset_store store;

    sq_part **parts;
    size_t nparts, capparts;
    sq_part *last_part;
    sq_job *all_jobs;
    sq_msgref *spare_msgs[SQ_SPARE_MSGS]; /* freed chain arrays, reused:
                              a fresh 90 KB array per chain cost page
                              faults (the heap's top trimmed and regrown) */
    size_t nspare;
    bool stopping;
    sq_lanes *lanes;
    sq_backoff bo;
    sq_pool pool;

    atomic_int stop_req;
    bool running, dead;
    int fail_err;
    char errstr[512];

    int64_t last_commit_ms;
    int64_t completions;
    uint32_t commits_in_flight; /* commit_async sent, callback not yet run */
    int64_t last_stats_ms;
    uint64_t processed, retried, dead_lettered, dropped_late, commits,
        internal_errors, skipped, pauses;
    atomic_uint_fast64_t handler_us_total, handler_us_max;

    pthread_mutex_t smu;
    samsa_queue_stats snap;
    samsa_queue_partition_stats *psnap;
    size_t npsnap;
};

/* Clocks. */
int64_t sq_now_ms(void);      /* monotonic */
int64_t sq_wall_ms(void);     /* realtime, for due times in headers */
int64_t sq_now_us(void);
int64_t sq_coarse_ms(void);   /* monotonic, the kernel's tick resolution */

/* A lazy job's messages: packed pointers at the start of msgs's memory,
 * eight to a cache line instead of one 88-byte entry each (the run thread
 * writes them and a worker on another core reads them). */
static inline samsa_message **sq_job_lm(const sq_job *job)
{
    return (samsa_message **)(void *)job->msgs;
}

/* Message i of a job, lazy or not. */
static inline samsa_message *sq_job_msg(const sq_job *job, size_t i)
{
    return job->lazy ? sq_job_lm(job)[i] : job->msgs[i].m;
}

/* queue_pool.c */
int sq_pool_start(samsa_queue *q);
void sq_pool_submit(samsa_queue *q, sq_job *job);
/* Several at once (linked through next, tail->next NULL): one lock. */
void sq_pool_submit_list(samsa_queue *q, sq_job *head, sq_job *tail, int n);
/* Take the done list (NULL when empty); wait up to timeout_ms (0 = no
 * wait) for one when it is empty. */
sq_job *sq_pool_take_done(samsa_queue *q, int timeout_ms);
void sq_pool_stop(samsa_queue *q);
/* Run the middleware chain and the handler on job (worker side). */
void sq_run_job(samsa_queue *q, sq_job *job);

/* queue_job.c */
/* Takes the messages m[0..n): on failure (NULL) they are released. */
sq_job *sq_job_new(samsa_queue *q, sq_part *p, samsa_message **m, size_t n);
void sq_job_free(sq_job *job);
/* Fill a lazy job's entries (and what its worker ran) so the general code
 * can read them; nothing when it is not lazy. */
void sq_job_expand(sq_job *job);
/* Worker side: job->cur := message i of a lazy chain. */
void sq_job_lazy_cur(sq_job *job, size_t i);
/* Free the headers and outputs the handler added (they belong to the
 * attempt that added them: cleared before the job's remaining messages run
 * again). */
void sq_job_clear_added(sq_job *job);
/* Fill origin, attempt, level and due from retry headers of msgs[i]. */
int sq_job_read_retry_headers(sq_job *job, size_t i);

/* queue_part.c */
sq_part *sq_part_find(samsa_queue *q, const char *topic, int32_t partition);
sq_part *sq_part_get(samsa_queue *q, const char *topic, int32_t partition);
void sq_part_pause(samsa_queue *q, sq_part *p, bool on);
/* Retry level of a topic name (-1 main / unknown) and its main topic. */
int sq_topic_level(samsa_queue *q, const char *topic, const char **main_topic);
/* Drop everything held for p that no worker has; forget its tracker too
 * when reset. */
void sq_part_drop(samsa_queue *q, sq_part *p, bool reset);
/* Move held jobs of p into the lanes while they fit and are due; pause or
 * resume p to match. */
void sq_part_drain_held(samsa_queue *q, sq_part *p);
/* Take a new job of p: into the lanes, or held. */
void sq_part_intake(samsa_queue *q, sq_part *p, sq_job *job);
/* Whether intake should wait for the held messages of the partitions to
 * drain (a backlog, cheaper than a pause, which drops the consumer's
 * prefetched data); a partition that holds without progress for
 * SQ_HOLD_PAUSE_MS is paused instead and no longer makes intake wait. */
bool sq_parts_backlogged(samsa_queue *q, int64_t now_ms);

/* queue_route.c: produce retry/DLQ copies and outputs. */
int sq_route_msg(samsa_queue *q, sq_job *job, size_t i);
int sq_produce_outputs(samsa_queue *q, sq_job *job);
void sq_delivery_cb(void *opaque, const samsa_delivery *d);
/* Retry topic name for topic and level into buf. */
int sq_retry_topic_name(const samsa_queue *q, const char *topic, int level,
                        char *buf, size_t len);
int sq_dlq_topic_name(const samsa_queue *q, const char *topic, char *buf,
                      size_t len);
/* Create missing retry and DLQ topics for the main topics. */
int sq_ensure_topics(samsa_queue *q);

/* queue_decide.c: what a failed attempt leads to (pure). */
enum sq_action {
    SQ_ACT_DONE = 0,
    SQ_ACT_RETRY_IN_PLACE,
    SQ_ACT_RETRY_TOPIC,
    SQ_ACT_DLQ,
    SQ_ACT_BLOCK,
    SQ_ACT_STOP
};
/* A decimal header value (optional '-', digits only, no overflow) into
 * *out: 0 or MALFORMED. Values come from the wire: nothing is trusted. */
int sq_parse_dec(const void *v, size_t len, int64_t *out);
/* result of attempt `attempt` of a message that came from retry level
 * `level` (-1 = main topic). */
int sq_decide(const sq_conf_vals *v, samsa_queue_result result,
              uint32_t attempt, int level);

/* queue_loop.c */
void sq_job_advance(samsa_queue *q, sq_job *job);
void sq_process_done(samsa_queue *q, sq_job *list);
/* Finish a job whose lane is no longer wanted: lanes done, free. */
void sq_job_retire(samsa_queue *q, sq_job *job);
void sq_internal_error(samsa_queue *q, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sq_rebalance_cb(void *opaque, samsa_client *c, samsa_rebalance_event ev,
                     const samsa_topic_partition *tps, size_t n);

/* queue_commit.c */
/* Commit every owned partition whose frontier moved (only `only` when
 * not NULL). */
void sq_commit(samsa_queue *q, sq_part *only);
/* Read the commit metadata of partitions assigned with need_meta (not
 * from a callback: it waits for the coordinator). */
void sq_load_meta(samsa_queue *q);
/* Starting offsets from the store for assign mode. */
int sq_store_load(samsa_queue *q, samsa_topic_partition *tps, size_t n);
void sq_stats_refresh(samsa_queue *q);

#endif
