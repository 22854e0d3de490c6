/* libFuzzer target: ts_retgoods_check, the rules over a posted 出口退货
 * record (its '/'-separated 原出口报关单号 split there), and
 * ts_retgoods_canonical, the text the card signs.
 *
 * Input: parts split at 0xFF: the 原出口报关单号 text, then the values of
 * the header fields in ts_retgoods_fields order, then 退货重量 values of
 * up to three goods lines.  Invariants (abort when broken): every problem
 * names a field of the form (or weight_<序号>) with a non-empty UTF-8
 * message; a record without problems has 1..50 distinct 原出口报关单号 of
 * 18 digits with the 9th '0', a well-formed 进口报关单号, Y or N for 出口
 * 是否法检; the canonical text starts with its header line and has exactly
 * one line per field, line and number (values never break a line). */
#include "ts_arena.h"
#include "ts_codes.h"
#include "ts_retgoods.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_retgoods: invariant broken: %s\n", what);
        abort();
    }
}

static bool known_field(const char *f)
{
    if (strcmp(f, "orig_entry_ids") == 0 || strncmp(f, "weight_", 7) == 0)
        return true;
    for (int i = 0; i < TS_RG_NFIELDS; i++)
        if (strcmp(f, ts_retgoods_fields[i].name) == 0)
            return true;
    return false;
}

static void on_problem(void *ctx, const char *field, const char *message)
{
    int *n = ctx;
    (*n)++;
    check(known_field(field), "problem names a field");
    check(message[0] && ts_codes_utf8_valid(message, strlen(message)), "message UTF-8");
}

/* The next part of the input (up to 0xFF or the end), NUL-terminated. */
static const char *part(struct ts_arena *a, const uint8_t **p, const uint8_t *end)
{
    const uint8_t *s = *p;
    while (*p < end && **p != 0xFF)
        (*p)++;
    const char *out = ts_arena_strndup(a, (const char *)s, (size_t)(*p - s));
    if (*p < end)
        (*p)++;
    return out;
}

static void check_clean(const struct ts_retgoods *r)
{
    const char *e = r->f[TS_RG_I_ENTRY_ID];
    check(strlen(e) == 18 && e[8] == '1', "进口报关单号 well-formed");
    check(r->norig >= 1 && r->norig <= TS_RG_MAX_ORIG, "1..50 原出口报关单号");
    for (size_t i = 0; i < r->norig; i++) {
        check(strlen(r->orig[i]) == 18 && strspn(r->orig[i], "0123456789") == 18 &&
                  r->orig[i][8] == '0',
              "原出口报关单号 18 digits, 9th 0");
        for (size_t k = 0; k < i; k++)
            check(strcmp(r->orig[i], r->orig[k]) != 0, "原出口报关单号 distinct");
    }
    const char *ins = r->f[TS_RG_EXPORT_INSPECT];
    check(strcmp(ins, "Y") == 0 || strcmp(ins, "N") == 0, "出口是否法检 Y/N");
    for (size_t i = 0; i < r->nlines; i++)
        check(strcmp(r->lines[i].industrial, "Y") == 0 || strcmp(r->lines[i].industrial, "N") == 0,
              "是否属于工业品 Y/N");
}

static void check_canonical(struct ts_arena *a, const struct ts_retgoods *r)
{
    const char *t = ts_retgoods_canonical(a, r);
    size_t lines = 0;
    for (const char *p = t; *p; p++)
        lines += *p == '\n';
    check(strncmp(t, "TUISHUI-RETGOODS/2\n", 19) == 0, "canonical header");
    check(lines == 1 + (TS_RG_NFIELDS - 1) + r->nlines + r->norig, "one line per value");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ts_arena *a = ts_arena_new(0);
    const uint8_t *p = data, *end = data + size;
    struct ts_retgoods r;
    struct ts_retgoods_line lines[3];
    memset(&r, 0, sizeof r);
    const char *orig = part(a, &p, end);
    for (int i = 0; i < TS_RG_NFIELDS; i++)
        r.f[i] = part(a, &p, end);
    for (int i = 0; i < 3 && p < end; i++) {
        const char *w = part(a, &p, end);
        lines[i] = (struct ts_retgoods_line){i + 1, "8466930000", "",    "货物", 100,
                                             "502", "1",          "007", w,      part(a, &p, end)};
        r.nlines++;
    }
    r.lines = lines;
    int seen = 0;
    int n = ts_retgoods_check(a, &r, orig, on_problem, &seen);
    check(n == seen, "count = problems reported");
    if (n == 0)
        check_clean(&r);
    check_canonical(a, &r);
    ts_arena_free(a);
    return 0;
}
