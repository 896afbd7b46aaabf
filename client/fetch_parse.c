/* client/fetch_parse.c - Fetch partition data to records; see fetch_parse.h. */
#include "fetch_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "samsa/error.h"

/* Aborted transactions in first-offset order, and the producer ids whose
 * aborted transaction is open at the current batch. */
typedef struct aborted_state {
    const samsa_allocator *alloc;
    sp_fetch_aborted_txn *txns;
    int32_t ntxns, next;
    int64_t *pids;
    int32_t npids;
} aborted_state;

static int txn_cmp(const void *a, const void *b)
{
    const sp_fetch_aborted_txn *x = a, *y = b;

    return (x->first_offset > y->first_offset) -
           (x->first_offset < y->first_offset);
}

static int aborted_init(aborted_state *as, const samsa_allocator *alloc,
                        const sp_fetch_resp_partition *p)
{
    int32_t n = p->aborted_transactions.count;

    memset(as, 0, sizeof *as);
    as->alloc = alloc;
    if (n <= 0)
        return 0;
    /* both arrays are bounded by what the response already holds */
    as->txns = sp_alloc(alloc, (size_t)n * sizeof *as->txns);
    as->pids = sp_alloc(alloc, (size_t)n * sizeof *as->pids);
    if (!as->txns || !as->pids)
        return SAMSA_ERR_NO_MEMORY;
    memcpy(as->txns, p->aborted_transactions.items,
           (size_t)n * sizeof *as->txns);
    qsort(as->txns, (size_t)n, sizeof *as->txns, txn_cmp);
    as->ntxns = n;
    return 0;
}

static void aborted_free(aborted_state *as)
{
    sp_free(as->alloc, as->txns);
    sp_free(as->alloc, as->pids);
}

static int32_t pid_index(const aborted_state *as, int64_t pid)
{
    int32_t i;

    for (i = 0; i < as->npids; i++)
        if (as->pids[i] == pid)
            return i;
    return -1;
}

/* Open every aborted transaction that starts at or before last. */
static void aborted_open_upto(aborted_state *as, int64_t last)
{
    while (as->next < as->ntxns && as->txns[as->next].first_offset <= last) {
        int64_t pid = as->txns[as->next++].producer_id;

        if (pid_index(as, pid) < 0)
            as->pids[as->npids++] = pid; /* npids <= ntxns */
    }
}

static void aborted_close(aborted_state *as, int64_t pid)
{
    int32_t i = pid_index(as, pid);

    if (i >= 0)
        as->pids[i] = as->pids[--as->npids];
}

/* Is b a control batch whose (first) record is an ABORT marker? */
static bool is_abort_marker(const sp_batch *b, sp_writer *scratch)
{
    sp_records rs;
    sp_record rec;
    sp_control ctl;

    if (sp_batch_records(b, scratch, &rs) != 0 ||
        sp_records_next(&rs, &rec) != 0)
        return false;
    return sp_control_parse(&rec, &ctl) == 0 && ctl.type == SP_CONTROL_ABORT;
}

static void set_err(sc_fetch_result *out, int err, int64_t offset,
                    const char *msg)
{
    out->err = err;
    out->err_offset = offset;
    snprintf(out->errmsg, sizeof out->errmsg, "%s", msg);
}

/* Size of the batch starting at p (12 + batchLength), 0 if unknown. */
static size_t batch_size_hint(const uint8_t *p, size_t len)
{
    int32_t bl;

    if (len < 12)
        return 0;
    bl = (int32_t)(((uint32_t)p[8] << 24) | ((uint32_t)p[9] << 16) |
                   ((uint32_t)p[10] << 8) | (uint32_t)p[11]);
    return bl > 0 ? (size_t)bl + 12 : 0;
}

