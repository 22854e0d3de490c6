#!/usr/bin/perl
# tests/http/users.t — 用户管理 (000 §2.5.4): the list with its query form
# and paging; 新增 through the form (labels as the manual names them, the
# rules of each field, a duplicate 登录名称 with everything typed kept, the
# forced password change at first login); 修改; 停用 / 启用 (a disabled user
# cannot log in and loses the sessions it had; nobody disables themself or
# the 企业管理员 account); 重置密码; 分配角色; enterprise isolation
# (another enterprise's user id → 404); permissions (users, users.edit,
# users.resetpw); escaping; the operator's staff accounts; audit rows.
#
# Runs against a stack started with TS_MODE=test (scripts/check.sh sets
# TS_BASE_URL and TS_VAR).  Login names carry a per-run tag, so the file can
# run again on the same stack; the demo accounts themselves are not changed.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :html);

my $TAG = sprintf 'u%x%x', $$, time % 65536;
my $PW = 'Init#Pass9a';
my $PROD = db_value("SELECT id FROM enterprise WHERE customs_code = '5101940001'");
my $PROD_NAME = db_value("SELECT name FROM enterprise WHERE id = $PROD");
my $ADMIN_ROLE = db_value("SELECT id FROM role WHERE ent_id = $PROD AND is_admin = 1");
my $CLERK_ROLE = db_value("SELECT id FROM role WHERE ent_id = $PROD AND name = '单证录入员'");
my $TRADE_ROLE = db_value(
    "SELECT r.id FROM role r JOIN enterprise e ON e.id = r.ent_id WHERE e.customs_code = '5101960002' AND r.is_admin = 1");
my $ADMIN_ID = db_value("SELECT id FROM app_user WHERE login_name = '5101940001'");
my $CLERK_ID = db_value("SELECT id FROM app_user WHERE login_name = 'clerk01'");

my $admin = login('ent-admin-production');

# POST the user form; fields default to a valid new enterprise user.
sub save_user {
    my ($c, %f) = @_;
    my %d = $f{id} ? () : (user_type => 'operator', status => 'normal', password => $PW,
        phone => '13912345678', roles => [$CLERK_ROLE]);
    %f = (%d, %f);
    my @pairs;
    for my $k (qw(id nickname user_type scope tax_bureau_code customs_district_code status
        login_name password phone remark)) {
        push @pairs, $k => $f{$k} if defined $f{$k};
    }
    push @pairs, roles => $_ for @{ $f{roles} || [] };
    return $c->post('/users/save', \@pairs);
}

sub user_id {
    return db_value('SELECT id FROM app_user WHERE login_name = ' . sql_str($_[0]));
}

sub user_roles {
    my ($id) = @_;
    return join ',', map { $_->[0] } db("SELECT role_id FROM user_role WHERE user_id = $id ORDER BY role_id");
}

sub audits {
    my ($id, $like) = @_;
    return db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'app_user' AND object_id = '$id'"
          . ' AND detail LIKE ' . sql_str($like));
}

sub nrows {
    my @rows = table_rows($_[0]);
    return scalar @rows;
}

# Can this login sign in?  Returns the signin response.
sub try_login {
    my ($login, $pw) = @_;
    my $c = client();
    $c->get('/login/');
    my $r = $c->post('/login/signin', {username => $login, password => $pw});
    return ($r, $c);
}

