#!/usr/bin/perl
# tests/http/operator.t — 企业管理 (新增 / 修改 / 停用 / 启用) and 审计日志.
#
# The operator creates an enterprise through the form; its administrator
# logs in with the 海关编码 and the last 8 digits of the bank account, is
# made to change the password, then logs in with the 纳税人识别号 and the
# 统一社会信用代码 (002 §2.3).  Bad and duplicate codes are refused at the
# field with everything typed kept; disabling an enterprise logs its users
# out and keeps them out; enterprise users cannot reach any of it.  The
# audit page's 校验哈希链 passes, then fails at the row edited by hand (and
# so does ts-admin audit-verify); the row is put back afterwards.
#
# Every enterprise made here has fresh random codes, so the file can run
# again on the same stack and beside the other test files.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest;

# ---------------------------------------------------------------- codes

my @USCC_CHARS = split //, '0123456789ABCDEFGHJKLMNPQRTUWXY';
my @USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28);
my %USCC_V = map { $USCC_CHARS[$_] => $_ } 0 .. $#USCC_CHARS;

# GB 32100 check character of the first 17 characters.
sub uscc_check {
    my ($s) = @_;
    my $sum = 0;
    $sum += $USCC_W[$_] * $USCC_V{ substr $s, $_, 1 } for 0 .. 16;
    return $USCC_CHARS[(31 - $sum % 31) % 31];
}

# GB 11714 check character of an 8-digit 组织机构代码 body.
sub org_check {
    my ($body) = @_;
    my @w = (3, 7, 9, 10, 5, 8, 4, 2);
    my $sum = 0;
    $sum += $w[$_] * substr($body, $_, 1) for 0 .. 7;
    my $c = 11 - $sum % 11;
    return $c == 10 ? 'X' : $c == 11 ? '0' : $c;
}

sub digits { join '', map { int rand 10 } 1 .. $_[0] }

# A valid, random 统一社会信用代码 (企业, 成都).
sub new_uscc {
    my $body = digits(8);
    my $s = '91510100' . $body . org_check($body);
    return $s . uscc_check($s);
}

# The same code with a wrong 18th (check) character.
sub bad_check {
    my ($u) = @_;
    my $good = substr $u, 17, 1;
    my ($other) = grep { $_ ne $good } @USCC_CHARS;
    return substr($u, 0, 17) . $other;
}

# A fresh enterprise's form values.
sub new_enterprise {
    my $tag = digits(6);
    return {
        name                  => "测试进出口有限公司$tag",
        uscc                  => new_uscc(),
        customs_code          => '5101' . $tag,
        taxpayer_id           => new_uscc(),
        ent_type              => 'trading',
        tax_bureau_code       => '15101040000',
        customs_district_code => '7901',
        bank_name             => '中国建设银行成都锦江支行',
        bank_account          => '5100' . digits(15),
        contact               => '赵测试',
        phone                 => '028-8612 3456',
    };
}

sub last8 { substr $_[0], -8 }

# The field's error text (the span after the input of f-<name>), or ''.
sub field_error {
    my ($html, $name) = @_;
    return $html =~ m{id="f-\Q$name\E".*?(?:<span class="error">([^<]*)</span>\s*)?</div>}s
      ? ($1 // '') : '';
}

# The value the form shows in an input.
sub field_value {
    my ($html, $name) = @_;
    return $html =~ m{<input[^>]*\bname="\Q$name\E"[^>]*\bvalue="([^"]*)"} ? $1 : undef;
}

sub ent_count { db_value('SELECT COUNT(*) FROM enterprise') }

sub ent_id_of {
    my ($customs_code) = @_;
    return db_value('SELECT id FROM enterprise WHERE customs_code = ' . sql_str($customs_code));
}

# Log in with a new client; returns (client, response of /login/signin).
sub try_login {
    my ($name, $pw) = @_;
    my $c = client();
    $c->get('/login/');
    return ($c, $c->post('/login/signin', {username => $name, password => $pw}));
}

my $op = login('operator');

# ---------------------------------------------------------------- access

