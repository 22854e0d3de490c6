#include "ts_upload.h"
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_multipart.h"

#include <string.h>

/* s cut to at most max_chars UTF-8 characters (never inside one); "…"
 * marks the cut when mark is set (messages), not for stored names. */
const char *ts_upload_cut(struct ts_ctx *c, const char *s, size_t max_chars, bool mark)
{
    size_t chars = 0, i = 0;
    for (; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > max_chars)
            break;
    if (!s[i])
        return s;
    return mark ? ts_arena_printf(c->arena, "%.*s…", (int)i, s) : ts_arena_strndup(c->arena, s, i);
}

/* A file box left empty sends a part with no name and no bytes: no file. */
static bool chosen(const struct ts_upload *u, const char *field)
{
    return strcmp(u->field, field) == 0 && (u->filename[0] || u->size > 0);
}

/* The files sent under field, in order, with their display names
 * (multipart has checked the names are UTF-8). */
void ts_upload_collect(struct ts_ctx *c, const char *field, size_t max_name_chars,
                       struct ts_upload_batch *b)
{
    size_t k = 0;
    memset(b, 0, sizeof *b);
    for (struct ts_upload *u = c->uploads; u; u = u->next)
        b->n += chosen(u, field);
    b->files = ts_arena_zalloc(c->arena, (b->n + 1) * sizeof *b->files);
    b->names = ts_arena_zalloc(c->arena, (b->n + 1) * sizeof *b->names);
    b->stored = ts_arena_zalloc(c->arena, (b->n + 1) * sizeof *b->stored);
    for (struct ts_upload *u = c->uploads; u; u = u->next) {
        if (!chosen(u, field))
            continue;
        b->files[k] = u;
        b->names[k++] = u->filename[0] ? ts_upload_cut(c, u->filename, max_name_chars, false)
                                       : "未命名文件";
    }
}

/* One line of the upload's problems on the page (Upload.Errors.<n>). */
void ts_upload_error(struct ts_ctx *c, struct ts_upload_batch *b, const char *message)
{
    ts_render_set(c, ts_arena_printf(c->arena, "Upload.Errors.%zu", b->errors++), message);
}

/* Put every file in the store (ts_store_put_file: size, then type by
 * content; no row yet).  Returns the number of files with a problem, each
 * shown as "第i个文件 name：reason".  A file stored for an upload that is
 * then refused stays without a row: harmless (docs/uploads.md). */
size_t ts_upload_store_all(struct ts_ctx *c, struct ts_upload_batch *b, int64_t max_bytes,
                           unsigned kinds)
{
    size_t bad = 0;
    const char *err;
    for (size_t i = 0; i < b->n; i++) {
        if (ts_store_put_file(b->files[i]->path, max_bytes, kinds, &b->stored[i], &err) == 0)
            continue;
        bad++;
        ts_upload_error(c, b,
                        ts_arena_printf(c->arena, "第%zu个文件 %s：%s", i + 1, b->names[i],
                                        err ? err : "文件保存失败，请稍后重试"));
    }
    return bad;
}
