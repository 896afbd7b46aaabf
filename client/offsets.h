/*
 * client/offsets.h - one partition's offsets on the consumer side:
 * position, fetch offset, committed offset, watermarks, lag, and the
 * decisions around them (auto.offset.reset, KIP-320 truncation
 * detection). Pure state and rules: no I/O; the consumer sends the
 * ListOffsets / OffsetForLeaderEpoch requests this asks for and feeds the
 * answers back.
 *
 * Two offsets move forward: fetch_offset (where the next Fetch starts,
 * running ahead by what is prefetched) and position (after the last
 * message the application got; what commits and lag use). Every seek or
 * reset bumps `gen`; an answer carrying an older gen (a Fetch, ListOffsets
 * or OffsetForLeaderEpoch sent before the seek) is stale and ignored, so
 * a seek always wins over what was in flight.
 *
 * States:
 *   SC_POS_NONE      nothing known: look up the committed offset
 *                    (OffsetFetch) or apply the reset policy
 *   SC_POS_RESET     ListOffsets(reset_ts) needed (-2 earliest, -1 latest,
 *                    or a timestamp from a seek by time)
 *   SC_POS_VALIDATE  leader changed while the position's epoch is known:
 *                    ask OffsetForLeaderEpoch before fetching (KIP-320)
 *   SC_POS_VALID     fetchable (unless paused)
 *   SC_POS_FAILED    an error the application must see (err); it stays
 *                    here until the application seeks
 *
 * Thread rules: loop thread only (the public calls reach it through the
 * client's command queue). Ownership: plain values, nothing allocated.
 */
#ifndef SC_OFFSETS_H
#define SC_OFFSETS_H

#include <stdbool.h>
#include <stdint.h>

#define SC_OFFSET_INVALID (-1001)  /* = SAMSA_OFFSET_INVALID */
#define SC_LIST_EARLIEST (-2)      /* ListOffsets timestamp */
#define SC_LIST_LATEST (-1)

typedef enum sc_reset_policy {
    SC_RESET_EARLIEST = 0, /* auto.offset.reset values, in table order */
    SC_RESET_LATEST = 1,
    SC_RESET_ERROR = 2
} sc_reset_policy;

typedef enum sc_pos_state {
    SC_POS_NONE = 0,
    SC_POS_RESET,
    SC_POS_VALIDATE,
    SC_POS_VALID,
    SC_POS_FAILED
} sc_pos_state;

typedef struct sc_offsets {
    sc_pos_state state;
    uint32_t gen;            /* bumped by every seek / reset */
    int64_t reset_ts;        /* SC_POS_RESET: ListOffsets timestamp */
    int64_t position;        /* next offset for the application */
    int32_t position_epoch;  /* leader epoch of the record before it, -1 */
    int64_t fetch_offset;    /* next offset to fetch */
    int32_t fetch_epoch;     /* last fetched epoch (Fetch v12+), -1 */
    int32_t leader_epoch;    /* current leader epoch from metadata, -1 */
    int64_t committed;       /* last known committed offset, or INVALID */
    int64_t high_watermark;  /* -1 until the first fetch */
    int64_t last_stable_offset;
    int64_t log_start_offset;
    int err;                 /* SC_POS_FAILED: what the application sees */
    int64_t err_offset;      /* where (e.g. the divergent offset) */
    bool paused;
} sc_offsets;

/* What the consumer must do after a partition-level fetch error. */
typedef enum sc_fetch_action {
    SC_ACT_NONE = 0,        /* nothing (stale answer, or already handled) */
    SC_ACT_RETRY,           /* transient: fetch again after a backoff */
    SC_ACT_METADATA,        /* leadership moved or unknown: refresh
                               metadata, then fetch from the new leader */
    SC_ACT_RESET,           /* the state went to SC_POS_RESET: ListOffsets */
    SC_ACT_VALIDATE,        /* the state went to SC_POS_VALIDATE */
    SC_ACT_REPORT           /* the state went to SC_POS_FAILED: tell the app */
} sc_fetch_action;

void sc_off_init(sc_offsets *o);

/* Seek to an explicit offset (>= 0) with its leader epoch if known
 * (-1): VALID, or VALIDATE when epoch >= 0 and a leader epoch is known. */
