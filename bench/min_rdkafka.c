/*
 * bench/min_rdkafka.c - librdkafka's side of the static-size comparison
 * (bench/static_size.sh): connect, produce one message, flush, with
 * librdkafka's public API. Prints the thread count seen after the flush
 * and exits 0 when the message was acknowledged.
 *
 *   min_rdkafka host:port topic
 */
#include <stdio.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

static int delivered;

static void dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    delivered = m->err ? -1 : 1;
}

int main(int argc, char **argv)
{
    rd_kafka_conf_t *conf;
    rd_kafka_t *rk;
    char eb[256], line[128];
    int threads = 0;
    FILE *f;

    if (argc != 3) {
        fprintf(stderr, "usage: min_rdkafka host:port topic\n");
        return 2;
    }
    conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], eb, sizeof eb))
        return 1;
    rd_kafka_conf_set_dr_msg_cb(conf, dr);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, eb, sizeof eb);
    if (!rk) {
        fprintf(stderr, "min_rdkafka: %s\n", eb);
        return 1;
    }
    if (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(argv[2]),
                          RD_KAFKA_V_VALUE("hello", 5),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_END) == 0)
        rd_kafka_flush(rk, 30000);
    f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &threads) == 1)
            break;
    if (f)
        fclose(f);
    printf("threads %d\n", threads);
    rd_kafka_destroy(rk);
    return delivered == 1 ? 0 : 1;
}
