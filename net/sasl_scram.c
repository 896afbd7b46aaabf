/*
 * net/sasl_scram.c - SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677)
 * on OpenSSL primitives; without WITH_SSL both report NOT_SUPPORTED.
 *
 * Like Kafka's own client, the password is used as UTF-8 bytes without
 * SASLprep, and no channel binding is offered (gs2 header "n,,").
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "samsa/error.h"
#include "sasl_internal.h"

#if SAMSA_WITH_SSL
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "base64.h"

#define SCRAM_NONCE_BYTES 24   /* 192 random bits, 32 base64 characters */
#define SCRAM_MAX_NONCE   64   /* client nonce characters (test hook) */
#define SCRAM_MAX_MSG     4096 /* server message cap */
#define SCRAM_MAX_SALT    256  /* decoded salt bytes */
#define SCRAM_MIN_ITER    4096 /* RFC 7677's minimum, also Kafka's */
/* PBKDF2 runs inline on the event loop thread: a broker (or whoever sits in
 * the middle before the server signature is checked) must not be able to
 * stall it. Kafka itself caps stored credentials at 16384 iterations;
 * 1,000,000 rounds of SHA-512 is already about a second of CPU. */
#define SCRAM_MAX_ITER    1000000

enum { SCRAM_NEW, SCRAM_SENT_FIRST, SCRAM_SENT_FINAL };

typedef struct scram_state {
    const EVP_MD *md;
    size_t hlen;
    char *user; /* escaped saslname */
    size_t user_len;
    char *password;
    size_t pass_len;
    char nonce[SCRAM_MAX_NONCE + 1];
    char *first; /* client-first-message, gs2 header included */
    size_t first_len;
    char *final; /* client-final-message */
    size_t final_len, final_cap;
    uint8_t server_sig[EVP_MAX_MD_SIZE];
    int stage;
} scram_state;

static int is_scram(const sn_sasl *s)
{
    return s->mech == &sn_sasl_mech_scram_sha256 ||
           s->mech == &sn_sasl_mech_scram_sha512;
}

/* saslname: ',' becomes "=2C" and '=' becomes "=3D" (RFC 5802 5.1). */
static char *escape_user(sn_sasl *s, const char *user, size_t *len)
{
    size_t n = 0, i;
    char *out, *o;

    for (i = 0; user[i]; i++)
        n += user[i] == ',' || user[i] == '=' ? 3 : 1;
    out = sp_alloc(s->alloc, n + 1);
    if (!out)
        return NULL;
    for (o = out, i = 0; user[i]; i++) {
        if (user[i] == ',' || user[i] == '=') {
            memcpy(o, user[i] == ',' ? "=2C" : "=3D", 3);
            o += 3;
        } else {
            *o++ = user[i];
        }
    }
    *o = '\0';
    *len = n;
    return out;
}

static int scram_init(sn_sasl *s, const sn_sasl_config *cfg)
{
    const char *user = sn_sasl_opt(cfg->username);
    const char *pass = sn_sasl_opt(cfg->password);
    scram_state *st;

    if (!user)
        return sn_sasl_fail(s, SAMSA_ERR_CONFIG, "sasl.username is not set");
    if (!pass)
        return sn_sasl_fail(s, SAMSA_ERR_CONFIG, "sasl.password is not set");
    st = sp_calloc(s->alloc, 1, sizeof *st);
    if (!st)
        return SAMSA_ERR_NO_MEMORY;
    s->state = st;
    st->md = s->mech == &sn_sasl_mech_scram_sha512 ? EVP_sha512() : EVP_sha256();
    st->hlen = (size_t)EVP_MD_get_size(st->md);
    st->user = escape_user(s, user, &st->user_len);
    st->password = sn_sasl_strdup(s, pass);
    if (!st->user || !st->password)
        return SAMSA_ERR_NO_MEMORY;
    st->pass_len = strlen(pass);
    return 0;
}

