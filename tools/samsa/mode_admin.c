/* tools/samsa/mode_admin.c - the admin commands: create-topic,
 * delete-topic, list-groups, describe-group (members, assignment,
 * committed offsets and lag = end offset - committed). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"

static int admin_err(samsa_client *c, const char *what, const char *name, int rc)
{
    return cli_fail(CLI_FAIL, "%s %s: %s%s%s", what, name, samsa_err_name(rc),
                    *samsa_client_errstr(c) ? ": " : "", samsa_client_errstr(c));
}

static int create_topic(samsa_client *c, const cli_opts *o, const char *name)
{
    int rc = samsa_create_topic(c, name, o->partitions, o->replication,
                                o->nconfigs ? o->configs : NULL, o->nconfigs,
                                o->timeout_ms);

    if (rc)
        return admin_err(c, "create-topic", name, rc);
    if (!o->quiet)
        fprintf(stderr, "samsa: created topic %s\n", name);
    return CLI_OK;
}

static int delete_topic(samsa_client *c, const cli_opts *o, const char *name)
{
    int rc = samsa_delete_topic(c, name, o->timeout_ms);

    if (rc)
        return admin_err(c, "delete-topic", name, rc);
    if (!o->quiet)
        fprintf(stderr, "samsa: deleted topic %s\n", name);
    return CLI_OK;
}

static void jstr(const char *s)
{
    if (s)
        fmt_json_str(stdout, s, strlen(s));
    else
        fputs("null", stdout);
}

static int list_groups(samsa_client *c, const cli_opts *o)
{
    samsa_group_list *l;
    size_t i;
    int rc = samsa_list_groups(c, &l, o->timeout_ms);

    if (rc)
        return admin_err(c, "list-groups", "", rc);
    for (i = 0; i < l->ngroups; i++) {
        const samsa_group_listing *g = &l->groups[i];
        if (o->json) {
            fputs("{\"group\":", stdout);
            jstr(g->group_id);
            fputs(",\"protocol_type\":", stdout);
            jstr(g->protocol_type);
            fputs(",\"state\":", stdout);
            jstr(g->state);
            fputs(",\"type\":", stdout);
            jstr(g->type);
            printf(",\"coordinator\":%" PRId32 "}\n", g->coordinator_id);
        } else {
            printf("%s\t%s\t%s\t%s\tcoordinator %" PRId32 "\n", g->group_id,
                   *g->state ? g->state : "-", *g->type ? g->type : "-",
                   *g->protocol_type ? g->protocol_type : "-", g->coordinator_id);
        }
    }
    if (l->err && !o->quiet)
        fprintf(stderr, "samsa: some brokers did not answer (%s)\n",
                samsa_err_name(l->err));
    samsa_group_list_free(l);
    return CLI_OK;
}

/* The member that owns (topic, partition), or NULL. */
static const samsa_group_member *owner(const samsa_group_description *d,
                                       const char *topic, int32_t p)
{
    size_t i, j;

    for (i = 0; i < d->nmembers; i++)
        for (j = 0; j < d->members[i].nassigned; j++)
            if (d->members[i].assigned[j].partition == p &&
                !strcmp(d->members[i].assigned[j].topic, topic))
                return &d->members[i];
    return NULL;
}

/* True when offs has a commit for (topic, partition). */
static int committed(const samsa_group_offsets *offs, const char *topic, int32_t p)
{
    size_t i;

    for (i = 0; i < offs->n; i++)
        if (offs->tps[i].partition == p && !strcmp(offs->tps[i].topic, topic))
            return 1;
    return 0;
}

