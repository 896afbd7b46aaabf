/*
 * conf_doc - print the property table (client/conf_table.h) as the
 * Markdown table of docs/configuration.md.
 */
#include <stdio.h>
#include <string.h>

#include "samsa/conf.h"

int main(void)
{
    const char *name, *def, *doc, *type, *range;
    char buf[64];
    size_t i;

    printf("| property | type | default | allowed | description |\n");
    printf("|---|---|---|---|---|\n");
    for (i = 0; (name = samsa_conf_property(i, &def, &doc)); i++) {
        samsa_conf_property_info(i, &type, &range, buf, sizeof buf);
        printf("| `%s` | %s | %s%s%s | ", name, type, *def ? "`" : "",
               *def ? def : "(empty)", *def ? "`" : "");
        if (range) {
            const char *p;
            for (p = range; *p; p++)
                fputs(*p == '|' ? ", " : (char[2]){ *p, 0 }, stdout);
        }
        printf(" | %s |\n", doc);
    }
    return 0;
}