static int scram_start(sn_sasl *s, const uint8_t **out, size_t *outlen)
{
    scram_state *st = s->state;
    size_t nl;

    if (!st->nonce[0]) {
        uint8_t raw[SCRAM_NONCE_BYTES];

        if (RAND_bytes(raw, sizeof raw) != 1)
            return sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION,
                                "%s: no random bytes for the nonce",
                                s->mech->name);
        sn_base64_encode(raw, sizeof raw, st->nonce);
    }
    nl = strlen(st->nonce);
    st->first_len = 5 + st->user_len + 3 + nl;
    st->first = sp_alloc(s->alloc, st->first_len + 1);
    if (!st->first)
        return SAMSA_ERR_NO_MEMORY;
    snprintf(st->first, st->first_len + 1, "n,,n=%s,r=%s", st->user, st->nonce);
    st->stage = SCRAM_SENT_FIRST;
    *out = (const uint8_t *)st->first;
    *outlen = st->first_len;
    return SN_SASL_CONTINUE;
}

/* Take attribute `name=` at *pp; its value runs to the next ',' or the end. */
static int take_attr(const uint8_t **pp, const uint8_t *end, char name,
                     const uint8_t **val, size_t *vlen)
{
    const uint8_t *p = *pp;

    if (end - p < 2 || p[0] != (uint8_t)name || p[1] != '=')
        return -1;
    p += 2;
    *val = p;
    while (p != end && *p != ',')
        p++;
    *vlen = (size_t)(p - *val);
    if (p != end)
        p++;
    *pp = p;
    return 0;
}

static int malformed(sn_sasl *s, const char *msg, const char *why)
{
    return sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION,
                        "%s: malformed %s message (%s)", s->mech->name, msg, why);
}

static int hmac(const scram_state *st, const uint8_t *key, size_t keylen,
                const void *data, size_t len, uint8_t *out)
{
    unsigned int n = 0;

    return HMAC(st->md, key, (int)keylen, data, len, out, &n) && n == st->hlen
               ? 0 : -1;
}

/* Everything RFC 5802 section 3 derives from the password, for one round. */
typedef struct scram_keys {
    uint8_t salted[EVP_MAX_MD_SIZE], client_key[EVP_MAX_MD_SIZE];
    uint8_t stored_key[EVP_MAX_MD_SIZE], server_key[EVP_MAX_MD_SIZE];
    uint8_t client_sig[EVP_MAX_MD_SIZE], proof[EVP_MAX_MD_SIZE];
} scram_keys;

static int derive(scram_state *st, const uint8_t *salt, size_t saltlen,
                  int iter, const char *auth, size_t authlen, scram_keys *k)
{
    size_t i;

    if (PKCS5_PBKDF2_HMAC(st->password, (int)st->pass_len, salt, (int)saltlen,
                          iter, st->md, (int)st->hlen, k->salted) != 1 ||
        hmac(st, k->salted, st->hlen, "Client Key", 10, k->client_key) ||
        hmac(st, k->salted, st->hlen, "Server Key", 10, k->server_key) ||
        EVP_Digest(k->client_key, st->hlen, k->stored_key, NULL, st->md,
                   NULL) != 1 ||
        hmac(st, k->stored_key, st->hlen, auth, authlen, k->client_sig) ||
        hmac(st, k->server_key, st->hlen, auth, authlen, st->server_sig))
        return -1;
    for (i = 0; i < st->hlen; i++)
        k->proof[i] = k->client_key[i] ^ k->client_sig[i];
    return 0;
}

static int parse_iter(sn_sasl *s, const uint8_t *v, size_t n, int *iter)
{
    long x = 0;
    size_t i;

    if (n == 0)
        return malformed(s, "server-first", "empty iteration count");
    for (i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return malformed(s, "server-first", "iteration count is not a number");
        if (x <= SCRAM_MAX_ITER)
            x = x * 10 + (v[i] - '0');
    }
    if (x < SCRAM_MIN_ITER)
        return sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "%s: iteration count "
                            "%ld is below the minimum %d", s->mech->name, x,
                            SCRAM_MIN_ITER);
    if (x > SCRAM_MAX_ITER)
        return sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "%s: iteration count "
                            "is above the maximum %d", s->mech->name,
                            SCRAM_MAX_ITER);
    *iter = (int)x;
    return 0;
}

