#!/usr/bin/perl
# tests/http/doctypes.t — 备案单证种类 (000 §2.5.2): the list of the kinds
# that apply to the enterprise (the default kinds of its type, then its
# own), the default kinds locked (no buttons; a POST 修改 / 删除 refused
# with the manual's words), 新增 / 修改 / 删除 of the enterprise's own kinds,
# names unique and not a default kind's, nothing typed lost on an error,
# a kind with documents not deleted, enterprise isolation (another
# enterprise's kind id → 404), permissions, escaping, and the audit rows.
#
# Runs against a stack started with TS_MODE=test (scripts/check.sh sets
# TS_BASE_URL and TS_VAR).  Kind names carry a per-run tag, so the file
# can run again on the same stack.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :html);

my $TAG = sprintf 'K%x%x', $$, time % 65536;
my $PROD = db_value("SELECT id FROM enterprise WHERE customs_code = '5101940001'");
my $TRADE = db_value("SELECT id FROM enterprise WHERE customs_code = '5101960002'");
my $LOCKED = '系统默认的单证种类不可被修改或删除';

my $admin = login('ent-admin-production');

sub default_id {
    my ($name) = @_;
    return db_value('SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = ' . sql_str($name));
}

sub kind_id {
    my ($name, $ent) = @_;
    return db_value("SELECT id FROM doc_kind WHERE ent_id = $ent AND name = " . sql_str($name));
}

# POST the kind form; fields default to a valid new kind.
sub save_kind {
    my ($c, %f) = @_;
    my %form = (category => 'other', required => '0', status => 'normal', description => '', %f);
    delete $form{$_} for grep { !defined $form{$_} } keys %form;
    return $c->post('/doctypes/save', \%form);
}

sub audit_rows {
    my ($id, $like) = @_;
    return db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'doc_kind' AND object_id = '$id'"
          . ($like ? ' AND detail LIKE ' . sql_str($like) : ''));
}

# The list's row of a kind, by name.
sub row_of {
    my ($html, $name) = @_;
    my ($row) = grep { $_->[0] eq $name } table_rows($html);
    return $row;
}

