/* client/produce_enc.c - a Produce request body as pieces: the framing
 * bytes in a small writer, the record batches by reference; see
 * produce_enc.h. */
#include <string.h>

#include "produce_enc.h"

static void put_count(sp_writer *w, bool flex, int32_t n)
{
    if (flex)
        sp_write_uvarint(w, (uint32_t)n + 1);
    else
        sp_write_i32(w, n);
}

/* Close the glue piece that started at *from (if not empty). */
static void cut(sp_writer *glue, size_t *from, sc_piece *pieces, size_t *np)
{
    if (glue->len > *from) {
        pieces[*np].ptr = NULL;
        pieces[*np].off = *from;
        pieces[*np].len = glue->len - *from;
        (*np)++;
    }
    *from = glue->len;
}

int sc_produce_encode(sp_writer *glue, sc_piece *pieces, size_t *npieces,
                      int16_t version, int16_t acks, int32_t timeout_ms,
                      const sc_produce_part *parts, size_t nparts)
{
    bool flex = version >= 9;
    size_t i, j, np = 0, from = glue->len;
    int32_t ntopics = 0;

    if (version < 3 || version > 13)
        return SAMSA_ERR_INVALID_ARG;
    for (i = 0; i < nparts; i++)
        if (i == 0 || parts[i].topic != parts[i - 1].topic)
            ntopics++;
    /* transactional_id: null */
    if (flex)
        sp_write_uvarint(glue, 0);
    else
        sp_write_i16(glue, -1);
    sp_write_i16(glue, acks);
    sp_write_i32(glue, timeout_ms);
    put_count(glue, flex, ntopics);
    for (i = 0; i < nparts; i = j) {
        const sc_produce_part *t = &parts[i];

        for (j = i + 1; j < nparts && parts[j].topic == t->topic; j++)
            ;
        if (version >= 13)
            sp_write_uuid(glue, t->topic_id);
        else if (flex)
            sp_write_compact_string(glue, t->topic, t->topic_len);
        else
            sp_write_string(glue, t->topic, t->topic_len);
        put_count(glue, flex, (int32_t)(j - i));
        for (size_t k = i; k < j; k++) {
            const sc_produce_part *pp = &parts[k];

            if (pp->len > INT32_MAX - 1)
                return SAMSA_ERR_INVALID_ARG;
            sp_write_i32(glue, pp->partition);
            put_count(glue, flex, (int32_t)pp->len); /* records length */
            if (pp->len) {
                cut(glue, &from, pieces, &np);
                pieces[np].ptr = pp->records;
                pieces[np].off = 0;
                pieces[np].len = pp->len;
                np++;
            }
            if (flex)
                sp_write_uvarint(glue, 0); /* partition tags */
        }
        if (flex)
            sp_write_uvarint(glue, 0); /* topic tags */
    }
    if (flex)
        sp_write_uvarint(glue, 0); /* request tags */
    cut(glue, &from, pieces, &np);
    *npieces = np;
    return glue->err;
}
