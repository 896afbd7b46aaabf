/* client/admin.c - synchronous admin calls; see samsa/admin.h. */
#include "client_int.h"

void sc_admin_conn_event(samsa_client *c)
{
    (void)c;
}

void sc_admin_destroy_all(samsa_client *c)
{
    (void)c;
}
