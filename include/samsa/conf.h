/*
 * samsa/conf.h - client configuration by Kafka property names.
 *
 * A samsa_conf holds one value per known property, starting from the
 * defaults (the Java client's, unless the property's doc line says why not;
 * docs/configuration.md lists them all). samsa_conf_set() checks the name,
 * the type and the range at once and refuses a bad value with a message that
 * names the property and what is allowed; nothing is checked later.
 *
 * Ownership: samsa_conf_new() returns a conf the caller owns and frees
 * with samsa_conf_destroy(); a handle created from it takes its own copy.
 * Strings passed in are copied. samsa_conf_get() writes into the caller's
 * buffer. Thread rules: a conf is used by one thread at a time.
 */
#ifndef SAMSA_CONF_H
#define SAMSA_CONF_H

#include <stddef.h>

#include "samsa/alloc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct samsa_conf samsa_conf;

/* NULL allocator = libc. Returns NULL only when out of memory. */
samsa_conf *samsa_conf_new(const samsa_allocator *alloc);
samsa_conf *samsa_conf_dup(const samsa_conf *conf);
void samsa_conf_destroy(samsa_conf *conf);

/*
 * Set property `name` to `value` (its text form: "5", "true", "all",
 * "lz4", "host1:9092,host2:9092"). Returns 0, SAMSA_ERR_UNKNOWN_PROPERTY or
 * SAMSA_ERR_CONFIG with a one-line reason in errbuf (which may be NULL),
 * e.g. "linger.ms: 900001 is out of range (0..900000)". Secrets (passwords)
 * never appear in errbuf.
 */
int samsa_conf_set(samsa_conf *conf, const char *name, const char *value,
                   char *errbuf, size_t errlen);

/* Current value of `name` as text into buf (NUL-terminated, truncated to
 * len). Secrets read back as "[hidden]". 0, SAMSA_ERR_UNKNOWN_PROPERTY. */
int samsa_conf_get(const samsa_conf *conf, const char *name, char *buf,
                   size_t len);

/* Iterate the property table: name, default and one line of doc for the
 * i-th property, or NULL past the end. Strings are static. */
const char *samsa_conf_property(size_t i, const char **default_value,
                                const char **doc);

/* Type ("string", "integer", "boolean", "enum", "list") and allowed values
 * ("0..900000" written into buf, or "a|b|c") of the i-th property; *range
 * is NULL when anything goes. 0, or SAMSA_ERR_INVALID_ARG past the end. */
int samsa_conf_property_info(size_t i, const char **type, const char **range,
                             char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
