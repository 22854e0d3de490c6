/* Unit tests of lib/ts_scope's statement check: the tenant filter must be
 * a real "ent_id = ?" / "ent_key = ?" at the first placeholder (for an
 * UPDATE, the first after WHERE), and nothing may OR around it — else a
 * handler could bind the session's tenant somewhere harmless and read
 * another enterprise's rows. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ts_scope.h"

static void test_accepted(void **state)
{
    assert_int_equal(ts_scope_tenant_index("SELECT id FROM role WHERE ent_key = ?"), 0);
    assert_int_equal(
        ts_scope_tenant_index("SELECT id FROM role r WHERE r.ent_key = ? AND r.id = ?"), 0);
    assert_int_equal(ts_scope_tenant_index("SELECT 1 FROM t WHERE ent_id = ? ORDER BY id"), 0);
    assert_int_equal(ts_scope_tenant_index("SELECT 1 FROM t WHERE ent_id=? LIMIT 5"), 0);
    assert_int_equal(ts_scope_tenant_index("SELECT 1 FROM t WHERE ent_id = ? AND (a = ? OR b = ?)"),
                     0);
    assert_int_equal(ts_scope_tenant_index("UPDATE app_user SET nickname = ?, phone = ?"
                                           " WHERE ent_key = ? AND id = ?"),
                     2);
    assert_int_equal(ts_scope_tenant_index("DELETE FROM role WHERE ent_key = ? AND id = ?"), 0);
}

static void test_refused(void **state)
{
    /* another column that merely ends in ent_id */
    assert_int_equal(ts_scope_tenant_index("SELECT 1 FROM t WHERE parent_id = ? AND ent_id = ?"),
                     -1);
    assert_int_equal(ts_scope_tenant_index("SELECT 1 FROM t WHERE xent_id = ?"), -1);
    /* the filter is not the first placeholder */
    assert_int_equal(ts_scope_tenant_index("SELECT 1 FROM t WHERE id = ? AND ent_id = ?"), -1);
    /* an OR at the filter's level lets other tenants' rows through */
    assert_int_equal(ts_scope_tenant_index("SELECT 1 FROM t WHERE ent_id = ? OR id = ?"), -1);
    assert_int_equal(ts_scope_tenant_index("SELECT 1 FROM t WHERE ent_id = ? AND a = ? OR b = ?"),
                     -1);
    /* not compared for equality, or compared to something else */
    assert_int_equal(ts_scope_tenant_index("SELECT 1 FROM t WHERE ent_id > ?"), -1);
    assert_int_equal(ts_scope_tenant_index("SELECT 1 FROM t WHERE ent_id = ? + 1"), -1);
    /* no placeholder at all, or an UPDATE without WHERE */
    assert_int_equal(ts_scope_tenant_index("SELECT 1 FROM t"), -1);
    assert_int_equal(ts_scope_tenant_index("UPDATE t SET ent_id = ?"), -1);
}

/* A 税务机关 covers the codes under it by the code's levels: province
 * (3 characters), city (5), district (7), anything finer only itself. */
static void test_bureau_levels(void **state)
{
    assert_int_equal(ts_scope_bureau_prefix_len("15100000000"), 3);
    assert_int_equal(ts_scope_bureau_prefix_len("15000000000"), 3);
    assert_int_equal(ts_scope_bureau_prefix_len("15101000000"), 5);
    assert_int_equal(ts_scope_bureau_prefix_len("15110000000"), 5);
    assert_int_equal(ts_scope_bureau_prefix_len("15101040000"), 7);
    assert_int_equal(ts_scope_bureau_prefix_len("15101040100"), 11);
    assert_int_equal(ts_scope_bureau_prefix_len("15101040001"), 11);
    /* not an 11-digit code: no jurisdiction at all */
    assert_int_equal(ts_scope_bureau_prefix_len(NULL), 0);
    assert_int_equal(ts_scope_bureau_prefix_len(""), 0);
    assert_int_equal(ts_scope_bureau_prefix_len("1510100000"), 0);
    assert_int_equal(ts_scope_bureau_prefix_len("151010000%0"), 0);
    assert_int_equal(ts_scope_bureau_prefix_len("1510100000_"), 0);
}

/* The bureau filter must be the first placeholder, nothing OR'd around it. */
static void test_bureau_filter(void **state)
{
    assert_int_equal(ts_scope_bureau_index("SELECT 1 FROM enterprise e"
                                           " WHERE e.tax_bureau_code LIKE ? AND e.id = ?"),
                     0);
    assert_int_equal(ts_scope_bureau_index("SELECT 1 FROM e WHERE tax_bureau_code LIKE ?"), 0);
    assert_int_equal(
        ts_scope_bureau_index("SELECT 1 FROM e WHERE tax_bureau_code LIKE ? ORDER BY id"), 0);
    assert_int_equal(
        ts_scope_bureau_index("SELECT 1 FROM e WHERE id = ? AND tax_bureau_code LIKE ?"), -1);
    assert_int_equal(
        ts_scope_bureau_index("SELECT 1 FROM e WHERE tax_bureau_code LIKE ? OR id = ?"), -1);
    assert_int_equal(ts_scope_bureau_index("SELECT 1 FROM e WHERE xtax_bureau_code LIKE ?"), -1);
    assert_int_equal(ts_scope_bureau_index("SELECT 1 FROM e WHERE tax_bureau_code LIKE ? + 'x'"),
                     -1);
    assert_int_equal(ts_scope_bureau_index("SELECT 1 FROM e WHERE tax_bureau_code = ?"), -1);
    assert_int_equal(ts_scope_bureau_index("SELECT 1 FROM e"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_bureau_levels),
        cmocka_unit_test(test_bureau_filter),
    };
    return cmocka_run_group_tests_name("ts_scope", tests, NULL, NULL);
}
