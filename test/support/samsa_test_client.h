/*
 * test/support/samsa_test_client.h - client handles and names for the
 * integration tests that use the public API (test_producer.c,
 * test_consumer.c, test_topic_autocreate.c, the failover tests).
 *
 * Everything fails the calling cmocka test on error (a refused setting, a
 * refused handle), from the test's thread. With SAMSA_TEST_DEBUG=<contexts>
 * in the environment every handle made here logs to stderr with
 * debug=<contexts>.
 */
#ifndef SAMSA_TEST_CLIENT_H
#define SAMSA_TEST_CLIENT_H

#include <stddef.h>

#include "samsa.h"

/* A configuration with bootstrap.servers = bootstrap and the name/value
 * pairs of kv (NULL-terminated: { "k1", "v1", "k2", "v2", NULL }; NULL for
 * none). The caller owns it (samsa_conf_destroy, or st_client_of). */
samsa_conf *st_conf_kv(const char *bootstrap, const char *const *kv);

/* The handle made from cf; cf is destroyed here in every case. */
samsa_client *st_client_of(samsa_conf *cf);

/* st_client_of(st_conf_kv(bootstrap, kv)). */
samsa_client *st_client_kv(const char *bootstrap, const char *const *kv);

/* A handle with bootstrap.servers = bootstrap, delivery reports to cb with
 * cb_opaque (cb NULL: none), and the name/value pairs that follow, ended
 * by NULL: st_client(bs, dcb, &s, "linger.ms", "5", NULL). */
samsa_client *st_client(const char *bootstrap, samsa_delivery_cb *cb, void *cb_opaque, ...);

/* "<prefix>-<what>-<pid>-<epoch ms>": a topic or group name no other run
 * on the same broker uses. */
void st_unique_name(char *buf, size_t len, const char *prefix, const char *what);

#endif
