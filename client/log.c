/* client/log.c - see log.h. */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

void sc_logger_init(sc_logger *lg, samsa_log_cb *cb, void *opaque,
                    uint32_t debug_mask)
{
    lg->cb = cb;
    lg->opaque = opaque;
    lg->debug_mask = debug_mask & SC_DBG_ALL ? UINT32_MAX : debug_mask;
}

void sc_log(const sc_logger *lg, int level, const char *ctx, const char *fmt, ...)
{
    char line[SC_LOG_LINE_MAX];
    va_list ap;

    if (!lg->cb)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    lg->cb(lg->opaque, level, ctx, line);
}
