/* queue/trace.c - see trace.h. */
#include <string.h>

#include "trace.h"
#include "samsa/error.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1; /* uppercase is invalid too */
}

/* n bytes from 2n lowercase hex characters; false on a bad character. */
static bool unhex(const char *s, uint8_t *out, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

int sq_traceparent_parse(const char *s, size_t len, sq_traceparent *out)
{
    sq_traceparent tp;

    if (!s || len < SQ_TRACEPARENT_LEN || !unhex(s, &tp.version, 1) || tp.version == 0xff)
        return SAMSA_ERR_MALFORMED;
    if (tp.version == 0 ? len != SQ_TRACEPARENT_LEN
                        : len > SQ_TRACEPARENT_LEN && s[SQ_TRACEPARENT_LEN] != '-')
        return SAMSA_ERR_MALFORMED;
    if (s[2] != '-' || s[35] != '-' || s[52] != '-' || !unhex(s + 3, tp.trace_id, 16) ||
        !unhex(s + 36, tp.parent_id, 8) || !unhex(s + 53, &tp.flags, 1))
        return SAMSA_ERR_MALFORMED;
    if (all_zero(tp.trace_id, 16) || all_zero(tp.parent_id, 8))
        return SAMSA_ERR_MALFORMED;
    *out = tp;
    return 0;
}

static char *put_hex(char *o, const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        *o++ = hx[p[i] >> 4];
        *o++ = hx[p[i] & 15];
    }
    return o;
}

int sq_traceparent_format(const sq_traceparent *tp, char *out)
{
    char *o = out;

    if (all_zero(tp->trace_id, 16) || all_zero(tp->parent_id, 8))
        return SAMSA_ERR_INVALID_ARG;
    memcpy(o, "00-", 3);
    o = put_hex(o + 3, tp->trace_id, 16);
    *o++ = '-';
    o = put_hex(o, tp->parent_id, 8);
    *o++ = '-';
    o = put_hex(o, &tp->flags, 1);
    *o = 0;
    return 0;
}

/* ---------------------------------------------------------------- tracestate */

static bool lcalpha(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool keychar(char c)
{
    return lcalpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' || c == '/';
}

static bool valid_key(const char *k, size_t n)
{
    const char *at = n ? memchr(k, '@', n) : NULL;
    size_t i;

    if (!at) { /* simple-key */
        if (n < 1 || n > 256 || !lcalpha(k[0]))
            return false;
        for (i = 1; i < n; i++)
            if (!keychar(k[i]))
                return false;
        return true;
    }
    {
        size_t tn = (size_t)(at - k), sn = n - tn - 1;
        const char *sys = at + 1;
        if (tn < 1 || tn > 241 || sn < 1 || sn > 14 || !(lcalpha(k[0]) || (k[0] >= '0' && k[0] <= '9')) ||
            !lcalpha(sys[0]))
            return false;
        for (i = 1; i < tn; i++)
            if (!keychar(k[i]))
                return false;
        for (i = 1; i < sn; i++)
            if (!keychar(sys[i]))
                return false;
        return true;
    }
}

static bool valid_value(const char *v, size_t n)
{
    size_t i;

    if (n < 1 || n > 256 || v[n - 1] == ' ')
        return false;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 || c > 0x7e || c == ',' || c == '=')
            return false;
    }
    return true;
}

static bool ows(char c)
{
    return c == ' ' || c == '\t';
}

static int parse_members(const char *s, size_t len, sq_tracestate *out)
{
    const char *p = s, *end = s + len;
    size_t i;

    out->n = 0;
    if (len && !s)
        return SAMSA_ERR_MALFORMED;
    if (len > SQ_TRACESTATE_MAX_LEN)
        return SAMSA_ERR_LIMIT;
    for (;;) {
        const char *ms, *me, *eq, *comma;

        comma = p < end ? memchr(p, ',', (size_t)(end - p)) : NULL;
        me = comma ? comma : end;
        ms = p;
        while (ms < me && ows(*ms))
            ms++;
        while (me > ms && ows(me[-1]))
            me--;
        if (ms < me) { /* a member; an empty one is allowed and skipped */
            sq_tracestate_member *m;
            eq = memchr(ms, '=', (size_t)(me - ms));
            if (!eq || !valid_key(ms, (size_t)(eq - ms)) ||
                !valid_value(eq + 1, (size_t)(me - eq - 1)))
                return SAMSA_ERR_MALFORMED;
            if (out->n == SQ_TRACESTATE_MAX)
                return SAMSA_ERR_LIMIT;
            for (i = 0; i < out->n; i++)
                if (out->m[i].keylen == (size_t)(eq - ms) &&
                    memcmp(out->m[i].key, ms, out->m[i].keylen) == 0)
                    return SAMSA_ERR_MALFORMED; /* duplicate key */
            m = &out->m[out->n++];
            m->key = ms;
            m->keylen = (size_t)(eq - ms);
            m->value = eq + 1;
            m->valuelen = (size_t)(me - eq - 1);
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

int sq_tracestate_parse(const char *s, size_t len, sq_tracestate *out)
{
    int err = parse_members(s, len, out);

    if (err)
        out->n = 0; /* never half a list */
    return err;
}

int sq_tracestate_format(const sq_tracestate *ts, char *out, size_t cap, size_t *len)
{
    size_t i, n = 0;

    *len = 0;
    if (cap == 0)
        return SAMSA_ERR_BUFFER_FULL;
    for (i = 0; i < ts->n; i++) {
        const sq_tracestate_member *m = &ts->m[i];
        size_t need = (i ? 1 : 0) + m->keylen + 1 + m->valuelen;
        if (need >= cap - n) {
            out[0] = 0;
            return SAMSA_ERR_BUFFER_FULL;
        }
        if (i)
            out[n++] = ',';
        memcpy(out + n, m->key, m->keylen);
        n += m->keylen;
        out[n++] = '=';
        memcpy(out + n, m->value, m->valuelen);
        n += m->valuelen;
    }
    out[n] = 0;
    *len = n;
    return 0;
}

int sq_tracestate_put(sq_tracestate *ts, const char *key, size_t keylen,
                      const char *value, size_t valuelen)
{
    size_t i, at = ts->n;

    if (!key || !value || !valid_key(key, keylen) || !valid_value(value, valuelen))
        return SAMSA_ERR_INVALID_ARG;
    for (i = 0; i < ts->n; i++)
        if (ts->m[i].keylen == keylen && memcmp(ts->m[i].key, key, keylen) == 0) {
            at = i;
            break;
        }
    if (at == ts->n && ts->n == SQ_TRACESTATE_MAX)
        at = ts->n - 1; /* full: the rightmost goes */
    else if (at == ts->n)
        ts->n++;
    memmove(&ts->m[1], &ts->m[0], at * sizeof ts->m[0]);
    ts->m[0].key = key;
    ts->m[0].keylen = keylen;
    ts->m[0].value = value;
    ts->m[0].valuelen = valuelen;
    return 0;
}
