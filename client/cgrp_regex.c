/*
 * client/cgrp_regex.c - pattern subscription (samsa_subscribe_pattern,
 * Java's subscribe(Pattern)); see cgrp_int.h.
 *
 * The whole topic name must match (as Java's Pattern.matches), POSIX
 * extended syntax, internal topics (__consumer_offsets, ...) excluded.
 * The cluster's topic list (a Metadata request for all topics, without
 * auto-creation) is matched at subscribe and every metadata.max.age.ms
 * (at least 1 s); what matches becomes the subscription through
 * sc_cg_set_topics, so a new matching topic or a deleted one rejoins the
 * classic group. KIP-848 sends the pattern itself (SubscribedTopicRegex,
 * which the broker matches with RE2 syntax) and uses the listing only to
 * want the matching topics in metadata, so assigned topic ids get names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgrp_int.h"
#include "alloc.h"
#include "arena.h"
#include "brokers.h"
#include "msg_metadata.h"

#define RX_ARENA_MAX (16u << 20)
#define RX_MIN_PERIOD_MS 1000

/* "^(regex)$" compiled into re. */
static int compile(const samsa_allocator *a, regex_t *re, const char *regex,
                   char *why, size_t whylen)
{
    size_t len = strlen(regex);
    char *full = sp_alloc(a, len + 5);
    int rc;

    if (!full)
        return SAMSA_ERR_NO_MEMORY;
    snprintf(full, len + 5, "^(%s)$", regex);
    rc = regcomp(re, full, REG_EXTENDED | REG_NOSUB);
    sp_free(a, full);
    if (rc) {
        if (why)
            regerror(rc, NULL, why, whylen);
        return SAMSA_ERR_INVALID_ARG;
    }
    return 0;
}

int sc_cg_pattern_check(samsa_client *c, const char *regex)
{
    regex_t re;
    char why[128];
    int rc = compile(c->alloc, &re, regex, why, sizeof why);

    if (rc == SAMSA_ERR_INVALID_ARG)
        return sc_client_fail(c, rc, "subscribe: bad pattern %s: %s", regex, why);
    if (rc)
        return sc_client_fail(c, rc, "out of memory");
    regfree(&re);
    return 0;
}

static void list_timer(sn_timer *t)
{
    sc_cg_pattern_list(t->data);
}

void sc_cg_pattern_init(sc_cgrp *cg)
{
    sn_timer_init(&cg->list, cg->c->loop, list_timer, cg);
}

void sc_cg_pattern_clear(sc_cgrp *cg)
{
    sn_timer_stop(&cg->list);
    if (cg->re_set)
        regfree(&cg->re);
    cg->re_set = false;
    sp_free(cg->alloc, cg->pattern);
    cg->pattern = NULL;
}

int sc_cg_set_pattern(sc_cgrp *cg, const char *regex)
{
    char *p;
    regex_t re;
    int rc;

    if (cg->pattern && strcmp(cg->pattern, regex) == 0)
        return 0;
    p = sp_alloc(cg->alloc, strlen(regex) + 1);
    if (!p)
        return SAMSA_ERR_NO_MEMORY;
    strcpy(p, regex);
    rc = compile(cg->alloc, &re, regex, NULL, 0);
    if (rc) {
        sp_free(cg->alloc, p);
        return rc;
    }
    sc_cg_pattern_clear(cg);
    cg->pattern = p;
    cg->re = re;
    cg->re_set = true;
    /* nothing matched yet: the list below fills the subscription */
    rc = sc_cg_set_topics(cg, NULL, 0);
    if (cg->kip848)
        cg->kip848_send_full = true;
    sc_cg_pattern_list(cg);
    return rc;
}

static int list_period(const sc_cgrp *cg)
{
    int64_t ms = sc_conf_int(cg->c->conf, SC_METADATA_MAX_AGE_MS);

    return (int)(ms < RX_MIN_PERIOD_MS ? RX_MIN_PERIOD_MS : ms);
}

