# 单证收齐审核 (000 §2.4.3): 收齐 refused naming the missing required kinds,
# 收齐 after they are uploaded, 一键收齐 with a mix (per row: the ones that
# can be are completed, the rest named), 撤销收齐, tabs, 备案期限 marks,
# tenancy and audit.  Declarations are made with SQL.
use strict;
use warnings;
use utf8;

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :files :html);

my $run = $$ . time;
# A one-page PDF 1.4 with a line of text (offsets computed).

my $c = login('ent-admin-production');
my $other = login('ent-admin-trading');
my $login = account('ent-admin-production')->{login};
my $ent = db_value("SELECT ent_id FROM app_user WHERE login_name = '$login'");
my $user = db_value("SELECT id FROM app_user WHERE login_name = '$login'");
my $oent = db_value(q{SELECT ent_id FROM app_user WHERE login_name = '} . account('ent-admin-trading')->{login} . q{'});

# Two 所属期 of this run: one whose 备案期限 is past, one far ahead.
my $y = 2040 + ($$ + 7) % 60;
my ($p_late, $p_far) = (sprintf('%04d%02d', $y, 1 + int rand 6), sprintf('%04d%02d', $y, 7 + int rand 6));
db_do("INSERT IGNORE INTO period_filing (ent_id, period, declared_on, due_date, retention_until) VALUES"
    . " ($ent, '$p_late', CURDATE() - INTERVAL 20 DAY, CURDATE() - INTERVAL 5 DAY, '2036-06-30'),"
    . " ($ent, '$p_far', CURDATE(), CURDATE() + INTERVAL 15 DAY, '2036-07-31')");
my $base = sprintf '5102%06d%07d', $$ % 1000000, time % 10000000;
my @no = map { $base . $_ } 1 .. 4;
for my $i (0 .. 3) {
    my $p = $i < 2 ? $p_late : $p_far;
    db_do("INSERT INTO customs_decl (ent_id, decl_no, period, export_date, line_count) VALUES ($ent, '$no[$i]', '$p', '2026-02-01', 1)");
}
my @id = map { db_value("SELECT id FROM customs_decl WHERE ent_id = $ent AND decl_no = '$_'") } @no;
my $ono = $base . '9';
db_do("INSERT INTO customs_decl (ent_id, decl_no, period) VALUES ($oent, '$ono', '$p_far')");
my $od = db_value("SELECT id FROM customs_decl WHERE ent_id = $oent AND decl_no = '$ono'");

my %kind = map { $_ => db_value("SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '$_'") } qw(出口合同 出口货物运输单据 国内运输发票);

