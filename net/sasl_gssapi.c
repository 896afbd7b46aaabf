/*
 * net/sasl_gssapi.c - SASL GSSAPI (Kerberos) through cyrus-sasl, only in
 * builds with WITH_SASL; otherwise NOT_SUPPORTED.
 *
 * Credentials come from the Kerberos ticket cache (kinit) or the keytab in
 * KRB5_CLIENT_KTNAME; samsa does not run kinit. cyrus-sasl allocates with
 * its own malloc, not the handle's allocator, and its client library must
 * be initialised once per process: that pthread_once is the only global
 * state here.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "samsa/error.h"
#include "sasl_internal.h"

#if SAMSA_WITH_SASL
#include <pthread.h>
#include <sasl/sasl.h>

#define GSSAPI_MAX_TOKEN 65536

typedef struct gssapi_state {
    sasl_conn_t *conn;
    char *in; /* server token plus the NUL sentinel cyrus wants */
} gssapi_state;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result;

static void cyrus_init(void)
{
    init_result = sasl_client_init(NULL);
}

static int cyrus_fail(sn_sasl *s, gssapi_state *st, int r, const char *call)
{
    const char *detail = st->conn ? sasl_errdetail(st->conn)
                                  : sasl_errstring(r, NULL, NULL);

    if (r == SASL_NOMEM)
        return SAMSA_ERR_NO_MEMORY;
    if (r == SASL_NOMECH)
        return sn_sasl_fail(s, SAMSA_ERR_NOT_SUPPORTED, "GSSAPI: cyrus-sasl has "
                            "no GSSAPI plugin (Debian: "
                            "libsasl2-modules-gssapi-mit)");
    if (r == SASL_INTERACT)
        return sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "GSSAPI: no Kerberos "
                            "credentials (run kinit or set KRB5_CLIENT_KTNAME)");
    return sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "GSSAPI: %s: %s", call,
                        detail ? detail : "unknown cyrus-sasl error");
}

static int gssapi_init(sn_sasl *s, const sn_sasl_config *cfg)
{
    static const sasl_callback_t callbacks[] = { { SASL_CB_LIST_END, NULL, NULL } };
    const char *service = sn_sasl_opt(cfg->service_name);
    const char *host = sn_sasl_opt(cfg->hostname);
    sasl_security_properties_t props;
    gssapi_state *st;
    int r;

    if (!host)
        return sn_sasl_fail(s, SAMSA_ERR_CONFIG, "GSSAPI needs the broker's "
                            "host name");
    pthread_once(&init_once, cyrus_init);
    if (init_result != SASL_OK)
        return sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "GSSAPI: "
                            "sasl_client_init: %s",
                            sasl_errstring(init_result, NULL, NULL));
    st = sp_calloc(s->alloc, 1, sizeof *st);
    if (!st)
        return SAMSA_ERR_NO_MEMORY;
    s->state = st;
    r = sasl_client_new(service ? service : "kafka", host, NULL, NULL,
                        callbacks, 0, &st->conn);
    if (r != SASL_OK)
        return cyrus_fail(s, st, r, "sasl_client_new");
    /* Kafka never wraps its traffic: ask for no security layer */
    memset(&props, 0, sizeof props);
    props.maxbufsize = GSSAPI_MAX_TOKEN;
    r = sasl_setprop(st->conn, SASL_SEC_PROPS, &props);
    if (r != SASL_OK)
        return cyrus_fail(s, st, r, "sasl_setprop");
    return 0;
}

static int gssapi_result(sn_sasl *s, gssapi_state *st, int r, const char *call,
                         const char *cout, unsigned coutlen,
                         const uint8_t **out, size_t *outlen)
{
    if (r != SASL_OK && r != SASL_CONTINUE)
        return cyrus_fail(s, st, r, call);
    *out = (const uint8_t *)(cout ? cout : "");
    *outlen = cout ? coutlen : 0;
    return r == SASL_OK ? SN_SASL_DONE : SN_SASL_CONTINUE;
}

static int gssapi_start(sn_sasl *s, const uint8_t **out, size_t *outlen)
{
    gssapi_state *st = s->state;
    const char *cout = NULL, *mech = NULL;
    unsigned coutlen = 0;
    sasl_interact_t *interact = NULL;
    int r = sasl_client_start(st->conn, "GSSAPI", &interact, &cout, &coutlen,
                              &mech);

    return gssapi_result(s, st, r, "sasl_client_start", cout, coutlen, out,
                         outlen);
}

static int gssapi_step(sn_sasl *s, const uint8_t *in, size_t inlen,
                       const uint8_t **out, size_t *outlen)
{
    gssapi_state *st = s->state;
    const char *cout = NULL;
    unsigned coutlen = 0;
    sasl_interact_t *interact = NULL;
    int r;

    if (inlen > GSSAPI_MAX_TOKEN)
        return sn_sasl_fail(s, SAMSA_ERR_AUTHENTICATION, "GSSAPI: server token "
                            "over %d bytes", GSSAPI_MAX_TOKEN);
    sp_free(s->alloc, st->in);
    st->in = sp_alloc(s->alloc, inlen + 1);
    if (!st->in)
        return SAMSA_ERR_NO_MEMORY;
    if (inlen)
        memcpy(st->in, in, inlen);
    st->in[inlen] = '\0';
    r = sasl_client_step(st->conn, st->in, (unsigned)inlen, &interact, &cout,
                         &coutlen);
    return gssapi_result(s, st, r, "sasl_client_step", cout, coutlen, out,
                         outlen);
}

static void gssapi_free(sn_sasl *s)
{
    gssapi_state *st = s->state;

    if (!st)
        return;
    if (st->conn)
        sasl_dispose(&st->conn);
    sp_free(s->alloc, st->in);
    sp_free(s->alloc, st);
    s->state = NULL;
}

#else /* !SAMSA_WITH_SASL */

static int gssapi_init(sn_sasl *s, const sn_sasl_config *cfg)
{
    (void)cfg;
    return sn_sasl_fail(s, SAMSA_ERR_NOT_SUPPORTED, "GSSAPI needs a build with "
                        "WITH_SASL=1 (cyrus-sasl)");
}

static int gssapi_start(sn_sasl *s, const uint8_t **out, size_t *outlen)
{
    (void)out;
    (void)outlen;
    return sn_sasl_fail(s, SAMSA_ERR_NOT_SUPPORTED, "not supported");
}

static int gssapi_step(sn_sasl *s, const uint8_t *in, size_t inlen,
                       const uint8_t **out, size_t *outlen)
{
    (void)in;
    (void)inlen;
    return gssapi_start(s, out, outlen);
}

static void gssapi_free(sn_sasl *s)
{
    (void)s;
}

#endif

const sn_sasl_mech sn_sasl_mech_gssapi = {
    "GSSAPI", gssapi_init, gssapi_start, gssapi_step, gssapi_free,
};