static int enc_all(sp_writer *w, int16_t v, const void *arg)
{
    sp_metadata_req req;

    (void)arg;
    memset(&req, 0, sizeof req);
    req.topics.count = -1; /* all topics */
    req.allow_auto_topic_creation = false;
    return sp_schema_encode(w, &sp_msg_metadata_req, v, &req);
}

/* The names in r that match, as a NULL-free array of views copied to
 * NUL-terminated strings in one block. */
static int match_all(sc_cgrp *cg, const sp_metadata_resp *r)
{
    const char **names = NULL;
    char *block = NULL, *q;
    size_t n = 0, bytes = 0;
    int32_t i;
    int rc;

    for (i = 0; i < r->topics.count; i++)
        if (r->topics.items[i].name.len > 0)
            bytes += (size_t)r->topics.items[i].name.len + 1;
    if (r->topics.count > 0) {
        names = sp_calloc(cg->alloc, (size_t)r->topics.count, sizeof *names);
        block = sp_alloc(cg->alloc, bytes + 1);
        if (!names || !block) {
            sp_free(cg->alloc, names);
            sp_free(cg->alloc, block);
            return SAMSA_ERR_NO_MEMORY;
        }
    }
    q = block;
    for (i = 0; i < r->topics.count; i++) {
        const sp_metadata_resp_topic *t = &r->topics.items[i];

        if (t->error_code || t->is_internal || t->name.len <= 0)
            continue;
        memcpy(q, t->name.ptr, (size_t)t->name.len);
        q[t->name.len] = '\0';
        if (regexec(&cg->re, q, 0, NULL, 0) == 0) {
            names[n++] = q;
            q += t->name.len + 1;
        }
    }
    rc = sc_cg_set_topics(cg, names, n);
    if (!rc)
        sc_debug(&cg->c->log, SC_DBG_CGRP, "cgrp",
                 "group %s: pattern %s matches %zu of %d topic(s)",
                 cg->group_id, cg->pattern, n, (int)r->topics.count);
    sp_free(cg->alloc, names);
    sp_free(cg->alloc, block);
    return rc;
}

static void list_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    sc_cg_req *req = opaque;
    sc_cgrp *cg = req->cg;
    sp_metadata_resp r;
    sp_arena arena;

    cg->list_inflight = false;
    if (cg->c->closing || !cg->pattern) {
        sc_cg_req_free(req);
        return; /* closing, or unsubscribed meanwhile */
    }
    memset(&r, 0, sizeof r);
    sp_arena_init(&arena, cg->alloc, RX_ARENA_MAX);
    if (!err)
        err = sp_schema_decode(&sp_msg_metadata_resp, req->version, &r, &arena,
                               body, len);
    sc_cg_req_free(req);
    if (!err && cg->state != CG_FATAL)
        err = match_all(cg, &r);
    sp_arena_free(&arena);
    if (err) {
        sc_debug(&cg->c->log, SC_DBG_CGRP, "cgrp",
                 "group %s: listing topics for the pattern: %s", cg->group_id,
                 samsa_err_name(err));
        sn_timer_start(&cg->list, cg->retry_ms > 0 ? cg->retry_ms : 100);
        return;
    }
    sn_timer_start(&cg->list, list_period(cg));
    sc_cg_run(cg);
}

void sc_cg_pattern_list(sc_cgrp *cg)
{
    sn_conn *conn;
    sc_cg_req *req;

    if (!cg->pattern || cg->list_inflight || cg->state == CG_FATAL)
        return;
    conn = sc_brokers_any_ready(cg->c->brokers);
    req = conn ? sc_cg_req_new(cg) : NULL;
    if (!req || sc_cg_send(cg, conn, SP_METADATA_KEY, enc_all, NULL, 0, list_cb,
                           req) != 0) {
        sc_cg_req_free(req);
        sn_timer_start(&cg->list, conn ? cg->retry_ms : 50);
        return;
    }
    cg->list_inflight = true;
    sn_timer_stop(&cg->list);
}
