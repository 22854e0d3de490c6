#include "ts_perm.h"

#include <stdlib.h>
#include <string.h>

#define ENT TS_SCOPE_ENTERPRISE
#define TAX TS_SCOPE_TAX
#define CUS TS_SCOPE_CUSTOMS
#define OPS TS_SCOPE_OPERATOR

/* The module map as permission codes, in menu order.  Groups follow the
 * manuals' menus; labels are the manuals' words.  `built` turns a menu entry
 * on once its program exists: permissions for later modules already exist
 * as codes so roles can be set up ahead of them. */
const struct ts_perm ts_perm_table[] = {
    {"workbench", "工作台", "工作台", "/workbench/", ENT | TAX | CUS | OPS, true},

    /* 备案单证电子化管理 (000) */
    {"prearchive", "单证预归档", "单证预归档", "/prearchive/", ENT, true},
    {"prearchive.edit", "单证预归档", "新增业务跟踪号/上传/删除单证", NULL, ENT, true},
    {"declist", "单证采集备案", "生成关单清册", "/declist/", ENT, true},
    {"docupload", "单证采集备案", "上传备案单证", "/docupload/", ENT, true},
    {"docupload.edit", "单证采集备案", "上传/删除备案单证", NULL, ENT, true},
    {"doccheck", "单证采集备案", "单证收齐审核", "/doccheck/", ENT, true},
    {"doccheck.edit", "单证采集备案", "收齐/撤销收齐", NULL, ENT, true},
    {"docexport", "单证采集备案", "导出备案目录", "/docexport/", ENT, true},

    /* 报关单 (003) */
    {"decl", "报关单", "报关单查询下载", "/decl/", ENT, true},

    /* 出口退税申报 (001) */
    {"collect", "出口退税申报", "报关单采集", "/collect/", ENT, false},
    {"goods", "出口退税申报", "出口货物明细采集", "/goods/", ENT, false},
    {"goodsinfo", "出口退税申报", "货物资料采集", "/goodsinfo/", ENT, false},
    {"forex", "出口退税申报", "收汇情况采集", "/forex/", ENT, false},
    {"selfmade", "出口退税申报", "视同自产货物清单", "/selfmade/", ENT, false},
    {"services", "出口退税申报", "国际运输及跨境应税服务", "/services/", ENT, false},
    {"purchase", "出口退税申报", "进货明细", "/purchase/", ENT, false},
    {"declare", "出口退税申报", "生成退税申报数据", "/declare/", ENT, false},
    {"feedback", "出口退税申报", "反馈读入", "/feedback/", ENT, false},
    {"query", "出口退税申报", "数据查询", "/query/", ENT, false},
    {"processing", "出口退税申报", "进料加工核销", "/processing/", ENT, false},
    {"certs", "出口退税申报", "单证申报", "/certs/", ENT, false},
    {"filing", "出口退税申报", "备案申报", "/filing/", ENT, false},
    {"other", "出口退税申报", "其他申报", "/other/", ENT, false},
    {"config", "出口退税申报", "业务配置", "/config/", ENT, false},

    /* 出口退税综合服务平台 (002) */
    {"predecl", "综合服务平台", "预申报", "/predecl/", ENT, false},
    {"formal", "综合服务平台", "正式申报", "/formal/", ENT, false},
    {"fbdownload", "综合服务平台", "反馈下载", "/fbdownload/", ENT, false},
    {"documents", "综合服务平台", "文书开具", "/documents/", ENT, false},
    {"progress", "综合服务平台", "退税进度", "/progress/", ENT, false},
    {"reminders", "综合服务平台", "退税提醒", "/reminders/", ENT, false},
    {"inquiry", "综合服务平台", "综合查询", "/inquiry/", ENT, true},
    {"service", "综合服务平台", "办税服务", "/service/", ENT, false},

    /* 出口退货 (004) */
    {"retgoods", "出口退货", "出口退货信息录入", "/retgoods/", ENT, true},
    {"retgoods.query", "出口退货", "出口退货信息查询", "/retgoods/query", ENT, true},

    /* Officer side */
    {"taxaudit", "税务审核", "退税审核", "/taxaudit/", TAX, false},
    {"taxresend", "税务审核", "报关单重发记录", "/taxresend/", TAX, true},
    {"customs", "海关审核", "报关单发布", "/customs/", CUS, true},
    {"customs.import", "海关审核", "进口报关单发布", "/customs/imports", CUS, true},
    {"customs.retgoods", "海关审核", "出口退货审核", "/customs/retgoods", CUS, true},

    /* 系统管理 (000 §2.5) */
    {"efiling", "系统管理", "电子化管理备案", "/efiling/", ENT, true},
    {"doctypes", "系统管理", "备案单证种类", "/doctypes/", ENT, true},
    {"doctypes.edit", "系统管理", "新增/修改/删除备案单证种类", NULL, ENT, true},
    {"roles", "系统管理", "角色管理", "/roles/", ENT | OPS, true},
    {"roles.edit", "系统管理", "新增/修改/删除角色", NULL, ENT | OPS, true},
    {"users", "系统管理", "用户管理", "/users/", ENT | OPS, true},
    {"users.edit", "系统管理", "新增/修改/停用用户、分配角色", NULL, ENT | OPS, true},
    {"users.resetpw", "系统管理", "重置密码", NULL, ENT | OPS, true},
    {"users.card", "系统管理", "绑定/解除绑定IC卡", NULL, ENT, true},

    /* Operator */
    {"operator", "运维管理", "企业管理", "/operator/", OPS, true},
    {"operator.edit", "运维管理", "新增/修改/停用企业", NULL, OPS, true},
    {"audit", "运维管理", "审计日志", "/operator/audit", OPS, true},
    {"reflib", "运维管理", "参考库", "/operator/ref/", OPS, true},
    {"reflib.edit", "运维管理", "导入退税率文库/汇率", NULL, OPS, true},
};

