/*
 * net/conn_setup.c - connection handshakes after TCP connect: TLS,
 * ApiVersions (v3, retried lower on UNSUPPORTED_VERSION), SASL
 * (SaslHandshake, then SaslAuthenticate rounds driven by net/sasl.h).
 * See conn.h for the order and why.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "api.h"
#include "arena.h"
#include "conn_internal.h"
#include "msg_sasl_authenticate.h"
#include "msg_sasl_handshake.h"
#include "samsa/error.h"

#define APIVERSIONS_FIRST 3
#define SASL_TOKEN_MAX (1 << 20)

static void start_apiversions(sn_conn *c, int16_t version);
static void start_sasl(sn_conn *c);

void sn_conn_setup_reset(sn_conn *c)
{
    sn_sasl_free(c->sasl);
    c->sasl = NULL;
    c->sasl_done = false;
    c->session_ms = 0;
}

/* KIP-368: the broker gave the session a lifetime; authenticate again on
 * the same connection before it ends. Requests already in flight are
 * answered first (in order); new ones wait in the queue until READY. */
void sn_conn_reauthenticate(sn_conn *c)
{
    sn_conn_setup_reset(c);
    c->reauth = true;
    /* bounded like a setup: a broker that stops answering is dropped */
    if (sn_timer_start(&c->setup_timer, c->cfg.request_timeout_ms) != 0) {
        sn_conn_fail(c, SAMSA_ERR_NO_MEMORY, SN_CONN_EV_DOWN,
                     "%s:%d: out of memory re-authenticating", c->host,
                     c->port);
        return;
    }
    start_sasl(c);
}

void sn_conn_transport_ready(sn_conn *c)
{
    bool tls = c->cfg.security == SN_SEC_SSL ||
               c->cfg.security == SN_SEC_SASL_SSL;

    if (!tls) {
        c->tp = sn_transport_plain_new(c->alloc, c->fd);
        if (!c->tp) {
            sn_conn_fail(c, SAMSA_ERR_NO_MEMORY, SN_CONN_EV_DOWN,
                         "%s:%d: out of memory for the transport", c->host,
                         c->port);
            return;
        }
        if (sn_conn_watch(c, SN_IO_READ) == 0)
            start_apiversions(c, APIVERSIONS_FIRST);
        return;
    } else {
        char eb[256];
        int rc = sn_transport_tls_new(c->alloc, c->fd, c->host, &c->cfg.tls,
                                      &c->tp, eb, sizeof eb);

        if (rc != 0) {
            sn_conn_fail(c, rc, rc == SAMSA_ERR_TLS ? SN_CONN_EV_AUTH_FAILED
                                                    : SN_CONN_EV_DOWN,
                         "%s:%d: TLS setup failed: %s", c->host, c->port, eb);
            return;
        }
        c->state = SN_CONN_TLS;
        sn_conn_tls_step(c);
    }
}

void sn_conn_tls_step(sn_conn *c)
{
    int rc = c->tp->ops->handshake(c->tp);

    if (rc == 0) {
        if (sn_conn_watch(c, SN_IO_READ) == 0)
            start_apiversions(c, APIVERSIONS_FIRST);
    } else if (rc == SN_WANT_READ) {
        sn_conn_watch(c, SN_IO_READ);
    } else if (rc == SN_WANT_WRITE) {
        sn_conn_watch(c, SN_IO_WRITE);
    } else {
        sn_conn_fail(c, rc == SAMSA_ERR_TLS ? SAMSA_ERR_TLS : SAMSA_ERR_TRANSPORT,
                     rc == SAMSA_ERR_TLS ? SN_CONN_EV_AUTH_FAILED
                                         : SN_CONN_EV_DOWN,
                     "%s:%d: TLS handshake failed: %s", c->host, c->port,
                     c->tp->errstr);
    }
}

/* ---- ApiVersions ---- */

