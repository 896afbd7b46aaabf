/*
 * client/partitioner.h - choosing a partition for a record.
 *
 *  default            Java-compatible: murmur2 of the key, sign bit masked,
 *                     modulo the partition count; keyless records use the
 *                     uniform sticky partitioner (KIP-794): one partition
 *                     until about batch.size bytes went to it, then another.
 *  consistent_random  librdkafka's default: CRC-32 of the key; keyless random.
 *  random             any partition, uniformly.
 *  round_robin        partitions in turn.
 *
 * The state (sticky choice, round-robin cursor, random generator) lives in
 * a caller-owned sc_partitioner, one per topic; no global state.
 * Thread rules: one thread at a time per sc_partitioner.
 */
#ifndef SC_PARTITIONER_H
#define SC_PARTITIONER_H

#include <stddef.h>
#include <stdint.h>

enum sc_partitioner_kind {
    SC_PART_DEFAULT = 0,
    SC_PART_CONSISTENT_RANDOM,
    SC_PART_RANDOM,
    SC_PART_ROUND_ROBIN
};

typedef struct sc_partitioner {
    int kind;
    int32_t sticky;         /* current sticky partition, -1 = none yet */
    int64_t sticky_bytes;   /* bytes sent to it since it was chosen */
    int64_t batch_size;     /* switch after this many bytes */
    uint32_t rr;            /* round-robin cursor */
    uint64_t rng;           /* xorshift state, never 0 */
} sc_partitioner;

void sc_partitioner_init(sc_partitioner *p, int kind, int64_t batch_size,
                         uint64_t seed);

/* Kafka's murmur2 (the Java client's Utils.murmur2), as a signed int. */
int32_t sc_murmur2(const void *key, size_t len);
/* CRC-32 (IEEE 802.3, as zlib's crc32), for consistent_random. */
uint32_t sc_crc32(const void *key, size_t len);

/*
 * Partition for a record of `size` bytes with key (NULL = no key) among
 * nparts partitions (nparts >= 1). `available` (may be NULL) marks
 * partitions that have a leader; keyless records avoid the others when
 * any is available, keyed records never do (their partition is fixed).
 */
int32_t sc_partition(sc_partitioner *p, const void *key, size_t keylen,
                     size_t size, int32_t nparts, const uint8_t *available);

#endif
