/*
 * File-backed offset store: round trips, the exact file format, updates
 * that are all-or-none, a stale temp file, every truncation and every
 * byte flip of a valid file refused cleanly, I/O errors with messages,
 * SIGKILL during saves, and allocation faults.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "offset_store.h"
#include "crc32c.h"
#include "samsa/error.h"

static char dir[64], path[128];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/samsa-offstore-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/offsets", dir);
    return 0;
}

static int teardown(void **state)
{
    char p[160];
    (void)state;
    unlink(path);
    snprintf(p, sizeof p, "%s.tmp", path);
    unlink(p);
    rmdir(dir);
    return 0;
}

static void write_file(const char *p, const void *buf, size_t len)
{
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, buf, len), (ssize_t)len);
    close(fd);
}

static size_t read_file(const char *p, char *buf, size_t cap)
{
    int fd = open(p, O_RDONLY);
    ssize_t n;
    assert_true(fd >= 0);
    n = read(fd, buf, cap - 1);
    close(fd);
    assert_true(n >= 0);
    buf[n] = 0;
    return (size_t)n;
}

static int64_t get(sq_offset_store *st, const char *t, int32_t p)
{
    int64_t off = -1;
    int err = st->ops->load(st->self, t, p, &off);
    return err == SAMSA_ERR_NOT_FOUND ? -2 : err ? -3 : off;
}

static void test_round_trip_and_format(void **state)
{
    sq_offset_entry e[] = {
        { "orders", 1, 100 }, { "orders", 0, 5 }, { "a.b-c_d", 7, 0 }, { "orders", 1, 120 },
    };
    sq_offset_entry e2[] = { { "orders", 0, 9 }, { "new", 3, 33 } };
    sq_offset_store st;
    char buf[512], want[512];
    size_t n;
    (void)state;

    unlink(path);
    assert_int_equal(sq_file_store_open(&st, NULL, path, NULL, 0), 0);
    assert_int_equal(get(&st, "orders", 1), -2);
    assert_int_equal(st.ops->save(st.self, e, 4), 0);
    assert_int_equal(get(&st, "orders", 1), 120); /* later duplicate wins */
    assert_int_equal(get(&st, "orders", 0), 5);
    assert_int_equal(get(&st, "a.b-c_d", 7), 0);
    assert_int_equal(get(&st, "orders", 2), -2);
    assert_string_equal(st.ops->errstr(st.self), "");
    st.ops->close(st.self);

    n = read_file(path, buf, sizeof buf);
    strcpy(want, "samsa-offsets 1\n7 0 a.b-c_d\n0 5 orders\n1 120 orders\n");
    snprintf(want + strlen(want), sizeof want - strlen(want), "end 3 %08x\n",
             (unsigned)sp_crc32c(0, want, strlen(want)));
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));

    assert_int_equal(sq_file_store_open(&st, NULL, path, NULL, 0), 0);
    assert_int_equal(get(&st, "orders", 1), 120);
    assert_int_equal(st.ops->save(st.self, e2, 2), 0);
    assert_int_equal(st.ops->save(st.self, NULL, 0), 0);
    st.ops->close(st.self);
    assert_int_equal(sq_file_store_open(&st, NULL, path, NULL, 0), 0);
    assert_int_equal(get(&st, "orders", 0), 9);
    assert_int_equal(get(&st, "new", 3), 33);
    assert_int_equal(get(&st, "a.b-c_d", 7), 0);
    assert_int_equal(get(&st, "orders", 1), 120);
    st.ops->close(st.self);
}

static void test_invalid_entries_change_nothing(void **state)
{
    sq_offset_entry ok = { "t", 0, 1 };
    sq_offset_entry bad[][2] = {
        { { "t", 0, 50 }, { "has space", 0, 1 } },
        { { "t", 0, 50 }, { "", 0, 1 } },
        { { "t", 0, 50 }, { NULL, 0, 1 } },
        { { "t", 0, 50 }, { "t", -1, 1 } },
        { { "t", 0, 50 }, { "t", 0, -1 } },
        { { "t", 0, 50 }, { "t\n1 2 x", 0, 1 } },
    };
    char longname[300];
    sq_offset_store st;
    size_t i;
    (void)state;

    unlink(path);
    assert_int_equal(sq_file_store_open(&st, NULL, path, NULL, 0), 0);
    assert_int_equal(st.ops->save(st.self, &ok, 1), 0);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(st.ops->save(st.self, bad[i], 2), SAMSA_ERR_INVALID_ARG);
        assert_true(strstr(st.ops->errstr(st.self), "entry 1") != NULL);
        assert_int_equal(get(&st, "t", 0), 1);
    }
    memset(longname, 'x', 250);
    longname[250] = 0;
    assert_false(sq_topic_name_ok(longname));
    longname[249] = 0;
    assert_true(sq_topic_name_ok(longname));
    assert_int_equal(st.ops->load(st.self, NULL, 0, &(int64_t){ 0 }), SAMSA_ERR_INVALID_ARG);
    st.ops->close(st.self);
}

