/* net/sasl_plain.c - SASL PLAIN (RFC 4616) with an empty authzid. */
#define _GNU_SOURCE
#include <string.h>

#include "alloc.h"
#include "samsa/error.h"
#include "sasl_internal.h"

typedef struct plain_state {
    uint8_t *msg; /* "\0user\0pass" */
    size_t len;
} plain_state;

static int plain_init(sn_sasl *s, const sn_sasl_config *cfg)
{
    const char *user = sn_sasl_opt(cfg->username);
    const char *pass = sn_sasl_opt(cfg->password);
    plain_state *st;
    size_t ul, pl;

    if (!user)
        return sn_sasl_fail(s, SAMSA_ERR_CONFIG, "sasl.username is not set");
    if (!pass)
        return sn_sasl_fail(s, SAMSA_ERR_CONFIG, "sasl.password is not set");
    ul = strlen(user);
    pl = strlen(pass);
    /* No RFC 4616 255-byte cap: Kafka has none, and Azure Event Hubs sends
     * a whole connection string as the password. */
    st = sp_calloc(s->alloc, 1, sizeof *st);
    if (!st)
        return SAMSA_ERR_NO_MEMORY;
    s->state = st;
    st->len = 2 + ul + pl;
    st->msg = sp_alloc(s->alloc, st->len);
    if (!st->msg)
        return SAMSA_ERR_NO_MEMORY;
    st->msg[0] = 0;
    memcpy(st->msg + 1, user, ul);
    st->msg[1 + ul] = 0;
    memcpy(st->msg + 2 + ul, pass, pl);
    return 0;
}

static int plain_start(sn_sasl *s, const uint8_t **out, size_t *outlen)
{
    plain_state *st = s->state;

    *out = st->msg;
    *outlen = st->len;
    return SN_SASL_DONE;
}

static int plain_step(sn_sasl *s, const uint8_t *in, size_t inlen,
                      const uint8_t **out, size_t *outlen)
{
    (void)in;
    (void)inlen;
    (void)out;
    (void)outlen;
    return sn_sasl_fail(s, SAMSA_ERR_STATE, "PLAIN has no second step");
}

static void plain_free(sn_sasl *s)
{
    plain_state *st = s->state;

    if (!st)
        return;
    sn_sasl_wipe_free(s, st->msg, st->len);
    sp_free(s->alloc, st);
    s->state = NULL;
}

const sn_sasl_mech sn_sasl_mech_plain = {
    "PLAIN", plain_init, plain_start, plain_step, plain_free,
};
