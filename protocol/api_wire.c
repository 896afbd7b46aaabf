/* protocol/api_wire.c - version negotiation and header versions from the
 * versions-only expansion of api_list.h; see api.h. Names no schema, so
 * the connection layer does not link every message's tables. */
#include "api.h"
#include "api_list.h"
#include "samsa/error.h"

typedef struct wire_api {
    int16_t key, vmin, vmax, flex;
} wire_api;

#define WIRE(key, name, lo, hi, flex, id) { key, lo, hi, flex },

/* Sorted by key (api_list.h); sp_api_index relies on it. */
static const wire_api wire[] = { SP_API_LIST(WIRE) };

#define NWIRE (sizeof wire / sizeof wire[0])

int sp_api_index(int16_t key)
{
    size_t lo = 0, hi = NWIRE;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (wire[mid].key == key)
            return (int)mid;
        if (wire[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static const wire_api *find(int16_t key)
{
    int i = sp_api_index(key);

    return i < 0 ? NULL : &wire[i];
}

bool sp_api_known(int16_t key)
{
    return find(key) != NULL;
}

int sp_api_pick_version(int16_t key, int16_t broker_min, int16_t broker_max,
                        int16_t *out)
{
    const wire_api *a = find(key);
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
    const wire_api *a = find(key);

    if (a && version >= a->flex)
        return 2;
    return 1;
}

int sp_api_response_header_version(int16_t key, int16_t version)
{
    const wire_api *a = find(key);

    if (key == 18) /* ApiVersions answers with header v0 in every version */
        return 0;
    if (a && version >= a->flex)
        return 1;
    return 0;
}