void sc_off_seek(sc_offsets *o, int64_t offset, int32_t epoch);
/* Seek by ListOffsets timestamp (SC_LIST_EARLIEST, SC_LIST_LATEST, or a
 * time in ms): RESET. */
void sc_off_seek_list(sc_offsets *o, int64_t timestamp);

/*
 * Starting point from OffsetFetch: committed >= 0 seeks there (with its
 * epoch); otherwise the reset policy decides (earliest/latest: RESET;
 * error: FAILED with SAMSA_ERR_NO_OFFSET). Returns the state entered.
 */
sc_pos_state sc_off_start(sc_offsets *o, int64_t committed, int32_t epoch,
                          sc_reset_policy policy);

/* ListOffsets answer for a RESET sent at gen: VALID at offset (with the
 * answer's epoch). false when stale or not in RESET. */
bool sc_off_reset_done(sc_offsets *o, uint32_t gen, int64_t offset,
                       int32_t epoch);
/* ListOffsets failed for good (e.g. authorization): FAILED with err. */
void sc_off_fail(sc_offsets *o, int err, int64_t offset);

/*
 * A partition-level error from a Fetch sent at gen from fetch_offset.
 * OFFSET_OUT_OF_RANGE applies the reset policy (error: FAILED with
 * OFFSET_OUT_OF_RANGE); leadership errors ask for metadata; FENCED /
 * UNKNOWN_LEADER_EPOCH too; CORRUPT/CRC-type errors are reported; others
 * are retried. Stale answers (gen or fetch offset moved on) do nothing.
 */
sc_fetch_action sc_off_fetch_error(sc_offsets *o, uint32_t gen,
                                   int64_t fetch_offset, int err,
                                   sc_reset_policy policy);

/* Watermarks from a fetch answer (-1 fields are ignored). */
void sc_off_marks(sc_offsets *o, int64_t high_watermark,
                  int64_t last_stable_offset, int64_t log_start_offset);

/* Data from a Fetch sent at gen was parsed up to next_offset (last batch
 * epoch `epoch`, -1 if none): the next fetch starts there. false when
 * stale (the caller drops the data). */
bool sc_off_fetched(sc_offsets *o, uint32_t gen, int64_t next_offset,
                    int32_t epoch);

/* Forget what was fetched beyond the position (pause, or buffered
 * messages dropped): the next fetch starts at the position again and
 * answers in flight become stale. Only when VALID with a position. */
void sc_off_rewind(sc_offsets *o);

/* The application got the record at offset (epoch): position moves past
 * it. */
void sc_off_consumed(sc_offsets *o, int64_t offset, int32_t epoch);

/* A newer leader epoch from metadata. true when the position must be
 * validated first (state VALIDATE): the position's epoch is known. */
bool sc_off_leader_changed(sc_offsets *o, int32_t leader_epoch);

/* What to ask OffsetForLeaderEpoch in VALIDATE: the current leader epoch
 * (fencing) and the epoch whose end offset we want. false otherwise. */
bool sc_off_validation_request(const sc_offsets *o, int32_t *current_epoch,
                               int32_t *epoch);

/*
 * Apply an epoch end offset: the OffsetForLeaderEpoch answer for a
 * VALIDATE sent at gen, or a Fetch v12+ diverging_epoch (pass o->gen).
 * end_offset < position means the log was truncated below us: with a
 * reset policy, move to end_offset (KIP-320: the first divergent offset),
 * else FAILED with SAMSA_ERR_LOG_TRUNCATED at end_offset. An undefined
 * answer (-1 epoch or offset) resets by policy (or fails). Returns the
 * action: NONE (valid again or stale), RESET or REPORT.
 */
sc_fetch_action sc_off_epoch_end(sc_offsets *o, uint32_t gen, int32_t epoch,
                                 int64_t end_offset, sc_reset_policy policy);

/* Fetch now? VALID and not paused. */
bool sc_off_fetchable(const sc_offsets *o);

/* High watermark (read_committed: last stable offset) minus position;
 * -1 while unknown. Never negative. */
int64_t sc_off_lag(const sc_offsets *o, bool read_committed);

#endif
