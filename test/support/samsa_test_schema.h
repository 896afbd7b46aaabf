/*
 * test/support/samsa_test_schema.h - checks for message-table unit tests
 * (no broker): known-answer encodings and decoding under allocation
 * failure. Both fail the calling cmocka test; nothing is returned.
 */
#ifndef SAMSA_TEST_SCHEMA_H
#define SAMSA_TEST_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"

/* Encode obj with d at version v; the bytes must be exactly want[0..len). */
void st_expect_bytes(const sp_msg_desc *d, int16_t v, const void *obj, const uint8_t *want,
                     size_t len);

/*
 * Decode buf[0..len) with d at version v into out (scratch) with the Nth
 * arena allocation failing, for N = 1, 2, ... until none fails: each
 * failure must be SAMSA_ERR_NO_MEMORY with nothing left allocated, and
 * the run with no failure must succeed.
 */
void st_decode_alloc_failures(const sp_msg_desc *d, int16_t v, void *out, const uint8_t *buf,
                              size_t len);

#endif
