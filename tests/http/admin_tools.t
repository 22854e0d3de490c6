#!/usr/bin/perl
# tests/http/admin_tools.t — `ts-admin sync-admin-perms`: the default roles
# (every enterprise's 企业管理员, the portal's 税务人员 / 海关人员 / 运维管理员)
# get back every code open to their kind — as after a module is added —
# idempotently, with an audit row when something was added.  scripts/
# stack.sh runs it on every start.
#
# Uses the trading enterprise's 企业管理员 role and a code of a module not
# built yet (no menu changes while it is missing), and the portal's 税务人员
# role, so other test files running at the same time are not disturbed.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest;

my $ADMIN = ($ENV{TS_BUILD} // "$FindBin::Bin/../../build") . '/tools/ts-admin';
plan skip_all => "$ADMIN not built" unless -x $ADMIN;
my $CONF = var_dir() . '/etc/tuishui.hdf';

my $TRADE_ADMIN = db_value("SELECT r.id FROM role r JOIN enterprise e ON e.id = r.ent_id"
      . " WHERE e.customs_code = '5101960002' AND r.is_admin = 1");
my $TAX_ROLE = db_value("SELECT id FROM role WHERE ent_id IS NULL AND scope = 'tax' AND is_admin = 1");

sub has_perm {
    my ($role, $perm) = @_;
    return db_value("SELECT COUNT(*) FROM role_perm WHERE role_id = $role AND perm = " . sql_str($perm));
}

# Run the tool; returns (exit status, output).
sub sync {
    local $ENV{TUISHUI_CONF} = $CONF;
    my $out = `"$ADMIN" sync-admin-perms 2>&1 </dev/null`;
    return ($? >> 8, $out);
}

sub sync_audits {
    return db_value("SELECT COUNT(*) FROM audit_log WHERE action = 'ts-admin.sync-admin-perms'");
}

# The codes of the two roles this file touches (other files add roles and
# codes of their own meanwhile).
sub two_roles {
    return db_value("SELECT COUNT(*) FROM role_perm WHERE role_id IN ($TRADE_ADMIN, $TAX_ROLE)");
}

subtest 'missing codes of the default roles come back' => sub {
    my $n = two_roles();
    my $audits = sync_audits();
    db_do("DELETE FROM role_perm WHERE role_id = $TRADE_ADMIN AND perm = 'declist'");
    db_do("DELETE FROM role_perm WHERE role_id = $TAX_ROLE AND perm = 'taxaudit'");
    ok(!has_perm($TRADE_ADMIN, 'declist') && !has_perm($TAX_ROLE, 'taxaudit'), '(two codes removed)');
    my ($rc, $out) = sync();
    is($rc, 0, 'the tool succeeds') or diag $out;
    like($out, qr/sync-admin-perms: 2 permission\(s\) added/, 'it says how many');
    ok(has_perm($TRADE_ADMIN, 'declist'), '企业管理员 has 生成关单清册 again');
    ok(has_perm($TAX_ROLE, 'taxaudit'), '税务人员 has 退税审核 again');
    is(two_roles(), $n, 'nothing else added');
    is(sync_audits(), $audits + 1, 'audited');
};

subtest 'idempotent: a second run adds nothing' => sub {
    my $n = two_roles();
    my $audits = sync_audits();
    my ($rc, $out) = sync();
    is($rc, 0, 'succeeds');
    like($out, qr/: 0 permission\(s\) added/, 'nothing to add');
    is(two_roles(), $n, 'nothing added');
    is(sync_audits(), $audits, 'no audit row for nothing');
};

subtest 'only the default roles, only codes of their kind' => sub {
    is(db_value("SELECT COUNT(*) FROM role_perm rp JOIN role r ON r.id = rp.role_id"
          . " WHERE r.is_admin = 1 AND r.scope = 'enterprise' AND rp.perm IN ('operator', 'taxaudit', 'taxresend', 'customs')"),
        0, 'no staff code on a 企业管理员 role');
    is(db_value("SELECT COUNT(*) FROM role_perm WHERE role_id = $TAX_ROLE AND perm NOT IN ('workbench', 'taxaudit', 'taxresend')"),
        0, '税务人员 holds tax codes only');
    my $clerk = db_value("SELECT id FROM role WHERE name = '单证录入员'");
    is(join(',', map { $_->[0] } db("SELECT perm FROM role_perm WHERE role_id = $clerk ORDER BY perm")),
        'users,workbench', 'a custom role is left alone');
};

subtest 'the audit chain stays whole' => sub {
    local $ENV{TUISHUI_CONF} = $CONF;
    my $out = `"$ADMIN" audit-verify 2>&1`;
    is($? >> 8, 0, 'audit-verify passes') or diag $out;
};

done_testing;
