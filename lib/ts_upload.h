/* ts_upload — a multi-file upload field as the pages take it: the chosen
 * files in the order sent (an empty file box is no file), their display
 * names (the browser's, cut to fit the column; never used as a path), and
 * all of them put in the store (size, then type by content) before any
 * row is written, each problem shown as one line "第2个文件 xxx.pdf：原因"
 * (HDF Upload.Errors.<n>).  The module then records the stored files —
 * all of them, or none when any had a problem. */
#ifndef TS_UPLOAD_H
#define TS_UPLOAD_H

#include "ts_store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts_ctx;
struct ts_upload;

struct ts_upload_batch {
    size_t n;
    struct ts_upload **files;
    const char **names;        /* display names, cut to max_name_chars */
    struct ts_stored *stored;  /* filled by ts_upload_store_all */
    size_t errors;             /* Upload.Errors lines written so far */
};

void ts_upload_collect(struct ts_ctx *c, const char *field, size_t max_name_chars,
                       struct ts_upload_batch *b);
size_t ts_upload_store_all(struct ts_ctx *c, struct ts_upload_batch *b, int64_t max_bytes,
                           unsigned kinds);
void ts_upload_error(struct ts_ctx *c, struct ts_upload_batch *b, const char *message);
const char *ts_upload_cut(struct ts_ctx *c, const char *s, size_t max_chars, bool mark);

#endif
