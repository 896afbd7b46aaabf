/* net/base64.c - see base64.h. */
#include "base64.h"
#include "samsa/error.h"

static const char std_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static size_t encode(const uint8_t *in, size_t n, char *out,
                     const char *alpha, int pad)
{
    size_t i, o = 0;

    for (i = 0; n - i >= 3; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = alpha[v >> 18];
        out[o++] = alpha[v >> 12 & 63];
        out[o++] = alpha[v >> 6 & 63];
        out[o++] = alpha[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = alpha[v >> 18];
        out[o++] = alpha[v >> 12 & 63];
        if (pad) {
            out[o++] = '=';
            out[o++] = '=';
        }
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = alpha[v >> 18];
        out[o++] = alpha[v >> 12 & 63];
        out[o++] = alpha[v >> 6 & 63];
        if (pad)
            out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

size_t sn_base64_encode(const uint8_t *in, size_t n, char *out)
{
    return encode(in, n, out, std_alpha, 1);
}

size_t sn_base64url_encode(const uint8_t *in, size_t n, char *out)
{
    return encode(in, n, out, url_alpha, 0);
}

static int sextet(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int sn_base64_decode(const char *in, size_t n, uint8_t *out, size_t outcap,
                     size_t *outlen)
{
    size_t i, o = 0;

    *outlen = 0;
    if (n % 4)
        return SAMSA_ERR_MALFORMED;
    for (i = 0; i < n; i += 4) {
        int last = n - i == 4;
        int pads = 0, k, s[4];
        uint32_t v = 0;

        for (k = 0; k < 4; k++) {
            if (in[i + k] == '=' && last && k >= 2) {
                pads++;
                s[k] = 0;
                continue;
            }
            if (pads) /* data after padding */
                return SAMSA_ERR_MALFORMED;
            s[k] = sextet(in[i + k]);
            if (s[k] < 0)
                return SAMSA_ERR_MALFORMED;
        }
        v = (uint32_t)s[0] << 18 | (uint32_t)s[1] << 12 | (uint32_t)s[2] << 6 |
            (uint32_t)s[3];
        if ((pads == 1 && (v & 0xff)) || (pads == 2 && (v & 0xffff)))
            return SAMSA_ERR_MALFORMED; /* non-canonical: unused bits set */
        if (outcap - o < (size_t)(3 - pads))
            return SAMSA_ERR_BUFFER_FULL;
        out[o++] = (uint8_t)(v >> 16);
        if (pads < 2)
            out[o++] = (uint8_t)(v >> 8);
        if (pads < 1)
            out[o++] = (uint8_t)v;
    }
    *outlen = o;
    return 0;
}
