/* test/support/samsa_test.c - see samsa_test.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "samsa_test.h"

const char *st_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

const char *st_require_env_(const char *var, const char *test)
{
    const char *v = st_env(var);

    if (!v) {
        printf("# SKIP %s: %s is not set (no broker; `make test` starts one)\n",
               test, var);
        skip();
    }
    return v;
}

int st_tcp_connect(const char *hostport, int timeout_ms)
{
    char host[256], *colon, *comma;
    struct addrinfo hints, *res = NULL, *ai;
    int fd = -1;

    snprintf(host, sizeof host, "%s", hostport);
    comma = strchr(host, ',');
    if (comma)
        *comma = '\0';
    colon = strrchr(host, ':');
    if (!colon)
        return -1;
    *colon = '\0';
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
        return -1;
    for (ai = res; ai; ai = ai->ai_next) {
        struct pollfd pfd;
        int err = 0;
        socklen_t el = sizeof err;

        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK, 0);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS)
            goto next;
        pfd.fd = fd;
        pfd.events = POLLOUT;
        if (poll(&pfd, 1, timeout_ms) != 1)
            goto next;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err)
            goto next;
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        break;
    next:
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int st_send_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int recv_exact(int fd, unsigned char *p, size_t len, int timeout_ms)
{
    while (len) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        ssize_t n;

        if (poll(&pfd, 1, timeout_ms) != 1)
            return -1;
        n = recv(fd, p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

long st_recv_frame(int fd, unsigned char **body, int timeout_ms)
{
    unsigned char hdr[4];
    uint32_t size;

    *body = NULL;
    if (recv_exact(fd, hdr, 4, timeout_ms) != 0)
        return -1;
    size = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
           (uint32_t)hdr[2] << 8 | hdr[3];
    if (size > 64u << 20)
        return -1;
    *body = malloc(size ? size : 1);
    if (!*body)
        return -1;
    if (recv_exact(fd, *body, size, timeout_ms) != 0) {
        free(*body);
        *body = NULL;
        return -1;
    }
    return (long)size;
}

const unsigned char *st_guard_copy(const void *data, size_t len)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t span = ((len + (size_t)page - 1) / (size_t)page + 1) * (size_t)page;
    unsigned char *base = mmap(NULL, span, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *p;

    if (base == MAP_FAILED)
        return NULL;
    if (mprotect(base + span - (size_t)page, (size_t)page, PROT_NONE) != 0) {
        munmap(base, span);
        return NULL;
    }
    p = base + span - (size_t)page - len;
    if (len)
        memcpy(p, data, len);
    return p;
}

void st_guard_free(const unsigned char *p, size_t len)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t span = ((len + (size_t)page - 1) / (size_t)page + 1) * (size_t)page;
    unsigned char *base;

    if (!p)
        return;
    base = (unsigned char *)p + len + (size_t)page - span;
    munmap(base, span);
}

static void *fa_alloc(void *ctx, size_t n)
{
    st_fail_alloc *fa = ctx;
    void *p;

    fa->calls++;
    if (fa->fail_at && fa->calls == fa->fail_at)
        return NULL;
    p = malloc(n);
    if (p) {
        fa->live++;
        fa->bytes += n;
    }
    return p;
}

static void *fa_realloc(void *ctx, void *old, size_t n)
{
    st_fail_alloc *fa = ctx;
    void *p;

    fa->calls++;
    if (fa->fail_at && fa->calls == fa->fail_at)
        return NULL;
    p = realloc(old, n);
    if (p) {
        if (!old)
            fa->live++;
        fa->bytes += n;
    }
    return p;
}

static void fa_free(void *ctx, void *p)
{
    st_fail_alloc *fa = ctx;

    if (p)
        fa->live--;
    free(p);
}

void st_fail_alloc_init(st_fail_alloc *fa, long fail_at)
{
    memset(fa, 0, sizeof *fa);
    fa->alloc.alloc = fa_alloc;
    fa->alloc.realloc = fa_realloc;
    fa->alloc.free = fa_free;
    fa->alloc.ctx = fa;
    fa->fail_at = fail_at;
}

int64_t st_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
