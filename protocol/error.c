/* protocol/error.c - name and message tables for samsa_err; see samsa/error.h. */
#include <stddef.h>

#include "samsa/error.h"

struct err_entry {
    int code;
    const char *name;
    const char *msg;
};

#define ERR_ENTRY(name, code, msg) { code, #name, msg },

static const struct err_entry err_table[] = {
    { 0, "OK", "success" },
    SAMSA_LOCAL_ERRORS(ERR_ENTRY)
    SAMSA_BROKER_ERRORS(ERR_ENTRY)
};

static const struct err_entry *find(int err)
{
    size_t i;

    for (i = 0; i < sizeof err_table / sizeof err_table[0]; i++)
        if (err_table[i].code == err)
            return &err_table[i];
    return NULL;
}

const char *samsa_err_name(int err)
{
    const struct err_entry *e = find(err);
    return e ? e->name : "UNKNOWN";
}

const char *samsa_err_str(int err)
{
    const struct err_entry *e = find(err);
    return e ? e->msg : "unknown error code";
}

int samsa_err_is_local(int err)
{
    return err <= -100;
}
