/* client/brokers.c - see brokers.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brokers.h"
#include "alloc.h"
#include "oauth_unsecured.h"

typedef struct sc_bconn {
    sc_brokers *pool;
    int32_t node_id; /* >= 0 broker; -1 - i bootstrap address i */
    char *host;
    int port;
    sn_conn *conn;
} sc_bconn;

struct sc_brokers {
    samsa_client *c;
    sn_conn_config cfg;
    sc_bconn **v;
    size_t n, cap;
    unsigned rr; /* round-robin cursor for connection attempts */
    sn_oauth_unsecured unsec; /* enable.sasl.oauthbearer.unsecure.jwt */
    char unsec_sub[256], unsec_scope[256];
    int last_err;
    char last_errstr[200];
};

static char *dup_n(const samsa_allocator *a, const char *s, size_t n)
{
    char *d = sp_alloc(a, n + 1);

    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

static void conn_state_cb(void *opaque, sn_conn *conn, sn_conn_event ev,
                          int err, const char *errstr)
{
    sc_bconn *e = opaque;
    sc_brokers *b = e->pool;

    (void)conn;
    if (ev != SN_CONN_EV_UP) {
        b->last_err = err;
        snprintf(b->last_errstr, sizeof b->last_errstr, "%s:%d: %s", e->host,
                 e->port, errstr && *errstr ? errstr : samsa_err_str(err));
        sc_debug(&b->c->log, SC_DBG_BROKER, "broker", "%s",
                 b->last_errstr);
    } else {
        sc_debug(&b->c->log, SC_DBG_BROKER, "broker", "%s:%d up (node %d)",
                 e->host, e->port, (int)e->node_id);
    }
    sc_client_conn_event(b->c, e->node_id, ev, err, errstr);
}

/* sasl.oauthbearer.config: "principal=x scope=y lifeSeconds=n". */
static int parse_unsecured(sc_brokers *b, const char *cfg, char *errbuf,
                           size_t errlen)
{
    const char *p = cfg;

    b->unsec.lifetime_s = 3600;
    while (p && *p) {
        const char *end, *eq;
        size_t klen, vlen;
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        end = strchr(p, ' ');
        if (!end)
            end = p + strlen(p);
        eq = memchr(p, '=', (size_t)(end - p));
        if (!eq)
            goto bad;
        klen = (size_t)(eq - p);
        vlen = (size_t)(end - eq - 1);
        if (klen == 9 && memcmp(p, "principal", 9) == 0 && vlen < sizeof b->unsec_sub) {
            memcpy(b->unsec_sub, eq + 1, vlen);
            b->unsec_sub[vlen] = '\0';
        } else if (klen == 5 && memcmp(p, "scope", 5) == 0 && vlen < sizeof b->unsec_scope) {
            memcpy(b->unsec_scope, eq + 1, vlen);
            b->unsec_scope[vlen] = '\0';
        } else if (klen == 11 && memcmp(p, "lifeSeconds", 11) == 0) {
            long v = 0;
            size_t i;
            for (i = 1; i <= vlen; i++) {
                if (eq[i] < '0' || eq[i] > '9' || v > 100000000)
                    goto bad;
                v = v * 10 + (eq[i] - '0');
            }
            if (v <= 0)
                goto bad;
            b->unsec.lifetime_s = v;
        } else {
            goto bad;
        }
        p = end;
    }
    if (!b->unsec_sub[0]) {
        if (errbuf)
            snprintf(errbuf, errlen,
                     "sasl.oauthbearer.config needs principal=<name> for "
                     "unsecured tokens");
        return SAMSA_ERR_CONFIG;
    }
    b->unsec.sub = b->unsec_sub;
    b->unsec.scope = b->unsec_scope;
    return 0;
bad:
    if (errbuf)
        snprintf(errbuf, errlen,
                 "sasl.oauthbearer.config: expected principal=<name> "
                 "[scope=<scope>] [lifeSeconds=<n>]");
    return SAMSA_ERR_CONFIG;
}

static int build_cfg(sc_brokers *b, char *errbuf, size_t errlen)
{
    const samsa_conf *cf = b->c->conf;
    sn_conn_config *g = &b->cfg;

    sn_conn_config_init(g);
    g->security = (sn_security)sc_conf_enum(cf, SC_SECURITY_PROTOCOL);
    g->tls.ca_location = nz(sc_conf_str(cf, SC_SSL_CA_LOCATION));
    g->tls.ca_pem = nz(sc_conf_str(cf, SC_SSL_CA_PEM));
    g->tls.cert_location = nz(sc_conf_str(cf, SC_SSL_CERTIFICATE_LOCATION));
    g->tls.cert_pem = nz(sc_conf_str(cf, SC_SSL_CERTIFICATE_PEM));
    g->tls.key_location = nz(sc_conf_str(cf, SC_SSL_KEY_LOCATION));
    g->tls.key_pem = nz(sc_conf_str(cf, SC_SSL_KEY_PEM));
    g->tls.key_password = nz(sc_conf_str(cf, SC_SSL_KEY_PASSWORD));
    g->tls.verify_hostname =
        sc_conf_enum(cf, SC_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM) == 0;
    g->sasl.mechanism = sc_conf_str(cf, SC_SASL_MECHANISM);
    g->sasl.username = nz(sc_conf_str(cf, SC_SASL_USERNAME));
    g->sasl.password = nz(sc_conf_str(cf, SC_SASL_PASSWORD));
    g->sasl.service_name = nz(sc_conf_str(cf, SC_SASL_KERBEROS_SERVICE_NAME));
    g->sasl.oauth_extensions = nz(sc_conf_str(cf, SC_SASL_OAUTHBEARER_EXTENSIONS));
    g->client_id = sc_conf_str(cf, SC_CLIENT_ID);
    g->software_name = sc_conf_str(cf, SC_CLIENT_SOFTWARE_NAME);
    g->software_version = sc_conf_str(cf, SC_CLIENT_SOFTWARE_VERSION);
    g->request_timeout_ms = (int)sc_conf_int(cf, SC_REQUEST_TIMEOUT_MS);
    g->setup_timeout_ms = (int)sc_conf_int(cf, SC_SOCKET_CONNECTION_SETUP_TIMEOUT_MS);
    if (g->setup_timeout_max_ms < g->setup_timeout_ms)
        g->setup_timeout_max_ms = g->setup_timeout_ms;
    g->max_in_flight = (int)sc_conf_int(cf, SC_MAX_IN_FLIGHT);
    g->reconnect_backoff_ms = (int)sc_conf_int(cf, SC_RECONNECT_BACKOFF_MS);
    g->reconnect_backoff_max_ms = (int)sc_conf_int(cf, SC_RECONNECT_BACKOFF_MAX_MS);
    g->receive_max_bytes = (int32_t)sc_conf_int(cf, SC_RECEIVE_MESSAGE_MAX_BYTES);
    g->send_buffer_bytes = (int)sc_conf_int(cf, SC_SOCKET_SEND_BUFFER_BYTES);
    g->receive_buffer_bytes = (int)sc_conf_int(cf, SC_SOCKET_RECEIVE_BUFFER_BYTES);
    g->nodelay = sc_conf_bool(cf, SC_SOCKET_NAGLE_DISABLE);
    g->state_cb = conn_state_cb;
    if (b->c->cbs.oauthbearer) {
        g->sasl.oauth_cb = b->c->cbs.oauthbearer;
        g->sasl.oauth_opaque = b->c->cbs.oauthbearer_opaque;
    } else if (sc_conf_bool(cf, SC_ENABLE_SASL_OAUTHBEARER_UNSECURE_JWT)) {
        int rc = parse_unsecured(b, sc_conf_str(cf, SC_SASL_OAUTHBEARER_CONFIG),
                                 errbuf, errlen);
        if (rc)
            return rc;
        g->sasl.oauth_cb = sn_oauth_unsecured_cb;
        g->sasl.oauth_opaque = &b->unsec;
    } else if ((g->security == SN_SEC_SASL_PLAINTEXT ||
                g->security == SN_SEC_SASL_SSL) &&
               strcmp(g->sasl.mechanism, "OAUTHBEARER") == 0) {
        if (errbuf)
            snprintf(errbuf, errlen,
                     "sasl.mechanism=OAUTHBEARER needs a token callback "
                     "(samsa_conf_set_oauthbearer_token_cb) or "
                     "enable.sasl.oauthbearer.unsecure.jwt=true");
        return SAMSA_ERR_CONFIG;
    }
    return 0;
}

static void entry_free(sc_brokers *b, sc_bconn *e)
{
    if (!e)
        return;
    sn_conn_destroy(e->conn);
    sp_free(b->c->alloc, e->host);
    sp_free(b->c->alloc, e);
}

/* Add an entry (connection created lazily). NULL on NO_MEMORY. */
static sc_bconn *entry_add(sc_brokers *b, int32_t node_id, const char *host,
                           size_t hostlen, int port)
{
    const samsa_allocator *a = b->c->alloc;
    sc_bconn *e;

    if (b->n == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 8;
        sc_bconn **nv = sp_realloc(a, b->v, ncap * sizeof *nv);
        if (!nv)
            return NULL;
        b->v = nv;
        b->cap = ncap;
    }
    e = sp_calloc(a, 1, sizeof *e);
    if (!e)
        return NULL;
    e->host = dup_n(a, host, hostlen);
    if (!e->host) {
        sp_free(a, e);
        return NULL;
    }
    e->pool = b;
    e->node_id = node_id;
    e->port = port;
    b->v[b->n++] = e;
    return e;
}

static int entry_conn(sc_brokers *b, sc_bconn *e)
{
    sn_conn_config cfg;
    char err[160];
    int rc;

    if (e->conn)
        return 0;
    cfg = b->cfg;
    cfg.state_opaque = e;
    cfg.sasl.hostname = e->host;
    rc = sn_conn_new(b->c->loop, e->host, e->port, &cfg, &e->conn, err,
                     sizeof err);
    if (rc) {
        b->last_err = rc;
        snprintf(b->last_errstr, sizeof b->last_errstr, "%s:%d: %s", e->host,
                 e->port, err);
        return rc;
    }
    return 0;
}

/* "host:port", "[v6]:port"; host and port out. */
static int parse_hostport(const char *s, size_t len, const char **host,
                          size_t *hostlen, int *port)
{
    const char *colon;
    long p = 0;
    size_t i;

    if (len && s[0] == '[') {
        const char *rb = memchr(s, ']', len);
        if (!rb || (size_t)(rb - s) + 1 >= len || rb[1] != ':')
            return -1;
        *host = s + 1;
        *hostlen = (size_t)(rb - s) - 1;
        colon = rb + 1;
    } else {
        colon = NULL;
        for (i = len; i > 0; i--)
            if (s[i - 1] == ':') {
                colon = s + i - 1;
                break;
            }
        if (!colon)
            return -1;
        *host = s;
        *hostlen = (size_t)(colon - s);
    }
    if (*hostlen == 0)
        return -1;
    for (i = (size_t)(colon - s) + 1; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        p = p * 10 + (s[i] - '0');
        if (p > 65535)
            return -1;
    }
    if (p <= 0)
        return -1;
    *port = (int)p;
    return 0;
}

int sc_brokers_new(samsa_client *c, sc_brokers **out, char *errbuf,
                   size_t errlen)
{
    const char *bs = sc_conf_str(c->conf, SC_BOOTSTRAP_SERVERS);
    sc_brokers *b;
    int32_t idx = 0;
    int rc;

    *out = NULL;
    b = sp_calloc(c->alloc, 1, sizeof *b);
    if (!b)
        return SAMSA_ERR_NO_MEMORY;
    b->c = c;
    rc = build_cfg(b, errbuf, errlen);
    if (rc) {
        sp_free(c->alloc, b);
        return rc;
    }
    while (bs && *bs) {
        const char *end = strchr(bs, ',');
        size_t len = end ? (size_t)(end - bs) : strlen(bs);
        const char *s = bs, *host;
        size_t hostlen;
        int port;

        while (len && (*s == ' ' || *s == '\t')) {
            s++;
            len--;
        }
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        if (len) {
            if (parse_hostport(s, len, &host, &hostlen, &port)) {
                if (errbuf)
                    snprintf(errbuf, errlen,
                             "bootstrap.servers: '%.*s' is not host:port",
                             (int)len, s);
                sc_brokers_free(b);
                return SAMSA_ERR_CONFIG;
            }
            if (!entry_add(b, -1 - idx, host, hostlen, port)) {
                sc_brokers_free(b);
                return SAMSA_ERR_NO_MEMORY;
            }
            idx++;
        }
        bs = end ? end + 1 : NULL;
    }
    if (b->n == 0) {
        if (errbuf)
            snprintf(errbuf, errlen, "bootstrap.servers is empty");
        sc_brokers_free(b);
        return SAMSA_ERR_CONFIG;
    }
    *out = b;
    return 0;
}

void sc_brokers_free(sc_brokers *b)
{
    size_t i;

    if (!b)
        return;
    /* destroy may run callbacks that look at the pool: detach first */
    for (i = 0; i < b->n; i++) {
        sn_conn *conn = b->v[i]->conn;
        b->v[i]->conn = NULL;
        sn_conn_destroy(conn);
    }
    for (i = 0; i < b->n; i++)
        entry_free(b, b->v[i]);
    sp_free(b->c->alloc, b->v);
    sp_free(b->c->alloc, b);
}

static sc_bconn *find_node(const sc_brokers *b, int32_t id)
{
    size_t i;

    for (i = 0; i < b->n; i++)
        if (b->v[i]->node_id == id)
            return b->v[i];
    return NULL;
}

int sc_brokers_sync(sc_brokers *b)
{
    const sc_metadata *md = &b->c->md;
    int32_t i;
    size_t j;

    for (i = 0; i < md->nbrokers; i++) {
        const sc_broker *br = &md->brokers[i];
        sc_bconn *e = find_node(b, br->id);

        if (e && (strcmp(e->host, br->host) != 0 || e->port != br->port)) {
            /* moved: new address, new connection */
            sn_conn *old = e->conn;
            char *h = dup_n(b->c->alloc, br->host, strlen(br->host));
            if (!h)
                return SAMSA_ERR_NO_MEMORY;
            sp_free(b->c->alloc, e->host);
            e->host = h;
            e->port = br->port;
            e->conn = NULL;
            sn_conn_destroy(old);
        }
        if (e)
            continue;
        for (j = 0; j < b->n; j++) {
            sc_bconn *bs = b->v[j];
            if (bs->node_id < 0 && bs->port == br->port &&
                strcmp(bs->host, br->host) == 0) {
                bs->node_id = br->id; /* adopt the bootstrap connection */
                e = bs;
                break;
            }
        }
        if (!e && !entry_add(b, br->id, br->host, strlen(br->host), br->port))
            return SAMSA_ERR_NO_MEMORY;
    }
    return 0;
}

sn_conn *sc_brokers_conn(sc_brokers *b, int32_t node_id)
{
    sc_bconn *e;

    if (node_id < 0)
        return NULL;
    e = find_node(b, node_id);
    if (!e) {
        const sc_broker *br = sc_md_broker(&b->c->md, node_id);
        if (!br)
            return NULL;
        e = entry_add(b, node_id, br->host, strlen(br->host), br->port);
        if (!e)
            return NULL;
    }
    if (!e->conn && entry_conn(b, e))
        return NULL;
    if (sn_conn_get_state(e->conn) == SN_CONN_DOWN)
        sn_conn_connect(e->conn);
    return e->conn;
}

sn_conn *sc_brokers_any_ready(sc_brokers *b)
{
    sn_conn *best = NULL;
    size_t best_pending = (size_t)-1;
    bool known = b->c->md.nbrokers > 0;
    bool connecting = false;
    size_t i;

    for (int pass = 0; pass < 2 && !best; pass++) {
        for (i = 0; i < b->n; i++) {
            sc_bconn *e = b->v[i];
            /* pass 0: brokers from metadata; pass 1: anything */
            if (pass == 0 && e->node_id < 0)
                continue;
            if (!e->conn)
                continue;
            if (sn_conn_get_state(e->conn) == SN_CONN_READY) {
                size_t p = sn_conn_pending(e->conn);
                if (p < best_pending) {
                    best = e->conn;
                    best_pending = p;
                }
            } else if (sn_conn_get_state(e->conn) != SN_CONN_DOWN) {
                connecting = true;
            }
        }
    }
    if (best || connecting)
        return best;
    /* nothing ready or on its way: start the next candidate, brokers and
     * bootstrap addresses in turn (when every known broker is gone, the
     * bootstrap list finds the cluster again, as KIP-899's rebootstrap) */
    for (i = 0; i < b->n; i++) {
        sc_bconn *e = b->v[(b->rr + i) % b->n];
        if (known && e->node_id >= 0 && !sc_md_broker(&b->c->md, e->node_id))
            continue;
        b->rr = (unsigned)((b->rr + i + 1) % b->n);
        if (entry_conn(b, e) == 0)
            sn_conn_connect(e->conn);
        break;
    }
    return NULL;
}

int32_t sc_brokers_node_of(const sc_brokers *b, const sn_conn *conn)
{
    size_t i;

    for (i = 0; i < b->n; i++)
        if (b->v[i]->conn == conn)
            return b->v[i]->node_id;
    return -1000;
}

int sc_brokers_last_error(const sc_brokers *b, const char **errstr)
{
    *errstr = b->last_errstr;
    return b->last_err;
}
