/*
 * samsa/error.h - one status type for the whole library.
 *
 * 0 is success. Kafka broker error codes keep their protocol numbers and
 * names (UNKNOWN_SERVER_ERROR is -1, as on the wire). Errors raised by samsa
 * itself are negative and start at -100 so they never collide with a broker
 * code. samsa_err_name() and samsa_err_str() return static strings and never
 * fail: an unknown code gets a generic text.
 *
 * Thread rules: everything here is pure and reentrant.
 */
#ifndef SAMSA_ERROR_H
#define SAMSA_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* Errors raised by samsa itself: X(NAME, number, message). */
#define SAMSA_LOCAL_ERRORS(X)                                                  \
    X(INVALID_ARG,        -100, "invalid argument")                            \
    X(NO_MEMORY,          -101, "out of memory")                               \
    X(TRUNCATED,          -102, "input ended before the field did")            \
    X(MALFORMED,          -103, "malformed encoding")                          \
    X(VARINT_OVERFLOW,    -104, "varint longer than its type allows")          \
    X(LIMIT,              -105, "count or length over the configured limit")   \
    X(BUFFER_FULL,        -106, "output would exceed the buffer's hard cap")   \
    X(TRAILING_BYTES,     -107, "bytes left over after the message ended")     \
    X(CRC_MISMATCH,       -108, "record batch CRC32C does not match")          \
    X(BAD_MAGIC,          -109, "unsupported record batch magic byte")         \
    X(UNKNOWN_CODEC,      -110, "unknown compression codec id")                \
    X(NOT_SUPPORTED,      -111, "not supported in this build")                 \
    X(DECOMPRESS,         -112, "compressed data is corrupt")                  \
    X(TOO_LARGE,          -113, "decompressed size over the configured limit") \
    X(INCOMPLETE,         -114, "partial record batch at end of data")         \
    X(NO_COMMON_VERSION,  -115, "no API version supported by both sides")      \
    X(TRANSPORT,          -120, "connection to the broker failed")             \
    X(TIMED_OUT,          -121, "operation timed out")                         \
    X(RESOLVE,            -122, "host name could not be resolved")             \
    X(CONNECT,            -123, "could not connect to the broker")             \
    X(TLS,                -124, "TLS handshake or certificate failure")        \
    X(AUTHENTICATION,     -125, "SASL authentication failed")                  \
    X(PROTOCOL,           -126, "broker broke the protocol")                   \
    X(FRAME_TOO_LARGE,    -127, "response frame over receive.message.max.bytes") \
    X(DESTROYED,          -128, "handle destroyed before completion")          \
    X(CONFIG,             -130, "invalid configuration value")                 \
    X(UNKNOWN_PROPERTY,   -131, "unknown configuration property")              \
    X(QUEUE_FULL,         -132, "producer buffer is full")                     \
    X(MSG_TOO_LARGE,      -133, "message larger than message.max.bytes")       \
    X(MSG_TIMED_OUT,      -134, "message not delivered within delivery.timeout.ms") \
    X(FATAL,              -135, "fatal error: the handle must be recreated")   \
    X(STATE,              -136, "call not valid in the current state")         \
    X(UNKNOWN_TOPIC,      -137, "topic not known to the cluster")              \
    X(UNKNOWN_PARTITION,  -138, "partition not known to the cluster")          \
    X(PARTITION_EOF,      -139, "reached the end of the partition")            \
    X(NOT_FOUND,          -140, "no such entry")                               \
    X(IO,                 -141, "local I/O error")                             \
    X(REENTRANT,          -142, "call not allowed from inside a callback")     \
    X(NO_OFFSET,          -160, "no committed offset and auto.offset.reset=error") \
    X(LOG_TRUNCATED,      -161, "leader log diverged below the consumer position") \
    X(STOPPED,            -143, "the queue was stopped")

