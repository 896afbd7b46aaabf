/*
 * schema_dump - print samsa's API table and schema descriptions.
 *
 *   schema_dump --json       everything, for test/conformance/check_schemas.py
 *   schema_dump --markdown   the API x versions table of docs/protocol.md
 *
 * It prints the very tables the codec engine runs on, so the conformance
 * test checks what goes on the wire, not a copy of it.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "msg_consumer_protocol.h"

/* Schema-described payloads that are not APIs (no key in api.c) but are
 * checked against Kafka's JSON all the same. */
static const sp_msg_desc *const payloads[] = {
    &sp_msg_consumer_protocol_subscription,
    &sp_msg_consumer_protocol_assignment,
};

static const char *type_name(uint8_t t)
{
    switch (t) {
    case SP_T_BOOL: return "bool";
    case SP_T_INT8: return "int8";
    case SP_T_INT16: return "int16";
    case SP_T_UINT16: return "uint16";
    case SP_T_INT32: return "int32";
    case SP_T_UINT32: return "uint32";
    case SP_T_INT64: return "int64";
    case SP_T_FLOAT64: return "float64";
    case SP_T_UUID: return "uuid";
    case SP_T_STRING: return "string";
    case SP_T_BYTES: return "bytes";
    case SP_T_RECORDS: return "records";
    default: return "?";
    }
}

static void print_vmax(int v)
{
    if (v == SP_VMAX)
        printf("null");
    else
        printf("%d", v);
}

static void dump_struct(const sp_struct_desc *sd);

static void dump_field(const sp_field *f)
{
    printf("{\"name\":\"%s\",\"type\":\"", f->name);
    if (f->type == SP_T_ARRAY)
        printf("[]%s", f->elem == SP_T_STRUCT ? f->sub->name : type_name(f->elem));
    else if (f->type == SP_T_STRUCT)
        printf("%s", f->sub->name);
    else
        printf("%s", type_name(f->type));
    printf("\",\"vmin\":%d,\"vmax\":", f->vmin);
    print_vmax(f->vmax);
    if (f->has_null) {
        printf(",\"nullable\":[%d,", f->nmin);
        print_vmax(f->nmax);
        printf("]");
    }
    if (f->has_tag)
        printf(",\"tag\":%d,\"tag_vmin\":%d", (int)f->tag, f->tag_vmin);
    if (f->def)
        printf(",\"default\":\"%s\"", f->def);
    if (f->sub) {
        printf(",\"fields\":");
        dump_struct(f->sub);
    }
    printf("}");
}

static void dump_struct(const sp_struct_desc *sd)
{
    uint16_t i;

    printf("[");
    for (i = 0; i < sd->nfields; i++) {
        if (i)
            printf(",");
        dump_field(&sd->fields[i]);
    }
    printf("]");
}

static void dump_msg(const sp_msg_desc *d)
{
    printf("{\"name\":\"%s\",\"vmin\":%d,\"vmax\":%d,\"flex_min\":",
           d->name, d->vmin, d->vmax);
    print_vmax(d->flex_min);
    printf(",\"fields\":");
    dump_struct(d->body);
    printf("}");
}

static void json(void)
{
    const sp_api *a;
    size_t i;

    printf("{\"apis\":[");
    for (i = 0; (a = sp_api_at(i)); i++) {
        printf("%s\n{\"key\":%d,\"name\":\"%s\",\"vmin\":%d,\"vmax\":%d,\"request\":",
               i ? "," : "", a->key, a->name, a->vmin, a->vmax);
        dump_msg(a->req);
        printf(",\"response\":");
        dump_msg(a->resp);
        printf("}");
    }
    printf("],\n\"messages\":[");
    for (i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
        printf("%s\n", i ? "," : "");
        dump_msg(payloads[i]);
    }
    printf("]}\n");
}

static void flex_range(const sp_msg_desc *d, char *buf, size_t len)
{
    if (d->flex_min > d->vmax)
        snprintf(buf, len, "none");
    else if (d->flex_min <= d->vmin)
        snprintf(buf, len, "all");
    else
        snprintf(buf, len, "%d+", d->flex_min);
}

static void markdown(void)
{
    const sp_api *a;
    size_t i;

    printf("| key | API | versions | flexible |\n");
    printf("|---:|---|---|---|\n");
    for (i = 0; (a = sp_api_at(i)); i++) {
        char flex[16];
        flex_range(a->req, flex, sizeof flex);
        printf("| %d | %s | %d-%d | %s |\n", a->key, a->name, a->vmin, a->vmax, flex);
    }
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--json") == 0)
        json();
    else if (argc == 2 && strcmp(argv[1], "--markdown") == 0)
        markdown();
    else {
        fprintf(stderr, "usage: %s --json|--markdown\n", argv[0]);
        return 2;
    }
    return 0;
}
