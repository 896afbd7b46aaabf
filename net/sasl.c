/* net/sasl.c - mechanism dispatch and call order; see sasl.h. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "samsa/error.h"
#include "sasl_internal.h"

enum { SN_SASL_PHASE_NEW, SN_SASL_PHASE_RUNNING, SN_SASL_PHASE_DONE,
       SN_SASL_PHASE_FAILED };

static const sn_sasl_mech *const mechs[] = {
    &sn_sasl_mech_plain,
    &sn_sasl_mech_scram_sha256,
    &sn_sasl_mech_scram_sha512,
    &sn_sasl_mech_oauthbearer,
    &sn_sasl_mech_gssapi,
};

int sn_sasl_fail(sn_sasl *s, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->errstr, sizeof s->errstr, fmt, ap);
    va_end(ap);
    return err;
}

char *sn_sasl_strdup(sn_sasl *s, const char *v)
{
    size_t n = strlen(v) + 1;
    char *p = sp_alloc(s->alloc, n);

    if (p)
        memcpy(p, v, n);
    return p;
}

void sn_sasl_wipe_free(sn_sasl *s, void *p, size_t n)
{
    if (!p)
        return;
    explicit_bzero(p, n);
    sp_free(s->alloc, p);
}

void sn_sasl_printable(char *dst, size_t dstlen, const uint8_t *src, size_t n)
{
    size_t i;

    if (dstlen == 0)
        return;
    if (n > dstlen - 1)
        n = dstlen - 1;
    for (i = 0; i < n; i++)
        dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
    dst[n] = '\0';
}

static void copy_err(char *errbuf, size_t errlen, const char *msg)
{
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s", msg);
}

int sn_sasl_new(const samsa_allocator *alloc, const sn_sasl_config *cfg,
                sn_sasl **out, char *errbuf, size_t errlen)
{
    const sn_sasl_mech *mech = NULL;
    sn_sasl *s;
    size_t i;
    int rc;

    *out = NULL;
    copy_err(errbuf, errlen, "");
    if (!cfg || !sn_sasl_opt(cfg->mechanism)) {
        copy_err(errbuf, errlen, "sasl.mechanism is not set");
        return SAMSA_ERR_CONFIG;
    }
    for (i = 0; i < sizeof mechs / sizeof mechs[0]; i++)
        if (strcmp(cfg->mechanism, mechs[i]->name) == 0)
            mech = mechs[i];
    if (!mech) {
        char name[64];

        sn_sasl_printable(name, sizeof name, (const uint8_t *)cfg->mechanism,
                          strlen(cfg->mechanism));
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "sasl.mechanism '%s' is not a known "
                     "mechanism", name);
        return SAMSA_ERR_CONFIG;
    }
    s = sp_calloc(alloc, 1, sizeof *s);
    if (!s) {
        copy_err(errbuf, errlen, "out of memory");
        return SAMSA_ERR_NO_MEMORY;
    }
    s->mech = mech;
    s->alloc = alloc;
    rc = mech->init(s, cfg);
    if (rc != 0) {
        copy_err(errbuf, errlen, s->errstr[0] ? s->errstr : samsa_err_str(rc));
        sn_sasl_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* Record the outcome of a mechanism call and keep failures sticky. */
static int settle(sn_sasl *s, int rc)
{
    if (rc == SN_SASL_CONTINUE) {
        s->phase = SN_SASL_PHASE_RUNNING;
    } else if (rc == SN_SASL_DONE) {
        s->phase = SN_SASL_PHASE_DONE;
    } else {
        if (!s->errstr[0])
            sn_sasl_fail(s, rc, "%s: %s", s->mech->name, samsa_err_str(rc));
        s->phase = SN_SASL_PHASE_FAILED;
        s->failure = rc;
    }
    return rc;
}

static int wrong_phase(sn_sasl *s, const char *call)
{
    if (s->phase == SN_SASL_PHASE_FAILED)
        return s->failure;
    return sn_sasl_fail(s, SAMSA_ERR_STATE, "%s: %s called %s", s->mech->name,
                        call, s->phase == SN_SASL_PHASE_DONE
                            ? "after the exchange finished"
                            : "out of order");
}

int sn_sasl_start(sn_sasl *s, const uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (s->phase != SN_SASL_PHASE_NEW)
        return wrong_phase(s, "sn_sasl_start");
    return settle(s, s->mech->start(s, out, outlen));
}

int sn_sasl_step(sn_sasl *s, const uint8_t *in, size_t inlen,
                 const uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (s->phase != SN_SASL_PHASE_RUNNING)
        return wrong_phase(s, "sn_sasl_step");
    if (!in && inlen)
        return settle(s, SAMSA_ERR_INVALID_ARG);
    return settle(s, s->mech->step(s, in ? in : (const uint8_t *)"", inlen,
                                   out, outlen));
}

const char *sn_sasl_errstr(const sn_sasl *s)
{
    return s ? s->errstr : "";
}

void sn_sasl_free(sn_sasl *s)
{
    const samsa_allocator *alloc;

    if (!s)
        return;
    if (s->mech)
        s->mech->free(s);
    alloc = s->alloc;
    explicit_bzero(s, sizeof *s);
    sp_free(alloc, s);
}
