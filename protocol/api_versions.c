/* protocol/api_versions.c - see api_versions.h. */
#include "api_versions.h"

#define FLEXIBLE_FROM 3
#define MAX_VERSION 5

int sp_api_versions_req_encode(sp_writer *w, int16_t version,
                               const sp_api_versions_req *req)
{
    if (version < 0 || version > MAX_VERSION)
        return SAMSA_ERR_INVALID_ARG;
    if (version >= FLEXIBLE_FROM) {
        sp_write_compact_str(w, req->client_software_name);
        sp_write_compact_str(w, req->client_software_version);
        if (version >= 5) {
            sp_write_compact_nstr(w, req->cluster_id);
            sp_write_i32(w, req->node_id);
        }
        sp_write_empty_tags(w);
    }
    return w->err;
}

struct tag_ctx {
    sp_api_versions_resp *out;
    sp_arena *arena;
};

static sp_feature_range *read_features(sp_reader *r, sp_arena *arena,
                                       int32_t *count, bool finalized)
{
    int32_t n = sp_read_compact_array_len(r, SP_API_VERSIONS_MAX_ENTRIES);
    sp_feature_range *f;
    int32_t i;

    *count = 0;
    if (n <= 0)
        return NULL;
    f = (sp_feature_range *)sp_arena_array(arena, (size_t)n, sizeof *f);
    if (!f) {
        sp_reader_fail(r, arena->err);
        return NULL;
    }
    for (i = 0; i < n && !r->err; i++) {
        f[i].name = sp_read_compact_string(r);
        if (finalized) { /* max level comes first on the wire */
            f[i].max_version = sp_read_i16(r);
            f[i].min_version = sp_read_i16(r);
        } else {
            f[i].min_version = sp_read_i16(r);
            f[i].max_version = sp_read_i16(r);
        }
        sp_read_tagged_fields(r, NULL, NULL);
    }
    *count = n;
    return f;
}

static int on_tag(void *vctx, uint32_t tag, sp_reader *field)
{
    struct tag_ctx *ctx = (struct tag_ctx *)vctx;
    sp_api_versions_resp *out = ctx->out;

    switch (tag) {
    case 0:
        out->supported_features.items = read_features(
            field, ctx->arena, &out->supported_features.count, false);
        return field->err;
    case 1:
        out->finalized_features_epoch = sp_read_i64(field);
        return field->err;
    case 2:
        out->finalized_features.items = read_features(
            field, ctx->arena, &out->finalized_features.count, true);
        return field->err;
    case 3:
        out->zk_migration_ready = sp_read_bool(field);
        return field->err;
    default:
        return 1;
    }
}

int sp_api_versions_resp_decode(sp_api_versions_resp *out, sp_arena *arena,
                                const uint8_t *buf, size_t len,
                                int16_t version)
{
    sp_reader r;
    int32_t n, i;
    bool flexible;

    memset(out, 0, sizeof *out);
    out->finalized_features_epoch = -1;
    if (version < 0 || version > MAX_VERSION)
        return SAMSA_ERR_INVALID_ARG;
    sp_reader_init(&r, buf, len);
    out->error_code = sp_read_i16(&r);
    /* an unsupported-version answer is always a v0 body */
    if (out->error_code == SAMSA_ERR_UNSUPPORTED_VERSION)
        version = 0;
    flexible = version >= FLEXIBLE_FROM;
    n = flexible ? sp_read_compact_array_len(&r, SP_API_VERSIONS_MAX_ENTRIES)
                 : sp_read_array_len(&r, SP_API_VERSIONS_MAX_ENTRIES);
    if (n < 0 && !r.err)
        n = 0; /* null array: treat as empty */
    if (n > 0) {
        out->api_keys.items = (sp_api_version_range *)sp_arena_array(
            arena, (size_t)n, sizeof *out->api_keys.items);
        if (!out->api_keys.items)
            return sp_reader_fail(&r, arena->err);
    }
    for (i = 0; i < n && !r.err; i++) {
        out->api_keys.items[i].api_key = sp_read_i16(&r);
        out->api_keys.items[i].min_version = sp_read_i16(&r);
        out->api_keys.items[i].max_version = sp_read_i16(&r);
        if (flexible)
            sp_read_tagged_fields(&r, NULL, NULL);
    }
    out->api_keys.count = r.err ? 0 : n;
    if (version >= 1)
        out->throttle_time_ms = sp_read_i32(&r);
    if (flexible) {
        struct tag_ctx ctx = { out, arena };
        sp_read_tagged_fields(&r, on_tag, &ctx);
    }
    return sp_reader_finish(&r);
}