static int describe_group(samsa_client *c, const cli_opts *o, const char *group)
{
    samsa_group_description *d;
    samsa_group_offsets *offs = NULL;
    size_t i, j;
    int rc = samsa_describe_group(c, group, &d, o->timeout_ms);

    if (rc)
        return admin_err(c, "describe-group", group, rc);
    rc = samsa_group_offsets_get(c, group, &offs, o->timeout_ms);
    if (rc) {
        samsa_group_description_free(d);
        return admin_err(c, "describe-group (offsets)", group, rc);
    }
    if (o->json) {
        fputs("{\"group\":", stdout);
        jstr(d->group_id);
        fputs(",\"error\":", stdout);
        if (d->err)
            printf("\"%s\"", samsa_err_name(d->err));
        else
            fputs("null", stdout);
        fputs(",\"state\":", stdout);
        jstr(d->state);
        fputs(",\"protocol_type\":", stdout);
        jstr(d->protocol_type);
        fputs(",\"protocol\":", stdout);
        jstr(d->protocol);
        printf(",\"coordinator\":%" PRId32 ",\"members\":[", d->coordinator_id);
        for (i = 0; i < d->nmembers; i++) {
            const samsa_group_member *m = &d->members[i];
            fputs(i ? ",{\"member_id\":" : "{\"member_id\":", stdout);
            jstr(m->member_id);
            fputs(",\"instance_id\":", stdout);
            jstr(m->group_instance_id);
            fputs(",\"client_id\":", stdout);
            jstr(m->client_id);
            fputs(",\"host\":", stdout);
            jstr(m->client_host);
            fputs(",\"assigned\":[", stdout);
            for (j = 0; j < m->nassigned; j++) {
                fputs(j ? ",{\"topic\":" : "{\"topic\":", stdout);
                jstr(m->assigned[j].topic);
                printf(",\"partition\":%" PRId32 "}", m->assigned[j].partition);
            }
            fputs("]}", stdout);
        }
        fputs("],\"offsets\":[", stdout);
    } else {
        printf("group %s: state %s, protocol %s/%s, coordinator %" PRId32
               ", %zu member%s%s%s\n", d->group_id, *d->state ? d->state : "?",
               *d->protocol_type ? d->protocol_type : "-",
               *d->protocol ? d->protocol : "-", d->coordinator_id, d->nmembers,
               d->nmembers == 1 ? "" : "s", d->err ? ", error " : "",
               d->err ? samsa_err_name(d->err) : "");
        for (i = 0; i < d->nmembers; i++) {
            const samsa_group_member *m = &d->members[i];
            printf("  member %s client %s host %s%s%s, %zu partition%s\n",
                   m->member_id, m->client_id, m->client_host,
                   m->group_instance_id ? " instance " : "",
                   m->group_instance_id ? m->group_instance_id : "",
                   m->nassigned, m->nassigned == 1 ? "" : "s");
        }
        for (i = 0, j = offs->n; i < d->nmembers; i++)
            j += d->members[i].nassigned;
        if (j)
            printf("  %-30s %9s %12s %12s %8s  %s\n", "TOPIC", "PARTITION",
                   "COMMITTED", "END", "LAG", "MEMBER");
    }
    for (i = 0; i < offs->n; i++) {
        const samsa_topic_partition *tp = &offs->tps[i];
        const samsa_group_member *m = owner(d, tp->topic, tp->partition);
        int64_t end = -1, lag = -1, com = tp->offset >= 0 ? tp->offset : -1;
        if (samsa_list_offset(c, tp->topic, tp->partition, SAMSA_OFFSET_LATEST,
                              &end, NULL, o->timeout_ms) == 0 && tp->offset >= 0)
            lag = end - tp->offset > 0 ? end - tp->offset : 0;
        if (o->json) {
            fputs(i ? ",{\"topic\":" : "{\"topic\":", stdout);
            jstr(tp->topic);
            printf(",\"partition\":%" PRId32 ",\"committed\":%" PRId64
                   ",\"end\":%" PRId64 ",\"lag\":%" PRId64 ",\"member\":",
                   tp->partition, com, end, lag);
            jstr(m ? m->member_id : NULL);
            putchar('}');
        } else {
            printf("  %-30s %9" PRId32 " %12" PRId64 " %12" PRId64 " %8" PRId64
                   "  %s\n", tp->topic, tp->partition, com, end, lag,
                   m ? m->member_id : "-");
        }
    }
    /* assigned partitions with nothing committed yet */
    for (i = 0, j = 0; i < d->nmembers; i++) {
        const samsa_group_member *m = &d->members[i];
        size_t k;
        for (k = 0; k < m->nassigned; k++) {
            const samsa_topic_partition *a = &m->assigned[k];
            int64_t end = -1;
            if (committed(offs, a->topic, a->partition))
                continue;
            samsa_list_offset(c, a->topic, a->partition, SAMSA_OFFSET_LATEST, &end,
                              NULL, o->timeout_ms);
            if (o->json) {
                fputs(offs->n + j++ ? ",{\"topic\":" : "{\"topic\":", stdout);
                jstr(a->topic);
                printf(",\"partition\":%" PRId32 ",\"committed\":-1,\"end\":%" PRId64
                       ",\"lag\":-1,\"member\":", a->partition, end);
                jstr(m->member_id);
                putchar('}');
            } else {
                printf("  %-30s %9" PRId32 " %12s %12" PRId64 " %8s  %s\n", a->topic,
                       a->partition, "-", end, "-", m->member_id);
            }
        }
    }
    if (o->json)
        fputs("]}\n", stdout);
    samsa_group_offsets_free(offs);
    samsa_group_description_free(d);
    return CLI_OK;
}

int cli_mode_admin(const cli_opts *o)
{
    const char *cmd = o->args[0];
    const char *arg = o->nargs > 1 ? o->args[1] : NULL;
    samsa_conf *conf;
    samsa_client *c;
    int rc;

    if (strcmp(cmd, "list-groups") && !arg)
        return cli_fail(CLI_USAGE, "%s needs a name (samsa -h for usage)", cmd);
    if (!strcmp(cmd, "list-groups") && arg)
        return cli_fail(CLI_USAGE, "list-groups takes no argument");
    conf = cli_conf(o, &rc);
    if (!conf)
        return rc;
    c = cli_client(conf);
    if (!c)
        return CLI_FAIL;
    if (!strcmp(cmd, "create-topic"))
        rc = create_topic(c, o, arg);
    else if (!strcmp(cmd, "delete-topic"))
        rc = delete_topic(c, o, arg);
    else if (!strcmp(cmd, "list-groups"))
        rc = list_groups(c, o);
    else
        rc = describe_group(c, o, arg);
    samsa_client_destroy(c);
    return rc;
}
