/* protocol/msg_sasl_authenticate.c - SaslAuthenticate tables; see the header. */
#include "msg_sasl_authenticate.h"

static const sp_field req_fields[] = {
    SP_F(sp_sasl_authenticate_req, auth_bytes, "AuthBytes", SP_T_BYTES, 0, SP_VMAX),
};
static SP_STRUCT_DESC(req_desc, "SaslAuthenticateRequest", sp_sasl_authenticate_req, req_fields);

static const sp_field resp_fields[] = {
    SP_F(sp_sasl_authenticate_resp, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(sp_sasl_authenticate_resp, error_message, "ErrorMessage", SP_T_STRING, 0, SP_VMAX,
         SP_NULL(0, SP_VMAX)),
    SP_F(sp_sasl_authenticate_resp, auth_bytes, "AuthBytes", SP_T_BYTES, 0, SP_VMAX),
    SP_F(sp_sasl_authenticate_resp, session_lifetime_ms, "SessionLifetimeMs", SP_T_INT64, 1, SP_VMAX,
         SP_DEF("0")),
};
static SP_STRUCT_DESC(resp_desc, "SaslAuthenticateResponse", sp_sasl_authenticate_resp, resp_fields);

const sp_msg_desc sp_msg_sasl_authenticate_req = {
    "SaslAuthenticateRequest", 36, 0, 2, 2, &req_desc
};
const sp_msg_desc sp_msg_sasl_authenticate_resp = {
    "SaslAuthenticateResponse", 36, 0, 2, 2, &resp_desc
};
