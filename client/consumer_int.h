/*
 * client/consumer_int.h - the inside of the consumer, shared by
 * consumer.c (life cycle, partitions, positions), consumer_msg.c (the
 * ready queue, consume, release, headers), consumer_fetch.c (Fetch per
 * broker) and consumer_offsets.c (ListOffsets resets, OffsetForLeaderEpoch
 * validation).
 *
 * Created on the first consumer call (sc_consumer_get) and owned by the
 * client handle (c->consumer); destroyed by samsa_client_destroy after
 * the broker pool, so every request callback has run by then.
 *
 * Locking: the partition list, every partition's state and the ready
 * queue are "under mu" (c->mu): the loop thread holds it while it reads
 * or changes them, the application's threads while they pop messages,
 * read positions or watermarks. Everything else (fetchers, sessions,
 * timer, scratch) is loop-thread only. Message release touches only the
 * fetch buffer refcounts and the prefetch budget (atomics), never mu.
 */
#ifndef SC_CONSUMER_INT_H
#define SC_CONSUMER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "samsa/consumer.h"
#include "client_int.h"
#include "fetch_buffer.h"
#include "fetch_session.h"
#include "offsets.h"
#include "strmap.h"

typedef struct sc_cpart {
    char *topic;          /* owned, NUL-terminated */
    int32_t partition;
    sc_offsets off;
    sp_uuid topic_id;     /* from metadata; zero until known */
    int32_t leader;       /* node id; -1 = unknown */
    int32_t max_bytes;    /* max.partition.fetch.bytes, raised for a
                             batch that does not fit */
    int64_t not_before_ms; /* backoff after a partition error (monotonic) */
    bool list_inflight;   /* ListOffsets in flight (for off.gen) */
    bool validate_inflight; /* OffsetForLeaderEpoch in flight */
    bool eof_reported;
    bool unknown_reported;
    /* paused: its fetched records, kept in order and hidden until resume
     * (as Java keeps a paused partition's completed fetches) */
    struct sc_msg *held_head, *held_tail;
    size_t nheld;
} sc_cpart;

/* One topic's assigned partitions, sorted by partition (the index). */
typedef struct sc_ctopic {
    int32_t n;
    sc_cpart *parts[];
} sc_ctopic;

struct sc_mslab;

/* A queued or handed-out message. pub is what the application sees.
 * 152 bytes on LP64: every record of a response has one. */
typedef struct sc_msg {
    samsa_message pub;
    struct sc_msg *next;
    sc_fetch_buf *buf;       /* records: holds their bytes; events NULL */
    void *owner;             /* records: the sc_mslab they live in; events:
                                the sc_consumer (charged: the struct and
                                the topic and errstr copies after it) */
    sc_cpart *part;          /* valid while queued (purged before freed) */
    const uint8_t *headers;  /* raw record headers (checked) */
    uint32_t headers_len;    /* < a frame (receive.message.max.bytes) */
    uint32_t gen;            /* part->off.gen when fetched */
} sc_msg;

/* Record messages are carved from blocks, one run per partition of a
 * response (8, then 64, then 256 at a time): one allocation and one
 * budget charge per block, freed when its last message is released. */
typedef struct sc_mslab {
    atomic_uint refs;        /* messages not yet released */
    struct sc_consumer *cons;
    size_t size;             /* bytes charged to the budget */
    uint32_t cap, used;
    sc_msg msgs[];
} sc_mslab;

typedef struct sc_fetcher {
    int32_t node_id;
    sc_fetch_session fs;
    bool in_flight;
    int64_t not_before_ms;   /* throttling or backoff (monotonic) */
} sc_fetcher;

typedef struct sc_consumer {
    samsa_client *c;
    sc_prefetch pf;
    sn_timer kick;           /* runs sc_cons_run when due */
    int64_t kick_at;         /* when it is due (loop time) */
    sp_writer scratch;       /* decompression, capped */
    sc_fetcher **fetchers;
    int32_t nfetchers;

    /* configuration, read once */
    bool read_committed;
    bool check_crc;
    sc_reset_policy policy;
    int32_t min_bytes, max_wait_ms, max_bytes, part_max_bytes;
    int retry_backoff_ms;

    /* under mu */
    sc_cpart **parts;
    int32_t nparts, capparts;
    sc_strmap index;         /* topic -> sc_ctopic (partitions sorted) */
    bool indexed;            /* false: index not built (out of memory) */
    sc_msg *qhead, *qtail;
    size_t qlen;
    size_t nheld;            /* messages held by paused partitions */
    size_t held_bound;       /* budget used when records were last held:
                                held records charge at most this (they
                                only shrink after), 0 when none are held */
    bool eof_events;
    bool closed;

    /* application threads: when samsa_consume last ran the loop
     * (embedded mode, sc_mono_ms) */
    _Atomic int64_t last_pass_ms;
} sc_consumer;

