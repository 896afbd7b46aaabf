/* client/offsets.c - per-partition consumer offsets; see offsets.h. */
#include "offsets.h"

#include "samsa/error.h"

void sc_off_init(sc_offsets *o)
{
    o->state = SC_POS_NONE;
    o->gen = 0;
    o->reset_ts = SC_LIST_LATEST;
    o->position = SC_OFFSET_INVALID;
    o->position_epoch = -1;
    o->fetch_offset = SC_OFFSET_INVALID;
    o->fetch_epoch = -1;
    o->leader_epoch = -1;
    o->committed = SC_OFFSET_INVALID;
    o->high_watermark = -1;
    o->last_stable_offset = -1;
    o->log_start_offset = -1;
    o->err = 0;
    o->err_offset = -1;
    o->paused = false;
}

static void move_to(sc_offsets *o, int64_t offset, int32_t epoch)
{
    o->gen++;
    o->position = offset;
    o->position_epoch = epoch;
    o->fetch_offset = offset;
    o->fetch_epoch = epoch;
    o->err = 0;
    o->err_offset = -1;
}

void sc_off_seek(sc_offsets *o, int64_t offset, int32_t epoch)
{
    move_to(o, offset, epoch);
    o->state = (epoch >= 0 && o->leader_epoch >= 0) ? SC_POS_VALIDATE
                                                    : SC_POS_VALID;
}

void sc_off_seek_list(sc_offsets *o, int64_t timestamp)
{
    move_to(o, SC_OFFSET_INVALID, -1);
    o->reset_ts = timestamp;
    o->state = SC_POS_RESET;
}

void sc_off_fail(sc_offsets *o, int err, int64_t offset)
{
    o->gen++; /* whatever was in flight no longer matters */
    o->state = SC_POS_FAILED;
    o->err = err;
    o->err_offset = offset;
}

/* Apply the reset policy; err is what the application sees without one. */
static sc_fetch_action reset_by_policy(sc_offsets *o, sc_reset_policy policy,
                                       int err, int64_t at)
{
    if (policy == SC_RESET_ERROR) {
        sc_off_fail(o, err, at);
        return SC_ACT_REPORT;
    }
    sc_off_seek_list(o, policy == SC_RESET_EARLIEST ? SC_LIST_EARLIEST
                                                    : SC_LIST_LATEST);
    return SC_ACT_RESET;
}

sc_pos_state sc_off_start(sc_offsets *o, int64_t committed, int32_t epoch,
                          sc_reset_policy policy)
{
    if (committed >= 0) {
        o->committed = committed;
        sc_off_seek(o, committed, epoch);
    } else {
        reset_by_policy(o, policy, SAMSA_ERR_NO_OFFSET, -1);
    }
    return o->state;
}

bool sc_off_reset_done(sc_offsets *o, uint32_t gen, int64_t offset,
                       int32_t epoch)
{
    if (o->state != SC_POS_RESET || gen != o->gen || offset < 0)
        return false;
    o->position = offset;
    o->position_epoch = epoch;
    o->fetch_offset = offset;
    o->fetch_epoch = epoch;
    o->state = SC_POS_VALID;
    return true;
}

sc_fetch_action sc_off_fetch_error(sc_offsets *o, uint32_t gen,
                                   int64_t fetch_offset, int err,
                                   sc_reset_policy policy)
{
    if (gen != o->gen || o->state != SC_POS_VALID ||
        fetch_offset != o->fetch_offset)
        return SC_ACT_NONE; /* a seek or reset happened meanwhile */
    switch (err) {
    case 0:
        return SC_ACT_NONE;
    case SAMSA_ERR_OFFSET_OUT_OF_RANGE:
        return reset_by_policy(o, policy, err, fetch_offset);
    case SAMSA_ERR_NOT_LEADER_OR_FOLLOWER:
    case SAMSA_ERR_REPLICA_NOT_AVAILABLE:
    case SAMSA_ERR_LEADER_NOT_AVAILABLE:
    case SAMSA_ERR_FENCED_LEADER_EPOCH:
    case SAMSA_ERR_OFFSET_NOT_AVAILABLE:
    case SAMSA_ERR_KAFKA_STORAGE_ERROR:
    case SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION:
    case SAMSA_ERR_UNKNOWN_TOPIC_ID:
    case SAMSA_ERR_INCONSISTENT_TOPIC_ID:
    case SAMSA_ERR_NEW_LEADER_ELECTED:
        return SC_ACT_METADATA;
    case SAMSA_ERR_TOPIC_AUTHORIZATION_FAILED:
    case SAMSA_ERR_CORRUPT_MESSAGE:
    case SAMSA_ERR_CRC_MISMATCH:
    case SAMSA_ERR_MALFORMED:
    case SAMSA_ERR_TRUNCATED:
    case SAMSA_ERR_VARINT_OVERFLOW:
    case SAMSA_ERR_BAD_MAGIC:
    case SAMSA_ERR_UNKNOWN_CODEC:
    case SAMSA_ERR_NOT_SUPPORTED:
    case SAMSA_ERR_DECOMPRESS:
    case SAMSA_ERR_TOO_LARGE:
        sc_off_fail(o, err, fetch_offset);
        return SC_ACT_REPORT;
    default:
        /* UNKNOWN_LEADER_EPOCH (we are ahead of the broker), timeouts,
         * UNKNOWN_SERVER_ERROR, tiered storage moves: fetch again */
        return SC_ACT_RETRY;
    }
}

