/* test/support/samsa_test_kafka.c - see samsa_test_kafka.h. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "samsa_test_kafka.h"
#include "header.h"

#define CALL_TIMEOUT_MS 30000

static int32_t next_corr = 1;

static int send_request(int fd, int16_t key, int16_t version, int32_t corr,
                        const void *req, const sp_msg_desc *desc)
{
    sp_writer w;
    size_t frame;
    int rc;

    sp_writer_init(&w, NULL, 64 << 20);
    frame = sp_frame_begin(&w);
    sp_write_request_header(&w, sp_api_request_header_version(key, version),
                            key, version, corr, "samsa-test");
    rc = sp_schema_encode(&w, desc, version, req);
    sp_frame_end(&w, frame);
    if (rc == 0)
        rc = w.err;
    if (rc == 0 && st_send_all(fd, w.buf, w.len) != 0)
        rc = SAMSA_ERR_TRANSPORT;
    sp_writer_free(&w);
    return rc;
}

static int read_response(int fd, int16_t key, int16_t version, int32_t corr,
                         st_call *c)
{
    sp_reader r;
    int32_t got;

    c->frame_len = st_recv_frame(fd, &c->frame, CALL_TIMEOUT_MS);
    if (c->frame_len < 0)
        return SAMSA_ERR_TRANSPORT;
    sp_reader_init(&r, c->frame, (size_t)c->frame_len);
    if (sp_read_response_header(&r, sp_api_response_header_version(key, version), &got) != 0)
        return r.err;
    if (got != corr)
        return SAMSA_ERR_PROTOCOL;
    c->body = r.p;
    c->body_len = sp_reader_left(&r);
    return 0;
}

int st_kafka_call(int fd, int16_t key, int16_t version, const void *req,
                  void *resp, st_call *c)
{
    const sp_api *api = sp_api_get(key);
    int32_t corr = next_corr++;
    int rc;

    memset(c, 0, sizeof *c);
    sp_arena_init(&c->arena, NULL, 256 << 20);
    if (!api)
        return SAMSA_ERR_NOT_SUPPORTED;
    rc = send_request(fd, key, version, corr, req, api->req);
    if (rc == 0)
        rc = read_response(fd, key, version, corr, c);
    if (rc == 0)
        rc = sp_schema_decode(api->resp, version, resp, &c->arena, c->body, c->body_len);
    return rc;
}

void st_call_free(st_call *c)
{
    free(c->frame);
    c->frame = NULL;
    sp_arena_free(&c->arena);
}

int st_broker_versions(int fd, sp_api_versions_resp *out, st_call *c)
{
    sp_api_versions_req_view req = { sp_str_of("samsa-test"), sp_str_of("0.1.0"),
                                     { NULL, -1 }, -1 };
    int rc = st_kafka_call(fd, 18, 3, &req, out, c);

    if (rc == 0 && out->error_code == SAMSA_ERR_UNSUPPORTED_VERSION) {
        st_call_free(c);
        rc = st_kafka_call(fd, 18, 0, &req, out, c);
    }
    return rc;
}

int st_common_versions(const sp_api_versions_resp *broker, int16_t key,
                       int16_t *lo, int16_t *hi)
{
    const sp_api *a = sp_api_get(key);
    const sp_api_version_range *b = sp_api_versions_find(broker, key);

    if (!a || !b)
        return 0;
    *lo = a->vmin > b->min_version ? a->vmin : b->min_version;
    *hi = a->vmax < b->max_version ? a->vmax : b->max_version;
    /* 4.x lists Produce from v0 but rejects v0-v2; samsa's min covers it */
    return *lo <= *hi;
}

void st_capture_response(int16_t key, int16_t version, const st_call *c)
{
    const char *dir = st_env("SAMSA_TEST_CAPTURE_DIR");
    char path[4096];
    unsigned char hdr[4];
    FILE *f;

    if (!dir || !c->body)
        return;
    snprintf(path, sizeof path, "%s/api%02d-v%02d", dir, key, version);
    f = fopen(path, "wb");
    if (!f)
        return;
    hdr[0] = (unsigned char)(key >> 8);
    hdr[1] = (unsigned char)key;
    hdr[2] = (unsigned char)(version >> 8);
    hdr[3] = (unsigned char)version;
    fwrite(hdr, 1, 4, f);
    fwrite(c->body, 1, c->body_len, f);
    fclose(f);
}
