/*
 * protocol/record_batch.h - Kafka record batches: decode (magic 2, and the
 * legacy message sets of magic 0 and 1, read-only) and encode (magic 2).
 *
 * DECODING. The "records" field of a Fetch response is a run of batches,
 * the last of which the broker may have cut short at its byte limit.
 *
 *     sp_batches it;  sp_batch b;  sp_records rs;  sp_record rec;
 *     sp_batches_init(&it, buf, len);
 *     while ((rc = sp_batches_next(&it, &b)) == 0) {
 *         if (b.control) ...;                       (transaction markers)
 *         rc = sp_batch_records(&b, &scratch, &rs); (decompresses once)
 *         while ((rc = sp_records_next(&rs, &rec)) == 0)
 *             use rec.offset, rec.key, rec.value, headers ...
 *         if (rc != SP_RECORDS_END) error;
 *     }
 *     rc is SP_BATCHES_END (all used up), SP_BATCHES_INCOMPLETE (a partial
 *     batch at the end: not corruption, fetch again from the next offset)
 *     or an error (it.errmsg says what, naming the batch's base offset).
 *
 * Everything decoded is a view: sp_batch points into the caller's buffer;
 * sp_record's key, value and headers point into that buffer for an
 * uncompressed batch, or into `scratch` for a compressed one. Views stay
 * valid while those buffers do (scratch: until its next use). Nothing is
 * allocated per record; the only allocations are the codec's and scratch's
 * growth, both bounded by scratch's hard cap (sp_writer max), which is
 * therefore the decompression limit (a bomb gets SAMSA_ERR_TOO_LARGE).
 * Every record is fully checked (lengths, header count, varints, exact
 * use of its length) before it is returned, so header iteration cannot fail.
 *
 * Legacy message sets (magic 0/1) come out of the same calls: each
 * top-level message is one sp_batch (magic 0 or 1; codec from its
 * attributes; partition_leader_epoch, producer fields -1; record_count 1 for
 * a plain message, -1 for a compressed wrapper) and sp_batch_records yields
 * its one record, or the inner messages of a wrapper with absolute offsets
 * (magic 1 inner offsets are relative to the wrapper's, which is the last
 * one's). CRC-32 (IEEE) is checked on each message. LZ4 in magic 0: Kafka
 * 0.8/0.9 computed the frame header checksum over the magic bytes too (the
 * bug KIP-57 fixed for magic 1); both that and a correct checksum are
 * accepted there. Legacy zstd does not exist and is refused (MALFORMED).
 *
 * Errors (samsa_err): TRUNCATED/MALFORMED/VARINT_OVERFLOW for bad framing
 * or records, BAD_MAGIC (magic not 0-2), CRC_MISMATCH, UNKNOWN_CODEC
 * (codec id 5-7), NOT_SUPPORTED (codec not in this build), DECOMPRESS,
 * TOO_LARGE (over scratch's cap), NO_MEMORY.
 *
 * ENCODING (magic 2). A builder appends records straight into a
 * caller-owned writer, at its end, one at a time; the batch header is
 * reserved first and filled in by finish, with compression and CRC32C:
 *
 *     sp_batch_builder bb;
 *     sp_batch_builder_begin(&bb, &w, 0);
 *     sp_batch_append(&bb, &rec);              (BUFFER_FULL if no room:
 *     ... sp_batch_builder_size(&bb) ...        the writer is untouched)
 *     sp_batch_builder_finish(&bb, SP_CODEC_LZ4, SP_CODEC_LEVEL_DEFAULT,
 *                             pid, epoch, base_seq, &scratch);
 *
 * The writer's hard cap bounds the batch: an append that does not fit
 * returns SAMSA_ERR_BUFFER_FULL and leaves the writer as it was (no sticky
 * error), so a producer can close the batch and start another. Appends
 * never allocate unless the writer must grow (reuse one writer, or reserve
 * capacity, for zero allocations). finish compresses via `scratch` (reset
 * and reused; NULL is fine for SP_CODEC_NONE) and, when bb.codec_ctx is
 * set, with the codec state kept there (a producer's, reused batch after
 * batch; the builder only borrows it). sp_batch_restamp() rewrites
 * producer id, epoch and base sequence of a finished batch and its CRC, so
 * a retried batch can keep (or get) its sequence without re-encoding.
 * Thread rules: all objects here are used by one thread at a time.
 */
#ifndef SP_RECORD_BATCH_H
#define SP_RECORD_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "reader.h"
#include "writer.h"

