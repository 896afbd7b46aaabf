/*
 * KIP-227 fetch sessions: full then incremental requests, add / alter /
 * forget, topic ids (v13+) and recreated topics, every way back to a full
 * request, sessionless versions, epoch wrap, encoding the built request,
 * and allocation failures leaving the session as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "fetch_session.h"
#include "samsa/error.h"

static sc_fs_part P(const char *topic, int32_t partition, int64_t off)
{
    sc_fs_part p;

    memset(&p, 0, sizeof p);
    p.topic = topic;
    p.partition = partition;
    p.fetch_offset = off;
    p.log_start_offset = -1;
    p.current_leader_epoch = -1;
    p.last_fetched_epoch = -1;
    p.max_bytes = 1048576;
    p.topic_id.b[0] = (uint8_t)topic[0]; /* a distinct id per topic */
    p.topic_id.b[15] = 1;
    return p;
}

/* Response with parts "topic:partition" entries. */
typedef struct resp_buf {
    sp_fetch_resp r;
    sp_fetch_resp_topic t[8];
    sp_fetch_resp_partition p[8][8];
} resp_buf;

static void resp_init(resp_buf *rb, int32_t session_id)
{
    memset(rb, 0, sizeof *rb);
    rb->r.session_id = session_id;
    rb->r.responses.items = rb->t;
}

static void resp_add(resp_buf *rb, const sc_fs_part *p)
{
    int32_t i;
    sp_fetch_resp_topic *t = NULL;

    for (i = 0; i < rb->r.responses.count; i++)
        if (strcmp(rb->t[i].topic.ptr, p->topic) == 0)
            t = &rb->t[i];
    if (!t) {
        t = &rb->t[rb->r.responses.count];
        t->topic = sp_str_of(p->topic);
        t->topic_id = p->topic_id;
        t->partitions.items = rb->p[rb->r.responses.count];
        rb->r.responses.count++;
    }
    t->partitions.items[t->partitions.count].partition_index = p->partition;
    t->partitions.items[t->partitions.count].high_watermark = 10;
    t->partitions.count++;
}

/* Find partition p of topic name in req; NULL when not sent. */
static const sp_fetch_req_partition *sent(const sp_fetch_req *req,
                                          const char *name, int32_t p)
{
    int32_t i, k;

    for (i = 0; i < req->topics.count; i++) {
        const sp_fetch_req_topic *t = &req->topics.items[i];
        if ((size_t)t->topic.len != strlen(name) ||
            memcmp(t->topic.ptr, name, strlen(name)) != 0)
            continue;
        for (k = 0; k < t->partitions.count; k++)
            if (t->partitions.items[k].partition == p)
                return &t->partitions.items[k];
    }
    return NULL;
}

static int32_t nsent(const sp_fetch_req *req)
{
    int32_t i, n = 0;

    for (i = 0; i < req->topics.count; i++)
        n += req->topics.items[i].partitions.count;
    return n;
}

static int32_t nforgotten(const sp_fetch_req *req)
{
    int32_t i, n = 0;

    for (i = 0; i < req->forgotten_topics_data.count; i++)
        n += req->forgotten_topics_data.items[i].partitions.count;
    return n;
}

static int build(sc_fetch_session *fs, int16_t v, const sc_fs_part *parts,
                 int n, sp_fetch_req *req, sp_arena *arena)
{
    int i, rc;

    sc_fs_begin(fs);
    for (i = 0; i < n; i++) {
        rc = sc_fs_want(fs, &parts[i]);
        if (rc)
            return rc;
    }
    memset(req, 0, sizeof *req);
    sp_arena_free(arena);
    return sc_fs_build(fs, v, req, arena);
}

