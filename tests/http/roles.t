#!/usr/bin/perl
# tests/http/roles.t — 角色管理 (000 §2.5.3): the list, 新增 / 修改 through
# the forms (required 角色名称, at least one 菜单权限, unique names, nothing
# typed lost), the default role 企业管理员 (not deletable, name and 菜单权限
# fixed), 删除, enterprise isolation (another enterprise's role id → 404),
# permissions (roles / roles.edit), the operator's staff roles, escaping,
# and the audit rows.
#
# Runs against a stack started with TS_MODE=test (scripts/check.sh sets
# TS_BASE_URL and TS_VAR).  Role names carry a per-run tag, so the file can
# run again on the same stack.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :html);

my $TAG = sprintf 'R%x%x', $$, time % 65536;
my $PROD = db_value("SELECT id FROM enterprise WHERE customs_code = '5101940001'");
my $TRADE = db_value("SELECT id FROM enterprise WHERE customs_code = '5101960002'");
my $ADMIN_ROLE = db_value("SELECT id FROM role WHERE ent_id = $PROD AND is_admin = 1");
my $CLERK_ROLE = db_value("SELECT id FROM role WHERE ent_id = $PROD AND name = '单证录入员'");

my $admin = login('ent-admin-production');

# POST the role form; fields default to a valid new role.
sub save_role {
    my ($c, %f) = @_;
    my @pairs;
    for my $k (qw(id scope name status remark)) {
        push @pairs, $k => $f{$k} if defined $f{$k};
    }
    push @pairs, perms => $_ for @{ $f{perms} || [] };
    return $c->post('/roles/save', \@pairs);
}

sub role_id {
    my ($name, $ent) = @_;
    my $where = defined $ent ? "ent_id = $ent" : 'ent_id IS NULL';
    return db_value("SELECT id FROM role WHERE $where AND name = " . sql_str($name));
}

sub role_perms {
    my ($id) = @_;
    return join ',', map { $_->[0] } db("SELECT perm FROM role_perm WHERE role_id = $id ORDER BY perm");
}

sub audit_count {
    my ($id) = @_;
    return db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'role' AND object_id = '$id'");
}

subtest 'the list shows the enterprise\'s roles, 企业管理员 first' => sub {
    my $r = $admin->get('/roles/');
    is($r->{status}, 200, 'GET /roles/ 200');
    like($r->{text}, qr/<th>$_<\/th>/, "column $_") for qw(角色名称 状态 备注 创建时间 操作);
    my @rows = table_rows($r->{text});
    is($rows[0][0], '企业管理员', '企业管理员 first');
    ok((grep { $_->[0] eq '单证录入员' } @rows), 'the custom role 单证录入员 listed');
    ok(!(grep { $_->[0] =~ /税务人员|海关人员|运维管理员/ } @rows), 'no portal staff roles');
    like($r->{text}, qr{href="/roles/new"}, '新增 offered');
};

subtest '新增 form: fields and 菜单权限 of the enterprise scope' => sub {
    my $r = $admin->get('/roles/new');
    is($r->{status}, 200, 'GET /roles/new 200');
    like($r->{text}, qr/<h1>新增角色<\/h1>/, 'title');
    like($r->{text}, qr/<span class="req">\*<\/span>角色名称/, '*角色名称 marked required');
    like($r->{text}, qr/<input type="text" id="f-name" name="name"[^>]*class="required"/, '角色名称 yellow');
    like($r->{text}, qr/name="status" value="normal" checked/, '状态 defaults to 正常');
    like($r->{text}, qr/停用/, '停用 offered');
    like($r->{text}, qr/<span class="req">\*<\/span>菜单权限/, '*菜单权限');
    like($r->{text}, qr/<legend>系统管理<\/legend>/, 'grouped by menu group');
    like($r->{text}, qr/name="perms" value="declist"/, 'a code of a module not built yet is offered');
    like($r->{text}, qr/name="perms" value="users\.edit"/, 'action codes are offered');
    unlike($r->{text}, qr/name="perms" value="(?:operator|taxaudit|customs)"/, 'no staff-only codes');
    like($r->{text}, qr/<textarea[^>]*name="remark"[^>]*class="optional"/, '备注 optional (white)');
    like($r->{text}, qr/name="_csrf" value="[0-9a-f]{64}"/, 'CSRF token in the form');
    like($r->{text}, qr/>确定<\/button>/, '确定 button');
};

