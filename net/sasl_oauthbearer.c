/*
 * net/sasl_oauthbearer.c - SASL OAUTHBEARER (RFC 7628) client.
 *
 * The token comes from the configured callback at sn_sasl_start(), so every
 * connection asks for a fresh one. The initial response is
 * "n,," 0x01 "auth=Bearer <token>" 0x01 [key=value 0x01 ...] 0x01. An
 * empty server answer means success. A non-empty one is the RFC 7628 JSON
 * error; the client must answer it with a lone 0x01, after which the broker
 * fails the exchange: step returns CONTINUE with that byte and the broker's
 * status already in errstr, and any later step fails with it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "samsa/error.h"
#include "sasl_internal.h"

#define OAUTH_MAX_TOKEN 16384 /* callback buffer; JWTs are rarely over 4 KiB */
#define OAUTH_MAX_EXT   4096

typedef struct oauth_state {
    sn_oauth_token_cb cb;
    void *opaque;
    char *ext; /* "k=v\x01k=v\x01", "" for none */
    size_t ext_len, ext_cap;
    uint8_t *msg;
    size_t msg_len;
    int rejected;
} oauth_state;

static int ext_key_ok(const char *k, size_t n)
{
    size_t i;

    if (n == 0 || (n == 4 && memcmp(k, "auth", 4) == 0))
        return 0;
    for (i = 0; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z')))
            return 0;
    return 1;
}

static int ext_value_ok(const char *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) /* RFC 7628: VCHAR, SP, HTAB, CR, LF */
        if (!((v[i] >= 0x21 && v[i] <= 0x7e) || v[i] == ' ' || v[i] == '\t' ||
              v[i] == '\r' || v[i] == '\n'))
            return 0;
    return 1;
}

/* "k=v,k=v" into "k=v\x01k=v\x01"; keys are named in errors, values not. */
static int parse_ext(sn_sasl *s, oauth_state *st, const char *in)
{
    size_t n = strlen(in), o = 0;
    const char *p = in, *end = in + n;

    if (n > OAUTH_MAX_EXT)
        return sn_sasl_fail(s, SAMSA_ERR_CONFIG, "sasl.oauthbearer.extensions "
                            "is longer than %d bytes", OAUTH_MAX_EXT);
    st->ext = sp_alloc(s->alloc, n + 2);
    if (!st->ext)
        return SAMSA_ERR_NO_MEMORY;
    st->ext_cap = n + 2;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *item_end = comma ? comma : end;
        const char *eq = memchr(p, '=', (size_t)(item_end - p));
        char key[32];

        if (!eq || !ext_key_ok(p, (size_t)(eq - p))) {
            sn_sasl_printable(key, sizeof key, (const uint8_t *)p,
                              eq ? (size_t)(eq - p) : 0);
            return sn_sasl_fail(s, SAMSA_ERR_CONFIG, "sasl.oauthbearer."
                                "extensions: bad key '%s' (letters only, not "
                                "'auth', as key=value,key=value)", key);
        }
        if (!ext_value_ok(eq + 1, (size_t)(item_end - eq - 1))) {
            sn_sasl_printable(key, sizeof key, (const uint8_t *)p,
                              (size_t)(eq - p));
            return sn_sasl_fail(s, SAMSA_ERR_CONFIG, "sasl.oauthbearer."
                                "extensions: value of '%s' holds characters "
                                "RFC 7628 does not allow", key);
        }
        memcpy(st->ext + o, p, (size_t)(item_end - p));
        o += (size_t)(item_end - p);
        st->ext[o++] = 0x01;
        p = comma ? comma + 1 : end;
    }
    st->ext[o] = '\0';
    st->ext_len = o;
    return 0;
}

static int oauth_init(sn_sasl *s, const sn_sasl_config *cfg)
{
    oauth_state *st;

    if (!cfg->oauth_cb)
        return sn_sasl_fail(s, SAMSA_ERR_CONFIG, "OAUTHBEARER needs a token "
                            "callback");
    st = sp_calloc(s->alloc, 1, sizeof *st);
    if (!st)
        return SAMSA_ERR_NO_MEMORY;
    s->state = st;
    st->cb = cfg->oauth_cb;
    st->opaque = cfg->oauth_opaque;
    return parse_ext(s, st, sn_sasl_opt(cfg->oauth_extensions)
                                ? cfg->oauth_extensions : "");
}

