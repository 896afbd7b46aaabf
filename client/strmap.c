/* client/strmap.c - see strmap.h. */
#include <string.h>

#include "strmap.h"
#include "alloc.h"
#include "samsa/error.h"

static char tomb_marker;
#define TOMB (&tomb_marker)

static uint32_t hash_of(const char *k, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    while (n--) {
        h ^= (uint8_t)*k++;
        h *= 16777619u;
    }
    return h;
}

void sc_strmap_init(sc_strmap *m, const samsa_allocator *alloc)
{
    memset(m, 0, sizeof *m);
    m->alloc = alloc;
}

void sc_strmap_free(sc_strmap *m)
{
    size_t i;

    for (i = 0; i < m->cap; i++)
        if (m->slots[i].key && m->slots[i].key != TOMB)
            sp_free(m->alloc, m->slots[i].key);
    sp_free(m->alloc, m->slots);
    m->slots = NULL;
    m->cap = m->count = m->used = 0;
}

static sc_strmap_slot *find(const sc_strmap *m, const char *key, size_t len,
                            uint32_t h)
{
    size_t i, mask;

    if (!m->cap)
        return NULL;
    mask = m->cap - 1;
    for (i = h & mask;; i = (i + 1) & mask) {
        sc_strmap_slot *s = &m->slots[i];
        if (!s->key)
            return NULL;
        if (s->key != TOMB && s->hash == h && s->keylen == len &&
            memcmp(s->key, key, len) == 0)
            return s;
    }
}

static int grow(sc_strmap *m)
{
    /* mostly tombstones: rehash at the same size, which drops them */
    size_t ncap = !m->cap ? 16 : m->count * 2 < m->cap ? m->cap : m->cap * 2, i;
    sc_strmap_slot *ns = sp_calloc(m->alloc, ncap, sizeof *ns);

    if (!ns)
        return SAMSA_ERR_NO_MEMORY;
    for (i = 0; i < m->cap; i++) {
        sc_strmap_slot *s = &m->slots[i];
        size_t j;
        if (!s->key || s->key == TOMB)
            continue;
        for (j = s->hash & (ncap - 1); ns[j].key; j = (j + 1) & (ncap - 1))
            ;
        ns[j] = *s;
    }
    sp_free(m->alloc, m->slots);
    m->slots = ns;
    m->cap = ncap;
    m->used = m->count;
    return 0;
}

int sc_strmap_put(sc_strmap *m, const char *key, size_t len, void *value)
{
    uint32_t h = hash_of(key, len);
    sc_strmap_slot *s = find(m, key, len, h);
    size_t i, mask;
    char *k;

    if (s) {
        s->value = value;
        return 0;
    }
    if ((m->used + 1) * 4 > m->cap * 3 && grow(m) != 0)
        return SAMSA_ERR_NO_MEMORY;
    k = sp_alloc(m->alloc, len + 1);
    if (!k)
        return SAMSA_ERR_NO_MEMORY;
    memcpy(k, key, len);
    k[len] = '\0';
    mask = m->cap - 1;
    for (i = h & mask; m->slots[i].key && m->slots[i].key != TOMB; i = (i + 1) & mask)
        ;
    if (!m->slots[i].key)
        m->used++;
    m->slots[i].key = k;
    m->slots[i].keylen = len;
    m->slots[i].hash = h;
    m->slots[i].value = value;
    m->count++;
    return 0;
}

void *sc_strmap_get(const sc_strmap *m, const char *key, size_t len)
{
    sc_strmap_slot *s = find(m, key, len, hash_of(key, len));
    return s ? s->value : NULL;
}

void *sc_strmap_del(sc_strmap *m, const char *key, size_t len)
{
    sc_strmap_slot *s = find(m, key, len, hash_of(key, len));
    void *v;

    if (!s)
        return NULL;
    v = s->value;
    sp_free(m->alloc, s->key);
    s->key = TOMB;
    s->value = NULL;
    m->count--;
    return v;
}

void *sc_strmap_next(const sc_strmap *m, size_t *pos, const char **key)
{
    while (*pos < m->cap) {
        sc_strmap_slot *s = &m->slots[(*pos)++];
        if (s->key && s->key != TOMB) {
            if (key)
                *key = s->key;
            return s->value;
        }
    }
    return NULL;
}
