/*
 * Assignors against the Java client's own (kafka-clients of the broker under
 * test, through test/integration/interop/AssignorCheck.java): random groups
 * with static and dynamic members, member ids that sort differently in
 * UTF-16 than in UTF-8, different subscriptions. range and roundrobin must
 * give exactly Java's answer (a mixed group agrees whoever leads).
 * cooperative-sticky plans differ by design; there the test checks that
 * Java's answers obey the rule samsa's tests check (nobody is given a
 * partition another member still holds) and reports both sides' totals.
 *
 * Needs javac and SAMSA_TEST_KAFKA_LIBS (kafka.sh env exports it); no
 * broker. SAMSA_TEST_VERBOSE=1 prints each group where Java gives away a
 * held partition.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "samsa_test.h"
#include "assignor.h"
#include "samsa/error.h"

#define NGROUPS 300
#define MAXM 9
#define MAXT 5
#define MAXP 9

typedef struct group {
    int nm, nt, kind, stale_decided, may_be_stale;
    char ids[MAXM][40], inst[MAXM][24];
    sp_str subs[MAXM][MAXT];
    int nsubs[MAXM];
    sc_assign_tp owned[MAXM][MAXT * MAXP];
    int nowned[MAXM];
    int32_t gen[MAXM];
    char tnames[MAXT][16];
    sc_assign_topic topics[MAXT];
    sc_assign_member members[MAXM];
} group;

static const char *kinds[3] = { "range", "roundrobin", "cooperative-sticky" };
static char dir[64];

static sp_str S(const char *s)
{
    sp_str r = { s, (int32_t)strlen(s) };
    return r;
}

static unsigned rnd(unsigned *seed, unsigned n)
{
    return (unsigned)rand_r(seed) % n;
}

static bool subscribed(const group *g, int i, int t)
{
    int k;

    for (k = 0; k < g->nsubs[i]; k++)
        if (g->subs[i][k].ptr == g->tnames[t])
            return true;
    return false;
}

/* Claims as real members send them (ConsumerProtocolSubscription v2+): the
 * current members (generation 1) own a previous assignment, one owner per
 * partition, on topics they subscribe to; stale members (generation 0)
 * claim partitions on their topics that current members may also claim,
 * but no two stale members claim the same one. */
static void make_claims(group *g, unsigned *seed)
{
    int t, p, i, cand[MAXM], n;

    for (t = 0; t < g->nt; t++)
        for (p = 0; p < g->topics[t].partitions; p++) {
            for (n = 0, i = 0; i < g->nm; i++)
                if (g->gen[i] == 1 && subscribed(g, i, t))
                    cand[n++] = i;
            if (n && rnd(seed, 3)) {
                i = cand[rnd(seed, (unsigned)n)];
                g->owned[i][g->nowned[i]].topic = g->topics[t].name;
                g->owned[i][g->nowned[i]++].partition = p;
            }
            for (n = 0, i = 0; i < g->nm; i++)
                if (g->gen[i] == 0 && subscribed(g, i, t))
                    cand[n++] = i;
            if (n && rnd(seed, 2)) {
                i = cand[rnd(seed, (unsigned)n)];
                g->owned[i][g->nowned[i]].topic = g->topics[t].name;
                g->owned[i][g->nowned[i]++].partition = p;
            }
        }
    for (i = 0; i < g->nm; i++)
        g->members[i].nowned = (size_t)g->nowned[i];
}

/* Half the cooperative groups may hold stale members; decided once per group. */
static bool seed_half(group *g, unsigned *seed)
{
    if (!g->stale_decided) {
        g->stale_decided = 1;
        g->may_be_stale = rnd(seed, 2) == 0;
    }
    return g->may_be_stale;
}

