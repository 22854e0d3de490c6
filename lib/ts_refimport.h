/* ts_refimport — the operator's imports of the reference libraries
 * (docs/reference.md): a 出口退税率文库 version, and monthly exchange rates,
 * from an .xlsx or a .csv (told apart by content: a zip is an xlsx).
 *
 * The header row is found by its Chinese column names (never by position,
 * as lib/ts_declist does), within the first 30 rows; a missing required
 * column refuses the file.  Every data row is checked and every problem
 * kept with its row number and reason; if any row has one, nothing is
 * written and the report lists them all — an import is the whole file in
 * the caller's transaction or nothing.
 *
 * A new 文库 version must start after the newest one (history only grows
 * forward; the version names are unique).  Its entries are in force from
 * its 生效日期 (or a later 起始日期 of the row) and every entry of the
 * earlier versions still in force on that day ends the day before. */
#ifndef TS_REFIMPORT_H
#define TS_REFIMPORT_H

#include <stddef.h>
#include <stdint.h>

struct ts_arena;
struct ts_db;

#define TS_REFIMPORT_MAX_ROWS 200000

/* One refused row. */
struct ts_refimport_error {
    size_t row; /* the sheet's row number */
    const char *reason;
};

/* What an import did or why it did not. */
struct ts_refimport_report {
    const char *refused; /* the whole file or request refused: the reason, or NULL */
    size_t rows;         /* data rows read */
    size_t imported;     /* entries / rates written */
    size_t
        closed; /* 文库: earlier entries ended (the day before the new entry or version starts) */
    size_t added, changed, unchanged; /* 汇率, 代码表 */
    const char *changes;              /* 汇率: "502 202601 7.100000->7.120000; ..."; 代码表:
                                         "502 美元->美国元; ..." (the first 50), for the audit */
    char sha256[65];                  /* of the file read ("" if it could not be read) */
    struct ts_refimport_error *errors;
    size_t nerrors;
};

/* What a 文库 import is told besides the file. */
struct ts_refimport_library {
    const char *version;        /* 文库版本号, checked here */
    const char *effective_from; /* 生效日期 YYYY-MM-DD */
    const char *source;         /* the file's name */
    const char *note;           /* 备注, may be "" */
    int64_t user_id;
};

/* Results besides -1 (database error, logged). */
#define TS_REFIMPORT_OK      0
#define TS_REFIMPORT_REFUSED 1 /* rep->refused or rep->errors say why; roll back */

/* Import the 文库 file at path as version lib->version. */
int ts_refimport_rates(struct ts_db *db, struct ts_arena *a, const char *path,
                       const struct ts_refimport_library *lib, struct ts_refimport_report *rep);

/* Import the exchange-rate file at path: each (币制, 月份) is added, or
 * its rate replaced (rep->changes), or left when equal. */
int ts_refimport_fx(struct ts_db *db, struct ts_arena *a, const char *path, const char *source,
                    int64_t user_id, struct ts_refimport_report *rep);

/* Import a code list from the file at path (columns 代码, 名称, and 国际代码
 * where the list has one, ts_reflib_list_has_alt): each code is added, or
 * its name / 国际代码 replaced (rep->changes), or left when equal.  Codes
 * the file does not have are kept: an import never deletes nor disables
 * a code (declarations already carry them).  The list's existing rows are
 * locked first, so two imports of one list run one after the other. */
enum ts_reflib_list;
int ts_refimport_codes(struct ts_db *db, struct ts_arena *a, const char *path,
                       enum ts_reflib_list list, struct ts_refimport_report *rep);

#endif
