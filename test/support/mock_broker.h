/*
 * test/support/mock_broker.h - an in-test Kafka broker for unit tests that
 * drive the client against scripted answers (test_cgrp_mock.c,
 * test_producer_idem.c).
 *
 * The mock is plumbing only: a thread on 127.0.0.1 (an ephemeral port)
 * that accepts up to ST_MOCK_MAXCONN connections, reads size-prefixed
 * request frames, parses the request header and hands each request to the
 * test's handler. The handler holds all Kafka logic and answers with
 * st_mock_reply*() (or not at all). It returns false to have the
 * connection closed (a lost response, a refused request).
 *
 * Life cycle: st_mock_start() binds and listens (m->port is then known, no
 * thread yet: set up the handler's state freely); st_mock_run() starts the
 * thread; st_mock_stop() stops and joins it and closes every socket.
 *
 * Threads: the handler runs on the mock's thread with m->mu held; the test
 * reads or changes the handler's state under st_mock_lock()/unlock() once
 * the thread runs. Failed assertions in the handler fail the test as
 * cmocka does from any thread (abort-like); nothing here returns an error.
 */
#ifndef SAMSA_MOCK_BROKER_H
#define SAMSA_MOCK_BROKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api_versions.h"
#include "arena.h"
#include "schema.h"

#define ST_MOCK_MAXCONN 8

/* One request, valid during the handler call. */
typedef struct st_mock_req {
    int fd;                 /* its connection: answers go there */
    int16_t key, version;
    int32_t correlation_id;
    const uint8_t *body;    /* the request body, after the header */
    size_t len;
    sp_arena *arena;        /* for st_mock_decode; freed after the handler */
} st_mock_req;

/* false: close the connection after this request. */
typedef bool (*st_mock_handler)(void *opaque, const st_mock_req *rq);

typedef struct st_mock {
    int lfd, port;
    pthread_t th;
    int stop;               /* __atomic */
    pthread_mutex_t mu;     /* held around every handler call */
    st_mock_handler handler;
    void *opaque;
} st_mock;

void st_mock_start(st_mock *m, st_mock_handler handler, void *opaque);
void st_mock_run(st_mock *m);
void st_mock_stop(st_mock *m);
void st_mock_lock(st_mock *m);
void st_mock_unlock(st_mock *m);

/* Decode the request body with d at its version (must succeed). */
void st_mock_decode(const st_mock_req *rq, const sp_msg_desc *d, void *out);

/* Encode obj with d at the request's version and send it as the answer. */
void st_mock_reply(const st_mock_req *rq, const sp_msg_desc *d, const void *obj);
/* ApiVersions answer listing ranges[0..n). */
void st_mock_reply_versions(const st_mock_req *rq, const sp_api_version_range *ranges,
                            int32_t n);
/* A Metadata answer: broker 1 at this mock, topic `topic` with nparts
 * partitions led by broker 1 (leader epoch 0). part_err: every partition
 * has that error and no leader; topic_err: the topic has that error (pass
 * nparts 0 for a topic still being created). */
void st_mock_reply_metadata(const st_mock_req *rq, const st_mock *m, const char *topic,
                            int32_t nparts, int16_t topic_err, int16_t part_err);
/* A frame with the request's correlation id and these body bytes as they
 * are (for undecodable answers); false when the write failed. */
bool st_mock_reply_raw(const st_mock_req *rq, const void *body, size_t len);

#endif
