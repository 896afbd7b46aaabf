/*
 * samsa-probe HOST:PORT - connect to a broker, run ApiVersions (v3, falling
 * back to v0) with samsa's protocol code, and print for every API samsa
 * implements the broker's range, samsa's range and the version they agree
 * on. A first look at a cluster, and `make demo`'s round trip.
 *
 * It uses a plain blocking socket on purpose: it is a one-shot tool.
 */
#define _GNU_SOURCE
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "samsa.h"
#include "api.h"
#include "api_versions.h"
#include "header.h"

static int dial(const char *hostport)
{
    char host[256], *colon;
    struct addrinfo hints, *res, *ai;
    struct timeval tv = { 10, 0 };
    int fd = -1;

    snprintf(host, sizeof host, "%s", hostport);
    colon = strrchr(host, ':');
    if (!colon)
        return -1;
    *colon = '\0';
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
        return -1;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, 0);
        if (fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

static int io_all(int fd, void *buf, size_t len, int sending)
{
    unsigned char *p = buf;

    while (len) {
        ssize_t n = sending ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* One ApiVersions exchange; *frame is malloc'd and owns what *out views. */
static int api_versions(int fd, int16_t v, sp_api_versions_resp *out,
                        sp_arena *arena, unsigned char **frame)
{
    sp_api_versions_req req = { "samsa-probe", SAMSA_VERSION_STRING, NULL, -1 };
    unsigned char hdr[4];
    sp_writer w;
    sp_reader r;
    int32_t size, corr;
    size_t off;
    int rc;

    sp_writer_init(&w, NULL, 4096);
    off = sp_frame_begin(&w);
    sp_write_request_header(&w, sp_api_request_header_version(18, v), 18, v, 1, "samsa-probe");
    sp_api_versions_req_encode(&w, v, &req);
    sp_frame_end(&w, off);
    rc = w.err ? w.err : io_all(fd, w.buf, w.len, 1) ? SAMSA_ERR_TRANSPORT : 0;
    sp_writer_free(&w);
    if (rc)
        return rc;
    if (io_all(fd, hdr, 4, 0))
        return SAMSA_ERR_TRANSPORT;
    if ((rc = sp_frame_size(hdr, 4, &size)) != 0)
        return rc;
    if (size > (1 << 20))
        return SAMSA_ERR_FRAME_TOO_LARGE;
    *frame = malloc(size ? (size_t)size : 1);
    if (!*frame)
        return SAMSA_ERR_NO_MEMORY;
    if (io_all(fd, *frame, (size_t)size, 0))
        return SAMSA_ERR_TRANSPORT;
    sp_reader_init(&r, *frame, (size_t)size);
    if ((rc = sp_read_response_header(&r, 0, &corr)) != 0)
        return rc;
    return sp_api_versions_resp_decode(out, arena, r.p, sp_reader_left(&r), v);
}

int main(int argc, char **argv)
{
    sp_api_versions_resp resp;
    unsigned char *frame = NULL;
    const sp_api *a;
    sp_arena arena;
    size_t i;
    int fd, rc;

    if (argc != 2) {
        fprintf(stderr, "usage: %s HOST:PORT\n", argv[0]);
        return 2;
    }
    fd = dial(argv[1]);
    if (fd < 0) {
        fprintf(stderr, "samsa-probe: cannot connect to %s\n", argv[1]);
        return 1;
    }
    sp_arena_init(&arena, NULL, 1 << 20);
    rc = api_versions(fd, 3, &resp, &arena, &frame);
    close(fd);
    if (rc == 0 && resp.error_code) {
        rc = resp.error_code;
    }
    if (rc) {
        fprintf(stderr, "samsa-probe: ApiVersions failed: %s (%s)\n",
                samsa_err_name(rc), samsa_err_str(rc));
        free(frame);
        sp_arena_free(&arena);
        return 1;
    }
    printf("broker %s answered ApiVersions v3: %d APIs\n", argv[1], resp.api_keys.count);
    printf("%4s  %-24s %8s %8s %6s\n", "key", "API", "broker", "samsa", "use");
    for (i = 0; (a = sp_api_at(i)); i++) {
        const sp_api_version_range *b = sp_api_versions_find(&resp, a->key);
        char br[16] = "-", us[16], pick[16] = "none";
        int16_t v;

        if (b) {
            snprintf(br, sizeof br, "%d-%d", b->min_version, b->max_version);
            if (sp_api_pick_version(a->key, b->min_version, b->max_version, &v) == 0)
                snprintf(pick, sizeof pick, "v%d", v);
        }
        snprintf(us, sizeof us, "%d-%d", a->vmin, a->vmax);
        printf("%4d  %-24s %8s %8s %6s\n", a->key, a->name, br, us, pick);
    }
    free(frame);
    sp_arena_free(&arena);
    return 0;
}
