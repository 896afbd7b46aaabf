/*
 * net/sasl_internal.h - what sasl.c shares with the mechanism files
 * (sasl_plain.c, sasl_scram.c, sasl_oauthbearer.c, sasl_gssapi.c) and with
 * the unit tests. Not part of the contract in sasl.h.
 *
 * sasl.c owns the sn_sasl object and the call order (start once, then step
 * until DONE or an error; a failure is sticky). A mechanism keeps its own
 * state in s->state, writes its causes with sn_sasl_fail(), and frees
 * everything it allocated (wiping secrets) in its free hook, which must
 * also cope with a state that init left half-built.
 * Thread rules: as sasl.h.
 */
#ifndef SN_SASL_INTERNAL_H
#define SN_SASL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sasl.h"

typedef struct sn_sasl_mech {
    const char *name;
    /* Validate cfg and build s->state; 0 or an error with s->errstr set. */
    int (*init)(sn_sasl *s, const sn_sasl_config *cfg);
    int (*start)(sn_sasl *s, const uint8_t **out, size_t *outlen);
    int (*step)(sn_sasl *s, const uint8_t *in, size_t inlen,
                const uint8_t **out, size_t *outlen);
    void (*free)(sn_sasl *s); /* s->state only, may be NULL or partial */
} sn_sasl_mech;

struct sn_sasl {
    const sn_sasl_mech *mech;
    const samsa_allocator *alloc;
    void *state;
    int phase;    /* sasl.c's SN_SASL_PHASE_* */
    int failure;  /* sticky error once phase is FAILED */
    char errstr[256];
};

extern const sn_sasl_mech sn_sasl_mech_plain;
extern const sn_sasl_mech sn_sasl_mech_scram_sha256;
extern const sn_sasl_mech sn_sasl_mech_scram_sha512;
extern const sn_sasl_mech sn_sasl_mech_oauthbearer;
extern const sn_sasl_mech sn_sasl_mech_gssapi;

/* Format the cause into s->errstr and return err. */
int sn_sasl_fail(sn_sasl *s, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Non-empty C string, or NULL for NULL and "" (the property table's unset). */
static inline const char *sn_sasl_opt(const char *v)
{
    return v && *v ? v : NULL;
}

/* Copy of a NUL-terminated string from s->alloc, or NULL. */
char *sn_sasl_strdup(sn_sasl *s, const char *v);
/* Wipe n bytes (not optimised away) and free p; NULL is fine. */
void sn_sasl_wipe_free(sn_sasl *s, void *p, size_t n);

/*
 * Copy up to max bytes of untrusted server text into dst (size dstlen) with
 * anything outside printable ASCII replaced by '?', so errstr stays one
 * readable line.
 */
void sn_sasl_printable(char *dst, size_t dstlen, const uint8_t *src,
                       size_t n);

/*
 * Test hook (unit tests only): use `nonce` as the SCRAM client nonce
 * instead of a random one, to replay RFC 7677's vector. Call after
 * sn_sasl_new() and before sn_sasl_start(). SAMSA_ERR_INVALID_ARG for a
 * non-SCRAM state or a nonce that is empty, over 64 characters, or holds
 * ',' or non-printable characters.
 */
int sn_sasl_scram_test_nonce(sn_sasl *s, const char *nonce);

#endif
