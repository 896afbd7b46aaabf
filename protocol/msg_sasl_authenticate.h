/*
 * protocol/msg_sasl_authenticate.h - SaslAuthenticate (key 36), v0-v2.
 *
 * Carries one SASL token each way after a v1 SaslHandshake (KIP-152).
 * From v1 the broker also reports the session lifetime (KIP-368): after
 * it the client must re-authenticate on the same connection. v2 is the
 * flexible form.
 *
 * Ownership: requests are caller-owned structs of views (auth_bytes is
 * not copied); a decoded response's error_message and auth_bytes point
 * into the response buffer (valid while it lives).
 */
#ifndef SP_MSG_SASL_AUTHENTICATE_H
#define SP_MSG_SASL_AUTHENTICATE_H

#include "schema.h"

typedef struct sp_sasl_authenticate_req {
    sp_bytes auth_bytes;
} sp_sasl_authenticate_req;

typedef struct sp_sasl_authenticate_resp {
    int16_t error_code;
    sp_str error_message;        /* null when there was no error */
    sp_bytes auth_bytes;
    int64_t session_lifetime_ms; /* v1+; 0 = no limit (and in v0) */
} sp_sasl_authenticate_resp;

extern const sp_msg_desc sp_msg_sasl_authenticate_req;
extern const sp_msg_desc sp_msg_sasl_authenticate_resp;

#endif
