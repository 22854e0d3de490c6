#include "ts_money.h"

#include <assert.h>
#include <string.h>

/* Longest decimal string we read: far beyond any real amount or rate, and
 * short enough that nothing downstream has to think about it. */
#define DECIMAL_MAX_LEN   64
#define MONEY_WHOLE_LIMIT INT64_C(10000000000000000) /* 10^16 元 */
#define RATE_WHOLE_LIMIT  INT64_C(1000)

/* What is wrong with a decimal string, in the order a user would fix it. */
enum scan {
    SCAN_OK,
    SCAN_EMPTY,
    SCAN_WIDE, /* full-width digits, 汉字, '−' ... */
    SCAN_SPACE,
    SCAN_COMMA,   /* thousands separator */
    SCAN_PERCENT, /* "13%" */
    SCAN_SYNTAX,
    SCAN_RANGE,
};

/* The parts of a decimal string that the grammar accepted. */
struct decimal {
    bool neg;
    int64_t whole; /* integer part, below the caller's limit */
    int64_t frac;  /* the first `want` decimals as a `want`-digit integer */
    size_t nfrac;  /* decimals written, however many */
};

static const char *const money_msgs[] = {
    [SCAN_EMPTY] = "请填写金额",
    [SCAN_WIDE] = "请用半角数字输入金额",
    [SCAN_SPACE] = "金额中不能有空格",
    [SCAN_COMMA] = "金额不要使用千位分隔符（,）",
    [SCAN_PERCENT] = "金额格式不正确，如 1234.56",
    [SCAN_SYNTAX] = "金额格式不正确，如 1234.56",
    [SCAN_RANGE] = "金额超出允许范围",
};

static const char *const rate_msgs[] = {
    [SCAN_EMPTY] = "请填写比率",
    [SCAN_WIDE] = "请用半角数字输入比率",
    [SCAN_SPACE] = "比率中不能有空格",
    [SCAN_COMMA] = "比率格式不正确，如 0.13",
    [SCAN_PERCENT] = "请填写小数形式：13% 应填 0.13",
    [SCAN_SYNTAX] = "比率格式不正确，如 0.13",
    [SCAN_RANGE] = "比率超出范围（应小于1000）",
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Record a refusal for the caller's form and say no. */
static bool fail(const char **err, const char *msg)
{
    if (err)
        *err = msg;
    return false;
}

/* Mistakes that deserve their own message rather than "格式不正确". */
static enum scan typing_problem(const char *s)
{
    if (!s || !*s)
        return SCAN_EMPTY;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p >= 0x80)
            return SCAN_WIDE;
    if (strpbrk(s, " \t\r\n"))
        return SCAN_SPACE;
    if (strchr(s, ','))
        return SCAN_COMMA;
    if (strchr(s, '%'))
        return SCAN_PERCENT;
    return SCAN_OK;
}

/* The grammar: ['-'] digit+ ['.' digit+]. No '+', no ".5" or "5.", no
 * exponent: what MySQL prints and what people type. */
static bool decimal_syntax(const char *s)
{
    if (*s == '-')
        s++;
    if (!is_digit(*s))
        return false;
    while (is_digit(*s))
        s++;
    if (*s == '.') {
        s++;
        if (!is_digit(*s))
            return false;
        while (is_digit(*s))
            s++;
    }
    return *s == '\0';
}

/* Read the fraction after '.', keeping the first `want` digits (padded
 * with zeros) and counting them all. */
static void scan_fraction(const char *p, size_t want, struct decimal *d)
{
    for (; is_digit(*p); p++, d->nfrac++)
        if (d->nfrac < want)
            d->frac = d->frac * 10 + (*p - '0');
    for (size_t i = d->nfrac < want ? d->nfrac : want; i < want; i++)
        d->frac *= 10;
}

/* Split a decimal string into sign, integer part (which must stay below
 * whole_limit, at most 10^16, so it never overflows) and fraction. */
static enum scan scan_decimal(const char *s, int64_t whole_limit, size_t want, struct decimal *d)
{
    enum scan problem = typing_problem(s);
    if (problem != SCAN_OK)
        return problem;
    if (strlen(s) > DECIMAL_MAX_LEN || !decimal_syntax(s))
        return SCAN_SYNTAX;
    memset(d, 0, sizeof *d);
    const char *p = s;
    if (*p == '-') {
        d->neg = true;
        p++;
    }
    for (; is_digit(*p); p++) {
        d->whole = d->whole * 10 + (*p - '0');
        if (d->whole >= whole_limit)
            return SCAN_RANGE;
    }
    if (*p == '.')
        scan_fraction(p + 1, want, d);
    return SCAN_OK;
}

/* Half-up at the last kept digit, away from zero for negatives, so that a
 * 红字 (negative) line is exactly the opposite of the line it reverses.
 * Every rounding of money goes through here. */
int64_t ts_money_round_half_up(int64_t scaled, int64_t divisor)
{
    assert(divisor > 0);
    int64_t q = scaled / divisor, r = scaled % divisor;
    int64_t rest = r < 0 ? -r : r;
    if (rest >= divisor - rest)
        q += scaled < 0 ? -1 : 1;
    return q;
}

