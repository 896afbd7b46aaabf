/*
 * client/fetch_parse.h - one partition of a decoded Fetch response into
 * consumer records.
 *
 * Walks the partition's record batches (protocol/record_batch.h) and
 * hands every record the application should see to an emit callback, as
 * views into the fetch buffer (uncompressed batches) or into a buffer of
 * its own holding the batch's decompressed records (compressed batches:
 * the decoder's scratch writer is detached into a refcounted
 * sc_fetch_buf that keeps the response buffer alive too). Nothing is
 * copied per record.
 *
 * What is skipped, as the Java consumer does:
 *   - records below the fetch offset (a compressed batch, or a whole
 *     batch, may start before the position the fetch asked for), and any
 *     record not above the last one handed out (offsets handed out
 *     strictly increase, whatever a broken log says);
 *   - control batches (transaction markers), always;
 *   - read_committed: batches of aborted transactions. The response's
 *     aborted-transaction list (producer id, first offset) is applied in
 *     first-offset order: a producer id becomes "aborted" once a batch
 *     reaches that first offset, its transactional batches are skipped
 *     until its ABORT marker, which ends it. Committed transactions and
 *     non-transactional batches pass.
 * The next fetch offset moves past every batch fully handled (last
 * offset + 1, so skipped, control and compacted-away tails count), or to
 * just after the last record emitted when emitting stopped early.
 *
 * With stop_when_full, parsing also stops before a batch once the
 * prefetch budget is full (budget_stop; next_offset stays before it), so
 * what decompression adds stays bounded by the budget plus one batch.
 *
 * A partial batch at the end (the broker cuts at its byte limits) is not
 * an error: parsing stops there (incomplete), and when not even the first
 * batch was whole (too_large) its full size is reported so the caller can
 * raise its fetch size. Corrupt data (CRC, framing, decompression,
 * decompressed size over the scratch writer's cap) stops the partition
 * with err/err_offset/errmsg; records before it stand.
 *
 * Ownership: buf is the response buffer p's bytes live in; rec->buf (buf
 * or a decompressed child) is borrowed for the duration of the emit call:
 * the callback takes a reference (sc_fetch_buf_ref) for each record it
 * keeps. scratch is the caller's (reused across calls; its cap is the
 * decompression limit; it may come back empty after a detach). Thread
 * rules: loop thread, one call at a time per scratch.
 */
#ifndef SC_FETCH_PARSE_H
#define SC_FETCH_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fetch_buffer.h"
#include "msg_fetch.h"
#include "record_batch.h"

typedef struct sc_fetch_rec {
    int64_t offset;
    int64_t timestamp;     /* -1 for magic 0 */
    bool log_append_time;
    int8_t magic;
    int32_t leader_epoch;  /* the batch's, -1 for legacy messages */
    sp_bytes key, value;   /* len -1 = null */
    int32_t header_count;
    const uint8_t *headers; /* checked; read with sp_header_iter */
    size_t headers_len;
    sc_fetch_buf *buf;     /* holds every byte above */
} sc_fetch_rec;

/* 0 to go on; anything else stops parsing and is returned. */
typedef int (*sc_fetch_emit_fn)(void *opaque, const sc_fetch_rec *rec);

typedef struct sc_fetch_parse_cfg {
    const samsa_allocator *alloc; /* for decompressed buffers and sorting */
    sc_prefetch *pf;              /* decompressed buffers are charged here */
    bool read_committed;
    bool check_crc;
    /* Stop at a batch boundary once pf is full (budget_stop), so that
     * highly compressed data cannot blow the budget; with must_progress
     * only after at least one record (the caller has nothing else that
     * would free the budget). */
    bool stop_when_full;
    bool must_progress;
} sc_fetch_parse_cfg;

typedef struct sc_fetch_result {
    int err;               /* broker error_code, or a decode error */
    int64_t err_offset;    /* base offset of the bad batch, -1 */
    char errmsg[128];
    int64_t next_offset;   /* where the next fetch starts */
    int32_t last_epoch;    /* leader epoch of the last batch passed, -1 */
    int64_t records;       /* emitted */
    int64_t skipped;       /* records not emitted (position, aborted) */
    int64_t control;       /* control batches passed */
    bool incomplete;       /* stopped at a partial batch */
    bool too_large;        /* no whole batch: the first is bigger than
                              the fetch size */
    bool budget_stop;      /* stopped because the budget was full */
    size_t first_batch_size; /* its size when known (else 0) */
} sc_fetch_result;

/*
 * Parse p (from a response decoded out of buf) for a fetch that asked
 * from fetch_offset. Fills *out. Returns 0 (per-partition problems are in
 * out->err), SAMSA_ERR_NO_MEMORY, or the emit callback's non-zero value;
 * in both cases out->next_offset covers exactly what was emitted.
 * A partition with an error_code is not parsed (out->err = error_code).
 */
int sc_fetch_parse(const sc_fetch_parse_cfg *cfg,
                   const sp_fetch_resp_partition *p, int64_t fetch_offset,
                   sc_fetch_buf *buf, sp_writer *scratch,
                   sc_fetch_emit_fn emit, void *opaque, sc_fetch_result *out);

#endif