static void write_features(sp_writer *w, const sp_feature_range *f,
                           int32_t n, bool finalized)
{
    int32_t i;

    sp_write_compact_array_len(w, n);
    for (i = 0; i < n; i++) {
        sp_write_compact_string(w, f[i].name.ptr, (size_t)f[i].name.len);
        sp_write_i16(w, finalized ? f[i].max_version : f[i].min_version);
        sp_write_i16(w, finalized ? f[i].min_version : f[i].max_version);
        sp_write_empty_tags(w);
    }
}

/* Write one tagged field whose body is produced into a scratch writer. */
static void write_tag(sp_writer *w, uint32_t tag, const sp_writer *body)
{
    sp_write_uvarint(w, tag);
    sp_write_uvarint(w, (uint32_t)body->len);
    sp_write_raw(w, body->buf, body->len);
}

int sp_api_versions_resp_encode(sp_writer *w, int16_t version,
                                const sp_api_versions_resp *resp)
{
    bool flexible;
    int32_t i;

    if (version < 0 || version > MAX_VERSION)
        return SAMSA_ERR_INVALID_ARG;
    if (resp->error_code == SAMSA_ERR_UNSUPPORTED_VERSION)
        version = 0;
    flexible = version >= FLEXIBLE_FROM;
    sp_write_i16(w, resp->error_code);
    if (flexible)
        sp_write_compact_array_len(w, resp->api_keys.count);
    else
        sp_write_array_len(w, resp->api_keys.count);
    for (i = 0; i < resp->api_keys.count; i++) {
        sp_write_i16(w, resp->api_keys.items[i].api_key);
        sp_write_i16(w, resp->api_keys.items[i].min_version);
        sp_write_i16(w, resp->api_keys.items[i].max_version);
        if (flexible)
            sp_write_empty_tags(w);
    }
    if (version >= 1)
        sp_write_i32(w, resp->throttle_time_ms);
    if (flexible) {
        sp_writer tmp;
        uint32_t ntags = 0;

        ntags += resp->supported_features.count > 0;
        ntags += resp->finalized_features_epoch != -1;
        ntags += resp->finalized_features.count > 0;
        ntags += resp->zk_migration_ready;
        sp_write_uvarint(w, ntags);
        sp_writer_init(&tmp, w->alloc, w->max);
        if (resp->supported_features.count > 0) {
            write_features(&tmp, resp->supported_features.items,
                           resp->supported_features.count, false);
            write_tag(w, 0, &tmp);
            sp_writer_reset(&tmp);
        }
        if (resp->finalized_features_epoch != -1) {
            sp_write_i64(&tmp, resp->finalized_features_epoch);
            write_tag(w, 1, &tmp);
            sp_writer_reset(&tmp);
        }
        if (resp->finalized_features.count > 0) {
            write_features(&tmp, resp->finalized_features.items,
                           resp->finalized_features.count, true);
            write_tag(w, 2, &tmp);
            sp_writer_reset(&tmp);
        }
        if (resp->zk_migration_ready) {
            sp_write_bool(&tmp, true);
            write_tag(w, 3, &tmp);
        }
        if (tmp.err)
            sp_writer_fail(w, tmp.err);
        sp_writer_free(&tmp);
    }
    return w->err;
}

const sp_api_version_range *
sp_api_versions_find(const sp_api_versions_resp *resp, int16_t api_key)
{
    int32_t i;

    for (i = 0; i < resp->api_keys.count; i++)
        if (resp->api_keys.items[i].api_key == api_key)
            return &resp->api_keys.items[i];
    return NULL;
}
