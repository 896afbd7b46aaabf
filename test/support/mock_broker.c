/* test/support/mock_broker.c - see mock_broker.h. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "samsa_test.h"
#include "mock_broker.h"
#include "api.h"
#include "api_versions.h"
#include "header.h"
#include "msg_metadata.h"

#define MAX_PARTS 16

typedef struct mconn {
    int fd;
    uint8_t *buf;
    size_t len, cap;
} mconn;

static void send_all(int fd, const uint8_t *p, size_t len)
{
    size_t off = 0;

    while (off < len) {
        ssize_t n = send(fd, p + off, len - off, MSG_NOSIGNAL);

        if (n <= 0)
            break; /* the client went away: it will notice */
        off += (size_t)n;
    }
}

/* Frame and send a response whose body `encode` writes. */
static void reply_with(const st_mock_req *rq, const sp_msg_desc *d, const void *obj,
                       const sp_api_versions_resp *av)
{
    sp_writer w;
    size_t fr;

    sp_writer_init(&w, NULL, 1 << 20);
    fr = sp_frame_begin(&w);
    sp_write_response_header(&w, sp_api_response_header_version(rq->key, rq->version),
                             rq->correlation_id);
    if (av)
        assert_int_equal(sp_api_versions_resp_encode(&w, rq->version, av), 0);
    else
        assert_int_equal(sp_schema_encode(&w, d, rq->version, obj), 0);
    sp_frame_end(&w, fr);
    assert_int_equal(w.err, 0);
    send_all(rq->fd, w.buf, w.len);
    sp_writer_free(&w);
}

void st_mock_reply(const st_mock_req *rq, const sp_msg_desc *d, const void *obj)
{
    reply_with(rq, d, obj, NULL);
}

void st_mock_reply_versions(const st_mock_req *rq, const sp_api_version_range *ranges,
                            int32_t n)
{
    sp_api_versions_resp av;

    memset(&av, 0, sizeof av);
    av.api_keys.count = n;
    av.api_keys.items = (sp_api_version_range *)ranges;
    av.finalized_features_epoch = -1;
    reply_with(rq, NULL, NULL, &av);
}

void st_mock_reply_metadata(const st_mock_req *rq, const st_mock *m, const char *topic,
                            int32_t nparts, int16_t topic_err, int16_t part_err)
{
    sp_metadata_resp mr;
    sp_metadata_resp_broker br;
    sp_metadata_resp_topic tp;
    sp_metadata_resp_partition pp[MAX_PARTS];
    static int32_t one = 1;
    int32_t i;

    assert_true(nparts >= 0 && nparts <= MAX_PARTS);
    memset(&mr, 0, sizeof mr);
    memset(&br, 0, sizeof br);
    memset(&tp, 0, sizeof tp);
    memset(pp, 0, sizeof pp);
    br.node_id = 1;
    br.host = sp_str_of("127.0.0.1");
    br.port = m->port;
    br.rack.len = -1;
    for (i = 0; i < nparts; i++) {
        pp[i].error_code = part_err;
        pp[i].partition_index = i;
        pp[i].leader_id = part_err ? -1 : 1;
        pp[i].replica_nodes.count = 1;
        pp[i].replica_nodes.items = &one;
        pp[i].isr_nodes.count = 1;
        pp[i].isr_nodes.items = &one;
    }
    tp.error_code = topic_err;
    tp.name = sp_str_of(topic);
    tp.topic_id.b[0] = 7;
    tp.partitions.count = nparts;
    tp.partitions.items = pp;
    tp.topic_authorized_operations = INT32_MIN;
    mr.brokers.count = 1;
    mr.brokers.items = &br;
    mr.cluster_id = sp_str_of("mock");
    mr.controller_id = 1;
    mr.topics.count = 1;
    mr.topics.items = &tp;
    mr.cluster_authorized_operations = INT32_MIN;
    reply_with(rq, &sp_msg_metadata_resp, &mr, NULL);
}

bool st_mock_reply_raw(const st_mock_req *rq, const void *body, size_t len)
{
    uint8_t *fr = malloc(8 + len);
    uint32_t n = (uint32_t)(4 + len), corr = (uint32_t)rq->correlation_id;
    ssize_t sent;

    assert_non_null(fr);
    sp_put_u32(fr, n);
    sp_put_u32(fr + 4, corr);
    memcpy(fr + 8, body, len);
    sent = send(rq->fd, fr, 8 + len, MSG_NOSIGNAL);
    free(fr);
    return sent >= 0;
}

void st_mock_decode(const st_mock_req *rq, const sp_msg_desc *d, void *out)
{
    assert_int_equal(sp_schema_decode(d, rq->version, out, rq->arena, rq->body, rq->len), 0);
}

