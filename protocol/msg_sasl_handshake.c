/* protocol/msg_sasl_handshake.c - SaslHandshake tables; see the header. */
#include "msg_sasl_handshake.h"

static const sp_field req_fields[] = {
    SP_F(sp_sasl_handshake_req, mechanism, "Mechanism", SP_T_STRING, 0, SP_VMAX),
};
static SP_STRUCT_DESC(req_desc, "SaslHandshakeRequest", sp_sasl_handshake_req, req_fields);

static const sp_field resp_fields[] = {
    SP_F(sp_sasl_handshake_resp, error_code, "ErrorCode", SP_T_INT16, 0, SP_VMAX),
    SP_F(sp_sasl_handshake_resp, mechanisms, "Mechanisms", SP_T_ARRAY, 0, SP_VMAX,
         SP_ELEM(SP_T_STRING, NULL)),
};
static SP_STRUCT_DESC(resp_desc, "SaslHandshakeResponse", sp_sasl_handshake_resp, resp_fields);

const sp_msg_desc sp_msg_sasl_handshake_req = {
    "SaslHandshakeRequest", 17, 0, 1, SP_VMAX, &req_desc
};
const sp_msg_desc sp_msg_sasl_handshake_resp = {
    "SaslHandshakeResponse", 17, 0, 1, SP_VMAX, &resp_desc
};