static int server_first(sn_sasl *s, const uint8_t *in, size_t inlen,
                        const uint8_t **out, size_t *outlen)
{
    scram_state *st = s->state;
    const uint8_t *p = in, *end = in + inlen, *r, *salt64, *it;
    size_t rlen, slen, ilen, saltlen, nl = strlen(st->nonce), wo_len, authlen;
    uint8_t salt[SCRAM_MAX_SALT];
    scram_keys keys;
    char *auth;
    int iter = 0, rc;

    if (inlen == 0 || inlen > SCRAM_MAX_MSG || memchr(in, 0, inlen))
        return malformed(s, "server-first", "empty, too long or holds NUL");
    if (inlen >= 2 && in[0] == 'm' && in[1] == '=')
        return sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "%s: broker requires "
                            "an unsupported extension (m=)", s->mech->name);
    if (take_attr(&p, end, 'r', &r, &rlen))
        return malformed(s, "server-first", "no nonce r=");
    if (take_attr(&p, end, 's', &salt64, &slen))
        return malformed(s, "server-first", "no salt s=");
    if (take_attr(&p, end, 'i', &it, &ilen))
        return malformed(s, "server-first", "no iteration count i=");
    if (rlen <= nl || memcmp(r, st->nonce, nl) != 0)
        return sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "%s: broker nonce "
                            "does not extend the client nonce", s->mech->name);
    for (size_t i = nl; i < rlen; i++)
        if (r[i] < 0x21 || r[i] > 0x7e)
            return malformed(s, "server-first", "nonce holds non-printable "
                             "characters");
    if (slen == 0 || slen > sn_base64_len(SCRAM_MAX_SALT) ||
        sn_base64_decode((const char *)salt64, slen, salt, sizeof salt,
                         &saltlen) != 0 || saltlen == 0)
        return malformed(s, "server-first", "salt is not valid base64");
    if ((rc = parse_iter(s, it, ilen, &iter)) != 0)
        return rc;

    /* client-final-without-proof, then ",p=" and the proof appended below */
    st->final_cap = 9 + rlen + 3 + sn_base64_len(st->hlen) + 1;
    st->final = sp_alloc(s->alloc, st->final_cap);
    if (!st->final)
        return SAMSA_ERR_NO_MEMORY;
    memcpy(st->final, "c=biws,r=", 9);
    memcpy(st->final + 9, r, rlen);
    wo_len = 9 + rlen;

    /* AuthMessage = client-first-bare "," server-first "," final-without-proof */
    authlen = (st->first_len - 3) + 1 + inlen + 1 + wo_len;
    auth = sp_alloc(s->alloc, authlen);
    if (!auth)
        return SAMSA_ERR_NO_MEMORY;
    memcpy(auth, st->first + 3, st->first_len - 3);
    auth[st->first_len - 3] = ',';
    memcpy(auth + st->first_len - 2, in, inlen);
    auth[st->first_len - 2 + inlen] = ',';
    memcpy(auth + st->first_len - 1 + inlen, st->final, wo_len);

    rc = derive(st, salt, saltlen, iter, auth, authlen, &keys);
    sp_free(s->alloc, auth);
    if (rc == 0) {
        memcpy(st->final + wo_len, ",p=", 3);
        st->final_len = wo_len + 3 +
                        sn_base64_encode(keys.proof, st->hlen,
                                         st->final + wo_len + 3);
    }
    explicit_bzero(&keys, sizeof keys);
    if (rc != 0)
        return sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "%s: OpenSSL could not "
                            "derive the keys", s->mech->name);
    st->stage = SCRAM_SENT_FINAL;
    *out = (const uint8_t *)st->final;
    *outlen = st->final_len;
    return SN_SASL_CONTINUE;
}