const size_t ts_perm_count = sizeof ts_perm_table / sizeof ts_perm_table[0];

const struct ts_perm *ts_perm_find(const char *code)
{
    for (size_t i = 0; i < ts_perm_count; i++)
        if (strcmp(ts_perm_table[i].code, code) == 0)
            return &ts_perm_table[i];
    return NULL;
}

/* The manual's name of a code, for messages ("新增/修改/删除角色"); the
 * code itself if the table no longer has it. */
const char *ts_perm_label(const char *code)
{
    const struct ts_perm *p = ts_perm_find(code);
    return p ? p->label : code;
}

static const struct {
    enum ts_scope scope;
    const char *name;
} scope_names[] = {
    {TS_SCOPE_ENTERPRISE, "enterprise"},
    {TS_SCOPE_TAX, "tax"},
    {TS_SCOPE_CUSTOMS, "customs"},
    {TS_SCOPE_OPERATOR, "operator"},
};

/* The scope stored in app_user.scope / role.scope; 0 if unknown. */
enum ts_scope ts_perm_scope_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof scope_names / sizeof scope_names[0]; i++)
        if (name && strcmp(scope_names[i].name, name) == 0)
            return scope_names[i].scope;
    return 0;
}

const char *ts_perm_scope_name(enum ts_scope scope)
{
    for (size_t i = 0; i < sizeof scope_names / sizeof scope_names[0]; i++)
        if (scope_names[i].scope == scope)
            return scope_names[i].name;
    return "";
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Must a user of the granter's kind hold this code to hand it on?  Yes for
 * every code such a user could hold (and for a code not in the table: no
 * exception for what we do not know).  No for a code their kind can never
 * hold: the operator prepares the 税务 and 海关 roles and accounts (退税审核,
 * 海关审核) without doing the officers' work, and cannot give such a role
 * to themself, as a role only goes to users of its own kind. */
static bool must_hold(const char *code, enum ts_scope granter)
{
    const struct ts_perm *p = ts_perm_find(code);
    return !p || (p->scopes & granter);
}

/* The rule against privilege escalation: nobody hands on (grants to a role,
 * or gives through a role to a user) a permission they do not hold
 * themself.  held is the granter's codes sorted by strcmp (struct
 * ts_session.perms); returns the first of codes they lack, NULL if none. */
const char *ts_perm_first_missing(const char *const *held, size_t nheld, enum ts_scope granter,
                                  const char *const *codes, size_t ncodes)
{
    for (size_t i = 0; i < ncodes; i++) {
        const char *key = codes[i];
        if (must_hold(key, granter) &&
            (!nheld || !bsearch(&key, held, nheld, sizeof *held, cmp_code)))
            return codes[i];
    }
    return NULL;
}
