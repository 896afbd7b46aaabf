/*
 * client/fetch_buffer.h - refcounted fetch buffers and the consumer's
 * prefetch budget in bytes.
 *
 * A Fetch response frame is read from the socket straight into one
 * sc_fetch_buf (net/conn.h's frame_alloc); decoding then
 * happens in place, so every consumed message is a view into that buffer
 * and holds one reference on it. The decompressed records of a
 * compressed batch get a buffer of their own (sc_fetch_buf_adopt) that
 * holds a reference on the response buffer, so a message needs to keep
 * only the buffer its bytes are in. A buffer is freed when its last
 * reference goes, which may be on any thread (the application releases
 * messages where it likes): the count is atomic.
 *
 * Prefetch: every buffer is charged to the consumer's sc_prefetch when
 * created and discharged when freed. Charging never fails (a response
 * that arrived is kept); the fetcher asks sc_prefetch_room() before it
 * sends the next Fetch and caps the request at that, so memory stays
 * within fetch.buffer.max.bytes plus one partition's worth of overshoot
 * (a broker returns at least one whole batch). When the used bytes drop
 * from at or above the limit to below it, the wake function runs (on the
 * releasing thread) so the loop can resume fetching.
 *
 * Ownership: sc_fetch_buf_new/_adopt return a buffer with one reference,
 * the caller's. The sc_prefetch must outlive every buffer charged to it.
 * Thread rules: ref/unref and the sc_prefetch readers on any thread;
 * new/adopt on the thread that owns the allocator's use (the loop).
 */
#ifndef SC_FETCH_BUFFER_H
#define SC_FETCH_BUFFER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "samsa/alloc.h"

typedef void (*sc_prefetch_wake_fn)(void *opaque);

struct sc_fetch_buf;

typedef struct sc_prefetch {
    atomic_size_t used; /* bytes held by live buffers */
    size_t limit;       /* fetch.buffer.max.bytes */
    sc_prefetch_wake_fn wake; /* may be NULL; must be thread-safe */
    void *wake_opaque;
    bool keep_spare;    /* see sc_prefetch_keep_spare */
    _Atomic(struct sc_fetch_buf *) spare;
} sc_prefetch;

void sc_prefetch_init(sc_prefetch *pf, size_t limit, sc_prefetch_wake_fn wake,
                      void *wake_opaque);
/*
 * Keep the last released big buffer (SC_SPARE_MIN bytes or more, from
 * sc_fetch_buf_new) for the next sc_fetch_buf_new that fits it (len between
 * half its capacity and its capacity), instead of freeing it: big responses
 * then land in memory that is already mapped (no page faults, no mmap and
 * munmap per response). Costs at most one buffer beyond the budget, not
 * charged. Call before any buffer is made; sc_prefetch_fini frees it.
 */
#define SC_SPARE_MIN ((size_t)64 * 1024)
void sc_prefetch_keep_spare(sc_prefetch *pf);
/* Free the spare (when every buffer charged to pf is gone). */
void sc_prefetch_fini(sc_prefetch *pf);
size_t sc_prefetch_used(const sc_prefetch *pf);
/* True when the next Fetch must wait (used >= limit). */
bool sc_prefetch_full(const sc_prefetch *pf);
/* Bytes that may still be fetched (limit - used, or 0). */
size_t sc_prefetch_room(const sc_prefetch *pf);

/* Charge / discharge bytes held outside fetch buffers (message structs);
 * sc_prefetch_sub wakes like a buffer release. Any thread. */
void sc_prefetch_add(sc_prefetch *pf, size_t n);
void sc_prefetch_sub(sc_prefetch *pf, size_t n);

typedef struct sc_fetch_buf {
    atomic_uint refs;
    const samsa_allocator *alloc;
    sc_prefetch *pf;             /* NULL = not accounted */
    struct sc_fetch_buf *parent; /* held while this one lives; may be NULL */
    uint8_t *data;
    size_t len;
    size_t cap;                  /* inline_data capacity (new), else 0 */
    size_t charged;              /* bytes charged to pf */
    bool adopted;                /* data is a separate allocation */
    uint8_t inline_data[];       /* data for sc_fetch_buf_new */
} sc_fetch_buf;

/*
 * A buffer of len bytes (contents undefined; len 0 is allowed) in one
 * allocation with its header, charged to pf (may be NULL). NULL when out
 * of memory or len is absurd.
 */
sc_fetch_buf *sc_fetch_buf_new(const samsa_allocator *alloc, sc_prefetch *pf,
                               size_t len);

/*
 * Wrap data[0..len), allocated with alloc (e.g. a detached sp_writer), in
 * a buffer that frees it; charged `len` bytes to pf; takes a reference on
 * parent (may be NULL) for its life. On failure (NULL) data stays the
 * caller's.
 */
sc_fetch_buf *sc_fetch_buf_adopt(const samsa_allocator *alloc, sc_prefetch *pf,
                                 uint8_t *data, size_t len,
                                 sc_fetch_buf *parent);

/* The buffer whose data (from sc_fetch_buf_new, not _adopt) is data. */
static inline sc_fetch_buf *sc_fetch_buf_of(uint8_t *data)
{
    return (sc_fetch_buf *)(void *)(data - offsetof(sc_fetch_buf, inline_data));
}

/* Add a reference (any thread). */
void sc_fetch_buf_ref(sc_fetch_buf *b);
/* Add n references at once (the caller already holds one). */
void sc_fetch_buf_ref_n(sc_fetch_buf *b, unsigned n);
/* Drop a reference; the last one frees the buffer, discharges its bytes
 * and drops the parent's reference (any thread). NULL is ignored. */
void sc_fetch_buf_unref(sc_fetch_buf *b);

#endif
