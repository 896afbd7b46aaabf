/*
 * client/log.h - logging through the application's callback.
 *
 * Nothing is printed unless a log callback is set on the conf. DEBUG lines
 * are produced only for the contexts listed in the `debug` property (bit
 * masks below, in the order of its values), so a disabled debug line costs
 * one mask test. Messages are formatted into a stack buffer (truncated at
 * SC_LOG_LINE_MAX); credentials must never be passed in.
 * Thread rules: called on the loop thread (or the caller's thread before
 * the loop starts); the callback runs on that thread.
 */
#ifndef SC_LOG_H
#define SC_LOG_H

#include <stdint.h>

#include "samsa/client.h"

#define SC_LOG_LINE_MAX 512

/* Debug contexts: bit i = the i-th value of the `debug` property. */
enum {
    SC_DBG_ALL = 1u << 0,
    SC_DBG_BROKER = 1u << 1,
    SC_DBG_PROTOCOL = 1u << 2,
    SC_DBG_MSG = 1u << 3,
    SC_DBG_METADATA = 1u << 4,
    SC_DBG_PRODUCER = 1u << 5,
    SC_DBG_CONSUMER = 1u << 6,
    SC_DBG_CGRP = 1u << 7,
    SC_DBG_FETCH = 1u << 8,
    SC_DBG_SECURITY = 1u << 9,
    SC_DBG_QUEUE = 1u << 10
};

typedef struct sc_logger {
    samsa_log_cb *cb;
    void *opaque;
    uint32_t debug_mask; /* SC_DBG_* bits; ALL expands to every bit */
} sc_logger;

void sc_logger_init(sc_logger *lg, samsa_log_cb *cb, void *opaque,
                    uint32_t debug_mask);

#if defined(__GNUC__)
#define SC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SC_PRINTF(a, b)
#endif

/* Log at level (ERROR, WARNING, INFO) under context name ctx. */
void sc_log(const sc_logger *lg, int level, const char *ctx, const char *fmt, ...)
    SC_PRINTF(4, 5);

/* A debug line for context bit `dbg` (one SC_DBG_* value). */
#define sc_debug(lg, dbg, ctx, ...)                                            \
    do {                                                                       \
        if ((lg)->cb && ((lg)->debug_mask & (dbg)))                            \
            sc_log((lg), SAMSA_LOG_DEBUG, (ctx), __VA_ARGS__);                 \
    } while (0)

#endif
