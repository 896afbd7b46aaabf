/*
 * protocol/header.h - frame size prefix, request and response headers.
 *
 * Every Kafka message travels as an int32 size followed by that many bytes.
 * Requests start with RequestHeader v0 (api key, version, correlation id),
 * v1 (adds a nullable client id) or v2 (v1 plus tagged fields, used by
 * flexible API versions). Responses start with ResponseHeader v0
 * (correlation id) or v1 (plus tagged fields). ApiVersions responses always
 * use header v0, whatever the request version.
 */
#ifndef SP_HEADER_H
#define SP_HEADER_H

#include <stdint.h>

#include "reader.h"
#include "writer.h"

typedef struct sp_request_header {
    int16_t api_key;
    int16_t api_version;
    int32_t correlation_id;
    sp_str client_id; /* null in v0 */
} sp_request_header;

/* Start a frame: write a placeholder size; returns its offset. */
size_t sp_frame_begin(sp_writer *w);
/* Finish the frame started at off: patch in the size of what follows it. */
void sp_frame_end(sp_writer *w, size_t off);

/*
 * Read the size prefix of a frame from buf. Returns 0 and sets *size when
 * 4 bytes are there; SAMSA_ERR_TRUNCATED when fewer; SAMSA_ERR_MALFORMED for
 * a negative size. The caller then checks *size against its own limit
 * before allocating anything.
 */
int sp_frame_size(const uint8_t *buf, size_t len, int32_t *size);

void sp_write_request_header(sp_writer *w, int hdr_version, int16_t api_key,
                             int16_t api_version, int32_t correlation_id,
                             const char *client_id);
/* Decode a request header (for test servers and fuzzing). */
int sp_read_request_header(sp_reader *r, int hdr_version,
                           sp_request_header *out);

void sp_write_response_header(sp_writer *w, int hdr_version,
                              int32_t correlation_id);
int sp_read_response_header(sp_reader *r, int hdr_version,
                            int32_t *correlation_id);

#endif