static void test_full_then_incremental(void **state)
{
    sc_fetch_session fs;
    sp_fetch_req req;
    sp_arena arena;
    resp_buf rb;
    sc_fs_part parts[3], extra;
    int16_t v = 12;
    (void)state;

    sc_fs_init(&fs, NULL);
    sp_arena_init(&arena, NULL, 1 << 20);
    parts[0] = P("b", 0, 5);
    parts[1] = P("a", 1, 7);
    parts[2] = P("a", 0, 3);
    assert_int_equal(build(&fs, v, parts, 3, &req, &arena), 0);
    assert_int_equal(req.session_id, 0);
    assert_int_equal(req.session_epoch, 0);
    assert_int_equal(req.topics.count, 2);
    assert_int_equal(nsent(&req), 3);
    assert_int_equal(nforgotten(&req), 0);
    assert_int_equal(sent(&req, "a", 1)->fetch_offset, 7);
    assert_int_equal(sent(&req, "a", 1)->high_watermark, INT64_MAX);
    /* a second build while one is in flight */
    assert_int_equal(build(&fs, v, parts, 3, &req, &arena), SAMSA_ERR_STATE);

    resp_init(&rb, 77);
    resp_add(&rb, &parts[0]);
    resp_add(&rb, &parts[1]);
    resp_add(&rb, &parts[2]);
    assert_int_equal(sc_fs_response(&fs, &rb.r, v), 0);
    assert_int_equal(fs.id, 77);
    assert_int_equal(fs.epoch, 1);
    assert_false(sc_fs_next_is_full(&fs));

    /* nothing changed: an empty incremental request */
    assert_int_equal(build(&fs, v, parts, 3, &req, &arena), 0);
    assert_int_equal(req.session_id, 77);
    assert_int_equal(req.session_epoch, 1);
    assert_int_equal(nsent(&req), 0);
    assert_int_equal(nforgotten(&req), 0);
    resp_init(&rb, 77); /* nothing new: no partitions */
    assert_int_equal(sc_fs_response(&fs, &rb.r, v), 0);
    assert_int_equal(fs.epoch, 2);

    /* a-0 advanced, b-0 got a new leader epoch: altered */
    parts[2].fetch_offset = 30;
    parts[0].current_leader_epoch = 4;
    assert_int_equal(build(&fs, v, parts, 3, &req, &arena), 0);
    assert_int_equal(req.session_epoch, 2);
    assert_int_equal(nsent(&req), 2);
    assert_non_null(sent(&req, "a", 0));
    assert_int_equal(sent(&req, "a", 0)->fetch_offset, 30);
    assert_int_equal(sent(&req, "b", 0)->current_leader_epoch, 4);
    assert_null(sent(&req, "a", 1));
    resp_init(&rb, 77);
    resp_add(&rb, &parts[2]); /* a-1 and b-0 absent: unchanged */
    assert_int_equal(sc_fs_response(&fs, &rb.r, v), 0);
    assert_int_equal(fs.epoch, 3);

    /* b-0 dropped, c-3 added: forgotten and added */
    parts[0] = P("c", 3, 0);
    assert_int_equal(build(&fs, v, parts, 3, &req, &arena), 0);
    assert_int_equal(nsent(&req), 1);
    assert_non_null(sent(&req, "c", 3));
    assert_int_equal(req.forgotten_topics_data.count, 1);
    assert_int_equal(req.forgotten_topics_data.items[0].topic.len, 1);
    assert_memory_equal(req.forgotten_topics_data.items[0].topic.ptr, "b", 1);
    assert_int_equal(req.forgotten_topics_data.items[0].partitions.items[0], 0);
    assert_int_equal(fs.incremental_requests, 3);
    assert_int_equal(fs.full_requests, 1);

    /* the broker answers for b-0, which the session no longer has */
    resp_init(&rb, 77);
    extra = P("b", 0, 0);
    resp_add(&rb, &extra);
    assert_int_equal(sc_fs_response(&fs, &rb.r, v), SAMSA_ERR_PROTOCOL);
    assert_true(sc_fs_next_is_full(&fs));
    assert_int_equal(build(&fs, v, parts, 3, &req, &arena), 0);
    assert_int_equal(req.session_id, 77); /* closes the old one */
    assert_int_equal(req.session_epoch, 0);
    assert_int_equal(nsent(&req), 3);

    sp_arena_free(&arena);
    sc_fs_free(&fs);
}

/* Open a session with parts; returns after a successful full response. */
static void open_session(sc_fetch_session *fs, int16_t v, sc_fs_part *parts,
                         int n, sp_arena *arena, int32_t id)
{
    sp_fetch_req req;
    resp_buf rb;
    int i;

    assert_int_equal(build(fs, v, parts, n, &req, arena), 0);
    assert_int_equal(req.session_epoch, 0);
    resp_init(&rb, id);
    for (i = 0; i < n; i++)
        resp_add(&rb, &parts[i]);
    assert_int_equal(sc_fs_response(fs, &rb.r, v), 0);
}

