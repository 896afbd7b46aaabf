/*
 * net/sasl.h - client side of SASL mechanisms, as pure state machines.
 *
 * A mechanism turns server challenges into client responses; it never
 * touches a socket. The connection runs SaslHandshake (mechanism name) and
 * then SaslAuthenticate rounds: it sends the token from sn_sasl_start(),
 * feeds each server token to sn_sasl_step() and sends what comes back,
 * until step reports done (SN_SASL_DONE) or an error.
 *
 * Mechanisms: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (need WITH_SSL for the
 * OpenSSL primitives), OAUTHBEARER (token from a callback), GSSAPI (needs
 * WITH_SASL, cyrus-sasl). A mechanism missing from the build gives
 * SAMSA_ERR_NOT_SUPPORTED from sn_sasl_new().
 *
 * Per mechanism: PLAIN's start returns DONE (the broker's answer decides).
 * SCRAM: start CONTINUE (client-first), step CONTINUE (client-final), step
 * DONE on a verified server-final. OAUTHBEARER: start CONTINUE; an empty
 * server token gives DONE; a non-empty one is the broker's JSON error: step
 * returns CONTINUE with the one-byte 0x01 answer RFC 7628 requires, the
 * cause is already in sn_sasl_errstr(), and the next step fails with it.
 * After an error every further call returns the same error; calls out of
 * order return SAMSA_ERR_STATE.
 *
 * Credentials are copied into the state and wiped (explicit_bzero or
 * equivalent) on free; they never appear in error strings or logs.
 * cfg and its strings are only read during sn_sasl_new(); the OAUTHBEARER
 * callback and its opaque must stay valid while the state lives (the
 * callback runs inside sn_sasl_start(), on the caller's thread).
 * Thread rules: one connection, one thread.
 */
#ifndef SN_SASL_H
#define SN_SASL_H

#include <stddef.h>
#include <stdint.h>

#include "samsa/alloc.h"

#define SN_SASL_CONTINUE 1 /* send *out and wait for the next server token */
#define SN_SASL_DONE     0 /* authenticated (send *out first if non-empty) */

/* OAUTHBEARER token provider: write a token (compact JWS) into buf. */
typedef int (*sn_oauth_token_cb)(void *opaque, char *buf, size_t buflen,
                                 char *errbuf, size_t errlen);

typedef struct sn_sasl_config {
    const char *mechanism;      /* sasl.mechanism, e.g. "SCRAM-SHA-512" */
    const char *username;       /* sasl.username */
    const char *password;       /* sasl.password */
    const char *service_name;   /* sasl.kerberos.service.name (GSSAPI) */
    const char *hostname;       /* broker host (GSSAPI) */
    sn_oauth_token_cb oauth_cb; /* OAUTHBEARER */
    void *oauth_opaque;
    const char *oauth_extensions; /* "k=v,k=v" optional (OAUTHBEARER) */
} sn_sasl_config;

typedef struct sn_sasl sn_sasl;

/* New mechanism state; 0, SAMSA_ERR_NOT_SUPPORTED, SAMSA_ERR_CONFIG (cause
 * in errbuf, e.g. "sasl.username is not set") or SAMSA_ERR_NO_MEMORY. */
int sn_sasl_new(const samsa_allocator *alloc, const sn_sasl_config *cfg,
                sn_sasl **out, char *errbuf, size_t errlen);

/* First client message. *out and *outlen point into the state (valid
 * until the next call). Returns SN_SASL_CONTINUE/SN_SASL_DONE or an error. */
int sn_sasl_start(sn_sasl *s, const uint8_t **out, size_t *outlen);

/* Next client message for a server token. Errors: SAMSA_ERR_AUTHENTICATION
 * with the cause in sn_sasl_errstr() (bad server signature, bad nonce,
 * iteration count below 4096, ...). */
int sn_sasl_step(sn_sasl *s, const uint8_t *in, size_t inlen,
                 const uint8_t **out, size_t *outlen);

const char *sn_sasl_errstr(const sn_sasl *s);
void sn_sasl_free(sn_sasl *s);

#endif
