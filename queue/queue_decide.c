/* queue/queue_decide.c - what a finished attempt leads to, and reading
 * the numbers in the queue's own headers (see queue_int.h). Pure: the
 * dispatcher's policy in one place, unit-tested and fuzzed. */
#include "queue_int.h"
#include "samsa/error.h"

int sq_parse_dec(const void *v, size_t len, int64_t *out)
{
    const char *s = v;
    int64_t x = 0;
    size_t i = 0;
    bool neg = false;

    if (!s || len == 0 || len > 20)
        return SAMSA_ERR_MALFORMED;
    if (s[0] == '-') {
        neg = true;
        i = 1;
        if (len == 1)
            return SAMSA_ERR_MALFORMED;
    }
    for (; i < len; i++) {
        int d = s[i] - '0';

        if (d < 0 || d > 9 || x > (INT64_MAX - d) / 10)
            return SAMSA_ERR_MALFORMED;
        x = x * 10 + d;
    }
    *out = neg ? -x : x;
    return 0;
}

static int exhausted(const sq_conf_vals *v)
{
    switch (v->on_exhausted) {
    case SQ_EXH_BLOCK:
        return SQ_ACT_BLOCK;
    case SQ_EXH_STOP:
        return SQ_ACT_STOP;
    default:
        return SQ_ACT_DLQ;
    }
}

int sq_decide(const sq_conf_vals *v, samsa_queue_result result,
              uint32_t attempt, int level)
{
    if (result == SAMSA_QUEUE_OK)
        return SQ_ACT_DONE;
    if (result != SAMSA_QUEUE_RETRY)
        return exhausted(v);
    if (v->nlevels > 0)
        return level + 1 < v->nlevels ? SQ_ACT_RETRY_TOPIC : exhausted(v);
    return (int64_t)attempt < v->retry_max_attempts ? SQ_ACT_RETRY_IN_PLACE
                                                    : exhausted(v);
}