static void test_resets(void **state)
{
    sc_fetch_session fs;
    sp_fetch_req req;
    sp_arena arena;
    resp_buf rb;
    sc_fs_part parts[2];
    (void)state;

    sc_fs_init(&fs, NULL);
    sp_arena_init(&arena, NULL, 1 << 20);
    parts[0] = P("x", 0, 0);
    parts[1] = P("x", 1, 0);

    /* unknown session id: start over with a brand new session */
    open_session(&fs, 12, parts, 2, &arena, 5);
    assert_int_equal(build(&fs, 12, parts, 2, &req, &arena), 0);
    resp_init(&rb, 0);
    rb.r.error_code = SAMSA_ERR_FETCH_SESSION_ID_NOT_FOUND;
    assert_int_equal(sc_fs_response(&fs, &rb.r, 12), SAMSA_ERR_FETCH_SESSION_ID_NOT_FOUND);
    assert_int_equal(build(&fs, 12, parts, 2, &req, &arena), 0);
    assert_int_equal(req.session_id, 0);
    assert_int_equal(req.session_epoch, 0);
    assert_int_equal(nsent(&req), 2);
    sc_fs_failed(&fs);

    /* bad epoch: full, closing the existing session */
    open_session(&fs, 12, parts, 2, &arena, 6);
    assert_int_equal(build(&fs, 12, parts, 2, &req, &arena), 0);
    resp_init(&rb, 0);
    rb.r.error_code = SAMSA_ERR_INVALID_FETCH_SESSION_EPOCH;
    assert_int_equal(sc_fs_response(&fs, &rb.r, 12), SAMSA_ERR_INVALID_FETCH_SESSION_EPOCH);
    assert_int_equal(build(&fs, 12, parts, 2, &req, &arena), 0);
    assert_int_equal(req.session_id, 6);
    assert_int_equal(req.session_epoch, 0);

    /* a full response that omits a partition is not used */
    resp_init(&rb, 7);
    resp_add(&rb, &parts[0]);
    assert_int_equal(sc_fs_response(&fs, &rb.r, 12), SAMSA_ERR_PROTOCOL);
    assert_int_equal(fs.id, 0);
    /* nor one that names a partition twice */
    assert_int_equal(build(&fs, 12, parts, 2, &req, &arena), 0);
    resp_init(&rb, 7);
    resp_add(&rb, &parts[0]);
    resp_add(&rb, &parts[0]);
    assert_int_equal(sc_fs_response(&fs, &rb.r, 12), SAMSA_ERR_PROTOCOL);

    /* connection lost mid-request */
    open_session(&fs, 12, parts, 2, &arena, 8);
    assert_int_equal(build(&fs, 12, parts, 2, &req, &arena), 0);
    assert_int_equal(req.session_epoch, 1);
    sc_fs_failed(&fs);
    assert_int_equal(build(&fs, 12, parts, 2, &req, &arena), 0);
    assert_int_equal(req.session_id, 8);
    assert_int_equal(req.session_epoch, 0);

    /* throttled empty full response (KIP-219) */
    resp_init(&rb, 0);
    rb.r.throttle_time_ms = 100;
    assert_int_equal(sc_fs_response(&fs, &rb.r, 12), SAMSA_ERR_THROTTLING_QUOTA_EXCEEDED);
    assert_true(sc_fs_next_is_full(&fs));

    /* the broker keeps no session (id 0): full every time */
    open_session(&fs, 12, parts, 2, &arena, 0);
    assert_true(sc_fs_next_is_full(&fs));
    assert_int_equal(build(&fs, 12, parts, 2, &req, &arena), 0);
    assert_int_equal(req.session_epoch, 0);
    assert_int_equal(nsent(&req), 2);
    sc_fs_failed(&fs);

    /* an incremental response carrying another session id */
    open_session(&fs, 12, parts, 2, &arena, 9);
    assert_int_equal(build(&fs, 12, parts, 2, &req, &arena), 0);
    resp_init(&rb, 10);
    assert_int_equal(sc_fs_response(&fs, &rb.r, 12), SAMSA_ERR_PROTOCOL);
    /* a response with nothing in flight */
    assert_int_equal(sc_fs_response(&fs, &rb.r, 12), SAMSA_ERR_STATE);

    /* epoch wraps to 1, never 0 */
    open_session(&fs, 12, parts, 2, &arena, 11);
    fs.epoch = INT32_MAX;
    assert_int_equal(build(&fs, 12, parts, 2, &req, &arena), 0);
    assert_int_equal(req.session_epoch, INT32_MAX);
    resp_init(&rb, 11);
    assert_int_equal(sc_fs_response(&fs, &rb.r, 12), 0);
    assert_int_equal(fs.epoch, 1);

    /* close: epoch -1, then no session */
    assert_int_equal(sc_fs_build_close(&fs, &req), 0);
    assert_int_equal(req.session_id, 11);
    assert_int_equal(req.session_epoch, -1);
    assert_int_equal(req.topics.count, 0);
    assert_int_equal(sc_fs_build_close(&fs, &req), SAMSA_ERR_NOT_FOUND);
    assert_true(fs.resets >= 6);

    sp_arena_free(&arena);
    sc_fs_free(&fs);
}

