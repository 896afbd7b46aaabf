/* queue/queue_decide.c - what a finished attempt leads to (see
 * queue_int.h). Pure: the dispatcher's policy in one place, unit-tested. */
#include "queue_int.h"

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
