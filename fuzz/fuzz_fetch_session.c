/*
 * Fuzz target: the client side of a KIP-227 fetch session
 * (client/fetch_session.c) fed decoded Fetch responses it did not expect:
 * unknown topics and ids, partitions twice, missing ones, odd session ids
 * and error codes, throttles, across full and incremental rounds.
 *
 * Input: byte 0 picks the version (7, 12, 13 or 18) and byte 1 the wanted
 * partitions (a bit each over topics "a", "b", "c" x partitions 0-2, plus
 * offset changes); then responses, each a 2-byte big-endian length and that
 * many bytes of a Fetch response body at that version. After each
 * response a new request is built; its session epoch must be 0 exactly
 * when the session says the next request is full, and it must encode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../client/fetch_session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const topics[3] = { "a", "b", "c" };

static void want(sc_fetch_session *fs, unsigned mask, int64_t shift)
{
    int t, p;

    sc_fs_begin(fs);
    for (t = 0; t < 3; t++)
        for (p = 0; p < 3; p++) {
            sc_fs_part fp;

            if (!(mask & (1u << (t * 3 + p))))
                continue;
            memset(&fp, 0, sizeof fp);
            fp.topic = topics[t];
            fp.topic_id.b[0] = (uint8_t)(t + 1);
            fp.partition = p;
            fp.fetch_offset = 100 * p + shift;
            fp.log_start_offset = -1;
            fp.current_leader_epoch = -1;
            fp.last_fetched_epoch = -1;
            fp.max_bytes = 1 << 20;
            if (sc_fs_want(fs, &fp) != 0)
                abort();
        }
}

static void build(sc_fetch_session *fs, int16_t v)
{
    sp_fetch_req req;
    sp_arena arena;
    sp_writer w;
    bool full = sc_fs_next_is_full(fs);
    int rc;

    memset(&req, 0, sizeof req);
    sp_arena_init(&arena, NULL, 1 << 20);
    rc = sc_fs_build(fs, v, &req, &arena);
    if (rc != 0)
        abort();
    if (v >= 7 && (req.session_epoch == 0) != full)
        abort();
    req.cluster_id.len = -1;
    req.replica_id = -1;
    req.rack_id = sp_str_of("");
    sp_writer_init(&w, NULL, 1 << 20);
    if (sp_schema_encode(&w, &sp_msg_fetch_req, v, &req) != 0)
        abort();
    sp_writer_free(&w);
    sp_arena_free(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int16_t versions[4] = { 7, 12, 13, 18 };
    sc_fetch_session fs;
    int16_t v;
    unsigned mask;
    int round = 0;

    if (size < 2)
        return 0;
    v = versions[data[0] & 3];
    mask = data[1] | ((unsigned)(data[0] >> 2) << 8);
    data += 2;
    size -= 2;
    sc_fs_init(&fs, NULL);
    want(&fs, mask, 0);
    build(&fs, v);
    while (size >= 2 && round < 16) {
        size_t len = ((size_t)data[0] << 8) | data[1];
        sp_fetch_resp resp;
        sp_arena arena;
        uint8_t *copy;

        data += 2;
        size -= 2;
        if (len > size)
            len = size;
        copy = malloc(len ? len : 1);
        if (!copy)
            break;
        memcpy(copy, data, len);
        sp_arena_init(&arena, NULL, 1 << 20);
        if (sp_schema_decode(&sp_msg_fetch_resp, v, &resp, &arena, copy, len) == 0) {
            (void)sc_fs_response(&fs, &resp, v);
        } else {
            sc_fs_failed(&fs);
        }
        if (fs.in_flight)
            abort();
        sp_arena_free(&arena);
        free(copy);
        data += len;
        size -= len;
        /* the next round wants a little less or more, offsets move */
        round++;
        want(&fs, mask ^ (round & 1 ? 1u << (round % 9) : 0), round);
        build(&fs, v);
    }
    sc_fs_failed(&fs);
    sc_fs_free(&fs);
    return 0;
}
