/*
 * tools/samsa/main.c - the samsa command line tool: option parsing and
 * mode dispatch. A kcat-like tool built on the public libsamsa API only.
 *
 *   samsa -L                      brokers, topics, partitions, leaders, ISR
 *   samsa -P -t TOPIC [FILE...]   produce lines (stdin when no file)
 *   samsa -C -t TOPIC             consume
 *   samsa -G GROUP TOPIC...       consume as a member of a group
 *   samsa -Q -t TOPIC:PART:TS     offsets by timestamp
 *   samsa create-topic|delete-topic|list-groups|describe-group ...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"

static const char usage_text[] =
"usage: samsa [-b BROKERS] MODE [options]\n"
"\n"
"modes:\n"
"  -L                 list brokers, topics, partitions, leaders, replicas, ISR\n"
"                     (-t TOPIC for one topic)\n"
"  -P -t TOPIC        produce: one message per line of the FILEs or stdin\n"
"  -C -t TOPIC        consume (all partitions, or -p N)\n"
"  -G GROUP TOPIC...  consume as a member of consumer group GROUP\n"
"  -Q -t T:P:TS       offset of the first message at or after TS (ms) in\n"
"                     partition P of topic T (TS -1 = end, -2 = beginning);\n"
"                     -t may repeat\n"
"  create-topic NAME [--partitions N] [--replication-factor N] [--config K=V]\n"
"  delete-topic NAME\n"
"  list-groups\n"
"  describe-group GROUP   members, assignment, committed offsets and lag\n"
"\n"
"options:\n"
"  -b BROKERS         bootstrap servers (default $SAMSA_BOOTSTRAP or localhost:9092)\n"
"  -t TOPIC           topic\n"
"  -p PARTITION       partition (produce: default = the partitioner)\n"
"  -K DELIM           key delimiter: produce splits each line at the first\n"
"                     DELIM into key and value; consume prints key DELIM value\n"
"  -H NAME=VALUE      add a header to every produced message (repeatable)\n"
"  -z CODEC           compression: none, gzip, snappy, lz4, zstd\n"
"  -o OFFSET          start at beginning, end, stored, N (absolute), -N (N\n"
"                     before the end) or s@TS (first message at or after TS ms)\n"
"  -c COUNT           stop after COUNT messages\n"
"  -e                 exit when every partition reached its end\n"
"  -f FORMAT          output format: %t topic, %p partition, %o offset, %k key,\n"
"                     %K key length, %s value, %S value length, %h headers,\n"
"                     %T timestamp (ms), \\n \\t; default \"%s\\n\"\n"
"  -J, --json         one JSON object per message or result (bytes that are\n"
"                     not UTF-8 appear base64-encoded as \"key_base64\" etc.)\n"
"  -X NAME=VALUE      any client property (-X list shows them all)\n"
"  -m MS              timeout for metadata and admin calls (default 10000)\n"
"  -q                 no progress line or summary on stderr\n"
"  -v                 summary on stderr at the end\n"
"  -V                 version;  -h  this text\n"
"\n"
"exit codes: 0 ok, 1 runtime failure, 2 usage error\n";

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "samsa: %s\n\n", why);
    fputs(usage_text, stderr);
    return CLI_USAGE;
}

static void on_signal(int sig)
{
    (void)sig;
    cli_stop = 1;
}

static int parse_long(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int set_mode(cli_opts *o, char m)
{
    if (o->mode && o->mode != m)
        return -1;
    o->mode = m;
    return 0;
}

static int is_admin(const char *s)
{
    return !strcmp(s, "create-topic") || !strcmp(s, "delete-topic") ||
           !strcmp(s, "list-groups") || !strcmp(s, "describe-group");
}

enum { OPT_PARTITIONS = 1000, OPT_RF, OPT_CONFIG };

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'J' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "partitions", required_argument, NULL, OPT_PARTITIONS },
        { "replication-factor", required_argument, NULL, OPT_RF },
        { "config", required_argument, NULL, OPT_CONFIG },
        { NULL, 0, NULL, 0 }
    };
    cli_opts o;
    struct sigaction sa;
    long long v;
    char msg[160];
    int ch, rc;

    memset(&o, 0, sizeof o);
    o.partition = -1;
    o.partitions = -1;
    o.replication = -1;
    o.timeout_ms = 10000;
    o.brokers = getenv("SAMSA_BOOTSTRAP");
    if (!o.brokers || !*o.brokers)
        o.brokers = "localhost:9092";

    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":LPCG:Qb:t:p:o:c:ef:JK:H:z:X:m:qvhV",
                             longopts, NULL)) != -1) {
        switch (ch) {
        case 'L': case 'P': case 'C': case 'Q':
            if (set_mode(&o, (char)ch))
                return usage("give one mode only");
            break;
        case 'G':
            if (set_mode(&o, 'G'))
                return usage("give one mode only");
            o.group = optarg;
            break;
        case 'b': o.brokers = optarg; break;
        case 't':
            if (o.nqueries == CLI_MAX_QUERIES)
                return usage("too many -t");
            o.queries[o.nqueries++] = optarg;
            if (!o.topic)
                o.topic = optarg;
            break;
        case 'p':
            if (parse_long(optarg, 0, INT32_MAX, &v))
                return usage("-p needs a partition number >= 0");
            o.partition = (int32_t)v;
            break;
        case 'o': o.offset = optarg; break;
        case 'c':
            if (parse_long(optarg, 1, INT64_MAX, &v))
                return usage("-c needs a count >= 1");
            o.count = v;
            break;
        case 'e': o.exit_eof = 1; break;
        case 'f': o.format = optarg; break;
        case 'J': o.json = 1; break;
        case 'K':
            if (!*optarg)
                return usage("-K needs a non-empty delimiter");
            o.key_delim = optarg;
            break;
        case 'H':
            if (!strchr(optarg, '=') || optarg[0] == '=')
                return usage("-H needs NAME=VALUE");
            if (o.nheaders == CLI_MAX_HEADERS)
                return usage("too many -H headers");
            o.headers[o.nheaders++] = optarg;
            break;
        case 'z': o.codec = optarg; break;
        case 'X':
            if (!strcmp(optarg, "list")) {
                cli_conf_list();
                return CLI_OK;
            }
            if (cli_conf_add(optarg))
                return usage("too many -X properties");
            break;
        case 'm':
            if (parse_long(optarg, 1, INT32_MAX / 2, &v))
                return usage("-m needs a timeout in ms >= 1");
            o.timeout_ms = (int)v;
            break;
        case 'q': o.quiet = 1; break;
        case 'v': o.verbose = 1; break;
        case 'h': fputs(usage_text, stdout); return CLI_OK;
        case 'V':
            printf("samsa %s (%s)\n", samsa_version(), samsa_features());
            return CLI_OK;
        case OPT_PARTITIONS:
            if (parse_long(optarg, 1, INT32_MAX, &v))
                return usage("--partitions needs a number >= 1");
            o.partitions = (int32_t)v;
            break;
        case OPT_RF:
            if (parse_long(optarg, 1, INT16_MAX, &v))
                return usage("--replication-factor needs a number >= 1");
            o.replication = (int16_t)v;
            break;
        case OPT_CONFIG: {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg)
                return usage("--config needs NAME=VALUE");
            if (o.nconfigs + 2 > sizeof o.configs / sizeof o.configs[0])
                return usage("too many --config");
            *eq = '\0';
            o.configs[o.nconfigs++] = optarg;
            o.configs[o.nconfigs++] = eq + 1;
            break;
        }
        case ':':
            snprintf(msg, sizeof msg, "option -%c needs an argument", optopt);
            return usage(msg);
        default:
            if (optopt)
                snprintf(msg, sizeof msg, "unknown option -%c", optopt);
            else
                snprintf(msg, sizeof msg, "unknown option %s", argv[optind - 1]);
            return usage(msg);
        }
    }
    o.args = argv + optind;
    o.nargs = argc - optind;
    o.nconfigs /= 2;

    if (o.nargs > 0 && is_admin(o.args[0])) {
        if (o.mode)
            return usage("an admin command takes no other mode");
        o.mode = 'A';
    }
    if (!o.mode)
        return usage("no mode given (-L, -P, -C, -G, -Q or an admin command)");
    if ((o.mode == 'P' || o.mode == 'C') && !o.topic)
        return usage("-P and -C need -t TOPIC");
    if (o.mode == 'G' && o.nargs < 1)
        return usage("-G needs at least one TOPIC after the options");
    if (o.mode == 'G' && o.offset && strcmp(o.offset, "beginning") &&
        strcmp(o.offset, "end"))
        return usage("-G takes -o beginning or -o end (where a partition without a "
                     "committed offset starts)");
    if (o.mode == 'Q' && !o.topic)
        return usage("-Q needs -t TOPIC:PARTITION:TIMESTAMP");
    if ((o.mode == 'L' || o.mode == 'C' || o.mode == 'Q' || o.mode == 'A') &&
        o.nargs > (o.mode == 'A' ? 2 : 0))
        return usage("unexpected arguments");
    if (o.format) {
        char bad;
        if (fmt_check(o.format, &bad)) {
            snprintf(msg, sizeof msg, "-f: unknown format %%%c", bad);
            return usage(msg);
        }
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    switch (o.mode) {
    case 'L': rc = cli_mode_list(&o); break;
    case 'P': rc = cli_mode_produce(&o); break;
    case 'C': case 'G': rc = cli_mode_consume(&o); break;
    case 'Q': rc = cli_mode_query(&o); break;
    default: rc = cli_mode_admin(&o); break;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        /* a reader that went away (samsa ... | head) is not worth a line */
        if (errno != EPIPE && rc == CLI_OK)
            rc = cli_fail(CLI_FAIL, "writing stdout failed: %s", strerror(errno));
        else if (rc == CLI_OK)
            rc = CLI_FAIL;
    }
    return rc;
}
