/*
 * samsa/version.h - library version and build features.
 */
#ifndef SAMSA_VERSION_H
#define SAMSA_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

#define SAMSA_VERSION_MAJOR 0
#define SAMSA_VERSION_MINOR 1
#define SAMSA_VERSION_PATCH 0

/* "0.1.0"; a static string. */
const char *samsa_version(void);

/* Space-separated list of the features compiled in, e.g. "gzip snappy lz4
 * zstd ssl sasl-gssapi"; empty for a minimal build. A static string. */
const char *samsa_features(void);

#ifdef __cplusplus
}
#endif
#endif
