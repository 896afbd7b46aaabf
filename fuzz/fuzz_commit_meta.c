/*
 * Fuzz target: commit metadata decoder (queue/commit_meta.h), which reads
 * strings another consumer wrote into the group's offsets. A string that
 * decodes must re-encode to exactly itself (one encoding per content).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../queue/commit_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sq_run runs[4096];
    char *copy, *again;
    size_t n = 0, len = 0, k = 0, i;
    int64_t frontier;
    bool truncated;
    int err;

    /* exact-size copy so ASan sees any over-read */
    copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    err = sq_commit_meta_decode(copy, size, &frontier, runs, 4096, &n, &truncated);
    if (err == 0) {
        if (frontier < 0)
            abort();
        for (i = 0; i < n; i++)
            if (runs[i].count < 1 || (i && runs[i].first < runs[i - 1].first + runs[i - 1].count + 1))
                abort();
        again = malloc(size + 1);
        if (!again)
            abort();
        if (sq_commit_meta_encode(frontier, runs, n, truncated, again, size + 1, &len, &k) != 0 ||
            k != n || len != size || memcmp(again, copy, size) != 0)
            abort();
        free(again);
    } else if (n != 0) {
        abort();
    }
    free(copy);
    return 0;
}