subtest 'the list: the enterprise\'s users with their roles' => sub {
    my $r = $admin->get('/users/');
    is($r->{status}, 200, 'GET /users/ 200');
    like($r->{text}, qr/<th>$_<\/th>/, "column $_") for qw(用户昵称 登录名称 用户类型 手机号 角色 状态 最后登录 操作);
    my @rows = table_rows($r->{text});
    is($rows[0][1], '5101940001', 'the 企业管理员 account first');
    is($rows[0][2], '管理员（企业管理员）', 'marked as such');
    my %rows = map { $_->[1] => $_ } table_rows($admin->get('/users/?login_name=clerk01')->{text});
    ok($rows{clerk01}, 'clerk01 listed');
    is($rows{clerk01}[4], '单证录入员', 'with its role') if $rows{clerk01};
    is($rows{clerk01}[3], '13800000003', 'its 手机号') if $rows{clerk01};
    my $total = db_value("SELECT COUNT(*) FROM app_user WHERE ent_id = $PROD");
    like($r->{text}, qr/共 $total 条/, 'the pager counts the enterprise\'s users');
    ok(!(grep { $_->[1] =~ /^(?:5101960002|ops01|tax01)$/ } @rows), 'nobody of another tenant');
    is(nrows($admin->get('/users/?login_name=ops01')->{text}), 1, '(ops01: only the empty row)');
    like($r->{text}, qr{href="/users/new"}, '新增 offered');
    like($r->{text}, qr{<form method="post" action="/users/status" data-confirm="[^"]+">}, '停用 is a POST asking to confirm');
};

subtest '新增 form: the manual\'s fields, colours, roles' => sub {
    my $r = $admin->get('/users/new');
    is($r->{status}, 200, 'GET /users/new 200');
    my $t = $r->{text};
    for my $label (qw(用户昵称 用户类型 归属企业 登录名称 用户密码 手机号 选择角色)) {
        like($t, qr/<span class="req">\*<\/span>$label</, "*$label");
    }
    like($t, qr/<label>状态<\/label>/, '状态 (optional)');
    like($t, qr/<label for="f-remark">备注<\/label>/, '备注 (optional)');
    like($t, qr/用户昵称.*用户类型.*归属企业.*状态.*登录名称.*用户密码.*手机号.*选择角色.*备注/s, 'in the manual\'s order');
    like($t, qr/value="\Q$PROD_NAME\E" readonly class="readonly"/, '归属企业: the enterprise, read-only grey');
    like($t, qr/id="f-$_" name="$_"[^>]*class="required"/, "$_ yellow") for qw(nickname login_name password phone);
    like($t, qr/<select id="f-user_type" name="user_type" class="required"/, '用户类型 a yellow select');
    like($t, qr/name="status" value="normal" checked/, '状态 defaults to 正常');
    like($t, qr/name="roles" value="$ADMIN_ROLE"[^>]*> 企业管理员/, 'role 企业管理员 offered');
    like($t, qr/name="roles" value="$CLERK_ROLE"[^>]*> 单证录入员/, 'role 单证录入员 offered');
    unlike($t, qr/name="roles" value="$TRADE_ROLE"/, 'no role of another enterprise');
    like($t, qr/>确定<\/button>/, '确定');
    like($t, qr/>取消</, '取消');
};

my $login = "new$TAG";
my $id;
subtest '新增 a user through the form: listed, stored, audited' => sub {
    my $r = save_user($admin, nickname => "新用户$TAG", login_name => $login, remark => '测试备注');
    is($r->{status}, 303, 'POST /users/save 303');
    is($r->{location}, '/users/', 'back to the list');
    $r = $admin->follow($r);
    like($r->{text}, qr/<div class="flash"[^>]*>保存成功。<\/div>/, 'flash 保存成功。');
    $r = $admin->get("/users/?login_name=$login");
    my ($row) = grep { $_->[1] eq $login } table_rows($r->{text});
    ok($row, 'listed');
    is_deeply([@$row[0, 2, 3, 4, 5]], ["新用户$TAG", '操作员', '13912345678', '单证录入员', '正常'], 'its columns')
      if $row;
    $id = user_id($login);
    is(db_value("SELECT CONCAT(ent_id, '/', scope, '/', must_change_password, '/', is_ent_admin, '/', remark) FROM app_user WHERE id = $id"),
        "$PROD/enterprise/1/0/测试备注", 'stored in the enterprise, must change the password');
    is(user_roles($id), $CLERK_ROLE, 'its role');
    is(audits($id, 'create%'), 1, 'audited');
};

subtest 'the new user must change the password at the first login' => sub {
    my ($r, $c) = try_login($login, $PW);
    is($r->{status}, 303, 'logged in');
    is($r->{location}, '/login/password', 'sent to 修改密码');
    is($c->get('/users/')->{location}, '/login/password', 'and kept there');
};

subtest 'a duplicate 登录名称: refused next to the field, everything else kept' => sub {
    my $n = db_value('SELECT COUNT(*) FROM app_user');
    my $r = save_user($admin, nickname => "重复$TAG", login_name => 'clerk01', phone => '13700000000',
        user_type => 'admin', status => 'disabled', remark => "备注$TAG", roles => [$ADMIN_ROLE, $CLERK_ROLE]);
    is($r->{status}, 200, 'the form again');
    is(field_error($r->{text}, 'login_name'), '登录名称已存在', '登录名称已存在 next to the field');
    is(input_value($r->{text}, 'login_name'), 'clerk01', 'login name kept');
    is(input_value($r->{text}, 'nickname'), "重复$TAG", 'nickname kept');
    is(input_value($r->{text}, 'phone'), '13700000000', 'phone kept');
    is(selected_value($r->{text}, 'user_type'), 'admin', 'user type kept');
    is_deeply([checked_values($r->{text}, 'status')], ['disabled'], 'status kept');
    is(textarea_value($r->{text}, 'remark'), "备注$TAG", 'remark kept');
    is_deeply([sort { $a <=> $b } checked_values($r->{text}, 'roles')], [sort { $a <=> $b } $ADMIN_ROLE, $CLERK_ROLE], 'roles kept');
    is(input_value($r->{text}, 'password'), '', 'the password is not sent back');
    unlike($r->{text}, qr/\Q$PW\E/, 'nowhere on the page');
    is(db_value('SELECT COUNT(*) FROM app_user'), $n, 'nothing stored');
    $r = save_user($admin, nickname => 'x', login_name => '5101960002');
    is(field_error($r->{text}, 'login_name'), '登录名称已存在', 'another enterprise\'s 海关代码 is taken too');
};

subtest 'each field\'s rule, with the reason next to it' => sub {
    my $r = save_user($admin, nickname => '', login_name => "r$TAG", roles => []);
    is(field_error($r->{text}, 'nickname'), '请填写用户昵称', '用户昵称 required');
    is(field_error($r->{text}, 'roles'), '请至少选择一个角色', 'at least one role');
    $r = save_user($admin, nickname => 'x', login_name => "r$TAG", phone => '12345');
    like(field_error($r->{text}, 'phone') // '', qr/^手机号/, 'a bad 手机号');
    $r = save_user($admin, nickname => 'x', login_name => "r$TAG", password => 'abcdefgh');
    ok(field_error($r->{text}, 'password'), 'a password against the policy');
    $r = save_user($admin, nickname => 'x', login_name => "r$TAG", password => '');
    is(field_error($r->{text}, 'password'), '请填写用户密码', '用户密码 required');
    $r = save_user($admin, nickname => 'x', login_name => '1abc');
    like(field_error($r->{text}, 'login_name') // '', qr/^登录名称/, 'a bad 登录名称');
    $r = save_user($admin, nickname => 'x', login_name => '');
    is(field_error($r->{text}, 'login_name'), '请填写登录名称', '登录名称 required');
    $r = save_user($admin, nickname => 'x', login_name => "r$TAG", roles => [$TRADE_ROLE]);
    like(field_error($r->{text}, 'roles') // '', qr/不存在/, 'another enterprise\'s role refused');
    $r = save_user($admin, nickname => 'x', login_name => "r$TAG", user_type => 'officer');
    ok(field_error($r->{text}, 'user_type'), 'an enterprise user is not an officer');
    ok(!user_id("r$TAG"), 'none of them stored');
};

subtest '修改: the form shows the user, 登录名称 fixed; the change is stored' => sub {
    my $r = $admin->get("/users/edit?id=$id");
    is($r->{status}, 200, 'GET /users/edit 200');
    my $t = $r->{text};
    like($t, qr/<h1>修改用户<\/h1>/, 'title');
    is(input_value($t, 'nickname'), "新用户$TAG", 'nickname filled');
    like($t, qr/value="\Q$login\E" readonly class="readonly"/, '登录名称 read-only');
    ok(!defined input_value($t, 'login_name') && !defined input_value($t, 'password'), 'no login name or password to type');
    is_deeply([checked_values($t, 'roles')], [$CLERK_ROLE], 'its role checked');
    is(input_value($t, 'id'), $id, 'hidden id');
    $r = save_user($admin, id => $id, nickname => "改名$TAG", user_type => 'admin', status => 'normal',
        phone => '13600000000', remark => '改过', roles => [$CLERK_ROLE]);
    is($r->{status}, 303, 'saved');
    is(db_value("SELECT CONCAT(nickname, '/', user_type, '/', phone, '/', remark, '/', login_name) FROM app_user WHERE id = $id"),
        "改名$TAG/admin/13600000000/改过/$login", 'stored, login name unchanged');
    is(audits($id, 'update%'), 1, 'audited');
};

my ($dis_login, $dis_id) = ("dis$TAG");
subtest '停用: the user cannot log in and loses the session it had; 启用 again' => sub {
    $dis_id = create_user($dis_login, like => 'clerk01');
    my $pw = account('ent-clerk')->{password};
    my $victim = login($dis_login, $pw);
    is($victim->get('/users/')->{status}, 200, 'the user works');
    my $r = $admin->post('/users/status', {id => $dis_id, status => 'disabled'});
    is($r->{status}, 303, '停用 303');
    like($admin->follow($r)->{text}, qr/已停用用户/, 'flash');
    is(db_value("SELECT status FROM app_user WHERE id = $dis_id"), 'disabled', 'stored');
    is(db_value("SELECT COUNT(*) FROM session WHERE user_id = $dis_id"), 0, 'its sessions ended');
    $r = $victim->get('/users/');
    is($r->{status}, 303, 'the open session is gone');
    like($r->{location} // '', qr{^/login/}, 'back to the login page');
    ($r) = try_login($dis_login, $pw);
    is($r->{status}, 200, 'login refused');
    like($r->{text}, qr/该用户已停用/, 'with the reason');
    my ($row) = grep { $_->[1] eq $dis_login } table_rows($admin->get("/users/?login_name=$dis_login")->{text});
    is($row->[5], '停用', 'the list says 停用') if $row;
    is(audits($dis_id, 'status normal->disabled'), 1, 'audited');
    $r = $admin->post('/users/status', {id => $dis_id, status => 'normal'});
    is($r->{status}, 303, '启用 303');
    ($r) = try_login($dis_login, $pw);
    is($r->{status}, 303, 'logs in again');
};

subtest 'nobody disables themself or the 企业管理员 account' => sub {
    my $r = $admin->post('/users/status', {id => $ADMIN_ID, status => 'disabled'});
    is($r->{status}, 409, 'the admin disabling itself refused');
    is(page_message($r->{text}), '不能停用当前登录的用户。', 'with the reason');
    my $second = "adm$TAG";
    my $sid = create_user($second, like => '5101940001');
    my $other_admin = login($second, account('ent-admin-production')->{password});
    $r = $other_admin->post('/users/status', {id => $ADMIN_ID, status => 'disabled'});
    is($r->{status}, 409, 'another administrator disabling the 企业管理员 account refused');
    is(page_message($r->{text}), '企业管理员账号为系统默认账号，不可停用。', 'with the reason');
    $r = save_user($other_admin, id => $ADMIN_ID, nickname => '企业管理员', user_type => 'admin',
        status => 'disabled', phone => '13800000001', roles => [$ADMIN_ROLE]);
    is(field_error($r->{text}, 'status'), '企业管理员账号为系统默认账号，不可停用。', 'nor through 修改');
    is(db_value("SELECT status FROM app_user WHERE id = $ADMIN_ID"), 'normal', 'still normal');
    $r = $other_admin->post('/users/roles', [id => $ADMIN_ID, roles => $CLERK_ROLE]);
    like(field_error($r->{text}, 'roles') // '', qr/必须保留“企业管理员”角色/, 'it keeps the 企业管理员 role');
    $r = $other_admin->post('/users/roles', [id => $sid, roles => $CLERK_ROLE]);
    is($r->{status}, 409, 'nobody changes their own roles (not even dropping one)');
    like(page_message($r->{text}) // '', qr/不能为本人分配角色/, 'with the reason');
    is(user_roles($sid), $ADMIN_ROLE, 'their roles unchanged');
    is(user_roles($ADMIN_ID), $ADMIN_ROLE, 'roles unchanged');
    $r = $other_admin->post('/users/password', {id => $ADMIN_ID, password => 'Take#Over2026'});
    is($r->{status}, 409, 'nor is its password reset by another administrator');
    like(page_message($r->{text}), qr/主管税务机关/, 'who does it instead');
    is($other_admin->get("/users/password?id=$ADMIN_ID")->{status}, 409, '(its 重置密码 page says so too)');
};

subtest '重置密码: new password forced to change, sessions ended' => sub {
    my $rl = "rst$TAG";
    my $rid = create_user($rl, like => 'clerk01');
    my $victim = login($rl, account('ent-clerk')->{password});
    my $r = $admin->get("/users/password?id=$rid");
    is($r->{status}, 200, 'GET /users/password 200');
    like($r->{text}, qr/<h1>重置密码<\/h1>/, 'title');
    like($r->{text}, qr/value="\Q$rl\E" readonly/, 'whose password');
    $r = $admin->post('/users/password', {id => $rid, password => 'short'});
    is($r->{status}, 200, 'a weak password: the form again');
    ok(field_error($r->{text}, 'password'), 'the policy next to the field');
    my $new = 'Reset#Pass7b';
    $r = $admin->post('/users/password', {id => $rid, password => $new});
    is($r->{status}, 303, 'reset');
    like($admin->follow($r)->{text}, qr/保存成功/, 'flash');
    is(db_value("SELECT must_change_password FROM app_user WHERE id = $rid"), 1, 'must change');
    is($victim->get('/users/')->{status}, 303, 'the open session ended');
    ($r) = try_login($rl, account('ent-clerk')->{password});
    like($r->{text}, qr/用户名或密码错误/, 'the old password no longer works');
    my $c;
    ($r, $c) = try_login($rl, $new);
    is($r->{location}, '/login/password', 'the new one works and forces 修改密码');
    is(audits($rid, 'password reset'), 1, 'audited');
    $r = $admin->post('/users/password', {id => $ADMIN_ID, password => $new});
    is($r->{status}, 409, 'one\'s own password is not reset here');
};

subtest '分配角色: the page, at least one role, stored' => sub {
    my $r = $admin->get("/users/roles?id=$id");
    is($r->{status}, 200, 'GET /users/roles 200');
    like($r->{text}, qr/<h1>分配角色<\/h1>/, 'title');
    is_deeply([checked_values($r->{text}, 'roles')], [$CLERK_ROLE], 'current role checked');
    like($r->{text}, qr/>提交<\/button>/, '提交');
    $r = $admin->post('/users/roles', [id => $id]);
    is(field_error($r->{text}, 'roles'), '请至少选择一个角色', 'none checked: refused');
    $r = $admin->post('/users/roles', [id => $id, roles => $TRADE_ROLE]);
    ok(field_error($r->{text}, 'roles'), 'another enterprise\'s role refused');
    $r = $admin->post('/users/roles', [id => $id, roles => $ADMIN_ROLE, roles => $CLERK_ROLE]);
    is($r->{status}, 303, 'saved');
    is(user_roles($id), join(',', sort { $a <=> $b } $ADMIN_ROLE, $CLERK_ROLE), 'stored');
    is(audits($id, 'roles %'), 1, 'audited');
};

subtest 'another enterprise\'s user id answers 404' => sub {
    my $other = login('ent-admin-trading');
    my $r = $other->get("/users/edit?id=$CLERK_ID");
    is($r->{status}, 404, 'edit page 404');
    unlike($r->{text}, qr/clerk01|王单证/, 'nothing of the user shown');
    is($other->get("/users/password?id=$CLERK_ID")->{status}, 404, '重置密码 page 404');
    is($other->get("/users/roles?id=$CLERK_ID")->{status}, 404, '分配角色 page 404');
    $r = save_user($other, id => $CLERK_ID, nickname => '偷改', user_type => 'operator', status => 'normal',
        phone => '13800000003', roles => [$TRADE_ROLE]);
    is($r->{status}, 404, 'save 404');
    is($other->post('/users/status', {id => $CLERK_ID, status => 'disabled'})->{status}, 404, '停用 404');
    is($other->post('/users/password', {id => $CLERK_ID, password => 'Steal#Pass1x'})->{status}, 404, 'reset 404');
    is($other->post('/users/roles', [id => $CLERK_ID, roles => $TRADE_ROLE])->{status}, 404, 'roles 404');
    is(db_value("SELECT CONCAT(nickname, '/', status) FROM app_user WHERE id = $CLERK_ID"), '王单证/normal', 'unchanged');
    is(user_roles($CLERK_ID), $CLERK_ROLE, 'roles unchanged');
    my %rows = map { $_->[1] => 1 } table_rows($other->get('/users/')->{text});
    ok(!$rows{clerk01}, 'not in the other enterprise\'s list');
    is(login('operator')->get("/users/edit?id=$CLERK_ID")->{status}, 404, 'nor the operator\'s');
};

subtest 'clerk01 (users, not users.edit) sees the list only' => sub {
    my $clerk = login('ent-clerk');
    my $r = $clerk->get('/users/');
    is($r->{status}, 200, 'the list 200');
    unlike($r->{text}, qr{href="/users/new"}, 'no 新增');
    unlike($r->{text}, qr{action="/users/status"|/users/password\?|/users/roles\?|/users/edit\?}, 'no row buttons');
    is($clerk->get('/users/new')->{status}, 403, '403 on the 新增 form');
    my $n = db_value('SELECT COUNT(*) FROM app_user');
    $r = save_user($clerk, nickname => "越权$TAG", login_name => "x$TAG");
    is($r->{status}, 403, '403 on POST /users/save');
    like($r->{text}, qr/没有使用此功能的权限/, 'the 403 page');
    is(db_value('SELECT COUNT(*) FROM app_user'), $n, 'nothing stored');
    is($clerk->post('/users/status', {id => $id, status => 'disabled'})->{status}, 403, '403 on 停用');
    is($clerk->get("/users/password?id=$id")->{status}, 403, '403 on 重置密码 (no users.resetpw)');
};

subtest 'typed markup and SQL are stored and shown literally' => sub {
    my $xss = '<script>alert(1)</script>';
    my $sql = "' OR 1=1 --";
    my $r = save_user($admin, nickname => $xss, login_name => "xss$TAG", remark => $sql);
    is($r->{status}, 303, 'saved');
    $r = save_user($admin, nickname => $sql, login_name => "sql$TAG", remark => $xss);
    is($r->{status}, 303, 'saved');
    $r = $admin->get("/users/?login_name=$TAG");
    unlike($r->{text}, qr/<script>alert\(1\)/, 'no live script tag in the list');
    like($r->{text}, qr/<td>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/td>/, 'the nickname escaped');
    like($r->{text}, qr/<td>&#39;? OR 1=1 --<\/td>|<td>' OR 1=1 --<\/td>/, 'the SQL nickname as typed');
    my %rows = map { $_->[1] => $_->[0] } table_rows($r->{text});
    is($rows{"xss$TAG"}, $xss, 'literally');
    is($rows{"sql$TAG"}, $sql, 'literally');
    my $xid = user_id("xss$TAG");
    is(db_value("SELECT CONCAT(nickname, '|', remark) FROM app_user WHERE id = $xid"), "$xss|$sql", 'stored as typed');
    $r = $admin->get("/users/edit?id=$xid");
    is(textarea_value($r->{text}, 'remark'), $sql, 'the remark as typed in the form');
    $r = $admin->get("/users/edit?id=" . user_id("sql$TAG"));
    unlike($r->{text}, qr/<script>alert/, 'no live script in the form');
    is(textarea_value($r->{text}, 'remark'), $xss, 'the remark escaped, shown literally');
    $r = $admin->get('/users/?login_name=' . "%27+OR+1%3D1+--");
    is(nrows($r->{text}), 1, 'a query of SQL text finds nothing');
    like($r->{text}, qr/没有符合条件的用户/, '(the empty row)');
};

subtest 'the query form and paging (20 a page)' => sub {
    my $p = "pg$TAG";
    create_user(sprintf('%s%02d', $p, $_), like => 'clerk01') for 1 .. 23;
    my $r = $admin->get("/users/?login_name=$p");
    is($r->{status}, 200, 'query 200');
    is(nrows($r->{text}), 20, '20 on the first page');
    like($r->{text}, qr/共 23 条，第 1 \/ 2 页/, 'the pager');
    like($r->{text}, qr{href="/users/\?login_name=\Q$p\E&amp;nickname=&amp;status=&amp;page=2"}, '下一页 keeps the query');
    $r = $admin->get("/users/?login_name=$p&page=2");
    is(nrows($r->{text}), 3, '3 on the second');
    is(input_value($r->{text}, 'login_name'), $p, 'the query stays in the form');
    db_do("UPDATE app_user SET status = 'disabled' WHERE login_name = '${p}05'");
    $r = $admin->get("/users/?login_name=$p&status=disabled");
    is_deeply([map { $_->[1] } table_rows($r->{text})], ["${p}05"], '状态 filter');
    $r = $admin->get("/users/?nickname=" . "%E7%8E%8B%E5%8D%95");
    is_deeply([map { $_->[1] } table_rows($r->{text})], ['clerk01'], '用户昵称 contains');
    is($admin->get('/users/?page=0')->{status}, 400, 'a bad page number 400');
    $r = $admin->get("/users/?login_name=$p");
    is((table_rows($r->{text}))[0][1], "${p}23", 'the newest first');
    db_do("DELETE FROM app_user WHERE login_name LIKE '$p%'");    # keep the list short for others
};

subtest 'the operator manages the portal staff' => sub {
    my $ops = login('operator');
    my $r = $ops->get('/users/');
    my %rows = map { $_->[1] => 1 } table_rows($r->{text});
    ok($rows{ops01} && $rows{tax01} && $rows{customs01}, 'staff listed');
    ok(!$rows{clerk01} && !$rows{5101940001}, 'no enterprise users');
    $r = $ops->get('/users/new');
    like($r->{text}, qr/value="门户运维" readonly/, '归属企业: 门户运维');
    like($r->{text}, qr/<select id="f-scope" name="scope"/, '人员类别 to choose');
    like($r->{text}, qr/<select id="f-tax_bureau_code"/, '主管税务局 select');
    like($r->{text}, qr/<select id="f-customs_district_code"/, '关区 select');
    my $tax_role = db_value("SELECT id FROM role WHERE ent_id IS NULL AND scope = 'tax' AND is_admin = 1");
    my $cus_role = db_value("SELECT id FROM role WHERE ent_id IS NULL AND scope = 'customs' AND is_admin = 1");
    my %f = (nickname => "税务$TAG", user_type => 'officer', scope => 'tax', login_name => "tx$TAG",
        password => 'Staff#Pass2026', roles => [$tax_role]);
    $r = save_user($ops, %f);
    is(field_error($r->{text}, 'tax_bureau_code'), '税务人员须选择主管税务局', 'a tax officer needs a 主管税务局');
    $r = save_user($ops, %f, tax_bureau_code => '15101000000', password => 'Short#1a');
    ok(field_error($r->{text}, 'password'), 'staff passwords are longer (12)');
    $r = save_user($ops, %f, tax_bureau_code => '15101000000', roles => [$cus_role]);
    ok(field_error($r->{text}, 'roles'), 'a customs role for a tax officer refused');
    $r = save_user($ops, %f, tax_bureau_code => '15101000000', roles => [$CLERK_ROLE]);
    ok(field_error($r->{text}, 'roles'), 'an enterprise role refused');
    $r = save_user($ops, %f, tax_bureau_code => '15101000000');
    is($r->{status}, 303, 'a tax officer created');
    my $tid = user_id("tx$TAG");
    is(db_value("SELECT CONCAT(scope, '/', IFNULL(ent_id, 'NULL'), '/', tax_bureau_code, '/', IFNULL(customs_district_code, 'NULL')) FROM app_user WHERE id = $tid"),
        'tax/NULL/15101000000/NULL', 'a tax officer of the bureau');
    is(user_roles($tid), $tax_role, 'with the tax role');
    $r = save_user($ops, nickname => 'x', user_type => 'officer', login_name => "ns$TAG",
        password => 'Staff#Pass2026', roles => [$tax_role]);
    is(field_error($r->{text}, 'scope'), '请选择人员类别', '人员类别 required');
    $r = $admin->get("/users/edit?id=$tid");
    is($r->{status}, 404, 'an enterprise admin cannot open a staff account');
};

done_testing;
