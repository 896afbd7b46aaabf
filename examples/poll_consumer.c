/*
 * examples/poll_consumer.c - a consumer inside the application's own
 * poll() loop (embedded mode: no thread is started by samsa).
 *
 *   poll_consumer BOOTSTRAP TOPIC [SECONDS]
 *
 * The application owns the loop: it polls samsa_fd(c) next to its own
 * file descriptors (here stdin: press Enter for a status line), with
 * samsa_next_timeout_ms(c) as the time limit, calls samsa_poll(c, 0) when
 * samsa's fd is readable or its timer is due, then takes what has arrived
 * with samsa_consume(c, 0), which never blocks. Reads every partition from
 * the beginning and prints one line per message; ends after SECONDS
 * (default 10) or at Ctrl-C with a count per partition.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <samsa.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Assign every partition of topic from the beginning. */
static int assign_all(samsa_client *c, const char *topic, size_t *nparts)
{
    samsa_metadata *md;
    samsa_topic_partition *tps;
    size_t i, n;
    int rc = samsa_metadata_get(c, &topic, 1, &md, 10000);

    if (rc)
        return rc;
    if (md->ntopics != 1 || md->topics[0].err) {
        rc = md->ntopics == 1 ? md->topics[0].err : SAMSA_ERR_UNKNOWN_TOPIC;
        samsa_metadata_free(md);
        return rc;
    }
    n = md->topics[0].npartitions;
    tps = calloc(n ? n : 1, sizeof *tps);
    if (!tps) {
        samsa_metadata_free(md);
        return SAMSA_ERR_NO_MEMORY;
    }
    for (i = 0; i < n; i++) {
        tps[i].topic = topic;
        tps[i].partition = md->topics[0].partitions[i].id;
        tps[i].offset = SAMSA_OFFSET_BEGINNING;
        tps[i].leader_epoch = -1;
    }
    rc = samsa_assign(c, tps, n); /* copies tps */
    free(tps);
    samsa_metadata_free(md);
    *nparts = n;
    return rc;
}

int main(int argc, char **argv)
{
    char err[256];
    samsa_conf *conf;
    samsa_client *c;
    long *counts, total = 0;
    size_t nparts = 0, i;
    int64_t end;
    int rc, use_stdin = isatty(STDIN_FILENO);
    struct sigaction sa;

    if (argc < 3) {
        fprintf(stderr, "usage: %s BOOTSTRAP TOPIC [SECONDS]\n", argv[0]);
        return 2;
    }
    end = now_ms() + (argc > 3 ? atoi(argv[3]) : 10) * 1000LL;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    conf = samsa_conf_new(NULL);
    if (!conf || samsa_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err)) {
        fprintf(stderr, "config: %s\n", conf ? err : "out of memory");
        samsa_conf_destroy(conf);
        return 1;
    }
    c = samsa_client_new(conf, err, sizeof err);
    samsa_conf_destroy(conf);
    if (!c) {
        fprintf(stderr, "client: %s\n", err);
        return 1;
    }
    rc = assign_all(c, argv[2], &nparts);
    if (rc) {
        fprintf(stderr, "assign %s: %s %s\n", argv[2], samsa_err_name(rc),
                samsa_client_errstr(c));
        samsa_client_destroy(c);
        return 1;
    }
    counts = calloc(nparts ? nparts : 1, sizeof *counts);
    if (!counts) {
        samsa_client_destroy(c);
        return 1;
    }

    while (!stop && now_ms() < end) {
        struct pollfd fds[2] = { { samsa_fd(c), POLLIN, 0 },
                                 { STDIN_FILENO, POLLIN, 0 } };
        int timeout = samsa_next_timeout_ms(c); /* -1: no timer pending */
        int64_t left = end - now_ms();
        samsa_message *m;

        if (timeout < 0 || timeout > left)
            timeout = (int)left;
        if (poll(fds, use_stdin ? 2 : 1, timeout) < 0)
            continue; /* EINTR: look at stop */
        if (use_stdin && (fds[1].revents & POLLIN)) {
            char line[256];
            if (!fgets(line, sizeof line, stdin))
                use_stdin = 0;
            printf("-- %ld messages so far\n", total);
        }
        samsa_poll(c, 0); /* network and timers: whatever is due, no waiting */
        while ((m = samsa_consume(c, 0)) != NULL) { /* only what has arrived */
            if (m->err) {
                fprintf(stderr, "%s [%" PRId32 "]: %s\n", m->topic, m->partition,
                        m->errstr);
            } else {
                printf("%" PRId32 " %" PRId64 " %.*s %.*s\n", m->partition,
                       m->offset, (int)(m->key ? m->key_len : 0),
                       m->key ? (const char *)m->key : "",
                       (int)(m->value ? m->value_len : 0),
                       m->value ? (const char *)m->value : "");
                if (m->partition >= 0 && (size_t)m->partition < nparts)
                    counts[m->partition]++;
                total++;
            }
            samsa_message_release(m);
        }
    }
    for (i = 0; i < nparts; i++)
        printf("partition %zu: %ld messages\n", i, counts[i]);
    printf("consumed %ld\n", total);
    free(counts);
    samsa_client_destroy(c); /* no group to leave: samsa_close not needed */
    return 0;
}
