/*
 * protocol/msg_sasl_handshake.h - SaslHandshake (key 17), v0-v1.
 *
 * The first step of SASL on a connection: the client names a mechanism,
 * the broker answers with an error code and the mechanisms it has enabled.
 * v0 then switches to raw SASL tokens on the socket; v1 (the only form
 * net/ uses) carries the tokens in SaslAuthenticate requests.
 *
 * Ownership: requests are caller-owned structs of views; a decoded
 * response's strings point into the response buffer and its arrays come
 * from the caller's arena (valid until the buffer and the arena go).
 */
#ifndef SP_MSG_SASL_HANDSHAKE_H
#define SP_MSG_SASL_HANDSHAKE_H

#include "schema.h"

typedef struct sp_sasl_handshake_req {
    sp_str mechanism;
} sp_sasl_handshake_req;

typedef struct sp_sasl_handshake_resp {
    int16_t error_code;
    SP_ARRAY(sp_str) mechanisms;
} sp_sasl_handshake_resp;

extern const sp_msg_desc sp_msg_sasl_handshake_req;
extern const sp_msg_desc sp_msg_sasl_handshake_resp;

#endif