subtest 'the list: columns, the default kinds of the enterprise type, locked' => sub {
    my $r = $admin->get('/doctypes/');
    is($r->{status}, 200, 'GET /doctypes/ 200');
    like($r->{text}, qr/<h1>备案单证种类<\/h1>/, 'title');
    like($r->{text}, qr/<th>$_<\/th>/, "column $_") for qw(单证种类名称 类别 说明 是否必须 来源 状态 操作);
    my @rows = table_rows($r->{text});
    my %names = map { $_->[0] => $_ } @rows;
    for my $n (qw(出口合同 外贸综合服务合同 收购非自产货物的购货合同 出口货物运输单据 国内运输发票
                  国际货物运输代理服务费发票 委托报关协议 代理报关服务费发票)) {
        ok($names{$n}, "default kind $n listed");
    }
    ok(!$names{'外贸企业购货合同'}, 'a 生产企业 does not see the 外贸企业 kind 外贸企业购货合同');
    is_deeply($names{'出口合同'}, ['出口合同', '购销合同', '与境外客户签订的出口合同', '是', '系统默认', '正常', ''],
        '出口合同: 类别, 说明, 是否必须, 来源, 状态, and no buttons');
    is($names{'委托报关协议'}[1], '委托报关的单据', '类别 委托报关的单据');
    is_deeply($names{'委托出口协议'}, ['委托出口协议', '购销合同', '委托出口的，与受托方签订的委托出口协议', '否', '系统默认', '正常', ''],
        '委托出口协议 (migration 013): a locked 购销合同, not required (only some exports are 委托出口)');
    is($names{'国内运输发票'}[1], '出口货物的运输单据', '类别 出口货物的运输单据');
    is($names{'国内运输发票'}[3], '否', '是否必须 否');
    ok(!(grep { $_->[4] eq '系统默认' && $_->[6] ne '' } @rows), 'no default kind has 修改 / 删除');
    my $id = default_id('出口合同');
    unlike($r->{text}, qr{/doctypes/edit\?id=$id"}, 'no 修改 link for a default kind');
    like($r->{text}, qr{href="/doctypes/new"}, '新增 offered');
    like($r->{text}, qr/企业只能修改或者删除自定义的单证种类，$LOCKED/, 'the manual\'s rule shown');
    like($r->{text}, qr/2026-01-01 起申报的，保存 10 年/, 'retention: 10 years since 2026-01-01');
    like($r->{text}, qr/保存 5 年/, 'retention: 5 years before');
};

subtest 'the 外贸企业 sees its own default kinds' => sub {
    my $t = login('ent-admin-trading');
    my $r = $t->get('/doctypes/');
    is($r->{status}, 200, 'GET /doctypes/ 200');
    my %names = map { $_->[0] => 1 } table_rows($r->{text});
    ok($names{'外贸企业购货合同'}, '外贸企业购货合同 listed');
    ok($names{'委托出口协议'}, '委托出口协议 listed for the 外贸企业 too');
    ok(!$names{'收购非自产货物的购货合同'}, 'the 生产企业 kind is not');
};

subtest 'the type filed in 电子化管理备案 decides the default kinds' => sub {
    my $had = db_value("SELECT COUNT(*) FROM efiling WHERE ent_id = $PROD");
    plan skip_all => 'the production enterprise has filed already' if $had;
    my $user = db_value("SELECT id FROM app_user WHERE login_name = '5101940001'");
    db_do("INSERT INTO efiling (ent_id, ent_type, tax_bureau_code, created_by)"
          . " SELECT id, 'trading', tax_bureau_code, $user FROM enterprise WHERE id = $PROD");
    my $r = $admin->get('/doctypes/');
    my %names = map { $_->[0] => 1 } table_rows($r->{text});
    db_do("DELETE FROM efiling WHERE ent_id = $PROD");
    ok($names{'外贸企业购货合同'}, 'filed as 外贸企业: 外贸企业购货合同 listed');
    ok(!$names{'收购非自产货物的购货合同'}, 'and the 生产企业 kind is not');
};

subtest 'default kinds: 修改 and 删除 refused with the manual\'s words' => sub {
    my $id = default_id('出口合同');
    my $before = db_value("SELECT CONCAT(name, '|', category, '|', required) FROM doc_kind WHERE id = $id");
    my $r = $admin->get("/doctypes/edit?id=$id");
    is($r->{status}, 409, 'GET edit of a default kind: 409');
    like(page_message($r->{text}), qr/$LOCKED/, 'the reason');
    $r = save_kind($admin, id => $id, name => "改名$TAG", category => 'other');
    is($r->{status}, 409, 'POST save of a default kind: 409');
    like(page_message($r->{text}), qr/“出口合同”是系统默认的单证种类。.*$LOCKED/, 'the reason names the kind');
    $r = $admin->post('/doctypes/delete', {id => $id});
    is($r->{status}, 409, 'POST delete of a default kind: 409');
    like(page_message($r->{text}), qr/$LOCKED/, 'the reason');
    is(db_value("SELECT CONCAT(name, '|', category, '|', required) FROM doc_kind WHERE id = $id"), $before,
        'the default kind is unchanged');
    # A default kind of the other type is as locked.
    my $other = default_id('外贸企业购货合同');
    $r = $admin->post('/doctypes/delete', {id => $other});
    is($r->{status}, 409, 'a default kind of the other type: 409 too');
    ok(default_id('外贸企业购货合同'), 'still there');
};

subtest '新增 form: 添加备案单证种类' => sub {
    my $r = $admin->get('/doctypes/new');
    is($r->{status}, 200, 'GET /doctypes/new 200');
    like($r->{text}, qr/<h1>添加备案单证种类<\/h1>/, 'title');
    like($r->{text}, qr/<span class="req">\*<\/span>单证种类名称/, '*单证种类名称');
    like($r->{text}, qr/<span class="req">\*<\/span>类别/, '*类别');
    like($r->{text}, qr/<option value="$_->[0]">$_->[1]<\/option>/, "类别 $_->[1]")
      for [contract => '购销合同'], [transport => '出口货物的运输单据'],
          [customs_agency => '委托报关的单据'], [other => '其他'];
    like($r->{text}, qr/是否必须/, '是否必须');
    is_deeply([checked_values($r->{text}, 'required')], ['0'], '是否必须 defaults to 否');
    like($r->{text}, qr/<textarea[^>]*name="description"/, '说明');
    like($r->{text}, qr/<button type="submit" class="primary">保存<\/button>/, '保存');
};

my $name = "装箱单$TAG";
my $id;

subtest '新增 a custom kind: listed with its buttons, stored, audited' => sub {
    my $r = save_kind($admin, name => $name, category => 'transport', required => '1',
        description => '装箱单或包装清单');
    is($r->{status}, 303, 'saved: 303');
    is($r->{location}, '/doctypes/', 'back to the list');
    $id = kind_id($name, $PROD);
    ok($id, 'stored for the enterprise');
    is(db_value("SELECT CONCAT(category, '|', required, '|', locked, '|', status, '|', description) FROM doc_kind WHERE id = $id"),
        'transport|1|0|normal|装箱单或包装清单', 'values stored');
    $r = $admin->follow($r);
    like($r->{text}, qr/保存成功/, 'flash');
    is_deeply(row_of($r->{text}, $name), [$name, '出口货物的运输单据', '装箱单或包装清单', '是', '自定义', '正常', '修改 删除'],
        'listed as 自定义 with 修改 and 删除');
    my @rows = table_rows($r->{text});
    is($rows[-1][4], '自定义', 'own kinds after the default ones');
    is(audit_rows($id, 'create%'), 1, 'audited');
};

subtest 'names: unique, not a default kind\'s; the form keeps what was typed' => sub {
    my $r = save_kind($admin, name => '出口合同', category => 'contract', required => '1', description => "说明$TAG");
    is($r->{status}, 200, 'a default kind\'s name: the form again');
    like(field_error($r->{text}, 'name'), qr/系统默认的单证种类/, 'error next to 单证种类名称');
    is(input_value($r->{text}, 'name'), '出口合同', 'name kept');
    is(selected_value($r->{text}, 'category'), 'contract', '类别 kept');
    is_deeply([checked_values($r->{text}, 'required')], ['1'], '是否必须 kept');
    is(textarea_value($r->{text}, 'description'), "说明$TAG", '说明 kept');
    is(db_value("SELECT COUNT(*) FROM doc_kind WHERE ent_id = $PROD AND name = '出口合同'"), 0, 'nothing stored');

    $r = save_kind($admin, name => $name, category => 'contract', description => "另一个$TAG");
    is($r->{status}, 200, 'a duplicate of an own kind: the form again');
    is(field_error($r->{text}, 'name'), '单证种类名称已存在', '单证种类名称已存在');
    is(input_value($r->{text}, 'name'), $name, 'name kept');
    is(textarea_value($r->{text}, 'description'), "另一个$TAG", '说明 kept');
    is(db_value("SELECT COUNT(*) FROM doc_kind WHERE ent_id = $PROD AND name = " . sql_str($name)), 1, 'still one');

    $r = save_kind($admin, name => '', category => '', description => "空$TAG");
    is($r->{status}, 200, 'empty required fields: the form again');
    is(field_error($r->{text}, 'name'), '请填写单证种类名称', '请填写单证种类名称');
    ok(field_error($r->{text}, 'category'), '类别 error');
    is(textarea_value($r->{text}, 'description'), "空$TAG", '说明 kept');

    $r = save_kind($admin, name => 'x' x 51);
    is($r->{status}, 200, 'a name over 50 characters: the form again');
    ok(field_error($r->{text}, 'name'), 'error next to the name');

    # Another enterprise may use the same name.
    my $t = login('ent-admin-trading');
    $t->get('/doctypes/new');
    $r = save_kind($t, name => $name);
    is($r->{status}, 303, 'the same name in another enterprise: saved');
    ok(kind_id($name, $TRADE), 'stored for that enterprise');
};

subtest '修改 a custom kind' => sub {
    my $r = $admin->get("/doctypes/edit?id=$id");
    is($r->{status}, 200, 'GET edit 200');
    like($r->{text}, qr/<h1>修改备案单证种类<\/h1>/, 'title');
    is(input_value($r->{text}, 'name'), $name, 'name filled');
    is(selected_value($r->{text}, 'category'), 'transport', '类别 filled');
    is(textarea_value($r->{text}, 'description'), '装箱单或包装清单', '说明 filled');
    is(input_value($r->{text}, 'id'), $id, 'id posted with the form');
    my $new = "包装清单$TAG";
    $r = save_kind($admin, id => $id, name => $new, category => 'other', required => '0',
        status => 'disabled', description => '');
    is($r->{status}, 303, 'saved');
    is(db_value("SELECT CONCAT(name, '|', category, '|', required, '|', status, '|', IFNULL(description, 'NULL')) FROM doc_kind WHERE id = $id"),
        "$new|other|0|disabled|NULL", 'stored');
    $r = $admin->get('/doctypes/');
    is(row_of($r->{text}, $new)->[5], '停用', '状态 停用 listed');
    is(audit_rows($id, 'update%'), 1, 'audited');
    # The kind's own name is no duplicate of itself.
    $r = save_kind($admin, id => $id, name => $new, status => 'normal');
    is($r->{status}, 303, 'saved again under its own name');
    $name = $new;
};

subtest 'another enterprise\'s kind id answers 404' => sub {
    my $theirs = kind_id($name =~ s/包装清单/装箱单/r, $TRADE);
    ok($theirs, 'the other enterprise has a kind');
    my $r = $admin->get("/doctypes/edit?id=$theirs");
    is($r->{status}, 404, 'edit page 404');
    $r = save_kind($admin, id => $theirs, name => "偷改$TAG");
    is($r->{status}, 404, 'save 404');
    $r = $admin->post('/doctypes/delete', {id => $theirs});
    is($r->{status}, 404, 'delete 404');
    ok(kind_id($name =~ s/包装清单/装箱单/r, $TRADE), 'their kind untouched');
    $r = $admin->get('/doctypes/edit?id=999999999');
    is($r->{status}, 404, 'a missing id 404');
    $r = $admin->get('/doctypes/');
    ok(!row_of($r->{text}, $name =~ s/包装清单/装箱单/r), 'their kind is not in our list');
    # Their own admin may delete it (and the file leaves nothing behind).
    my $t = login('ent-admin-trading');
    $t->get('/doctypes/');
    is($t->post('/doctypes/delete', {id => $theirs})->{status}, 303, 'deleted by its own enterprise');
};

subtest 'a kind with documents filed under it is not deleted' => sub {
    my $has = db_value("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
          . " AND table_name = 'prearchive_file'");
    plan skip_all => 'no document table (prearchive_file) in this schema' unless $has;
    my $user = db_value("SELECT id FROM app_user WHERE login_name = '5101940001'");
    my $sha = sha256_hex("doctypes-$TAG");
    db_do("INSERT INTO stored_file (sha256, size, kind) VALUES ('$sha', 1, 'pdf')");
    db_do("INSERT INTO prearchive_item (ent_id, contract_no, tracking_no, created_by)"
          . " VALUES ($PROD, 'HT$TAG', 'GZ$TAG', $user)");
    my $item = db_value("SELECT id FROM prearchive_item WHERE ent_id = $PROD AND tracking_no = 'GZ$TAG'");
    db_do("INSERT INTO prearchive_file (ent_id, item_id, doc_kind_id, sha256, file_name, size, kind, uploaded_by)"
          . " VALUES ($PROD, $item, $id, '$sha', 'a.pdf', 1, 'pdf', $user)");
    my $r = $admin->post('/doctypes/delete', {id => $id});
    is($r->{status}, 409, 'refused: 409');
    like(page_message($r->{text}), qr/已有 1 份备案单证，不能删除/, 'the reason with the count');
    ok(kind_id($name, $PROD), 'still there');
    db_do("DELETE FROM prearchive_file WHERE item_id = $item");
    db_do("DELETE FROM prearchive_item WHERE id = $item");
    db_do("DELETE FROM stored_file WHERE sha256 = '$sha'");
};

subtest '删除 a custom kind' => sub {
    $admin->get('/doctypes/');
    my $r = $admin->post('/doctypes/delete', {id => $id});
    is($r->{status}, 303, 'deleted: 303');
    ok(!kind_id($name, $PROD), 'gone');
    is(audit_rows($id, 'delete%'), 1, 'audited');
    $r = $admin->follow($r);
    like($r->{text}, qr/删除成功/, 'flash');
    $r = $admin->post('/doctypes/delete', {id => $id});
    is($r->{status}, 404, 'deleting it again: 404');
};

subtest 'names are shown as typed (escaped), never as markup' => sub {
    my $evil = "<script>alert(1)</script>$TAG";
    my $r = save_kind($admin, name => $evil, description => '<b>粗</b>');
    is($r->{status}, 303, 'saved');
    $r = $admin->get('/doctypes/');
    like($r->{text}, qr/&lt;script&gt;alert\(1\)&lt;\/script&gt;\Q$TAG\E/, 'the name escaped');
    unlike($r->{text}, qr/<script>alert/, 'no markup');
    like($r->{text}, qr/&lt;b&gt;粗&lt;\/b&gt;/, 'the 说明 escaped');
    my $eid = kind_id($evil, $PROD);
    $r = $admin->post('/doctypes/delete', {id => $eid});
    is($r->{status}, 303, 'cleaned up');
};

subtest 'permissions: doctypes to see, doctypes.edit to change' => sub {
    my $clerk = login('ent-clerk');
    my $r = $clerk->get('/doctypes/');
    is($r->{status}, 403, 'a clerk without 备案单证种类: 403');
    # A user of its own with a role holding only 工作台 and 备案单证种类
    # (the demo clerk's role is left alone: other files check its menus).
    db_do("INSERT INTO role (scope, ent_id, name) VALUES ('enterprise', $PROD, '查看单证种类$TAG')");
    my $role = db_value("SELECT id FROM role WHERE ent_id = $PROD AND name = '查看单证种类$TAG'");
    db_do("INSERT INTO role_perm (role_id, perm) VALUES ($role, 'workbench'), ($role, 'doctypes')");
    my $login = lc "dt$TAG";
    my $uid = create_user($login, like => 'clerk01', must_change => 0);
    db_do("DELETE FROM user_role WHERE user_id = $uid");
    db_do("INSERT INTO user_role (user_id, role_id) VALUES ($uid, $role)");
    my $viewer = login($login, account('ent-clerk')->{password});
    $r = $viewer->get('/doctypes/');
    is($r->{status}, 200, 'with doctypes: the list');
    unlike($r->{text}, qr{href="/doctypes/new"}, 'no 新增 without doctypes.edit');
    like($r->{text}, qr{<a href="/doctypes/">备案单证种类</a>}, 'in the menu');
    $r = $viewer->get('/doctypes/new');
    is($r->{status}, 403, 'the form: 403');
    $r = save_kind($viewer, name => "越权$TAG");
    is($r->{status}, 403, 'save: 403');
    ok(!kind_id("越权$TAG", $PROD), 'nothing stored');
    for my $who (qw(operator tax-officer)) {
        my $c = login($who);
        is($c->get('/doctypes/')->{status}, 403, "$who: 403 (an enterprise function)");
    }
};

subtest 'every POST needs the CSRF token' => sub {
    my $r = $admin->post('/doctypes/save', {name => "无令牌$TAG", category => 'other', required => '0',
        status => 'normal'}, {no_csrf => 1});
    is($r->{status}, 403, 'save without _csrf: 403');
    ok(!kind_id("无令牌$TAG", $PROD), 'nothing stored');
};

subtest '状态 of a dated kind: where today stands, and its dates' => sub {
    # Kinds with effective dates apply by each declaration's date
    # (docs/filing.md); the list says so and shows the dates.  Removed after.
    my %k = ("未来$TAG" => ["'2099-01-01'", 'NULL', 'normal'], "过去$TAG" => ['NULL', "'2025-12-31'", 'normal'],
             "现行$TAG" => ["'2026-07-01'", 'NULL', 'normal'], "区间$TAG" => ["'2020-01-01'", "'2098-12-31'", 'normal'],
             "停用$TAG" => ["'2099-01-01'", 'NULL', 'disabled']);
    for my $n (sort keys %k) {
        db_do("INSERT INTO doc_kind (ent_id, category, name, effective_from, effective_to, status) VALUES"
            . " ($PROD, 'other', " . sql_str($n) . ", $k{$n}[0], $k{$n}[1], '$k{$n}[2]')");
    }
    my $r = $admin->get('/doctypes/');
    my $today = db_value('SELECT CURDATE()');
    is(row_of($r->{text}, "未来$TAG")->[5], '未生效（2099-01-01起）', 'not yet in force: 未生效 with its start');
    is(row_of($r->{text}, "过去$TAG")->[5], '已失效（至2025-12-31）', 'ended: 已失效 with its end');
    is(row_of($r->{text}, "现行$TAG")->[5], ($today ge '2026-07-01' ? '正常' : '未生效') . '（2026-07-01起）', 'in force: 正常 with its start');
    is(row_of($r->{text}, "区间$TAG")->[5], '正常（2020-01-01至2098-12-31）', 'both dates');
    is(row_of($r->{text}, "停用$TAG")->[5], '停用', 'a disabled kind is 停用 whatever its dates');
    is(row_of($r->{text}, '出口合同')->[5], '正常', 'an undated default kind: 正常');
    like($r->{text}, qr{<p class="hint" id="effective">[^<]*出口日期}, 'the note: dated kinds go by each declaration\'s 出口日期');
    db_do("DELETE FROM doc_kind WHERE ent_id = $PROD AND name IN (" . join(', ', map { sql_str($_) } keys %k) . ')');
};

done_testing();
