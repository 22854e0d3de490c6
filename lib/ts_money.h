/* ts_money — exact money and rates (design.md, "Data conventions").
 *
 * Money is int64_t 分 (fen), the C side of MySQL DECIMAL(18,2): a value
 * is in range when |fen| <= TS_MONEY_MAX_FEN (|yuan| < 10^16). Rates
 * (退税率, 征税率, 汇率) are DECIMAL(9,6), held as int64_t millionths
 * (rate_micro): 0.13 is 130000. No float or double is used anywhere.
 * Rounding is half-up at fen, away from zero for negative amounts (MySQL's
 * ROUND() on DECIMAL, and what 四舍五入 means), in ts_money_round_half_up
 * alone. Parse errors are static Chinese messages for the form field
 * (*err = NULL on success). Decisions are in docs/codes-and-money.md. */
#ifndef TS_MONEY_H
#define TS_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TS_MONEY_MAX_FEN  INT64_C(999999999999999999) /* 9999999999999999.99 元 */
#define TS_MONEY_RATE_ONE INT64_C(1000000)            /* 1.000000 */
#define TS_MONEY_RATE_MAX INT64_C(999999999)          /* 999.999999 */
#define TS_MONEY_BUF      32                          /* enough for any int64_t, grouped */

/* "123", "123.4", "123.45", "-5.00" → fen. At most 2 decimals; no
 * spaces, '+', thousands separators, exponents or full-width digits. */
bool ts_money_parse(const char *s, int64_t *fen, const char **err);
/* The same syntax with any number of decimals, rounded half-up at fen
 * (for amounts computed elsewhere, e.g. an imported spreadsheet). */
bool ts_money_parse_round(const char *s, int64_t *fen, const char **err);
/* scaled / divisor rounded half away from zero; divisor > 0. The only
 * rounding in the program. */
int64_t ts_money_round_half_up(int64_t scaled, int64_t divisor);

/* "1234.50", "-0.05", "0.00". False (and "" if n > 0) when n is too small;
 * TS_MONEY_BUF always suffices. */
bool ts_money_format(int64_t fen, char *buf, size_t n);
/* For display: "1,234.50", "-1,234,567.89". */
bool ts_money_format_grouped(int64_t fen, char *buf, size_t n);

/* fen × rate_micro / 10^6 rounded half-up at fen: 税额 = 金额 × 税率. False
 * when an input or the result is outside DECIMAL(18,2) / DECIMAL(9,6). */
bool ts_money_mul_rate(int64_t fen, int64_t rate_micro, int64_t *out);

/* A rate in decimal form, up to 3 integer digits and 6 decimals, not
 * negative: "0.13", "0.130000", "7.1234" → millionths. "13%" is refused
 * with a message that asks for 0.13. */
bool ts_money_rate_parse(const char *s, int64_t *rate_micro, const char **err);
/* "0.130000": six decimals, as MySQL prints DECIMAL(9,6). */
bool ts_money_rate_format(int64_t rate_micro, char *buf, size_t n);

#endif