# Upload one PDF (made unique) under a kind for a declaration.
sub upload {
    my ($decl, $kind) = @_;
    my $r = $c->post_multipart('/docupload/upload', [[decl => $decl], [doc_kind_id => $kind{$kind}],
        [files => {filename => "$kind.pdf", content => test_pdf("$run $decl $kind{$kind}"), type => 'application/pdf'}]]);
    is($r->{status}, 303, "uploaded $kind for $decl");
}
sub status_of { db_value("SELECT status FROM customs_decl WHERE id = $_[0]") }
sub audits { db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'customs_decl' AND object_id = '$_[0]' AND detail LIKE '$_[1]%'") }

# ---------------------------------------------------------------- the list

{
    my $clerk = login('ent-clerk');
    is($clerk->get('/doccheck/')->{status}, 403, 'a user without 单证收齐审核 gets 403');
}
my $r = $c->get("/doccheck/?period=$p_late");
is($r->{status}, 200, 'list');
like($r->{text}, qr{<input type="checkbox" name="ids" value="$id[0]"}, 'a checkbox per row');
like($r->{text}, qr{一键收齐}, '【一键收齐】');
like($r->{text}, qr{name="one" value="$id[0]">收齐</button>}, '【收齐】 per row');
like($r->{text}, qr{<tr class="decl" id="decl-$id[0]">.*?已超过备案期限}s, 'a past 备案期限 is marked in words');
like($r->{text}, qr{<td>2036-06-30</td>}, '保存期限 shown');
like($r->{text}, qr{<td>出口合同、出口货物运输单据</td>}, 'the missing required kinds shown');
unlike($r->{text}, qr{$ono}, 'never another enterprise\'s declaration');
$r = $c->get("/doccheck/?period=$p_far");
unlike($r->{text}, qr{<tr class="decl" id="decl-$id[2]">[^\n]*\n(?:(?!</tr>).)*备案期限}s, 'a 备案期限 15 days ahead is not marked');

# ---------------------------------------------------------------- 收齐 one

$r = $c->post('/doccheck/complete', {one => $id[0]});
is($r->{status}, 200, '收齐 refused: the list again with the reason');
like($r->{text}, qr{<li class="refused">报关单 $no[0]：缺少 出口合同、出口货物运输单据</li>}, 'reason names the declaration and the missing kinds');
is(status_of($id[0]), 'incomplete', 'still 未收齐');

upload($id[0], '出口合同');
upload($id[0], '国内运输发票');
$r = $c->post('/doccheck/complete', {one => $id[0]});
like($r->{text}, qr{报关单 $no[0]：缺少 出口货物运输单据</li>}, 'an optional kind does not count; the one still missing is named');

upload($id[0], '出口货物运输单据');
$r = $c->post('/doccheck/complete', {one => $id[0], status => 'incomplete', decl_no => $no[0]});
is($r->{status}, 303, '收齐 after the required kinds are there');
like($r->{location}, qr{^/doccheck/\?status=incomplete&decl_no=$no[0]&period=$}, 'back to the list as it was queried');
like($c->follow($r)->{text}, qr{已收齐1条报关单}, 'flash');
is(status_of($id[0]), 'complete', '已收齐');
is(db_value("SELECT completed_by FROM customs_decl WHERE id = $id[0]"), $user, 'completed_by');
ok(db_value("SELECT completed_at IS NOT NULL FROM customs_decl WHERE id = $id[0]"), 'completed_at');
is(audits($id[0], 'status incomplete->complete'), 1, '收齐 audited');

# ---------------------------------------------------------------- tabs

$r = $c->get("/doccheck/?period=$p_late");
unlike($r->{text}, qr{id="decl-$id[0]"}, '未收齐 tab no longer shows it');
$r = $c->get("/doccheck/?status=complete&period=$p_late");
like($r->{text}, qr{id="decl-$id[0]"}, '已收齐 tab shows it');
unlike($r->{text}, qr{id="decl-$id[1]"}, '已收齐 tab hides the incomplete one');
like($r->{text}, qr{formaction="/doccheck/reopen" name="id" value="$id[0]">撤销收齐}, '【撤销收齐】 on a complete row');
unlike($r->{text}, qr{<tr class="decl" id="decl-$id[0]">.*?已超过备案期限.*?</tr>}s, 'a complete one is not marked');
$r = $c->get("/doccheck/?status=all&period=$p_late");
like($r->{text}, qr{id="decl-$id[0]".*id="decl-$id[1]"}s, '全部 shows both');

# ---------------------------------------------------------------- 一键收齐 with a mix

upload($id[2], '出口合同');
upload($id[2], '出口货物运输单据');
upload($id[3], '出口合同');
$r = $c->post('/doccheck/complete', [ids => $id[1], ids => $id[2], ids => $id[3], ids => $od]);
is($r->{status}, 200, '一键收齐 with refusals: the list with the outcome');
like($r->{text}, qr{已收齐1条}, 'one completed');
like($r->{text}, qr{报关单 $no[1]：缺少 出口合同、出口货物运输单据}, 'the first refused named');
like($r->{text}, qr{报关单 $no[3]：缺少 出口货物运输单据}, 'the second refused named');
like($r->{text}, qr{不存在}, 'another enterprise\'s id is not found');
is(status_of($id[2]), 'complete', 'the one that could be is 已收齐 (per row)');
is(status_of($id[1]), 'incomplete', 'refused stays 未收齐');
is(status_of($id[3]), 'incomplete', 'refused stays 未收齐');
is(status_of($od), 'incomplete', 'the other enterprise\'s declaration untouched');
is(audits($id[2], 'status incomplete->complete'), 1, '一键收齐 audited');
is(audits($id[1], 'status'), 0, 'no audit for a refusal');

$r = $c->post('/doccheck/complete', {});
like($r->{text}, qr{请勾选要收齐的报关单}, 'nothing checked');

# ---------------------------------------------------------------- 撤销收齐

$r = $c->post('/doccheck/reopen', {id => $id[2]});
is($r->{status}, 303, '撤销收齐');
is(status_of($id[2]), 'incomplete', 'back to 未收齐');
is(db_value("SELECT completed_by IS NULL AND completed_at IS NULL FROM customs_decl WHERE id = $id[2]"), 1, 'completed_by/at cleared');
is(audits($id[2], 'status complete->incomplete'), 1, '撤销收齐 audited');
is($c->post('/doccheck/reopen', {id => $id[2]})->{status}, 409, '撤销收齐 of a 未收齐 one: refused');

# ---------------------------------------------------------------- tenancy

is($other->post('/doccheck/reopen', {id => $id[0]})->{status}, 404, 'another enterprise\'s id: 404');
is(status_of($id[0]), 'complete', 'unchanged');
$r = $other->post('/doccheck/complete', {one => $id[1]});
like($r->{text}, qr{不存在}, '收齐 of another enterprise\'s declaration: not found');
is(status_of($id[1]), 'incomplete', 'unchanged');

# ---------------------------------------------------------------- 按所属期备案 follows its declarations

# docs/filing.md: a 按所属期备案 is 已收齐 when its 所属期 has declarations
# and all are 已收齐; 撤销收齐 of one sets it back.  A 所属期 of this run
# that has nothing yet.
my $p_own = do {
    my ($p, $k) = ('', 0);
    do { $p = sprintf '%04d%02d', 2040 + ($$ + 13 + $k++) % 60, 1 + int rand 12 }
        while db_value("SELECT COUNT(*) FROM period_filing WHERE ent_id = $ent AND period = '$p'")
           + db_value("SELECT COUNT(*) FROM customs_decl WHERE ent_id = $ent AND period = '$p'");
    $p;
};
db_do("INSERT INTO period_filing (ent_id, period, declared_on, due_date, retention_until)"
    . " VALUES ($ent, '$p_own', CURDATE(), CURDATE() + INTERVAL 15 DAY, '2036-12-31')");
my $pf = db_value("SELECT id FROM period_filing WHERE ent_id = $ent AND period = '$p_own'");
my @pno = map { $base . $_ } 5 .. 6;  # distinct from @no and $ono
for my $n (@pno) {
    db_do("INSERT INTO customs_decl (ent_id, decl_no, period, period_filing_id, export_date, line_count)"
        . " VALUES ($ent, '$n', '$p_own', $pf, '2026-03-01', 1)");
}
my @pid = map { db_value("SELECT id FROM customs_decl WHERE ent_id = $ent AND decl_no = '$_'") } @pno;
sub period_status { db_value("SELECT status FROM period_filing WHERE id = $pf") }
sub period_audits {
    db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'period_filing' AND object_id = '$pf'"
        . " AND action = '$_[0]' AND detail LIKE '$_[1]%'");
}
sub period_row {
    my ($text) = $c->get("/docupload/?period=$p_own")->{text};
    my ($row) = $text =~ m{(<tr class="period" id="period-$pf">.*?</tr>)}s;
    return [map { s/<[^>]+>//gr =~ s/^\s+|\s+$//gr } ($row // '') =~ m{<td[^>]*>(.*?)</td>}gs];
}
for my $d (@pid) {
    upload($d, '出口合同');
    upload($d, '出口货物运输单据');
}
is(period_status(), 'incomplete', 'a new 按所属期备案 is 未收齐');
is_deeply([@{ period_row() }[4 .. 6]], [2, 2, '未收齐'], '上传备案单证: its declarations, 未收齐 ones and 状态');

$r = $c->post('/doccheck/complete', {one => $pid[0]});
is($r->{status}, 303, '收齐 of one declaration of the 所属期');
is(period_status(), 'incomplete', 'one declaration still 未收齐: the record stays 未收齐');
is(period_audits('doccheck.complete', 'status'), 0, 'and no audit row for it');
is_deeply([@{ period_row() }[4 .. 6]], [2, 1, '未收齐'], 'one 未收齐 declaration left');

$r = $c->post('/doccheck/complete', [ids => $pid[1]]);
is($r->{status}, 303, '一键收齐 of the last one');
is(period_status(), 'complete', 'every declaration 已收齐: the record is 已收齐');
is(db_value("SELECT completed_by FROM period_filing WHERE id = $pf"), $user, 'its completed_by: whose 收齐 completed it');
ok(db_value("SELECT completed_at IS NOT NULL FROM period_filing WHERE id = $pf"), 'its completed_at');
is(period_audits('doccheck.complete', "status incomplete->complete period=$p_own declarations=2 incomplete=0"), 1,
    'the change audited, in the 收齐 request');
is(db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'customs_decl' AND object_id = '$pid[1]'"
    . " AND request_id = (SELECT request_id FROM audit_log WHERE object = 'period_filing' AND object_id = '$pf')"), 1,
    'in the same request as the declaration\'s 收齐');
is_deeply([@{ period_row() }[4 .. 6]], [2, 0, '已收齐'], '上传备案单证 shows it 已收齐');
like($c->get("/docupload/docs?period=$pf")->{text}, qr{<dt>状态</dt><dd>已收齐</dd>}, 'and so does its 单证种类 page');

$r = $c->post('/doccheck/reopen', {id => $pid[0]});
is($r->{status}, 303, '撤销收齐 of one declaration');
is(period_status(), 'incomplete', 'the record is 未收齐 again');
is(db_value("SELECT completed_by IS NULL AND completed_at IS NULL FROM period_filing WHERE id = $pf"), 1,
    'its completed_by/at cleared');
is(period_audits('doccheck.reopen', "status complete->incomplete period=$p_own declarations=2 incomplete=1"), 1,
    'audited');
$r = $c->post('/doccheck/complete', {one => $pid[0]});
is(period_status(), 'complete', '收齐 again: 已收齐 again');
is(period_audits('doccheck.complete', 'status incomplete->complete'), 2, 'each change audited');
$r = $other->post('/doccheck/reopen', {id => $pid[0]});
is($r->{status}, 404, 'another enterprise cannot set it back');
is(period_status(), 'complete', 'unchanged');

# ---------------------------------------------------------------- kinds by the date that applies

# design.md "Rules change with time": a required kind in force from
# 2026-07-01 and one that ended on 2025-12-31, both of this enterprise
# (disabled at the end: files of this run stay filed under them).  A declaration's kinds are those in force on its
# 出口日期, else on the first day of its 所属期 — never simply today's.
my ($k_new, $k_old) = ("新规单证$run", "旧规单证$run");
db_do("INSERT INTO doc_kind (ent_id, category, name, required, effective_from, effective_to) VALUES"
    . " ($ent, 'other', '$k_new', 1, '2026-07-01', NULL), ($ent, 'other', '$k_old', 1, NULL, '2025-12-31')");
$kind{$_} = db_value("SELECT id FROM doc_kind WHERE ent_id = $ent AND name = '$_'") for $k_new, $k_old;
my @dated_kinds = @kind{$k_new, $k_old};
END { eval { db_do("UPDATE doc_kind SET status = 'disabled' WHERE id IN (" . join(', ', @dated_kinds) . ")") } if @dated_kinds }

my $dbase = sprintf '5103%06d%07d', $$ % 1000000, time % 10000000;
my %dated = (before => ['2026-06-30', $p_far], after => ['2026-07-01', $p_far],
             old => ['2025-12-31', $p_far], by_period => [undef, '202606'], by_period_after => [undef, '202607']);
my (%dno, %did);
my $i = 0;
for my $k (sort keys %dated) {
    $dno{$k} = $dbase . $i++;
    my ($date, $per) = @{ $dated{$k} };
    db_do("INSERT INTO customs_decl (ent_id, decl_no, period, export_date, line_count) VALUES ($ent, '$dno{$k}', '$per', "
        . (defined $date ? "'$date'" : 'NULL') . ", 1)");
    $did{$k} = db_value("SELECT id FROM customs_decl WHERE ent_id = $ent AND decl_no = '$dno{$k}'");
}

# The list's 缺少的必须单证 of each, by its own date.
$r = $c->get("/doccheck/?status=incomplete&decl_no=$dbase");
my %missing = map { my $k = $_; ($k => ($r->{text} =~ m{<tr class="decl" id="decl-$did{$k}">.*?<td>([^<]*)</td>\s*<td class="ops">}s)[0]) } keys %did;
is($missing{before}, '出口合同、出口货物运输单据', 'exported 2026-06-30: the kind in force from 2026-07-01 is not required');
is($missing{after}, "出口合同、出口货物运输单据、$k_new", 'exported 2026-07-01: it is');
is($missing{old}, "出口合同、出口货物运输单据、$k_old", 'exported 2025-12-31: the kind that ended that day still is');
is($missing{by_period}, '出口合同、出口货物运输单据', 'no 出口日期, 所属期 202606: by 2026-06-01, not today');
is($missing{by_period_after}, "出口合同、出口货物运输单据、$k_new", 'no 出口日期, 所属期 202607: by 2026-07-01');

for my $k (keys %did) {
    upload($did{$k}, '出口合同');
    upload($did{$k}, '出口货物运输单据');
}
$r = $c->post('/doccheck/complete', [map { (ids => $did{$_}) } sort keys %did]);
is($r->{status}, 200, '一键收齐 of the five: some refused');
like($r->{text}, qr{已收齐2条}, 'the two that need neither dated kind are completed');
like($r->{text}, qr{<li class="refused">报关单 $dno{after}：缺少 \Q$k_new\E</li>}, 'exported after the change: refused naming the new kind');
like($r->{text}, qr{<li class="refused">报关单 $dno{by_period_after}：缺少 \Q$k_new\E</li>}, 'the same by its 所属期');
like($r->{text}, qr{<li class="refused">报关单 $dno{old}：缺少 \Q$k_old\E</li>}, 'exported before the old kind ended: refused naming it');
is(status_of($did{$_}), 'complete', "$_: 已收齐") for qw(before by_period);
is(status_of($did{$_}), 'incomplete', "$_: still 未收齐") for qw(after old by_period_after);

# 上传备案单证 offers the kinds of the declaration's date, and takes files
# only under those.
my $offered = sub { my ($d, $k) = @_; scalar $c->get("/docupload/docs?decl=$d")->{text} =~ m{data-kind="$kind{$k}"} };
ok(!$offered->($did{before}, $k_new), 'before: the new kind is not offered');
ok($offered->($did{after}, $k_new), 'after: it is');
ok(!$offered->($did{after}, $k_old), 'after: the old kind is not');
ok($offered->($did{old}, $k_old), 'exported 2025-12-31: the old kind is');
like($c->get("/docupload/docs?decl=$did{after}")->{text}, qr{<dd class="kinds-on">2026-07-01（出口日期）</dd>}, 'the page says the date it used');
like($c->get("/docupload/docs?decl=$did{by_period}")->{text}, qr{<dd class="kinds-on">2026-06-01（所属期首日）</dd>}, 'or the 所属期\'s first day');
is($c->post_multipart('/docupload/upload', [[decl => $did{before}], [doc_kind_id => $kind{$k_new}],
    [files => {filename => 'x.pdf', content => test_pdf("$run before new"), type => 'application/pdf'}]])->{status},
    404, 'a file under a kind not in force on the declaration\'s date: refused');
upload($did{after}, $k_new);
upload($did{old}, $k_old);
$r = $c->post('/doccheck/complete', [ids => $did{after}, ids => $did{old}]);
is($r->{status}, 303, 'with the dated kinds uploaded: 收齐');
is(status_of($did{$_}), 'complete', "$_: 已收齐") for qw(after old);

# A 按所属期备案 by the first day of its 所属期.
ok($c->get("/docupload/docs?period=$pf")->{text} =~ m{data-kind="$kind{$k_new}"}, "按所属期备案 of $p_own: the new kind offered");
ok($c->get("/docupload/docs?period=$pf")->{text} !~ m{data-kind="$kind{$k_old}"}, 'the old one not');

done_testing;
