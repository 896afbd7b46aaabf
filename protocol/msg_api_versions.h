/*
 * protocol/msg_api_versions.h - schema descriptions of ApiVersions (key 18).
 *
 * The request description works on sp_api_versions_req_view (strings as
 * views, as the engine wants them); the response description works on the
 * hand-written sp_api_versions_resp of api_versions.h directly.
 */
#ifndef SP_MSG_API_VERSIONS_H
#define SP_MSG_API_VERSIONS_H

#include "schema.h"

typedef struct sp_api_versions_req_view {
    sp_str client_software_name;
    sp_str client_software_version;
    sp_str cluster_id;
    int32_t node_id;
} sp_api_versions_req_view;

extern const sp_msg_desc sp_msg_api_versions_req;
extern const sp_msg_desc sp_msg_api_versions_resp;

#endif