subtest 'enterprise users and officers get 403' => sub {
    for my $role (qw(ent-admin-production ent-clerk tax-officer customs-officer)) {
        my $c = login($role);
        for my $path ('/operator/', '/operator/new', '/operator/audit', '/operator/edit?id=1') {
            is($c->get($path)->{status}, 403, "$role: GET $path → 403");
        }
        my $before = ent_count();
        my $r = $c->post('/operator/save', new_enterprise());
        is($r->{status}, 403, "$role: POST /operator/save → 403");
        is(ent_count(), $before, "$role: nothing created");
        is($c->post('/operator/status', {id => 1, status => 'disabled'})->{status}, 403,
            "$role: POST /operator/status → 403");
        is(db_value('SELECT status FROM enterprise WHERE id = 1'), 'normal', 'enterprise 1 still normal');
        is($c->post('/operator/audit', {})->{status}, 403, "$role: POST /operator/audit → 403");
    }
};

# ---------------------------------------------------------------- the list

subtest '企业管理 list shows every enterprise with its columns' => sub {
    my $r = $op->get('/operator/');
    is($r->{status}, 200, 'GET /operator/ 200');
    for my $th (qw(企业名称 统一社会信用代码 海关编码 纳税人识别号 企业类型 主管税务局 状态 创建时间)) {
        like($r->{text}, qr{<th scope="col">$th</th>}, "column $th");
    }
    my $total = db_value('SELECT COUNT(*) FROM enterprise');
    like($r->{text}, qr/共 $total 户企业/, "total $total from the database");
    like($r->{text}, qr{<td>5101940001</td>}, 'demo enterprise listed');
    like($r->{text}, qr{国家税务总局成都市税务局}, '主管税务局 by name');
    like($r->{text}, qr{<a class="button primary" href="/operator/new">新增</a>}, '新增 button');
    like($r->{text}, qr{<form method="post" action="/operator/status" data-confirm="[^"]+">},
        '停用 is a POST form with data-confirm');
    unlike($r->{text}, qr{<script>}, 'no inline script');

    $r = $op->get('/operator/?q=5101960002');
    like($r->{text}, qr{<td>5101960002</td>}, 'search by 海关编码 finds it');
    unlike($r->{text}, qr{<td>5101940001</td>}, '... and not the other one');
    $r = $op->get('/operator/?q=' . '%E5%A4%A9%E5%BA%9C');    # 天府
    like($r->{text}, qr{四川天府机械制造有限公司}, 'search by part of the name');
    unlike($r->{text}, qr{成都蓉欧国际贸易有限公司}, '... only that one');
    $r = $op->get('/operator/?q=%25');
    like($r->{text}, qr/共 0 户企业/, '"%" is searched literally');
    is($op->get('/operator/?page=abc')->{status}, 400, 'bad page number → 400');
};

# ---------------------------------------------------------------- the form

subtest '新增 form: labels, colours, CSRF' => sub {
    my $r = $op->get('/operator/new');
    is($r->{status}, 200, 'GET /operator/new 200');
    my $t = $r->{text};
    like($t, qr{<input type="hidden" name="_csrf" value="[0-9a-f]{64}">}, 'CSRF field');
    for my $f (qw(name uscc customs_code taxpayer_id bank_name bank_account)) {
        like($t, qr{<input type="text" id="f-$f" name="$f" value="" maxlength="\d+" class="required" required>},
            "$f is required (yellow)");
    }
    for my $f (qw(contact phone)) {
        like($t, qr{id="f-$f" name="$f" value="" maxlength="\d+" class="optional">}, "$f is optional (white)");
    }
    like($t, qr{<select id="f-ent_type" name="ent_type" class="required" required>}, '企业类型 select required');
    like($t, qr{<option value="production">生产企业</option>}, '生产企业');
    like($t, qr{<option value="trading">外贸企业</option>}, '外贸企业');
    like($t, qr{<select id="f-tax_bureau_code" name="tax_bureau_code" class="required" required>},
        '主管税务局 select required');
    like($t, qr{<option value="15101070000">国家税务总局成都市武侯区税务局</option>}, 'bureaus from tax_bureau');
    like($t, qr{<select id="f-customs_district_code" name="customs_district_code" class="optional">},
        '主管海关 optional');
    like($t, qr{<option value="7900">成都海关</option>}, 'districts from customs_district');
    for my $label (qw(企业名称 统一社会信用代码 海关编码 纳税人识别号 企业类型 主管税务局 主管海关 开户银行 银行账号 联系人 联系电话)) {
        like($t, qr{>\Q$label\E</label>}, "label $label");
    }
    my $before = ent_count();
    $r = $op->post('/operator/save', new_enterprise(), {no_csrf => 1});
    is($r->{status}, 403, 'POST without _csrf → 403');
    is(ent_count(), $before, 'nothing created');
};