my $name = "查看员$TAG";
my $id;
subtest '新增 a role through the form: listed, stored, audited' => sub {
    my $r = save_role($admin, name => $name, status => 'normal', remark => '只看用户',
        perms => [qw(workbench users)]);
    is($r->{status}, 303, 'POST /roles/save 303');
    is($r->{location}, '/roles/', 'back to the list');
    $r = $admin->follow($r);
    like($r->{text}, qr/<div class="flash"[^>]*>保存成功。<\/div>/, 'flash 保存成功。');
    my ($row) = grep { $_->[0] eq $name } table_rows($r->{text});
    ok($row, 'the new role is listed');
    is($row->[1], '正常', 'status 正常') if $row;
    is($row->[2], '只看用户', 'remark shown') if $row;
    $id = role_id($name, $PROD);
    ok($id, 'stored in the enterprise');
    is(role_perms($id), 'users,workbench', 'exactly the checked 菜单权限');
    is(db_value("SELECT scope FROM role WHERE id = $id"), 'enterprise', 'an enterprise role');
    is(audit_count($id), 1, 'one audit row');
};

subtest 'a duplicate 角色名称 is refused next to the field, nothing lost' => sub {
    my $n = db_value('SELECT COUNT(*) FROM role');
    my $r = save_role($admin, name => $name, status => 'disabled', remark => '重复的备注',
        perms => [qw(workbench decl)]);
    is($r->{status}, 200, 'the form again');
    is(field_error($r->{text}, 'name'), '角色名称已存在', '角色名称已存在 next to the field');
    is(input_value($r->{text}, 'name'), $name, 'name kept');
    is(textarea_value($r->{text}, 'remark'), '重复的备注', 'remark kept');
    is_deeply([sort(checked_values($r->{text}, 'perms'))], [qw(decl workbench)], 'boxes kept');
    is_deeply([checked_values($r->{text}, 'status')], ['disabled'], 'status kept');
    is(db_value('SELECT COUNT(*) FROM role'), $n, 'nothing stored');
};

