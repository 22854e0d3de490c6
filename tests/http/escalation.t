#!/usr/bin/perl
# tests/http/escalation.t — no privilege escalation through 用户管理 or
# 角色管理: nobody changes their own roles; a role is given or taken only by
# someone holding every 菜单权限 of it; a 菜单权限 is granted to a role or
# taken from it only by someone holding it; nobody changes the 菜单权限 of
# a role they hold; a password is reset only by someone holding every
# 菜单权限 of its user.  The forms grey out what may not be changed and a
# request that tries anyway is refused (409) with the reason, nothing stored.
#
# The actors are fresh users of the production enterprise with custom roles
# made here (per-run tag), so the demo accounts are not changed.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :html);

my $TAG = sprintf 'E%x%x', $$, time % 65536;
my $PW = account('ent-clerk')->{password};
my $PROD = db_value("SELECT id FROM enterprise WHERE customs_code = '5101940001'");
my $ADMIN_ROLE = db_value("SELECT id FROM role WHERE ent_id = $PROD AND is_admin = 1");
my $CLERK_ROLE = db_value("SELECT id FROM role WHERE ent_id = $PROD AND name = '单证录入员'");

# A custom role of the production enterprise with these codes.
sub make_role {
    my ($name, @perms) = @_;
    db_do("INSERT INTO role (scope, ent_id, name) VALUES ('enterprise', $PROD, " . sql_str($name) . ')');
    my $id = db_value("SELECT id FROM role WHERE ent_id = $PROD AND name = " . sql_str($name));
    db_do("INSERT INTO role_perm (role_id, perm) VALUES ($id, " . sql_str($_) . ')') for @perms;
    return $id;
}

# A user of the production enterprise (clerk01's password) with exactly these roles.
sub make_user {
    my ($login, @roles) = @_;
    my $id = create_user($login, like => 'clerk01');
    db_do("DELETE FROM user_role WHERE user_id = $id");
    db_do("INSERT INTO user_role (user_id, role_id) VALUES ($id, $_)") for @roles;
    return $id;
}

sub user_roles {
    my ($id) = @_;
    return join ',', map { $_->[0] } db("SELECT role_id FROM user_role WHERE user_id = $id ORDER BY role_id");
}

sub role_perms {
    my ($id) = @_;
    return join ',', map { $_->[0] } db("SELECT perm FROM role_perm WHERE role_id = $id ORDER BY perm");
}

sub ids { join ',', sort { $a <=> $b } @_ }

# ---------------------------------------------------------------- 用户管理

my $UM = make_role("用户管理员$TAG", qw(workbench users users.edit users.resetpw));
my $um_id = make_user("um$TAG", $UM);
my $victim = make_user("vi$TAG", $CLERK_ROLE);
my $admin2 = make_user("ad$TAG", $ADMIN_ROLE);
my $um = login("um$TAG", $PW);

subtest '分配角色 on oneself is refused' => sub {
    my $r = $um->get("/users/roles?id=$um_id");
    is($r->{status}, 409, 'the page refuses');
    like(page_message($r->{text}), qr/不能为本人分配角色/, 'with the reason');
    like($r->{text}, qr{<a href="/users/">返回用户管理</a>}, 'and the way back');
    $r = $um->post('/users/roles', [id => $um_id, roles => $UM, roles => $ADMIN_ROLE]);
    is($r->{status}, 409, 'granting oneself 企业管理员 refused');
    like(page_message($r->{text}), qr/不能为本人分配角色/, 'with the reason');
    is(user_roles($um_id), $UM, 'roles unchanged');
};

subtest '修改 of oneself: the roles are fixed' => sub {
    my $r = $um->get("/users/edit?id=$um_id");
    is($r->{status}, 200, 'the form opens');
    like($r->{text}, qr/<input type="hidden" name="roles" value="$UM">/, 'its role posted as it stands');
    like($r->{text}, qr/name="roles" value="$ADMIN_ROLE" disabled/, 'other roles greyed out');
    like($r->{text}, qr/不能修改本人的角色/, 'the form says why');
    my %f = (id => $um_id, nickname => "改名$TAG", user_type => 'operator', status => 'normal',
        phone => '13800000003');
    $r = $um->post('/users/save', [%f, roles => $UM, roles => $ADMIN_ROLE]);
    is($r->{status}, 409, 'adding 企业管理员 through 修改 refused');
    like(page_message($r->{text}), qr/不能为本人分配角色/, 'with the reason');
    is(user_roles($um_id), $UM, 'roles unchanged');
    isnt(db_value("SELECT nickname FROM app_user WHERE id = $um_id"), "改名$TAG", 'nothing else stored');
    $r = $um->post('/users/save', [%f, roles => $UM]);
    is($r->{status}, 303, 'the rest of one\'s own account may change');
    is(db_value("SELECT nickname FROM app_user WHERE id = $um_id"), "改名$TAG", 'stored');
};

