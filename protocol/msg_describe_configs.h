/*
 * protocol/msg_describe_configs.h - DescribeConfigs (key 32), versions 1-4.
 *
 * Describes the configuration of resources: resource type 2 = topic,
 * 4 = broker, 8 = broker logger (name = broker id), 16 = client metrics,
 * 32 = group. Null configuration_keys lists every key. v1+ can include
 * synonyms and reports each value's source; v3+ the type and
 * documentation.
 *
 * Ownership: a decoded response's strings are views into the response
 * buffer; arrays come from the caller's arena (one free). Requests are read
 * only during sp_schema_encode.
 */
#ifndef SP_MSG_DESCRIBE_CONFIGS_H
#define SP_MSG_DESCRIBE_CONFIGS_H

#include "schema.h"

#define SP_DESCRIBE_CONFIGS_KEY 32

typedef struct sp_describe_configs_resource {
    int8_t resource_type;
    sp_str resource_name;
    SP_ARRAY(sp_str) configuration_keys; /* nullable: all keys */
} sp_describe_configs_resource;

typedef struct sp_describe_configs_req {
    SP_ARRAY(sp_describe_configs_resource) resources;
    bool include_synonyms;      /* v1+ */
    bool include_documentation; /* v3+ */
} sp_describe_configs_req;

typedef struct sp_describe_configs_synonym {
    sp_str name;
    sp_str value; /* nullable */
    int8_t source;
} sp_describe_configs_synonym;

typedef struct sp_describe_configs_entry {
    sp_str name;
    sp_str value; /* nullable */
    bool read_only;
    int8_t config_source; /* v1+, default -1 */
    bool is_sensitive;
    SP_ARRAY(sp_describe_configs_synonym) synonyms; /* v1+ */
    int8_t config_type;   /* v3+ */
    sp_str documentation; /* v3+, nullable */
} sp_describe_configs_entry;

typedef struct sp_describe_configs_result {
    int16_t error_code;
    sp_str error_message; /* nullable */
    int8_t resource_type;
    sp_str resource_name;
    SP_ARRAY(sp_describe_configs_entry) configs;
} sp_describe_configs_result;

typedef struct sp_describe_configs_resp {
    int32_t throttle_time_ms;
    SP_ARRAY(sp_describe_configs_result) results;
} sp_describe_configs_resp;

extern const sp_msg_desc sp_msg_describe_configs_req;
extern const sp_msg_desc sp_msg_describe_configs_resp;

#endif
