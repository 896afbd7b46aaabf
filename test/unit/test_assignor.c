/*
 * Assignors: known answers from the Java client's documentation, member
 * ordering as Java sorts it, errors and caps, allocation faults, and
 * properties over seeded random groups (one owner per partition, balance,
 * stickiness, KIP-429's never-two-holders rule and its convergence).
 */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "assignor.h"
#include "samsa/error.h"

static sp_str S(const char *s)
{
    sp_str r = { s, s ? (int32_t)strlen(s) : -1 };
    return r;
}

/* "t0-0 t0-1 t1-0" style rendering of one share */
static void render(const sc_assign_share *sh, char *buf, size_t cap)
{
    size_t i, n = 0;

    buf[0] = 0;
    for (i = 0; i < sh->nparts; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%.*s-%d", i ? " " : "",
                              (int)sh->parts[i].topic.len, sh->parts[i].topic.ptr,
                              (int)sh->parts[i].partition);
}

static void expect_share(const sc_assign_result *r, size_t m, const char *want)
{
    char buf[512];

    render(&r->shares[m], buf, sizeof buf);
    assert_string_equal(buf, want);
}

/* ---------------------------------------------------------------- known answers */

static const sp_str both[2] = { { "t0", 2 }, { "t1", 2 } };

static void test_range_java_example(void **state)
{
    sc_assign_member m[2] = {
        { .member_id = { "C1", 2 }, .group_instance_id = { NULL, -1 }, .topics = both, .ntopics = 2 },
        { .member_id = { "C0", 2 }, .group_instance_id = { NULL, -1 }, .topics = both, .ntopics = 2 },
    };
    sc_assign_topic t[2] = { { { "t1", 2 }, 3 }, { { "t0", 2 }, 3 } };
    sc_assign_input in = { m, 2, t, 2 };
    sc_assign_result r;
    (void)state;

    assert_int_equal(sc_assign_range(NULL, &in, &r), 0);
    expect_share(&r, 1, "t0-0 t0-1 t1-0 t1-1");
    expect_share(&r, 0, "t0-2 t1-2");
    assert_int_equal(r.assigned, 6);
    sc_assign_result_free(&r);
}

static void test_roundrobin_java_example(void **state)
{
    sc_assign_member m[2] = {
        { .member_id = { "C0", 2 }, .group_instance_id = { NULL, -1 }, .topics = both, .ntopics = 2 },
        { .member_id = { "C1", 2 }, .group_instance_id = { NULL, -1 }, .topics = both, .ntopics = 2 },
    };
    sc_assign_topic t[2] = { { { "t0", 2 }, 3 }, { { "t1", 2 }, 3 } };
    sc_assign_input in = { m, 2, t, 2 };
    sc_assign_result r;
    (void)state;

    assert_int_equal(sc_assign_roundrobin(NULL, &in, &r), 0);
    expect_share(&r, 0, "t0-0 t0-2 t1-1");
    expect_share(&r, 1, "t0-1 t1-0 t1-2");
    sc_assign_result_free(&r);
}

/* RoundRobinAssignor javadoc: C0 subscribes t0; C1 t0,t1; C2 t0,t1,t2;
 * t0, t1, t2 have 1, 2, 3 partitions. */
