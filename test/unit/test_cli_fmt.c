/*
 * test/unit/test_cli_fmt.c - the samsa tool's output formatter
 * (tools/samsa/fmt.c): base64 known answers (RFC 4648 section 10), the
 * UTF-8 check that decides between "value" and "value_base64", JSON string
 * escaping, -f format strings and --json message objects.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "../../tools/samsa/fmt.c"

typedef struct membuf {
    FILE *f;
    char *buf;
    size_t len;
} membuf;

static void mb_open(membuf *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    assert_non_null(m->f);
}

static const char *mb_close(membuf *m)
{
    fclose(m->f);
    return m->buf;
}

static void test_base64(void **state)
{
    static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
    static const char *const want[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==",
                                        "Zm9vYmE=", "Zm9vYmFy" };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof in / sizeof in[0]; i++) {
        membuf m;
        mb_open(&m);
        fmt_base64(m.f, in[i], strlen(in[i]));
        assert_string_equal(mb_close(&m), want[i]);
        free(m.buf);
    }
}

static void test_utf8(void **state)
{
    (void)state;
    assert_true(fmt_utf8_valid((const unsigned char *)"", 0));
    assert_true(fmt_utf8_valid((const unsigned char *)"plain ascii", 11));
    assert_true(fmt_utf8_valid((const unsigned char *)"a\0b", 3));
    assert_true(fmt_utf8_valid((const unsigned char *)"\xc3\xa9", 2));         /* é */
    assert_true(fmt_utf8_valid((const unsigned char *)"\xe2\x82\xac", 3));     /* € */
    assert_true(fmt_utf8_valid((const unsigned char *)"\xf0\x9f\x98\x80", 4)); /* emoji */
    assert_true(fmt_utf8_valid((const unsigned char *)"\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
    assert_false(fmt_utf8_valid((const unsigned char *)"\xff", 1));
    assert_false(fmt_utf8_valid((const unsigned char *)"\xc3", 1));            /* cut short */
    assert_false(fmt_utf8_valid((const unsigned char *)"\xe2\x82", 2));
    assert_false(fmt_utf8_valid((const unsigned char *)"\xc0\xaf", 2));        /* overlong */
    assert_false(fmt_utf8_valid((const unsigned char *)"\xe0\x80\xaf", 3));    /* overlong */
    assert_false(fmt_utf8_valid((const unsigned char *)"\xed\xa0\x80", 3));    /* surrogate */
    assert_false(fmt_utf8_valid((const unsigned char *)"\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(fmt_utf8_valid((const unsigned char *)"\x80", 1));            /* lone continuation */
    assert_false(fmt_utf8_valid((const unsigned char *)"\xc3\x28", 2));
}

static void test_json_str(void **state)
{
    membuf m;

    (void)state;
    mb_open(&m);
    fmt_json_str(m.f, "a\"b\\c\n\t\x01\x7f\0z", 11);
    assert_string_equal(mb_close(&m), "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\\u0000z\"");
    free(m.buf);

    mb_open(&m);
    fmt_json_bytes_member(m.f, "key", NULL, 0);
    fputc(' ', m.f);
    fmt_json_bytes_member(m.f, "value", "\xff\xfe", 2);
    fputc(' ', m.f);
    fmt_json_bytes_member(m.f, "value", "\xc3\xa9", 2);
    assert_string_equal(mb_close(&m), "\"key\":null \"value_base64\":\"//4=\" \"value\":\"\xc3\xa9\"");
    free(m.buf);
}

static samsa_message msg(void)
{
    samsa_message m;

    memset(&m, 0, sizeof m);
    m.topic = "orders";
    m.partition = 2;
    m.offset = 41;
    m.key = "k1";
    m.key_len = 2;
    m.value = "hello";
    m.value_len = 5;
    m.timestamp_ms = 1700000000123;
    m.timestamp_type = SAMSA_TIMESTAMP_CREATE_TIME;
    m.errstr = "";
    return m;
}

static void test_format(void **state)
{
    samsa_message m = msg();
    membuf b;
    char bad = 0;

    (void)state;
    assert_int_equal(fmt_check("%t %p %o %k %K %s %S %h %T %%", &bad), 0);
    assert_int_equal(fmt_check("%s %x", &bad), -1);
    assert_int_equal(bad, 'x');
    assert_int_equal(fmt_check("trailing %", &bad), -1);

    mb_open(&b);
    fmt_message(b.f, "%t|%p|%o|%k|%K|%s|%S|%T|%%|\\t|\\n", &m);
    assert_string_equal(mb_close(&b), "orders|2|41|k1|2|hello|5|1700000000123|%|\t|\n");
    free(b.buf);

    m.key = NULL;
    m.key_len = 0;
    m.value = NULL;
    m.value_len = 0;
    mb_open(&b);
    fmt_message(b.f, "[%k][%K][%s][%S]", &m);
    assert_string_equal(mb_close(&b), "[][-1][][-1]");
    free(b.buf);
}

static void test_json_message(void **state)
{
    samsa_message m = msg();
    membuf b;

    (void)state;
    mb_open(&b);
    fmt_json_message(b.f, &m);
    assert_string_equal(mb_close(&b),
        "{\"topic\":\"orders\",\"partition\":2,\"offset\":41,\"timestamp\":1700000000123,"
        "\"timestamp_type\":\"create\",\"key\":\"k1\",\"value\":\"hello\",\"headers\":[]}\n");
    free(b.buf);

    m.key = NULL;
    m.value = "\x00\xff";
    m.value_len = 2;
    m.timestamp_type = SAMSA_TIMESTAMP_LOG_APPEND_TIME;
    mb_open(&b);
    fmt_json_message(b.f, &m);
    assert_string_equal(mb_close(&b),
        "{\"topic\":\"orders\",\"partition\":2,\"offset\":41,\"timestamp\":1700000000123,"
        "\"timestamp_type\":\"log_append\",\"key\":null,\"value_base64\":\"AP8=\",\"headers\":[]}\n");
    free(b.buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_json_str),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_json_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
