#!/usr/bin/perl
# tests/http/workbench.t — 工作台 / 办税桌面 for every role: the counts on
# the cards equal the database's, the charts are server-rendered SVG with
# Chinese titles and axis labels and every value as text, the 通知公告
# panel says 暂无通知, and nothing is fake.
#
# Counts can move while the page is made if other test files run beside
# this one, so each is checked to lie between the database's count just
# before and just after the page (equal when nothing else runs).
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest;

my $TAG = sprintf 'W%x%x', $$, time % 65536;

# The number on the card with this key.
sub card {
    my ($html, $key) = @_;
    return $html =~ m{<div class="card" id="card-\Q$key\E">\s*<div class="n">(\d+)</div>} ? $1 : undef;
}

# Is the card's value within the database's count before and after?
sub card_matches {
    my ($html, $key, $before, $after, $what) = @_;
    my $v = card($html, $key);
    ok(defined $v && $v >= $before && $v <= $after, "$what: card $key = $before" .
        ($after != $before ? "..$after" : '') . ' (database)') or diag "card shows " . ($v // 'nothing');
}

# GET /workbench/ between two runs of the counting queries; returns the
# page and, per query, [before, after].
sub page_and_counts {
    my ($c, %sql) = @_;
    my %before = map { $_ => db_value($sql{$_}) } keys %sql;
    my $r = $c->get('/workbench/');
    my %after = map { $_ => db_value($sql{$_}) } keys %sql;
    return ($r, map { $_ => [$before{$_}, $after{$_}] } keys %sql);
}

# The SVG chart with this id: its markup, or ''.
sub chart {
    my ($html, $id) = @_;
    return $html =~ m{(<div id="chart-\Q$id\E">.*?</svg>)}s ? $1 : '';
}

# Checks every chart must pass.
sub chart_ok {
    my ($svg, $title, $what) = @_;
    like($svg, qr{<svg viewBox="0 0 \d+ \d+" width="\d+" height="\d+" role="img" aria-labelledby="[\w-]+-title [\w-]+-desc">},
        "$what: an accessible <svg>");
    like($svg, qr{<title id="[\w-]+-title">\Q$title\E</title>}, "$what: <title> $title");
    like($svg, qr{<desc id="[\w-]+-desc">[^<]+</desc>}, "$what: <desc> with the values in words");
    unlike($svg, qr{<script|\son\w+=|style=}i, "$what: no script, handlers or inline style");
    unlike($svg, qr{\d\.\d}, "$what: integer coordinates");
}

# The days of the activity chart as { 'YYYY-MM-DD' => count } from <desc>.
sub activity_days {
    my ($svg) = @_;
    my ($desc) = $svg =~ m{<desc id="activity-desc">([^<]*)</desc>};
    my %days;
    $days{$1} = $2 while ($desc // '') =~ /(\d{4}-\d\d-\d\d)：(\d+) 次/g;
    return \%days;
}

# The page as a whole, for any role.
sub page_ok {
    my ($r, $who) = @_;
    is($r->{status}, 200, "$who: GET /workbench/ 200");
    like($r->{text}, qr{<h1>工作台</h1>}, "$who: 工作台");
    like($r->{text}, qr{<svg }, "$who: contains an <svg");
    like($r->{text}, qr{<h2>通知公告</h2>\s*<div class="panel" id="notices">\s*<p>暂无通知。</p>},
        "$who: 通知公告 says 暂无通知");
    unlike($r->{text}, qr{<script>}, "$who: no inline script");
    like($r->{headers}{'content-security-policy'} // '', qr/script-src 'self'/, "$who: CSP");
}

# ---------------------------------------------------------------- enterprise

subtest 'enterprise: 本企业用户数, 角色数, 今日操作 and the 14-day chart' => sub {
    my $ent = db_value("SELECT ent_id FROM app_user WHERE login_name = 'clerk01'");
    # A fresh user of the enterprise changes its password: one audit row of
    # the enterprise today, so 今日操作 and today's bar are not just 0.
    my $login = "${TAG}e";
    create_user($login, like => 'clerk01');
    my $pw = account('ent-clerk')->{password};
    my $u = login($login, $pw);
    my $new = "Xin#${TAG}9z";
    my $r = $u->post('/login/password', {old_password => $pw, new_password => $new, confirm_password => $new});
    is($r->{status}, 303, 'password changed (an audit row of the enterprise)');

    my $c = login('ent-admin-production');
    my %n;
    ($r, %n) = page_and_counts($c,
        users => "SELECT COUNT(*) FROM app_user WHERE ent_id = $ent",
        roles => "SELECT COUNT(*) FROM role WHERE ent_id = $ent",
        today => "SELECT COUNT(*) FROM audit_log WHERE ent_id = $ent AND at >= CURDATE()",
        days  => "SELECT COUNT(*) FROM audit_log WHERE ent_id = $ent AND at >= CURDATE() - INTERVAL 13 DAY",
    );
    page_ok($r, 'enterprise admin');
    my $t = $r->{text};
    card_matches($t, 'users', @{ $n{users} }, '本企业用户数');
    card_matches($t, 'roles', @{ $n{roles} }, '角色数');
    card_matches($t, 'today', @{ $n{today} }, '今日操作');
    cmp_ok(card($t, 'today') // 0, '>=', 1, '今日操作 counts the password change');
    like($t, qr{<div class="l">本企业用户数</div>}, 'label 本企业用户数');
    like($t, qr{<div class="l">角色数</div>}, 'label 角色数');
    like($t, qr{<div class="l">今日操作</div>}, 'label 今日操作');

    my $svg = chart($t, 'activity');
    chart_ok($svg, '本企业近14天操作量', 'activity chart');
    my $days = activity_days($svg);
    is(scalar keys %$days, 14, '14 days');
    my $today = db_value('SELECT CAST(CURDATE() AS CHAR)');
    my $first = db_value('SELECT CAST(CURDATE() - INTERVAL 13 DAY AS CHAR)');
    ok(exists $days->{$today} && exists $days->{$first}, "from $first to $today");
    is($days->{$today}, card($t, 'today'), "today's bar = 今日操作");
    my $sum = 0;
    $sum += $_ for values %$days;
    ok($sum >= $n{days}[0] && $sum <= $n{days}[1], "the bars add up to the enterprise's 14 days ($sum)");
    my @bars = $svg =~ m{<rect x="\d+" y="\d+" width="\d+" height="\d+"}g;
    is(scalar @bars, 14, '14 bars');
    like($svg, qr{>操作次数</text>}, 'value axis labelled 操作次数');
    like($svg, qr{>日期（月-日）</text>}, 'day axis labelled 日期');
    like($svg, qr{>\Q@{[substr $today, 5]}\E</text>}, "today's label " . substr($today, 5));
    like($svg, qr{<text [^>]*>$days->{$today}</text>}, "today's value as text");
    like($t, qr{<h2>企业信息</h2>}, '信息区: 企业信息');
    like($t, qr{<td>5101940001</td>}, '... with its 海关编码');
    unlike($t, qr{id="chart-bureaus"}, 'no portal-wide chart for an enterprise');

    # Another enterprise sees its own numbers only.
    my $other = login('ent-admin-trading');
    my $ent2 = db_value("SELECT ent_id FROM app_user WHERE login_name = '5101960002'");
    my %m;
    ($r, %m) = page_and_counts($other, users => "SELECT COUNT(*) FROM app_user WHERE ent_id = $ent2");
    card_matches($r->{text}, 'users', @{ $m{users} }, 'trading enterprise');
    like($r->{text}, qr{<td>5101960002</td>}, 'its own 企业信息');
    unlike($r->{text}, qr{5101940001}, "nothing of the other enterprise");
};

subtest 'a clerk with the workbench permission sees the same counts' => sub {
    my $c = login('ent-clerk');
    my $ent = db_value("SELECT ent_id FROM app_user WHERE login_name = 'clerk01'");
    my ($r, %n) = page_and_counts($c, users => "SELECT COUNT(*) FROM app_user WHERE ent_id = $ent");
    page_ok($r, 'clerk');
    card_matches($r->{text}, 'users', @{ $n{users} }, 'clerk');
};

subtest '备案期限临近 and the 关单清册 cards (trading enterprise)' => sub {
    my $c = login('ent-admin-trading');
    my $ent = db_value("SELECT ent_id FROM app_user WHERE login_name = '" . account('ent-admin-trading')->{login} . "'");
    # Three 所属期 of this run (years 21xx: no other test uses them): past
    # due, due in 2 days, due in 10 days; a declaration in each, and one
    # 已收齐 declaration in the past-due period.
    my $y = sprintf '21%02d', $$ % 100;
    my @p = map { sprintf '%s%02d', $y, $_ } 1 .. 3;
    db_do("DELETE d FROM customs_decl d WHERE d.ent_id = $ent AND d.period IN ('$p[0]', '$p[1]', '$p[2]')");
    db_do("DELETE FROM period_filing WHERE ent_id = $ent AND period IN ('$p[0]', '$p[1]', '$p[2]')");
    my %due = ($p[0] => -2, $p[1] => 2, $p[2] => 10);
    for my $per (@p) {
        db_do("INSERT INTO period_filing (ent_id, period, declared_on, due_date, retention_until)"
            . " VALUES ($ent, '$per', CURDATE() - INTERVAL 15 DAY, CURDATE() + INTERVAL $due{$per} DAY, CURDATE() + INTERVAL 10 YEAR)");
    }
    my $n = sprintf '%06d', ($$ * 31 + time) % 1000000;
    my %no = (past => "59$n" . '0000000001', soon => "59$n" . '0000000002',
              later => "59$n" . '0000000003', done => "59$n" . '0000000004');
    my %per = (past => $p[0], soon => $p[1], later => $p[2], done => $p[0]);
    for my $k (sort keys %no) {
        db_do("INSERT INTO customs_decl (ent_id, decl_no, period, status) VALUES ($ent, '$no{$k}', '$per{$k}', '"
            . ($k eq 'done' ? 'complete' : 'incomplete') . "')");
    }
    my %id = map { $_ => db_value("SELECT id FROM customs_decl WHERE ent_id = $ent AND decl_no = '$no{$_}'") } keys %no;
    my $missing = db_value(
        "SELECT GROUP_CONCAT(k.name ORDER BY k.ent_key, k.sort_order, k.id SEPARATOR '、')"
        . " FROM (SELECT e.id AS ent_id, IFNULL(f.ent_type, e.ent_type) AS ent_type FROM enterprise e"
        . " LEFT JOIN efiling f ON f.ent_id = e.id) t JOIN doc_kind k ON k.ent_id = t.ent_id"
        . " OR (k.ent_id IS NULL AND k.applies_to IN ('all', t.ent_type))"
        . " WHERE t.ent_id = $ent AND k.status = 'normal' AND k.required = 1"
        . " AND (k.effective_from IS NULL OR k.effective_from <= CURDATE())"
        . " AND (k.effective_to IS NULL OR k.effective_to >= CURDATE())");
    ok($missing, "the enterprise has required kinds ($missing)");

    my %q = (incomplete => "SELECT COUNT(*) FROM customs_decl WHERE ent_id = $ent AND status = 'incomplete'",
             complete => "SELECT COUNT(*) FROM customs_decl WHERE ent_id = $ent AND status = 'complete'");
    my ($r, %m) = page_and_counts($c, %q);
    page_ok($r, 'trading admin');
    card_matches($r->{text}, 'decl-incomplete', @{ $m{incomplete} }, '关单清册 未收齐');
    card_matches($r->{text}, 'decl-complete', @{ $m{complete} }, '关单清册 已收齐');
    like($r->{text}, qr{关单清册 未收齐}, 'card label 关单清册 未收齐');
    my ($panel) = $r->{text} =~ m{<h2>备案期限临近</h2>\s*(<div class="panel" id="due-soon">.*?</div>)}s;
    ok($panel, 'panel 备案期限临近') or return;
    # The row of a declaration in the panel, as its cells' texts.
    my $row = sub {
        my ($decl) = @_;
        my ($tr) = $panel =~ m{(<tr>\s*<td>\Q$decl\E</td>.*?</tr>)}s or return;
        return [map { s/<[^>]+>//gr =~ s/^\s+|\s+$//gr } $tr =~ m{<td>(.*?)</td>}gs];
    };
    my $past = $row->($no{past});
    ok($past, 'past-due declaration listed') and do {
        is($past->[1], $p[0], '  its 所属期');
        is($past->[2], db_value("SELECT CAST(CURDATE() - INTERVAL 2 DAY AS CHAR)"), '  its 备案期限');
        is($past->[3], '已超过备案期限', '  marked past due');
        is($past->[4], $missing, '  the required kinds it lacks');
        is($past->[5], '上传备案单证', '  a link to upload');
    };
    like($panel, qr{<a href="/docupload/docs\?decl=$id{past}">}, 'link to /docupload/docs?decl=<id>');
    my $soon = $row->($no{soon});
    ok($soon && $soon->[3] eq '距备案期限还有2天', 'declaration due in 2 days listed with the days left');
    ok(!$row->($no{later}), 'due in 10 days: not listed');
    ok(!$row->($no{done}), '已收齐: not listed');
    my $total = db_value("SELECT COUNT(*) FROM customs_decl d JOIN period_filing f ON f.ent_id = d.ent_id AND f.period = d.period"
        . " WHERE d.ent_id = $ent AND d.status = 'incomplete' AND f.due_date <= CURDATE() + INTERVAL 3 DAY");
    like($panel, qr{以下 $total 份报关单}, "count of declarations near or past ($total)");

    my $other = login('ent-admin-production');
    $r = $other->get('/workbench/');
    unlike($r->{text}, qr{\Q$no{past}\E}, "another enterprise's panel does not list them");

    db_do("DELETE FROM customs_decl WHERE ent_id = $ent AND decl_no IN ('" . join("', '", values %no) . "')");
    db_do("DELETE FROM period_filing WHERE ent_id = $ent AND period IN ('$p[0]', '$p[1]', '$p[2]')");
};

subtest 'a user without 上传备案单证 / 单证收齐审核 sees no 关单清册 panel' => sub {
    my $c = login('ent-clerk');
    my $uid = db_value("SELECT id FROM app_user WHERE login_name = 'clerk01'");
    my $has = db_value("SELECT COUNT(*) FROM user_role ur JOIN role_perm rp ON rp.role_id = ur.role_id"
        . " WHERE ur.user_id = $uid AND rp.perm IN ('docupload', 'doccheck')");
    my $r = $c->get('/workbench/');
    if ($has) {
        like($r->{text}, qr{<h2>备案期限临近</h2>}, 'clerk holds a document permission: panel shown');
    } else {
        unlike($r->{text}, qr{备案期限临近|card-decl-incomplete}, 'clerk: no panel, no 关单清册 cards');
    }
};

# ---------------------------------------------------------------- operator

subtest 'operator: enterprises, users by scope, 今日登录, both charts' => sub {
    my $c = login('operator');
    my ($r, %n) = page_and_counts($c,
        ents       => 'SELECT COUNT(*) FROM enterprise',
        production => "SELECT COUNT(*) FROM enterprise WHERE ent_type = 'production'",
        trading    => "SELECT COUNT(*) FROM enterprise WHERE ent_type = 'trading'",
        ue         => "SELECT COUNT(*) FROM app_user WHERE scope = 'enterprise'",
        ut         => "SELECT COUNT(*) FROM app_user WHERE scope = 'tax'",
        uc         => "SELECT COUNT(*) FROM app_user WHERE scope = 'customs'",
        uo         => "SELECT COUNT(*) FROM app_user WHERE scope = 'operator'",
        logins     => 'SELECT COUNT(*) FROM app_user WHERE last_login_at >= CURDATE()',
        all14      => 'SELECT COUNT(*) FROM audit_log WHERE at >= CURDATE() - INTERVAL 13 DAY',
    );
    page_ok($r, 'operator');
    my $t = $r->{text};
    card_matches($t, 'ents', @{ $n{ents} }, '企业数');
    card_matches($t, 'production', @{ $n{production} }, '生产企业');
    card_matches($t, 'trading', @{ $n{trading} }, '外贸企业');
    card_matches($t, 'users-enterprise', @{ $n{ue} }, '企业用户');
    card_matches($t, 'users-tax', @{ $n{ut} }, '税务人员');
    card_matches($t, 'users-customs', @{ $n{uc} }, '海关人员');
    card_matches($t, 'users-operator', @{ $n{uo} }, '运维人员');
    card_matches($t, 'logins', @{ $n{logins} }, '今日登录');
    cmp_ok(card($t, 'logins') // 0, '>=', 1, '今日登录 counts at least this login');

    my $bureaus = chart($t, 'bureaus');
    chart_ok($bureaus, '各主管税务局的企业数', 'bureau chart');
    like($bureaus, qr{>主管税务局</text>}, 'category axis labelled 主管税务局');
    like($bureaus, qr{>企业数（户）</text>}, 'value axis labelled 企业数（户）');
    my %per = map { $_->[0] => $_->[1] }
      db('SELECT b.name, COUNT(*) FROM enterprise e JOIN tax_bureau b ON b.code = e.tax_bureau_code GROUP BY b.name');
    my %shown;
    $shown{$1} = $2 while $bureaus =~ m{<title>([^<：]+)：(\d+) 户</title>}g;
    ok(scalar keys %shown, 'bars drawn');
    for my $name (sort keys %shown) {
        is($shown{$name}, $per{$name}, "$name: $shown{$name} 户 (database)");
    }
    ok(exists $shown{'国家税务总局成都市税务局'}, 'the demo production enterprise\'s bureau is there');

    my $svg = chart($t, 'activity');
    chart_ok($svg, '全门户近14天操作量', 'portal activity chart');
    my $days = activity_days($svg);
    is(scalar keys %$days, 14, '14 days');
    my $sum = 0;
    $sum += $_ for values %$days;
    ok($sum >= $n{all14}[0] && $sum <= $n{all14}[1], "the bars add up to every audit row of 14 days ($sum)");
    my ($total) = $svg =~ /（共 (\d+) 次）/;
    is($total, $sum, 'the title says the total');
};

# ---------------------------------------------------------------- officers

subtest 'tax officer: the enterprises of their 主管税务局' => sub {
    my $c = login('tax-officer');
    my $code = db_value("SELECT tax_bureau_code FROM app_user WHERE login_name = 'tax01'");
    my ($r, %n) = page_and_counts($c,
        ents       => "SELECT COUNT(*) FROM enterprise WHERE tax_bureau_code = '$code'",
        production => "SELECT COUNT(*) FROM enterprise WHERE tax_bureau_code = '$code' AND ent_type = 'production'",
        trading    => "SELECT COUNT(*) FROM enterprise WHERE tax_bureau_code = '$code' AND ent_type = 'trading'",
    );
    page_ok($r, 'tax officer');
    my $t = $r->{text};
    card_matches($t, 'ents', @{ $n{ents} }, '辖区企业数');
    card_matches($t, 'production', @{ $n{production} }, '生产企业');
    card_matches($t, 'trading', @{ $n{trading} }, '外贸企业');
    my $name = db_value("SELECT name FROM tax_bureau WHERE code = '$code'");
    like($t, qr{辖区：\Q$name\E}, "names the bureau $name");
    chart_ok(chart($t, 'activity'), '辖区企业近14天操作量', 'activity chart');
    unlike($t, qr{id="card-users}, 'no portal-wide user counts');
};

subtest 'customs officer: the enterprises of their 主管海关' => sub {
    my $c = login('customs-officer');
    my $code = db_value("SELECT customs_district_code FROM app_user WHERE login_name = 'customs01'");
    my ($r, %n) = page_and_counts($c,
        ents       => "SELECT COUNT(*) FROM enterprise WHERE customs_district_code = '$code'",
        production => "SELECT COUNT(*) FROM enterprise WHERE customs_district_code = '$code' AND ent_type = 'production'",
        trading    => "SELECT COUNT(*) FROM enterprise WHERE customs_district_code = '$code' AND ent_type = 'trading'",
    );
    page_ok($r, 'customs officer');
    my $t = $r->{text};
    card_matches($t, 'ents', @{ $n{ents} }, '辖区企业数');
    card_matches($t, 'production', @{ $n{production} }, '生产企业');
    card_matches($t, 'trading', @{ $n{trading} }, '外贸企业');
    my $name = db_value("SELECT name FROM customs_district WHERE code = '$code'");
    like($t, qr{辖区：\Q$name\E}, "names the district $name");
    chart_ok(chart($t, 'activity'), '辖区企业近14天操作量', 'activity chart');
};

# ---------------------------------------------------------------- access

subtest 'not logged in: to the login page' => sub {
    my $r = client()->get('/workbench/');
    is($r->{status}, 303, 'redirected (303)');
    like($r->{location} // '', qr{^/login/\?next=/workbench/}, 'to /login/ with next=');
    is(client()->request('POST', '/workbench/')->{status}, 405, 'POST → 405');
};

done_testing();
