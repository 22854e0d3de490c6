#!/usr/bin/env perl
# taxresend — 报关单重新发送记录: the tax side sees the enterprises'
# 重新发往税务总局 (003 §2.1.3).  Enterprises resend published declarations
# (POST /decl/resend); the tax officer of their 税务机关 — or of a bureau
# above it (成都市 over 武侯区) — sees each request with its version, the
# user who asked and 待发送/已发送; another bureau's officer sees none of
# them; nobody but tax officers opens the page; the query filters work.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :html);
use TsDecl;

binmode(STDOUT, ':utf8');
binmode(Test::More->builder->$_, ':utf8') for qw(output failure_output todo_output);

my $tag = sprintf '%05d', $$ % 100000;
my $run = "7900202608$tag";    # this run's numbers all contain it
my ($p1, $p2, $t1) = map { $run . sprintf("%03d", $_) } 1 .. 3;

# ---- customs publishes two declarations of the production enterprise
# (主管税务局 15101000000 成都市) and one of the trading enterprise
# (15101070000 武侯区), with the helpers' default dates.
my $cus = login('customs-officer');
$cus->get('/customs/');
sub publish {
    return $cus->post_multipart('/customs/import', [[file => {filename => 'r.xml', type => 'text/xml',
        content => decl_file(@_)}]]);
}
is(publish(decl_xml(EntryId => $p1), decl_xml(EntryId => $p2),
           decl_xml(EntryId => $t1, TradeCoScc => $TRADE_SCC, TradeCode => $TRADE_CODE, TradeName => $TRADE_NAME))
     ->{status}, 303, 'three declarations published');

# ---- the enterprises resend them (as the list's form does, with CSRF)
my $prod = login('ent-admin-production');
my $trade = login('ent-admin-trading');
$prod->get('/decl/');
$trade->get('/decl/');
is($prod->post('/decl/resend', [back => '/decl/', entry_id => $p1, entry_id => $p2])->{status}, 303,
   'production resends two');
is($trade->post('/decl/resend', [back => '/decl/', entry_id => $t1])->{status}, 303, 'trading resends one');
# customs modifies p1 (version 2), the enterprise resends it again
is(publish(decl_xml(EntryId => $p1, PackNo => 9))->{status}, 303, 'customs republishes p1 (修改)');
is($prod->post('/decl/resend', [back => '/decl/', entry_id => $p1])->{status}, 303, 'p1 resent again');
is(db_value("SELECT COUNT(*) FROM export_decl_resend WHERE entry_id LIKE '$run%'"), 4, 'four resend rows');

# The rows of the list (7 cells each; the "none" row has one).
sub rows_of {
    my ($c, $query) = @_;
    my $r = $c->get("/taxresend/?$query");
    is($r->{status}, 200, "GET /taxresend/?$query answers");
    return [grep { @$_ == 7 } list_rows($r->{text}, 'tax-resends')];
}

# ---- the officer of 成都市 (tax01) sees all four, newest first
my $tax = login('tax-officer');
my $rows = rows_of($tax, "entry_id=$run");
is(scalar @$rows, 4, '成都市: all four resends (its own enterprise and 武侯区\'s)');
my $prod_user = account('ent-admin-production')->{login};
my $trade_user = account('ent-admin-trading')->{login};
is_deeply([map { "$_->[3] v$_->[4]" } @$rows], ["$p1 v2", "$t1 v1", "$p2 v1", "$p1 v1"],
          'newest first, each with the version current when asked')
  or diag explain $rows;
my ($newest) = @$rows;
is($newest->[1], $PROD_NAME, '企业名称');
is($newest->[2], $PROD_SCC, '统一社会信用代码');
like($newest->[5], qr/（\Q$prod_user\E）$/, '申请人: the user who clicked');
like($rows->[1][5], qr/（\Q$trade_user\E）$/, '申请人 of the trading enterprise');
like($newest->[0], qr/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, '申请时间');
is($_->[6], '待发送', "$_->[3]: 待发送 (sent_at NULL)") for @$rows;

# a row handed to the 税务总局 shows 已发送 with its time
db_do("UPDATE export_decl_resend SET sent_at = '2026-03-05 09:30:00' WHERE entry_id = '$p2'");
$rows = rows_of($tax, "entry_id=$p2");
is_deeply([map { $_->[6] } @$rows], ['已发送（2026-03-05 09:30:00）'], '已发送 at sent_at');

# ---- query filters
is(scalar @{ rows_of($tax, "entry_id=$p1") }, 2, '报关单号: p1 twice (two requests)');
is(scalar @{ rows_of($tax, "entry_id=$run&ent=$PROD_SCC") }, 3, '企业 by 统一社会信用代码');
$rows = rows_of($tax, "entry_id=$run&ent=" . '%E8%93%89%E6%AC%A7');    # 蓉欧
is_deeply([map { $_->[3] } @$rows], [$t1], '企业 by a part of the name');
is(scalar @{ rows_of($tax, "entry_id=$run&ent=%25") }, 0, 'a % in the name is a character, not a wildcard');
my $today = db_value("SELECT DATE(created_at) FROM export_decl_resend WHERE entry_id = '$t1'");
db_do("UPDATE export_decl_resend SET created_at = '2026-01-15 10:00:00' WHERE entry_id = '$t1'");
is_deeply([map { $_->[3] } @{ rows_of($tax, "entry_id=$run&start=2026-01-15&end=2026-01-15") }], [$t1],
          '申请日期 from/to: the one day, its 10:00 included');