static void test_sessionless_and_bad_input(void **state)
{
    sc_fetch_session fs;
    sp_fetch_req req;
    sp_arena arena;
    resp_buf rb;
    sc_fs_part parts[2];
    (void)state;

    sc_fs_init(&fs, NULL);
    sp_arena_init(&arena, NULL, 1 << 20);
    parts[0] = P("x", 0, 0);
    parts[1] = P("x", 0, 9); /* the same partition twice */
    assert_int_equal(build(&fs, 12, parts, 2, &req, &arena), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sc_fs_want(&fs, NULL), SAMSA_ERR_INVALID_ARG);

    /* v13 needs topic ids */
    parts[1] = P("y", 0, 0);
    memset(&parts[1].topic_id, 0, sizeof parts[1].topic_id);
    assert_int_equal(build(&fs, 13, parts, 2, &req, &arena), SAMSA_ERR_INVALID_ARG);

    /* v6: no sessions at all */
    assert_int_equal(build(&fs, 6, parts, 2, &req, &arena), 0);
    assert_int_equal(req.session_epoch, -1);
    resp_init(&rb, 0);
    resp_add(&rb, &parts[0]);
    assert_int_equal(sc_fs_response(&fs, &rb.r, 6), 0);
    assert_int_equal(build(&fs, 6, parts, 2, &req, &arena), 0);
    assert_int_equal(req.session_epoch, -1);
    assert_int_equal(nsent(&req), 2);

    sp_arena_free(&arena);
    sc_fs_free(&fs);
}

static void test_topic_ids(void **state)
{
    sc_fetch_session fs;
    sp_fetch_req req;
    sp_arena arena;
    resp_buf rb;
    sc_fs_part parts[3], other;
    const sp_fetch_forgotten_topic *ft;
    (void)state;

    sc_fs_init(&fs, NULL);
    sp_arena_init(&arena, NULL, 1 << 20);
    parts[0] = P("t", 0, 0);
    parts[1] = P("t", 1, 0);
    parts[2] = P("u", 0, 0);
    open_session(&fs, 13, parts, 3, &arena, 21);
    assert_string_equal(sc_fs_topic_by_id(&fs, &parts[2].topic_id), "u");
    other = P("z", 0, 0);
    assert_null(sc_fs_topic_by_id(&fs, &other.topic_id));

    /* response by id: an unknown id is a protocol error */
    assert_int_equal(build(&fs, 13, parts, 3, &req, &arena), 0);
    resp_init(&rb, 21);
    resp_add(&rb, &parts[2]);
    rb.t[0].topic = sp_str_of(NULL); /* v13 responses carry no names */
    assert_int_equal(sc_fs_response(&fs, &rb.r, 13), 0);

    /* topic t recreated: new id; forget the old, add the new */
    parts[0].topic_id.b[1] = 9;
    parts[1].topic_id.b[1] = 9;
    assert_int_equal(build(&fs, 13, parts, 3, &req, &arena), 0);
    assert_int_equal(nsent(&req), 2);
    assert_memory_equal(&req.topics.items[0].topic_id, &parts[0].topic_id, 16);
    assert_int_equal(req.forgotten_topics_data.count, 1);
    ft = &req.forgotten_topics_data.items[0];
    assert_int_equal(ft->partitions.count, 2);
    assert_int_equal(ft->topic_id.b[1], 0);
    resp_init(&rb, 21);
    rb.t[0].topic_id = other.topic_id;
    rb.r.responses.count = 1;
    rb.t[0].partitions.items = rb.p[0];
    rb.t[0].partitions.count = 1;
    assert_int_equal(sc_fs_response(&fs, &rb.r, 13), SAMSA_ERR_PROTOCOL);

    /* switching from ids to names starts a new session */
    open_session(&fs, 13, parts, 3, &arena, 22);
    assert_int_equal(build(&fs, 12, parts, 3, &req, &arena), 0);
    assert_int_equal(req.session_epoch, 0);
    assert_int_equal(nsent(&req), 3);

    sp_arena_free(&arena);
    sc_fs_free(&fs);
}

