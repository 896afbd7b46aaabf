/*
 * test/support/samsa_test.h - shared helpers for samsa's cmocka tests.
 *
 * Include this instead of <cmocka.h>: it pulls in what cmocka needs first.
 * Nothing here is part of the library.
 */
#ifndef SAMSA_TEST_H
#define SAMSA_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "samsa/alloc.h"

/* ---- broker access (integration tests) ---- */

/* Value of environment variable `name`, or NULL when unset or empty. */
const char *st_env(const char *name);

/*
 * Skip the calling test loudly unless environment variable `var` (e.g.
 * "SAMSA_TEST_BOOTSTRAP") is set; returns its value otherwise.
 */
/* Monotonic clock in ms, for test deadlines and elapsed times. */
int64_t st_now_ms(void);

#define st_require_env(var) st_require_env_(var, __func__)
const char *st_require_env_(const char *var, const char *test);

/* Blocking TCP connect to "host:port" (first of a comma list) with a
 * timeout; returns the fd or -1. Test-only: the library's net/ layer is
 * non-blocking. */
int st_tcp_connect(const char *hostport, int timeout_ms);
/* Send all bytes; 0 or -1. */
int st_send_all(int fd, const void *buf, size_t len);
/* Receive one size-prefixed frame into a malloc'd buffer (caller frees),
 * body only (without the 4-byte size). Returns body length or -1. */
long st_recv_frame(int fd, unsigned char **body, int timeout_ms);

/* ---- guard pages (parser tests) ---- */

/* Copy len bytes so that the last byte sits just before an inaccessible
 * page: any over-read faults. Free with st_guard_free(). */
const unsigned char *st_guard_copy(const void *data, size_t len);
void st_guard_free(const unsigned char *p, size_t len);

/* ---- allocator fault injection ---- */

typedef struct st_fail_alloc {
    samsa_allocator alloc; /* pass &x.alloc to the code under test */
    long fail_at;          /* fail the Nth allocation (1-based); 0 = never */
    long calls;            /* allocations attempted so far */
    long live;             /* allocated and not yet freed */
    size_t bytes;          /* total bytes requested */
} st_fail_alloc;

void st_fail_alloc_init(st_fail_alloc *fa, long fail_at);

#endif
