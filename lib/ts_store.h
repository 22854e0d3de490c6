/* ts_store — the content-addressed file store for uploaded documents.
 *
 * An upload arrives as a temp file (lib/ts_multipart).  ts_store_put
 * decides its type by content (magic bytes and a parse check — never by the
 * name), enforces the size limit, and moves it to
 *     <store.root>/<sha256[0..1]>/<sha256[2..3]>/<sha256>
 * written to a temp file in the store, fsync'd, renamed, and the directory
 * fsync'd: the file is durable before the caller commits the row that
 * names it (design.md "Data conventions").  The same content stored twice
 * is one file.  A row in stored_file (schema/003_store.sql) records sha256,
 * size, kind and first upload time; callers reference files by sha256.
 *
 *     struct ts_stored f;
 *     const char *err;
 *     if (ts_store_put(c->db, u->path, 5 * 1024 * 1024,
 *                      TS_FILE_JPEG | TS_FILE_PDF, &f, &err) < 0)
 *         ts_arg_error(c, "file", err);      // e.g. "文件超过5MB" / "文件不是PDF或JPG"
 */
#ifndef TS_STORE_H
#define TS_STORE_H

#include <stdint.h>

struct ts_arena;
struct ts_db;

/* File kinds the portal accepts somewhere; masks combine them. */
enum ts_file_kind {
    TS_FILE_UNKNOWN = 0,
    TS_FILE_JPEG = 1 << 0,
    TS_FILE_PDF = 1 << 1,
    TS_FILE_PNG = 1 << 2,
    TS_FILE_XLSX = 1 << 3, /* a ZIP holding [Content_Types].xml and xl/workbook.xml */
};

struct ts_stored {
    char sha256[65];
    int64_t size;
    enum ts_file_kind kind;
};

enum ts_file_kind ts_store_sniff(const char *path, const char **err);
int ts_store_put(struct ts_db *db, const char *tmp_path, int64_t max_size, unsigned allowed,
                 struct ts_stored *out, const char **err);
const char *ts_store_path(struct ts_arena *a, const char *sha256);
const char *ts_store_kind_name(enum ts_file_kind kind);
const char *ts_store_mime(enum ts_file_kind kind);

#endif
