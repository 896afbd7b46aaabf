/*
 * protocol/api_versions_schema.c - schema tables for ApiVersions (key 18),
 * describing the hand-written structs of api_versions.h.
 */
#include "api_versions.h"
#include "msg_api_versions.h"

static const sp_field req_fields[] = {
    SP_F(sp_api_versions_req_view, client_software_name, "ClientSoftwareName", SP_T_STRING, 3, SP_VMAX),
    SP_F(sp_api_versions_req_view, client_software_version, "ClientSoftwareVersion", SP_T_STRING, 3, SP_VMAX),
    SP_F(sp_api_versions_req_view, cluster_id, "ClusterId", SP_T_STRING, 5, SP_VMAX,
         SP_NULL(5, SP_VMAX), SP_DEF("null")),
    SP_F(sp_api_versions_req_view, node_id, "NodeId", SP_T_INT32, 5, SP_VMAX, SP_DEF("-1")),
};
static SP_STRUCT_DESC(req_desc, "ApiVersionsRequest", sp_api_versions_req_view, req_fields);

static const sp_field key_fields[] = {
    SP_F(sp_api_version_range, api_key, "ApiKey", SP_T_INT16, 0, SP_VMAX),
    SP_F(sp_api_version_range, min_version, "MinVersion", SP_T_INT16, 0, SP_VMAX),
    SP_F(sp_api_version_range, max_version, "MaxVersion", SP_T_INT16, 0, SP_VMAX),
};
static SP_STRUCT_DESC(key_desc, "ApiVersion", sp_api_version_range, key_fields);

static const sp_field supported_fields[] = {
    SP_F(sp_feature_range, name, "Name", SP_T_STRING, 3, SP_VMAX),
    SP_F(sp_feature_range, min_version, "MinVersion", SP_T_INT16, 3, SP_VMAX),
    SP_F(sp_feature_range, max_version, "MaxVersion", SP_T_INT16, 3, SP_VMAX),
};
static SP_STRUCT_DESC(supported_desc, "SupportedFeatureKey", sp_feature_range, supported_fields);

/* finalized features carry the max level before the min level */
static const sp_field finalized_fields[] = {
    SP_F(sp_feature_range, name, "Name", SP_T_STRING, 3, SP_VMAX),
    SP_F(sp_feature_range, max_version, "MaxVersionLevel", SP_T_INT16, 3, SP_VMAX),
    SP_F(sp_feature_range, min_version, "MinVersionLevel", SP_T_INT16, 3, SP_VMAX),
};
static SP_STRUCT_DESC(finalized_desc, "FinalizedFeatureKey", sp_feature_range, finalized_fields);

static const sp_field resp_fields[] = {
    SP_F(sp_api_versions_resp, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(sp_api_versions_resp, api_keys, "ApiKeys", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &key_desc)),
    SP_F(sp_api_versions_resp, throttle_time_ms, "ThrottleTimeMs", SP_T_INT32, 1, SP_VMAX),
    SP_F(sp_api_versions_resp, supported_features, "SupportedFeatures", SP_T_ARRAY, 3, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &supported_desc), SP_TAG(0, 3)),
    SP_F(sp_api_versions_resp, finalized_features_epoch, "FinalizedFeaturesEpoch", SP_T_INT64, 3, SP_VMAX,
         SP_TAG(1, 3), SP_DEF("-1")),
    SP_F(sp_api_versions_resp, finalized_features, "FinalizedFeatures", SP_T_ARRAY, 3, SP_VMAX,
         SP_ELEM(SP_T_STRUCT, &finalized_desc), SP_TAG(2, 3)),
    SP_F(sp_api_versions_resp, zk_migration_ready, "ZkMigrationReady", SP_T_BOOL, 3, SP_VMAX,
         SP_TAG(3, 3), SP_DEF("false")),
};
static SP_STRUCT_DESC(resp_desc, "ApiVersionsResponse", sp_api_versions_resp, resp_fields);

const sp_msg_desc sp_msg_api_versions_req = {
    "ApiVersionsRequest", SP_API_VERSIONS_KEY, 0, 5, 3, &req_desc
};
const sp_msg_desc sp_msg_api_versions_resp = {
    "ApiVersionsResponse", SP_API_VERSIONS_KEY, 0, 5, 3, &resp_desc
};
