/*
 * examples/pipeline.c - consume, process, produce: read IN, upper-case
 * each value, write it to OUT with the same key, the incoming headers and
 * two more (pipeline-source = IN/partition/offset, pipeline-stage).
 *
 *   pipeline BOOTSTRAP IN OUT [IDLE_SECONDS [GROUP]]
 *
 * One client handle both consumes and produces (embedded mode). Work goes
 * in batches: take what is buffered, produce the results, flush (every
 * result acknowledged), and only then commit the input positions when a
 * GROUP is given: at-least-once, nothing is committed before its output
 * is safely written. Without GROUP it reads every partition of IN from
 * the beginning. Stops after IDLE_SECONDS (default 5) without input.
 *
 * Tracing middleware (W3C traceparent carried from input to output with a
 * new span) comes with the queue layer, which has the handler chain to
 * hang it on; see examples/README.md.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <samsa.h>

#define BATCH 256
#define MAX_HEADERS 32

static long failed;

static void on_delivery(void *opaque, const samsa_delivery *d)
{
    (void)opaque;
    if (d->err) {
        failed++;
        fprintf(stderr, "output to %s failed: %s\n", d->topic, d->errstr);
    }
}

static int assign_all(samsa_client *c, const char *topic)
{
    samsa_metadata *md;
    samsa_topic_partition tps[256];
    size_t i, n;
    int rc = samsa_metadata_get(c, &topic, 1, &md, 10000);

    if (rc)
        return rc;
    if (md->ntopics != 1 || md->topics[0].err) {
        rc = md->ntopics == 1 ? md->topics[0].err : SAMSA_ERR_UNKNOWN_TOPIC;
        samsa_metadata_free(md);
        return rc;
    }
    n = md->topics[0].npartitions < 256 ? md->topics[0].npartitions : 256;
    memset(tps, 0, sizeof tps);
    for (i = 0; i < n; i++) {
        tps[i].topic = topic;
        tps[i].partition = md->topics[0].partitions[i].id;
        tps[i].offset = SAMSA_OFFSET_BEGINNING;
        tps[i].leader_epoch = -1;
    }
    samsa_metadata_free(md);
    return samsa_assign(c, tps, n);
}

/* Produce the processed form of m to out. */
static int process(samsa_client *c, const samsa_message *m, const char *out,
                   char **buf, size_t *cap)
{
    samsa_header hs[MAX_HEADERS + 2];
    char names[MAX_HEADERS][64], source[300];
    samsa_message_header h;
    samsa_record rec;
    size_t i, nh = 0;

    if (m->value_len + 1 > *cap) {
        char *nb = realloc(*buf, m->value_len + 1);
        if (!nb)
            return SAMSA_ERR_NO_MEMORY;
        *buf = nb;
        *cap = m->value_len + 1;
    }
    for (i = 0; i < m->value_len; i++)
        (*buf)[i] = (char)toupper(((const unsigned char *)m->value)[i]);
    /* incoming headers: names are not NUL-terminated, copy them */
    for (i = 0; i < m->nheaders && nh < MAX_HEADERS; i++) {
        if (samsa_message_header_get(m, i, &h) != 0 || h.name_len >= 64)
            continue;
        memcpy(names[nh], h.name, h.name_len);
        names[nh][h.name_len] = '\0';
        hs[nh].name = names[nh];
        hs[nh].value = h.value;
        hs[nh].value_len = h.value_len;
        nh++;
    }
    snprintf(source, sizeof source, "%s/%" PRId32 "/%" PRId64, m->topic,
             m->partition, m->offset);
    hs[nh++] = (samsa_header){ "pipeline-source", source, strlen(source) };
    hs[nh++] = (samsa_header){ "pipeline-stage", "uppercase", 9 };
    memset(&rec, 0, sizeof rec);
    rec.topic = out;
    rec.partition = SAMSA_PARTITION_ANY;
    rec.key = m->key;
    rec.key_len = m->key_len;
    rec.value = m->value ? *buf : NULL;
    rec.value_len = m->value_len;
    rec.headers = hs;
    rec.nheaders = nh;
    rec.timestamp_ms = SAMSA_TIMESTAMP_NOW;
    return samsa_produce(c, &rec, NULL, 10000); /* copies everything */
}

int main(int argc, char **argv)
{
    const char *in, *out, *group;
    int idle_s;
    char err[256], *buf = NULL;
    size_t cap = 0, n, i;
    samsa_conf *conf;
    samsa_client *c;
    samsa_message *batch[BATCH];
    long processed = 0;
    int rc, idle_ms = 0;

    if (argc < 4) {
        fprintf(stderr, "usage: %s BOOTSTRAP IN OUT [IDLE_SECONDS [GROUP]]\n", argv[0]);
        return 2;
    }
    in = argv[2];
    out = argv[3];
    idle_s = argc > 4 ? atoi(argv[4]) : 5;
    group = argc > 5 ? argv[5] : NULL;

    conf = samsa_conf_new(NULL);
    if (!conf || samsa_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err) ||
        (group && (samsa_conf_set(conf, "group.id", group, err, sizeof err) ||
                   samsa_conf_set(conf, "enable.auto.commit", "false", err, sizeof err) ||
                   samsa_conf_set(conf, "auto.offset.reset", "earliest", err, sizeof err)))) {
        fprintf(stderr, "config: %s\n", conf ? err : "out of memory");
        samsa_conf_destroy(conf);
        return 1;
    }
    samsa_conf_set_delivery_cb(conf, on_delivery, NULL);
    c = samsa_client_new(conf, err, sizeof err);
    samsa_conf_destroy(conf);
    if (!c) {
        fprintf(stderr, "client: %s\n", err);
        return 1;
    }
    rc = group ? samsa_subscribe(c, &in, 1) : assign_all(c, in);
    if (rc) {
        fprintf(stderr, "reading %s: %s %s\n", in, samsa_err_name(rc),
                samsa_client_errstr(c));
        samsa_client_destroy(c);
        return 1;
    }
    while (idle_ms < idle_s * 1000) {
        n = samsa_consume_batch(c, batch, BATCH, 250);
        if (n == 0) {
            idle_ms += 250;
            continue;
        }
        idle_ms = 0;
        for (i = 0; i < n; i++) {
            if (batch[i]->err == 0 && process(c, batch[i], out, &buf, &cap) == 0)
                processed++;
            samsa_message_release(batch[i]);
        }
        /* outputs acknowledged before the inputs are committed */
        if (samsa_flush(c, 30000) != 0 || failed)
            break;
        if (group && samsa_commit_sync(c, NULL, 0, 10000) != 0)
            fprintf(stderr, "commit: %s\n", samsa_client_errstr(c));
    }
    samsa_flush(c, 30000);
    samsa_close(c, 10000);
    samsa_client_destroy(c);
    free(buf);
    printf("processed %ld failed %ld\n", processed, failed);
    return failed != 0;
}
