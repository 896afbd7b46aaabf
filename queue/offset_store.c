/* queue/offset_store.c - the file-backed offset store; see offset_store.h. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "offset_store.h"
#include "alloc.h"
#include "crc32c.h"
#include "samsa/error.h"

#define HEADER "samsa-offsets 1\n"

typedef struct fentry {
    char *topic;      /* owned */
    int32_t partition;
    int64_t offset;
} fentry;

typedef struct fstore {
    const samsa_allocator *alloc;
    char *path, *tmp, *dir;
    fentry *e;
    size_t n;
    char err[256];
} fstore;

int sq_topic_name_ok(const char *t)
{
    size_t i;

    if (!t || !t[0])
        return 0;
    for (i = 0; t[i]; i++) {
        char c = t[i];
        if (i >= 249 || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static int cmp_key(const char *ta, int32_t pa, const char *tb, int32_t pb)
{
    int r = strcmp(ta, tb);
    if (r)
        return r;
    return pa < pb ? -1 : pa > pb;
}

/* Index of (topic, partition) or of where it would go; *found says which. */
static size_t find(const fstore *s, const char *topic, int32_t partition, int *found)
{
    size_t lo = 0, hi = s->n;

    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = cmp_key(s->e[mid].topic, s->e[mid].partition, topic, partition);
        if (r == 0) {
            *found = 1;
            return mid;
        }
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void free_entries(const samsa_allocator *a, fentry *e, size_t n)
{
    size_t i;

    for (i = 0; e && i < n; i++)
        sp_free(a, e[i].topic);
    sp_free(a, e);
}

static char *dup_str(const samsa_allocator *a, const char *s, size_t n)
{
    char *d = sp_alloc(a, n + 1);

    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

/* ---------------------------------------------------------------- parsing */

/* Strict non-negative decimal up to max: digits only, no leading zeros. */
static int parse_num(const char **p, const char *end, int64_t max, int64_t *out)
{
    const char *s = *p;
    int64_t v = 0;

    if (s == end || *s < '0' || *s > '9')
        return -1;
    if (*s == '0' && end - s > 1 && s[1] >= '0' && s[1] <= '9')
        return -1;
    for (; s != end && *s >= '0' && *s <= '9'; s++) {
        int d = *s - '0';
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *p = s;
    *out = v;
    return 0;
}

static int corrupt(fstore *s, size_t line, const char *what)
{
    snprintf(s->err, sizeof s->err, "%s: corrupt offset file at line %zu: %s",
             s->path, line, what);
    return SAMSA_ERR_MALFORMED;
}

static int parse(fstore *s, const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len, *body, *last;
    size_t hl = sizeof HEADER - 1, count = 0, line = 1, cap, i;
    int64_t n_decl, crc_decl = 0;
    uint32_t crc;

    if ((size_t)(end - p) < hl || memcmp(p, HEADER, hl) != 0)
        return corrupt(s, 1, "not a samsa offset file (bad header)");
    if (len == 0 || buf[len - 1] != '\n')
        return corrupt(s, 0, "truncated (no final newline)");
    /* the last line is the trailer: find its start */
    last = end - 1;
    while (last > buf && last[-1] != '\n')
        last--;
    if (last < buf + hl)
        return corrupt(s, 2, "truncated (no end line)");
    for (body = buf + hl; body < last; body++)
        count += *body == '\n';
    {
        const char *q = last;
        if (end - q < 4 || memcmp(q, "end ", 4) != 0)
            return corrupt(s, count + 2, "truncated (no end line)");
        q += 4;
        if (parse_num(&q, end, SQ_FILE_STORE_MAX_ENTRIES, &n_decl) || q == end || *q++ != ' ')
            return corrupt(s, count + 2, "bad end line");
        for (i = 0; i < 8; i++, q++) {
            int d;
            if (q == end)
                return corrupt(s, count + 2, "bad end line");
            d = (*q >= '0' && *q <= '9') ? *q - '0' : (*q >= 'a' && *q <= 'f') ? *q - 'a' + 10 : -1;
            if (d < 0)
                return corrupt(s, count + 2, "bad checksum digits");
            crc_decl = crc_decl << 4 | d;
        }
        if (q != end - 1)
            return corrupt(s, count + 2, "bad end line");
    }
    if ((size_t)n_decl != count)
        return corrupt(s, count + 2, "entry count does not match (truncated?)");
    crc = sp_crc32c(0, buf, (size_t)(last - buf));
    if (crc != (uint32_t)crc_decl)
        return corrupt(s, count + 2, "checksum mismatch");

    cap = count ? count : 1;
    s->e = sp_calloc(s->alloc, cap, sizeof *s->e);
    if (!s->e)
        return SAMSA_ERR_NO_MEMORY;
    p = buf + hl;
    while (p < last) {
        const char *eol = memchr(p, '\n', (size_t)(last - p)), *t;
        int64_t part, off;
        fentry *e = &s->e[s->n];

        line++;
        if (parse_num(&p, eol, INT32_MAX, &part) || p == eol || *p++ != ' ' ||
            parse_num(&p, eol, INT64_MAX, &off) || p == eol || *p++ != ' ')
            return corrupt(s, line, "expected '<partition> <offset> <topic>'");
        t = p;
        e->topic = dup_str(s->alloc, t, (size_t)(eol - t));
        if (!e->topic)
            return SAMSA_ERR_NO_MEMORY;
        s->n++;
        if (strlen(e->topic) != (size_t)(eol - t) || !sq_topic_name_ok(e->topic))
            return corrupt(s, line, "invalid topic name");
        e->partition = (int32_t)part;
        e->offset = off;
        if (s->n > 1 && cmp_key(e[-1].topic, e[-1].partition, e->topic, e->partition) >= 0)
            return corrupt(s, line, "entries out of order or duplicated");
        p = eol + 1;
    }
    return 0;
}

static int load_file(fstore *s)
{
    struct stat st;
    char *buf;
    size_t got = 0;
    int fd, err;

    fd = open(s->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0; /* fresh start */
        snprintf(s->err, sizeof s->err, "%s: %s", s->path, strerror(errno));
        return SAMSA_ERR_IO;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(s->err, sizeof s->err, "%s: not a regular file", s->path);
        close(fd);
        return SAMSA_ERR_IO;
    }
    if ((uint64_t)st.st_size > SQ_FILE_STORE_MAX_BYTES) {
        snprintf(s->err, sizeof s->err, "%s: larger than %u bytes", s->path,
                 SQ_FILE_STORE_MAX_BYTES);
        close(fd);
        return SAMSA_ERR_LIMIT;
    }
    buf = sp_alloc(s->alloc, (size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        return SAMSA_ERR_NO_MEMORY;
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != (size_t)st.st_size) {
        snprintf(s->err, sizeof s->err, "%s: short read", s->path);
        sp_free(s->alloc, buf);
        return SAMSA_ERR_IO;
    }
    err = parse(s, buf, got);
    sp_free(s->alloc, buf);
    return err;
}

/* ---------------------------------------------------------------- saving */

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int io_fail(fstore *s, const char *what, const char *path)
{
    snprintf(s->err, sizeof s->err, "%s %s: %s", what, path, strerror(errno));
    return SAMSA_ERR_IO;
}

/* Serialise e[0..n) and replace the file with it, durably. */
static int write_table(fstore *s, const fentry *e, size_t n)
{
    size_t cap = sizeof HEADER + 32, len, i;
    char *buf;
    int fd, err = 0;
    uint32_t crc;

    for (i = 0; i < n; i++)
        cap += strlen(e[i].topic) + 34;
    buf = sp_alloc(s->alloc, cap);
    if (!buf)
        return SAMSA_ERR_NO_MEMORY;
    memcpy(buf, HEADER, sizeof HEADER - 1);
    len = sizeof HEADER - 1;
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%ld %lld %s\n", (long)e[i].partition,
                                (long long)e[i].offset, e[i].topic);
    crc = sp_crc32c(0, buf, len);
    len += (size_t)snprintf(buf + len, cap - len, "end %zu %08x\n", n, (unsigned)crc);

    fd = open(s->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        err = io_fail(s, "create", s->tmp);
    } else {
        if (write_all(fd, buf, len) != 0)
            err = io_fail(s, "write", s->tmp);
        else if (fsync(fd) != 0)
            err = io_fail(s, "fsync", s->tmp);
        if (close(fd) != 0 && !err)
            err = io_fail(s, "close", s->tmp);
        if (!err && rename(s->tmp, s->path) != 0)
            err = io_fail(s, "rename to", s->path);
        if (err)
            unlink(s->tmp);
    }
    sp_free(s->alloc, buf);
    if (!err) { /* make the rename itself durable */
        int dfd = open(s->dir, O_RDONLY | O_CLOEXEC);
        if (dfd < 0)
            return io_fail(s, "open directory", s->dir);
        if (fsync(dfd) != 0 && errno != EINVAL)
            err = io_fail(s, "fsync directory", s->dir);
        close(dfd);
    }
    return err;
}

typedef struct upd {
    const char *topic;
    int32_t partition;
    int64_t offset;
    size_t idx;
} upd;

static int cmp_upd(const void *a, const void *b)
{
    const upd *x = a, *y = b;
    int r = cmp_key(x->topic, x->partition, y->topic, y->partition);

    if (r)
        return r;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void free_fresh(const samsa_allocator *a, fentry *e, const uint8_t *fresh, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (fresh[i])
            sp_free(a, e[i].topic);
    sp_free(a, e);
}

static int fs_save(void *self, const sq_offset_entry *in, size_t n)
{
    fstore *s = self;
    fentry *next = NULL;
    uint8_t *fresh = NULL;
    upd *u = NULL;
    size_t i, j, k, nu = 0, m = 0;
    int err = 0;

    s->err[0] = 0;
    if (n && !in)
        return SAMSA_ERR_INVALID_ARG;
    if (n > SQ_FILE_STORE_MAX_ENTRIES)
        return SAMSA_ERR_LIMIT;
    for (i = 0; i < n; i++)
        if (!sq_topic_name_ok(in[i].topic) || in[i].partition < 0 || in[i].offset < 0) {
            snprintf(s->err, sizeof s->err, "entry %zu: invalid topic, partition or offset", i);
            return SAMSA_ERR_INVALID_ARG;
        }
    /* the updates sorted, the last of each duplicate winning */
    u = sp_calloc(s->alloc, n ? n : 1, sizeof *u);
    next = sp_calloc(s->alloc, s->n + n ? s->n + n : 1, sizeof *next);
    fresh = sp_calloc(s->alloc, s->n + n ? s->n + n : 1, 1);
    if (!u || !next || !fresh) {
        sp_free(s->alloc, u);
        sp_free(s->alloc, next);
        sp_free(s->alloc, fresh);
        return SAMSA_ERR_NO_MEMORY;
    }
    for (i = 0; i < n; i++) {
        u[i].topic = in[i].topic;
        u[i].partition = in[i].partition;
        u[i].offset = in[i].offset;
        u[i].idx = i;
    }
    qsort(u, n, sizeof *u, cmp_upd);
    for (i = 0; i < n; i++) {
        if (nu && cmp_key(u[nu - 1].topic, u[nu - 1].partition, u[i].topic, u[i].partition) == 0)
            u[nu - 1] = u[i];
        else
            u[nu++] = u[i];
    }
    /* merge: old topics are borrowed, new ones copied */
    for (j = 0, k = 0; j < s->n || k < nu;) {
        int r = j == s->n ? 1 : k == nu ? -1
              : cmp_key(s->e[j].topic, s->e[j].partition, u[k].topic, u[k].partition);
        if (r <= 0) {
            next[m] = s->e[j++];
            if (r == 0)
                next[m].offset = u[k++].offset;
        } else {
            next[m].topic = dup_str(s->alloc, u[k].topic, strlen(u[k].topic));
            if (!next[m].topic) {
                err = SAMSA_ERR_NO_MEMORY;
                break;
            }
            fresh[m] = 1;
            next[m].partition = u[k].partition;
            next[m].offset = u[k++].offset;
        }
        m++;
    }
    sp_free(s->alloc, u);
    if (!err && m > SQ_FILE_STORE_MAX_ENTRIES) {
        snprintf(s->err, sizeof s->err, "more than %u entries", SQ_FILE_STORE_MAX_ENTRIES);
        err = SAMSA_ERR_LIMIT;
    }
    if (!err)
        err = write_table(s, next, m);
    if (err) {
        free_fresh(s->alloc, next, fresh, m);
        sp_free(s->alloc, fresh);
        return err;
    }
    sp_free(s->alloc, s->e); /* its topics live on in next */
    sp_free(s->alloc, fresh);
    s->e = next;
    s->n = m;
    return 0;
}

static int fs_load(void *self, const char *topic, int32_t partition, int64_t *offset)
{
    fstore *s = self;
    int found;
    size_t i;

    if (!topic)
        return SAMSA_ERR_INVALID_ARG;
    i = find(s, topic, partition, &found);
    if (!found)
        return SAMSA_ERR_NOT_FOUND;
    *offset = s->e[i].offset;
    return 0;
}

static const char *fs_errstr(void *self)
{
    return ((fstore *)self)->err;
}

static void fs_close(void *self)
{
    fstore *s = self;

    if (!s)
        return;
    free_entries(s->alloc, s->e, s->n);
    sp_free(s->alloc, s->path);
    sp_free(s->alloc, s->tmp);
    sp_free(s->alloc, s->dir);
    sp_free(s->alloc, s);
}

static const sq_offset_store_ops file_ops = { fs_load, fs_save, fs_errstr, fs_close };

int sq_file_store_open(sq_offset_store *out, const samsa_allocator *alloc,
                       const char *path, char *err, size_t errlen)
{
    fstore *s;
    size_t plen;
    const char *slash;
    int rc;

    out->ops = NULL;
    out->self = NULL;
    if (err && errlen)
        err[0] = 0;
    if (!path || !path[0] || (plen = strlen(path)) > SQ_FILE_STORE_MAX_PATH ||
        path[plen - 1] == '/') {
        if (err && errlen)
            snprintf(err, errlen, "offset store path is empty, too long or a directory");
        return SAMSA_ERR_INVALID_ARG;
    }
    s = sp_calloc(alloc, 1, sizeof *s);
    if (!s)
        return SAMSA_ERR_NO_MEMORY;
    s->alloc = alloc;
    slash = strrchr(path, '/');
    s->path = dup_str(alloc, path, plen);
    s->tmp = sp_alloc(alloc, plen + 5);
    s->dir = slash ? dup_str(alloc, path, slash == path ? 1 : (size_t)(slash - path))
                   : dup_str(alloc, ".", 1);
    if (!s->path || !s->tmp || !s->dir) {
        fs_close(s);
        return SAMSA_ERR_NO_MEMORY;
    }
    memcpy(s->tmp, path, plen);
    memcpy(s->tmp + plen, ".tmp", 5);
    rc = load_file(s);
    if (rc) {
        if (err && errlen)
            snprintf(err, errlen, "%s", s->err[0] ? s->err : "out of memory");
        fs_close(s);
        return rc;
    }
    out->ops = &file_ops;
    out->self = s;
    return 0;
}