subtest 'a role with a 菜单权限 one lacks is not given to anyone' => sub {
    my $r = $um->post('/users/roles', [id => $victim, roles => $ADMIN_ROLE]);
    is($r->{status}, 409, '企业管理员 to another user refused');
    like(page_message($r->{text}), qr/不能分配或取消角色“企业管理员”：该角色含有您本人不具备的菜单权限“[^”]+”/,
        'with the reason');
    is(user_roles($victim), $CLERK_ROLE, 'roles unchanged');
    my $n = db_value('SELECT COUNT(*) FROM app_user');
    $r = $um->post('/users/save', [nickname => "新$TAG", user_type => 'admin', status => 'normal',
        login_name => "nw$TAG", password => 'Init#Pass9a', phone => '13912345678', roles => $ADMIN_ROLE]);
    is($r->{status}, 409, 'a new user with 企业管理员 refused');
    is(db_value('SELECT COUNT(*) FROM app_user'), $n, 'nothing stored');
    $r = $um->get("/users/roles?id=$victim");
    is($r->{status}, 200, 'the 分配角色 page of another user');
    like($r->{text}, qr/name="roles" value="$ADMIN_ROLE" disabled> 企业管理员（无权分配）/,
        '企业管理员 greyed out, saying why');
    like($r->{text}, qr/name="roles" value="$CLERK_ROLE" checked>/, 'a role one could give is open');
    $r = $um->post('/users/roles', [id => $victim, roles => $CLERK_ROLE, roles => $UM]);
    is($r->{status}, 303, 'roles within one\'s own 菜单权限 are given');
    is(user_roles($victim), ids($CLERK_ROLE, $UM), 'stored');
};

subtest '... nor taken from anyone' => sub {
    my $r = $um->get("/users/roles?id=$admin2");
    like($r->{text}, qr/<input type="hidden" name="roles" value="$ADMIN_ROLE">/,
        'a held role one could not give is posted as it stands');
    like($r->{text}, qr/name="roles" value="$ADMIN_ROLE" checked disabled>/, 'greyed out');
    $r = $um->post('/users/roles', [id => $admin2, roles => $CLERK_ROLE]);
    is($r->{status}, 409, 'taking 企业管理员 away refused');
    like(page_message($r->{text}), qr/不能分配或取消角色“企业管理员”/, 'with the reason');
    is(user_roles($admin2), $ADMIN_ROLE, 'roles unchanged');
    $r = $um->post('/users/roles', [id => $admin2, roles => $ADMIN_ROLE, roles => $CLERK_ROLE]);
    is($r->{status}, 303, 'keeping it while giving another role is fine');
    is(user_roles($admin2), ids($ADMIN_ROLE, $CLERK_ROLE), 'stored');
};

subtest '重置密码 only of a user whose 菜单权限 one holds' => sub {
    my $r = $um->get("/users/password?id=$admin2");
    is($r->{status}, 409, 'the page of a stronger user refuses');
    like(page_message($r->{text}), qr/不能重置该用户的密码：该用户具有您本人不具备的菜单权限/, 'with the reason');
    my $hash = db_value("SELECT password_hash FROM app_user WHERE id = $admin2");
    $r = $um->post('/users/password', {id => $admin2, password => 'Take#Over2026'});
    is($r->{status}, 409, 'the reset refused');
    is(db_value("SELECT password_hash FROM app_user WHERE id = $admin2"), $hash, 'password unchanged');
    $r = $um->post('/users/password', {id => $victim, password => 'Reset#Pass7b'});
    is($r->{status}, 303, 'a user within one\'s own 菜单权限 is reset');
};

subtest '停用 / 启用 only of a user whose 菜单权限 one holds' => sub {
    $um->get('/users/');
    my $r = $um->post('/users/status', {id => $admin2, status => 'disabled'});
    is($r->{status}, 409, 'a stronger user is not switched off');
    like(page_message($r->{text}), qr/不能停用或启用该用户：该用户具有您本人不具备的菜单权限/, 'with the reason');
    is(db_value("SELECT status FROM app_user WHERE id = $admin2"), 'normal', 'still normal');
    $r = $um->post('/users/status', {id => $victim, status => 'disabled'});
    is($r->{status}, 303, 'a user within one\'s own 菜单权限 is switched off');
    is(db_value("SELECT status FROM app_user WHERE id = $victim"), 'disabled', 'now disabled');
    $um->post('/users/status', {id => $victim, status => 'normal'});
};

# ---------------------------------------------------------------- 角色管理

my $RM = make_role("角色管理员$TAG", qw(workbench roles roles.edit));
my $rm_id = make_user("rm$TAG", $RM);
my $SCRATCH = make_role("草稿$TAG", qw(workbench users));
my $rm = login("rm$TAG", $PW);

