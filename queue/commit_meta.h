/*
 * queue/commit_meta.h - offsets already done above the commit frontier,
 * carried in the OffsetCommit metadata string, so a partition's next owner
 * skips work that finished but could not be committed yet (the idea of
 * Confluent's parallel consumer).
 *
 * String: "sq1:" + base64 (RFC 4648, padded) of
 *     flags        1 byte, bit 0 = truncated (runs beyond the last were
 *                  done too but did not fit); other bits zero
 *     frontier     uvarint: the committed offset this describes
 *     nruns        uvarint
 *     per run      uvarint gap, uvarint count - 1
 * where a run is `count` consecutive done offsets starting at `first`; the
 * first run's first = frontier + 1 + gap, each later first = previous
 * last + 2 + gap (runs are sorted, never touch, never include the
 * frontier, which by definition is not done). One encoding per content, so
 * decode then encode gives back the same string.
 *
 * Reading untrusted metadata is bounded: the string is capped at
 * SQ_COMMIT_META_MAX_LEN, varints at 10 bytes, arithmetic checked against
 * INT64_MAX, runs written only into the caller's array. A new owner uses
 * the runs only when the decoded frontier equals the committed offset it
 * read (otherwise the metadata belongs to another commit).
 *
 * Pure functions: no allocation, no I/O; reentrant.
 */
#ifndef SQ_COMMIT_META_H
#define SQ_COMMIT_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "offset_tracker.h"

#define SQ_COMMIT_META_PREFIX  "sq1:"
#define SQ_COMMIT_META_MAX_LEN 65536u /* Kafka's offset.metadata.max.bytes is 4096 */

typedef struct sq_run {
    int64_t first;
    int64_t count; /* >= 1 */
} sq_run;

/*
 * Encode into out (cap bytes, NUL included) as many leading runs as fit;
 * *nencoded says how many (fewer than nruns sets the truncated flag, as
 * does prefix_only: "these runs are themselves a prefix"). *outlen gets
 * the length without the NUL. INVALID_ARG when frontier < 0 or the runs
 * are not sorted, separated and above the frontier; BUFFER_FULL when cap
 * cannot hold even zero runs.
 */
int sq_commit_meta_encode(int64_t frontier, const sq_run *runs, size_t nruns,
                          bool prefix_only, char *out, size_t cap, size_t *outlen,
                          size_t *nencoded);

/*
 * Decode s[0..len) (not NUL-terminated). 0 with *frontier, runs[0..*nruns)
 * and *truncated; NOT_FOUND when s is not samsa metadata (another
 * application's, or empty); MALFORMED when it claims to be and is not
 * valid; LIMIT when it holds more than max_runs runs or is too long.
 */
int sq_commit_meta_decode(const char *s, size_t len, int64_t *frontier, sq_run *runs,
                          size_t max_runs, size_t *nruns, bool *truncated);

/*
 * Runs of done offsets still held by a tracker (above its frontier), at
 * most max of them; *more says whether some did not fit. Offsets absent
 * from the tracker between two done ones (compaction holes) join the run.
 */
void sq_commit_meta_runs(const sq_tracker *t, sq_run *runs, size_t max, size_t *n,
                         bool *more);

#endif