subtest 'bad USCC check character: field error, everything typed kept' => sub {
    my $e = new_enterprise();
    $e->{uscc} = bad_check($e->{uscc});
    $e->{name} = '测试<有限>公司 & "引号"';
    my $before = ent_count();
    my $r = $op->post('/operator/save', $e);
    is($r->{status}, 200, 'form shown again');
    my $t = $r->{text};
    like(field_error($t, 'uscc'), qr/校验位（第18位）不符/, 'uscc: check character error');
    like($t, qr{<div class="field has-error">\s*<label for="f-uscc">}, 'uscc field marked');
    like($t, qr{提交的内容有误}, 'summary at the top');
    is(field_value($t, 'uscc'), $e->{uscc}, 'the wrong code is kept for correcting');
    is(field_value($t, 'name'), '测试&lt;有限&gt;公司 &amp; &quot;引号&quot;', 'name kept (escaped)');
    for my $f (qw(customs_code taxpayer_id bank_name bank_account contact phone)) {
        is(field_value($t, $f), $e->{$f}, "$f kept");
        is(field_error($t, $f), '', "$f has no error");
    }
    like($t, qr{<option value="trading" selected>外贸企业</option>}, '企业类型 kept');
    like($t, qr{<option value="15101040000" selected>}, '主管税务局 kept');
    like($t, qr{<option value="7901" selected>}, '主管海关 kept');
    is(ent_count(), $before, 'nothing created');

    my $e2 = new_enterprise();
    $e2->{$_} = '' for qw(uscc customs_code taxpayer_id bank_account);
    $e2->{customs_code} = '51019A';
    $e2->{tax_bureau_code} = '99999999999';
    $r = $op->post('/operator/save', $e2);
    like(field_error($r->{text}, 'uscc'), qr/请填写统一社会信用代码/, 'empty USCC: 请填写');
    like(field_error($r->{text}, 'customs_code'), qr/海关编码应为10位/, 'short 海关编码');
    like(field_error($r->{text}, 'taxpayer_id'), qr/请填写纳税人识别号/, 'empty 纳税人识别号');
    like(field_error($r->{text}, 'bank_account'), qr/请填写银行账号/, 'empty 银行账号');
    like($r->{text}, qr{请从列表中选择主管税务局}, 'unknown 主管税务局');
    is(ent_count(), $before, 'nothing created');
};

# ---------------------------------------------------------------- create + login

my $E = new_enterprise();
my ($ENT_ID, $NEW_PW) = (undef, 'Qiye#' . digits(6) . 'ab');

subtest '新增: enterprise, 企业管理员 role and admin account' => sub {
    my $r = $op->post('/operator/save', $E);
    is($r->{status}, 303, 'saved: 303') or diag $r->{text};
    is($r->{location}, '/operator/', 'back to the list');
    $ENT_ID = ent_id_of($E->{customs_code});
    ok($ENT_ID, 'enterprise row exists');
    my ($row) = db("SELECT name, uscc, taxpayer_id, ent_type, tax_bureau_code, customs_district_code,"
          . " bank_name, bank_account, contact, phone, status FROM enterprise WHERE id = $ENT_ID");
    is_deeply($row, [@$E{qw(name uscc taxpayer_id ent_type tax_bureau_code customs_district_code
        bank_name bank_account contact phone)}, 'normal'], 'stored as typed');
    my ($admin) = db('SELECT login_name, must_change_password, is_ent_admin, scope, status'
          . " FROM app_user WHERE ent_id = $ENT_ID");
    is_deeply($admin, [$E->{customs_code}, 1, 1, 'enterprise', 'normal'],
        'admin: login name = 海关编码, must change password');
    is(db_value("SELECT COUNT(*) FROM role r JOIN user_role ur ON ur.role_id = r.id"
          . " WHERE r.ent_id = $ENT_ID AND r.is_admin = 1 AND r.name = '企业管理员'"), 1,
        'admin holds the 企业管理员 role');
    is(db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'enterprise' AND object_id = '$ENT_ID'"
          . " AND action = 'operator.save'"), 1, 'audited');

    my $list = $op->follow($r);
    like($list->{text}, qr{<div class="flash" role="status">保存成功。[^<]*\Q$E->{customs_code}\E[^<]*银行账号后8位},
        'flash names the admin login and the initial-password rule');
    my $l8 = last8($E->{bank_account});
    unlike($list->{text}, qr/\Q$l8\E/, 'the initial password itself is never shown');
    like($list->{text}, qr{<td>\Q$E->{uscc}\E</td>}, 'listed');
    is($op->get('/operator/')->{text} =~ /保存成功/ ? 1 : 0, 0, 'flash shows once');
};

