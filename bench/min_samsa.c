/*
 * bench/min_samsa.c - the smallest useful producer, for the static-size
 * comparison (bench/static_size.sh): connect, produce one message, flush.
 * Embedded mode: no thread is started. Prints the thread count seen
 * after the flush and exits 0 when the message was acknowledged.
 *
 *   min_samsa host:port topic
 */
#include <stdio.h>
#include <string.h>

#include "samsa.h"

int main(int argc, char **argv)
{
    samsa_conf *cf;
    samsa_client *c;
    samsa_record rec;
    char eb[256], line[128];
    int rc, threads = 0;
    FILE *f;

    if (argc != 3) {
        fprintf(stderr, "usage: min_samsa host:port topic\n");
        return 2;
    }
    cf = samsa_conf_new(NULL);
    if (!cf || samsa_conf_set(cf, "bootstrap.servers", argv[1], eb, sizeof eb))
        return 1;
    c = samsa_client_new(cf, eb, sizeof eb);
    samsa_conf_destroy(cf);
    if (!c) {
        fprintf(stderr, "min_samsa: %s\n", eb);
        return 1;
    }
    memset(&rec, 0, sizeof rec);
    rec.topic = argv[2];
    rec.partition = SAMSA_PARTITION_ANY;
    rec.value = "hello";
    rec.value_len = 5;
    rec.timestamp_ms = SAMSA_TIMESTAMP_NOW;
    rc = samsa_produce(c, &rec, NULL, 10000);
    if (rc == 0)
        rc = samsa_flush(c, 30000);
    f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &threads) == 1)
            break;
    if (f)
        fclose(f);
    printf("threads %d\n", threads);
    samsa_client_destroy(c);
    return rc ? 1 : 0;
}
