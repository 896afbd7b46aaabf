/* test/support/samsa_test_client.c - see samsa_test_client.h. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa_test_client.h"

static void log_cb(void *opaque, int level, const char *ctx, const char *msg)
{
    (void)opaque;
    fprintf(stderr, "log %d %s: %s\n", level, ctx, msg);
}

static void set_or_fail(samsa_conf *cf, const char *k, const char *v)
{
    char err[256];

    if (samsa_conf_set(cf, k, v, err, sizeof err) != 0)
        fail_msg("conf %s=%s: %s", k, v, err);
}

/* bootstrap.servers and the SAMSA_TEST_DEBUG logging */
static samsa_conf *conf_new(const char *bootstrap)
{
    samsa_conf *cf = samsa_conf_new(NULL);
    const char *debug = st_env("SAMSA_TEST_DEBUG");

    assert_non_null(cf);
    set_or_fail(cf, "bootstrap.servers", bootstrap);
    if (debug) {
        samsa_conf_set_log_cb(cf, log_cb, NULL);
        set_or_fail(cf, "debug", debug);
    }
    return cf;
}

samsa_conf *st_conf_kv(const char *bootstrap, const char *const *kv)
{
    samsa_conf *cf = conf_new(bootstrap);

    for (; kv && kv[0]; kv += 2)
        set_or_fail(cf, kv[0], kv[1]);
    return cf;
}

samsa_client *st_client_of(samsa_conf *cf)
{
    char err[256];
    samsa_client *c = samsa_client_new(cf, err, sizeof err);

    samsa_conf_destroy(cf);
    if (!c)
        fail_msg("client: %s", err);
    return c;
}

samsa_client *st_client_kv(const char *bootstrap, const char *const *kv)
{
    return st_client_of(st_conf_kv(bootstrap, kv));
}

samsa_client *st_client(const char *bootstrap, samsa_delivery_cb *cb, void *cb_opaque, ...)
{
    samsa_conf *cf = conf_new(bootstrap);
    const char *k, *v;
    va_list ap;

    va_start(ap, cb_opaque);
    while ((k = va_arg(ap, const char *)) != NULL) {
        v = va_arg(ap, const char *);
        set_or_fail(cf, k, v);
    }
    va_end(ap);
    if (cb)
        samsa_conf_set_delivery_cb(cf, cb, cb_opaque);
    return st_client_of(cf);
}

void st_unique_name(char *buf, size_t len, const char *prefix, const char *what)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(buf, len, "%s-%s-%d-%ld%03ld", prefix, what, (int)getpid(),
             (long)ts.tv_sec, ts.tv_nsec / 1000000);
}