static int b64token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (c && strchr("-._~+/", c));
}

/* RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" )
 * *"=" */
static int token_ok(const char *t, size_t n)
{
    size_t i = 0;

    while (i < n && b64token_char(t[i]))
        i++;
    if (i == 0)
        return 0;
    while (i < n && t[i] == '=')
        i++;
    return i == n;
}

static int oauth_start(sn_sasl *s, const uint8_t **out, size_t *outlen)
{
    static const char head[] = "n,,\x01" "auth=Bearer ";
    oauth_state *st = s->state;
    char cberr[160] = "";
    char *tok = sp_alloc(s->alloc, OAUTH_MAX_TOKEN);
    size_t tl, hl = sizeof head - 1;
    int rc;

    if (!tok)
        return SAMSA_ERR_NO_MEMORY;
    tok[0] = '\0';
    rc = st->cb(st->opaque, tok, OAUTH_MAX_TOKEN, cberr, sizeof cberr);
    cberr[sizeof cberr - 1] = '\0';
    tl = strnlen(tok, OAUTH_MAX_TOKEN);
    if (rc != 0) {
        rc = sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "OAUTHBEARER: the token "
                          "callback failed: %s", cberr[0] ? cberr : "no reason");
    } else if (tl == OAUTH_MAX_TOKEN || !token_ok(tok, tl)) {
        rc = sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "OAUTHBEARER: the token "
                          "callback gave %s", tl == OAUTH_MAX_TOKEN
                              ? "no NUL-terminated token"
                              : "an empty token or one with characters outside "
                                "RFC 6750's b64token");
    } else {
        st->msg_len = hl + tl + 1 + st->ext_len + 1;
        st->msg = sp_alloc(s->alloc, st->msg_len);
        if (!st->msg) {
            rc = SAMSA_ERR_NO_MEMORY;
        } else {
            memcpy(st->msg, head, hl);
            memcpy(st->msg + hl, tok, tl);
            st->msg[hl + tl] = 0x01;
            memcpy(st->msg + hl + tl + 1, st->ext, st->ext_len);
            st->msg[st->msg_len - 1] = 0x01;
            *out = st->msg;
            *outlen = st->msg_len;
            rc = SN_SASL_CONTINUE;
        }
    }
    sn_sasl_wipe_free(s, tok, OAUTH_MAX_TOKEN);
    return rc;
}

/* The "status" member of the broker's JSON error, as printable text. */
static void json_status(const uint8_t *in, size_t n, char *dst, size_t dstlen)
{
    static const char key[] = "\"status\"";
    const uint8_t *p = in, *end = in + n, *v;

    snprintf(dst, dstlen, "no status given");
    while ((size_t)(end - p) >= sizeof key - 1 && memcmp(p, key, sizeof key - 1))
        p++;
    if ((size_t)(end - p) < sizeof key - 1)
        return;
    p += sizeof key - 1;
    while (p != end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if (p == end || *p++ != ':')
        return;
    while (p != end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if (p == end || *p++ != '"')
        return;
    for (v = p; p != end && *p != '"'; p++)
        if (*p == '\\' && end - p > 1)
            p++;
    sn_sasl_printable(dst, dstlen, v, (size_t)(p - v));
}

static int oauth_step(sn_sasl *s, const uint8_t *in, size_t inlen,
                      const uint8_t **out, size_t *outlen)
{
    static const uint8_t dummy[1] = { 0x01 };
    oauth_state *st = s->state;
    char status[96];

    if (st->rejected) /* errstr already holds the broker's status */
        return SAMSA_ERR_AUTHENTICATION;
    if (inlen == 0)
        return SN_SASL_DONE;
    json_status(in, inlen, status, sizeof status);
    sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "OAUTHBEARER: broker rejected "
                 "the token: %s", status);
    st->rejected = 1;
    *out = dummy;
    *outlen = 1;
    return SN_SASL_CONTINUE;
}

static void oauth_free(sn_sasl *s)
{
    oauth_state *st = s->state;

    if (!st)
        return;
    sn_sasl_wipe_free(s, st->ext, st->ext_cap);
    sn_sasl_wipe_free(s, st->msg, st->msg_len);
    sp_free(s->alloc, st);
    s->state = NULL;
}

const sn_sasl_mech sn_sasl_mech_oauthbearer = {
    "OAUTHBEARER", oauth_init, oauth_start, oauth_step, oauth_free,
};