/* Parse one frame body's request header and call the handler. */
static bool dispatch(st_mock *m, int fd, const uint8_t *body, size_t len)
{
    sp_reader r;
    sp_request_header h;
    sp_arena arena;
    st_mock_req rq;
    bool keep;

    if (len < 4)
        return false;
    memset(&rq, 0, sizeof rq);
    rq.fd = fd;
    rq.key = (int16_t)(body[0] << 8 | body[1]);
    rq.version = (int16_t)(body[2] << 8 | body[3]);
    sp_reader_init(&r, body, len);
    if (sp_read_request_header(&r, sp_api_request_header_version(rq.key, rq.version), &h))
        return false;
    rq.correlation_id = h.correlation_id;
    rq.body = r.p;
    rq.len = (size_t)(r.end - r.p);
    sp_arena_init(&arena, NULL, 1 << 24);
    rq.arena = &arena;
    pthread_mutex_lock(&m->mu);
    keep = m->handler(m->opaque, &rq);
    pthread_mutex_unlock(&m->mu);
    sp_arena_free(&arena);
    return keep;
}

/* Read what arrived on cn and handle every complete frame; false when the
 * connection is to be closed. */
static bool serve(st_mock *m, mconn *cn)
{
    ssize_t n;

    if (cn->cap - cn->len < 65536) {
        cn->cap = cn->cap ? cn->cap * 2 : 131072;
        cn->buf = realloc(cn->buf, cn->cap);
        assert_non_null(cn->buf);
    }
    n = recv(cn->fd, cn->buf + cn->len, cn->cap - cn->len, 0);
    if (n <= 0)
        return false;
    cn->len += (size_t)n;
    while (cn->len >= 4) {
        uint32_t sz = (uint32_t)cn->buf[0] << 24 | (uint32_t)cn->buf[1] << 16 |
                      (uint32_t)cn->buf[2] << 8 | cn->buf[3];

        if (cn->len - 4 < sz)
            break;
        if (!dispatch(m, cn->fd, cn->buf + 4, sz))
            return false;
        memmove(cn->buf, cn->buf + 4 + sz, cn->len - 4 - sz);
        cn->len -= 4 + sz;
    }
    return true;
}

static void *mock_main(void *arg)
{
    st_mock *m = arg;
    mconn cs[ST_MOCK_MAXCONN];
    int nc = 0, i;

    while (!__atomic_load_n(&m->stop, __ATOMIC_ACQUIRE)) {
        struct pollfd pf[ST_MOCK_MAXCONN + 1];
        int polled = nc;

        pf[0].fd = m->lfd;
        pf[0].events = POLLIN;
        for (i = 0; i < nc; i++) {
            pf[i + 1].fd = cs[i].fd;
            pf[i + 1].events = POLLIN;
        }
        if (poll(pf, (nfds_t)nc + 1, 20) <= 0)
            continue;
        /* serve the polled connections first: closing one reorders cs */
        for (i = 0; i < polled; i++) {
            if (!(pf[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (!serve(m, &cs[i])) {
                close(cs[i].fd);
                free(cs[i].buf);
                cs[i] = cs[--nc];
                break; /* the rest of pf no longer matches cs: poll again */
            }
        }
        if ((pf[0].revents & POLLIN) && nc < ST_MOCK_MAXCONN) {
            int fd = accept(m->lfd, NULL, NULL);

            if (fd >= 0) {
                memset(&cs[nc], 0, sizeof cs[nc]);
                cs[nc++].fd = fd;
            }
        }
    }
    for (i = 0; i < nc; i++) {
        close(cs[i].fd);
        free(cs[i].buf);
    }
    return NULL;
}

void st_mock_start(st_mock *m, st_mock_handler handler, void *opaque)
{
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    int one = 1;

    memset(m, 0, sizeof *m);
    m->handler = handler;
    m->opaque = opaque;
    pthread_mutex_init(&m->mu, NULL);
    m->lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(m->lfd >= 0);
    setsockopt(m->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(m->lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(m->lfd, ST_MOCK_MAXCONN), 0);
    assert_int_equal(getsockname(m->lfd, (struct sockaddr *)&a, &al), 0);
    m->port = ntohs(a.sin_port);
}

void st_mock_run(st_mock *m)
{
    assert_int_equal(pthread_create(&m->th, NULL, mock_main, m), 0);
}

void st_mock_stop(st_mock *m)
{
    __atomic_store_n(&m->stop, 1, __ATOMIC_RELEASE);
    pthread_join(m->th, NULL);
    close(m->lfd);
    pthread_mutex_destroy(&m->mu);
}

void st_mock_lock(st_mock *m)
{
    pthread_mutex_lock(&m->mu);
}

void st_mock_unlock(st_mock *m)
{
    pthread_mutex_unlock(&m->mu);
}
