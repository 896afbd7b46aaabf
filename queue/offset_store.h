/*
 * queue/offset_store.h - where a queue without a consumer group keeps its
 * committed offsets (partitions it assigns itself), behind a small ops
 * table so applications can plug in their own (a database row, a KV store).
 *
 * The default is a file: the whole table is written to "<path>.tmp",
 * fsync'd, renamed over <path>, and the directory fsync'd, so after a
 * crash at any point the file holds either the old or the new table,
 * never a mix. The file is text:
 *     samsa-offsets 1
 *     <partition> <offset> <topic>        one line per entry, sorted
 *     end <entries> <crc32c of everything above, 8 hex digits>
 * A file that does not parse, or whose count or checksum is wrong, is
 * refused with SAMSA_ERR_MALFORMED and a message naming the line; it is
 * never half-loaded. A missing file is an empty table. A stale
 * "<path>.tmp" left by a crash is ignored and overwritten.
 *
 * Topics must be legal Kafka names (1..249 of [a-zA-Z0-9._-]); partitions
 * and offsets non-negative.
 * Thread rules: one thread at a time per store.
 */
#ifndef SQ_OFFSET_STORE_H
#define SQ_OFFSET_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "samsa/alloc.h"

typedef struct sq_offset_entry {
    const char *topic; /* NUL-terminated; borrowed for the call */
    int32_t partition;
    int64_t offset;    /* next offset to process, as Kafka commits */
} sq_offset_entry;

typedef struct sq_offset_store_ops {
    /* 0 with *offset, NOT_FOUND when nothing is stored for it. */
    int (*load)(void *self, const char *topic, int32_t partition, int64_t *offset);
    /* Store every entry durably, all or none (later duplicates win). */
    int (*save)(void *self, const sq_offset_entry *e, size_t n);
    /* Detail of the last failure ("" when none); valid until the next call. */
    const char *(*errstr)(void *self);
    /* Release everything; self is invalid afterwards. */
    void (*close)(void *self);
} sq_offset_store_ops;

typedef struct sq_offset_store {
    const sq_offset_store_ops *ops;
    void *self;
} sq_offset_store;

#define SQ_FILE_STORE_MAX_BYTES   (64u << 20)
#define SQ_FILE_STORE_MAX_ENTRIES (1u << 20)
#define SQ_FILE_STORE_MAX_PATH    4000u

/*
 * Open (and load) the file store at path. On failure *out is empty and,
 * when err is given, err holds a message (errlen bytes, NUL-terminated):
 * MALFORMED (corrupt file), IO (cannot read), LIMIT (over the caps),
 * INVALID_ARG (path), NO_MEMORY. Close with out->ops->close(out->self).
 */
int sq_file_store_open(sq_offset_store *out, const samsa_allocator *alloc,
                       const char *path, char *err, size_t errlen);

/* Legal Kafka topic name? */
int sq_topic_name_ok(const char *topic);

#endif
