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
 *         ts_arg_error(c, "file", err);
 *     // err e.g. "文件超过5MB", "文件不是JPG或PDF格式（按内容判断）"
 *
 * ts_store_put is ts_store_put_file (the file, durable, no database) then
 * ts_store_record (the row, in the caller's transaction); the two are
 * public so tools and tests can store without a database.  A transaction
 * that rolls back after the file was stored leaves a file without a row;
 * it is harmless (the next upload of that content finds it) and
 * ts_store_sweep (tools/ts-worker) removes such files, and tmp-* files
 * left by a crash, once they are older than store.orphan_age (a day).
 *
 * err is set on every failure: a static string, or one kept in out->msg
 * (valid as long as out is).  Errors the user caused (too large, empty,
 * wrong type, damaged, encrypted) say what to do; anything else is logged
 * with ts_log_error and err is "文件保存失败，请稍后重试".
 */
#ifndef TS_STORE_H
#define TS_STORE_H

#include <stdbool.h>
#include <stddef.h>
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
    char msg[160]; /* room for a composed error message (err may point here) */
};

enum ts_file_kind ts_store_sniff(const char *path, const char **err);
int ts_store_put(struct ts_db *db, const char *tmp_path, int64_t max_size, unsigned allowed,
                 struct ts_stored *out, const char **err);
int ts_store_put_file(const char *tmp_path, int64_t max_size, unsigned allowed,
                      struct ts_stored *out, const char **err);
int ts_store_record(struct ts_db *db, const struct ts_stored *f);
const char *ts_store_path(struct ts_arena *a, const char *sha256);
const char *ts_store_kind_name(enum ts_file_kind kind);
enum ts_file_kind ts_store_kind_parse(const char *name);
const char *ts_store_mime(enum ts_file_kind kind);

/* One sweep of the store: what to spare, and what happened. */
struct ts_store_sweep {
    int64_t min_age_s;  /* files written or reused since are never taken (>= 60) */
    bool (*stop)(void); /* may be NULL; true ends the walk early */
    size_t removed;     /* files no row named, removed */
    size_t temps;       /* tmp-* files of unfinished puts, removed */
    size_t named;       /* old files a row names, kept */
    size_t young;       /* files younger than min_age_s, kept */
    size_t errors;      /* folders or files skipped on an error (nothing removed) */
};

/* Remove the store files no row names (docs/uploads.md "Files without
 * rows") and tmp-* files, both older than s->min_age_s; counts in s.  The
 * age is what keeps the file of a request still in flight: it was written
 * or reused (mtime set again) before its row commits.  0, or -1 when the
 * walk could not be done or something was skipped on an error (logged). */
int ts_store_sweep(struct ts_db *db, struct ts_store_sweep *s);

#endif