/* The handle's consumer, created on first use. NULL when out of memory
 * (errstr set). Loop thread or before start. */
sc_consumer *sc_consumer_get(samsa_client *c);
/* The same from any thread (created on the loop thread if needed). */
sc_consumer *sc_consumer_of(samsa_client *c);
void sc_consumer_destroy(sc_consumer *cons);
/* Metadata hook (client.c): leaders, epochs, topic ids of a topic. */
void sc_consumer_md_changed(sc_consumer *cons, const char *topic,
                            unsigned changed);
/* Connection hook (client.c, loop thread): a connection to node_id went
 * down (SN_CONN_EV_DOWN). When it leads one of our partitions the leader
 * may have moved: refresh metadata (again on every failed reconnect, until
 * the metadata names another leader) and run the consumer. */
void sc_consumer_conn_down(sc_consumer *cons, int32_t node_id);

/* consumer.c: partition lookup (caller holds mu). */
sc_cpart *sc_cons_find(sc_consumer *cons, const char *topic, size_t len,
                       int32_t partition);
/* consumer_msg.c: queue handling (caller holds mu). */
void sc_cons_enqueue(sc_consumer *cons, sc_msg *head, sc_msg *tail, size_t n);
/* Records of part: queued, or held when part is paused. */
void sc_cons_enqueue_part(sc_consumer *cons, sc_cpart *part, sc_msg *head,
                          sc_msg *tail, size_t n);
/* Pause: part's queued records move to its held list (order kept).
 * Resume: its held records go to the end of the queue. */
void sc_cons_hold(sc_consumer *cons, sc_cpart *part);
void sc_cons_unhold(sc_consumer *cons, sc_cpart *part);
/* The budget is full, nothing is queued and what is not held by paused
 * partitions (at least used - held_bound) is under the limit: fetch one
 * batch at a time so the other partitions go on. Memory the application
 * keeps unreleased still stops fetching (at most held_bound + limit). */
bool sc_cons_held_starves(const sc_consumer *cons);
/* Queue an event for part (err, offset, formatted errstr). NO_MEMORY.
 * part NULL: a group event (topic "", partition -1; cgrp.c). */
int sc_cons_event(sc_consumer *cons, sc_cpart *part, int err, int64_t offset,
                  const char *errstr);
/* Move part's queued and held messages (part NULL: all) to *dropped
 * (released by the caller after unlocking, with sc_cons_release_list). */
void sc_cons_purge(sc_consumer *cons, sc_cpart *part, sc_msg **dropped);
void sc_cons_release_list(sc_msg *list);
void sc_msg_free(sc_msg *m);

/* consumer_fetch.c (loop thread). */
/* Run sc_cons_run after delay_ms (sooner if already due sooner). */
void sc_cons_kick(sc_consumer *cons, int64_t delay_ms);
/* Send what is due: resets, validations, one Fetch per broker. */
void sc_cons_run(sc_consumer *cons);
void sc_cons_fetchers_free(sc_consumer *cons);
/* samsa_close: tell each broker to drop our fetch session (epoch -1),
 * without waiting for the answers. */
void sc_cons_close_sessions(sc_consumer *cons);
/* A READY connection to node, or NULL (a connection attempt is started). */
sn_conn *sc_cons_ready_conn(sc_consumer *cons, int32_t node);

/* consumer_offsets.c (loop thread, under mu): send ListOffsets
 * (SP_LIST_OFFSETS_KEY, for SC_POS_RESET) or OffsetForLeaderEpoch
 * (SP_OFFSET_FOR_LEADER_EPOCH_KEY, for SC_POS_VALIDATE) for p. false when
 * it must wait (no connection yet); answers come back through the loop. */
bool sc_cons_po_send(sc_consumer *cons, sc_cpart *p, int16_t api_key);

#endif