void sc_off_marks(sc_offsets *o, int64_t high_watermark,
                  int64_t last_stable_offset, int64_t log_start_offset)
{
    if (high_watermark >= 0)
        o->high_watermark = high_watermark;
    if (last_stable_offset >= 0)
        o->last_stable_offset = last_stable_offset;
    if (log_start_offset >= 0)
        o->log_start_offset = log_start_offset;
}

bool sc_off_fetched(sc_offsets *o, uint32_t gen, int64_t next_offset,
                    int32_t epoch)
{
    if (gen != o->gen || o->state != SC_POS_VALID)
        return false;
    if (next_offset > o->fetch_offset)
        o->fetch_offset = next_offset;
    if (epoch >= 0)
        o->fetch_epoch = epoch;
    return true;
}

void sc_off_rewind(sc_offsets *o)
{
    if (o->state != SC_POS_VALID || o->position < 0)
        return;
    o->gen++;
    o->fetch_offset = o->position;
    o->fetch_epoch = o->position_epoch;
}

void sc_off_consumed(sc_offsets *o, int64_t offset, int32_t epoch)
{
    if (offset + 1 > o->position || o->position < 0) {
        o->position = offset + 1;
        if (epoch >= 0)
            o->position_epoch = epoch;
    }
}

bool sc_off_leader_changed(sc_offsets *o, int32_t leader_epoch)
{
    if (leader_epoch <= o->leader_epoch)
        return false;
    o->leader_epoch = leader_epoch;
    if (o->state == SC_POS_VALID && o->fetch_epoch >= 0) {
        o->state = SC_POS_VALIDATE;
        return true;
    }
    return o->state == SC_POS_VALIDATE;
}

bool sc_off_validation_request(const sc_offsets *o, int32_t *current_epoch,
                               int32_t *epoch)
{
    if (o->state != SC_POS_VALIDATE)
        return false;
    *current_epoch = o->leader_epoch;
    *epoch = o->fetch_epoch;
    return true;
}

sc_fetch_action sc_off_epoch_end(sc_offsets *o, uint32_t gen, int32_t epoch,
                                 int64_t end_offset, sc_reset_policy policy)
{
    if (gen != o->gen ||
        (o->state != SC_POS_VALIDATE && o->state != SC_POS_VALID))
        return SC_ACT_NONE;
    if (epoch < 0 || end_offset < 0)
        /* the broker knows no such epoch: nothing to compare with */
        return reset_by_policy(o, policy, SAMSA_ERR_LOG_TRUNCATED, -1);
    if (end_offset < o->fetch_offset) {
        if (policy == SC_RESET_ERROR) {
            sc_off_fail(o, SAMSA_ERR_LOG_TRUNCATED, end_offset);
            return SC_ACT_REPORT;
        }
        /* truncated below us: go on from the first divergent offset, or
         * from the position when the application is still behind it
         * (buffered messages are dropped on the gen change) */
        if (o->position >= 0 && o->position < end_offset)
            move_to(o, o->position, o->position_epoch);
        else
            move_to(o, end_offset, epoch);
        o->state = SC_POS_VALID;
        return SC_ACT_NONE;
    }
    o->state = SC_POS_VALID;
    return SC_ACT_NONE;
}

bool sc_off_fetchable(const sc_offsets *o)
{
    return o->state == SC_POS_VALID && !o->paused;
}

int64_t sc_off_lag(const sc_offsets *o, bool read_committed)
{
    int64_t end = read_committed ? o->last_stable_offset : o->high_watermark;

    if (end < 0 || o->position < 0)
        return -1;
    return end > o->position ? end - o->position : 0;
}
