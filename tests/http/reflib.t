# Reference libraries (docs/reference.md): the 出口退税率文库 with history
# (schema/012's seed: 8541430000 光伏 13% → 9% on 2024-12-01 → 0 on
# 2026-04-01), the longest code prefix in force, the operator's imports
# (csv and xlsx; good files, refused files with row numbers and reasons,
# nothing half-imported; a new version closes the earlier entries), the
# exchange rates (GBK csv, 100-unit rates, add / leave / change with the
# audit row), the code lists, the public 出口退税率查询 (002 §3.7 公共查询)
# and who may do what: only the operator imports.
use strict;
use warnings;
use utf8;

use FindBin;
use lib "$FindBin::Bin/lib";
use Encode qw(encode encode_utf8);
use File::Temp qw(tempdir);
use Test::More;
use TsTest qw(:DEFAULT :html);

binmode(STDOUT, ':utf8');
binmode(Test::More->builder->$_, ':utf8') for qw(output failure_output todo_output);

my $PY = '/usr/bin/python3';
my $GEN = "$FindBin::Bin/../data/declist/xlsx.py";
my $HAVE_OPENPYXL = system($PY, '-c', 'import openpyxl') == 0;
my $tmp = tempdir(CLEANUP => 1);
my $run = sprintf '%06d', ($$ * 7919 + time) % 1000000;

# The 适用 line of a query page, as text ("" when none).
sub applies {
    my ($html) = @_;
    my ($p) = $html =~ m{<p class="[^"]*" id="applies">(.*?)</p>}s or return '';
    $p =~ s/<[^>]*>//g;
    return $p;
}

