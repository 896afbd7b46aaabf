/* protocol/version.c - see samsa/version.h. */
#include "samsa/version.h"

#ifndef SAMSA_VERSION_STRING
#define SAMSA_VERSION_STRING "0.1.0"
#endif

const char *samsa_version(void)
{
    return SAMSA_VERSION_STRING;
}


const char *samsa_features(void)
{
    static const char features[] =
#if SAMSA_WITH_ZLIB
        "gzip "
#endif
#if SAMSA_WITH_SNAPPY
        "snappy "
#endif
#if SAMSA_WITH_LZ4
        "lz4 "
#endif
#if SAMSA_WITH_ZSTD
        "zstd "
#endif
#if SAMSA_WITH_SSL
        "ssl scram "
#endif
#if SAMSA_WITH_SASL
        "sasl-gssapi "
#endif
        "";
    return features;
}