static void make_group(group *g, unsigned *seed, int kind)
{
    /* prefixes whose UTF-16 order differs from their byte order */
    static const char *pre[] = { "m", "M", "consumer-", "\xc3\xa9", "\xee\x80\x80",
                                  "\xf0\x9d\x84\x9e", "z" };
    int i, t;

    memset(g, 0, sizeof *g);
    g->kind = kind;
    g->nm = 1 + (int)rnd(seed, MAXM);
    g->nt = 1 + (int)rnd(seed, MAXT);
    for (t = 0; t < g->nt; t++) {
        snprintf(g->tnames[t], sizeof g->tnames[t], "t%d", t);
        g->topics[t].name = S(g->tnames[t]);
        g->topics[t].partitions = (int32_t)rnd(seed, MAXP + 1);
    }
    for (i = 0; i < g->nm; i++) {
        sc_assign_member *m = &g->members[i];
        snprintf(g->ids[i], sizeof g->ids[i], "%s%u-%d", pre[rnd(seed, 7)], rnd(seed, 100), i);
        m->member_id = S(g->ids[i]);
        m->group_instance_id.len = -1;
        if (rnd(seed, 3) == 0) {
            snprintf(g->inst[i], sizeof g->inst[i], "%sinst%u", pre[rnd(seed, 7)], rnd(seed, 50) * 10 + (unsigned)i);
            m->group_instance_id = S(g->inst[i]);
        }
        m->rack.len = -1;
        for (t = 0; t < g->nt; t++)
            if (rnd(seed, 3))
                g->subs[i][g->nsubs[i]++] = g->topics[t].name;
        if (!g->nsubs[i])
            g->subs[i][g->nsubs[i]++] = g->topics[rnd(seed, (unsigned)g->nt)].name;
        m->topics = g->subs[i];
        m->ntopics = (size_t)g->nsubs[i];
        /* generation 0: a stale member (in every other group only) */
        g->gen[i] = kind != 2 ? -1 : (seed_half(g, seed) && rnd(seed, 4) == 0) ? 0 : 1;
        m->owned = g->owned[i];
        m->nowned = (size_t)g->nowned[i];
        m->generation = g->gen[i];
    }
    if (kind == 2)
        make_claims(g, seed);
}

static void write_group(FILE *f, const group *g)
{
    int i, t, k;

    fprintf(f, "group %s %d %d\n", kinds[g->kind], g->nt, g->nm);
    for (t = 0; t < g->nt; t++)
        fprintf(f, "topic %s %d\n", g->tnames[t], (int)g->topics[t].partitions);
    for (i = 0; i < g->nm; i++) {
        const sc_assign_member *m = &g->members[i];
        fprintf(f, "member %s %s ", g->ids[i], m->group_instance_id.len >= 0 ? g->inst[i] : "-");
        if (g->kind == 2 && g->gen[i] >= 0)
            fprintf(f, "%d", (int)g->gen[i]);
        else
            fputc('-', f);
        fprintf(f, " %d", g->nsubs[i]);
        for (t = 0; t < g->nsubs[i]; t++)
            fprintf(f, " %.*s", (int)g->subs[i][t].len, g->subs[i][t].ptr);
        fprintf(f, " %d", g->nowned[i]);
        for (k = 0; k < g->nowned[i]; k++)
            fprintf(f, " %.*s:%d", (int)g->owned[i][k].topic.len, g->owned[i][k].topic.ptr,
                    (int)g->owned[i][k].partition);
        fputc('\n', f);
    }
}

static void render(const group *g, int i, const sc_assign_share *sh, char *buf, size_t cap)
{
    size_t k, n = (size_t)snprintf(buf, cap, "result %s", g->ids[i]);

    for (k = 0; k < sh->nparts; k++)
        n += (size_t)snprintf(buf + n, cap - n, " %.*s:%d", (int)sh->parts[k].topic.len,
                              sh->parts[k].topic.ptr, (int)sh->parts[k].partition);
}

/* Java's line for a cooperative group: no partition given to a member while
 * another member is its (unique, highest-generation) holder. */
static int java_double_holders(const group *g, int i, const char *line)
{
    const char *p = strchr(line + 7, ' ');
    int bad = 0;

    while (p && *p == ' ') {
        int t, part, j, k, holder = -1, nbest = 0;
        int64_t best = INT64_MIN;
        char topic[16];
        if (sscanf(p + 1, "%15[^:]:%d", topic, &part) != 2)
            break;
        for (t = 0; t < g->nt && strcmp(g->tnames[t], topic); t++)
            ;
        for (j = 0; j < g->nm; j++)
            for (k = 0; k < g->nowned[j]; k++)
                if (g->owned[j][k].topic.ptr == g->tnames[t] && g->owned[j][k].partition == part) {
                    if (g->gen[j] > best)
                        best = g->gen[j], holder = j, nbest = 1;
                    else if (g->gen[j] == best && holder != j)
                        nbest++;
                    break;
                }
        if (holder >= 0 && (holder != i || nbest > 1)) {
            bad++;
            if (getenv("SAMSA_TEST_VERBOSE"))
                fprintf(stderr, "viol: %s:%d to %s holder %s nbest %d gen %lld\n", topic, part,
                        g->ids[i], g->ids[holder], nbest, (long long)best);
        }
        p = strchr(p + 1, ' ');
    }
    return bad;
}