/* Shared by both money parsers: round = false refuses a third decimal,
 * round = true rounds it half-up at fen. */
static bool money_parse(const char *s, bool round, int64_t *fen, const char **err)
{
    struct decimal d;
    enum scan r = scan_decimal(s, MONEY_WHOLE_LIMIT, 3, &d);
    if (r != SCAN_OK)
        return fail(err, money_msgs[r]);
    if (!round && d.nfrac > 2)
        return fail(err, "金额最多两位小数");
    int64_t v = d.whole * 100 + ts_money_round_half_up(d.frac, 10);
    if (v > TS_MONEY_MAX_FEN)
        return fail(err, money_msgs[SCAN_RANGE]);
    *fen = d.neg ? -v : v;
    if (err)
        *err = NULL;
    return true;
}

/* An amount typed into a form or read from MySQL, exact to the fen. */
bool ts_money_parse(const char *s, int64_t *fen, const char **err)
{
    return money_parse(s, false, fen, err);
}

/* An amount that may carry more decimals than money has (a spreadsheet's
 * computed cell); it is rounded half-up at fen. Only the third decimal
 * decides, so later digits are read but not kept. */
bool ts_money_parse_round(const char *s, int64_t *fen, const char **err)
{
    return money_parse(s, true, fen, err);
}

/* Copy len bytes to the caller's buffer if they fit with the NUL. */
static bool emit(const char *start, size_t len, char *buf, size_t n)
{
    if (n == 0)
        return false;
    if (len >= n) {
        buf[0] = '\0';
        return false;
    }
    memcpy(buf, start, len);
    buf[len] = '\0';
    return true;
}

/* |v| without overflow, INT64_MIN included. */
static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* v / 10^decimals written with that many decimals, built from the right;
 * grouped puts a ',' between thousands of the integer part. */
static bool format_fixed(int64_t v, unsigned decimals, bool grouped, char *buf, size_t n)
{
    char tmp[48];
    char *p = tmp + sizeof tmp;
    uint64_t mag = magnitude(v);
    for (unsigned i = 0; i < decimals; i++, mag /= 10)
        *--p = (char)('0' + mag % 10);
    *--p = '.';
    unsigned k = 0;
    do {
        if (grouped && k > 0 && k % 3 == 0)
            *--p = ',';
        *--p = (char)('0' + mag % 10);
        mag /= 10;
        k++;
    } while (mag);
    if (v < 0)
        *--p = '-';
    return emit(p, (size_t)(tmp + sizeof tmp - p), buf, n);
}

/* Money as MySQL and data packages write it: "1234.50". */
bool ts_money_format(int64_t fen, char *buf, size_t n)
{
    return format_fixed(fen, 2, false, buf, n);
}

/* Money as pages and reports show it: "1,234.50". */
bool ts_money_format_grouped(int64_t fen, char *buf, size_t n)
{
    return format_fixed(fen, 2, true, buf, n);
}

/* 金额 × 税率 (or 汇率) to the fen. fen = whole·10^6 + rest, so
 * fen·rate/10^6 = whole·rate + rest·rate/10^6: the first term is exact and
 * checked against the range, the second is below 10^15 before rounding,
 * and no 128-bit arithmetic is needed. Signs are applied last so rounding
 * is symmetric. */
bool ts_money_mul_rate(int64_t fen, int64_t rate_micro, int64_t *out)
{
    if (fen < -TS_MONEY_MAX_FEN || fen > TS_MONEY_MAX_FEN)
        return false;
    if (rate_micro < -TS_MONEY_RATE_MAX || rate_micro > TS_MONEY_RATE_MAX)
        return false;
    bool neg = (fen < 0) != (rate_micro < 0);
    int64_t a = fen < 0 ? -fen : fen, r = rate_micro < 0 ? -rate_micro : rate_micro;
    int64_t whole = a / TS_MONEY_RATE_ONE, rest = a % TS_MONEY_RATE_ONE;
    if (whole != 0 && r > TS_MONEY_MAX_FEN / whole)
        return false;
    int64_t v = whole * r + ts_money_round_half_up(rest * r, TS_MONEY_RATE_ONE);
    if (v > TS_MONEY_MAX_FEN)
        return false;
    *out = neg ? -v : v;
    return true;
}

/* A 退税率, 征税率 or 汇率 typed as a decimal. Percent signs are refused,
 * not converted: "13" and "13%" would otherwise both look plausible and
 * differ a hundredfold. */
bool ts_money_rate_parse(const char *s, int64_t *rate_micro, const char **err)
{
    struct decimal d;
    enum scan r = scan_decimal(s, RATE_WHOLE_LIMIT, 6, &d);
    if (r != SCAN_OK)
        return fail(err, rate_msgs[r]);
    if (d.neg)
        return fail(err, "比率不能为负");
    if (d.nfrac > 6)
        return fail(err, "比率最多六位小数");
    *rate_micro = d.whole * TS_MONEY_RATE_ONE + d.frac;
    if (err)
        *err = NULL;
    return true;
}

/* A rate with its six decimals, as MySQL prints DECIMAL(9,6). */
bool ts_money_rate_format(int64_t rate_micro, char *buf, size_t n)
{
    return format_fixed(rate_micro, 6, false, buf, n);
}
