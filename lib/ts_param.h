/* ts_param — declared, typed request parameters (kore's validators).
 *
 * Each action lists the parameters it takes.  ts_app decodes the query and
 * body, keeps only declared names, checks each against its type and limits,
 * and hands the handler typed values; a parameter that fails gets a Chinese
 * message for its form field (HDF Form.Err.<name>), and the raw text goes
 * back into the form (Form.<name>) so nothing the user typed is lost.
 *
 *     static const struct ts_param save_params[] = {
 *         ts_param_str("nickname", "用户昵称", TS_REQ, 1, 50),
 *         ts_param_int("id", "用户", 0, 1, INT64_MAX),
 *         TS_PARAMS_END,
 *     };
 */
#ifndef TS_PARAM_H
#define TS_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ts_param_type {
    TS_PT_STR = 1, /* min/max: length in characters */
    TS_PT_INT,     /* min/max: value */
    TS_PT_MONEY,   /* yuan with ≤ 2 decimals → int64 fen; min/max in fen */
    TS_PT_DATE,    /* YYYY-MM-DD */
    TS_PT_CODE,    /* one of enum ts_code_kind */
    TS_PT_ENUM,    /* one of a NULL-terminated list of choices */
};

enum ts_param_flag {
    TS_REQ = 1 << 0,   /* must be present and non-empty */
    TS_MULTI = 1 << 1, /* may repeat (checkbox lists), up to TS_PARAM_MAX_VALUES */
    TS_SECRET = 1 << 2 /* never echoed back into the form (passwords) */
};

/* The code validators of lib/ts_codes, by name. */
enum ts_code_kind {
    TS_CODE_USCC = 1,   /* 统一社会信用代码 */
    TS_CODE_CUSTOMS,    /* 海关编码 */
    TS_CODE_TAXPAYER,   /* 纳税人识别号 */
    TS_CODE_DECL_NO,    /* 报关单号 */
    TS_CODE_HS,         /* 商品编号 */
    TS_CODE_PERIOD,     /* 所属期 */
    TS_CODE_MOBILE,     /* 手机号 */
    TS_CODE_BANK_ACCOUNT, /* 银行账号 */
    TS_CODE_LOGIN_NAME, /* 登录名称 */
    TS_CODE_EXPORT_ENTRY_ID, /* 出口报关单号 (海关编号 by structure, 9th digit 0) */
};

#define TS_PARAM_MAX_VALUES 1000

struct ts_param {
    const char *name;
    const char *label; /* the field's Chinese label, used in messages */
    enum ts_param_type type;
    unsigned flags;
    int64_t min, max;
    enum ts_code_kind code;
    const char *const *choices;
};

#define ts_param_str(n, l, f, mn, mx)  {(n), (l), TS_PT_STR, (f), (mn), (mx), 0, NULL}
#define ts_param_int(n, l, f, mn, mx)  {(n), (l), TS_PT_INT, (f), (mn), (mx), 0, NULL}
#define ts_param_money(n, l, f, mn, mx) {(n), (l), TS_PT_MONEY, (f), (mn), (mx), 0, NULL}
#define ts_param_date(n, l, f)         {(n), (l), TS_PT_DATE, (f), 0, 0, 0, NULL}
#define ts_param_code(n, l, f, k)      {(n), (l), TS_PT_CODE, (f), 0, 0, (k), NULL}
#define ts_param_enum(n, l, f, ch)     {(n), (l), TS_PT_ENUM, (f), 0, 0, 0, (ch)}
#define ts_param_ids(n, l, f)          {(n), (l), TS_PT_INT, (f) | TS_MULTI, 1, INT64_MAX, 0, NULL}
#define TS_PARAMS_END                  {NULL, NULL, 0, 0, 0, 0, 0, NULL}

/* The checked value of one declared parameter. */
struct ts_value {
    bool present;       /* sent and non-empty */
    const char *raw;    /* first value as sent ("" when absent) */
    int64_t num;        /* TS_PT_INT / TS_PT_MONEY */
    size_t count;       /* TS_MULTI: number of values */
    const char **list;  /* TS_MULTI: the raw values */
    int64_t *nums;      /* TS_MULTI ints */
    const char *error;  /* Chinese message, or NULL */
};

struct ts_arena;
struct ts_kvlist;

size_t ts_param_count(const struct ts_param *params);
int ts_param_check(struct ts_arena *a, const struct ts_param *params,
                   const struct ts_kvlist *input, struct ts_value *values);
bool ts_param_check_code(enum ts_code_kind kind, const char *s, const char **err);

#endif
