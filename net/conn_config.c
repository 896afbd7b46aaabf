/* net/conn_config.c - connection config defaults and deep copy; see conn.h. */
#define _GNU_SOURCE
#include <string.h>

#include "alloc.h"
#include "conn_internal.h"
#include "samsa/error.h"

void sn_conn_config_init(sn_conn_config *cfg)
{
    static const sn_tls_config tls = SN_TLS_CONFIG_INIT;

    memset(cfg, 0, sizeof *cfg);
    cfg->security = SN_SEC_PLAINTEXT;
    cfg->tls = tls;
    cfg->client_id = "samsa";
    cfg->software_name = "samsa";
    cfg->software_version = SAMSA_VERSION_STRING;
    cfg->request_timeout_ms = 30000;
    cfg->setup_timeout_ms = 10000;
    cfg->setup_timeout_max_ms = 30000;
    cfg->max_in_flight = 5;
    cfg->reconnect_backoff_ms = 50;
    cfg->reconnect_backoff_max_ms = 1000;
    cfg->receive_max_bytes = 100000000;
    cfg->send_buffer_bytes = -1;
    cfg->receive_buffer_bytes = -1;
    cfg->nodelay = true;
}

static int dup_str(sn_conn *c, const char **dst, const char *src)
{
    size_t n;
    char *p;

    *dst = NULL;
    if (!src)
        return 0;
    n = strlen(src);
    p = sp_alloc(c->alloc, n + 1);
    if (!p)
        return SAMSA_ERR_NO_MEMORY;
    memcpy(p, src, n + 1);
    *dst = p;
    return 0;
}

static void free_str(sn_conn *c, const char **s, bool secret)
{
    if (*s && secret)
        explicit_bzero((char *)*s, strlen(*s));
    sp_free(c->alloc, (char *)*s);
    *s = NULL;
}

#define STRINGS(X)                                                            \
    X(tls.ca_location, false) X(tls.ca_pem, false) X(tls.cert_location, false) \
    X(tls.cert_pem, false) X(tls.key_location, false) X(tls.key_pem, true)    \
    X(tls.key_password, true) X(tls.min_protocol, false)                      \
    X(sasl.mechanism, false) X(sasl.username, true) X(sasl.password, true)     \
    X(sasl.service_name, false) X(sasl.hostname, false)                       \
    X(sasl.oauth_extensions, true) X(client_id, false)                        \
    X(software_name, false) X(software_version, false)

int sn_conn_config_copy(sn_conn *c, const sn_conn_config *src)
{
    int rc = 0;

    c->cfg = *src;
#define NULLIFY(f, s) c->cfg.f = NULL;
    STRINGS(NULLIFY)
#undef NULLIFY
#define COPY(f, s) if (rc == 0) rc = dup_str(c, &c->cfg.f, src->f);
    STRINGS(COPY)
#undef COPY
    if (c->cfg.request_timeout_ms <= 0)
        c->cfg.request_timeout_ms = 30000;
    if (c->cfg.setup_timeout_ms <= 0)
        c->cfg.setup_timeout_ms = 10000;
    if (c->cfg.setup_timeout_max_ms < c->cfg.setup_timeout_ms)
        c->cfg.setup_timeout_max_ms = c->cfg.setup_timeout_ms;
    if (c->cfg.max_in_flight <= 0)
        c->cfg.max_in_flight = 1;
    if (c->cfg.reconnect_backoff_ms < 0)
        c->cfg.reconnect_backoff_ms = 0;
    if (c->cfg.reconnect_backoff_max_ms < c->cfg.reconnect_backoff_ms)
        c->cfg.reconnect_backoff_max_ms = c->cfg.reconnect_backoff_ms;
    if (c->cfg.receive_max_bytes < 4)
        c->cfg.receive_max_bytes = 4;
    return rc;
}

void sn_conn_config_release(sn_conn *c)
{
#define RELEASE(f, s) free_str(c, &c->cfg.f, s);
    STRINGS(RELEASE)
#undef RELEASE
}
