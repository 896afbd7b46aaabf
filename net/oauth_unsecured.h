/*
 * net/oauth_unsecured.h - unsecured JWS tokens (RFC 7515 with "alg":"none",
 * RFC 7519 claims) for OAUTHBEARER against Kafka's unsecured validator
 * (OAuthBearerUnsecuredValidatorCallbackHandler) and for tests. They carry
 * no signature: anyone can mint one, so only development brokers accept
 * them.
 *
 * Thread rules: reentrant; nothing is allocated.
 */
#ifndef SN_OAUTH_UNSECURED_H
#define SN_OAUTH_UNSECURED_H

#include <stddef.h>
#include <stdint.h>

/*
 * Write "<header>.<claims>." into buf (NUL-terminated): header
 * {"alg":"none"}, claims {"sub":sub,"iat":now,"exp":now+lifetime_s} plus
 * "scope":scope when scope is non-empty, each part base64url without
 * padding. Returns 0, SAMSA_ERR_INVALID_ARG (empty sub, lifetime_s <= 0,
 * sub or scope with control characters) or SAMSA_ERR_BUFFER_FULL.
 */
int sn_oauth_unsecured_token(const char *sub, const char *scope,
                             long lifetime_s, char *buf, size_t len);

/* The same with an explicit issue time (seconds since the epoch). */
int sn_oauth_unsecured_token_at(const char *sub, const char *scope,
                                int64_t iat, long lifetime_s, char *buf,
                                size_t len);

/* Ready-made sn_oauth_token_cb: opaque points to this (owned by the caller,
 * alive as long as the SASL config that names it). */
typedef struct sn_oauth_unsecured {
    const char *sub;
    const char *scope;  /* NULL or "" for none */
    long lifetime_s;
} sn_oauth_unsecured;

int sn_oauth_unsecured_cb(void *opaque, char *buf, size_t buflen,
                          char *errbuf, size_t errlen);

#endif
