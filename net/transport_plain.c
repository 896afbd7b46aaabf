/* net/transport_plain.c - plain TCP transport; see transport.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "alloc.h"
#include "samsa/error.h"
#include "transport.h"

static int plain_handshake(sn_transport *t)
{
    (void)t;
    return 0;
}

static ssize_t plain_fail(sn_transport *t, const char *what, int e)
{
    char buf[128];

    snprintf(t->errstr, sizeof t->errstr, "%s: %s", what,
             strerror_r(e, buf, sizeof buf));
    return SAMSA_ERR_TRANSPORT;
}

static ssize_t plain_read(sn_transport *t, void *buf, size_t len)
{
    for (;;) {
        ssize_t n = recv(t->fd, buf, len, 0);

        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return SN_WANT_READ;
        return plain_fail(t, "recv", errno);
    }
}

static ssize_t plain_write(sn_transport *t, const void *buf, size_t len)
{
    for (;;) {
        /* MSG_NOSIGNAL: a closed peer must give EPIPE, not kill the process */
        ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);

        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return SN_WANT_WRITE;
        return plain_fail(t, "send", errno);
    }
}

static size_t plain_pending(sn_transport *t)
{
    (void)t;
    return 0;
}

static void plain_free(sn_transport *t)
{
    sp_free(t->alloc, t);
}

static const sn_transport_ops plain_ops = {
    "plain", plain_handshake, plain_read, plain_write, plain_pending, plain_free,
};

sn_transport *sn_transport_plain_new(const samsa_allocator *alloc, int fd)
{
    sn_transport *t = sp_calloc(alloc, 1, sizeof *t);

    if (!t)
        return NULL;
    t->ops = &plain_ops;
    t->fd = fd;
    t->alloc = alloc;
    return t;
}