subtest 'new admin logs in with 海关编码 + last 8 digits, must change the password' => sub {
    plan skip_all => 'no enterprise' unless $ENT_ID;
    my ($c, $r) = try_login($E->{customs_code}, last8($E->{bank_account}));
    is($r->{status}, 303, 'login accepted');
    is($r->{location}, '/login/password', 'forced to /login/password');
    $r = $c->get('/workbench/');
    is($r->{status}, 303, 'workbench before changing: redirected');
    is($r->{location}, '/login/password', '... to the password form');
    $r = $c->get('/login/password');
    like($r->{text}, qr/初始密码/, 'the form says why');
    $r = $c->post('/login/password', {old_password => last8($E->{bank_account}),
        new_password => $NEW_PW, confirm_password => $NEW_PW});
    is($r->{status}, 303, 'password changed') or diag $r->{text};
    is(db_value("SELECT must_change_password FROM app_user WHERE login_name = "
        . sql_str($E->{customs_code})), 0, 'no longer forced');
    is($c->get('/workbench/')->{status}, 200, 'workbench now open');

    for my $id ([纳税人识别号 => $E->{taxpayer_id}], [统一社会信用代码 => $E->{uscc}],
        [海关编码 => $E->{customs_code}]) {
        my ($c2, $r2) = try_login($id->[1], $NEW_PW);
        is($r2->{status}, 303, "login with the $id->[0]");
        is($r2->{location}, '/workbench/', '... straight to the workbench');
        ok($c2->cookie('ts_sid'), '... with a session');
    }
    my ($c3, $r3) = try_login($E->{uscc}, last8($E->{bank_account}));
    is($r3->{status}, 200, 'the initial password no longer works');
    like($r3->{text}, qr/用户名或密码错误/, '... 用户名或密码错误');
};

# ---------------------------------------------------------------- duplicates

subtest 'duplicate codes: 已被其他企业使用' => sub {
    plan skip_all => 'no enterprise' unless $ENT_ID;
    my $before = ent_count();
    my %cases = (
        uscc         => $E->{uscc},
        customs_code => $E->{customs_code},
        taxpayer_id  => $E->{taxpayer_id},
    );
    for my $f (sort keys %cases) {
        my $e = new_enterprise();
        $e->{$f} = $cases{$f};
        my $r = $op->post('/operator/save', $e);
        is($r->{status}, 200, "same $f: form again");
        is(field_error($r->{text}, $f), '已被其他企业使用', "$f: 已被其他企业使用");
        is(field_value($r->{text}, 'name'), $e->{name}, '... name kept');
    }
    # Each code logs in as the enterprise: one enterprise's USCC may not be
    # another's 纳税人识别号 either.
    my $e = new_enterprise();
    $e->{taxpayer_id} = $E->{uscc};
    my $r = $op->post('/operator/save', $e);
    is(field_error($r->{text}, 'taxpayer_id'), '已被其他企业使用', "another's USCC as 纳税人识别号");
    $e = new_enterprise();
    $e->{uscc} = $E->{taxpayer_id};
    $r = $op->post('/operator/save', $e);
    is(field_error($r->{text}, 'uscc'), '已被其他企业使用', "another's 纳税人识别号 as USCC");
    is(ent_count(), $before, 'nothing created');

    # The same USCC as 纳税人识别号 of the one new enterprise is normal.
    $e = new_enterprise();
    $e->{taxpayer_id} = $e->{uscc};
    $r = $op->post('/operator/save', $e);
    is($r->{status}, 303, 'USCC = 纳税人识别号 of the same enterprise is fine');
    is(ent_count(), $before + 1, 'created');
};

# ---------------------------------------------------------------- 修改