static void test_roundrobin_java_uneven(void **state)
{
    static const sp_str s0[] = { { "t0", 2 } };
    static const sp_str s1[] = { { "t0", 2 }, { "t1", 2 } };
    static const sp_str s2[] = { { "t2", 2 }, { "t1", 2 }, { "t0", 2 }, { "t0", 2 }, { "nope", 4 } };
    sc_assign_member m[3] = {
        { .member_id = { "C2", 2 }, .group_instance_id = { NULL, -1 }, .topics = s2, .ntopics = 5 },
        { .member_id = { "C0", 2 }, .group_instance_id = { NULL, -1 }, .topics = s0, .ntopics = 1 },
        { .member_id = { "C1", 2 }, .group_instance_id = { NULL, -1 }, .topics = s1, .ntopics = 2 },
    };
    sc_assign_topic t[3] = { { { "t0", 2 }, 1 }, { { "t1", 2 }, 2 }, { { "t2", 2 }, 3 } };
    sc_assign_input in = { m, 3, t, 3 };
    sc_assign_result r;
    (void)state;

    assert_int_equal(sc_assign_roundrobin(NULL, &in, &r), 0);
    expect_share(&r, 1, "t0-0");
    expect_share(&r, 2, "t1-0");
    expect_share(&r, 0, "t1-1 t2-0 t2-1 t2-2");
    sc_assign_result_free(&r);

    /* range on the same group: per topic, subscribers in order */
    assert_int_equal(sc_assign_range(NULL, &in, &r), 0);
    expect_share(&r, 1, "t0-0");
    expect_share(&r, 2, "t1-0");
    expect_share(&r, 0, "t1-1 t2-0 t2-1 t2-2");
    sc_assign_result_free(&r);
}

/* Static members sort first (by instance id), then dynamic by member id:
 * the first in that order gets range's extra partition. */
static void test_member_order(void **state)
{
    static const sp_str s[] = { { "t", 1 } };
    sc_assign_member m[3] = {
        { .member_id = { "a", 1 }, .group_instance_id = { NULL, -1 }, .topics = s, .ntopics = 1 },
        { .member_id = { "z", 1 }, .group_instance_id = { "inst-2", 6 }, .topics = s, .ntopics = 1 },
        { .member_id = { "y", 1 }, .group_instance_id = { "inst-1", 6 }, .topics = s, .ntopics = 1 },
    };
    sc_assign_topic t[1] = { { { "t", 1 }, 5 } };
    sc_assign_input in = { m, 3, t, 1 };
    sc_assign_result r;
    (void)state;

    assert_int_equal(sc_assign_range(NULL, &in, &r), 0);
    expect_share(&r, 2, "t-0 t-1");
    expect_share(&r, 1, "t-2 t-3");
    expect_share(&r, 0, "t-4");
    sc_assign_result_free(&r);
}

static void test_java_strcmp(void **state)
{
    sp_str e000 = { "\xee\x80\x80", 3 }, sup = { "\xf0\x90\x80\x80", 4 };
    sp_str bad1 = { "\xff", 1 }, bad2 = { "\xfe", 1 }, fffd = { "\xef\xbf\xbd", 3 };
    (void)state;

    /* Java: "\uE000".compareTo("\uD800\uDC00") > 0, though UTF-8 bytes say < */
    assert_true(sc_java_strcmp(e000, sup) > 0);
    assert_true(sc_java_strcmp(sup, e000) < 0);
    assert_true(sc_java_strcmp(S("abc"), S("abd")) < 0);
    assert_true(sc_java_strcmp(S("ab"), S("abc")) < 0);
    assert_true(sc_java_strcmp(S("B"), S("a")) < 0);
    assert_int_equal(sc_java_strcmp(S("same"), S("same")), 0);
    assert_int_equal(sc_java_strcmp(S(""), S("")), 0);
    /* invalid bytes read as U+FFFD, ties broken by bytes: a total order */
    assert_true(sc_java_strcmp(bad1, bad2) > 0);
    assert_true(sc_java_strcmp(bad2, fffd) > 0);
    assert_true(sc_java_strcmp(fffd, bad2) < 0);
    assert_true(sc_java_strcmp(S("\xc0\x80"), S("a")) > 0); /* overlong */
    assert_true(sc_java_strcmp(S("\xed\xa0\x80"), S("z")) > 0); /* surrogate */
    assert_true(sc_java_strcmp(S("\xe0\x80"), S("z")) > 0); /* cut short */
}