static int server_final(sn_sasl *s, const uint8_t *in, size_t inlen)
{
    scram_state *st = s->state;
    const uint8_t *p = in, *end = in + inlen, *v;
    uint8_t sig[EVP_MAX_MD_SIZE + 3];
    size_t vlen, siglen;

    if (inlen == 0 || inlen > SCRAM_MAX_MSG)
        return malformed(s, "server-final", "empty or too long");
    if (take_attr(&p, end, 'e', &v, &vlen) == 0) {
        char why[96];

        sn_sasl_printable(why, sizeof why, v, vlen);
        return sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "%s: broker error: %s",
                            s->mech->name, why);
    }
    if (take_attr(&p, end, 'v', &v, &vlen))
        return malformed(s, "server-final", "no verifier v=");
    if (vlen > sn_base64_len(sizeof sig) ||
        sn_base64_decode((const char *)v, vlen, sig, sizeof sig, &siglen) != 0)
        return malformed(s, "server-final", "verifier is not valid base64");
    if (siglen != st->hlen || CRYPTO_memcmp(sig, st->server_sig, st->hlen) != 0)
        return sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "%s: the broker's "
                            "server signature does not verify",
                            s->mech->name);
    return SN_SASL_DONE;
}

static int scram_step(sn_sasl *s, const uint8_t *in, size_t inlen,
                      const uint8_t **out, size_t *outlen)
{
    scram_state *st = s->state;

    if (st->stage == SCRAM_SENT_FIRST)
        return server_first(s, in, inlen, out, outlen);
    return server_final(s, in, inlen);
}

static void scram_free(sn_sasl *s)
{
    scram_state *st = s->state;

    if (!st)
        return;
    sn_sasl_wipe_free(s, st->user, st->user ? st->user_len + 1 : 0);
    sn_sasl_wipe_free(s, st->password, st->password ? st->pass_len + 1 : 0);
    sn_sasl_wipe_free(s, st->first, st->first ? st->first_len + 1 : 0);
    sn_sasl_wipe_free(s, st->final, st->final_cap);
    sn_sasl_wipe_free(s, st, sizeof *st);
    s->state = NULL;
}

int sn_sasl_scram_test_nonce(sn_sasl *s, const char *nonce)
{
    scram_state *st;
    size_t i, n = nonce ? strlen(nonce) : 0;

    if (!s || !is_scram(s) || !s->state || n == 0 || n > SCRAM_MAX_NONCE)
        return SAMSA_ERR_INVALID_ARG;
    st = s->state;
    if (st->stage != SCRAM_NEW)
        return SAMSA_ERR_INVALID_ARG;
    for (i = 0; i < n; i++)
        if (nonce[i] < 0x21 || nonce[i] > 0x7e || nonce[i] == ',')
            return SAMSA_ERR_INVALID_ARG;
    memcpy(st->nonce, nonce, n + 1);
    return 0;
}

#else /* !SAMSA_WITH_SSL */

static int scram_init(sn_sasl *s, const sn_sasl_config *cfg)
{
    (void)cfg;
    return sn_sasl_fail(s, SAMSA_ERR_NOT_SUPPORTED, "%s needs a build with "
                        "WITH_SSL=1 (OpenSSL)", s->mech->name);
}

static int scram_start(sn_sasl *s, const uint8_t **out, size_t *outlen)
{
    (void)out;
    (void)outlen;
    return sn_sasl_fail(s, SAMSA_ERR_NOT_SUPPORTED, "not supported");
}

static int scram_step(sn_sasl *s, const uint8_t *in, size_t inlen,
                      const uint8_t **out, size_t *outlen)
{
    (void)in;
    (void)inlen;
    return scram_start(s, out, outlen);
}

static void scram_free(sn_sasl *s)
{
    (void)s;
}

int sn_sasl_scram_test_nonce(sn_sasl *s, const char *nonce)
{
    (void)s;
    (void)nonce;
    return SAMSA_ERR_NOT_SUPPORTED;
}

#endif

const sn_sasl_mech sn_sasl_mech_scram_sha256 = {
    "SCRAM-SHA-256", scram_init, scram_start, scram_step, scram_free,
};

const sn_sasl_mech sn_sasl_mech_scram_sha512 = {
    "SCRAM-SHA-512", scram_init, scram_start, scram_step, scram_free,
};
