/*
 * client/conf_table.h - THE property table: one line per property.
 *
 * X(ID, name, type, default, min, max, values, flags, doc)
 *   type   STR, INT, BOOL, ENUM (one of values), LIST (comma list of values)
 *   min/max  range for INT (inclusive)
 *   values "a|b|c" for ENUM and LIST (matched case-insensitively)
 *   flags  SC_SECRET (never printed) or 0
 * Defaults follow the Java client 4.x; where they do not, the doc says why.
 * docs/configuration.md is generated from this table (make docs), and a
 * test fails when it is stale.
 */
#ifndef SC_CONF_TABLE_H
#define SC_CONF_TABLE_H

#define SC_INT32_MAX 2147483647

#define SAMSA_CONF_TABLE(X)                                                                 \
    /* ---- common ---- */                                                                  \
    X(BOOTSTRAP_SERVERS, "bootstrap.servers", STR, "", 0, 0, NULL, 0,                       \
      "Comma-separated host:port list used to find the cluster.")                          \
    X(CLIENT_ID, "client.id", STR, "samsa", 0, 0, NULL, 0,                                  \
      "Name sent with every request, for broker logs and quotas.")                         \
    X(CLIENT_SOFTWARE_NAME, "client.software.name", STR, "samsa", 0, 0, NULL, 0,            \
      "Client name reported in ApiVersions (KIP-511).")                                    \
    X(CLIENT_SOFTWARE_VERSION, "client.software.version", STR, SC_VERSION_STRING, 0, 0, NULL, 0, \
      "Client version reported in ApiVersions (KIP-511).")                                 \
    X(CLIENT_RACK, "client.rack", STR, "", 0, 0, NULL, 0,                                   \
      "Rack of this client, for rack-aware fetching and assignment.")                      \
    X(REQUEST_TIMEOUT_MS, "request.timeout.ms", INT, "30000", 1, SC_INT32_MAX, NULL, 0,     \
      "How long to wait for a response before failing the request and closing the connection.") \
    X(METADATA_MAX_AGE_MS, "metadata.max.age.ms", INT, "300000", 0, SC_INT32_MAX, NULL, 0,  \
      "Refresh cluster metadata at least this often.")                                     \
    X(TOPIC_METADATA_REFRESH_INTERVAL_MS, "topic.metadata.refresh.interval.ms", INT, "300000", -1, 3600000, NULL, 0, \
      "Refresh metadata of topics in use this often (-1 = only on errors); librdkafka's name, kept for migrating users.") \
    X(ALLOW_AUTO_CREATE_TOPICS, "allow.auto.create.topics", BOOL, "true", 0, 0, NULL, 0,    \
      "Create a topic on first use: see auto.create.topics.method (false: an unknown topic fails its records).") \
    X(AUTO_CREATE_TOPICS_METHOD, "auto.create.topics.method", ENUM, "broker", 0, 0, "broker|create_topics", 0, \
      "samsa-specific: how allow.auto.create.topics creates a topic: broker (the Metadata request's flag, when the broker's auto.create.topics.enable is true; the Java client's way) or create_topics (the producer sends CreateTopics for a topic it writes to; consumers never create).") \
    X(AUTO_CREATE_TOPICS_NUM_PARTITIONS, "auto.create.topics.num.partitions", INT, "-1", -1, 1000000, NULL, 0, \
      "samsa-specific: partitions of a topic the producer creates with auto.create.topics.method=create_topics (-1 = the broker's num.partitions; needs Kafka 2.4+).") \
    X(AUTO_CREATE_TOPICS_REPLICATION_FACTOR, "auto.create.topics.replication.factor", INT, "-1", -1, 32767, NULL, 0, \
      "samsa-specific: replication factor of a topic the producer creates with auto.create.topics.method=create_topics (-1 = the broker's default.replication.factor; needs Kafka 2.4+).") \
    X(RECONNECT_BACKOFF_MS, "reconnect.backoff.ms", INT, "50", 0, 3600000, NULL, 0,         \
      "First wait before reconnecting to a broker; doubles per failure, with jitter.")     \
    X(RECONNECT_BACKOFF_MAX_MS, "reconnect.backoff.max.ms", INT, "1000", 0, 3600000, NULL, 0, \
      "Upper bound of the reconnect backoff.")                                             \
    X(RETRY_BACKOFF_MS, "retry.backoff.ms", INT, "100", 0, 3600000, NULL, 0,                \
      "First wait before retrying a failed request; doubles per retry, with jitter.")      \
    X(RETRY_BACKOFF_MAX_MS, "retry.backoff.max.ms", INT, "1000", 0, 3600000, NULL, 0,       \
      "Upper bound of the retry backoff.")                                                 \
    X(SOCKET_CONNECTION_SETUP_TIMEOUT_MS, "socket.connection.setup.timeout.ms", INT, "10000", 1, 3600000, NULL, 0, \
      "Give up on a connection attempt (TCP, TLS, SASL, ApiVersions) after this long.")   \
    X(SOCKET_KEEPALIVE_ENABLE, "socket.keepalive.enable", BOOL, "false", 0, 0, NULL, 0,     \
      "Enable TCP keep-alive on broker sockets.")                                          \
    X(SOCKET_NAGLE_DISABLE, "socket.nagle.disable", BOOL, "true", 0, 0, NULL, 0,            \
      "Disable Nagle's algorithm (TCP_NODELAY), as the Java client does.")                 \
    X(SOCKET_SEND_BUFFER_BYTES, "socket.send.buffer.bytes", INT, "131072", -1, SC_INT32_MAX, NULL, 0, \
      "SO_SNDBUF size (-1 = the OS default).")                                             \
    X(SOCKET_RECEIVE_BUFFER_BYTES, "socket.receive.buffer.bytes", INT, "-1", -1, SC_INT32_MAX, NULL, 0, \
      "SO_RCVBUF size (-1 or 0 = the OS default). Default -1, not Java's 65536: a fixed size turns off the kernel's receive window autotuning, which cost about 13% CPU on large fetches (librdkafka's default is the OS's too).") \
    X(RECEIVE_MESSAGE_MAX_BYTES, "receive.message.max.bytes", INT, "100000000", 1000, SC_INT32_MAX, NULL, 0, \
      "Largest response frame accepted; a bigger size closes the connection before anything is allocated.") \
    X(DEBUG, "debug", LIST, "", 0, 0, "all|broker|protocol|msg|metadata|producer|consumer|cgrp|fetch|security|queue", 0, \
      "Debug contexts to log at level DEBUG through the log callback.")                    \
    /* ---- security ---- */                                                                \
    X(SECURITY_PROTOCOL, "security.protocol", ENUM, "PLAINTEXT", 0, 0, "PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL", 0, \
      "How to talk to brokers.")                                                           \
    X(SSL_CA_LOCATION, "ssl.ca.location", STR, "", 0, 0, NULL, 0,                           \
      "CA certificate file or directory (PEM); empty = the system's default CAs.")         \
    X(SSL_CA_PEM, "ssl.ca.pem", STR, "", 0, 0, NULL, 0,                                     \
      "CA certificate(s) as PEM text.")                                                    \
    X(SSL_CERTIFICATE_LOCATION, "ssl.certificate.location", STR, "", 0, 0, NULL, 0,         \
      "Client certificate file (PEM) for mutual TLS.")                                     \
    X(SSL_CERTIFICATE_PEM, "ssl.certificate.pem", STR, "", 0, 0, NULL, 0,                   \
      "Client certificate as PEM text.")                                                   \
    X(SSL_KEY_LOCATION, "ssl.key.location", STR, "", 0, 0, NULL, 0,                         \
      "Client private key file (PEM).")                                                    \
    X(SSL_KEY_PEM, "ssl.key.pem", STR, "", 0, 0, NULL, SC_SECRET,                           \
      "Client private key as PEM text.")                                                   \
    X(SSL_KEY_PASSWORD, "ssl.key.password", STR, "", 0, 0, NULL, SC_SECRET,                 \
      "Passphrase of the client private key.")                                             \
    X(SSL_ENDPOINT_IDENTIFICATION_ALGORITHM, "ssl.endpoint.identification.algorithm", ENUM, "https", 0, 0, "https|none", 0, \
      "Check that the broker certificate matches its host name (https) or not (none).")   \
    X(SASL_MECHANISM, "sasl.mechanism", ENUM, "GSSAPI", 0, 0, "GSSAPI|PLAIN|SCRAM-SHA-256|SCRAM-SHA-512|OAUTHBEARER", 0, \
      "SASL mechanism for SASL_PLAINTEXT and SASL_SSL.")                                   \
    X(SASL_USERNAME, "sasl.username", STR, "", 0, 0, NULL, 0,                               \
      "User name for PLAIN and SCRAM.")                                                    \
    X(SASL_PASSWORD, "sasl.password", STR, "", 0, 0, NULL, SC_SECRET,                       \
      "Password for PLAIN and SCRAM.")                                                     \
    X(SASL_KERBEROS_SERVICE_NAME, "sasl.kerberos.service.name", STR, "kafka", 0, 0, NULL, 0, \
      "Kerberos principal name of the brokers (GSSAPI).")                                  \
    X(SASL_OAUTHBEARER_EXTENSIONS, "sasl.oauthbearer.extensions", STR, "", 0, 0, NULL, 0,   \
      "Extensions sent with the OAUTHBEARER token, as key=value,key=value.")               \
    X(ENABLE_SASL_OAUTHBEARER_UNSECURE_JWT, "enable.sasl.oauthbearer.unsecure.jwt", BOOL, "false", 0, 0, NULL, 0, \
      "Without a token callback, make unsigned (alg none) OAUTHBEARER tokens from sasl.oauthbearer.config: development brokers only (librdkafka's name).") \
    X(SASL_OAUTHBEARER_CONFIG, "sasl.oauthbearer.config", STR, "", 0, 0, NULL, 0,           \
      "For unsecured tokens: principal=<sub> [scope=<scope>] [lifeSeconds=<n>] (librdkafka's format; lifetime 3600 s by default).") \
    /* ---- producer ---- */                                                                \
    X(ACKS, "acks", ENUM, "all", 0, 0, "all|-1|0|1", 0,                                     \
      "Acknowledgements the leader waits for: all (= -1) in-sync replicas, 1 the leader, 0 none.") \
    X(ENABLE_IDEMPOTENCE, "enable.idempotence", BOOL, "true", 0, 0, NULL, 0,                \
      "Exactly-once per partition within a producer session (needs acks=all, max in flight <= 5).") \
    X(LINGER_MS, "linger.ms", INT, "5", 0, 900000, NULL, 0,                                 \
      "Wait up to this long for more records before sending a batch.")                     \
    X(BATCH_SIZE, "batch.size", INT, "16384", 1, SC_INT32_MAX, NULL, 0,                     \
      "Target size in bytes of one partition's batch.")                                    \
    X(BATCH_NUM_MESSAGES, "batch.num.messages", INT, "10000", 1, 1000000, NULL, 0,          \
      "Most records in one batch (librdkafka's name; Java has no such limit).")            \
    X(COMPRESSION_TYPE, "compression.type", ENUM, "none", 0, 0, "none|gzip|snappy|lz4|zstd", 0, \
      "Codec for produced batches.")                                                       \
    X(COMPRESSION_LEVEL, "compression.level", INT, "-1", -131072, 22, NULL, 0,              \
      "Codec level (-1 = the codec's default; gzip 1-9, lz4 1-17, zstd up to 22).")        \
    X(MAX_IN_FLIGHT, "max.in.flight.requests.per.connection", INT, "5", 1, 1000000, NULL, 0, \
      "Unanswered requests per broker connection (at most 5 with idempotence).")          \
    X(DELIVERY_TIMEOUT_MS, "delivery.timeout.ms", INT, "120000", 1, SC_INT32_MAX, NULL, 0,  \
      "Upper bound on a record's life from produce() to its delivery report.")             \
    X(RETRIES, "retries", INT, "2147483647", 0, SC_INT32_MAX, NULL, 0,                      \
      "How often a failed batch is retried, within delivery.timeout.ms.")                  \
    X(MESSAGE_MAX_BYTES, "message.max.bytes", INT, "1048576", 1000, 1000000000, NULL, 0,    \
      "Largest record batch or request (the Java client's max.request.size).")            \
    X(BUFFER_MEMORY, "buffer.memory", INT, "33554432", 1024, SC_INT32_MAX, NULL, 0,         \
      "Bytes of records waiting to be sent; produce() fails or blocks when full.")         \
    X(MAX_BLOCK_MS, "max.block.ms", INT, "60000", 0, SC_INT32_MAX, NULL, 0,                 \
      "How long a blocking produce() waits for buffer space or metadata.")                 \
    X(PARTITIONER, "partitioner", ENUM, "default", 0, 0, "default|consistent_random|random|round_robin", 0, \
      "default = the Java client's (murmur2 of the key; sticky for keyless, KIP-794); consistent_random = librdkafka's default (CRC32).") \
    X(TRANSACTIONAL_ID, "transactional.id", STR, "", 0, 0, NULL, 0,                         \
      "Transactional producer id (empty = not transactional).")                            \
    X(TRANSACTION_TIMEOUT_MS, "transaction.timeout.ms", INT, "60000", 1, SC_INT32_MAX, NULL, 0, \
      "Transaction timeout sent to the coordinator.")                                      \
    /* ---- consumer ---- */                                                                \
    X(GROUP_ID, "group.id", STR, "", 0, 0, NULL, 0,                                         \
      "Consumer group to join (empty = no group: assign partitions yourself).")            \
    X(GROUP_INSTANCE_ID, "group.instance.id", STR, "", 0, 0, NULL, 0,                       \
      "Static membership id (KIP-345); empty = dynamic member.")                           \
    X(GROUP_PROTOCOL, "group.protocol", ENUM, "classic", 0, 0, "classic|consumer", 0,        \
      "classic (JoinGroup/SyncGroup) or consumer (KIP-848 ConsumerGroupHeartbeat).")       \
    X(GROUP_REMOTE_ASSIGNOR, "group.remote.assignor", STR, "", 0, 0, NULL, 0,              \
      "group.protocol=consumer: the broker's assignor to use (uniform, range); empty = the broker's default.") \
    X(PARTITION_ASSIGNMENT_STRATEGY, "partition.assignment.strategy", LIST, "range,cooperative-sticky", 0, 0, \
      "range|roundrobin|sticky|cooperative-sticky|org.apache.kafka.clients.consumer.RangeAssignor|" \
      "org.apache.kafka.clients.consumer.RoundRobinAssignor|org.apache.kafka.clients.consumer.StickyAssignor|" \
      "org.apache.kafka.clients.consumer.CooperativeStickyAssignor", 0, \
      "Assignors in order of preference (classic protocol); short names or the Java class names.")                              \
    X(SESSION_TIMEOUT_MS, "session.timeout.ms", INT, "45000", 1, 3600000, NULL, 0,          \
      "The group coordinator removes a member it has not heard from for this long.")       \
    X(HEARTBEAT_INTERVAL_MS, "heartbeat.interval.ms", INT, "3000", 1, 3600000, NULL, 0,     \
      "Heartbeat period, independent of how often the application polls.")                 \
    X(MAX_POLL_INTERVAL_MS, "max.poll.interval.ms", INT, "300000", 1, SC_INT32_MAX, NULL, 0, \
      "Leave the group when the application does not poll for this long.")                \
    X(ENABLE_AUTO_COMMIT, "enable.auto.commit", BOOL, "true", 0, 0, NULL, 0,                \
      "Commit offsets of records already returned by poll, in the background.")            \
    X(AUTO_COMMIT_INTERVAL_MS, "auto.commit.interval.ms", INT, "5000", 0, SC_INT32_MAX, NULL, 0, \
      "Period of automatic commits.")                                                      \
    X(AUTO_OFFSET_RESET, "auto.offset.reset", ENUM, "latest", 0, 0, "earliest|latest|error", 0, \
      "Where to start without a committed offset, or when it is out of range.")            \
    X(ISOLATION_LEVEL, "isolation.level", ENUM, "read_uncommitted", 0, 0, "read_uncommitted|read_committed", 0, \
      "read_committed hides aborted transactions and control records.")                    \
    X(FETCH_MIN_BYTES, "fetch.min.bytes", INT, "1", 0, 100000000, NULL, 0,                  \
      "The broker waits for at least this much data before answering a fetch.")            \
    X(FETCH_MAX_WAIT_MS, "fetch.max.wait.ms", INT, "500", 0, 300000, NULL, 0,               \
      "Longest the broker waits for fetch.min.bytes.")                                     \
    X(FETCH_MAX_BYTES, "fetch.max.bytes", INT, "52428800", 1, SC_INT32_MAX, NULL, 0,        \
      "Most data one fetch response may carry.")                                           \
    X(MAX_PARTITION_FETCH_BYTES, "max.partition.fetch.bytes", INT, "1048576", 1, SC_INT32_MAX, NULL, 0, \
      "Most data per partition in one fetch response.")                                    \
    X(FETCH_BUFFER_MAX_BYTES, "fetch.buffer.max.bytes", INT, "67108864", 1024, SC_INT32_MAX, NULL, 0, \
      "Per-consumer bound on fetched data the application has not consumed yet; fetching pauses above it (samsa's own: one limit for the whole consumer, not per partition).") \
    X(CHECK_CRCS, "check.crcs", BOOL, "true", 0, 0, NULL, 0,                                \
      "Verify the CRC32C of fetched record batches.")

#endif
