/* client/client_consumer.c - the consumer side's hooks into the client
 * core (sc_consumer_part, see client_int.h). The consumer and the group
 * install this table when they are created; until then the core holds no
 * reference to their code, so a program that only produces does not link
 * it. */
#include "client_int.h"
#include "cgrp.h"
#include "consumer_int.h"

static void cons_md_changed(samsa_client *c, const char *topic,
                            unsigned changed)
{
    if (c->consumer)
        sc_consumer_md_changed(c->consumer, topic, changed);
    sc_cgrp_md_changed(c, topic, changed); /* the group leader reassigns */
}

static void cons_conn_event(samsa_client *c, int32_t node_id,
                            sn_conn_event ev)
{
    if (c->consumer && ev == SN_CONN_EV_DOWN)
        sc_consumer_conn_down(c->consumer, node_id);
}

static void cons_destroy(samsa_client *c)
{
    sc_cgrp_destroy(c); /* before the consumer it points into */
    sc_consumer_destroy(c->consumer);
    c->consumer = NULL;
}

const sc_part_ops sc_consumer_part = {
    cons_md_changed,
    cons_conn_event,
    cons_destroy,
};
