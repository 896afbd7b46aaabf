/*
 * tools/samsa/cli.h - what the modes of the samsa command line tool share:
 * the parsed options, the client set-up and the exit-code rules.
 *
 * Exit codes: 0 done, 1 runtime failure (one line on stderr), 2 usage
 * error (the usage text, or one line naming the bad flag or property).
 * Everything here runs on the main thread; the tool uses samsa in
 * embedded mode (it owns the loop) unless a mode says otherwise.
 */
#ifndef SAMSA_CLI_H
#define SAMSA_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "samsa.h"
#include "samsa/consumer.h"
#include "samsa/describe.h"

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

#define CLI_MAX_HEADERS 64
#define CLI_MAX_QUERIES 256

typedef struct cli_opts {
    char mode;               /* 'L', 'P', 'C', 'G', 'Q', 'A' (admin) */
    const char *brokers;
    const char *topic;       /* the first -t */
    const char *queries[CLI_MAX_QUERIES]; /* every -t (for -Q) */
    size_t nqueries;
    int32_t partition;       /* -1 = all / partitioner */
    const char *offset;      /* -o argument */
    long long count;         /* -c: stop after this many (0 = no limit) */
    int exit_eof;            /* -e */
    const char *format;      /* -f */
    int json;                /* --json / -J */
    const char *key_delim;   /* -K */
    const char *group;       /* -G */
    const char *codec;       /* -z */
    int verbose;             /* -v */
    int quiet;               /* -q */
    int timeout_ms;          /* -m: admin and metadata calls */
    const char *headers[CLI_MAX_HEADERS]; /* -H name=value */
    size_t nheaders;
    char *const *args;       /* positional arguments (files, topics, ...) */
    int nargs;
    /* admin subcommand options */
    int32_t partitions;      /* --partitions */
    int16_t replication;     /* --replication-factor */
    const char *configs[128]; /* --config name=value, flat pairs (copied) */
    size_t nconfigs;
} cli_opts;

/* Set by SIGINT/SIGTERM: modes stop at the next message. */
extern volatile sig_atomic_t cli_stop;

/* One line "samsa: <what>" on stderr; returns code. */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The conf from -b, -X and the mode's own settings. Config errors are
 * reported (naming the property) and *rc set to CLI_USAGE. */
samsa_conf *cli_conf(const cli_opts *o, int *rc);
/* Queue a -X property (called while parsing; checked by cli_conf). */
int cli_conf_add(const char *kv);
/* Print the property table (-X list). */
void cli_conf_list(void);
/* A client from conf (conf destroyed here); NULL with a message. */
samsa_client *cli_client(samsa_conf *conf);

/* Milliseconds since the epoch / since an arbitrary start. */
int64_t cli_wall_ms(void);
int64_t cli_mono_ms(void);

/* Progress line on stderr when it is a terminal (rate and count). */
typedef struct cli_progress {
    int on;
    const char *what;
    int64_t start_ms, last_ms;
    long long last_n;
} cli_progress;
void cli_progress_init(cli_progress *p, const char *what, int quiet);
void cli_progress_tick(cli_progress *p, long long n);
void cli_progress_done(cli_progress *p, long long n);

/* Modes. Each returns an exit code. */
int cli_mode_list(const cli_opts *o);
int cli_mode_produce(const cli_opts *o);
int cli_mode_consume(const cli_opts *o);
int cli_mode_query(const cli_opts *o);
int cli_mode_admin(const cli_opts *o);

/* Partitions of a topic (metadata), into a malloc'd array. */
int cli_topic_partitions(samsa_client *c, const char *topic, int timeout_ms,
                         int32_t **parts, size_t *n);

#endif
