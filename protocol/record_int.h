/*
 * protocol/record_int.h - internal split of record_batch.h between
 * record_batch_decode.c (framing, magic 2 headers), record_legacy.c
 * (magic 0/1 messages) and record_iter.c (records). Contracts as in
 * record_batch.h for the public calls these serve.
 */
#ifndef SP_RECORD_INT_H
#define SP_RECORD_INT_H

#include "record_batch.h"

/* Minimum encoded record (magic 2): length, attributes, timestamp delta,
 * offset delta, key length, value length, header count: a byte each. */
#define SP_RECORD_MIN_SIZE 7

/* One legacy message at buf (magic byte already seen to be 0 or 1). */
int sp_legacy_decode(const uint8_t *buf, size_t len, bool check_crc,
                     sp_batch *b, size_t *used);
int sp_legacy_records(const sp_batch *b, sp_writer *scratch, sp_records *rs);
int sp_legacy_next(sp_records *rs, sp_record *rec);

#endif