static void apiversions_cb(void *opaque, int err, const uint8_t *body,
                           size_t len)
{
    sn_conn *c = opaque;
    sp_api_versions_resp resp;
    const sp_api_version_range *self;
    sp_arena arena;
    int16_t asked = c->apiver_version;
    int rc;
    size_t n;

    if (err)
        return; /* the connection is already failing */
    sp_arena_init(&arena, c->alloc, 64 + 8 * len);
    rc = sp_api_versions_resp_decode(&resp, &arena, body, len, asked);
    if (rc != 0) {
        sp_arena_free(&arena);
        sn_conn_fail(c, SAMSA_ERR_PROTOCOL, SN_CONN_EV_DOWN,
                     "%s:%d: undecodable ApiVersions v%d response: %s",
                     c->host, c->port, asked, samsa_err_str(rc));
        return;
    }
    if (resp.error_code == SAMSA_ERR_UNSUPPORTED_VERSION && asked > 0) {
        /* as Java: retry at the broker's own maximum, else v0 */
        int16_t next = 0;

        self = sp_api_versions_find(&resp, SP_API_VERSIONS_KEY);
        if (self && self->max_version < asked && self->max_version >= 0)
            next = self->max_version;
        sp_arena_free(&arena);
        start_apiversions(c, next);
        return;
    }
    if (resp.error_code != 0) {
        sp_arena_free(&arena);
        sn_conn_fail(c, resp.error_code, SN_CONN_EV_DOWN,
                     "%s:%d: ApiVersions failed: %s", c->host, c->port,
                     samsa_err_name(resp.error_code));
        return;
    }
    n = resp.api_keys.count > 0 ? (size_t)resp.api_keys.count : 0;
    c->versions = n ? sp_calloc(c->alloc, n, sizeof *c->versions) : NULL;
    if (n && !c->versions) {
        sp_arena_free(&arena);
        sn_conn_fail(c, SAMSA_ERR_NO_MEMORY, SN_CONN_EV_DOWN,
                     "%s:%d: out of memory for API versions", c->host,
                     c->port);
        return;
    }
    if (n)
        memcpy(c->versions, resp.api_keys.items, n * sizeof *c->versions);
    c->nversions = n;
    c->negotiated = true;
    sp_arena_free(&arena);
    if (c->cfg.security == SN_SEC_SASL_PLAINTEXT ||
        c->cfg.security == SN_SEC_SASL_SSL)
        start_sasl(c);
    else
        sn_conn_set_ready(c);
}

static void start_apiversions(sn_conn *c, int16_t version)
{
    sp_api_versions_req req = { c->cfg.software_name,
                                c->cfg.software_version, NULL, -1 };
    sp_writer w;

    c->state = SN_CONN_APIVERSIONS;
    c->apiver_version = version;
    sp_writer_init(&w, c->alloc, 1 << 16);
    sp_api_versions_req_encode(&w, version, &req);
    sn_conn_send_internal(c, SP_API_VERSIONS_KEY, version, &w,
                          apiversions_cb);
}

/* ---- SASL ---- */

static bool pick(sn_conn *c, int16_t key, const char *name, int16_t *v)
{
    int rc = sn_conn_api_version(c, key, v);

    if (rc != 0)
        sn_conn_fail(c, rc, SN_CONN_EV_AUTH_FAILED,
                     "%s:%d: no usable %s version: %s", c->host, c->port,
                     name, samsa_err_str(rc));
    return rc == 0;
}

static void authenticate_cb(void *opaque, int err, const uint8_t *body,
                            size_t len);

static void send_token(sn_conn *c, const uint8_t *tok, size_t toklen)
{
    sp_sasl_authenticate_req req;
    sp_writer w;
    int16_t v;
    int rc;

    if (!pick(c, 36, "SaslAuthenticate", &v))
        return;
    req.auth_bytes.ptr = tok;
    req.auth_bytes.len = (int32_t)toklen;
    sp_writer_init(&w, c->alloc, SASL_TOKEN_MAX + 64);
    rc = sp_schema_encode(&w, &sp_msg_sasl_authenticate_req, v, &req);
    if (rc != 0)
        sp_writer_fail(&w, rc);
    sn_conn_send_internal(c, 36, v, &w, authenticate_cb);
}

static void sasl_failed(sn_conn *c, int rc)
{
    sn_conn_fail(c, SAMSA_ERR_AUTHENTICATION, SN_CONN_EV_AUTH_FAILED,
                 "%s:%d: SASL %s failed: %s", c->host, c->port,
                 c->cfg.sasl.mechanism,
                 rc == SAMSA_ERR_AUTHENTICATION ? sn_sasl_errstr(c->sasl)
                                                : samsa_err_str(rc));
}

/* A mechanism result: send its message or finish. */
static void sasl_next(sn_conn *c, int rc, const uint8_t *out, size_t outlen)
{
    if (rc < 0) {
        sasl_failed(c, rc);
        return;
    }
    if (rc == SN_SASL_DONE) {
        c->sasl_done = true;
        if (outlen == 0) {
            sn_conn_set_ready(c);
            return;
        }
    }
    send_token(c, out, outlen);
}