is(scalar @{ rows_of($tax, "entry_id=$run&end=2026-01-14") }, 0, 'before it: none');
is(scalar @{ rows_of($tax, "entry_id=$run&start=$today") }, 3, "from $today: the other three");
my $bad = $tax->get('/taxresend/?start=2026-13-45');
is($bad->{status}, 200, 'a bad date still shows the page');
like($bad->{text}, qr/申请日期起/, 'and names the field');

# ---- paging: 20 a page
db_do("INSERT INTO export_decl_resend (ent_id, head_id, entry_id, version, user_id, request_id)"
      . " SELECT ent_id, head_id, entry_id, version, user_id, 'paging' FROM export_decl_resend"
      . " WHERE entry_id = '$p2' LIMIT 1") for 1 .. 18;
is(scalar @{ rows_of($tax, "entry_id=$run") }, 20, 'page 1: 20 rows');
my $page2 = $tax->get("/taxresend/?entry_id=$run&page=2");
is(scalar(grep { @$_ == 7 } list_rows($page2->{text}, 'tax-resends')), 2, 'page 2: the other 2');
like($page2->{text}, qr/共 22 条，第 2 \/ 2 页/, 'the pager counts 22');

# ---- other bureaus
my $pw = account('tax-officer')->{password};
sub officer_of {
    my ($bureau) = @_;
    my $login = "tr$bureau" . substr($tag, -3);
    my $id = create_user($login, like => 'tax01', must_change => 0);
    db_do("UPDATE app_user SET tax_bureau_code = '$bureau' WHERE id = $id");
    return login($login, $pw);
}
my $wuhou = officer_of('15101070000');
is_deeply([map { $_->[3] } @{ rows_of($wuhou, "entry_id=$run") }], [$t1],
          '武侯区: only its own enterprise\'s resend');
is(scalar @{ rows_of(officer_of('15101040000'), "entry_id=$run") }, 0, '锦江区: none');
is(scalar @{ rows_of(officer_of('15107000000'), "entry_id=$run") }, 0, '绵阳市: none');
is(scalar @{ rows_of($wuhou, "entry_id=$p1") }, 0, '武侯区 asking for a 成都市 number: none');

# ---- each 报关单号 opens the declaration as it was resent (read-only)
my %resend_id = map { ("$_->[0] v$_->[1]" => $_->[2]) }
    db("SELECT entry_id, version, MIN(id) FROM export_decl_resend WHERE entry_id LIKE '$run%' GROUP BY entry_id, version");
my $list = $tax->get("/taxresend/?entry_id=$p1");
like($list->{text}, qr{<td><a href="/taxresend/view\?id=$resend_id{"$p1 v2"}">$p1</a></td>},
     'the list links each 报关单号 to its detail');
my $v1 = $tax->get("/taxresend/view?id=$resend_id{\"$p1 v1\"}");
is($v1->{status}, 200, '成都市 opens p1 as resent the first time');
like($v1->{text}, qr{<strong id="entry-id">$p1</strong>}, 'its number');
like($v1->{text}, qr{<h2>报关单表头信息</h2>.*<h2>报关单表体信息</h2>}s, 'header and body, as the enterprise sees them');
like($v1->{text}, qr{<dd id="h-PackNo">3</dd>}, 'the data of version 1 (件数 3)');
like($v1->{text}, qr{<dd id="h-TradeMode">0110 一般贸易</dd>}, 'codes with their names');
like($v1->{text}, qr{<td>${p1}001</td>}, 'the body line with its 关联号');
like($v1->{text}, qr{\Q$PROD_NAME\E（统一社会信用代码 $PROD_SCC）.*第1版}s, 'which enterprise asked, for which version');
like($v1->{text}, qr{id="resend-superseded">海关已发布新版本（当前为第2版）}, 'and that customs has published version 2 since');
my ($panel) = $v1->{text} =~ m{(<section class="panel">.*?</section>)}s;
unlike($panel // '<form', qr{<form|/decl/resend|/customs/new}, 'nothing to change or resend there');
my $v2 = $tax->get("/taxresend/view?id=$resend_id{\"$p1 v2\"}");
like($v2->{text}, qr{<dd id="h-PackNo">9</dd>}, 'the second resend: version 2 (件数 9)');
unlike($v2->{text}, qr{resend-superseded}, '…the current one');
is($tax->get("/taxresend/view?id=$resend_id{\"$t1 v1\"}")->{status}, 200, '成都市 opens 武侯区\'s resend too');

my $refused = $wuhou->get("/taxresend/view?id=$resend_id{\"$p1 v1\"}");
is($refused->{status}, 404, '武侯区 opening a 成都市 enterprise\'s resend: refused');
like($refused->{text}, qr/申请企业不在您所在税务机关（含下级税务机关）的管辖范围内，无权查看/, 'saying why');
unlike($refused->{text}, qr/\Q$PROD_NAME\E|$p1/, 'and nothing of it');
is($wuhou->get("/taxresend/view?id=$resend_id{\"$t1 v1\"}")->{status}, 200, '武侯区 opens its own enterprise\'s');
is($tax->get('/taxresend/view?id=999999999')->{status}, 404, 'an unknown resend: 404');

# ---- nobody else opens it
is($prod->get('/taxresend/')->{status}, 403, 'an enterprise user: 403');
is($prod->get("/taxresend/view?id=$resend_id{\"$p1 v1\"}")->{status}, 403, 'nor its detail, even of its own resend');
is($cus->get("/taxresend/view?id=$resend_id{\"$p1 v1\"}")->{status}, 403, 'a customs officer: 403 on the detail');
is($cus->get('/taxresend/')->{status}, 403, 'a customs officer: 403');
is(login('operator')->get('/taxresend/')->{status}, 403, 'an operator: 403');
is(client()->get('/taxresend/')->{status}, 303, 'not logged in: to the login page');

done_testing();