subtest '菜单权限: at least one, and only codes of the scope' => sub {
    my $r = save_role($admin, name => "空权限$TAG", status => 'normal', remark => '无');
    is($r->{status}, 200, 'the form again');
    is(field_error($r->{text}, 'perms'), '请至少勾选一项菜单权限', 'the manual\'s rule');
    is(input_value($r->{text}, 'name'), "空权限$TAG", 'name kept');
    ok(!role_id("空权限$TAG", $PROD), 'not stored');
    $r = save_role($admin, name => "越权$TAG", status => 'normal', perms => [qw(workbench operator)]);
    like(field_error($r->{text}, 'perms') // '', qr/不适用/, 'an operator code is refused');
    $r = save_role($admin, name => "乱码$TAG", status => 'normal', perms => ['no.such.code']);
    ok(field_error($r->{text}, 'perms'), 'an unknown code is refused');
    ok(!role_id("越权$TAG", $PROD) && !role_id("乱码$TAG", $PROD), 'neither stored');
    $r = save_role($admin, name => '', status => 'normal', perms => ['workbench']);
    is(field_error($r->{text}, 'name'), '请填写角色名称', '角色名称 required');
};

subtest '修改: the form shows the role; the change is stored' => sub {
    my $r = $admin->get("/roles/edit?id=$id");
    is($r->{status}, 200, 'GET /roles/edit 200');
    like($r->{text}, qr/<h1>修改角色<\/h1>/, 'title');
    is(input_value($r->{text}, 'name'), $name, 'name filled');
    is_deeply([sort(checked_values($r->{text}, 'perms'))], [qw(users workbench)], 'its 菜单权限 checked');
    is(input_value($r->{text}, 'id'), $id, 'hidden id');
    $name = "改名$TAG";
    $r = save_role($admin, id => $id, name => $name, status => 'disabled', remark => '改过',
        perms => [qw(workbench decl users)]);
    is($r->{status}, 303, 'saved');
    is(db_value("SELECT CONCAT(name, '/', status, '/', remark) FROM role WHERE id = $id"),
        "$name/disabled/改过", 'name, status, remark stored');
    is(role_perms($id), 'decl,users,workbench', '菜单权限 replaced');
    is(audit_count($id), 2, 'audited');
    $r = save_role($admin, id => $id, name => '企业管理员', status => 'normal', perms => ['workbench']);
    is(field_error($r->{text}, 'name'), '角色名称已存在', 'renaming onto another role refused');
};

subtest '企业管理员: not deletable, name and 菜单权限 fixed' => sub {
    my $perms = role_perms($ADMIN_ROLE);
    my $r = $admin->post('/roles/delete', {id => $ADMIN_ROLE});
    is($r->{status}, 409, 'delete refused');
    is(page_message($r->{text}), '企业管理员角色为系统默认角色，不可删除', 'with the reason');
    ok(role_id('企业管理员', $PROD), 'still there');
    $r = $admin->get("/roles/edit?id=$ADMIN_ROLE");
    is($r->{status}, 200, 'its form opens');
    like($r->{text}, qr/不可删除/, 'the form says why');
    like($r->{text}, qr/value="企业管理员" readonly class="readonly"/, 'name read-only (grey)');
    ok(!defined textarea_value($r->{text}, 'name') && $r->{text} !~ /id="f-name" name="name"/,
        'no name field to type in');
    like($r->{text}, qr/name="perms" value="users" checked disabled/, '菜单权限 shown, disabled');
    $r = save_role($admin, id => $ADMIN_ROLE, name => '改名管理员', remark => 'x');
    like(field_error($r->{text}, 'name') // '', qr/名称和菜单权限不可修改/, 'rename refused');
    $r = save_role($admin, id => $ADMIN_ROLE, perms => ['workbench'], remark => 'x');
    like(field_error($r->{text}, 'perms') // '', qr/不可修改/, 'permission change refused');
    $r = save_role($admin, id => $ADMIN_ROLE, status => 'disabled', remark => 'x');
    like(field_error($r->{text}, 'status') // '', qr/不可停用/, 'disabling refused');
    $r = save_role($admin, id => $ADMIN_ROLE, remark => "备注$TAG");
    is($r->{status}, 303, 'its 备注 may change');
    is(db_value("SELECT CONCAT(name, '/', status, '/', remark) FROM role WHERE id = $ADMIN_ROLE"),
        "企业管理员/normal/备注$TAG", 'only the remark changed');
    is(role_perms($ADMIN_ROLE), $perms, '菜单权限 unchanged');
};

subtest '删除: a role in use is refused; an unused one goes' => sub {
    my $r = $admin->post('/roles/delete', {id => $CLERK_ROLE});
    is($r->{status}, 409, 'a role held by clerk01 is refused');
    like(page_message($r->{text}), qr/已分配给 \d+ 个用户，不能删除/, 'with the reason');
    ok(role_id('单证录入员', $PROD), 'still there');
    $r = $admin->post('/roles/delete', {id => $id});
    is($r->{status}, 303, 'the unused role is deleted');
    $r = $admin->follow($r);
    like($r->{text}, qr/删除成功/, 'flash');
    ok(!role_id($name, $PROD), 'gone');
    is(db_value("SELECT COUNT(*) FROM role_perm WHERE role_id = $id"), 0, 'its 菜单权限 gone');
    is(db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'role' AND object_id = '$id'"
          . " AND detail LIKE 'delete%'"), 1, 'audited');
};

subtest 'another enterprise\'s role id answers 404' => sub {
    my $other = login('ent-admin-trading');
    my $r = $other->get("/roles/edit?id=$CLERK_ROLE");
    is($r->{status}, 404, 'edit page 404');
    unlike($r->{text}, qr/单证录入员/, 'nothing of the role shown');
    $r = $other->post('/roles/delete', {id => $CLERK_ROLE});
    is($r->{status}, 404, 'delete 404');
    $r = save_role($other, id => $CLERK_ROLE, name => "偷改$TAG", status => 'normal', perms => ['workbench']);
    is($r->{status}, 404, 'save 404');
    is(db_value("SELECT name FROM role WHERE id = $CLERK_ROLE"), '单证录入员', 'unchanged');
    is(role_perms($CLERK_ROLE), 'users,workbench', 'its 菜单权限 unchanged');
    my ($mine) = grep { $_->[0] eq '单证录入员' } table_rows($other->get('/roles/')->{text});
    ok(!$mine, 'not in the other enterprise\'s list');
};

subtest 'permissions: roles to see, roles.edit to change' => sub {
    my $clerk = login('ent-clerk');
    is($clerk->get('/roles/')->{status}, 403, 'clerk01 (no roles) 403 on the list');
    is($clerk->get('/roles/new')->{status}, 403, '403 on 新增');
    my $r = save_role($clerk, name => "无权$TAG", status => 'normal', perms => ['workbench']);
    is($r->{status}, 403, '403 on save');
    ok(!role_id("无权$TAG", $PROD), 'nothing stored');
    $r = $admin->post('/roles/save', [name => "无令牌$TAG", status => 'normal', perms => 'workbench'],
        {no_csrf => 1});
    is($r->{status}, 403, 'a POST without the CSRF token is refused');
    ok(!role_id("无令牌$TAG", $PROD), 'nothing stored');
};

subtest 'names and remarks are shown as typed (escaped), never as markup' => sub {
    my $xss = "<script>alert(1)</script>$TAG";
    my $sql = "' OR 1=1 --";
    my $r = save_role($admin, name => $xss, status => 'normal', remark => $sql, perms => ['workbench']);
    is($r->{status}, 303, 'saved');
    $r = $admin->get('/roles/');
    unlike($r->{text}, qr/<script>alert\(1\)/, 'no live script tag');
    like($r->{text}, qr/&lt;script&gt;alert\(1\)&lt;\/script&gt;\Q$TAG\E/, 'the name escaped');
    my ($row) = grep { $_->[0] eq $xss } table_rows($r->{text});
    ok($row, 'listed under its literal name');
    is($row->[2], $sql, 'the remark literally') if $row;
    my $rid = role_id($xss, $PROD);
    is(db_value("SELECT remark FROM role WHERE id = $rid"), $sql, 'stored as typed');
    $admin->post('/roles/delete', {id => $rid});
};

subtest 'the operator manages the portal staff roles by kind' => sub {
    my $ops = login('operator');
    my $r = $ops->get('/roles/');
    is($r->{status}, 200, 'list 200');
    my @names = map { $_->[0] } table_rows($r->{text});
    ok((grep { $_ eq '税务人员' } @names) && (grep { $_ eq '海关人员' } @names), 'staff roles listed');
    ok(!(grep { $_ eq '企业管理员' || $_ eq '单证录入员' } @names), 'no enterprise roles');
    like($r->{text}, qr/<th>人员类别<\/th>/, 'the kind column');
    $r = $ops->get('/roles/new');
    like($r->{text}, qr{href="/roles/new\?scope=tax"}, 'first the kind is chosen');
    $r = $ops->get('/roles/new?scope=tax');
    like($r->{text}, qr/name="perms" value="taxaudit"/, 'a tax role offers 退税审核');
    unlike($r->{text}, qr/name="perms" value="(?:customs|decl|users)"/, 'and no other kind\'s codes');
    like($r->{text}, qr/name="scope" value="tax"/, 'the kind travels with the form');
    $r = save_role($ops, scope => 'tax', name => "初审$TAG", status => 'normal', perms => [qw(workbench taxaudit)]);
    is($r->{status}, 303, 'a tax role saved');
    my $tid = role_id("初审$TAG");
    is(db_value("SELECT CONCAT(scope, '/', ent_key) FROM role WHERE id = $tid"), 'tax/0', 'portal tax role');
    $r = save_role($ops, scope => 'customs', name => "越界$TAG", status => 'normal', perms => ['taxaudit']);
    like(field_error($r->{text}, 'perms') // '', qr/不适用/, 'a tax code on a customs role refused');
    $r = save_role($ops, name => "无类别$TAG", status => 'normal', perms => ['workbench']);
    is($r->{status}, 409, 'a role without its kind refused');
    $r = $ops->get("/roles/edit?id=$CLERK_ROLE");
    is($r->{status}, 404, 'an enterprise role is not the operator\'s: 404');
    my $tax_role = role_id('税务人员');
    $r = $ops->post('/roles/delete', {id => $tax_role});
    is($r->{status}, 409, 'the default staff role is not deleted');
    is(page_message($r->{text}), '税务人员角色为系统默认角色，不可删除', 'with the reason');
    is($ops->post('/roles/delete', {id => $tid})->{status}, 303, 'the new staff role deleted');
};

done_testing;
