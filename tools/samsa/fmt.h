/*
 * tools/samsa/fmt.h - the output formatter shared by the modes: kcat-style
 * format strings for messages, and JSON (one object per line; bytes that
 * are not valid UTF-8 are written as base64 in a "<field>_base64" member
 * instead of "<field>").
 *
 * All writers go to a FILE the caller owns; none keeps pointers.
 */
#ifndef SAMSA_CLI_FMT_H
#define SAMSA_CLI_FMT_H

#include <stddef.h>
#include <stdio.h>

#include "samsa/consumer.h"

/* Check a -f format: 0, or -1 with the unknown %-letter in *bad. */
int fmt_check(const char *fmt, char *bad);

/*
 * Write m with fmt: %t topic, %p partition, %o offset, %k key, %K key
 * length, %s value, %S value length, %h headers (name=value,...), %T
 * timestamp (ms), %%, and the escapes \n \t \r \\ \0. A null key or value
 * prints as nothing (length -1).
 */
void fmt_message(FILE *out, const char *fmt, const samsa_message *m);

/* {"topic":..,"partition":..,"offset":..,"timestamp":..,"timestamp_type":
 *  "create"|"log_append"|"none","key":..,"value":..,"headers":[{"name":..,
 *  "value":..}]} and a newline. */
void fmt_json_message(FILE *out, const samsa_message *m);

/* True when buf[0..len) is valid UTF-8 (shortest forms, no surrogates;
 * NUL is allowed: JSON escapes it). */
int fmt_utf8_valid(const unsigned char *buf, size_t len);

/* A JSON string literal (quotes included) of buf, which must be UTF-8. */
void fmt_json_str(FILE *out, const void *buf, size_t len);

/* "name":<string> or "name_base64":"..." or "name":null for bytes. */
void fmt_json_bytes_member(FILE *out, const char *name, const void *buf,
                           size_t len);

/* Base64 (RFC 4648, padded) of buf. */
void fmt_base64(FILE *out, const void *buf, size_t len);

#endif
