/* Unit tests of lib/ts_perm's rule against privilege escalation: a code is
 * handed on (to a role, or through a role to a user) only by someone who
 * holds it — except a code the granter's kind of user can never hold (the
 * operator preparing the officers' roles). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ts_perm.h"

/* A clerk-like user: sorted by strcmp, as ts_session loads them. */
static const char *const clerk[] = {"users", "users.edit", "workbench"};

/* Everything held, in any order of the codes asked for: nothing missing. */
static void test_all_held(void **state)
{
    const char *codes[] = {"workbench", "users.edit", "users"};
    assert_null(ts_perm_first_missing(clerk, 3, TS_SCOPE_ENTERPRISE, codes, 3));
    assert_null(ts_perm_first_missing(clerk, 3, TS_SCOPE_ENTERPRISE, codes, 0));
}

/* The 企业管理员 role's codes from a clerk: the first one lacked is named. */
static void test_missing_named(void **state)
{
    const char *codes[] = {"workbench", "roles", "roles.edit"};
    assert_string_equal(ts_perm_first_missing(clerk, 3, TS_SCOPE_ENTERPRISE, codes, 3), "roles");
    const char *one[] = {"users.resetpw"};
    assert_string_equal(ts_perm_first_missing(clerk, 3, TS_SCOPE_ENTERPRISE, one, 1),
                        "users.resetpw");
}

/* Someone holding nothing may hand on nothing (no bsearch on an empty list). */
static void test_nothing_held(void **state)
{
    const char *codes[] = {"workbench"};
    assert_string_equal(ts_perm_first_missing(NULL, 0, TS_SCOPE_ENTERPRISE, codes, 1), "workbench");
}

/* A code not in the table is never waved through. */
static void test_unknown_code(void **state)
{
    const char *codes[] = {"no.such.code"};
    assert_string_equal(ts_perm_first_missing(clerk, 3, TS_SCOPE_OPERATOR, codes, 1),
                        "no.such.code");
}

/* The operator prepares a 税务 role: 退税审核 is not an operator's code, so
 * it is not asked for; the shared 工作台 is. */
static void test_cross_scope(void **state)
{
    const char *ops[] = {"roles", "roles.edit", "users", "users.edit"};
    const char *tax_role[] = {"taxaudit", "workbench"};
    assert_string_equal(ts_perm_first_missing(ops, 4, TS_SCOPE_OPERATOR, tax_role, 2), "workbench");
    const char *ops_wb[] = {"roles", "roles.edit", "users", "users.edit", "workbench"};
    assert_null(ts_perm_first_missing(ops_wb, 5, TS_SCOPE_OPERATOR, tax_role, 2));
    /* ... while an enterprise user is asked for every enterprise code */
    const char *decl[] = {"decl"};
    assert_string_equal(ts_perm_first_missing(clerk, 3, TS_SCOPE_ENTERPRISE, decl, 1), "decl");
}

/* Labels for messages: the manual's words, the code when unknown. */
static void test_label(void **state)
{
    assert_string_equal(ts_perm_label("users.edit"), "新增/修改/停用用户、分配角色");
    assert_string_equal(ts_perm_label("gone.code"), "gone.code");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_held),     cmocka_unit_test(test_missing_named),
        cmocka_unit_test(test_nothing_held), cmocka_unit_test(test_unknown_code),
        cmocka_unit_test(test_cross_scope),  cmocka_unit_test(test_label),
    };
    return cmocka_run_group_tests_name("ts_perm", tests, NULL, NULL);
}