/* Kafka broker error codes: X(NAME, code, message). */
#define SAMSA_BROKER_ERRORS(X)                                                 \
    X(UNKNOWN_SERVER_ERROR, -1, "unexpected error on the broker")              \
    X(OFFSET_OUT_OF_RANGE, 1, "offset outside the partition's range")          \
    X(CORRUPT_MESSAGE, 2, "message failed its CRC or is otherwise corrupt")    \
    X(UNKNOWN_TOPIC_OR_PARTITION, 3, "broker does not host this topic-partition") \
    X(INVALID_FETCH_SIZE, 4, "requested fetch size is invalid")                \
    X(LEADER_NOT_AVAILABLE, 5, "leader election in progress")                  \
    X(NOT_LEADER_OR_FOLLOWER, 6, "broker is not the leader or a replica")      \
    X(REQUEST_TIMED_OUT, 7, "request timed out on the broker")                 \
    X(BROKER_NOT_AVAILABLE, 8, "broker not available")                         \
    X(REPLICA_NOT_AVAILABLE, 9, "replica not available")                       \
    X(MESSAGE_TOO_LARGE, 10, "request larger than the broker accepts")         \
    X(STALE_CONTROLLER_EPOCH, 11, "controller moved")                          \
    X(OFFSET_METADATA_TOO_LARGE, 12, "offset commit metadata too large")       \
    X(NETWORK_EXCEPTION, 13, "broker disconnected before answering")           \
    X(COORDINATOR_LOAD_IN_PROGRESS, 14, "coordinator is still loading")        \
    X(COORDINATOR_NOT_AVAILABLE, 15, "coordinator not available")             \
    X(NOT_COORDINATOR, 16, "broker is not the coordinator")                    \
    X(INVALID_TOPIC_EXCEPTION, 17, "invalid topic")                            \
    X(RECORD_LIST_TOO_LARGE, 18, "batch larger than the segment size")         \
    X(NOT_ENOUGH_REPLICAS, 19, "fewer in-sync replicas than required")         \
    X(NOT_ENOUGH_REPLICAS_AFTER_APPEND, 20, "written to fewer in-sync replicas than required") \
    X(INVALID_REQUIRED_ACKS, 21, "invalid acks value")                         \
    X(ILLEGAL_GENERATION, 22, "group generation is not current")               \
    X(INCONSISTENT_GROUP_PROTOCOL, 23, "group protocols are incompatible")     \
    X(INVALID_GROUP_ID, 24, "invalid group id")                                \
    X(UNKNOWN_MEMBER_ID, 25, "coordinator does not know this member")          \
    X(INVALID_SESSION_TIMEOUT, 26, "session timeout outside the broker's range") \
    X(REBALANCE_IN_PROGRESS, 27, "group is rebalancing")                       \
    X(INVALID_COMMIT_OFFSET_SIZE, 28, "offset commit data size is invalid")    \
    X(TOPIC_AUTHORIZATION_FAILED, 29, "not authorized for the topic")          \
    X(GROUP_AUTHORIZATION_FAILED, 30, "not authorized for the group")          \
    X(CLUSTER_AUTHORIZATION_FAILED, 31, "not authorized for the cluster")      \
    X(INVALID_TIMESTAMP, 32, "timestamp out of the accepted range")            \
    X(UNSUPPORTED_SASL_MECHANISM, 33, "broker does not offer this SASL mechanism") \
    X(ILLEGAL_SASL_STATE, 34, "request not valid in this SASL state")          \
    X(UNSUPPORTED_VERSION, 35, "API version not supported by the broker")      \
    X(TOPIC_ALREADY_EXISTS, 36, "topic already exists")                        \
    X(INVALID_PARTITIONS, 37, "invalid number of partitions")                  \
    X(INVALID_REPLICATION_FACTOR, 38, "invalid replication factor")            \
    X(INVALID_REPLICA_ASSIGNMENT, 39, "invalid replica assignment")            \
    X(INVALID_CONFIG, 40, "invalid configuration")                             \
    X(NOT_CONTROLLER, 41, "broker is not the controller")                      \
    X(INVALID_REQUEST, 42, "broker considers the request malformed")           \
    X(UNSUPPORTED_FOR_MESSAGE_FORMAT, 43, "message format does not support the request") \
    X(POLICY_VIOLATION, 44, "request violates a broker policy")                \
    X(OUT_OF_ORDER_SEQUENCE_NUMBER, 45, "out of order producer sequence number") \
    X(DUPLICATE_SEQUENCE_NUMBER, 46, "duplicate producer sequence number")     \
    X(INVALID_PRODUCER_EPOCH, 47, "producer epoch is stale")                   \
    X(INVALID_TXN_STATE, 48, "transactional operation in an invalid state")    \
    X(INVALID_PRODUCER_ID_MAPPING, 49, "producer id not mapped to the transactional id") \
    X(INVALID_TRANSACTION_TIMEOUT, 50, "transaction timeout above the broker maximum") \
    X(CONCURRENT_TRANSACTIONS, 51, "concurrent operation on the same transaction") \
    X(TRANSACTION_COORDINATOR_FENCED, 52, "transaction coordinator fenced")    \
    X(TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 53, "not authorized for the transactional id") \
    X(SECURITY_DISABLED, 54, "security features are disabled")                 \
    X(OPERATION_NOT_ATTEMPTED, 55, "broker did not attempt the operation")     \
    X(KAFKA_STORAGE_ERROR, 56, "disk error on the broker")                     \
    X(LOG_DIR_NOT_FOUND, 57, "log directory not found")                        \
    X(SASL_AUTHENTICATION_FAILED, 58, "SASL authentication failed")            \
    X(UNKNOWN_PRODUCER_ID, 59, "broker has no state for this producer id")     \
    X(REASSIGNMENT_IN_PROGRESS, 60, "partition reassignment in progress")      \
    X(DELEGATION_TOKEN_AUTH_DISABLED, 61, "delegation tokens disabled")        \
    X(DELEGATION_TOKEN_NOT_FOUND, 62, "delegation token not found")            \
    X(DELEGATION_TOKEN_OWNER_MISMATCH, 63, "delegation token owner mismatch")  \
    X(DELEGATION_TOKEN_REQUEST_NOT_ALLOWED, 64, "delegation token request not allowed") \
    X(DELEGATION_TOKEN_AUTHORIZATION_FAILED, 65, "delegation token authorization failed") \
    X(DELEGATION_TOKEN_EXPIRED, 66, "delegation token expired")                \
    X(INVALID_PRINCIPAL_TYPE, 67, "invalid principal type")                    \
    X(NON_EMPTY_GROUP, 68, "group is not empty")                               \
    X(GROUP_ID_NOT_FOUND, 69, "group id not found")                            \
    X(FETCH_SESSION_ID_NOT_FOUND, 70, "fetch session not found")               \
    X(INVALID_FETCH_SESSION_EPOCH, 71, "fetch session epoch is invalid")       \
    X(LISTENER_NOT_FOUND, 72, "leader has no such listener")                   \
    X(TOPIC_DELETION_DISABLED, 73, "topic deletion is disabled")               \
    X(FENCED_LEADER_EPOCH, 74, "leader epoch is older than the broker's")      \
    X(UNKNOWN_LEADER_EPOCH, 75, "leader epoch is newer than the broker's")     \
    X(UNSUPPORTED_COMPRESSION_TYPE, 76, "compression type not supported")      \
    X(STALE_BROKER_EPOCH, 77, "broker epoch is stale")                         \
    X(OFFSET_NOT_AVAILABLE, 78, "offset not available yet")                    \
    X(MEMBER_ID_REQUIRED, 79, "join again with the member id given")           \
    X(PREFERRED_LEADER_NOT_AVAILABLE, 80, "preferred leader not available")    \
    X(GROUP_MAX_SIZE_REACHED, 81, "group reached its maximum size")            \
    X(FENCED_INSTANCE_ID, 82, "static member fenced by a newer instance")      \
    X(ELIGIBLE_LEADERS_NOT_AVAILABLE, 83, "no eligible leader")                \
    X(ELECTION_NOT_NEEDED, 84, "leader election not needed")                   \
    X(NO_REASSIGNMENT_IN_PROGRESS, 85, "no reassignment in progress")          \
    X(GROUP_SUBSCRIBED_TO_TOPIC, 86, "group still subscribes to the topic")    \
    X(INVALID_RECORD, 87, "record rejected by the broker")                     \
    X(UNSTABLE_OFFSET_COMMIT, 88, "pending transactional offset commit")       \
    X(THROTTLING_QUOTA_EXCEEDED, 89, "throttling quota exceeded")              \
    X(PRODUCER_FENCED, 90, "producer fenced by a newer one")                   \
    X(RESOURCE_NOT_FOUND, 91, "resource not found")                            \
    X(DUPLICATE_RESOURCE, 92, "duplicate resource in request")                 \
    X(UNACCEPTABLE_CREDENTIAL, 93, "credential not acceptable")                \
    X(INCONSISTENT_VOTER_SET, 94, "inconsistent voter set")                    \
    X(INVALID_UPDATE_VERSION, 95, "invalid update version")                    \
    X(FEATURE_UPDATE_FAILED, 96, "feature update failed")                      \
    X(PRINCIPAL_DESERIALIZATION_FAILURE, 97, "principal could not be deserialized") \
    X(SNAPSHOT_NOT_FOUND, 98, "snapshot not found")                            \
    X(POSITION_OUT_OF_RANGE, 99, "position out of range")                      \
    X(UNKNOWN_TOPIC_ID, 100, "unknown topic id")                               \
    X(DUPLICATE_BROKER_REGISTRATION, 101, "duplicate broker registration")     \
    X(BROKER_ID_NOT_REGISTERED, 102, "broker id not registered")               \
    X(INCONSISTENT_TOPIC_ID, 103, "topic id does not match")                   \
    X(INCONSISTENT_CLUSTER_ID, 104, "cluster id does not match")               \
    X(TRANSACTIONAL_ID_NOT_FOUND, 105, "transactional id not found")           \
    X(FETCH_SESSION_TOPIC_ID_ERROR, 106, "fetch session topic id mismatch")    \
    X(INELIGIBLE_REPLICA, 107, "replica not eligible for leadership")          \
    X(NEW_LEADER_ELECTED, 108, "a new leader was elected")                     \
    X(OFFSET_MOVED_TO_TIERED_STORAGE, 109, "offset moved to tiered storage")   \
    X(FENCED_MEMBER_EPOCH, 110, "member epoch fenced")                         \
    X(UNRELEASED_INSTANCE_ID, 111, "instance id still in use")                 \
    X(UNSUPPORTED_ASSIGNOR, 112, "assignor not supported")                     \
    X(STALE_MEMBER_EPOCH, 113, "member epoch is stale")                        \
    X(MISMATCHED_ENDPOINT_TYPE, 114, "request sent to the wrong endpoint type") \
    X(UNSUPPORTED_ENDPOINT_TYPE, 115, "endpoint type not supported")           \
    X(UNKNOWN_CONTROLLER_ID, 116, "unknown controller id")                     \
    X(UNKNOWN_SUBSCRIPTION_ID, 117, "unknown telemetry subscription id")       \
    X(TELEMETRY_TOO_LARGE, 118, "telemetry payload too large")                 \
    X(INVALID_REGISTRATION, 119, "invalid registration")                       \
    X(TRANSACTION_ABORTABLE, 120, "transaction must be aborted")               \
    X(INVALID_RECORD_STATE, 121, "share record in an invalid state")           \
    X(SHARE_SESSION_NOT_FOUND, 122, "share session not found")                 \
    X(INVALID_SHARE_SESSION_EPOCH, 123, "share session epoch is invalid")      \
    X(FENCED_STATE_EPOCH, 124, "share state epoch fenced")                     \
    X(INVALID_VOTER_KEY, 125, "invalid voter key")                             \
    X(DUPLICATE_VOTER, 126, "duplicate voter")                                 \
    X(VOTER_NOT_FOUND, 127, "voter not found")                                 \
    X(INVALID_REGULAR_EXPRESSION, 128, "invalid regular expression")           \
    X(REBOOTSTRAP_REQUIRED, 129, "client must rebootstrap")                    \
    X(STREAMS_INVALID_TOPOLOGY, 130, "invalid streams topology")               \
    X(STREAMS_INVALID_TOPOLOGY_EPOCH, 131, "invalid streams topology epoch")   \
    X(STREAMS_TOPOLOGY_FENCED, 132, "streams topology fenced")                 \
    X(SHARE_SESSION_LIMIT_REACHED, 133, "share session limit reached")

#define SAMSA_ERR_ENUM_ENTRY_(name, code, msg) SAMSA_ERR_##name = (code),

typedef enum samsa_err {
    SAMSA_OK = 0,
    SAMSA_LOCAL_ERRORS(SAMSA_ERR_ENUM_ENTRY_)
    SAMSA_BROKER_ERRORS(SAMSA_ERR_ENUM_ENTRY_)
    SAMSA_ERR_END_ = 134
} samsa_err;

/* "NOT_LEADER_OR_FOLLOWER", "TRUNCATED", "OK"; "UNKNOWN" for other codes. */
const char *samsa_err_name(int err);

/* One-line human description; never NULL. */
const char *samsa_err_str(int err);

/* 1 for errors raised by samsa itself (negative, at or below -100). */
int samsa_err_is_local(int err);

#ifdef __cplusplus
}
#endif
#endif
