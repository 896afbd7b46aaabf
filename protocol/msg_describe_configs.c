/* protocol/msg_describe_configs.c - DescribeConfigs (key 32) schema tables; see
 * msg_describe_configs.h. */
#include "msg_describe_configs.h"

#define RE sp_describe_configs_resource
static const sp_field resource_fields[] = {
    SP_F(RE, resource_type, "ResourceType", SP_T_INT8, 0, SP_VMAX),
    SP_F(RE, resource_name, "ResourceName", SP_T_STRING, 0, SP_VMAX),
    SP_F(RE, configuration_keys, "ConfigurationKeys", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRING, NULL), SP_NULL(0, SP_VMAX)),
};
#undef RE
static SP_STRUCT_DESC(resource_desc, "DescribeConfigsResource", sp_describe_configs_resource, resource_fields);

static const sp_field req_fields[] = {
    SP_F(sp_describe_configs_req, resources, "Resources", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &resource_desc)),
    SP_F(sp_describe_configs_req, include_synonyms, "IncludeSynonyms", SP_T_BOOL, 1, SP_VMAX,
         SP_DEF("false")),
    SP_F(sp_describe_configs_req, include_documentation, "IncludeDocumentation", SP_T_BOOL, 3, SP_VMAX,
         SP_DEF("false")),
};
static SP_STRUCT_DESC(req_desc, "DescribeConfigsRequest", sp_describe_configs_req, req_fields);

static const sp_field synonym_fields[] = {
    SP_F(sp_describe_configs_synonym, name, "Name", SP_T_STRING, 1, SP_VMAX),
    SP_F(sp_describe_configs_synonym, value, "Value", SP_T_STRING, 1, SP_VMAX, SP_NULL(0, SP_VMAX)),
    SP_F(sp_describe_configs_synonym, source, "Source", SP_T_INT8, 1, SP_VMAX),
};
static SP_STRUCT_DESC(synonym_desc, "DescribeConfigsSynonym", sp_describe_configs_synonym, synonym_fields);

#define EN sp_describe_configs_entry
static const sp_field entry_fields[] = {
    SP_F(EN, name, "Name", SP_T_STRING, 0, SP_VMAX),
    SP_F(EN, value, "Value", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX)),
    SP_F(EN, read_only, "ReadOnly", SP_T_BOOL, 0, SP_VMAX),
    SP_F(EN, config_source, "ConfigSource", SP_T_INT8, 1, SP_VMAX, SP_DEF("-1")),
    SP_F(EN, is_sensitive, "IsSensitive", SP_T_BOOL, 0, SP_VMAX),
    SP_F(EN, synonyms, "Synonyms", SP_T_ARRAY, 1, SP_VMAX, SP_ELEM(SP_T_STRUCT, &synonym_desc)),
    SP_F(EN, config_type, "ConfigType", SP_T_INT8, 3, SP_VMAX, SP_DEF("0")),
    SP_F(EN, documentation, "Documentation", SP_T_STRING, 3, SP_VMAX, SP_NULL(0, SP_VMAX)),
};
#undef EN
static SP_STRUCT_DESC(entry_desc, "DescribeConfigsResourceResult", sp_describe_configs_entry, entry_fields);

#define RS_ sp_describe_configs_result
static const sp_field result_fields[] = {
    SP_F(RS_, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(RS_, error_message, "ErrorMessage", SP_T_STRING, 0, SP_VMAX, SP_NULL(0, SP_VMAX)),
    SP_F(RS_, resource_type, "ResourceType", SP_T_INT8, 0, SP_VMAX),
    SP_F(RS_, resource_name, "ResourceName", SP_T_STRING, 0, SP_VMAX),
    SP_F(RS_, configs, "Configs", SP_T_ARRAY, 0, SP_VMAX, SP_ELEM(SP_T_STRUCT, &entry_desc)),
};
#undef RS_
static SP_STRUCT_DESC(result_desc, "DescribeConfigsResult", sp_describe_configs_result, result_fields);

static const sp_field resp_fields[] = {
    SP_F(sp_describe_configs_resp, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 0, SP_VMAX),
    SP_F(sp_describe_configs_resp, results, "Results", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &result_desc)),
};
static SP_STRUCT_DESC(resp_desc, "DescribeConfigsResponse", sp_describe_configs_resp, resp_fields);

const sp_msg_desc sp_msg_describe_configs_req = {
    "DescribeConfigsRequest", SP_DESCRIBE_CONFIGS_KEY, 1, 4, 4, &req_desc
};
const sp_msg_desc sp_msg_describe_configs_resp = {
    "DescribeConfigsResponse", SP_DESCRIBE_CONFIGS_KEY, 1, 4, 4, &resp_desc
};
