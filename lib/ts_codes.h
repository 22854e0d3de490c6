/* ts_codes — the one place where trade codes and form text are validated
 * (design.md, "Data conventions"): 统一社会信用代码, 海关编码, 纳税人识别号,
 * 报关单号, HS 商品编号, 所属期, dates, 手机号, 银行账号, 登录名称, the
 * password policy and strict UTF-8.
 *
 * Every validator takes a NUL-terminated string and returns true when it is
 * acceptable as stored. On failure, if err is not NULL, *err points to a
 * static Chinese message to show next to the form field; on success *err is
 * set to NULL. Validators never trim or change case: a value with spaces or
 * lowercase letters is refused with a message that says so. NULL input is
 * treated as an empty field. Rules and the reasons behind them are in
 * docs/codes-and-money.md. */
#ifndef TS_CODES_H
#define TS_CODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TS_CODES_USCC_LEN     18
#define TS_CODES_CUSTOMS_LEN  10
#define TS_CODES_DECL_NO_LEN  18
#define TS_CODES_HS_LEN       10
#define TS_CODES_PASSWORD_MAX 128 /* bytes */

/* 统一社会信用代码 (GB 32100-2015), both check characters verified. */
bool ts_codes_uscc_valid(const char *s, const char **err);
/* The GB 32100 check character for the first 17 characters, or '\0' if one
 * of them is outside the code's character set. */
char ts_codes_uscc_check_char(const char first17[17]);

/* 企业海关编码 (海关注册编码): 10 characters. */
bool ts_codes_customs_code_valid(const char *s, const char **err);
/* 纳税人识别号: 15, 17, 18 or 20 characters; 18 must be a valid USCC. */
bool ts_codes_taxpayer_id_valid(const char *s, const char **err);
/* 报关单号 (海关编号): 18 digits. */
bool ts_codes_decl_no_valid(const char *s, const char **err);
/* 海关编号 (the 18-digit 报关单号 customs assigns) by its structure:
 * digits 1-4 the 关区 of the 申报地海关 (not 00xx), 5-8 the year it was
 * declared (1990-2099), the 9th the direction (0 export, 1 import), then a
 * 9-digit serial.  The _export form also asks for a 0 as the 9th digit,
 * the _import form for a 1 (出口退货's 进口报关单号, customs' 进口报关单). */
bool ts_codes_entry_id_valid(const char *s, const char **err);
bool ts_codes_export_entry_id_valid(const char *s, const char **err);
bool ts_codes_import_entry_id_valid(const char *s, const char **err);

/* 关联号, the key the rebate modules give one product line of a
 * declaration: the 18-digit 海关编号 + "0" + the 2-digit 项号 (01-99).
 * _make writes it into out (21 characters + NUL) and is false when the
 * number or the 项号 is not valid; _parse splits one back (entry_id gets
 * 18 characters + NUL). */
#define TS_CODES_LINK_NO_LEN 21
bool ts_codes_link_no_make(const char *entry_id, int g_no, char out[TS_CODES_LINK_NO_LEN + 1]);
bool ts_codes_link_no_parse(const char *s, char entry_id[TS_CODES_DECL_NO_LEN + 1], int *g_no,
                            const char **err);

/* HS 商品编号: 10 digits. */
bool ts_codes_hs_valid(const char *s, const char **err);

/* 所属期 YYYYMM, year 2000-2099. The _parse form also returns the parts. */
bool ts_codes_period_valid(const char *s, const char **err);
bool ts_codes_period_parse(const char *s, int *year, int *month, const char **err);
/* A real calendar date YYYY-MM-DD, year 1900-2099. */
bool ts_codes_date_valid(const char *s, const char **err);

/* The two ends of every validator of the form "bool f(value, &err)":
 * refuse sets *err (when err is given) to msg and returns false; accept
 * clears it and returns true.  Shared by ts_codes and ts_reflib. */
bool ts_codes_refuse(const char **err, const char *msg);
bool ts_codes_accept(const char **err);

/* Days since 1970-01-01 of a civil date (proleptic Gregorian), and back:
 * date arithmetic without time_t or a time zone. */
int64_t ts_codes_days_from_civil(int64_t y, int m, int d);
void ts_codes_civil_from_days(int64_t days, int *y, int *m, int *d);
/* The day number of a valid YYYY-MM-DD; 0 for anything else. */
int64_t ts_codes_day_number(const char *ymd);
bool ts_codes_date_parse(const char *s, int *year, int *month, int *day, const char **err);

/* 手机号: 11 digits, 1[3-9]xxxxxxxxx. */
bool ts_codes_mobile_valid(const char *s, const char **err);
/* 银行账号: 8-32 digits, no spaces or dashes. */
bool ts_codes_bank_account_valid(const char *s, const char **err);
/* Copies the last 8 digits of a valid account into out (NUL-terminated);
 * on an invalid account out is "" and the result is false. */
bool ts_codes_bank_account_last8(const char *acct, char out[9]);

/* 登录名称: 4-32 of [A-Za-z0-9_.-], starting with a letter. */
bool ts_codes_login_name_valid(const char *s, const char **err);
/* A new password: at least min_len characters, at most
 * TS_CODES_PASSWORD_MAX bytes, valid UTF-8 without control characters, and
 * at least 3 of 4 classes (lower, upper, digit, other). */
bool ts_codes_password_policy(const char *pw, size_t min_len, const char **err);

/* Strict UTF-8 over len bytes: no overlongs, surrogates, code points above
 * U+10FFFF, truncated sequences or NUL bytes. */
bool ts_codes_utf8_valid(const char *s, size_t len);
/* Code points in a NUL-terminated string (bytes that start a character);
 * exact for valid UTF-8. NULL counts as 0. */
size_t ts_codes_utf8_chars(const char *s);

#endif
