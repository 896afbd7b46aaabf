/* tools/samsa/mode_list.c - -L: the cluster's brokers and topics with
 * partitions, leaders, replicas and in-sync replicas (text or --json). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"

static void ids_text(const int32_t *ids, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        printf("%s%" PRId32, i ? "," : "", ids[i]);
}

static void ids_json(const char *name, const int32_t *ids, size_t n)
{
    size_t i;

    printf(",\"%s\":[", name);
    for (i = 0; i < n; i++)
        printf("%s%" PRId32, i ? "," : "", ids[i]);
    putchar(']');
}

static void print_text(const samsa_metadata *md)
{
    size_t i, j;

    printf("Metadata for %s (cluster %s, controller %" PRId32 "):\n",
           md->ntopics == 1 ? "1 topic" : "all topics",
           *md->cluster_id ? md->cluster_id : "?", md->controller_id);
    printf(" %zu broker%s:\n", md->nbrokers, md->nbrokers == 1 ? "" : "s");
    for (i = 0; i < md->nbrokers; i++) {
        const samsa_broker_info *b = &md->brokers[i];
        printf("  broker %" PRId32 " at %s:%" PRId32 "%s%s%s\n", b->id, b->host,
               b->port, b->id == md->controller_id ? " (controller)" : "",
               *b->rack ? " rack " : "", b->rack);
    }
    printf(" %zu topic%s:\n", md->ntopics, md->ntopics == 1 ? "" : "s");
    for (i = 0; i < md->ntopics; i++) {
        const samsa_topic_metadata *t = &md->topics[i];
        printf("  topic \"%s\" with %zu partition%s%s", t->name, t->npartitions,
               t->npartitions == 1 ? "" : "s", t->internal ? " (internal)" : "");
        if (t->err)
            printf(": error %s\n", samsa_err_name(t->err));
        else
            fputs(":\n", stdout);
        for (j = 0; j < t->npartitions; j++) {
            const samsa_partition_metadata *p = &t->partitions[j];
            printf("    partition %" PRId32 ", leader %" PRId32 ", replicas: ",
                   p->id, p->leader);
            ids_text(p->replicas, p->nreplicas);
            fputs(", isrs: ", stdout);
            ids_text(p->isr, p->nisr);
            if (p->noffline) {
                fputs(", offline: ", stdout);
                ids_text(p->offline, p->noffline);
            }
            if (p->err)
                printf(", error %s", samsa_err_name(p->err));
            putchar('\n');
        }
    }
}

static void print_json(const samsa_metadata *md)
{
    size_t i, j;

    fputs("{\"cluster_id\":", stdout);
    fmt_json_str(stdout, md->cluster_id, strlen(md->cluster_id));
    printf(",\"controller_id\":%" PRId32 ",\"brokers\":[", md->controller_id);
    for (i = 0; i < md->nbrokers; i++) {
        const samsa_broker_info *b = &md->brokers[i];
        printf("%s{\"id\":%" PRId32 ",\"host\":", i ? "," : "", b->id);
        fmt_json_str(stdout, b->host, strlen(b->host));
        printf(",\"port\":%" PRId32 ",\"rack\":", b->port);
        if (*b->rack)
            fmt_json_str(stdout, b->rack, strlen(b->rack));
        else
            fputs("null", stdout);
        putchar('}');
    }
    fputs("],\"topics\":[", stdout);
    for (i = 0; i < md->ntopics; i++) {
        const samsa_topic_metadata *t = &md->topics[i];
        printf("%s{\"name\":", i ? "," : "");
        fmt_json_str(stdout, t->name, strlen(t->name));
        printf(",\"internal\":%s,\"error\":", t->internal ? "true" : "false");
        if (t->err)
            printf("\"%s\"", samsa_err_name(t->err));
        else
            fputs("null", stdout);
        fputs(",\"partitions\":[", stdout);
        for (j = 0; j < t->npartitions; j++) {
            const samsa_partition_metadata *p = &t->partitions[j];
            printf("%s{\"partition\":%" PRId32 ",\"leader\":%" PRId32
                   ",\"leader_epoch\":%" PRId32, j ? "," : "", p->id, p->leader,
                   p->leader_epoch);
            ids_json("replicas", p->replicas, p->nreplicas);
            ids_json("isr", p->isr, p->nisr);
            ids_json("offline", p->offline, p->noffline);
            fputs(",\"error\":", stdout);
            if (p->err)
                printf("\"%s\"}", samsa_err_name(p->err));
            else
                fputs("null}", stdout);
        }
        fputs("]}", stdout);
    }
    fputs("]}\n", stdout);
}

int cli_mode_list(const cli_opts *o)
{
    samsa_conf *conf;
    samsa_client *c;
    samsa_metadata *md;
    int rc;

    conf = cli_conf(o, &rc);
    if (!conf)
        return rc;
    c = cli_client(conf);
    if (!c)
        return CLI_FAIL;
    rc = samsa_metadata_get(c, o->topic ? &o->topic : NULL, o->topic ? 1 : 0,
                            &md, o->timeout_ms);
    if (rc) {
        rc = cli_fail(CLI_FAIL, "metadata from %s: %s%s%s", o->brokers,
                      samsa_err_name(rc), *samsa_client_errstr(c) ? ": " : "",
                      samsa_client_errstr(c));
        samsa_client_destroy(c);
        return rc;
    }
    if (o->json)
        print_json(md);
    else
        print_text(md);
    samsa_metadata_free(md);
    samsa_client_destroy(c);
    return CLI_OK;
}
