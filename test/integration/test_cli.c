/*
 * test/integration/test_cli.c - the samsa command line tool and the
 * examples, driven as a user would: through /bin/sh, checking exit codes,
 * stdout and stderr.
 *
 * The binaries are found next to this test's build directory
 * (BUILD/samsa and BUILD/examples/NAME, where this test lives in
 * BUILD[-asan]/test/integration), or through SAMSA_CLI / SAMSA_EXAMPLES.
 * Usage and configuration errors run without a broker; everything else
 * needs SAMSA_TEST_BOOTSTRAP and uses topics and groups named hcli-<pid>-*.
 * --json output is checked by python3's json module.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "samsa_test.h"

static char cli_path[PATH_MAX + 16];
static char cli[PATH_MAX + 32]; /* "timeout 120 " + cli_path */
static char exdir[PATH_MAX];
static char tmpdir[PATH_MAX];
static char topic[128], group[128];

typedef struct run_result {
    int code;
    char *out; /* NUL-terminated, malloc'd */
    char *err;
} run_result;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return strdup("");
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    n = (long)fread(buf, 1, (size_t)n, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static run_result vrun(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static run_result vrun(const char *fmt, va_list ap)
{
    char cmd[8192], full[8192 + 2 * PATH_MAX + 64], outp[PATH_MAX + 8], errp[PATH_MAX + 8];
    run_result r;
    int st;

    vsnprintf(cmd, sizeof cmd, fmt, ap);
    snprintf(outp, sizeof outp, "%s/out", tmpdir);
    snprintf(errp, sizeof errp, "%s/err", tmpdir);
    snprintf(full, sizeof full, "( %s ) >%s 2>%s", cmd, outp, errp);
    st = system(full);
    r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    r.out = slurp(outp);
    r.err = slurp(errp);
    if (getenv("SAMSA_TEST_VERBOSE"))
        fprintf(stderr, "$ %s\n-> %d\n%s%s", cmd, r.code, r.out, r.err);
    return r;
}

/* Run a shell command line (printf-style) with stdout and stderr captured. */
static run_result run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static run_result run(const char *fmt, ...)
{
    run_result r;
    va_list ap;

    va_start(ap, fmt);
    r = vrun(fmt, ap);
    va_end(ap);
    return r;
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

static void vcheck(int code, const char *out_has, const char *err_has, const char *out_is,
                   const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void vcheck(int code, const char *out_has, const char *err_has, const char *out_is,
                   const char *fmt, va_list ap)
{
    run_result r = vrun(fmt, ap);

    assert_int_equal(r.code, code);
    if (out_has)
        assert_non_null(strstr(r.out, out_has));
    if (err_has)
        assert_non_null(strstr(r.err, err_has));
    if (out_is)
        assert_string_equal(r.out, out_is);
    run_free(&r);
}

/* Run the command line and check its exit code and that stdout has
 * out_has and stderr err_has (each NULL: not checked). */
static void check(int code, const char *out_has, const char *err_has, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void check(int code, const char *out_has, const char *err_has, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vcheck(code, out_has, err_has, NULL, fmt, ap);
    va_end(ap);
}

/* Run a command line ending in a python3 check: exit 0 and stdout "ok". */
static void check_py(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void check_py(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vcheck(0, NULL, NULL, "ok\n", fmt, ap);
    va_end(ap);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static int setup(void **state)
{
    char self[PATH_MAX], *p;
    ssize_t n;

    (void)state;
    n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    /* BUILD[-asan]/test/integration/test_cli -> BUILD */
    for (int i = 0; i < 3; i++) {
        p = strrchr(self, '/');
        assert_non_null(p);
        *p = '\0';
    }
    n = (ssize_t)strlen(self);
    if (n > 5 && !strcmp(self + n - 5, "-asan"))
        self[n - 5] = '\0';
    snprintf(cli_path, sizeof cli_path, "%s/samsa", self);
    snprintf(exdir, sizeof exdir, "%s/examples", self);
    if (getenv("SAMSA_CLI"))
        snprintf(cli_path, sizeof cli_path, "%s", getenv("SAMSA_CLI"));
    if (getenv("SAMSA_EXAMPLES"))
        snprintf(exdir, sizeof exdir, "%s", getenv("SAMSA_EXAMPLES"));
    snprintf(tmpdir, sizeof tmpdir, "/tmp/samsa-test-cli-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    snprintf(topic, sizeof topic, "hcli-%d-cli", (int)getpid());
    snprintf(group, sizeof group, "hcli-%d-group", (int)getpid());
    if (access(cli_path, X_OK) != 0) {
        fprintf(stderr, "test_cli: %s not found (make tools)\n", cli_path);
        return -1;
    }
    /* a hung command fails its test instead of the whole binary's budget */
    snprintf(cli, sizeof cli, "timeout 120 %s", cli_path);
    return 0;
}

static int teardown(void **state)
{
    char cmd[PATH_MAX + 16];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ------------------------------------------------------ no broker needed */

static void test_usage_errors(void **state)
{
    run_result r;

    (void)state;
    check(2, NULL, "usage: samsa", "%s", cli);

    r = run("%s -Z", cli);
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "unknown option -Z"));
    assert_non_null(strstr(r.err, "usage: samsa"));
    run_free(&r);

    check(2, NULL, "--no-such-flag", "%s --no-such-flag -L", cli);

    check(2, NULL, "-t TOPIC", "%s -C", cli);

    check(2, NULL, NULL, "%s -L -P -t x", cli);

    check(2, NULL, "%q", "%s -C -t x -f '%%q'", cli);

    check(0, "usage: samsa", NULL, "%s -h", cli);

    check(0, "samsa ", NULL, "%s -V", cli);
}

static void test_bad_property(void **state)
{
    run_result r;

    (void)state;
    r = run("%s -b 127.0.0.1:1 -X no.such.property=1 -L", cli);
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "no.such.property"));
    assert_int_equal(count_lines(r.err), 1);
    run_free(&r);

    check(2, NULL, "linger.ms", "%s -b 127.0.0.1:1 -X linger.ms=soon -L", cli);

    check(2, NULL, "name=value", "%s -b 127.0.0.1:1 -X linger.ms -L", cli);

    check(2, NULL, "compression.type", "%s -b 127.0.0.1:1 -P -t x -z lzma", cli);

    check(0, "bootstrap.servers", NULL, "%s -X list", cli);
}

static void test_runtime_failure(void **state)
{
    run_result r;

    (void)state;
    /* nothing listens there: a one-line failure, exit 1 */
    r = run("%s -b 127.0.0.1:1 -m 1500 -L", cli);
    assert_int_equal(r.code, 1);
    assert_int_equal(count_lines(r.err), 1);
    assert_non_null(strstr(r.err, "samsa: "));
    run_free(&r);
}

/* ------------------------------------------------------ against the broker */

static void test_round_trip(void **state)
{
    const char *b = st_require_env("SAMSA_TEST_BOOTSTRAP");
    run_result r;

    (void)state;
    check(0, NULL, NULL, "%s -b %s create-topic %s --partitions 3", cli, b, topic);

    r = run("%s -b %s -L -t %s", cli, b, topic);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, topic));
    assert_non_null(strstr(r.out, "partition 2, leader"));
    assert_non_null(strstr(r.out, "isrs:"));
    run_free(&r);

    check_py("%s -b %s -L -J | python3 -c 'import json,sys; d=json.load(sys.stdin);"
             " t=[x for x in d[\"topics\"] if x[\"name\"]==\"%s\"][0];"
             " assert len(t[\"partitions\"])==3 and d[\"brokers\"]; print(\"ok\")'",
             cli, b, topic);

    /* 300 keyed lines with two headers, one of them binary-free */
    check(0, NULL, "produced 300",
          "seq 1 300 | sed 's/^/key-/;s/$/:value/' | sed 's/^\\(key-[0-9]*\\):/\\1:v-\\1-/'"
          " | %s -b %s -P -t %s -K : -H origin=test -H n=1 -v", cli, b, topic);

    /* a value that is not UTF-8 goes out as base64 in JSON */
    check(0, NULL, NULL, "printf 'bin\\001:\\377\\376raw\\n' | %s -b %s -P -t %s -p 0 -K :",
                         cli, b, topic);

    check_py("%s -b %s -C -t %s -e -J -q | python3 -c '"
             "import json,sys,base64\n"
             "ms=[json.loads(l) for l in sys.stdin]\n"
             "assert len(ms)==301, len(ms)\n"
             "txt=[m for m in ms if \"value\" in m]\n"
             "assert len(txt)==300\n"
             "for m in txt:\n"
             "    assert m[\"value\"].startswith(\"v-\"+m[\"key\"]), m\n"
             "    assert m[\"headers\"]==[{\"name\":\"origin\",\"value\":\"test\"},{\"name\":\"n\",\"value\":\"1\"}], m\n"
             "b=[m for m in ms if \"value_base64\" in m][0]\n"
             "assert base64.b64decode(b[\"value_base64\"])==b\"\\xff\\xferaw\", b\n"
             "assert b[\"key\"]==\"bin\\x01\" and b[\"partition\"]==0\n"
             "assert len(set((m[\"partition\"],m[\"offset\"]) for m in ms))==301\n"
             "print(\"ok\")'", cli, b, topic);

    /* -f format, -c count, -p partition */
    r = run("%s -b %s -C -t %s -p 0 -o beginning -c 1 -f '%%t|%%p|%%o|%%K|%%S\\n'",
            cli, b, topic);
    assert_int_equal(r.code, 0);
    {
        char want[200];
        snprintf(want, sizeof want, "%s|0|0|", topic);
        assert_memory_equal(r.out, want, strlen(want));
    }
    assert_int_equal(count_lines(r.out), 1);
    run_free(&r);

    /* -o -N: the last 2 of partition 0 */
    r = run("%s -b %s -C -t %s -p 0 -o -2 -e -f '%%o\\n'", cli, b, topic);
    assert_int_equal(r.code, 0);
    assert_int_equal(count_lines(r.out), 2);
    run_free(&r);

    /* -Q: ends of every partition add up to what was produced */
    check_py("%s -b %s -Q -t %s:0:-1 -t %s:1:-1 -t %s:2:-1 -J | python3 -c '"
             "import json,sys\n"
             "q=[json.loads(l) for l in sys.stdin]\n"
             "assert sum(x[\"offset\"] for x in q)==301, q\n"
             "print(\"ok\")'", cli, b, topic, topic, topic);

    /* -Q by time: timestamp 0 is the first offset */
    check(0, "offset 0 ", NULL, "%s -b %s -Q -t %s:0:0", cli, b, topic);

    /* unknown topic: runtime failure, one line */
    r = run("%s -b %s -m 3000 -C -t hcli-no-such-topic-%d -e", cli, b, (int)getpid());
    assert_int_equal(r.code, 1);
    assert_int_equal(count_lines(r.err), 1);
    run_free(&r);
}

static void test_group(void **state)
{
    const char *b = st_require_env("SAMSA_TEST_BOOTSTRAP");
    run_result r;

    (void)state;
    r = run("%s -b %s -G %s %s -o beginning -e -q | wc -l", cli, b, group, topic);
    assert_int_equal(r.code, 0);
    assert_int_equal(atoi(r.out), 301);
    run_free(&r);

    r = run("%s -b %s list-groups", cli, b);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, group));
    run_free(&r);

    check_py("%s -b %s describe-group %s -J | python3 -c '"
             "import json,sys\n"
             "d=json.load(sys.stdin)\n"
             "assert d[\"group\"]==\"%s\" and d[\"protocol_type\"]==\"consumer\", d\n"
             "o=d[\"offsets\"]\n"
             "assert len(o)==3 and sum(x[\"committed\"] for x in o)==301, o\n"
             "assert all(x[\"lag\"]==0 for x in o), o\n"
             "print(\"ok\")'", cli, b, group, group);

    check(0, "LAG", NULL, "%s -b %s describe-group %s", cli, b, group);
}

static void test_examples(void **state)
{
    const char *b = st_require_env("SAMSA_TEST_BOOTSTRAP");
    char ent[160], out[160];
    run_result r;

    (void)state;
    snprintf(ent, sizeof ent, "%s-ent", topic);
    snprintf(out, sizeof out, "%s-out", topic);
    check(0, NULL, NULL, "%s -b %s create-topic %s --partitions 3 -q && "
                         "%s -b %s create-topic %s --partitions 2 -q", cli, b, ent, cli, b, out);

    r = run("timeout 120 %s/entity_producer %s %s 50 2 4", exdir, b, ent);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "produced 100 delivered 100 failed 0"));
    assert_non_null(strstr(r.out, "delivered update 99 to "));
    run_free(&r);

    /* queue consumer: seq%10==3 retried once, seq%25==7 dead-lettered */
    check(0, "processed 96 retried 10 dead-lettered 4 ", NULL,
          "timeout 120 %s/queue_consumer %s %s %s-queue 2", exdir, b, ent, group);
    check_py("%s -b %s -C -t %s.dlq -e -J -q | python3 -c '"
             "import json,sys\n"
             "ms=[json.loads(l) for l in sys.stdin]\n"
             "assert len(ms)==4, len(ms)\n"
             "seqs=sorted(json.loads(m[\"value\"])[\"seq\"] for m in ms)\n"
             "assert seqs==[7,32,57,82], seqs\n"
             "for m in ms:\n"
             "    h={x[\"name\"]:x[\"value\"] for x in m[\"headers\"]}\n"
             "    assert h[\"dlq-original-topic\"]==\"%s\" and h[\"dlq-attempts\"]==\"1\", h\n"
             "    assert h[\"dlq-error\"].startswith(\"permanent\") and \"traceparent\" in h, h\n"
             "print(\"ok\")'", cli, b, ent, ent);

    check(0, "consumed 100\n", NULL, "timeout 120 %s/poll_consumer %s %s 5 </dev/null",
          exdir, b, ent);

    check(0, "produced 1000 delivered 1000 failed 0", NULL,
          "timeout 120 %s/background_producer %s %s 500 2", exdir, b, ent);

    check(0, "processed 1100 failed 0", NULL,
          "timeout 120 %s/pipeline %s %s %s 2 %s-pipe", exdir, b, ent, out, group);

    check_py("%s -b %s -C -t %s -e -J -q | python3 -c '"
             "import json,sys\n"
             "ms=[json.loads(l) for l in sys.stdin]\n"
             "assert len(ms)==1100, len(ms)\n"
             "for m in ms:\n"
             "    h={x[\"name\"]:x[\"value\"] for x in m[\"headers\"]}\n"
             "    assert h[\"pipeline-stage\"]==\"uppercase\" and h[\"pipeline-source\"].startswith(\"%s/\"), m\n"
             "    assert m[\"value\"]==m[\"value\"].upper()\n"
             "    t=h[\"traceparent\"].split(\"-\")\n"
             "    assert len(t)==4 and t[0]==\"00\" and len(t[1])==32 and len(t[2])==16, h\n"
             "print(\"ok\")'", cli, b, out, ent);

    /* an input traceparent is carried: same trace id, a new span id */
    r = run("%s -b %s create-topic %s-tp --partitions 1 -q && "
            "echo k:v | %s -b %s -P -t %s-tp -K: -q "
            "-H traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01 && "
            "timeout 120 %s/pipeline %s %s-tp %s-tp 2",
            cli, b, ent, cli, b, ent, exdir, b, ent, out);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "processed 1 failed 0"));
    assert_non_null(strstr(r.out, " traceparent 00-0af7651916cd43dd8448eb211c80319c-"));
    run_free(&r);
    check_py("%s -b %s -C -t %s-tp -e -J -q | python3 -c '"
             "import json,sys\n"
             "ms=[json.loads(l) for l in sys.stdin]\n"
             "assert len(ms)==1, len(ms)\n"
             "h={x[\"name\"]:x[\"value\"] for x in ms[0][\"headers\"]}\n"
             "t=h[\"traceparent\"].split(\"-\")\n"
             "assert t[1]==\"0af7651916cd43dd8448eb211c80319c\" and t[3]==\"01\", h\n"
             "assert len(t[2])==16 and t[2]!=\"b7ad6b7169203331\", h\n"
             "assert ms[0][\"value\"]==\"V\", ms\n"
             "print(\"ok\")'", cli, b, out);
    check(0, NULL, NULL, "%s -b %s delete-topic %s-tp -q && %s -b %s delete-topic %s-tp -q",
                         cli, b, ent, cli, b, out);

    check(0, NULL, NULL, "%s -b %s delete-topic %s -q && %s -b %s delete-topic %s -q && "
                         "%s -b %s delete-topic %s.dlq -q", cli, b, ent, cli, b, out, cli, b, ent);
}

static void test_delete_topic(void **state)
{
    const char *b = st_require_env("SAMSA_TEST_BOOTSTRAP");

    (void)state;
    check(0, NULL, NULL, "%s -b %s delete-topic %s", cli, b, topic);
    check(1, NULL, "UNKNOWN_TOPIC_OR_PARTITION", "%s -b %s delete-topic %s", cli, b, topic);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_bad_property),
        cmocka_unit_test(test_runtime_failure),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_group),
        cmocka_unit_test(test_examples),
        cmocka_unit_test(test_delete_topic),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