#define SP_BATCH_HEADER_SIZE 61 /* magic 2, up to the first record */
#define SP_BATCH_OVERHEAD 12    /* baseOffset + batchLength */

/* attributes bits (magic 2; bits 0-3 also in magic 1, 0-2 in magic 0) */
#define SP_BATCH_ATTR_CODEC_MASK 0x07
#define SP_BATCH_ATTR_LOG_APPEND_TIME 0x08
#define SP_BATCH_ATTR_TRANSACTIONAL 0x10
#define SP_BATCH_ATTR_CONTROL 0x20
#define SP_BATCH_ATTR_DELETE_HORIZON 0x40

/* statuses beyond 0 (not errors) */
#define SP_BATCHES_END 1
#define SP_BATCHES_INCOMPLETE 2
#define SP_RECORDS_END 1

typedef struct sp_batch {
    int64_t base_offset;
    int32_t batch_length; /* bytes after this field (legacy: message size) */
    int32_t partition_leader_epoch;
    int8_t magic;
    uint32_t crc;         /* as stored (CRC32C for magic 2, CRC-32 legacy) */
    int16_t attributes;
    int32_t last_offset_delta;
    int64_t base_timestamp; /* the delete horizon when has_delete_horizon */
    int64_t max_timestamp;
    int64_t producer_id;
    int16_t producer_epoch;
    int32_t base_sequence;
    int32_t record_count;
    /* from attributes */
    int codec;
    bool log_append_time;
    bool transactional;
    bool control;
    bool has_delete_horizon;
    /* views into the input */
    const uint8_t *data;    /* the whole batch as on the wire */
    size_t size;
    const uint8_t *records; /* records section (compressed if codec != 0);
                               legacy: the message's value */
    size_t records_len;
    /* legacy only: the message itself */
    int64_t legacy_timestamp; /* -1 for magic 0 */
    sp_bytes legacy_key;
} sp_batch;

/* Last offset in the batch (next fetch offset is this + 1). Wraps rather
 * than overflows on nonsense input. */
static inline int64_t sp_batch_last_offset(const sp_batch *b)
{
    return (int64_t)((uint64_t)b->base_offset + (uint64_t)(int64_t)b->last_offset_delta);
}

/*
 * Decode one batch (any magic) at the start of buf[0..len). Returns 0 and
 * sets *used to its size; SP_BATCHES_INCOMPLETE when buf ends before the
 * batch does (b->base_offset is set when 8 bytes were there); or an error.
 * check_crc=false skips the CRC (for tools; consumers should check).
 */
int sp_batch_decode(const uint8_t *buf, size_t len, bool check_crc,
                    sp_batch *b, size_t *used);

typedef struct sp_batches {
    const uint8_t *p, *end;
    bool check_crc;        /* true after init; may be cleared */
    int err;               /* sticky: the error returned, if any */
    int64_t err_offset;    /* base offset of the failed batch, or -1 */
    size_t incomplete_len; /* bytes of the trailing partial batch */
    char errmsg[128];
} sp_batches;

void sp_batches_init(sp_batches *it, const void *buf, size_t len);
/* 0 (b filled), SP_BATCHES_END, SP_BATCHES_INCOMPLETE, or an error (sticky). */
int sp_batches_next(sp_batches *it, sp_batch *b);

typedef struct sp_record {
    int64_t offset;
    int64_t timestamp;
    int32_t offset_delta;    /* magic 2 */
    int64_t timestamp_delta; /* magic 2 */
    int8_t attributes;       /* record attributes (legacy: message's) */
    sp_bytes key;            /* len -1: null */
    sp_bytes value;          /* len -1: null */
    int32_t header_count;
    const uint8_t *headers;  /* header_count headers, already checked */
    size_t headers_len;
} sp_record;

typedef struct sp_records {
    sp_reader r;
    int8_t magic;
    bool log_append_time;
    int32_t left;           /* magic 2: records still to come */
    int64_t base_offset;
    int64_t base_timestamp;
    int64_t max_timestamp;
    int64_t legacy_delta;   /* legacy wrapper: add to inner offsets */
    int legacy_state;       /* 0 inner set, 1 single message, 2 done */
    const sp_batch *batch;
} sp_records;

/*
 * Start iterating b's records. A compressed batch is decompressed into
 * scratch (sp_writer_reset first; its cap is the limit). scratch may be
 * NULL for an uncompressed batch. b must outlive the iteration.
 */