static void test_stale_tmp_ignored(void **state)
{
    sq_offset_entry e = { "t", 2, 77 }, e2 = { "t", 2, 78 };
    sq_offset_store st;
    char tmp[160];
    (void)state;

    unlink(path);
    assert_int_equal(sq_file_store_open(&st, NULL, path, NULL, 0), 0);
    assert_int_equal(st.ops->save(st.self, &e, 1), 0);
    st.ops->close(st.self);
    /* a crash mid-write leaves a partial temp file: the real one is intact */
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    write_file(tmp, "samsa-offsets 1\n2 999 t\n", 24);
    assert_int_equal(sq_file_store_open(&st, NULL, path, NULL, 0), 0);
    assert_int_equal(get(&st, "t", 2), 77);
    assert_int_equal(st.ops->save(st.self, &e2, 1), 0);
    st.ops->close(st.self);
    assert_int_equal(access(tmp, F_OK), -1);
    assert_int_equal(sq_file_store_open(&st, NULL, path, NULL, 0), 0);
    assert_int_equal(get(&st, "t", 2), 78);
    st.ops->close(st.self);
}

/* Every truncation and every single-byte change of a valid file is
 * refused with MALFORMED and a message, never half-loaded. */
static void test_corruption(void **state)
{
    sq_offset_entry e[] = { { "alpha", 0, 10 }, { "alpha", 1, 12345678901LL }, { "beta", 9, 3 } };
    sq_offset_store st;
    char good[256], bad[256], msg[300];
    size_t n, i;
    int v;
    (void)state;

    unlink(path);
    assert_int_equal(sq_file_store_open(&st, NULL, path, NULL, 0), 0);
    assert_int_equal(st.ops->save(st.self, e, 3), 0);
    st.ops->close(st.self);
    n = read_file(path, good, sizeof good);

    for (i = 0; i < n; i++) { /* truncations */
        write_file(path, good, i);
        assert_int_equal(sq_file_store_open(&st, NULL, path, msg, sizeof msg), SAMSA_ERR_MALFORMED);
        assert_true(strstr(msg, "corrupt offset file") != NULL);
        assert_null(st.self);
    }
    for (i = 0; i < n; i++) /* byte flips */
        for (v = -1; v < 256; v += 37) {
            memcpy(bad, good, n);
            if ((unsigned char)bad[i] == v)
                continue;
            bad[i] = v < 0 ? (char)(bad[i] ^ 1) : (char)v; /* ^1: '0'<->'1', 'a'<->'`' */
            write_file(path, bad, n);
            assert_int_equal(sq_file_store_open(&st, NULL, path, msg, sizeof msg),
                             SAMSA_ERR_MALFORMED);
        }
    /* well-formed but wrong: duplicates, order, leading zeros, overflow */
    {
        static const char *bodies[] = {
            "0 1 t\n0 2 t\n", "1 1 t\n0 2 t\n", "01 1 t\n", "0 01 t\n",
            "2147483648 1 t\n", "0 9223372036854775808 t\n", "0 1 t t\n", "0 1\n",
            "+1 1 t\n", "0 -1 t\n", "0 1 \n", "x\n",
        };
        for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
            size_t lines = 0, k;
            n = (size_t)snprintf(bad, sizeof bad, "samsa-offsets 1\n%s", bodies[i]);
            for (k = 16; k < n; k++)
                lines += bad[k] == '\n';
            n += (size_t)snprintf(bad + n, sizeof bad - n, "end %zu %08x\n", lines,
                                  (unsigned)sp_crc32c(0, bad, n));
            write_file(path, bad, n);
            assert_int_equal(sq_file_store_open(&st, NULL, path, msg, sizeof msg),
                             SAMSA_ERR_MALFORMED);
        }
        /* and the same scheme does load a correct one */
        n = (size_t)snprintf(bad, sizeof bad, "samsa-offsets 1\n0 9223372036854775807 t\n");
        n += (size_t)snprintf(bad + n, sizeof bad - n, "end 1 %08x\n",
                              (unsigned)sp_crc32c(0, bad, n));
        write_file(path, bad, n);
        assert_int_equal(sq_file_store_open(&st, NULL, path, NULL, 0), 0);
        assert_int_equal(get(&st, "t", 0), INT64_MAX);
        st.ops->close(st.self);
    }
    unlink(path);
}

