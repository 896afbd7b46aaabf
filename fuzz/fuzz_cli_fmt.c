/*
 * Fuzz target: the samsa tool's byte formatting (tools/samsa/fmt.c), which
 * sees whatever bytes a topic holds. For arbitrary input:
 *  - base64 output decodes (with a decoder written here) to the input;
 *  - fmt_utf8_valid agrees with a second, table-free UTF-8 check written
 *    here (shortest form, no surrogates, at most U+10FFFF);
 *  - a JSON string of valid UTF-8 has no raw control bytes and unescapes
 *    (with an unescaper written here) to the input;
 *  - fmt_json_bytes_member picks "name" for valid UTF-8, "name_base64"
 *    otherwise.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tools/samsa/fmt.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Decode padded base64 text[0..n) into out; returns bytes or -1. */
static long b64dec(const char *t, size_t n, uint8_t *out)
{
    size_t i;
    long o = 0;

    if (n % 4)
        return -1;
    for (i = 0; i < n; i += 4) {
        int v[4], k, pad = 0;
        for (k = 0; k < 4; k++) {
            if (t[i + k] == '=' && i + 4 == n && k >= 2) {
                v[k] = 0;
                pad++;
            } else if ((v[k] = b64val(t[i + k])) < 0 || pad) {
                return -1;
            }
        }
        out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
        if (pad < 2)
            out[o++] = (uint8_t)(v[1] << 4 | v[2] >> 2);
        if (pad < 1)
            out[o++] = (uint8_t)(v[2] << 6 | v[3]);
    }
    return o;
}

/* UTF-8 check by decoding code points and re-encoding them. */
static int utf8_ref(const uint8_t *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint32_t cp;
        size_t len, k;
        uint8_t enc[4];
        if (s[i] < 0x80) { i++; continue; }
        if ((s[i] & 0xe0) == 0xc0) len = 2;
        else if ((s[i] & 0xf0) == 0xe0) len = 3;
        else if ((s[i] & 0xf8) == 0xf0) len = 4;
        else return 0;
        if (n - i < len)
            return 0;
        cp = s[i] & (0x7f >> len);
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        /* shortest form: re-encode and compare the length */
        k = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (k != len)
            return 0;
        (void)enc;
        i += len;
    }
    return 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Unescape a JSON string literal produced by fmt_json_str (quotes
 * included) into out; -1 when it is not one. Only \u00XX escapes are
 * expected (the formatter escapes control bytes only). */
static long json_unescape(const char *t, size_t n, uint8_t *out)
{
    size_t i;
    long o = 0;

    if (n < 2 || t[0] != '"' || t[n - 1] != '"')
        return -1;
    for (i = 1; i < n - 1; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c < 0x20 || c == 0x7f || c == '"')
            return -1;
        if (c != '\\') {
            out[o++] = c;
            continue;
        }
        if (++i >= n - 1)
            return -1;
        switch (t[i]) {
        case '"': out[o++] = '"'; break;
        case '\\': out[o++] = '\\'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
            int a, b;
            if (n - 1 - i < 5 || t[i + 1] != '0' || t[i + 2] != '0' ||
                (a = hexval(t[i + 3])) < 0 || (b = hexval(t[i + 4])) < 0)
                return -1;
            out[o++] = (uint8_t)(a << 4 | b);
            i += 4;
            break;
        }
        default:
            return -1;
        }
    }
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = NULL;
    size_t tlen = 0;
    uint8_t *back;
    long n;
    FILE *f;
    int valid = fmt_utf8_valid(data, size);

    if (valid != utf8_ref(data, size))
        abort();
    back = malloc(size + 1);
    if (!back)
        return 0;

    f = open_memstream(&text, &tlen);
    if (!f)
        goto out;
    fmt_base64(f, data, size);
    fclose(f);
    n = b64dec(text, tlen, back);
    if (n != (long)size || (size && memcmp(back, data, size)))
        abort();
    free(text);
    text = NULL;

    if (valid) {
        f = open_memstream(&text, &tlen);
        if (!f)
            goto out;
        fmt_json_str(f, data, size);
        fclose(f);
        n = json_unescape(text, tlen, back);
        if (n != (long)size || (size && memcmp(back, data, size)))
            abort();
        free(text);
        text = NULL;
    }

    f = open_memstream(&text, &tlen);
    if (!f)
        goto out;
    /* NULL means a null value there: pass the empty input as "" */
    fmt_json_bytes_member(f, "v", data ? (const void *)data : "", size);
    fclose(f);
    if (valid ? strncmp(text, "\"v\":\"", 5) != 0 : strncmp(text, "\"v_base64\":\"", 12) != 0)
        abort();
out:
    free(text);
    free(back);
    return 0;
}