# The rows of the table with this id, as array refs of cell texts.
sub rows_of {
    my ($html, $id) = @_;
    my ($body) = $html =~ m{<table[^>]*id="\Q$id\E"[^>]*>.*?<tbody>(.*?)</tbody>}s or return ();
    my @rows;
    for my $tr ($body =~ m{<tr\b[^>]*>(.*?)</tr>}gs) {
        my @cells = map { (my $t = $_) =~ s/<[^>]*>//g; $t =~ s/^\s+|\s+$//g; $t } $tr =~ m{<td\b[^>]*>(.*?)</td>}gs;
        push @rows, \@cells if @cells > 1;
    }
    return @rows;
}

sub import_file {
    my ($c, $url, $name, $bytes, %form) = @_;
    return $c->post_multipart($url, [
        (map { [$_ => $form{$_}] } sort keys %form),
        [file => {filename => $name, content => $bytes, type => 'application/octet-stream'}],
    ]);
}

sub csv { encode_utf8(join('', map { join(',', @$_) . "\r\n" } @_)) }

my $anon = client();

# ---------------------------------------------------------------- seeded history

# 出口退税率查询 is public: no login needed.
my $r = $anon->get('/inquiry/rates?hs=8541430000&date=2024-11-30');
is $r->{status}, 200, 'public query answers a visitor';
like applies($r->{text}), qr/适用文库条目 8541430000.*征税率 13%，退税率 13%，文库版本 2024A/, '8541430000 on 2024-11-30: 13% (2024A)';
like $r->{text}, qr/商品码版本号：<strong>2024A<\/strong>/, 'the version in force on the date is named';
$r = $anon->get('/inquiry/rates?hs=8541430000&date=2024-12-01');
like applies($r->{text}), qr/退税率 9%，文库版本 2024B/, '8541430000 on 2024-12-01 (the day of the change): 9% (2024B)';
$r = $anon->get('/inquiry/rates?hs=8541430000&date=2026-03-31');
like applies($r->{text}), qr/退税率 9%，文库版本 2024B/, '8541430000 on 2026-03-31: still 9%';
$r = $anon->get('/inquiry/rates?hs=8541430000&date=2026-04-01');
like applies($r->{text}), qr/退税率 0%，文库版本 2026A/, '8541430000 on 2026-04-01: 0 (2026A)';
my @rows = rows_of($r->{text}, 'rates');
# (2026A is open on a fresh stack; an earlier run of this test closed it.)
my $end2026 = db_value(q{SELECT IFNULL(DATE_FORMAT(effective_to, '%Y-%m-%d'), '') FROM rebate_rate WHERE version = '2026A' AND hs_code = '8541430000'}) // '';
is_deeply [map { [@$_[0, 1, 2, 3, 4, 5, 6, 7]] } @rows],
    [['8541430000', '已装在组件内或组装成块的光电池', '个', '13', '0', '2026-04-01', $end2026, '2026A']],
    'the list shows 商品编码, 商品名称, 计量单位, 征税率, 退税率, dates and the version';

# Longest prefix: a code without an entry of its own takes its heading's.
$r = $anon->get('/inquiry/rates?hs=8541490000&date=2026-04-01');
like applies($r->{text}), qr/适用文库条目 8541（.*退税率 13%/, '8541490000 has no entry: the 8541 heading applies';
$r = $anon->get('/inquiry/rates?hs=6109100010&date=2026-04-01');
like applies($r->{text}), qr/适用文库条目 6109100010（/, 'a code with its own entry beats the 61091000 prefix';
$r = $anon->get('/inquiry/rates?hs=6109100099&date=2026-04-01');
like applies($r->{text}), qr/适用文库条目 61091000（/, '6109100099 takes the 8-digit 61091000 entry, not nothing';

# By prefix and by name.
$r = $anon->get('/inquiry/rates?hs=7604&date=2025-01-01');
@rows = rows_of($r->{text}, 'rates');
ok @rows >= 3 && !grep({ $_->[0] !~ /^7604/ } @rows), 'a prefix lists the codes that start with it';
ok !grep({ $_->[4] ne '0' } @rows), '铝材 on 2025-01-01: no rebate (2024B)';
$r = $anon->get('/inquiry/rates?name=' . TsTest::Client::_enc('锂离子') . '&date=2026-12-01');
@rows = rows_of($r->{text}, 'rates');
is scalar(@rows), 2, 'by name: the two 锂离子蓄电池 entries';
is $rows[0][4], '6', '电池 on 2026-12-01: 6%';
$r = $anon->get('/inquiry/rates?name=' . TsTest::Client::_enc('电') . '&date=2026-12-01');
like $r->{text}, qr/商品名称：商品名称至少输入2个字/, 'a one-character name is refused with a message';
my @none = rows_of($r->{text}, 'rates');
is scalar(@none), 0, '... and lists nothing';
like $r->{text}, qr/name="name" value="电"/, '... keeping what was typed';
$r = $anon->get('/inquiry/rates?hs=85A1');
like $r->{text}, qr/商品编码：商品编码只能是数字/, 'a code with a letter is refused with a message';
$r = $anon->get('/inquiry/rates?hs=854143&date=2026-02-30');
is $r->{status}, 200, 'a bad date is shown, not a 400';
like $r->{text}, qr/查询日期/, '... with the field named';

# ---------------------------------------------------------------- the lookups
# lib/ts_reflib as the rebate modules call it, through ts-admin lookup.

my $ADMIN = ($ENV{TS_BUILD} // "$FindBin::Bin/../../build") . '/tools/ts-admin';
$ENV{TUISHUI_CONF} //= var_dir() . '/etc/tuishui.hdf';

# The tool's line (decoded) and exit status.
sub lookup {
    open my $fh, '-|', $ADMIN, 'lookup', @_ or die "ts-admin: $!";
    my $out = do { local $/; <$fh> } // '';
    close $fh;
    chomp $out;
    return (Encode::decode_utf8($out), $? >> 8);
}

my ($line, $rc) = lookup(qw(rate 8541430000 2024-11-30));
like $line, qr/^8541430000\t2024A\t13\t13\t2024-01-01\t2024-11-30\t/, 'ts_reflib_rate: 13% the day before the change';
($line) = lookup(qw(rate 8541430000 2024-12-01));
like $line, qr/^8541430000\t2024B\t13\t9\t2024-12-01\t2026-03-31\t/, '... 9% on the day';
($line) = lookup(qw(rate 8541490000 2025-01-01));
like $line, qr/^8541\t2024B\t13\t13\t/, '... the heading for a code without an entry';
($line) = lookup(qw(rate 7606125000 2025-01-01));
like $line, qr/^7606125000\t2024B\t13\t0\t/, '... 铝材 without rebate since 2024-12-01';
(undef, $rc) = lookup(qw(rate 0101210010 2023-12-31));
is $rc, 1, '... none before the first version';
(undef, $rc) = lookup(qw(rate 99 2025-01-01));
is $rc, 1, '... none for a chapter without entries';
($line) = lookup(qw(fx USD 202612));
is $line, '6.920300', 'ts_reflib_fx: USD by its ISO code';
($line) = lookup(qw(fx 502 202612));
is $line, '6.920300', '... and by customs\' 502';
($line) = lookup(qw(fx 116 202612));
is $line, '0.046402', '... 日本元 per unit';
(undef, $rc) = lookup(qw(fx USD 190001));
is $rc, 1, '... no rate for a month without one';
(undef, $rc) = lookup(qw(fx XYZ 202612));
is $rc, 1, '... nor for an unknown currency';
($line) = lookup(qw(code currency USD));
is $line, "502\t美元", 'ts_reflib_code: 币制 USD is 502 美元';
($line) = lookup(qw(code currency 142));
is $line, "142\t人民币", '... 142 人民币';
($line) = lookup(qw(code currency 300));
is $line, "300\t欧元", '... 300 欧元';
($line) = lookup(qw(code currency HKD));
is $line, "110\t港币", '... HKD is 110';
($line) = lookup(qw(code trade_mode 9610));
is $line, "9610\t跨境贸易电子商务", '... 监管方式 9610';
($line) = lookup(qw(code transac_mode 3));
is $line, "3\tFOB", '... 成交方式 3 FOB';
($line) = lookup(qw(code trans_mode 5));
is $line, "5\t航空运输", '... 运输方式 5 航空运输';
($line) = lookup(qw(code unit 035));
is $line, "035\t千克", '... 计量单位 035 千克';
($line) = lookup(qw(code country USA));
is $line, "502\t美国", '... 国别地区 USA is 502 美国';
($line) = lookup(qw(code customs_district 2200));
is $line, "2200\t上海海关", '... 关区 2200';
($line) = lookup(qw(code tax_bureau 15101000000));
is $line, "15101000000\t国家税务总局成都市税务局", '... 税务机关';
(undef, $rc) = lookup(qw(code currency ABC));
is $rc, 1, '... an unknown code is unknown';
db_do("UPDATE code_list SET status = 'disabled' WHERE list = 'currency' AND code = '609'");
(undef, $rc) = lookup(qw(code currency NZD));
is $rc, 1, '... and so is a disabled one';
db_do("UPDATE code_list SET status = 'normal' WHERE list = 'currency' AND code = '609'");

# ---------------------------------------------------------------- who may

my $ent = login('ent-admin-production');
$r = $ent->get('/inquiry/');
is $r->{status}, 200, 'enterprise: 综合查询 opens';
like $r->{text}, qr/出口退税率查询/, '... on 出口退税率查询';
is $ent->get('/operator/ref/')->{status}, 403, 'enterprise: the operator\'s 参考库 is refused';
$r = import_file($ent, '/operator/ref/import', 'x.csv', csv(['商品编码', '商品名称', '征税率', '退税率']),
    version => "E$run", effective_from => '2098-01-01');
is $r->{status}, 403, 'enterprise: importing a 文库 is refused';
$r = import_file($ent, '/operator/ref/fx/import', 'x.csv', csv(['币制', '月份', '汇率']));
is $r->{status}, 403, 'enterprise: importing exchange rates is refused';
my $tax = login('tax-officer');
is $tax->get('/inquiry/rates')->{status}, 200, 'tax officer: the public query opens';
is $tax->get('/operator/ref/')->{status}, 403, 'tax officer: 参考库 is refused';
$r = $anon->post_multipart('/operator/ref/import', [[version => 'X1'], [file => {filename => 'a.csv', content => 'a'}]]);
ok $r->{status} == 303 || $r->{status} == 403, 'a visitor cannot import';
is db_value("SELECT COUNT(*) FROM rebate_library WHERE version IN ('E$run', 'X1')"), 0, 'nothing of theirs was stored';

# ---------------------------------------------------------------- operator: view

my $ops = login('operator');
$r = $ops->get('/operator/ref/?hs=8507&date=2025-06-01');
is $r->{status}, 200, 'operator: 参考库 opens';
like $r->{text}, qr/当前执行的文库版本：<strong>/, 'the version in force today is named';
@rows = rows_of($r->{text}, 'rates');
ok @rows >= 3 && $rows[-1][4] eq '9', '8507 on 2025-06-01: the 锂电池 entries at 9%';
$r = $ops->get('/operator/ref/history?hs=8541430000&date=2025-01-01');
is $r->{status}, 200, 'a code\'s history opens';
@rows = rows_of($r->{text}, 'history');
my @own = grep { $_->[0] eq '8541430000' } @rows;
is_deeply [map { [$_->[4], $_->[5], $_->[6], $_->[8]] } @own[0 .. 2]],
    [['13', '2024-01-01', '2024-11-30', '2024A'], ['9', '2024-12-01', '2026-03-31', '2024B'], ['0', '2026-04-01', $end2026, '2026A']],
    'its rates over time: 13 → 9 → 0 with the dates and versions';
ok grep({ $_->[0] eq '8541' } @rows), 'the 8541 heading\'s entries are in the history too';
like applies($r->{text}), qr/2025-01-01 适用：8541430000 .*退税率 9%/, 'the rate on the asked date';
for my $page ('/operator/ref/', '/operator/ref/fx', '/operator/ref/codes') {
    like $ops->get($page)->{text}, qr{<li class="active"><a href="/operator/ref/">参考库</a></li>}, "$page: 参考库 is the menu entry lit";
}
$r = $ops->get('/operator/ref/codes?list=currency');
like $r->{text}, qr{<td>502</td><td>USD</td><td>美元</td>}, '币制 502 USD 美元';
like $r->{text}, qr{<td>142</td><td>CNY</td><td>人民币</td>}, '币制 142 CNY 人民币';
$r = $ops->get('/operator/ref/codes?list=trade_mode');
like $r->{text}, qr{<td>0110</td><td></td><td>一般贸易</td>}, '监管方式 0110 一般贸易';
like $r->{text}, qr{<td>9810</td>}, '监管方式 9810';
$r = $ops->get('/operator/ref/codes?list=trans_mode');
like $r->{text}, qr{<td>2</td><td></td><td>水路运输</td>}, '运输方式 2 水路运输';
$r = $ops->get('/operator/ref/codes?list=customs_district');
like $r->{text}, qr{<td>2200</td><td></td><td>上海海关</td>}, '关区 2200 上海海关';

# ---------------------------------------------------------------- operator: 文库 import

# The next version starts a year from today at the earliest (so what is in
# force today stays as seeded), and after every version already there.
my $D = db_value('SELECT GREATEST(DATE_ADD(MAX(effective_from), INTERVAL 1 DAY),'
                 . ' DATE_ADD(CURDATE(), INTERVAL 1 YEAR)) FROM rebate_library');
my $D1 = db_value("SELECT DATE_SUB('$D', INTERVAL 1 DAY)");
my $before = db_value("SELECT version FROM rebate_library WHERE effective_from < '$D' ORDER BY effective_from DESC LIMIT 1");
my $v1 = "T$run";
my $versions = db_value('SELECT COUNT(*) FROM rebate_library');

my $good = csv(
    ['商品编码', '商品名称', '计量单位', '征税率(%)', '退税率(%)', '特殊标识', '类别'],
    ['8541430000', '光电池组件', '个', '13', '9', '', ''],
    ['8541', '半导体器件', '个', '13', '13', '', ''],
    ['85414900', '其他光敏半导体器件', '个', '13', '6.5', '', ''],
    ['9403200000', '"其他金属家具，含""钢制"""', '件', '13%', '13', '1', 'A'],
    ['0101210010', '"改良种用马,纯种"', '千克', '9', '9', '', ''],
);

# Refusals first: nothing may be stored by any of them.
my $bad = csv(
    ['商品编码', '商品名称', '计量单位', '征税率', '退税率', '起始日期', '截止日期'],
    ['101210010', '丢了前导零', '千克', '9', '9', '', ''],
    ['8541430000', '退税率高于征税率', '个', '9', '13', '', ''],
    ['8471300000', '小数税率', '台', '0.13', '0.13', '', ''],
    ['8541430000', '光电池组件', '个', '13', '9', '', ''],
    ['9403200000', '', '件', '13', '13', '', ''],
    ['8517130000', '手机', '台', '13', '13', '2026-02-30', ''],
    ['8703800010', '纯电动小轿车', '辆', '13', '13', '', '2020-01-01'],
    ['8541430000', '重复', '个', '13', '9', '', ''],
);
$r = import_file($ops, '/operator/ref/import', '错误文库.csv', $bad, version => $v1, effective_from => $D);
is $r->{status}, 200, 'a file with bad rows: the form again';
like $r->{text}, qr/共8行数据，其中7行有误，未导入任何数据/, 'the report counts the rows and says nothing was imported';
my @report = rows_of($r->{text}, 'import-report');
is_deeply [map { $_->[0] } @report], [2, 3, 4, 6, 7, 8, 9], 'each bad row by its number';
like $report[0][1], qr/商品编码 101210010：.*以0开头的编码请将单元格设为文本格式/, 'row 2: a code that lost its leading 0';
like $report[1][1], qr/退税率不能高于征税率/, 'row 3: 退税率 above 征税率';
like $report[2][1], qr/征税率：税率请按百分数填写/, 'row 4: 0.13 read as a fraction';
like $report[3][1], qr/商品名称不能为空/, 'row 6: no 商品名称';
like $report[4][1], qr/起始日期或截止日期不是有效日期/, 'row 7: a date that does not exist';
like $report[5][1], qr/截止日期 2020-01-01 早于执行起始日期/, 'row 8: ends before it starts';
like $report[6][1], qr/商品编码 8541430000 与第5行重复/, 'row 9: a duplicate names the first good row';
is db_value('SELECT COUNT(*) FROM rebate_library'), $versions, 'nothing imported';
is input_value($r->{text}, 'version'), $v1, 'the typed version is still in the form';

$r = import_file($ops, '/operator/ref/import', '缺列.csv', csv(['商品编码', '商品名称', '征税率'], ['8541', 'x', '13']),
    version => $v1, effective_from => $D);
like $r->{text}, qr/缺少必需的列：退税率/, 'a missing column is named';
$r = import_file($ops, '/operator/ref/import', '无表头.csv', csv(['a', 'b'], ['1', '2']), version => $v1, effective_from => $D);
like $r->{text}, qr/未找到表头/, 'no header: refused';
$r = import_file($ops, '/operator/ref/import', '空.csv', csv(['商品编码', '商品名称', '征税率', '退税率']),
    version => $v1, effective_from => $D);
like $r->{text}, qr/表中没有数据行/, 'a header without rows: refused';
$r = import_file($ops, '/operator/ref/import', 'a.csv', $good, version => $v1, effective_from => '2024-06-01');
like $r->{text}, qr/生效日期须晚于最新版本 \S+ 的生效日期/, 'a version that does not start after the newest: refused';
$r = import_file($ops, '/operator/ref/import', 'a.csv', $good, version => '2024A', effective_from => $D);
like $r->{text}, qr/文库版本 2024A 已导入过/, 'a version name used before: refused';
$r = import_file($ops, '/operator/ref/import', 'a.csv', $good, version => 'bad version!', effective_from => $D);
like $r->{text}, qr/文库版本号只能包含字母、数字/, 'a malformed version name: refused';
$r = import_file($ops, '/operator/ref/import', 'a.csv', "\x{00}\x{01}binary", version => $v1, effective_from => $D);
like $r->{text}, qr/文件不是有效的CSV文本文件/, 'a binary file: refused';
$r = $ops->post_multipart('/operator/ref/import', [[version => $v1], [effective_from => $D]]);
like $r->{text}, qr/请选择要导入的文件/, 'no file: refused';
is db_value('SELECT COUNT(*) FROM rebate_library'), $versions, 'still nothing imported';
is db_value("SELECT COUNT(*) FROM rebate_rate WHERE effective_to = '$D1'"), 0, 'and nothing closed';

# A 10-digit code in force the day before that the good file neither has
# nor covers by a prefix.
my $dropped = db_value("SELECT hs_code FROM rebate_rate WHERE effective_from <= '$D1'"
    . " AND (effective_to IS NULL OR effective_to >= '$D1') AND LENGTH(hs_code) = 10"
    . " AND hs_code NOT LIKE '8541%' AND hs_code NOT IN ('9403200000', '0101210010') ORDER BY hs_code LIMIT 1");
ok $dropped, "a code to be dropped: $dropped";

# The good file.
$r = import_file($ops, '/operator/ref/import', '文库.csv', $good, version => $v1, effective_from => $D, note => '测试');
is $r->{status}, 303, 'a good file is imported';
$r = $ops->follow($r);
like $r->{text}, qr/导入成功：文库版本 \Q$v1\E，共 5 条，自 \Q$D\E 起执行；此前版本有 \d+ 条于新条目起始的前一日截止/, 'the flash says what was imported';
is db_value("SELECT COUNT(*) FROM rebate_rate WHERE version = '$v1'"), 5, 'five entries';
is db_value("SELECT rows_count FROM rebate_library WHERE version = '$v1'"), 5, 'the version counts them';
is db_value("SELECT file_sha256 FROM rebate_library WHERE version = '$v1'"), sha256_hex($good), 'and names the exact file';
is db_value("SELECT COUNT(*) FROM rebate_rate WHERE version <> '$v1' AND (effective_to IS NULL OR effective_to >= '$D')"), 0,
    'no earlier entry is in force on the new version\'s first day';
is db_value("SELECT DATE_FORMAT(effective_to, '%Y-%m-%d') FROM rebate_rate WHERE version = '$before' AND hs_code = '8541430000'"), $D1,
    'the previous version\'s entry ends the day before';
is db_value("SELECT goods_name FROM rebate_rate WHERE version = '$v1' AND hs_code = '9403200000'"), '其他金属家具，含"钢制"',
    'a quoted csv cell with quotes';
is db_value("SELECT goods_name FROM rebate_rate WHERE version = '$v1' AND hs_code = '0101210010'"), '改良种用马,纯种',
    'a quoted csv cell with a comma';
is db_value("SELECT CONCAT(special_flag, '/', category) FROM rebate_rate WHERE version = '$v1' AND hs_code = '9403200000'"), '1/A',
    '特殊标识 and 类别 kept as published';
is db_value("SELECT CONCAT(levy_rate, '/', rebate_rate, '/', IFNULL(special_flag, '-')) FROM rebate_rate WHERE version = '$v1' AND hs_code = '85414900'"),
    '0.130000/0.065000/-', 'rates stored as DECIMAL fractions (6.5% = 0.065000)';
like db_value("SELECT detail FROM audit_log WHERE object = 'rebate_library' ORDER BY id DESC LIMIT 1"),
    qr/import version=\Q$v1\E effective_from=\Q$D\E rows=5/, 'the import is in the audit log';

# Both sides of the new version's first day, as the public page sees them.
$r = $anon->get("/inquiry/rates?hs=8541430000&date=$D1");
like applies($r->{text}), qr/退税率 0%/, "8541430000 on $D1: the seeded 0%";
$r = $anon->get("/inquiry/rates?hs=8541430000&date=$D");
like applies($r->{text}), qr/退税率 9%，文库版本 \Q$v1\E/, "8541430000 on $D: 9% of the new version";
$r = $anon->get("/inquiry/rates?hs=8541490000&date=$D");
like applies($r->{text}), qr/适用文库条目 85414900（.*退税率 6.5%/, 'longest prefix: 85414900 beats 8541';
$r = $anon->get("/inquiry/rates?hs=8541100000&date=$D");
like applies($r->{text}), qr/适用文库条目 8541（.*退税率 13%/, '... and 8541 covers the rest of the heading';
$r = $anon->get("/inquiry/rates?hs=$dropped&date=$D");
is applies($r->{text}), '', "a code the new version dropped ($dropped) has no rate from its first day";
$r = $anon->get("/inquiry/rates?hs=$dropped&date=$D1");
like applies($r->{text}), qr/适用文库条目 \Q$dropped\E（/, '... but keeps its rate the day before';

# An xlsx version the day after, with a title row above the header and a
# row whose 起始日期 is later than the version's.
SKIP: {
    skip 'openpyxl not available under /usr/bin/python3', 11 unless $HAVE_OPENPYXL;
    my $D2 = db_value("SELECT DATE_ADD('$D', INTERVAL 1 DAY)");
    my $D3 = db_value("SELECT DATE_ADD('$D', INTERVAL 30 DAY)");
    my $path = "$tmp/lib.xlsx";
    open my $fh, '|-', $PY, $GEN, 'write', $path or die "python: $!";
    print $fh encode_utf8(join("\n", map { join "\t", @$_ }
        ['商品编码', '商品名称', '计量单位', '征税率', '退税率', '起始日期'],
        ['8541430000', '光电池组件', '个', '13', '0', ''],
        ['8507600010', '电动汽车用锂离子蓄电池', '个', '13', '0', $D3],
        ['8471300000', '便携式自动数据处理设备', '台', '13', '13', ''],
        ['9403200000', '其他金属家具', '件', '13', '9', $D3]) . "\n");
    close $fh or die 'xlsx.py write failed';
    open my $in, '<:raw', $path or die $!;
    my $bytes = do { local $/; <$in> };
    my $v2 = "U$run";
    $r = import_file($ops, '/operator/ref/import', '文库.xlsx', $bytes, version => $v2, effective_from => $D2);
    is $r->{status}, 303, 'an xlsx 文库 is imported';
    is db_value("SELECT COUNT(*) FROM rebate_rate WHERE version = '$v2'"), 4, 'its four entries';
    is db_value("SELECT DATE_FORMAT(effective_from, '%Y-%m-%d') FROM rebate_rate WHERE version = '$v2' AND hs_code = '8507600010'"), $D3,
        'a later 起始日期 is kept';
    is db_value("SELECT DATE_FORMAT(effective_to, '%Y-%m-%d') FROM rebate_rate WHERE version = '$v1' AND hs_code = '8541430000'"), $D,
        'the one-day version ends on its first day';
    $r = $anon->get("/inquiry/rates?hs=8541430000&date=$D2");
    like applies($r->{text}), qr/退税率 0%，文库版本 \Q$v2\E/, 'and the xlsx version answers from its first day';
    # A code the new version has, but from a later 起始日期: the older entry
    # runs until the day before, so the code never goes without its rate.
    my $D3m1 = db_value("SELECT DATE_SUB('$D3', INTERVAL 1 DAY)");
    is db_value("SELECT DATE_FORMAT(effective_to, '%Y-%m-%d') FROM rebate_rate WHERE version = '$v1' AND hs_code = '9403200000'"), $D3m1,
        'an entry the new version replaces later ends the day before the new row starts';
    $r = $anon->get("/inquiry/rates?hs=9403200000&date=$D2");
    like applies($r->{text}), qr/适用文库条目 9403200000（.*文库版本 \Q$v1\E/, "on $D2 the older entry still applies";
    $r = $anon->get("/inquiry/rates?hs=9403200000&date=$D3m1");
    like applies($r->{text}), qr/文库版本 \Q$v1\E/, '... up to the day before';
    $r = $anon->get("/inquiry/rates?hs=9403200000&date=$D3");
    like applies($r->{text}), qr/退税率 9%，文库版本 \Q$v2\E/, '... and the new one from its start';
    is db_value("SELECT COUNT(*) FROM rebate_rate a JOIN rebate_rate b ON a.hs_code = b.hs_code"
        . " AND a.version < b.version WHERE a.effective_from <= IFNULL(b.effective_to, '9999-12-31')"
        . " AND b.effective_from <= IFNULL(a.effective_to, '9999-12-31')"
        . " AND a.effective_from <= IFNULL(a.effective_to, '9999-12-31')"
        . " AND b.effective_from <= IFNULL(b.effective_to, '9999-12-31')"), 0,
        'no code has two versions in force on any day';
    my $dropped2 = db_value("SELECT DATE_FORMAT(effective_to, '%Y-%m-%d') FROM rebate_rate WHERE version = '$v1' AND hs_code = '0101210010'");
    is $dropped2, $D, 'a code the new version drops still ends the day before its 生效日期';
}

# ---------------------------------------------------------------- operator: 汇率

db_do("DELETE FROM exchange_rate WHERE month LIKE '2099%'");
my $fx = encode('cp936', join('', map { join(',', @$_) . "\r\n" }
    ['币制', '月份', '汇率', '单位'],
    ['USD', '2099-01', '7.1234', ''],
    ['日本元', '209901', '4.6821', '100'],
    ['300', '2099年1月', '8.0001', '1']));
$r = import_file($ops, '/operator/ref/fx/import', '汇率.csv', $fx);
is $r->{status}, 303, 'a GBK csv of exchange rates is imported' or diag join ' ', map { "@$_" } rows_of($r->{text}, 'import-report');
like $ops->follow($r)->{text}, qr/导入成功：共 3 条，新增 3 条，修改 0 条，未变 0 条/, 'three added';
is db_value("SELECT rate FROM exchange_rate WHERE currency = '502' AND month = '209901'"), '7.123400', 'USD found as 502';
is db_value("SELECT rate FROM exchange_rate WHERE currency = '116' AND month = '209901'"), '0.046821', '日本元 per 100 stored per unit';
$r = import_file($ops, '/operator/ref/fx/import', '汇率.csv', $fx);
like $ops->follow($r)->{text}, qr/新增 0 条，修改 0 条，未变 3 条/, 'the same file again changes nothing';
$r = import_file($ops, '/operator/ref/fx/import', '汇率2.csv', csv(['币制', '月份', '汇率'], ['502', '209901', '7.2']));
like $ops->follow($r)->{text}, qr/修改 1 条/, 'a different rate replaces the month\'s';
like db_value("SELECT detail FROM audit_log WHERE object = 'exchange_rate' ORDER BY id DESC LIMIT 1"),
    qr/502 209901 7\.123400->7\.200000/, 'the audit row names the old and new rate';
$r = import_file($ops, '/operator/ref/fx/import', '坏汇率.csv', csv(['币制', '月份', '汇率', '单位'],
    ['XYZ', '209902', '1', ''], ['502', '2099-13', '7', ''], ['502', '209903', 'abc', ''],
    ['502', '209904', '7', '10'], ['502', '209905', '7.1', ''], ['USD', '209905', '7.2', '']));
like $r->{text}, qr/共6行数据，其中5行有误，未导入任何数据/, 'bad exchange-rate rows: reported, nothing imported';
@report = rows_of($r->{text}, 'import-report');
is_deeply [map { $_->[0] } @report], [2, 3, 4, 5, 7], 'by row number';
like $report[0][1], qr/币制 XYZ 不在币制代码表中/, 'an unknown currency';
like $report[1][1], qr/月份/, 'a month that does not exist';
like $report[4][1], qr/币制 502 月份 209905 与第6行重复/, 'the same currency and month twice';
is db_value("SELECT COUNT(*) FROM exchange_rate WHERE month IN ('209902', '209905')"), 0, 'nothing of it stored';
$r = $ops->get('/operator/ref/fx?currency=502&year=2099');
like $r->{text}, qr{<td>502</td><td>USD</td><td>美元</td><td>209901</td><td class="num">7.200000</td>}, 'the 汇率 page lists it';

# ---------------------------------------------------------------- operator: 代码表 import

# The lists schema/015 added, with customs' codes.
$r = $ops->get('/operator/ref/codes?list=cut_mode');
like $r->{text}, qr{<td>101</td><td></td><td>一般征税</td>}, '征免性质 101 一般征税';
like $r->{text}, qr{<td>299</td><td></td><td>其他法定</td>}, '征免性质 299 其他法定';
$r = $ops->get('/operator/ref/codes?list=duty_mode');
like $r->{text}, qr{<td>1</td><td></td><td>照章征税</td>}, '征免 1 照章征税';
like $r->{text}, qr{<td>3</td><td></td><td>全免</td>}, '征免 3 全免';
($line) = lookup(qw(code cut_mode 503));
is $line, "503\t进料加工", 'ts_reflib_code: 征免性质 503 进料加工';
like $r->{text}, qr{action="/operator/ref/codes/import"}, 'the operator sees the import form';
like $r->{text}, qr{<input type="hidden" name="list" value="duty_mode">}, '... for the list shown';

# Who may import: the operator only.
my $codes_csv = csv(['代码', '名称'], ['9', '全额退税']);
for my $who (['enterprise', $ent], ['tax officer', $tax], ['customs officer', login('customs-officer')]) {
    $r = import_file($who->[1], '/operator/ref/codes/import', 'c.csv', $codes_csv, list => 'duty_mode');
    is $r->{status}, 403, "$who->[0]: importing a code list is refused";
}
$r = $anon->post_multipart('/operator/ref/codes/import', [[list => 'duty_mode'], [file => {filename => 'c.csv', content => $codes_csv}]]);
ok $r->{status} == 303 || $r->{status} == 403, 'a visitor cannot import a code list';

# A file with bad rows: every one named, nothing written.
my $cur_before = db_value(q{SELECT GROUP_CONCAT(code, '/', IFNULL(alt, ''), '/', name ORDER BY code SEPARATOR ';') FROM code_list WHERE list = 'currency'});
$r = import_file($ops, '/operator/ref/codes/import', '坏币制.csv', csv(
    ['代码', '名称', '国际代码'],
    ['998', "测试币$run", 'XTS'],
    ['50', '少了前导零', ''],
    ['50A', '有字母', ''],
    ['997', '', ''],
    ['996', '小写国际代码', 'usd'],
    ['995', '占用美元的国际代码', 'USD'],
    ['998', '重复', 'XTT'],
    ['994', '名' x 101, ''],
    ['993', '与第2行同一国际代码', 'XTS'],
), list => 'currency');
is $r->{status}, 200, 'a code list with bad rows: the page again';
like $r->{text}, qr/共9行数据，其中8行有误，未导入任何数据/, 'counted, nothing imported';
@report = rows_of($r->{text}, 'import-report');
is_deeply [map { $_->[0] } @report], [3 .. 10], 'each bad row by its number';
like $report[0][1], qr/币制代码 50：代码少一位：以0开头的代码请将单元格设为文本格式/, 'row 3: a code that lost its leading 0';
like $report[1][1], qr/币制代码 50A：代码只能是数字/, 'row 4: a letter in a numeric code';
like $report[2][1], qr/代码 997 的名称不能为空/, 'row 5: no name';
like $report[3][1], qr/国际代码 usd：国际代码应为3位大写字母/, 'row 6: a lower-case ISO code';
like $report[4][1], qr/国际代码 USD 已属于代码 502/, 'row 7: another code\'s ISO code';
like $report[5][1], qr/代码 998 与第2行重复/, 'row 8: a code twice names the first row';
like $report[6][1], qr/名称超过100个字/, 'row 9: a name too long';
like $report[7][1], qr/国际代码 XTS 与第2行（代码 998）重复/, 'row 10: an ISO code twice';
is db_value(q{SELECT GROUP_CONCAT(code, '/', IFNULL(alt, ''), '/', name ORDER BY code SEPARATOR ';') FROM code_list WHERE list = 'currency'}),
    $cur_before, 'the 币制 list is as it was';
like $r->{text}, qr{<input type="hidden" name="list" value="currency">}, 'the page stays on 币制';

$r = import_file($ops, '/operator/ref/codes/import', 'x.csv', csv(['代码', '名称', '国际代码'], ['0110', '一般贸易', 'GT']),
    list => 'trade_mode');
like $r->{text}, qr/监管方式没有国际代码，请删除“国际代码”列/, 'an ISO column for a list without one: refused';
$r = import_file($ops, '/operator/ref/codes/import', 'x.csv', csv(['代码', '简称'], ['1', 'x']), list => 'duty_mode');
like $r->{text}, qr/未找到表头|缺少必需的列：名称/, 'no 名称 column: refused';
$r = import_file($ops, '/operator/ref/codes/import', 'x.csv', csv(['代码', '名称'], ['12', '两位']), list => 'duty_mode');
like $r->{text}, qr/征免代码 12：代码应为1位/, 'a 征免 of two digits: refused';
$r = import_file($ops, '/operator/ref/codes/import', 'x.csv', csv(['代码', '名称'], ['1', 'x']), list => 'nope');
is $r->{status}, 200, 'an unknown list: the page again';
like $r->{text}, qr/请选择代码表/, '... asking for a list';

# A good file: one code added, one renamed (with its ISO code kept), one
# as it was; the codes the file does not have stay.
my $ncur = db_value(q{SELECT COUNT(*) FROM code_list WHERE list = 'currency'});
db_do("DELETE FROM code_list WHERE list = 'currency' AND code = '998'");
$ncur = db_value(q{SELECT COUNT(*) FROM code_list WHERE list = 'currency'});
my $good_codes = csv(['代码', '名称', 'ISO代码'], ['998', "测试币$run", 'XTS'], ['609', '新西兰元（测试）', 'NZD'], ['502', '美元', 'USD']);
$r = import_file($ops, '/operator/ref/codes/import', '币制.csv', $good_codes, list => 'currency');
is $r->{status}, 303, 'a good 币制 file is imported' or diag join ' ', map { "@$_" } rows_of($r->{text}, 'import-report');
is $r->{location}, '/operator/ref/codes?list=currency', 'back on the 币制 list';
like $ops->follow($r)->{text}, qr/币制导入成功：共 3 条，新增 1 条，修改 1 条，未变 1 条；文件中没有的代码保留不变/, 'the flash counts them';
is db_value(q{SELECT COUNT(*) FROM code_list WHERE list = 'currency'}), $ncur + 1, 'one code more, none less';
is db_value(q{SELECT CONCAT(name, '/', alt, '/', status) FROM code_list WHERE list = 'currency' AND code = '998'}), "测试币$run/XTS/normal",
    'the new code with its ISO code, in use';
($line) = lookup(qw(code currency XTS));
is $line, "998\t测试币$run", '... found by its ISO code';
is db_value(q{SELECT name FROM code_list WHERE list = 'currency' AND code = '609'}), '新西兰元（测试）', 'the renamed one';
like db_value("SELECT detail FROM audit_log WHERE object = 'code_list' ORDER BY id DESC LIMIT 1"),
    qr/import list=currency rows=3 added=1 changed=1 unchanged=1 file=币制\.csv sha256=\Q${\ sha256_hex($good_codes)}\E changes: 609 新西兰元\/NZD->新西兰元（测试）\/NZD/,
    'the audit row names the list, the file and the change';
$r = import_file($ops, '/operator/ref/codes/import', '币制.csv', csv(['代码', '名称'], ['609', '新西兰元']), list => 'currency');
is $r->{status}, 303, 'without the ISO column the name alone changes';
is db_value(q{SELECT CONCAT(name, '/', alt) FROM code_list WHERE list = 'currency' AND code = '609'}), '新西兰元/NZD', '... and the ISO code stays';

# A code a declaration uses is never removed: a file without it leaves it.
my $used = db_value(q{SELECT h.trade_mode FROM export_decl_head h GROUP BY h.trade_mode ORDER BY COUNT(*) DESC LIMIT 1}) // '0110';
my $used_name = db_value("SELECT name FROM code_list WHERE list = 'trade_mode' AND code = '$used'");
my $ntrade = db_value(q{SELECT COUNT(*) FROM code_list WHERE list = 'trade_mode'});
my $other = $used eq '9610' ? '9710' : '9610';
my $other_name = db_value("SELECT name FROM code_list WHERE list = 'trade_mode' AND code = '$other'");
$r = import_file($ops, '/operator/ref/codes/import', '监管方式.csv', csv(['代码', '名称'], [$other, $other_name]), list => 'trade_mode');
is $r->{status}, 303, "a 监管方式 file without $used is imported";
is db_value(q{SELECT COUNT(*) FROM code_list WHERE list = 'trade_mode'}), $ntrade, 'no 监管方式 code was removed';
is db_value("SELECT CONCAT(name, '/', status) FROM code_list WHERE list = 'trade_mode' AND code = '$used'"), "$used_name/normal",
    "$used (used by declarations) is still there, in use";

# 税务机关 and 关区 go to their own tables, 11 and 4 digits.
my $bureau = sprintf '151019%05d', $run % 100000;
$r = import_file($ops, '/operator/ref/codes/import', '税务机关.csv', csv(['代码', '名称'], [$bureau, "国家税务总局测试税务局$run"], ['1510100000', '少一位']),
    list => 'tax_bureau');
like $r->{text}, qr/税务机关代码 1510100000：代码少一位/, 'a 税务机关 of 10 digits: refused';
is db_value("SELECT COUNT(*) FROM tax_bureau WHERE code = '$bureau'"), 0, '... nothing written';
$r = import_file($ops, '/operator/ref/codes/import', '税务机关.csv', csv(['代码', '名称'], [$bureau, "国家税务总局测试税务局$run"]),
    list => 'tax_bureau');
is $r->{status}, 303, 'a 税务机关 file is imported';
is db_value("SELECT CONCAT(name, '/', status) FROM tax_bureau WHERE code = '$bureau'"), "国家税务总局测试税务局$run/normal", '... into tax_bureau';
SKIP: {
    skip 'openpyxl not available under /usr/bin/python3', 3 unless $HAVE_OPENPYXL;
    my $path = "$tmp/districts.xlsx";
    open my $fh, '|-', $PY, $GEN, 'write', $path or die "python: $!";
    print $fh encode_utf8(join("\n", map { join "\t", @$_ } ['代码', '名称'], ['7900', '成都海关'], ['7999', "测试海关$run"]) . "\n");
    close $fh or die 'xlsx.py write failed';
    open my $in, '<:raw', $path or die $!;
    my $bytes = do { local $/; <$in> };
    $r = import_file($ops, '/operator/ref/codes/import', '关区.xlsx', $bytes, list => 'customs_district');
    is $r->{status}, 303, 'an xlsx of 关区 is imported';
    is db_value("SELECT name FROM customs_district WHERE code = '7999'"), "测试海关$run", '... into customs_district';
    is db_value("SELECT name FROM customs_district WHERE code = '7900'"), '成都海关', '... the unchanged one as it was';
}

done_testing();