sub save_role {
    my ($c, %f) = @_;
    my @pairs;
    for my $k (qw(id name status remark)) {
        push @pairs, $k => $f{$k} if defined $f{$k};
    }
    push @pairs, perms => $_ for @{ $f{perms} || [] };
    return $c->post('/roles/save', \@pairs);
}

subtest 'a 菜单权限 one lacks is not granted to a new role' => sub {
    my $r = $rm->get('/roles/new');
    like($r->{text}, qr/name="perms" value="users\.edit" disabled/, 'codes one lacks greyed out');
    like($r->{text}, qr/name="perms" value="roles" >|name="perms" value="roles">/, 'codes one holds open');
    like($r->{text}, qr/灰色的菜单权限您本人不具备/, 'the form says why');
    $r = save_role($rm, name => "越权$TAG", status => 'normal', perms => [qw(workbench users.edit)]);
    is($r->{status}, 409, 'users.edit refused');
    like(page_message($r->{text}), qr/不能授予或取消您本人不具备的菜单权限“新增\/修改\/停用用户、分配角色”/,
        'with the reason');
    like($r->{text}, qr{<a href="/roles/">返回角色管理</a>}, 'and the way back');
    is(db_value("SELECT COUNT(*) FROM role WHERE name = " . sql_str("越权$TAG")), 0, 'nothing stored');
    $r = save_role($rm, name => "可以$TAG", status => 'normal', perms => [qw(workbench roles)]);
    is($r->{status}, 303, 'codes one holds are granted');
    my $id = db_value("SELECT id FROM role WHERE ent_id = $PROD AND name = " . sql_str("可以$TAG"));
    is(role_perms($id), 'roles,workbench', 'stored');
};

subtest '... nor granted to or taken from an existing one' => sub {
    my $r = $rm->get("/roles/edit?id=$SCRATCH");
    like($r->{text}, qr/<input type="hidden" name="perms" value="users">/, 'a code one lacks is posted as it stands');
    $r = save_role($rm, id => $SCRATCH, name => "草稿$TAG", status => 'normal', perms => [qw(workbench users users.edit)]);
    is($r->{status}, 409, 'adding users.edit refused');
    $r = save_role($rm, id => $SCRATCH, name => "草稿$TAG", status => 'normal', perms => ['workbench']);
    is($r->{status}, 409, 'taking users away refused');
    like(page_message($r->{text}), qr/“用户管理”/, 'naming it');
    is(role_perms($SCRATCH), 'users,workbench', 'unchanged');
    $r = save_role($rm, id => $SCRATCH, name => "草稿二$TAG", status => 'normal', perms => [qw(workbench users)]);
    is($r->{status}, 303, 'the rest of the role may change');
    is(db_value("SELECT name FROM role WHERE id = $SCRATCH"), "草稿二$TAG", 'stored');
    is(role_perms($SCRATCH), 'users,workbench', '菜单权限 as they were');
};

subtest 'nobody changes the 菜单权限 of a role they hold' => sub {
    my $r = $rm->get("/roles/edit?id=$RM");
    like($r->{text}, qr/您本人持有此角色，不能修改其菜单权限/, 'the form says so');
    like($r->{text}, qr/name="perms" value="roles" checked disabled/, 'its 菜单权限 greyed out');
    $r = save_role($rm, id => $RM, name => "角色管理员$TAG", status => 'normal', perms => [qw(workbench roles)]);
    is($r->{status}, 409, 'dropping one refused');
    like(page_message($r->{text}), qr/不能修改您本人所持角色的菜单权限/, 'with the reason');
    is(role_perms($RM), 'roles,roles.edit,workbench', 'unchanged');
    $r = save_role($rm, id => $RM, name => "角色管理员$TAG", status => 'normal', remark => '改备注',
        perms => [qw(workbench roles roles.edit)]);
    is($r->{status}, 303, 'its other fields may change');
};

subtest 'the 企业管理员 role\'s form stays as it was for someone holding less' => sub {
    my $r = $rm->get("/roles/edit?id=$ADMIN_ROLE");
    is($r->{status}, 200, 'the form opens');
    like($r->{text}, qr/name="perms" value="users" checked disabled/, '菜单权限 shown, disabled');
    unlike($r->{text}, qr/type="hidden" name="perms"/, 'none posted (only its 备注 may change)');
};

subtest 'the enterprise administrator still grants everything' => sub {
    my $admin = login('ent-admin-production');
    my $r = save_role($admin, id => $SCRATCH, name => "草稿二$TAG", status => 'normal',
        perms => [qw(workbench users users.edit)]);
    is($r->{status}, 303, 'saved');
    is(role_perms($SCRATCH), 'users,users.edit,workbench', 'stored');
    $r = $admin->post('/users/roles', [id => $victim, roles => $ADMIN_ROLE]);
    is($r->{status}, 303, '企业管理员 given by the administrator');
    is(user_roles($victim), $ADMIN_ROLE, 'stored');
};

done_testing;
