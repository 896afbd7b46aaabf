/* protocol/api.c - the API table; see api.h. */
#include "api.h"
#include "samsa/error.h"

#include "msg_api_versions.h"
/* msg headers of each API group are included here, one line per API */
/* @includes: data */
/* @includes: admin-txn */
/* @includes: groups */

#define API(key, name, lo, hi, req, resp) { key, name, lo, hi, req, resp }

/* Sorted by key; sp_api_get relies on it. */
static const sp_api apis[] = {
    /* @apis: one line per API, keep sorted by key */
    API(18, "ApiVersions", 0, 5, &sp_msg_api_versions_req, &sp_msg_api_versions_resp),
};

#define NAPIS (sizeof apis / sizeof apis[0])

const sp_api *sp_api_get(int16_t key)
{
    size_t lo = 0, hi = NAPIS;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (apis[mid].key == key)
            return &apis[mid];
        if (apis[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const sp_api *sp_api_at(size_t i)
{
    return i < NAPIS ? &apis[i] : NULL;
}

int sp_api_pick_version(int16_t key, int16_t broker_min, int16_t broker_max,
                        int16_t *out)
{
    const sp_api *a = sp_api_get(key);
    int16_t lo, hi;

    if (!a)
        return SAMSA_ERR_NOT_SUPPORTED;
    lo = a->vmin > broker_min ? a->vmin : broker_min;
    hi = a->vmax < broker_max ? a->vmax : broker_max;
    if (lo > hi)
        return SAMSA_ERR_NO_COMMON_VERSION;
    *out = hi;
    return 0;
}

int sp_api_request_header_version(int16_t key, int16_t version)
{
    const sp_api *a = sp_api_get(key);

    if (a && a->req && version >= a->req->flex_min)
        return 2;
    return 1;
}

int sp_api_response_header_version(int16_t key, int16_t version)
{
    const sp_api *a = sp_api_get(key);

    if (key == 18) /* ApiVersions answers with header v0 in every version */
        return 0;
    if (a && a->resp && version >= a->resp->flex_min)
        return 1;
    return 0;
}
