/*
 * client/produce_enc.h - encode a Produce request body (v3-v13) without
 * copying the record batches: the bytes around them go to a small "glue"
 * writer and the body is described as pieces, in order, for
 * sn_request.segs. The result is byte for byte what sp_schema_encode()
 * writes for sp_msg_produce_req (test_produce_enc checks every version).
 *
 * Ownership: pieces point into the caller's batches (ptr) or at offsets of
 * glue (ptr NULL: glue->buf + off, valid once encoding is done and glue
 * no longer grows). Thread rules: none (pure function).
 */
#ifndef SC_PRODUCE_ENC_H
#define SC_PRODUCE_ENC_H

#include <stddef.h>
#include <stdint.h>

#include "reader.h"
#include "writer.h"

/* One partition's batch; consecutive entries of one topic share the same
 * topic pointer (they are grouped under it). */
typedef struct sc_produce_part {
    const char *topic;
    size_t topic_len;
    const sp_uuid *topic_id; /* v13+ */
    int32_t partition;
    const uint8_t *records;
    size_t len;
} sc_produce_part;

typedef struct sc_piece {
    const uint8_t *ptr; /* NULL: at glue->buf + off */
    size_t off;
    size_t len;
} sc_piece;

/* Room needed in pieces for nparts partitions. */
#define SC_PRODUCE_PIECES(nparts) (2 * (nparts) + 1)

/* transactional_id null. 0, SAMSA_ERR_INVALID_ARG (version) or the glue
 * writer's error. */
int sc_produce_encode(sp_writer *glue, sc_piece *pieces, size_t *npieces,
                      int16_t version, int16_t acks, int32_t timeout_ms,
                      const sc_produce_part *parts, size_t nparts);

#endif