subtest '修改: codes read-only, other fields saved and audited' => sub {
    plan skip_all => 'no enterprise' unless $ENT_ID;
    my $r = $op->get("/operator/edit?id=$ENT_ID");
    is($r->{status}, 200, 'GET edit 200');
    my $t = $r->{text};
    for my $code (qw(uscc customs_code taxpayer_id)) {
        like($t, qr{<input type="text" value="\Q$E->{$code}\E" readonly class="readonly">}, "$code read-only (grey)");
        unlike($t, qr{name="$code"}, "$code is not sent");
    }
    is(field_value($t, 'name'), $E->{name}, 'name filled in');
    is(field_value($t, 'bank_account'), $E->{bank_account}, 'bank account filled in');
    like($t, qr{<option value="15101040000" selected>}, 'bureau selected');
    like($t, qr{<option value="7901" selected>}, 'district selected');
    like($t, qr{<input type="hidden" name="id" value="$ENT_ID">}, 'id in the form');

    my %new = (%$E, id => $ENT_ID, name => $E->{name} . '（更名）', contact => '钱修改',
        ent_type => 'production', customs_district_code => '', uscc => new_uscc(),
        customs_code => '5101000000');
    $r = $op->post('/operator/save', \%new);
    is($r->{status}, 303, 'saved') or diag $r->{text};
    like($op->follow($r)->{text}, qr{<div class="flash" role="status">保存成功。</div>}, '保存成功。');
    my ($row) = db("SELECT name, contact, ent_type, customs_district_code, uscc, customs_code"
          . " FROM enterprise WHERE id = $ENT_ID");
    is_deeply($row, [$new{name}, '钱修改', 'production', undef, $E->{uscc}, $E->{customs_code}],
        'changed fields stored; codes untouched even when sent');
    my $detail = db_value("SELECT detail FROM audit_log WHERE object = 'enterprise'"
          . " AND object_id = '$ENT_ID' ORDER BY id DESC LIMIT 1");
    like($detail, qr/^update .*contact: 赵测试 -> 钱修改/, 'audit row says what changed');

    $r = $op->post('/operator/save', {%new, bank_account => '12AB', phone => 'abc'});
    is($r->{status}, 200, 'bad values: form again');
    like(field_error($r->{text}, 'bank_account'), qr/银行账号只能包含数字/, 'bank account error');
    like(field_error($r->{text}, 'phone'), qr/联系电话/, 'phone error');
    like($r->{text}, qr{readonly class="readonly"}, 'codes still shown read-only');
    is($op->get('/operator/edit?id=999999999')->{status}, 404, 'unknown enterprise → 404');
};

# ---------------------------------------------------------------- 停用 / 启用

subtest '停用 ends the sessions and stops logins; 启用 lets them in again' => sub {
    plan skip_all => 'no enterprise' unless $ENT_ID;
    my $admin = login($E->{customs_code}, $NEW_PW);
    is($admin->get('/workbench/')->{status}, 200, 'admin is working');
    ok(db_value("SELECT COUNT(*) FROM session s JOIN app_user u ON u.id = s.user_id WHERE u.ent_id = $ENT_ID"),
        'the enterprise has sessions');

    $op->get('/operator/');
    my $r = $op->post('/operator/status', {id => $ENT_ID, status => 'disabled'});
    is($r->{status}, 303, 'disabled: 303');
    like($op->follow($r)->{text}, qr/已停用/, 'flash says so');
    is(db_value("SELECT status FROM enterprise WHERE id = $ENT_ID"), 'disabled', 'stored');
    is(db_value("SELECT COUNT(*) FROM session s JOIN app_user u ON u.id = s.user_id WHERE u.ent_id = $ENT_ID"),
        0, 'every session of its users ended');
    $r = $admin->get('/workbench/');
    is($r->{status}, 303, 'the logged-in admin is out');
    like($r->{location}, qr{^/login/}, '... sent to the login page');
    my ($c, $l) = try_login($E->{customs_code}, $NEW_PW);
    is($l->{status}, 200, 'login refused');
    like($l->{text}, qr/所属企业已停用/, '... 所属企业已停用');
    ok(!$c->cookie('ts_sid'), '... no session');
    like(db_value("SELECT detail FROM audit_log WHERE object = 'enterprise' AND object_id = '$ENT_ID'"
        . " ORDER BY id DESC LIMIT 1"), qr/^status normal->disabled; sessions ended=[1-9]/, 'audited');

    $r = $op->get('/operator/?q=' . $E->{customs_code});
    like($r->{text}, qr{<td class="status-disabled">停用</td>}, 'list shows 停用');
    like($r->{text}, qr{<input type="hidden" name="status" value="normal">\s*<button type="submit" class="link">启用</button>},
        '... with 启用');

    $r = $op->post('/operator/status', {id => $ENT_ID, status => 'normal'});
    is($r->{status}, 303, 'enabled again');
    is(db_value("SELECT status FROM enterprise WHERE id = $ENT_ID"), 'normal', 'stored');
    ($c, $l) = try_login($E->{customs_code}, $NEW_PW);
    is($l->{status}, 303, 'the admin can log in again');

    is($op->post('/operator/status', {id => $ENT_ID, status => 'gone'})->{status}, 400, 'bad status → 400');
    is($op->post('/operator/status', {id => 999999999, status => 'disabled'})->{status}, 404,
        'unknown enterprise → 404');
    $r = $op->post('/operator/status', {id => $ENT_ID, status => 'disabled'}, {no_csrf => 1});
    is($r->{status}, 403, 'without _csrf → 403');
    is(db_value("SELECT status FROM enterprise WHERE id = $ENT_ID"), 'normal', 'unchanged');
};