/* Emit the records of one (non-control, wanted) batch. */
static int emit_batch(const sc_fetch_parse_cfg *cfg, const sp_batch *b,
                      sc_fetch_buf *buf,
                      sp_writer *scratch, sc_fetch_emit_fn emit, void *opaque,
                      sc_fetch_result *out, bool *stopped)
{
    sp_records rs;
    sp_record rec;
    sc_fetch_buf *child = NULL;
    int rc;

    rc = sp_batch_records(b, scratch, &rs);
    while (rc == 0 && (rc = sp_records_next(&rs, &rec)) == 0) {
        sc_fetch_rec r;

        /* below the position, or not above what was already passed (a
         * broken log could repeat offsets): never hand out an offset twice */
        if (rec.offset < out->next_offset) { /* starts at fetch_offset */
            out->skipped++;
            continue;
        }
        if (b->codec != 0 && !child) {
            /* the decompressed records become their own buffer */
            size_t len;
            uint8_t *data = sp_writer_detach(scratch, &len);

            child = sc_fetch_buf_adopt(cfg->alloc, cfg->pf, data, len, buf);
            if (!child) {
                sp_free(scratch->alloc, data);
                *stopped = true;
                return SAMSA_ERR_NO_MEMORY;
            }
        }
        r.offset = rec.offset;
        r.magic = b->magic;
        r.timestamp = b->magic == 0 ? -1 : rec.timestamp;
        r.log_append_time = b->log_append_time;
        r.leader_epoch = b->magic == 2 ? b->partition_leader_epoch : -1;
        r.key = rec.key;
        r.value = rec.value;
        r.header_count = rec.header_count;
        r.headers = rec.headers;
        r.headers_len = rec.headers_len;
        r.buf = child ? child : buf;
        rc = emit(opaque, &r);
        if (rc) {
            sc_fetch_buf_unref(child);
            *stopped = true;
            return rc;
        }
        out->records++;
        out->next_offset = rec.offset + 1;
        if (b->magic == 2 && b->partition_leader_epoch >= 0)
            out->last_epoch = b->partition_leader_epoch;
    }
    sc_fetch_buf_unref(child); /* the emitted records hold it now */
    if (rc != SP_RECORDS_END) {
        char msg[96];

        snprintf(msg, sizeof msg, "bad records in batch at offset %lld: %s",
                 (long long)b->base_offset, samsa_err_name(rc));
        set_err(out, rc, b->base_offset, msg);
        *stopped = true;
    }
    return 0;
}

int sc_fetch_parse(const sc_fetch_parse_cfg *cfg,
                   const sp_fetch_resp_partition *p, int64_t fetch_offset,
                   sc_fetch_buf *buf, sp_writer *scratch,
                   sc_fetch_emit_fn emit, void *opaque, sc_fetch_result *out)
{
    aborted_state as;
    sp_batches it;
    sp_batch b;
    int64_t whole = 0;
    bool stopped = false;
    int rc;

    memset(out, 0, sizeof *out);
    out->err_offset = -1;
    out->next_offset = fetch_offset;
    out->last_epoch = -1;
    if (p->error_code) {
        set_err(out, p->error_code, fetch_offset,
                samsa_err_str(p->error_code));
        return 0;
    }
    if (p->records.len <= 0 || !p->records.ptr)
        return 0;
    if (cfg->read_committed) {
        rc = aborted_init(&as, cfg->alloc, p);
        if (rc) {
            aborted_free(&as);
            return rc;
        }
    } else {
        memset(&as, 0, sizeof as);
    }

    sp_batches_init(&it, p->records.ptr, (size_t)p->records.len);
    it.check_crc = cfg->check_crc;
    rc = 0;
    while (!stopped && (rc = sp_batches_next(&it, &b)) == 0) {
        int64_t last = sp_batch_last_offset(&b);
        bool skip = false;

        whole++;
        if (cfg->read_committed && b.producer_id >= 0) {
            aborted_open_upto(&as, last);
            if (b.control) {
                if (is_abort_marker(&b, scratch))
                    aborted_close(&as, b.producer_id);
            } else if (b.transactional &&
                       pid_index(&as, b.producer_id) >= 0) {
                out->skipped += b.record_count > 0 ? b.record_count : 0;
                skip = true;
            }
        }
        if (b.control) {
            out->control++;
            skip = true;
        }
        if (!skip && last >= out->next_offset) {
            if (cfg->stop_when_full && cfg->pf && sc_prefetch_full(cfg->pf) &&
                (out->records > 0 || !cfg->must_progress)) {
                /* the budget is used up (decompressed batches can be far
                 * bigger than the response): leave the rest for later */
                out->budget_stop = true;
                stopped = true;
                rc = 0;
                break;
            }
            rc = emit_batch(cfg, &b, buf, scratch, emit, opaque,
                            out, &stopped);
            if (stopped)
                break;
        }
        if (last + 1 > out->next_offset)
            out->next_offset = last + 1;
        if (b.magic == 2 && b.partition_leader_epoch >= 0)
            out->last_epoch = b.partition_leader_epoch;
    }
    if (!stopped) {
        if (rc == SP_BATCHES_INCOMPLETE) {
            out->incomplete = true;
            if (whole == 0) {
                out->too_large = true;
                out->first_batch_size = batch_size_hint(p->records.ptr,
                                                        (size_t)p->records.len);
            }
        } else if (rc != SP_BATCHES_END) {
            set_err(out, rc, it.err_offset, it.errmsg);
        }
        rc = 0;
    }
    aborted_free(&as);
    return rc;
}
