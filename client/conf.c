/* client/conf.c - property table, parsing and checks; see samsa/conf.h. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "alloc.h"
#include "samsa/error.h"

enum sc_type { T_STR, T_INT, T_BOOL, T_ENUM, T_LIST };

typedef struct sc_prop {
    const char *name;
    enum sc_type type;
    const char *def;
    int64_t min, max;
    const char *values;
    int flags;
    const char *doc;
} sc_prop;

static const sc_prop props[SC_NPROPS] = {
#define SC_ROW(id, nm, ty, df, mn, mx, vals, fl, dc) { nm, T_##ty, df, mn, mx, vals, fl, dc },
    SAMSA_CONF_TABLE(SC_ROW)
#undef SC_ROW
};

typedef struct sc_value {
    int64_t i;  /* INT, BOOL, ENUM index, LIST mask */
    char *s;    /* the text as set (normalised for ENUM and LIST) */
} sc_value;

struct samsa_conf {
    const samsa_allocator *alloc;
    sc_value v[SC_NPROPS];
    sc_callbacks cbs; /* set through samsa_conf_set_*_cb (conf_callbacks.c) */
};

static int find_prop(const char *name)
{
    int i;

    for (i = 0; i < SC_NPROPS; i++)
        if (strcmp(props[i].name, name) == 0)
            return i;
    return -1;
}