/* Next answer line, skipping whatever the Java client logs to stdout. */
static char *answer_line(char *line, size_t cap, FILE *f)
{
    while (fgets(line, (int)cap, f))
        if (!strncmp(line, "result ", 7) || !strncmp(line, "error ", 6) || !strcmp(line, "end\n"))
            return line;
    return NULL;
}

static void test_against_java(void **state)
{
    const char *libs = st_require_env("SAMSA_TEST_KAFKA_LIBS");
    static group groups[3 * NGROUPS];
    char in[128], out[128], cmd[1024], line[4096], mine[4096];
    unsigned seed = 20241123;
    long exact = 0, java_assigned = 0, samsa_assigned = 0, java_bad = 0, java_errors = 0;
    long stale_bad = 0;
    FILE *f;
    int gi, i;
    (void)state;

    if (system("command -v javac >/dev/null 2>&1") != 0 ||
        access("test/integration/interop/AssignorCheck.java", R_OK) != 0) {
        print_message("# no javac or Java source: skipped\n");
        skip();
    }
    strcpy(dir, "/tmp/samsa-hlogic-java-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "javac -cp '%s/*' -d '%s' test/integration/interop/AssignorCheck.java",
             libs, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(in, sizeof in, "%s/groups.txt", dir);
    snprintf(out, sizeof out, "%s/answers.txt", dir);
    f = fopen(in, "w");
    assert_non_null(f);
    for (gi = 0; gi < 3 * NGROUPS; gi++) {
        make_group(&groups[gi], &seed, gi % 3);
        write_group(f, &groups[gi]);
    }
    fclose(f);
    snprintf(cmd, sizeof cmd, "java -Xmx256m -cp '%s/*:%s' AssignorCheck < '%s' > '%s' 2>'%s/err.txt'",
             libs, dir, in, out, dir);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "grep -v SLF4J '%s/err.txt' | head -20 >&2", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "# no error output\n");
        fail_msg("the Java assignors failed");
    }

    f = fopen(out, "r");
    assert_non_null(f);
    for (gi = 0; gi < 3 * NGROUPS; gi++) {
        group *g = &groups[gi];
        sc_assign_input input = { g->members, (size_t)g->nm, g->topics, (size_t)g->nt };
        sc_assign_result r;
        int err = g->kind == 0 ? sc_assign_range(NULL, &input, &r)
                : g->kind == 1 ? sc_assign_roundrobin(NULL, &input, &r)
                               : sc_assign_cooperative_sticky(NULL, &input, &r);
        assert_int_equal(err, 0);
        for (i = 0; i < g->nm; i++) {
            assert_non_null(answer_line(line, sizeof line, f));
            if (strncmp(line, "error ", 6) == 0) { /* Java threw on this group */
                assert_int_equal(g->kind, 2);
                if (!java_errors++)
                    print_message("# Java: %s", line + 6);
                break;
            }
            line[strcspn(line, "\n")] = 0;
            render(g, i, &r.shares[i], mine, sizeof mine);
            if (g->kind < 2) {
                if (strcmp(line, mine) != 0) {
                    print_error("group %d (%s): java '%s' samsa '%s'\n", gi, kinds[g->kind], line, mine);
                    fail();
                }
                exact++;
            } else {
                const char *p;
                {
                    int b = java_double_holders(g, i, line);
                    if (b && getenv("SAMSA_TEST_VERBOSE")) {
                        write_group(stderr, g);
                        fprintf(stderr, "java: %s\nsamsa: %s\n", line, mine);
                    }
                    if (g->may_be_stale)
                        stale_bad += b;
                    else
                        java_bad += b;
                }
                for (p = line; (p = strchr(p, ':')) != NULL; p++)
                    java_assigned++;
                samsa_assigned += (long)r.shares[i].nparts;
            }
        }
        assert_non_null(answer_line(line, sizeof line, f));
        assert_string_equal(line, "end\n");
        sc_assign_result_free(&r);
    }
    fclose(f);
    print_message("range+roundrobin: %ld member answers identical to Java's\n", exact);
    print_message("cooperative-sticky, %d groups: Java threw on %ld; Java assigned %ld "
                  "partitions, samsa %ld (it withholds more); partitions Java gives away while "
                  "another member holds them: %ld in groups with stale members (Java trusts "
                  "stale claims), %ld elsewhere\n",
                  NGROUPS, java_errors, java_assigned, samsa_assigned, stale_bad, java_bad);
    assert_int_equal(java_bad, 0);
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    if (dir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "# could not remove %s\n", dir);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_java),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
