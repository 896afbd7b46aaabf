/*
 * client/cgrp.h - group membership of a consumer handle: the glue between
 * the consumer (consumer.c), the client core (client.c) and the group
 * code (cgrp*.c).
 *
 * The group code implements these public calls itself (samsa/consumer.h):
 * samsa_subscribe, samsa_subscribe_pattern, samsa_unsubscribe,
 * samsa_commit_sync, samsa_commit_async, samsa_commit_message, samsa_committed and
 * samsa_conf_set_rebalance_cb. The consumer must not define them.
 *
 * WHAT THE CONSUMER AND CORE CALL (each a one-line hook):
 *   sc_cgrp_polled(c)          from samsa_consume_batch(), any thread, on
 *                              every call: counts as a poll for
 *                              max.poll.interval.ms (a member that left
 *                              for a poll timeout rejoins here).
 *   sc_cgrp_close(c, ms)       first thing in samsa_close(), application
 *                              thread: final auto-commit, REVOKED
 *                              callback, LeaveGroup (not for static
 *                              members), waiting up to ms. 0 or TIMED_OUT.
 *   sc_cgrp_destroy(c)         samsa_client_destroy(), after the broker
 *                              pool is gone (every request callback ran).
 *   sc_cgrp_subscribed(c)      samsa_assign() refuses with STATE when true.
 *   sc_cgrp_stored_offset(c, p) consumer run, loop thread, under mu, for a
 *                              partition in SC_POS_NONE: true when the
 *                              group looks up its committed offset (then
 *                              it calls sc_off_start and kicks the
 *                              consumer); false without a group.id (the
 *                              consumer applies auto.offset.reset).
 *   sc_cgrp_md_changed(c, t, m) sc_client_md_changed(), loop thread: a
 *                              subscribed topic appeared or grew (the
 *                              classic leader rejoins to assign it).
 *
 * WHAT THE GROUP CALLS IN THE CONSUMER (loop thread):
 *   the assignment is applied with samsa_assign() (which runs inline on
 *   the loop thread): kept partitions with SAMSA_OFFSET_STORED (their
 *   position stays), new ones at their committed offset, else
 *   SAMSA_OFFSET_BEGINNING / _END per auto.offset.reset (STORED for
 *   reset=error, which the consumer reports as NO_OFFSET). Positions for
 *   commits are read from c->consumer->parts under c->mu
 *   (sc_cpart.off.position / position_epoch); sc_cpart.off.committed is
 *   updated by the group after a successful commit.
 *
 * Thread rules: see each function. The group state itself is loop-thread
 * only; public calls reach it through sc_client_call().
 */
#ifndef SC_CGRP_H
#define SC_CGRP_H

#include <stdbool.h>

#include "client_int.h"

void sc_cgrp_polled(samsa_client *c);
int sc_cgrp_close(samsa_client *c, int timeout_ms);
void sc_cgrp_destroy(samsa_client *c);
bool sc_cgrp_subscribed(const samsa_client *c);
void sc_cgrp_md_changed(samsa_client *c, const char *topic, unsigned changed);
struct sc_cpart;
bool sc_cgrp_stored_offset(samsa_client *c, struct sc_cpart *p);

#endif