static void authenticate_cb(void *opaque, int err, const uint8_t *body,
                            size_t len)
{
    sn_conn *c = opaque;
    sp_sasl_authenticate_resp resp;
    sp_arena arena;
    const uint8_t *out = NULL;
    size_t outlen = 0;
    int16_t v = 0;
    int rc;

    if (err)
        return;
    sn_conn_api_version(c, 36, &v);
    sp_arena_init(&arena, c->alloc, 4096);
    rc = sp_schema_decode(&sp_msg_sasl_authenticate_resp, v, &resp, &arena,
                          body, len);
    if (rc != 0) {
        sp_arena_free(&arena);
        sn_conn_fail(c, SAMSA_ERR_PROTOCOL, SN_CONN_EV_DOWN,
                     "%s:%d: undecodable SaslAuthenticate response: %s",
                     c->host, c->port, samsa_err_str(rc));
        return;
    }
    if (resp.error_code != 0) {
        int n = resp.error_message.ptr && resp.error_message.len > 0
                    ? (resp.error_message.len > 160 ? 160
                                                    : resp.error_message.len)
                    : 0;

        sn_conn_fail(c, SAMSA_ERR_AUTHENTICATION, SN_CONN_EV_AUTH_FAILED,
                     "%s:%d: SASL %s authentication failed: %s%s%.*s",
                     c->host, c->port, c->cfg.sasl.mechanism,
                     samsa_err_name(resp.error_code), n ? ": " : "", n,
                     n ? resp.error_message.ptr : "");
        sp_arena_free(&arena);
        return;
    }
    if (resp.session_lifetime_ms > 0)
        c->session_ms = resp.session_lifetime_ms;
    if (c->sasl_done) {
        sp_arena_free(&arena);
        sn_conn_set_ready(c);
        return;
    }
    rc = sn_sasl_step(c->sasl, resp.auth_bytes.ptr,
                      resp.auth_bytes.len > 0 ? (size_t)resp.auth_bytes.len : 0,
                      &out, &outlen);
    sp_arena_free(&arena);
    sasl_next(c, rc, out, outlen);
}

static void handshake_cb(void *opaque, int err, const uint8_t *body,
                         size_t len)
{
    sn_conn *c = opaque;
    sp_sasl_handshake_resp resp;
    sp_arena arena;
    const uint8_t *out = NULL;
    size_t outlen = 0;
    int16_t v = 0;
    int rc;

    if (err)
        return;
    sn_conn_api_version(c, 17, &v);
    sp_arena_init(&arena, c->alloc, 64 + 16 * len);
    rc = sp_schema_decode(&sp_msg_sasl_handshake_resp, v, &resp, &arena, body,
                          len);
    if (rc != 0) {
        sp_arena_free(&arena);
        sn_conn_fail(c, SAMSA_ERR_PROTOCOL, SN_CONN_EV_DOWN,
                     "%s:%d: undecodable SaslHandshake response: %s",
                     c->host, c->port, samsa_err_str(rc));
        return;
    }
    if (resp.error_code != 0) {
        char list[160] = "";
        size_t used = 0;
        int32_t i;

        for (i = 0; i < resp.mechanisms.count && used < sizeof list - 1; i++) {
            const sp_str *m = &resp.mechanisms.items[i];
            int w;

            if (!m->ptr || m->len < 0)
                continue; /* never a negative precision into %.*s */
            w = snprintf(list + used, sizeof list - used, "%s%.*s",
                         i ? ", " : "", (int)m->len, m->ptr);
            if (w < 0)
                break;
            used += (size_t)w;
        }
        sp_arena_free(&arena);
        sn_conn_fail(c, SAMSA_ERR_AUTHENTICATION, SN_CONN_EV_AUTH_FAILED,
                     "%s:%d: SaslHandshake for %s failed: %s (broker offers: "
                     "%s)", c->host, c->port, c->cfg.sasl.mechanism,
                     samsa_err_name(resp.error_code), list);
        return;
    }
    sp_arena_free(&arena);
    rc = sn_sasl_start(c->sasl, &out, &outlen);
    sasl_next(c, rc, out, outlen);
}

static void start_sasl(sn_conn *c)
{
    sp_sasl_handshake_req req;
    sn_sasl_config sc = c->cfg.sasl;
    char eb[256];
    sp_writer w;
    int16_t v;
    int rc;

    c->state = SN_CONN_SASL;
    if (!sc.hostname)
        sc.hostname = c->host;
    rc = sn_sasl_new(c->alloc, &sc, &c->sasl, eb, sizeof eb);
    if (rc != 0) {
        sn_conn_fail(c, rc, SN_CONN_EV_AUTH_FAILED, "%s:%d: SASL setup: %s",
                     c->host, c->port, eb[0] ? eb : samsa_err_str(rc));
        return;
    }
    if (!pick(c, 17, "SaslHandshake", &v))
        return;
    if (v < 1) {
        sn_conn_fail(c, SAMSA_ERR_NO_COMMON_VERSION, SN_CONN_EV_AUTH_FAILED,
                     "%s:%d: broker lacks SaslHandshake v1 (KIP-152)",
                     c->host, c->port);
        return;
    }
    req.mechanism = sp_str_of(c->cfg.sasl.mechanism);
    sp_writer_init(&w, c->alloc, 1 << 12);
    rc = sp_schema_encode(&w, &sp_msg_sasl_handshake_req, v, &req);
    if (rc != 0)
        sp_writer_fail(&w, rc);
    sn_conn_send_internal(c, 17, v, &w, handshake_cb);
}