static char *dup_str(const samsa_allocator *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = sp_alloc(a, n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Index of word[0..len) in "a|b|c" (case-insensitive), or -1. */
static int enum_index(const char *values, const char *word, size_t len)
{
    int idx = 0;
    const char *p = values;

    while (*p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == len && strncasecmp(p, word, len) == 0)
            return idx;
        idx++;
        if (!bar)
            break;
        p = bar + 1;
    }
    return -1;
}

static void errf(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void errf(char *errbuf, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!errbuf || !errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
}

static bool parse_int(const char *s, int64_t *out)
{
    char *end;
    long long v;

    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return false;
    errno = 0;
    v = strtoll(s, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* Parse `value` for property p into *out (i only; caller stores text). */
static int parse_value(const sc_prop *p, const char *value, int64_t *out,
                       char *errbuf, size_t errlen)
{
    char detail[160];

    switch (p->type) {
    case T_STR:
        *out = 0;
        return 0;
    case T_INT:
        if (!parse_int(value, out)) {
            snprintf(detail, sizeof detail, "expects an integer in %lld..%lld",
                     (long long)p->min, (long long)p->max);
            errf(errbuf, errlen, "%s: %s", p->name, detail);
            return SAMSA_ERR_CONFIG;
        }
        if (*out < p->min || *out > p->max) {
            snprintf(detail, sizeof detail, "%lld is out of range (%lld..%lld)",
                     (long long)*out, (long long)p->min, (long long)p->max);
            errf(errbuf, errlen, "%s: %s", p->name, detail);
            return SAMSA_ERR_CONFIG;
        }
        return 0;
    case T_BOOL:
        if (!strcasecmp(value, "true") || !strcmp(value, "1"))
            *out = 1;
        else if (!strcasecmp(value, "false") || !strcmp(value, "0"))
            *out = 0;
        else {
            errf(errbuf, errlen, "%s: expects true or false", p->name);
            return SAMSA_ERR_CONFIG;
        }
        return 0;
    case T_ENUM: {
        int idx = enum_index(p->values, value, strlen(value));
        if (idx < 0) {
            snprintf(detail, sizeof detail, "expects one of %s", p->values);
            errf(errbuf, errlen, "%s: %s", p->name, detail);
            return SAMSA_ERR_CONFIG;
        }
        *out = idx;
        return 0;
    }
    case T_LIST: {
        const char *s = value;
        int64_t mask = 0;

        while (*s) {
            const char *comma = strchr(s, ',');
            size_t n = comma ? (size_t)(comma - s) : strlen(s);
            int idx;

            while (n && isspace((unsigned char)*s))
                s++, n--;
            while (n && isspace((unsigned char)s[n - 1]))
                n--;
            if (n) {
                idx = enum_index(p->values, s, n);
                if (idx < 0) {
                    snprintf(detail, sizeof detail, "'%.*s' is not one of %s",
                             (int)(n > 40 ? 40 : n), s, p->values);
                    errf(errbuf, errlen, "%s: %s", p->name, detail);
                    return SAMSA_ERR_CONFIG;
                }
                mask |= (int64_t)1 << idx;
            }
            if (!comma)
                break;
            s = comma + 1;
        }
        *out = mask;
        return 0;
    }
    }
    return SAMSA_ERR_CONFIG;
}

static int set_index(samsa_conf *c, int idx, const char *value, char *errbuf,
                     size_t errlen)
{
    int64_t i;
    char *s;
    int rc = parse_value(&props[idx], value, &i, errbuf, errlen);

    if (rc)
        return rc;
    s = dup_str(c->alloc, value);
    if (!s)
        return SAMSA_ERR_NO_MEMORY;
    if (c->v[idx].s && props[idx].flags & SC_SECRET)
        memset(c->v[idx].s, 0, strlen(c->v[idx].s));
    sp_free(c->alloc, c->v[idx].s);
    c->v[idx].s = s;
    c->v[idx].i = i;
    return 0;
}

samsa_conf *samsa_conf_new(const samsa_allocator *alloc)
{
    samsa_conf *c = sp_calloc(alloc, 1, sizeof *c);
    int i;

    if (!c)
        return NULL;
    c->alloc = alloc;
    for (i = 0; i < SC_NPROPS; i++) {
        if (set_index(c, i, props[i].def, NULL, 0) != 0) {
            samsa_conf_destroy(c);
            return NULL;
        }
    }
    return c;
}

samsa_conf *samsa_conf_dup(const samsa_conf *src)
{
    samsa_conf *c = samsa_conf_new(src->alloc);
    int i;

    if (!c)
        return NULL;
    for (i = 0; i < SC_NPROPS; i++) {
        if (set_index(c, i, src->v[i].s, NULL, 0) != 0) {
            samsa_conf_destroy(c);
            return NULL;
        }
    }
    c->cbs = src->cbs;
    return c;
}

void samsa_conf_destroy(samsa_conf *c)
{
    int i;

    if (!c)
        return;
    for (i = 0; i < SC_NPROPS; i++) {
        if (c->v[i].s && props[i].flags & SC_SECRET)
            memset(c->v[i].s, 0, strlen(c->v[i].s));
        sp_free(c->alloc, c->v[i].s);
    }
    sp_free(c->alloc, c);
}

int samsa_conf_set(samsa_conf *c, const char *name, const char *value,
                   char *errbuf, size_t errlen)
{
    int idx;

    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!c || !name || !value) {
        errf(errbuf, errlen, "samsa_conf_set: NULL argument");
        return SAMSA_ERR_INVALID_ARG;
    }
    idx = find_prop(name);
    if (idx < 0) {
        errf(errbuf, errlen, "%s: unknown property", name);
        return SAMSA_ERR_UNKNOWN_PROPERTY;
    }
    return set_index(c, idx, value, errbuf, errlen);
}

int samsa_conf_get(const samsa_conf *c, const char *name, char *buf, size_t len)
{
    int idx = find_prop(name);

    if (idx < 0)
        return SAMSA_ERR_UNKNOWN_PROPERTY;
    if (buf && len)
        snprintf(buf, len, "%s", props[idx].flags & SC_SECRET && c->v[idx].s[0]
                                     ? "[hidden]" : c->v[idx].s);
    return 0;
}

const char *samsa_conf_property(size_t i, const char **default_value,
                                const char **doc)
{
    if (i >= SC_NPROPS)
        return NULL;
    if (default_value)
        *default_value = props[i].def;
    if (doc)
        *doc = props[i].doc;
    return props[i].name;
}

int64_t sc_conf_int(const samsa_conf *c, sc_prop_id id)
{
    return c->v[id].i;
}

bool sc_conf_bool(const samsa_conf *c, sc_prop_id id)
{
    return c->v[id].i != 0;
}

const char *sc_conf_str(const samsa_conf *c, sc_prop_id id)
{
    return c->v[id].s;
}

int sc_conf_enum(const samsa_conf *c, sc_prop_id id)
{
    return (int)c->v[id].i;
}

uint32_t sc_conf_list_mask(const samsa_conf *c, sc_prop_id id)
{
    return (uint32_t)c->v[id].i;
}

const samsa_allocator *sc_conf_allocator(const samsa_conf *c)
{
    return c->alloc;
}

int samsa_conf_property_info(size_t i, const char **type, const char **range,
                             char *buf, size_t len)
{
    static const char *const tnames[] = { "string", "integer", "boolean", "enum", "list" };

    if (i >= SC_NPROPS)
        return SAMSA_ERR_INVALID_ARG;
    *type = tnames[props[i].type];
    *range = NULL;
    if (props[i].type == T_INT && buf) {
        snprintf(buf, len, "%lld..%lld", (long long)props[i].min, (long long)props[i].max);
        *range = buf;
    } else if (props[i].values) {
        *range = props[i].values;
    }
    return 0;
}

sc_callbacks *sc_conf_callbacks(samsa_conf *c)
{
    return &c->cbs;
}

const sc_callbacks *sc_conf_callbacks_const(const samsa_conf *c)
{
    return &c->cbs;
}
