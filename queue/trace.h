/*
 * queue/trace.h - W3C Trace Context (https://www.w3.org/TR/trace-context/)
 * for the tracing middleware: the traceparent and tracestate headers,
 * parsed on consume and written on produce (retry and DLQ copies keep
 * them).
 *
 * traceparent "00-<trace-id 32 hex>-<parent-id 16 hex>-<flags 2 hex>":
 * lowercase hex only, version ff invalid, all-zero trace-id or parent-id
 * invalid, version 00 exactly 55 characters. A higher version is read as
 * the spec says: at least 55 characters, the first 55 in the 00 layout,
 * and a '-' after them if there is more.
 *
 * tracestate "key=value,key=value": up to 32 members; a key is a
 * lowercase letter and up to 255 more of a-z 0-9 _ - * and slash, or
 * tenant@system (tenant up to 241 characters starting with a letter or
 * digit, system up to 14 starting with a letter); values 1..256 printable ASCII other than
 * ',' and '=' and not ending in a space; blanks around members and empty
 * members are allowed; duplicate keys make it invalid. Parsing gives
 * views into the input (no copy, no allocation).
 *
 * On an invalid traceparent the spec says to start a new trace; on an
 * invalid tracestate, to drop tracestate only. Those choices are the
 * middleware's. Pure functions: reentrant, no allocation.
 */
#ifndef SQ_TRACE_H
#define SQ_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SQ_TRACEPARENT_LEN     55
#define SQ_TRACESTATE_MAX      32
#define SQ_TRACESTATE_MAX_LEN  8192 /* input cap; the spec asks to carry 512 */
#define SQ_TRACE_FLAG_SAMPLED  0x01

typedef struct sq_traceparent {
    uint8_t version;
    uint8_t trace_id[16];
    uint8_t parent_id[8];
    uint8_t flags;
} sq_traceparent;

/* 0 or MALFORMED. */
int sq_traceparent_parse(const char *s, size_t len, sq_traceparent *out);

/* Writes version 00 (whatever tp->version says, as a vendor that only
 * knows 00 must) and a NUL: out holds SQ_TRACEPARENT_LEN + 1 bytes.
 * INVALID_ARG for an all-zero trace-id or parent-id. */
int sq_traceparent_format(const sq_traceparent *tp, char *out);

typedef struct sq_tracestate_member {
    const char *key;
    size_t keylen;
    const char *value;
    size_t valuelen;
} sq_tracestate_member;

typedef struct sq_tracestate {
    sq_tracestate_member m[SQ_TRACESTATE_MAX];
    size_t n;
} sq_tracestate;

/* 0, MALFORMED, or LIMIT (over 32 members or SQ_TRACESTATE_MAX_LEN).
 * The views point into s, which must outlive out. */
int sq_tracestate_parse(const char *s, size_t len, sq_tracestate *out);

/* "k=v,k=v" into out (cap bytes, NUL included); BUFFER_FULL when it
 * does not fit (out then holds ""). */
int sq_tracestate_format(const sq_tracestate *ts, char *out, size_t cap, size_t *len);

/* Add or update key (as a vendor updating its entry must): the member
 * moves to the front; when 32 are already there the last one is dropped.
 * The views are kept, not copied. INVALID_ARG for a bad key or value. */
int sq_tracestate_put(sq_tracestate *ts, const char *key, size_t keylen,
                      const char *value, size_t valuelen);

#endif
