/*
 * protocol/codec_int.h - internal glue between codec.c and the per-codec
 * files (codec_gzip.c, codec_snappy.c, codec_lz4.c, codec_zstd.c).
 *
 * Every sp_<codec>_compress/_decompress function has the contract of
 * sp_compress/sp_decompress in codec.h, minus the dispatch: the writer has
 * no sticky error on entry, and on failure the caller (codec.c) restores
 * the writer's length and clears its error, so a failed call leaves the
 * writer's contents as they were (its capacity may have grown).
 * A codec compiled out has no functions here: codec.c answers
 * SAMSA_ERR_NOT_SUPPORTED itself.
 */
#ifndef SP_CODEC_INT_H
#define SP_CODEC_INT_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "writer.h"

/*
 * Room to stream decompressed output into: on success *dst points at the end
 * of w and *n (>= 1) bytes may be written there (the caller then adds what
 * it wrote to w->len). Returns SAMSA_ERR_TOO_LARGE when w is at its cap,
 * SAMSA_ERR_NO_MEMORY when growing failed. want is a hint (the chunk size).
 */
int sp_codec_room(sp_writer *w, size_t want, uint8_t **dst, size_t *n);

/* n contiguous bytes at the end of w for a compressor's worst case:
 * SAMSA_ERR_BUFFER_FULL when they would pass the cap. */
int sp_codec_reserve(sp_writer *w, size_t n, uint8_t **dst);

/* Streaming decoders read output in chunks of this size. */
#define SP_CODEC_CHUNK ((size_t)64 * 1024)

int sp_gzip_compress(int level, const uint8_t *in, size_t len, sp_writer *out);
int sp_gzip_decompress(const uint8_t *in, size_t len, sp_writer *out);
int sp_snappy_compress(int level, const uint8_t *in, size_t len, sp_writer *out);
int sp_snappy_decompress(const uint8_t *in, size_t len, sp_writer *out);
int sp_lz4_compress(int level, const uint8_t *in, size_t len, sp_writer *out);
int sp_lz4_decompress(const uint8_t *in, size_t len, sp_writer *out);
/*
 * LZ4 as written into magic 0 message sets by Kafka 0.8/0.9 clients, whose
 * frame header checksum wrongly covered the 4 magic bytes too (KIP-57).
 * Accepts that broken checksum (and a correct one) in the frame header.
 */
int sp_lz4_decompress_legacy(const uint8_t *in, size_t len, sp_writer *out);
/* sp_decompress() for magic 0 LZ4 (see sp_lz4_decompress_legacy), with
 * the same checks and restore-on-failure; NOT_SUPPORTED without lz4. */
int sp_decompress_lz4_legacy(const uint8_t *in, size_t len, sp_writer *out);

/* ctx may be NULL (a context only for this call); see sp_compress_ctx. */
int sp_zstd_compress(sp_codec_ctx *ctx, int level, const uint8_t *in, size_t len,
                     sp_writer *out);
/* Free a context sp_zstd_compress left in an sp_codec_ctx. */
void sp_zstd_cctx_free(void *cctx);
int sp_zstd_decompress(const uint8_t *in, size_t len, sp_writer *out);

#endif
