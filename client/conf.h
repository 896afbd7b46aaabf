/*
 * client/conf.h - internal view of samsa_conf: typed access by property id.
 *
 * Values were checked when set, so readers never fail. sc_conf_str()
 * returns a string owned by the conf (valid until the property is set again
 * or the conf destroyed). Thread rules: as samsa_conf.
 */
#ifndef SC_CONF_H
#define SC_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "samsa/conf.h"
#include "samsa/client.h"
#include "samsa/producer.h"
#include "samsa/consumer.h"

#ifndef SAMSA_VERSION_STRING
#define SAMSA_VERSION_STRING "0.1.0"
#endif
#define SC_VERSION_STRING SAMSA_VERSION_STRING
#define SC_SECRET 1

#include "conf_table.h"

typedef enum sc_prop_id {
#define SC_ENUM_ID(id, name, type, def, min, max, values, flags, doc) SC_##id,
    SAMSA_CONF_TABLE(SC_ENUM_ID)
#undef SC_ENUM_ID
    SC_NPROPS
} sc_prop_id;

int64_t sc_conf_int(const samsa_conf *c, sc_prop_id id);
bool sc_conf_bool(const samsa_conf *c, sc_prop_id id);
const char *sc_conf_str(const samsa_conf *c, sc_prop_id id);
/* Index of an ENUM value in its values list ("all|-1|0|1": all -> 0). */
int sc_conf_enum(const samsa_conf *c, sc_prop_id id);
/* LIST: bit i set when the i-th value is listed. */
uint32_t sc_conf_list_mask(const samsa_conf *c, sc_prop_id id);
const samsa_allocator *sc_conf_allocator(const samsa_conf *c);

/* Callbacks and their opaque pointers, copied with the conf (the pointers,
 * not what they point to). NULL = not set. */
typedef struct sc_callbacks {
    samsa_log_cb *log;
    void *log_opaque;
    samsa_delivery_cb *delivery;
    void *delivery_opaque;
    samsa_partitioner_cb *partitioner;
    void *partitioner_opaque;
    samsa_rebalance_cb *rebalance; /* consumer groups (cgrp.c) */
    void *rebalance_opaque;
    samsa_oauthbearer_token_cb *oauthbearer; /* brokers.c */
    void *oauthbearer_opaque;
} sc_callbacks;

sc_callbacks *sc_conf_callbacks(samsa_conf *c);
const sc_callbacks *sc_conf_callbacks_const(const samsa_conf *c);

#endif
