/*
 * protocol/msg_describe_cluster.h - DescribeCluster (key 60), versions 0-2.
 *
 * Describes the cluster: its id, controller and brokers (endpoint type 1)
 * or, from a controller listener, the controllers (type 2, v1+). v2 can
 * include fenced brokers and reports which ones are fenced. Flexible in
 * every version.
 *
 * Ownership: a decoded response's strings are views into the response
 * buffer; arrays come from the caller's arena (one free). Requests are read
 * only during sp_schema_encode.
 */
#ifndef SP_MSG_DESCRIBE_CLUSTER_H
#define SP_MSG_DESCRIBE_CLUSTER_H

#include "schema.h"

#define SP_DESCRIBE_CLUSTER_KEY 60

typedef struct sp_describe_cluster_req {
    bool include_cluster_authorized_operations;
    int8_t endpoint_type;        /* v1+, default 1 (brokers) */
    bool include_fenced_brokers; /* v2+ */
} sp_describe_cluster_req;

typedef struct sp_describe_cluster_broker {
    int32_t broker_id;
    sp_str host;
    int32_t port;
    sp_str rack;    /* nullable */
    bool is_fenced; /* v2+ */
} sp_describe_cluster_broker;

typedef struct sp_describe_cluster_resp {
    int32_t throttle_time_ms;
    int16_t error_code;
    sp_str error_message; /* nullable */
    int8_t endpoint_type; /* v1+, default 1 */
    sp_str cluster_id;
    int32_t controller_id; /* default -1 */
    SP_ARRAY(sp_describe_cluster_broker) brokers;
    int32_t cluster_authorized_operations; /* default INT32_MIN */
} sp_describe_cluster_resp;

extern const sp_msg_desc sp_msg_describe_cluster_req;
extern const sp_msg_desc sp_msg_describe_cluster_resp;

#endif