static void test_lookup(void **state)
{
    const sc_assignor *list[4], *a;
    const char *bad;
    size_t n, badlen;
    (void)state;

    a = sc_assignor_find("range", 5);
    assert_non_null(a);
    assert_ptr_equal(a->assign, sc_assign_range);
    assert_ptr_equal(sc_assignor_find("org.apache.kafka.clients.consumer.RangeAssignor", 47), a);
    a = sc_assignor_find("cooperative-sticky", 18);
    assert_non_null(a);
    assert_true(a->protocols & SC_REBALANCE_COOPERATIVE);
    assert_ptr_equal(sc_assignor_find(
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor", 59), a);
    assert_ptr_equal(sc_assignor_find("org.apache.kafka.clients.consumer.RoundRobinAssignor",
                                      52)->assign, sc_assign_roundrobin);
    assert_ptr_equal(sc_assignor_find("sticky", 6)->assign, sc_assign_sticky);
    assert_null(sc_assignor_find("Range", 5));
    assert_null(sc_assignor_find("rangex", 5 + 1));
    assert_null(sc_assignor_find("rang", 4));
    assert_null(sc_assignor_find(NULL, 0));

    assert_int_equal(sc_assignor_parse_list(" range ,cooperative-sticky,, range", list, 4,
                                            &n, &bad, &badlen), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0]->name, "range");
    assert_string_equal(list[1]->name, "cooperative-sticky");
    assert_int_equal(sc_assignor_parse_list("roundrobin, bogus ,range", list, 4, &n, &bad,
                                            &badlen), SAMSA_ERR_NOT_FOUND);
    assert_int_equal(badlen, 5);
    assert_memory_equal(bad, "bogus", 5);
    assert_int_equal(sc_assignor_parse_list(" , ", list, 4, &n, NULL, NULL),
                     SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sc_assignor_parse_list("range,sticky", list, 1, &n, NULL, NULL),
                     SAMSA_ERR_LIMIT);
}

static void test_errors(void **state)
{
    static const sp_str s[] = { { "t", 1 } };
    sc_assign_member m[2] = {
        { .member_id = { "a", 1 }, .group_instance_id = { NULL, -1 }, .topics = s, .ntopics = 1 },
        { .member_id = { "a", 1 }, .group_instance_id = { "i", 1 }, .topics = s, .ntopics = 1 },
    };
    sc_assign_topic t[2] = { { { "t", 1 }, 5 }, { { "u", 1 }, 5 } };
    sc_assign_input in = { m, 2, t, 2 };
    sc_assign_result r;
    (void)state;

    assert_int_equal(sc_assign_range(NULL, &in, &r), SAMSA_ERR_INVALID_ARG);
    assert_null(r.shares);
    m[1].member_id = S("b");
    t[1].name = S("t");
    assert_int_equal(sc_assign_sticky(NULL, &in, &r), SAMSA_ERR_INVALID_ARG);
    t[1].name = S("u");
    t[1].partitions = -1;
    assert_int_equal(sc_assign_roundrobin(NULL, &in, &r), SAMSA_ERR_INVALID_ARG);
    t[1].partitions = (int32_t)SC_ASSIGN_MAX_PARTITIONS;
    assert_int_equal(sc_assign_roundrobin(NULL, &in, &r), SAMSA_ERR_LIMIT);
    t[1].partitions = 0;
    m[0].member_id.len = -1;
    assert_int_equal(sc_assign_cooperative_sticky(NULL, &in, &r), SAMSA_ERR_INVALID_ARG);
    m[0].member_id = S("a");
    in.nmembers = SC_ASSIGN_MAX_MEMBERS + 1;
    assert_int_equal(sc_assign_range(NULL, &in, &r), SAMSA_ERR_LIMIT);
    in.nmembers = 2;
    in.ntopics = SC_ASSIGN_MAX_TOPICS + 1;
    assert_int_equal(sc_assign_range(NULL, &in, &r), SAMSA_ERR_LIMIT);
    in.ntopics = 2;
    m[1].nowned = SC_ASSIGN_MAX_LIST + 1;
    m[1].owned = (const sc_assign_tp *)s;
    assert_int_equal(sc_assign_sticky(NULL, &in, &r), SAMSA_ERR_LIMIT);
    m[1].nowned = 0;
    assert_int_equal(sc_assign_range(NULL, NULL, &r), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sc_assign_range(NULL, &in, NULL), SAMSA_ERR_INVALID_ARG);
    /* and it still works after all that; empty groups too */
    assert_int_equal(sc_assign_range(NULL, &in, &r), 0);
    assert_int_equal(r.assigned, 5);
    sc_assign_result_free(&r);
    in.nmembers = 0;
    assert_int_equal(sc_assign_cooperative_sticky(NULL, &in, &r), 0);
    assert_int_equal(r.assigned, 0);
    sc_assign_result_free(&r);
    sc_assign_result_free(NULL);
}

/* ---------------------------------------------------------------- random groups */

#define MAXM 9
#define MAXT 5
#define MAXP 9

typedef struct group {
    int nm, nt;
    char ids[MAXM][24];
    bool alive[MAXM];
    sp_str subs[MAXM][MAXT];
    int nsubs[MAXM];
    sc_assign_tp owned[MAXM][MAXT * MAXP * 2];
    int nowned[MAXM];
    int32_t gen[MAXM];
    char tnames[MAXT][16];
    sc_assign_topic topics[MAXT];
    sc_assign_member members[MAXM];
    int map[MAXM]; /* members[] slot -> group member */
} group;

static unsigned rnd(unsigned *seed, unsigned n)
{
    return (unsigned)rand_r(seed) % n;
}

static void group_random(group *g, unsigned *seed, bool equal_subs)
{
    int i, t;

    memset(g, 0, sizeof *g);
    g->nm = 1 + (int)rnd(seed, MAXM);
    g->nt = 1 + (int)rnd(seed, MAXT);
    for (t = 0; t < g->nt; t++) {
        snprintf(g->tnames[t], sizeof g->tnames[t], "t%d", t);
        g->topics[t].name = S(g->tnames[t]);
        g->topics[t].partitions = (int32_t)rnd(seed, MAXP + 1);
    }
    for (i = 0; i < g->nm; i++) {
        snprintf(g->ids[i], sizeof g->ids[i], "m%d", (int)rnd(seed, 1000) * 10 + i);
        g->alive[i] = true;
        for (t = 0; t < g->nt; t++)
            if (equal_subs || rnd(seed, 2))
                g->subs[i][g->nsubs[i]++] = g->topics[t].name;
        if (!g->nsubs[i])
            g->subs[i][g->nsubs[i]++] = g->topics[rnd(seed, (unsigned)g->nt)].name;
    }
}

/* Random claims: partitions (some nonexistent), duplicates across members,
 * stale generations, topics the member does not subscribe to. */
static void claims_random(group *g, unsigned *seed)
{
    int i, k;

    for (i = 0; i < g->nm; i++) {
        g->nowned[i] = (int)rnd(seed, 8);
        g->gen[i] = (int32_t)rnd(seed, 3) - 1;
        for (k = 0; k < g->nowned[i]; k++) {
            g->owned[i][k].topic = g->topics[rnd(seed, (unsigned)g->nt)].name;
            g->owned[i][k].partition = (int32_t)rnd(seed, MAXP + 2) - 1;
        }
    }
}

static sc_assign_input group_input(group *g)
{
    sc_assign_input in;
    int i, n = 0;

    for (i = 0; i < g->nm; i++) {
        sc_assign_member *m;
        if (!g->alive[i])
            continue;
        m = &g->members[n];
        memset(m, 0, sizeof *m);
        m->member_id = S(g->ids[i]);
        m->group_instance_id.len = -1;
        m->rack.len = -1;
        m->topics = g->subs[i];
        m->ntopics = (size_t)g->nsubs[i];
        m->owned = g->owned[i];
        m->nowned = (size_t)g->nowned[i];
        m->generation = g->gen[i];
        g->map[n++] = i;
    }
    in.members = g->members;
    in.nmembers = (size_t)n;
    in.topics = g->topics;
    in.ntopics = (size_t)g->nt;
    return in;
}

static int topic_index(const group *g, sp_str name)
{
    int t;

    for (t = 0; t < g->nt; t++)
        if (name.len == g->topics[t].name.len &&
            memcmp(name.ptr, g->topics[t].name.ptr, (size_t)name.len) == 0)
            return t;
    return -1;
}

static bool subscribes(const group *g, int i, int t)
{
    int k;

    for (k = 0; k < g->nsubs[i]; k++)
        if (topic_index(g, g->subs[i][k]) == t)
            return true;
    return false;
}

/* owner[t][p] = group member or -1; counts per member. Checks every
 * assigned partition exists, goes to a subscriber and appears once. */
static void collect(const group *g, const sc_assign_input *in, const sc_assign_result *r,
                    int owner[MAXT][MAXP], int count[MAXM])
{
    size_t s, k;
    int t, p;

    for (t = 0; t < MAXT; t++)
        for (p = 0; p < MAXP; p++)
            owner[t][p] = -1;
    memset(count, 0, sizeof(int) * MAXM);
    assert_int_equal(r->nmembers, in->nmembers);
    for (s = 0; s < in->nmembers; s++) {
        int i = g->map[s];
        for (k = 0; k < r->shares[s].nparts; k++) {
            const sc_assign_tp *tp = &r->shares[s].parts[k];
            t = topic_index(g, tp->topic);
            assert_true(t >= 0);
            assert_true(tp->partition >= 0 && tp->partition < g->topics[t].partitions);
            assert_int_equal(owner[t][tp->partition], -1);
            assert_true(subscribes(g, i, t));
            owner[t][tp->partition] = i;
            count[i]++;
            if (k) { /* sorted by topic then partition */
                const sc_assign_tp *prev = &r->shares[s].parts[k - 1];
                int pt = topic_index(g, prev->topic);
                assert_true(pt < t || (pt == t && prev->partition < tp->partition));
            }
        }
    }
}

/* Every partition with a subscriber has an owner (eager assignors). */
static void expect_complete(const group *g, int owner[MAXT][MAXP])
{
    int t, p, i;

    for (t = 0; t < g->nt; t++) {
        bool any = false;
        for (i = 0; i < g->nm; i++)
            any |= g->alive[i] && subscribes(g, i, t);
        for (p = 0; p < g->topics[t].partitions; p++)
            assert_true(any ? owner[t][p] >= 0 : owner[t][p] < 0);
    }
}

/* No partition can move to a live subscriber with two fewer. */
static void expect_balanced(const group *g, int owner[MAXT][MAXP], const int count[MAXM])
{
    int t, p, i;

    for (t = 0; t < g->nt; t++)
        for (p = 0; p < g->topics[t].partitions; p++) {
            int a = owner[t][p];
            if (a < 0)
                continue;
            for (i = 0; i < g->nm; i++)
                if (g->alive[i] && subscribes(g, i, t))
                    assert_true(count[a] - count[i] <= 1);
        }
}

/* KIP-429 as the test reads it: a partition given to M while another
 * member claims it must have M as the one claimant at the top generation. */
static void expect_no_double_holder(const group *g, int owner[MAXT][MAXP])
{
    int t, p, i, k;

    for (t = 0; t < g->nt; t++)
        for (p = 0; p < g->topics[t].partitions; p++) {
            int m = owner[t][p], top = -1, ntop = 0;
            int64_t best = INT64_MIN;
            bool other = false;
            if (m < 0)
                continue;
            for (i = 0; i < g->nm; i++) {
                bool claims = false;
                if (!g->alive[i])
                    continue;
                for (k = 0; k < g->nowned[i]; k++)
                    claims |= topic_index(g, g->owned[i][k].topic) == t &&
                              g->owned[i][k].partition == p;
                if (!claims)
                    continue;
                other |= i != m;
                if (g->gen[i] > best)
                    best = g->gen[i], top = i, ntop = 1;
                else if (g->gen[i] == best)
                    ntop++;
            }
            if (other)
                assert_true(top == m && ntop == 1);
        }
}

/* Next round's claims are this round's shares, one generation later. */
static void adopt(group *g, const sc_assign_input *in, const sc_assign_result *r, int32_t gen)
{
    size_t s, k;

    for (s = 0; s < in->nmembers; s++) {
        int i = g->map[s];
        g->nowned[i] = (int)r->shares[s].nparts;
        for (k = 0; k < r->shares[s].nparts; k++)
            g->owned[i][k] = r->shares[s].parts[k];
        g->gen[i] = gen;
    }
}

static void test_random_eager(void **state)
{
    unsigned seed = 7;
    int round;
    (void)state;

    for (round = 0; round < 400; round++) {
        int (*fns[3])(const samsa_allocator *, const sc_assign_input *, sc_assign_result *) = {
            sc_assign_range, sc_assign_roundrobin, sc_assign_sticky
        };
        bool equal = round % 2 == 0;
        int owner[MAXT][MAXP], count[MAXM], f, t, p, i;
        sc_assign_input in;
        group g;

        group_random(&g, &seed, equal);
        if (round % 4 == 1)
            claims_random(&g, &seed);
        in = group_input(&g);
        for (f = 0; f < 3; f++) {
            sc_assign_result r, r2;
            assert_int_equal(fns[f](NULL, &in, &r), 0);
            assert_int_equal(r.withheld, 0);
            collect(&g, &in, &r, owner, count);
            expect_complete(&g, owner);
            if (equal && f > 0) {
                int lo = 1 << 30, hi = 0;
                for (i = 0; i < g.nm; i++)
                    lo = count[i] < lo ? count[i] : lo, hi = count[i] > hi ? count[i] : hi;
                assert_true(hi - lo <= 1);
            }
            if (f == 0) /* range: balanced per topic */
                for (t = 0; t < g.nt; t++) {
                    int c[MAXM] = { 0 }, lo = 1 << 30, hi = 0;
                    for (p = 0; p < g.topics[t].partitions; p++)
                        if (owner[t][p] >= 0)
                            c[owner[t][p]]++;
                    for (i = 0; i < g.nm; i++)
                        if (subscribes(&g, i, t))
                            lo = c[i] < lo ? c[i] : lo, hi = c[i] > hi ? c[i] : hi;
                    assert_true(lo == 1 << 30 || hi - lo <= 1);
                }
            if (f == 2)
                expect_balanced(&g, owner, count);
            /* deterministic: same input, same answer */
            assert_int_equal(fns[f](NULL, &in, &r2), 0);
            assert_int_equal(r.assigned, r2.assigned);
            if (r.assigned)
                assert_memory_equal(r.storage, r2.storage, r.assigned * sizeof *r.storage);
            sc_assign_result_free(&r2);
            sc_assign_result_free(&r);
        }
    }
}

/* Same group in reversed input order: identical shares per member. */
static void test_input_order_irrelevant(void **state)
{
    unsigned seed = 99;
    int round;
    (void)state;

    for (round = 0; round < 100; round++) {
        int (*fns[4])(const samsa_allocator *, const sc_assign_input *, sc_assign_result *) = {
            sc_assign_range, sc_assign_roundrobin, sc_assign_sticky, sc_assign_cooperative_sticky
        };
        sc_assign_member rev[MAXM];
        sc_assign_topic trev[MAXT];
        sc_assign_input in, in2;
        group g;
        size_t k;
        int f;

        group_random(&g, &seed, round % 2);
        claims_random(&g, &seed);
        in = group_input(&g);
        for (k = 0; k < in.nmembers; k++)
            rev[k] = in.members[in.nmembers - 1 - k];
        for (k = 0; k < in.ntopics; k++)
            trev[k] = in.topics[in.ntopics - 1 - k];
        in2 = in;
        in2.members = rev;
        in2.topics = trev;
        for (f = 0; f < 4; f++) {
            sc_assign_result a, b;
            assert_int_equal(fns[f](NULL, &in, &a), 0);
            assert_int_equal(fns[f](NULL, &in2, &b), 0);
            for (k = 0; k < in.nmembers; k++) {
                const sc_assign_share *x = &a.shares[k], *y = &b.shares[in.nmembers - 1 - k];
                size_t j;
                assert_int_equal(x->nparts, y->nparts);
                for (j = 0; j < x->nparts; j++) {
                    assert_true(x->parts[j].topic.ptr == y->parts[j].topic.ptr);
                    assert_int_equal(x->parts[j].partition, y->parts[j].partition);
                }
            }
            sc_assign_result_free(&a);
            sc_assign_result_free(&b);
        }
    }
}

/*
 * Cooperative rounds: start from random claims, then membership changes
 * (a member leaves, one joins). Every round: nobody gets a partition
 * another member still holds; equal subscriptions settle in two rounds;
 * different ones within four; a settled group with no change moves
 * nothing; a surviving member keeps min(what it had, floor(P/N)).
 */
static void test_random_cooperative(void **state)
{
    unsigned seed = 4242;
    int round, max_rounds_seen = 0;
    (void)state;

    for (round = 0; round < 300; round++) {
        bool equal = round % 2 == 0;
        int owner[MAXT][MAXP], count[MAXM], phase;
        int32_t gen = 10;
        group g;

        group_random(&g, &seed, equal);
        claims_random(&g, &seed);
        for (phase = 0; phase < 3; phase++) {
            int r_n, i, total = 0, live = 0;
            int before[MAXT][MAXP];
            sc_assign_input in;
            sc_assign_result r;

            if (phase == 1 && g.nm > 1)
                g.alive[rnd(&seed, (unsigned)g.nm)] = false; /* one leaves */
            if (phase == 2 && g.nm < MAXM) {                  /* one joins */
                i = g.nm++;
                snprintf(g.ids[i], sizeof g.ids[i], "n%d", (int)rnd(&seed, 100));
                g.alive[i] = true;
                g.nsubs[i] = 0;
                for (int t = 0; t < g.nt; t++)
                    if (equal || rnd(&seed, 2))
                        g.subs[i][g.nsubs[i]++] = g.topics[t].name;
                if (!g.nsubs[i])
                    g.subs[i][g.nsubs[i]++] = g.topics[0].name;
                g.nowned[i] = 0;
                g.gen[i] = -1;
            }
            /* what each live member held going in (valid, uncontested) */
            for (int t = 0; t < MAXT; t++)
                for (int p = 0; p < MAXP; p++)
                    before[t][p] = -1;
            if (phase > 0)
                for (i = 0; i < g.nm; i++)
                    for (int k = 0; g.alive[i] && k < g.nowned[i]; k++) {
                        const sc_assign_tp *tp = &g.owned[i][k];
                        before[topic_index(&g, tp->topic)][tp->partition] = i;
                    }
            for (r_n = 1;; r_n++) {
                in = group_input(&g);
                assert_int_equal(sc_assign_cooperative_sticky(NULL, &in, &r), 0);
                collect(&g, &in, &r, owner, count);
                expect_no_double_holder(&g, owner);
                if (r_n == 1 && phase > 0) {
                    /* stickiness: survivors keep up to floor(P/N) */
                    for (i = 0; i < g.nm; i++)
                        live += g.alive[i];
                    for (int t = 0; t < g.nt; t++)
                        total += g.topics[t].partitions;
                    for (i = 0; equal && i < g.nm; i++) {
                        int had = 0, kept = 0;
                        if (!g.alive[i])
                            continue;
                        for (int t = 0; t < g.nt; t++)
                            for (int p = 0; p < g.topics[t].partitions; p++)
                                if (before[t][p] == i) {
                                    had++;
                                    kept += owner[t][p] == i;
                                }
                        assert_true(kept >= (had < total / live ? had : total / live));
                    }
                }
                adopt(&g, &in, &r, ++gen);
                if (r.withheld == 0) {
                    sc_assign_result_free(&r);
                    break;
                }
                sc_assign_result_free(&r);
                assert_true(r_n < (equal && phase > 0 ? 2 : 4));
            }
            max_rounds_seen = r_n > max_rounds_seen ? r_n : max_rounds_seen;
            expect_complete(&g, owner);
            expect_balanced(&g, owner, count);
            /* settled and nothing changed: nothing moves */
            {
                int again[MAXT][MAXP], c2[MAXM];
                in = group_input(&g);
                assert_int_equal(sc_assign_cooperative_sticky(NULL, &in, &r), 0);
                assert_int_equal(r.withheld, 0);
                collect(&g, &in, &r, again, c2);
                assert_memory_equal(again, owner, sizeof again);
                sc_assign_result_free(&r);
            }
        }
    }
    print_message("cooperative: settled within %d rounds at most\n", max_rounds_seen);
}

/* Two members claim the same partition at the same generation: neither
 * keeps it this round; the next round hands it out. A stale claim loses
 * to a newer one. */
static void test_duplicate_claims(void **state)
{
    static const sp_str s[] = { { "t", 1 } };
    sc_assign_tp a_own[] = { { { "t", 1 }, 0 }, { { "t", 1 }, 1 } };
    sc_assign_tp b_own[] = { { { "t", 1 }, 1 }, { { "t", 1 }, 2 } };
    sc_assign_tp c_own[] = { { { "t", 1 }, 2 }, { { "t", 1 }, 3 } };
    sc_assign_member m[3] = {
        { .member_id = { "a", 1 }, .group_instance_id = { NULL, -1 }, .topics = s, .ntopics = 1,
          .owned = a_own, .nowned = 2, .generation = 5 },
        { .member_id = { "b", 1 }, .group_instance_id = { NULL, -1 }, .topics = s, .ntopics = 1,
          .owned = b_own, .nowned = 2, .generation = 5 },
        { .member_id = { "c", 1 }, .group_instance_id = { NULL, -1 }, .topics = s, .ntopics = 1,
          .owned = c_own, .nowned = 2, .generation = 3 },
    };
    sc_assign_topic t[1] = { { { "t", 1 }, 6 } };
    sc_assign_input in = { m, 3, t, 1 };
    sc_assign_result r;
    (void)state;

    assert_int_equal(sc_assign_cooperative_sticky(NULL, &in, &r), 0);
    /* t-1 contested (a, b at gen 5): withheld; t-2: b (gen 5) beats c (gen 3) */
    expect_share(&r, 0, "t-0");
    expect_share(&r, 1, "t-2 t-4");
    expect_share(&r, 2, "t-3 t-5");
    assert_int_equal(r.withheld, 1);
    sc_assign_result_free(&r);
    /* eager sticky gives it out at once */
    assert_int_equal(sc_assign_sticky(NULL, &in, &r), 0);
    assert_int_equal(r.assigned, 6);
    assert_int_equal(r.withheld, 0);
    sc_assign_result_free(&r);
}

static void test_alloc_faults(void **state)
{
    int (*fns[4])(const samsa_allocator *, const sc_assign_input *, sc_assign_result *) = {
        sc_assign_range, sc_assign_roundrobin, sc_assign_sticky, sc_assign_cooperative_sticky
    };
    unsigned seed = 5;
    group g;
    sc_assign_input in;
    int f;
    (void)state;

    group_random(&g, &seed, false);
    g.nm = 3;
    g.nt = 2;
    g.topics[0].partitions = 4;
    g.topics[1].partitions = 3;
    claims_random(&g, &seed);
    in = group_input(&g);
    for (f = 0; f < 4; f++) {
        long n;
        for (n = 1;; n++) {
            st_fail_alloc fa;
            sc_assign_result r;
            int err;
            st_fail_alloc_init(&fa, n);
            err = fns[f](&fa.alloc, &in, &r);
            if (err == 0) {
                assert_true(fa.calls < n);
                assert_true(r.assigned > 0);
                sc_assign_result_free(&r);
                assert_int_equal(fa.live, 0);
                break;
            }
            assert_int_equal(err, SAMSA_ERR_NO_MEMORY);
            assert_null(r.shares);
            assert_int_equal(fa.live, 0);
        }
        assert_true(n > 5);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_range_java_example),
        cmocka_unit_test(test_roundrobin_java_example),
        cmocka_unit_test(test_roundrobin_java_uneven),
        cmocka_unit_test(test_member_order),
        cmocka_unit_test(test_java_strcmp),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_random_eager),
        cmocka_unit_test(test_input_order_irrelevant),
        cmocka_unit_test(test_random_cooperative),
        cmocka_unit_test(test_duplicate_claims),
        cmocka_unit_test(test_alloc_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
