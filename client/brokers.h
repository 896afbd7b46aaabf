/*
 * client/brokers.h - the broker pool: one sn_conn per broker node id from
 * metadata, plus one per bootstrap address until metadata names the
 * brokers (a bootstrap connection whose host:port matches a broker is
 * adopted as that broker's connection instead of opening a second one).
 *
 * Connections are created on first use and kept for the client's life;
 * their state changes are forwarded to sc_client_conn_event(). Requests
 * are only sent on READY connections (the API version must be known when
 * a request is queued), so callers ask for a ready connection and, when
 * there is none, wait for the next SN_CONN_EV_UP event.
 *
 * Ownership: the pool owns every sn_conn; pointers returned stay valid
 * until sc_brokers_free(). Thread rules: the loop thread only.
 */
#ifndef SC_BROKERS_H
#define SC_BROKERS_H

#include <stddef.h>
#include <stdint.h>

#include "client_int.h"

typedef struct sc_brokers sc_brokers;

/* Parse bootstrap.servers and build the connection config from the
 * handle's conf. 0, SAMSA_ERR_CONFIG (reason in errbuf) or NO_MEMORY. */
int sc_brokers_new(samsa_client *c, sc_brokers **out, char *errbuf,
                   size_t errlen);
/* Destroy every connection (pending requests get SAMSA_ERR_DESTROYED). */
void sc_brokers_free(sc_brokers *b);

/* After the metadata broker list changed: adopt bootstrap connections,
 * re-create connections whose address changed. 0 or NO_MEMORY. */
int sc_brokers_sync(sc_brokers *b);

/* The connection to node_id (created on demand, connecting started), or
 * NULL when metadata does not know the node. */
sn_conn *sc_brokers_conn(sc_brokers *b, int32_t node_id);

/* A READY connection with the fewest pending requests, preferring known
 * brokers over bootstrap addresses; NULL when none is ready, in which case
 * a connection attempt is started (the caller waits for an UP event). */
sn_conn *sc_brokers_any_ready(sc_brokers *b);

/* Node id of a pool connection (-1 - i for the i-th bootstrap address). */
int32_t sc_brokers_node_of(const sc_brokers *b, const sn_conn *conn);

/* The last connection failure seen (err 0 and "" if none): for reports. */
int sc_brokers_last_error(const sc_brokers *b, const char **errstr);

#endif