# ---------------------------------------------------------------- 审计日志

subtest '审计日志: newest rows, 校验哈希链, tampering found' => sub {
    plan skip_all => 'no enterprise' unless $ENT_ID;
    my $r = $op->get('/operator/audit');
    is($r->{status}, 200, 'GET /operator/audit 200');
    for my $th (qw(时间 用户 企业 操作 对象 编号 详情 请求编号)) {
        like($r->{text}, qr{<th scope="col">$th</th>}, "column $th");
    }
    my $newest = db_value('SELECT MAX(id) FROM audit_log');
    like($r->{text}, qr{<td class="num">$newest</td>}, 'newest row shown');
    my $rows = () = $r->{text} =~ /<td class="num">/g;
    my $total = db_value('SELECT COUNT(*) FROM audit_log');
    is($rows, $total < 50 ? $total : 50, 'at most 50 rows');
    like($r->{text}, qr{operator\.status}, 'operator actions listed');
    like($r->{text}, qr{<button type="submit" class="primary">校验哈希链</button>}, '校验哈希链 button');

    $r = $op->post('/operator/audit', {});
    is($r->{status}, 200, 'verify: 200');
    my ($n) = $r->{text} =~ /校验通过：(\d+) 行/;
    ok($n, 'verify passes');
    cmp_ok($n, '>=', $total, '... over every row');

    # Edit one row by hand, as someone with database access might.
    my $victim = db_value("SELECT id FROM audit_log WHERE object = 'enterprise' AND object_id = '$ENT_ID'"
        . " ORDER BY id LIMIT 1");
    db_do("UPDATE audit_log SET detail = CONCAT(detail, ' [tampered]') WHERE id = $victim");
    my $ok = eval {
        $r = $op->post('/operator/audit', {});
        like($r->{text}, qr/第 $victim 行校验失败：本行内容与哈希不符/, "verify names row $victim");
        unlike($r->{text}, qr/校验通过/, 'and does not pass');
        like($r->{text}, qr{<tr class="status-disabled">\s*<td class="num">$victim</td>}, 'row marked in the table')
            if db_value('SELECT MAX(id) FROM audit_log') - $victim < 50;

        my $tool = ($ENV{TS_BUILD} // "$FindBin::Bin/../../build") . '/tools/ts-admin';
        SKIP: {
            skip "no $tool", 3 unless -x $tool;
            local $ENV{TUISHUI_CONF} = var_dir() . '/etc/tuishui.hdf';
            my $out = `$tool audit-verify 2>&1`;
            my $rc = $? >> 8;
            is($rc, 1, 'ts-admin audit-verify exits 1');
            utf8::decode($out);
            like($out, qr/第 $victim 行/, "... and names row $victim");
            db_do("UPDATE audit_log SET detail = LEFT(detail, CHAR_LENGTH(detail) - 11) WHERE id = $victim");
            $out = `$tool audit-verify 2>&1`;
            is($? >> 8, 0, 'ts-admin audit-verify exits 0 once the row is put back');
        }
        1;
    };
    # Put the row back whatever happened, so the chain holds for the rest.
    db_do("UPDATE audit_log SET detail = LEFT(detail, CHAR_LENGTH(detail) - 11)"
        . " WHERE id = $victim AND detail LIKE '% [tampered]'");
    ok($ok, 'no error while the row was edited') or diag $@;
    $r = $op->post('/operator/audit', {});
    like($r->{text}, qr/校验通过：\d+ 行/, 'verify passes again after the row is restored');
    is($op->post('/operator/audit', {}, {no_csrf => 1})->{status}, 403, 'verify without _csrf → 403');
};

done_testing();
