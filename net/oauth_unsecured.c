/* net/oauth_unsecured.c - see oauth_unsecured.h. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base64.h"
#include "oauth_unsecured.h"
#include "samsa/error.h"

#define CLAIMS_MAX 2048

/* Append s as a JSON string body (quotes and backslashes escaped). */
static int json_str(char *dst, size_t cap, size_t *o, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c < 0x20 || c == 0x7f)
            return SAMSA_ERR_INVALID_ARG;
        if (cap - *o < 3)
            return SAMSA_ERR_BUFFER_FULL;
        if (c == '"' || c == '\\')
            dst[(*o)++] = '\\';
        dst[(*o)++] = (char)c;
    }
    return 0;
}

static int append(char *dst, size_t cap, size_t *o, const char *s)
{
    size_t n = strlen(s);

    if (cap - *o <= n)
        return SAMSA_ERR_BUFFER_FULL;
    memcpy(dst + *o, s, n);
    *o += n;
    return 0;
}

int sn_oauth_unsecured_token_at(const char *sub, const char *scope,
                                int64_t iat, long lifetime_s, char *buf,
                                size_t len)
{
    static const char header[] = "{\"alg\":\"none\"}";
    char claims[CLAIMS_MAX], num[64];
    size_t o = 0, n, need;
    int rc;

    if (!sub || !*sub || lifetime_s <= 0 || !buf)
        return SAMSA_ERR_INVALID_ARG;
    snprintf(num, sizeof num, "\",\"iat\":%" PRId64 ",\"exp\":%" PRId64, iat,
             iat + (int64_t)lifetime_s);
    if ((rc = append(claims, sizeof claims, &o, "{\"sub\":\"")) ||
        (rc = json_str(claims, sizeof claims, &o, sub)) ||
        (rc = append(claims, sizeof claims, &o, num)))
        return rc;
    if (scope && *scope &&
        ((rc = append(claims, sizeof claims, &o, ",\"scope\":\"")) ||
         (rc = json_str(claims, sizeof claims, &o, scope)) ||
         (rc = append(claims, sizeof claims, &o, "\""))))
        return rc;
    if ((rc = append(claims, sizeof claims, &o, "}")))
        return rc;
    need = sn_base64url_len(sizeof header - 1) + 1 + sn_base64url_len(o) + 2;
    if (len < need)
        return SAMSA_ERR_BUFFER_FULL;
    n = sn_base64url_encode((const uint8_t *)header, sizeof header - 1, buf);
    buf[n++] = '.';
    n += sn_base64url_encode((const uint8_t *)claims, o, buf + n);
    buf[n++] = '.';
    buf[n] = '\0';
    return 0;
}

int sn_oauth_unsecured_token(const char *sub, const char *scope,
                             long lifetime_s, char *buf, size_t len)
{
    return sn_oauth_unsecured_token_at(sub, scope, (int64_t)time(NULL),
                                       lifetime_s, buf, len);
}

int sn_oauth_unsecured_cb(void *opaque, char *buf, size_t buflen, char *errbuf,
                          size_t errlen)
{
    const sn_oauth_unsecured *u = opaque;
    int rc = u ? sn_oauth_unsecured_token(u->sub, u->scope, u->lifetime_s, buf,
                                          buflen)
               : SAMSA_ERR_INVALID_ARG;

    if (rc != 0 && errbuf && errlen)
        snprintf(errbuf, errlen, "unsecured token: %s", samsa_err_str(rc));
    return rc;
}