int sp_batch_records(const sp_batch *b, sp_writer *scratch, sp_records *rs);
/* 0 (rec filled), SP_RECORDS_END, or an error (sticky). */
int sp_records_next(sp_records *rs, sp_record *rec);

/* Headers of a record returned by sp_records_next. */
typedef struct sp_header_iter {
    sp_reader r;
    int32_t left;
} sp_header_iter;

void sp_header_iter_init(sp_header_iter *hi, const sp_record *rec);
/* true and key/value set while headers remain (value len -1: null). */
bool sp_header_next(sp_header_iter *hi, sp_str *key, sp_bytes *value);

/* Control records (in batches with b.control): transaction markers etc. */
#define SP_CONTROL_ABORT 0
#define SP_CONTROL_COMMIT 1
typedef struct sp_control {
    int16_t version;           /* key version (0) */
    int16_t type;              /* SP_CONTROL_ABORT, _COMMIT, or others */
    int16_t marker_version;    /* commit/abort value: version */
    int32_t coordinator_epoch; /* commit/abort value: coordinator epoch */
} sp_control;
/* Parse a control record's key (and value for commit/abort). MALFORMED
 * when the key is not version+type or a marker's value is short. */
int sp_control_parse(const sp_record *rec, sp_control *out);

/* ---------------------------------------------------------------- encode */

typedef struct sp_header_in {
    const char *key;
    size_t key_len;
    const void *value; /* NULL: null value */
    size_t value_len;
} sp_header_in;

typedef struct sp_record_in {
    int64_t timestamp;
    const void *key;   /* NULL: null key */
    size_t key_len;
    const void *value; /* NULL: null value (a tombstone) */
    size_t value_len;
    const sp_header_in *headers;
    size_t header_count;
} sp_record_in;

typedef struct sp_batch_builder {
    sp_writer *w;
    size_t start;      /* offset of the batch in w */
    /* set these between begin and finish when not the defaults */
    int64_t base_offset;             /* 0 */
    int32_t partition_leader_epoch;  /* -1 */
    int16_t flags;                   /* attributes other than the codec */
    sp_codec_ctx *codec_ctx;         /* NULL; else compression state kept
                                      * across batches (see sp_codec_ctx:
                                      * borrowed, used by finish only) */
    int32_t count;
    int32_t last_offset_delta;
    int64_t base_timestamp;
    int64_t max_timestamp;
    bool open;
} sp_batch_builder;

/*
 * Start a batch at the end of w (61 header bytes reserved). flags: any of
 * SP_BATCH_ATTR_TRANSACTIONAL, _CONTROL, _LOG_APPEND_TIME,
 * _DELETE_HORIZON. Returns BUFFER_FULL / NO_MEMORY (writer untouched) or 0.
 */
int sp_batch_builder_begin(sp_batch_builder *bb, sp_writer *w, int16_t flags);
/* Append with offset delta = records so far. */
int sp_batch_append(sp_batch_builder *bb, const sp_record_in *rec);
/* Append with an explicit offset delta (strictly increasing). */
int sp_batch_append_at(sp_batch_builder *bb, int32_t offset_delta,
                       const sp_record_in *rec);
/* Bytes the record would take in an uncompressed batch (any timestamp,
 * offset delta): an upper bound, for "does it fit" checks. */
size_t sp_batch_record_size_bound(const sp_record_in *rec);
/* Encoded (uncompressed) size of the batch so far, header included. */
static inline size_t sp_batch_builder_size(const sp_batch_builder *bb)
{
    return bb->w->len - bb->start;
}
/*
 * Close the batch: compress the records (codec/level as sp_compress; with
 * the state in bb->codec_ctx when set, as sp_compress_ctx), fill the
 * header and the CRC. At least one record is needed. On error the
 * writer is cut back to before the batch. producer_id -1, epoch -1,
 * base_sequence -1 for a non-idempotent producer.
 */
int sp_batch_builder_finish(sp_batch_builder *bb, int codec, int level,
                            int64_t producer_id, int16_t producer_epoch,
                            int32_t base_sequence, sp_writer *scratch);
/* Drop an unfinished batch (the writer goes back to before it). */
void sp_batch_builder_abort(sp_batch_builder *bb);
/*
 * Rewrite producer id, epoch and base sequence of one finished magic-2
 * batch in place (buf[0..len) is exactly the batch) and recompute its CRC.
 */
int sp_batch_restamp(uint8_t *buf, size_t len, int64_t producer_id,
                     int16_t producer_epoch, int32_t base_sequence);

#endif
