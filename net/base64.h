/*
 * net/base64.h - base64 (RFC 4648 section 4, padded) for SCRAM and
 * base64url (section 5, unpadded) for JWS tokens.
 *
 * Pure functions over caller buffers: no allocation, no state.
 * Thread rules: reentrant.
 */
#ifndef SN_BASE64_H
#define SN_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Characters base64 needs for n bytes, padding included, NUL excluded. */
static inline size_t sn_base64_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

/* Characters unpadded base64url needs for n bytes, NUL excluded. */
static inline size_t sn_base64url_len(size_t n)
{
    return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

/* Encode into out, which holds at least sn_base64_len(n) + 1 bytes; writes
 * a NUL and returns the length without it. */
size_t sn_base64_encode(const uint8_t *in, size_t n, char *out);
/* The same for unpadded base64url; out holds sn_base64url_len(n) + 1. */
size_t sn_base64url_encode(const uint8_t *in, size_t n, char *out);

/*
 * Strict decode of padded base64: length a multiple of 4, only the
 * alphabet, '=' only as final padding, unused bits zero. Returns 0 with
 * *outlen set, SAMSA_ERR_MALFORMED, or SAMSA_ERR_BUFFER_FULL when the
 * result would not fit in outcap bytes.
 */
int sn_base64_decode(const char *in, size_t n, uint8_t *out, size_t outcap,
                     size_t *outlen);

#endif
