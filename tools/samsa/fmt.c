/* tools/samsa/fmt.c - see fmt.h. */
#include <inttypes.h>
#include <string.h>

#include "fmt.h"

int fmt_check(const char *fmt, char *bad)
{
    const char *p;

    for (p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (!*p || !strchr("tpokKsShT%", *p)) {
            *bad = *p ? *p : '%';
            return -1;
        }
    }
    return 0;
}

static void put_bytes(FILE *out, const void *b, size_t n)
{
    if (b && n)
        fwrite(b, 1, n, out);
}

static void put_headers(FILE *out, const samsa_message *m)
{
    samsa_message_header h;
    size_t i;

    for (i = 0; i < m->nheaders; i++) {
        if (samsa_message_header_get(m, i, &h) != 0)
            break;
        if (i)
            fputc(',', out);
        put_bytes(out, h.name, h.name_len);
        fputc('=', out);
        put_bytes(out, h.value, h.value_len);
    }
}

void fmt_message(FILE *out, const char *fmt, const samsa_message *m)
{
    const char *p;

    for (p = fmt; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            switch (*p) {
            case 'n': fputc('\n', out); break;
            case 't': fputc('\t', out); break;
            case 'r': fputc('\r', out); break;
            case '0': fputc('\0', out); break;
            default: fputc(*p, out); break;
            }
            continue;
        }
        if (*p != '%' || !p[1]) {
            fputc(*p, out);
            continue;
        }
        p++;
        switch (*p) {
        case 't': fputs(m->topic, out); break;
        case 'p': fprintf(out, "%" PRId32, m->partition); break;
        case 'o': fprintf(out, "%" PRId64, m->offset); break;
        case 'k': put_bytes(out, m->key, m->key_len); break;
        case 'K': fprintf(out, "%lld", m->key ? (long long)m->key_len : -1LL); break;
        case 's': put_bytes(out, m->value, m->value_len); break;
        case 'S': fprintf(out, "%lld", m->value ? (long long)m->value_len : -1LL); break;
        case 'h': put_headers(out, m); break;
        case 'T': fprintf(out, "%" PRId64, m->timestamp_ms); break;
        default: fputc(*p, out); break;
        }
    }
}

int fmt_utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t n, k;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (len - i - 1 < n)
            return 0;
        for (k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        /* overlong, surrogates, beyond U+10FFFF */
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return 0;
        i += n + 1;
    }
    return 1;
}

void fmt_json_str(FILE *out, const void *buf, size_t len)
{
    const unsigned char *s = buf;
    size_t i;

    fputc('"', out);
    for (i = 0; i < len; i++) {
        unsigned char c = s[i];
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (c < 0x20 || c == 0x7f)
                fprintf(out, "\\u%04x", c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

void fmt_base64(FILE *out, const void *buf, size_t len)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *s = buf;
    size_t i;

    for (i = 0; len - i >= 3; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        fputc(tab[v >> 18], out);
        fputc(tab[(v >> 12) & 63], out);
        fputc(tab[(v >> 6) & 63], out);
        fputc(tab[v & 63], out);
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        fputc(tab[v >> 18], out);
        fputc(tab[(v >> 12) & 63], out);
        fputs("==", out);
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
        fputc(tab[v >> 18], out);
        fputc(tab[(v >> 12) & 63], out);
        fputc(tab[(v >> 6) & 63], out);
        fputc('=', out);
    }
}

void fmt_json_bytes_member(FILE *out, const char *name, const void *buf,
                           size_t len)
{
    if (!buf) {
        fprintf(out, "\"%s\":null", name);
    } else if (fmt_utf8_valid(buf, len)) {
        fprintf(out, "\"%s\":", name);
        fmt_json_str(out, buf, len);
    } else {
        fprintf(out, "\"%s_base64\":\"", name);
        fmt_base64(out, buf, len);
        fputc('"', out);
    }
}

void fmt_json_message(FILE *out, const samsa_message *m)
{
    samsa_message_header h;
    const char *tt = m->timestamp_type == SAMSA_TIMESTAMP_CREATE_TIME ? "create"
                   : m->timestamp_type == SAMSA_TIMESTAMP_LOG_APPEND_TIME
                       ? "log_append" : "none";
    size_t i;

    fputs("{\"topic\":", out);
    fmt_json_str(out, m->topic, strlen(m->topic));
    fprintf(out, ",\"partition\":%" PRId32 ",\"offset\":%" PRId64
            ",\"timestamp\":%" PRId64 ",\"timestamp_type\":\"%s\",",
            m->partition, m->offset, m->timestamp_ms, tt);
    fmt_json_bytes_member(out, "key", m->key, m->key_len);
    fputc(',', out);
    fmt_json_bytes_member(out, "value", m->value, m->value_len);
    fputs(",\"headers\":[", out);
    for (i = 0; i < m->nheaders; i++) {
        if (samsa_message_header_get(m, i, &h) != 0)
            break;
        if (i)
            fputc(',', out);
        fputs("{\"name\":", out);
        if (fmt_utf8_valid((const unsigned char *)h.name, h.name_len))
            fmt_json_str(out, h.name, h.name_len);
        else
            fmt_json_str(out, "?", 1);
        fputc(',', out);
        fmt_json_bytes_member(out, "value", h.value, h.value_len);
        fputc('}', out);
    }
    fputs("]}\n", out);
}
