#include "ts_param.h"
#include "ts_arena.h"
#include "ts_codes.h"
#include "ts_form.h"
#include "ts_money.h"

#include <string.h>

size_t ts_param_count(const struct ts_param *params)
{
    size_t n = 0;
    while (params && params[n].name)
        n++;
    return n;
}

/* Checked decimal integer with optional sign; no atoi in this codebase. */
static bool parse_int(const char *s, int64_t *out)
{
    bool neg = *s == '-';
    const char *p = s + neg;
    int64_t n = 0;
    if (!*p || strlen(p) > 18)
        return false;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        n = n * 10 + (*p - '0');
    }
    *out = neg ? -n : n;
    return true;
}

/* Run one of lib/ts_codes' validators by kind. */
bool ts_param_check_code(enum ts_code_kind kind, const char *s, const char **err)
{
    switch (kind) {
    case TS_CODE_USCC:
        return ts_codes_uscc_valid(s, err);
    case TS_CODE_CUSTOMS:
        return ts_codes_customs_code_valid(s, err);
    case TS_CODE_TAXPAYER:
        return ts_codes_taxpayer_id_valid(s, err);
    case TS_CODE_DECL_NO:
        return ts_codes_decl_no_valid(s, err);
    case TS_CODE_HS:
        return ts_codes_hs_valid(s, err);
    case TS_CODE_PERIOD:
        return ts_codes_period_valid(s, err);
    case TS_CODE_MOBILE:
        return ts_codes_mobile_valid(s, err);
    case TS_CODE_BANK_ACCOUNT:
        return ts_codes_bank_account_valid(s, err);
    case TS_CODE_LOGIN_NAME:
        return ts_codes_login_name_valid(s, err);
    case TS_CODE_EXPORT_ENTRY_ID:
        return ts_codes_export_entry_id_valid(s, err);
    }
    *err = "代码类型未知";
    return false;
}

static bool in_choices(const char *const *choices, const char *s)
{
    for (; choices && *choices; choices++)
        if (strcmp(*choices, s) == 0)
            return true;
    return false;
}

/* Check one value against its declaration; returns a Chinese message or
 * NULL.  *num receives the integer for INT and MONEY. */
static const char *check_one(struct ts_arena *a, const struct ts_param *p, const char *s,
                             int64_t *num)
{
    const char *err = NULL;
    size_t chars;
    switch (p->type) {
    case TS_PT_STR:
        chars = ts_codes_utf8_chars(s);
        if ((int64_t)chars < p->min)
            return ts_arena_printf(a, "%s至少%lld个字", p->label, (long long)p->min);
        if ((int64_t)chars > p->max)
            return ts_arena_printf(a, "%s最多%lld个字", p->label, (long long)p->max);
        return NULL;
    case TS_PT_INT:
        if (!parse_int(s, num))
            return ts_arena_printf(a, "%s须为整数", p->label);
        if (*num < p->min || *num > p->max)
            return ts_arena_printf(a, "%s超出范围", p->label);
        return NULL;
    case TS_PT_MONEY:
        if (!ts_money_parse(s, num, &err))
            return ts_arena_printf(a, "%s：%s", p->label, err);
        if (*num < p->min || *num > p->max)
            return ts_arena_printf(a, "%s超出范围", p->label);
        return NULL;
    case TS_PT_DATE:
        return ts_codes_date_valid(s, &err) ? NULL : ts_arena_printf(a, "%s：%s", p->label, err);
    case TS_PT_CODE:
        return ts_param_check_code(p->code, s, &err) ? NULL
                                                     : ts_arena_printf(a, "%s：%s", p->label, err);
    case TS_PT_ENUM:
        return in_choices(p->choices, s) ? NULL : ts_arena_printf(a, "请选择%s", p->label);
    }
    return "参数类型未知";
}

/* Gather every value of one declared name from the decoded input. */
static void collect(struct ts_arena *a, const struct ts_param *p, const struct ts_kvlist *in,
                    struct ts_value *v)
{
    size_t n = ts_form_count(in, p->name), i = 0;
    v->list = ts_arena_zalloc(a, (n + 1) * sizeof *v->list);
    v->nums = ts_arena_zalloc(a, (n + 1) * sizeof *v->nums);
    for (const struct ts_kv *kv = in->head; kv; kv = kv->next)
        if (strcmp(kv->name, p->name) == 0 && (kv->value[0] || !(p->flags & TS_MULTI)))
            v->list[i++] = kv->value;
    v->count = i;
    v->raw = i ? v->list[0] : "";
}

/* Check every declared parameter.  Returns the number of parameters with
 * an error; each value's error field says which and why. */
int ts_param_check(struct ts_arena *a, const struct ts_param *params,
                   const struct ts_kvlist *input, struct ts_value *values)
{
    int errors = 0;
    for (size_t i = 0; params && params[i].name; i++) {
        const struct ts_param *p = &params[i];
        struct ts_value *v = &values[i];
        memset(v, 0, sizeof *v);
        collect(a, p, input, v);
        v->present = v->raw[0] != '\0';
        if (!v->present) {
            if (p->flags & TS_REQ)
                v->error = ts_arena_printf(a, "请填写%s", p->label);
        } else if (!(p->flags & TS_MULTI) && v->count > 1) {
            v->error = ts_arena_printf(a, "%s重复", p->label);
        } else if ((p->flags & TS_MULTI) && v->count > TS_PARAM_MAX_VALUES) {
            v->error = ts_arena_printf(a, "%s选择过多", p->label);
        } else {
            for (size_t k = 0; k < v->count && !v->error; k++)
                v->error = check_one(a, p, v->list[k], &v->nums[k]);
            v->num = v->nums[0];
        }
        errors += v->error != NULL;
    }
    return errors;
}