static void test_io_errors(void **state)
{
    sq_offset_entry e = { "t", 0, 1 };
    sq_offset_store st;
    char p[200], msg[300];
    int fd;
    (void)state;

    /* directory missing: opening is fine (empty), saving says why not */
    snprintf(p, sizeof p, "%s/missing/offsets", dir);
    assert_int_equal(sq_file_store_open(&st, NULL, p, NULL, 0), 0);
    assert_int_equal(st.ops->save(st.self, &e, 1), SAMSA_ERR_IO);
    assert_true(strstr(st.ops->errstr(st.self), "missing/offsets.tmp") != NULL);
    assert_int_equal(get(&st, "t", 0), -2);
    st.ops->close(st.self);
    /* a directory where the file should be */
    assert_int_equal(sq_file_store_open(&st, NULL, dir, msg, sizeof msg), SAMSA_ERR_IO);
    assert_true(strstr(msg, "not a regular file") != NULL);
    /* over the size cap (sparse, costs nothing) */
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)SQ_FILE_STORE_MAX_BYTES + 1), 0);
    close(fd);
    assert_int_equal(sq_file_store_open(&st, NULL, path, msg, sizeof msg), SAMSA_ERR_LIMIT);
    unlink(path);
    assert_int_equal(sq_file_store_open(&st, NULL, "", msg, sizeof msg), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_file_store_open(&st, NULL, "dir/", NULL, 0), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_file_store_open(&st, NULL, NULL, NULL, 0), SAMSA_ERR_INVALID_ARG);
}

/* A child saves ever larger offsets; SIGKILL at a random moment; the file
 * must load and never go backwards. */
static void test_sigkill_during_saves(void **state)
{
    int64_t last = -1;
    int round;
    unsigned seed = (unsigned)time(NULL);
    (void)state;

    unlink(path);
    for (round = 0; round < 5; round++) {
        sq_offset_store st;
        char msg[300];
        int64_t now;
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            sq_offset_entry e[3] = { { "crash", 0, 0 }, { "crash", 1, 0 }, { "other", 0, 0 } };
            int64_t v = last + 1;
            if (sq_file_store_open(&st, NULL, path, NULL, 0) != 0)
                _exit(2);
            for (;; v++) {
                e[0].offset = e[1].offset = e[2].offset = v;
                if (st.ops->save(st.self, e, 3) != 0)
                    _exit(3);
            }
        }
        usleep(5000 + rand_r(&seed) % 30000);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        assert_int_equal(sq_file_store_open(&st, NULL, path, msg, sizeof msg), 0);
        now = get(&st, "crash", 0);
        if (now >= 0) { /* all three entries move together */
            assert_int_equal(get(&st, "crash", 1), now);
            assert_int_equal(get(&st, "other", 0), now);
            assert_true(now >= last);
            last = now;
        }
        st.ops->close(st.self);
    }
    print_message("sigkill: survived 5 kills, last offset %lld\n", (long long)last);
    unlink(path);
}

static void test_alloc_faults(void **state)
{
    sq_offset_entry e[] = { { "a", 0, 1 }, { "b", 0, 2 }, { "c", 4, 3 } };
    sq_offset_entry e2[] = { { "b", 0, 20 }, { "d", 1, 4 }, { "a", 9, 5 } };
    sq_offset_store st;
    long n;
    (void)state;

    unlink(path);
    assert_int_equal(sq_file_store_open(&st, NULL, path, NULL, 0), 0);
    assert_int_equal(st.ops->save(st.self, e, 3), 0);
    st.ops->close(st.self);
    for (n = 1;; n++) { /* open + load */
        st_fail_alloc fa;
        int err;
        st_fail_alloc_init(&fa, n);
        err = sq_file_store_open(&st, &fa.alloc, path, NULL, 0);
        if (!err) {
            assert_int_equal(get(&st, "c", 4), 3);
            st.ops->close(st.self);
            assert_int_equal(fa.live, 0);
            break;
        }
        assert_int_equal(err, SAMSA_ERR_NO_MEMORY);
        assert_int_equal(fa.live, 0);
    }
    for (n = 1;; n++) { /* save: a failure leaves memory and file as they were */
        st_fail_alloc fa;
        sq_offset_store s2;
        int err;
        st_fail_alloc_init(&fa, 0);
        assert_int_equal(sq_file_store_open(&st, &fa.alloc, path, NULL, 0), 0);
        fa.fail_at = fa.calls + n;
        err = st.ops->save(st.self, e2, 3);
        if (!err) {
            st.ops->close(st.self);
            assert_int_equal(fa.live, 0);
            break;
        }
        assert_int_equal(err, SAMSA_ERR_NO_MEMORY);
        assert_int_equal(get(&st, "b", 0), 2);
        assert_int_equal(get(&st, "d", 1), -2);
        st.ops->close(st.self);
        assert_int_equal(fa.live, 0);
        assert_int_equal(sq_file_store_open(&s2, NULL, path, NULL, 0), 0);
        assert_int_equal(get(&s2, "b", 0), 2);
        s2.ops->close(s2.self);
    }
    assert_true(n > 3);
    assert_int_equal(sq_file_store_open(&st, NULL, path, NULL, 0), 0);
    assert_int_equal(get(&st, "b", 0), 20);
    assert_int_equal(get(&st, "a", 9), 5);
    st.ops->close(st.self);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_format),
        cmocka_unit_test(test_invalid_entries_change_nothing),
        cmocka_unit_test(test_stale_tmp_ignored),
        cmocka_unit_test(test_corruption),
        cmocka_unit_test(test_io_errors),
        cmocka_unit_test(test_sigkill_during_saves),
        cmocka_unit_test(test_alloc_faults),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