/* The built request encodes at every version and decodes the same. */
static void test_encodes(void **state)
{
    static const int16_t versions[] = { 4, 7, 11, 12, 13, 16, 17, 18 };
    sc_fetch_session fs;
    sp_fetch_req req, back;
    sp_arena arena, arena2;
    sc_fs_part parts[3];
    size_t i;
    (void)state;

    parts[0] = P("alpha", 0, 100);
    parts[1] = P("alpha", 2, 200);
    parts[2] = P("beta", 1, 300);
    for (i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        sp_writer w;
        int16_t v = versions[i];

        sc_fs_init(&fs, NULL);
        sp_arena_init(&arena, NULL, 1 << 20);
        assert_int_equal(build(&fs, v, parts, 3, &req, &arena), 0);
        req.replica_id = -1;
        req.max_wait_ms = 500;
        req.min_bytes = 1;
        req.max_bytes = 52428800;
        req.isolation_level = 1;
        req.rack_id = sp_str_of("");
        sp_writer_init(&w, NULL, 1 << 20);
        assert_int_equal(sp_schema_encode(&w, &sp_msg_fetch_req, v, &req), 0);
        sp_arena_init(&arena2, NULL, 1 << 20);
        assert_int_equal(sp_schema_decode(&sp_msg_fetch_req, v, &back, &arena2,
                                          w.buf, w.len), 0);
        assert_int_equal(back.topics.count, 2);
        assert_int_equal(back.topics.items[0].partitions.count, 2);
        assert_int_equal(back.topics.items[0].partitions.items[1].fetch_offset, 200);
        assert_int_equal(back.topics.items[1].partitions.items[0].partition, 1);
        if (v >= 7)
            assert_int_equal(back.session_epoch, 0);
        sp_arena_free(&arena2);
        sp_writer_free(&w);
        sp_arena_free(&arena);
        sc_fs_free(&fs);
    }
}

/* Every allocation failure leaves the session as it was, and leaks nothing. */
static void test_allocation_failures(void **state)
{
    long n;
    (void)state;

    for (n = 1;; n++) {
        st_fail_alloc fa;
        sc_fetch_session fs;
        sp_fetch_req req;
        sp_arena arena;
        sc_fs_part parts[4];
        int rc;

        st_fail_alloc_init(&fa, 0);
        sc_fs_init(&fs, &fa.alloc);
        sp_arena_init(&arena, &fa.alloc, 1 << 20);
        parts[0] = P("a", 0, 0);
        parts[1] = P("b", 0, 0);
        open_session(&fs, 12, parts, 2, &arena, 3);
        /* now change: drop a, add c and d, alter b */
        parts[0] = P("c", 0, 0);
        parts[1] = P("b", 0, 50);
        parts[2] = P("d", 4, 0);
        fa.fail_at = fa.calls + n;
        rc = build(&fs, 12, parts, 3, &req, &arena);
        if (rc == 0) {
            assert_int_equal(fs.nparts, 3);
            sp_arena_free(&arena);
            sc_fs_free(&fs);
            assert_int_equal(fa.live, 0);
            break;
        }
        assert_int_equal(rc, SAMSA_ERR_NO_MEMORY);
        assert_int_equal(fs.nparts, 2);
        assert_string_equal(fs.parts[0].topic, "a");
        assert_false(fs.in_flight);
        sp_arena_free(&arena);
        sc_fs_free(&fs);
        assert_int_equal(fa.live, 0);
    }
    assert_true(n > 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_then_incremental),
        cmocka_unit_test(test_resets),
        cmocka_unit_test(test_sessionless_and_bad_input),
        cmocka_unit_test(test_topic_ids),
        cmocka_unit_test(test_encodes),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests_name("fetch_session", tests, NULL, NULL);
}
