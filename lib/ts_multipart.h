/* ts_multipart — a streaming multipart/form-data decoder.
 *
 * The body is fed in chunks as it is read from FastCGI stdin; file parts go
 * straight to temp files (never wholly in memory), other parts to the arena.
 * Every limit is hard: TS_FORM_TOO_LARGE means refuse the request with 413.
 * Fuzz target: tests/fuzz/fuzz_multipart.c. */
#ifndef TS_MULTIPART_H
#define TS_MULTIPART_H

#include "ts_form.h"

#include <stdint.h>

/* A file the user uploaded, held in a temp file until the request ends. */
struct ts_upload {
    const char *field;    /* form field name */
    const char *filename; /* the name the browser gave, UTF-8; for display only */
    const char *path;     /* temp file; removed by ts_multipart_cleanup */
    int64_t size;
    struct ts_upload *next;
};

struct ts_multipart_limits {
    size_t max_total;  /* bytes of the whole body */
    size_t max_parts;  /* fields and files together */
    size_t max_header; /* bytes of one part's headers */
    size_t max_value;  /* bytes of one non-file field */
    size_t max_file;   /* bytes of one file */
    size_t max_files;
};

extern const struct ts_multipart_limits ts_multipart_default_limits;
/* For the few actions that take one large data file (TS_LARGE_UPLOAD):
 * 报关单 XML of 50 000 declarations with 200 000 lines is about 140 MB
 * written compactly, more indented (docs/declarations.md). */
extern const struct ts_multipart_limits ts_multipart_large_limits;

struct ts_multipart;

struct ts_multipart *ts_multipart_new(struct ts_arena *a, const char *content_type,
                                      const struct ts_multipart_limits *lim, const char *tmpdir,
                                      enum ts_form_status *st);
enum ts_form_status ts_multipart_feed(struct ts_multipart *m, const char *data, size_t len);
enum ts_form_status ts_multipart_finish(struct ts_multipart *m, struct ts_kvlist *fields,
                                        struct ts_upload **files);
void ts_multipart_cleanup(struct ts_multipart *m);
const char *ts_multipart_boundary(const char *content_type, struct ts_arena *a);

#endif
