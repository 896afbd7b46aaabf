/* client/conf_callbacks.c - setters for the callbacks a conf carries; see
 * samsa/client.h and samsa/producer.h. */
#include "conf.h"

void samsa_conf_set_log_cb(samsa_conf *conf, samsa_log_cb *cb, void *opaque)
{
    sc_callbacks *cbs = sc_conf_callbacks(conf);

    cbs->log = cb;
    cbs->log_opaque = opaque;
}

void samsa_conf_set_delivery_cb(samsa_conf *conf, samsa_delivery_cb *cb,
                                void *cb_opaque)
{
    sc_callbacks *cbs = sc_conf_callbacks(conf);

    cbs->delivery = cb;
    cbs->delivery_opaque = cb_opaque;
}

void samsa_conf_set_partitioner_cb(samsa_conf *conf, samsa_partitioner_cb *cb,
                                   void *opaque)
{
    sc_callbacks *cbs = sc_conf_callbacks(conf);

    cbs->partitioner = cb;
    cbs->partitioner_opaque = opaque;
}

void samsa_conf_set_oauthbearer_token_cb(samsa_conf *conf,
                                         samsa_oauthbearer_token_cb *cb,
                                         void *opaque)
{
    sc_callbacks *cbs = sc_conf_callbacks(conf);

    cbs->oauthbearer = cb;
    cbs->oauthbearer_opaque = opaque;
}
