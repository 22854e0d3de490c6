# 生成关单清册 (000 §2.4.1): upload of the 外贸企业 / 生产企业 明细申请表,
# the 关单清册 and 按所属期备案 it makes, bad rows and their errors xlsx,
# the same file again, a missing column, a large file as a job for
# tools/ts-worker (progress bar, then the result), and tenancy.
#
# All or nothing: a job whose row 1500 fails in the database leaves nothing
# of the upload in the 关单清册 (the worker runs the whole import in one
# transaction).  The failure is forced without any hook in the programs: a
# trigger made by this test turns item_no NULL (NOT NULL column, strict
# mode: error 1048) for the line whose 出口发票号 is this run's marker — any
# database error mid-import (a full disk, a lost connection) takes the same
# path.  Recovery: kill -9 of the worker mid-job, restart by
# scripts/stack.sh start, and the job completes with every row.
#
# The xlsx files are made here with /usr/bin/python3 + openpyxl
# (tests/data/declist/xlsx.py); the test skips when openpyxl is missing.
use strict;
use warnings;
use utf8;

use FindBin;
use lib "$FindBin::Bin/lib";
use Encode qw(encode encode_utf8 decode_utf8);
use File::Temp qw(tempdir);
use Test::More;
use Time::HiRes qw(sleep time);
use TsTest qw(:DEFAULT :html);

my $PY = '/usr/bin/python3';
my $GEN = "$FindBin::Bin/../data/declist/xlsx.py";
plan skip_all => 'openpyxl not available under /usr/bin/python3'
    unless system($PY, '-c', 'import openpyxl') == 0;

my $tmp = tempdir(CLEANUP => 1);
my $run = sprintf '%06d', ($$ * 7919 + int(time)) % 1000000;
my $nfile = 0;

# An xlsx of the headers and rows (array refs of strings); its bytes.
# xlsx1904: the same in the 1904 date system.
sub xlsx_in {
    my ($system, $headers, @rows) = @_;
    my $path = "$tmp/f" . ++$nfile . '.xlsx';
    open my $fh, '|-', $PY, $GEN, 'write', $path, $system or die "python: $!";
    print $fh encode_utf8(join("\n", map { join "\t", @$_ } $headers, @rows) . "\n");
    close $fh or die "xlsx.py write failed";
    open my $in, '<:raw', $path or die $!;
    local $/;
    return scalar <$in>;
}
sub xlsx { xlsx_in('1900', @_) }
sub xlsx1904 { xlsx_in('1904', @_) }

# The rows of an xlsx (bytes) as array refs of strings.
sub read_xlsx {
    my ($bytes) = @_;
    my $path = "$tmp/r" . ++$nfile . '.xlsx';
    open my $out, '>:raw', $path or die $!;
    print $out $bytes;
    close $out;
    open my $fh, '-|', $PY, $GEN, 'read', $path or die "python: $!";
    local $/;
    my $text = decode_utf8(scalar <$fh>);
    close $fh;
    return map { [split /\t/, $_, -1] } split /\n/, $text;
}

my @TRADING = qw(序号 所属期 申报关联号 出口发票号 出口报关单号 项号 出口日期 出口商品代码
                 出口商品名称 计量单位 出口数量 美元离岸价 备注);
my $period = sprintf '20%02d%02d', 30 + $run % 60, 1 + $run % 12;

# 报关单号 of this run: 18 digits.
sub decl_no { sprintf '5101%06d%08d', $run, $_[0] }

# A trading row: the n-th line of declaration d, item k.
sub trading_row {
    my ($n, $d, $k, $fob, %over) = @_;
    my %r = (序号 => $n, 所属期 => $period, 申报关联号 => "L$run" . sprintf('%04d', $d),
             出口发票号 => "INV$n", 出口报关单号 => decl_no($d), 项号 => $k,
             出口日期 => ($n % 2 ? '2026-11-05' : 'serial:46331'), 出口商品代码 => '8471300000',
             出口商品名称 => '笔记本电脑', 计量单位 => '台', 出口数量 => 10 + $n, 美元离岸价 => $fob,
             备注 => '', %over);
    return [map { $r{$_} } @TRADING];
}

sub upload {
    my ($c, $name, $bytes, %form) = @_;
    return $c->post_multipart('/declist/upload', [
        (map { [$_ => $form{$_}] } sort keys %form),
        [file => {filename => $name, content => $bytes,
                  type => 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'}],
    ]);
}

sub sha256_of { require Digest::SHA; Digest::SHA::sha256_hex($_[0]) }

my $c = login('ent-admin-trading');
my $ent = db_value(q{SELECT ent_id FROM app_user WHERE login_name = '} . account('ent-admin-trading')->{login} . q{'});
my $p = login('ent-admin-production');

sub upload_row { my ($sha) = @_; (db("SELECT id, status, table_kind, rows_total, rows_ok, rows_bad, IFNULL(errors_sha256, ''), IFNULL(job_id, 0) FROM declist_upload WHERE sha256 = '$sha'"))[0] }

# ---------------------------------------------------------------- 200 rows

my (@rows, $sum_fen);
for my $n (1 .. 200) {
    my $d = 1 + ($n - 1) % 80;
    my $k = 1 + int(($n - 1) / 80);
    my $fen = 1000 + $n * 137 + ($n % 3 ? 5 : 50);
    $sum_fen += $fen;
    push @rows, trading_row($n, $d, $k, sprintf('%d.%02d', int($fen / 100), $fen % 100));
}
my $file200 = xlsx(\@TRADING, @rows);
my $r = upload($c, '出口明细200.xlsx', $file200);
is $r->{status}, 303, '200-row sheet imported in the request' or diag $r->{text};
my $u = upload_row(sha256_of($file200));
ok $u, 'upload recorded';
is_deeply [@$u[1 .. 5]], ['done', 'trading', 200, 200, 0], 'status done, 外贸企业 table, 200 rows, all good';
my $uid = $u->[0];
is db_value("SELECT COUNT(*) FROM customs_decl WHERE upload_id = $uid"), 80, '80 declarations (distinct 报关单号)';
is db_value("SELECT SUM(fob_usd) * 100 FROM customs_decl WHERE upload_id = $uid") + 0, $sum_fen, 'sum of 美元离岸价 exact in fen';
is db_value("SELECT SUM(line_count) FROM customs_decl WHERE upload_id = $uid"), 200, '200 lines counted';
is db_value("SELECT COUNT(*) FROM customs_decl_line l JOIN customs_decl d ON d.id = l.decl_id WHERE d.upload_id = $uid"), 200, '200 customs_decl_line rows';
is db_value("SELECT export_date FROM customs_decl WHERE decl_no = '" . decl_no(2) . "'"), '2026-11-05', 'serial-day 出口日期 read';
my ($f) = db("SELECT declared_on, DATEDIFF(due_date, declared_on), retention_until = DATE_ADD(declared_on, INTERVAL 10 YEAR), declared_on = CURDATE() FROM period_filing WHERE ent_id = $ent AND period = '$period'");
ok $f, "period_filing for $period";
is $f->[1], 15, '备案期限 = 申报日期 + 15 days';
is $f->[2], 1, '保存期限 = 申报日期 + 10 years (declared since 2026-01-01)';
is $f->[3], 1, '申报日期 is today';

$r = $c->get('/declist/');
like $r->{text}, qr/出口明细200\.xlsx/, 'list shows the upload';
like $r->{text}, qr/外贸企业出口退税出口明细申请表/, 'with its table kind';
$r = $c->get("/declist/view?id=$uid");
is $r->{status}, 200, '【>】 page';
like $r->{text}, qr/${\ decl_no(1)}/, '关单清册 lists the 报关单号';
like $r->{text}, qr/按所属期备案/, 'and the 按所属期备案';
unlike $r->{text}, qr/<progress/, 'no progress bar when done';

# ---------------------------------------------------------------- same file again

$r = upload($c, '又一次.xlsx', $file200);
like $r->{text}, qr/该文件已上传过（上传时间 /, 'same file recognised';
is db_value("SELECT COUNT(*) FROM declist_upload WHERE sha256 = '" . sha256_of($file200) . "'"), 1, 'not recorded twice';
is db_value("SELECT SUM(line_count) FROM customs_decl WHERE upload_id = $uid"), 200, 'nothing imported twice';

# ---------------------------------------------------------------- 按所属期备案 未收齐 / 已收齐

# docs/filing.md: the record is 已收齐 when every declaration of its 所属期
# is; an import that adds a 未收齐 declaration to the 所属期 sets it back, in
# the import's transaction, audited.  The 80 declarations of the 200-row
# file are marked 已收齐 here with SQL (as 收齐 would, doccheck.t).
{
    my $pf = db_value("SELECT id FROM period_filing WHERE ent_id = $ent AND period = '$period'");
    is db_value("SELECT status FROM period_filing WHERE id = $pf"), 'incomplete', 'a new 按所属期备案 is 未收齐';
    db_do("UPDATE customs_decl SET status = 'complete', completed_at = NOW() WHERE ent_id = $ent AND period = '$period'");
    db_do("UPDATE period_filing SET status = 'complete', completed_at = NOW() WHERE id = $pf");
    my $more = xlsx(\@TRADING, trading_row(1, 90, 1, '10.00'), trading_row(2, 90, 2, '20.00'));
    $r = upload($c, '补充.xlsx', $more);
    is $r->{status}, 303, 'a file with one more declaration of the 所属期' or diag $r->{text};
    my $mu = upload_row(sha256_of($more));
    my $uploader = db_value("SELECT created_by FROM declist_upload WHERE id = $mu->[0]");
    is db_value("SELECT status FROM period_filing WHERE id = $pf"), 'incomplete', 'the 按所属期备案 is 未收齐 again';
    is db_value("SELECT completed_at IS NULL AND completed_by IS NULL FROM period_filing WHERE id = $pf"), 1, 'completed_by/at cleared';
    is db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'period_filing' AND object_id = '$pf'"
        . " AND action = 'declist.import' AND user_id = $uploader"
        . " AND detail = 'status complete->incomplete period=$period declarations=81 incomplete=1 upload=$mu->[0]'"), 1,
        'audited: by the import, as the uploader, naming the upload';
    $r = $c->get("/docupload/?status=all&period=$period");
    like $r->{text}, qr{<tr class="period" id="period-$pf">.*?<td class="period-status">未收齐</td>}s, '上传备案单证 shows it 未收齐';
}

# ---------------------------------------------------------------- bad rows

my @bad = map { trading_row($_, 100 + $_, 1, '100.00') } 1 .. 10;
$bad[2] = trading_row(3, 103, 1, '100.00', 出口报关单号 => '12345');
$bad[5] = trading_row(6, 106, 1, '100.00', 出口日期 => '2026-13-45');
$bad[8] = trading_row(9, 109, 1, 'abc');
$bad[9] = trading_row(10, 110, 1, '100.00', 出口商品代码 => '84713');
my $badfile = xlsx(\@TRADING, @bad);
$r = upload($c, '有错误.xlsx', $badfile);
is $r->{status}, 303, 'sheet with bad rows imported';
$u = upload_row(sha256_of($badfile));
is_deeply [@$u[1, 3, 4, 5]], ['done', 10, 6, 4], '6 good rows, 4 bad';
ok $u->[6], 'errors xlsx stored';
$r = $c->get("/declist/errors?id=$u->[0]");
is $r->{status}, 200, '下载错误明细';
like $r->{headers}{'content-disposition'} // '', qr/filename\*=UTF-8''/i, 'with a Chinese file name';
my @er = read_xlsx($r->{content});
is scalar(@er), 5, 'header + 4 bad rows';
is $er[0][-1], '错误原因', 'last column 错误原因';
like $er[1][-1], qr/报关单号/, 'row 3: 报关单号';
like $er[2][-1], qr/出口日期/, 'row 6: 出口日期';
like $er[3][-1], qr/美元离岸价/, 'row 9: 美元离岸价';
like $er[4][-1], qr/商品代码应为10位数字/, 'row 10: 商品代码 (HS) of 5 digits';
is_deeply [map { $_->[-2] } @er[1 .. 4]], [5, 8, 11, 12], 'source row numbers (title and header above)';

# ---------------------------------------------------------------- missing column

my @nodecl = grep { $_ ne '出口报关单号' } @TRADING;
my $nofile = xlsx(\@nodecl, map { my $row = trading_row($_, 200 + $_, 1, '1.00'); splice @$row, 4, 1; $row } 1 .. 3);
$r = upload($c, '缺列.xlsx', $nofile);
like $r->{text}, qr/缺少必需的列：报关单号/, 'missing 报关单号 column refused with the message';
is db_value("SELECT COUNT(*) FROM declist_upload WHERE sha256 = '" . sha256_of($nofile) . "'"), 0, 'nothing recorded';

# A large file (a job) with a missing column is refused in the request all
# the same: its header is looked at before it is queued.
my $bignofile = xlsx(\@nodecl, map { my $row = trading_row($_, 2000 + $_, 1, '1.00'); splice @$row, 4, 1; $row } 1 .. 3000);
ok length($bignofile) > 100_000, 'a 3000-row file without 报关单号';
$r = upload($c, '大文件缺列.xlsx', $bignofile);
is $r->{status}, 200, 'large file with a missing column: the form again';
like $r->{text}, qr/缺少必需的列：报关单号/, 'refused at once with the message, not queued';
is db_value("SELECT COUNT(*) FROM declist_upload WHERE sha256 = '" . sha256_of($bignofile) . "'"), 0, 'nothing recorded, no job';

# ---------------------------------------------------------------- no 所属期

my @noperiod = grep { $_ ne '所属期' } @TRADING;
my $npfile = xlsx(\@noperiod, map { my $row = trading_row($_, 400 + $_, 1, '2.00'); splice @$row, 1, 1; $row } 1 .. 3);
$r = upload($c, '无所属期.xlsx', $npfile);
like $r->{text}, qr/表中没有所属期，请填写所属期/, 'no 所属期 in the sheet nor the form: refused';
is db_value("SELECT COUNT(*) FROM declist_upload WHERE sha256 = '" . sha256_of($npfile) . "'"), 0, 'nothing recorded';
is input_value($r->{text}, 'period'), '', 'the form again, 所属期 to fill in';

# ---------------------------------------------------------------- 1904 dates

# A workbook in the 1904 date system (Excel for Mac): serial 44869 is
# 2026-11-05 there (46331 in the 1900 system).
my $file1904 = xlsx1904(\@TRADING, map { trading_row($_, 500, $_, '3.00', 出口日期 => 'serial:44869') } 1 .. 2);
$r = upload($c, '1904.xlsx', $file1904);
is $r->{status}, 303, '1904 workbook imported';
is db_value("SELECT export_date FROM customs_decl WHERE ent_id = $ent AND decl_no = '" . decl_no(500) . "'"), '2026-11-05',
    '出口日期 read in the 1904 date system';

# ---------------------------------------------------------------- not an xlsx

# Each refused file: the form again (200) with the message next to the file
# box, the 所属期 typed kept, and no declist_upload row for its bytes.
sub refused_ok {
    my ($name, $bytes, $message, $what) = @_;
    my $r = upload($c, $name, $bytes, period => '202611');
    is $r->{status}, 200, "$what: the form again";
    is field_error($r->{text}, 'file'), $message, "$what: $message";
    is input_value($r->{text}, 'period'), '202611', "$what: the 所属期 typed is kept";
    is db_value("SELECT COUNT(*) FROM declist_upload WHERE sha256 = '" . sha256_of($bytes) . "'"), 0,
        "$what: nothing recorded";
}
refused_ok('假的.xlsx', "PK\x03\x04 not really a zip", 'Excel文件（.xlsx）已损坏或不完整', 'a corrupt zip');
my $good = xlsx(\@TRADING, map { trading_row($_, 600 + $_, 1, '1.00') } 1 .. 3);
refused_ok('截断.xlsx', substr($good, 0, int(length($good) / 2)), 'Excel文件（.xlsx）已损坏或不完整',
    'a truncated xlsx (its zip directory cut off)');
refused_ok('setup.xlsx', "MZ\x90\x00\x03\x00\x00\x00" . ("\x00" x 56) . "PE\x00\x00" . ("\x90" x 400),
    '文件不是XLSX格式（按内容判断）', 'an .exe renamed .xlsx');
refused_ok('空.xlsx', '', '文件为空', 'a 0-byte file');
# An Excel 97-2003 workbook (OLE compound file with a Workbook stream):
# docs/filing.md promises the message to save it as .xlsx.
my $ole = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" . ("\x00" x 504) . encode('UTF-16LE', 'Root Entry') . ("\x00" x 44)
    . encode('UTF-16LE', 'Workbook') . ("\x00" x 1000);
refused_ok('旧格式.xls', $ole, '不支持Excel 97-2003工作簿（.xls），请在Excel中另存为.xlsx格式后上传', 'an .xls (Excel 97-2003)');

# A name with ../ and Chinese characters: imported, the name kept literally
# (shown escaped, never used as a path: the file is stored by its sha256).
my $oddname = '../../etc/出口明细 <b>表</b>.xlsx';
my $oddfile = xlsx(\@TRADING, map { trading_row($_, 700 + $_, 1, '1.00') } 1 .. 2);
$r = upload($c, $oddname, $oddfile);
is $r->{status}, 303, 'a name with ../ and Chinese characters is imported' or diag $r->{text};
is db_value("SELECT file_name FROM declist_upload WHERE sha256 = '" . sha256_of($oddfile) . "'"), $oddname,
    'the name is kept as the user gave it';
$r = $c->get('/declist/');
like $r->{text}, qr{\.\./\.\./etc/出口明细 &lt;b&gt;表&lt;/b&gt;\.xlsx}, 'shown escaped';
unlike $r->{text}, qr{<b>表}, 'never as markup';
my $osha = sha256_of($oddfile);
ok !-e var_dir() . '/etc/出口明细 <b>表</b>.xlsx' && !-e var_dir() . '/store/etc', 'never used as a path';
ok -f var_dir() . '/store/' . substr($osha, 0, 2) . '/' . substr($osha, 2, 2) . "/$osha", 'stored by sha256';

# ---------------------------------------------------------------- 生产企业

my @PROD = qw(序号 出口发票号 出口报关单号 代理出口货物证明号 出口日期 出口商品代码 出口商品名称
              计量单位 出口数量 原币代码 原币离岸价 美元离岸价 人民币离岸价 征税率 退税率);
my @prow = map { [$_, "PI$_", decl_no(300 + $_), '', '20261110', '8471300000', '服务器', '台', 2,
                  'USD', '500.00', '500.00', '3550.00', '0.13', '0.13'] } 1 .. 5;
my $prodfile = xlsx(\@PROD, @prow);
$r = upload($p, '生产企业.xlsx', $prodfile, period => $period);
is $r->{status}, 303, '生产企业 sheet imported' or diag $r->{text};
$u = upload_row(sha256_of($prodfile));
is_deeply [@$u[1 .. 4]], ['done', 'production', 5, 5], '生产企业 table recognised by its headers';
$r = $p->get("/declist/view?id=$u->[0]");
like $r->{text}, qr/生产企业出口货物劳务免抵退税申请明细表/, 'shown as the 生产企业 table';
like $r->{text}, qr/2026-11-10/, 'YYYYMMDD 出口日期';

# ---------------------------------------------------------------- tenancy

$r = $p->get("/declist/view?id=$uid");
is $r->{status}, 404, "another enterprise's upload: 404";
$r = $p->get("/declist/errors?id=$uid");
is $r->{status}, 404, "another enterprise's errors download: 404";

# ---------------------------------------------------------------- large: a job

my @big = map { trading_row($_, 1000 + int(($_ - 1) / 5), 1 + ($_ - 1) % 5, '12.34') } 1 .. 5000;
my $bigfile = xlsx(\@TRADING, @big);
# Hold the first declaration's key in another session so the worker waits
# on it: the job is seen running with its progress bar, whatever the speed.
my $sock = var_dir() . '/run/mysqld.sock';
my $hold = encode_utf8("START TRANSACTION; INSERT INTO customs_decl (ent_id, decl_no, period) VALUES ($ent, '" . decl_no(1000) . "', '$period'); SELECT SLEEP(4); ROLLBACK;");
open my $holder, '-|', 'mariadb', '--no-defaults', "--socket=$sock", '--user=root', '-N', '-B', 'tuishui', '-e', $hold
    or die "mariadb: $!";
sleep 0.5;
my $t0 = time;
$r = upload($c, '大文件.xlsx', $bigfile);
ok time - $t0 < 4, 'large upload returns at once';
is $r->{status}, 303, 'large upload accepted';
$u = upload_row(sha256_of($bigfile));
ok $u->[7], 'a job was created';
is db_value("SELECT kind FROM job WHERE id = $u->[7]"), 'declist.import', 'job kind declist.import';
$r = $c->get("/declist/view?id=$u->[0]");
like $r->{text}, qr/<progress /, 'progress bar while the job runs';
like $r->{text}, qr/<meta http-equiv="refresh" content="2">/, 'page refreshes itself';
{ local $/; <$holder>; close $holder; }
my $status = '';
for (1 .. 300) {
    $status = db_value("SELECT status FROM job WHERE id = $u->[7]");
    last if $status eq 'done' || $status eq 'failed';
    sleep 0.2;
}
is $status, 'done', 'worker finished the job';
$u = upload_row(sha256_of($bigfile));
is_deeply [@$u[1, 3, 4, 5]], ['done', 5000, 5000, 0], 'all 5000 rows imported';
is db_value("SELECT COUNT(*) FROM customs_decl WHERE upload_id = $u->[0]"), 1000, '1000 declarations';
is db_value("SELECT SUM(fob_usd) FROM customs_decl WHERE upload_id = $u->[0]"), '61700.00', 'sum exact';
is db_value("SELECT progress_done FROM job WHERE id = $u->[7]"), 5000, 'progress complete';
$r = $c->get("/declist/view?id=$u->[0]");
unlike $r->{text}, qr/<progress/, 'no progress bar when done';
like $r->{text}, qr/${\ decl_no(1000)}/, 'result shown';

# ---------------------------------------------------------------- all or nothing

# A job (3000 rows) whose row 1500 fails: nothing of the upload is kept.
my $period2 = sprintf '20%02d%02d', 30 + ($run + 17) % 60, 1 + ($run + 5) % 12;
$period2 = sprintf '20%02d%02d', 30 + ($run + 18) % 60, 1 + ($run + 5) % 12 if $period2 eq $period;
my $marker = "FAIL$run";
my $trigger = "ts_test_fail_$run";
db_do("CREATE TRIGGER $trigger BEFORE INSERT ON customs_decl_line FOR EACH ROW"
      . " SET NEW.item_no = IF(NEW.invoice_no = '$marker', NULL, NEW.item_no)");
my @fail = map { trading_row($_, 3000 + int(($_ - 1) / 3), 1 + ($_ - 1) % 3, '5.00',
                             所属期 => $period2, ($_ == 1500 ? (出口发票号 => $marker) : ())) } 1 .. 3000;
my $failfile = xlsx(\@TRADING, @fail);
$r = upload($c, '第1500行失败.xlsx', $failfile);
is $r->{status}, 303, '3000-row upload accepted as a job';
$u = upload_row(sha256_of($failfile));
my ($fuid, $fjob) = ($u->[0], $u->[7]);
ok $fjob, 'a job was created';
$status = '';
for (1 .. 300) {
    $status = db_value("SELECT status FROM job WHERE id = $fjob");
    last if $status eq 'done' || $status eq 'failed';
    sleep 0.2;
}
db_do("DROP TRIGGER IF EXISTS $trigger");
is $status, 'failed', 'the job failed';
my ($jmsg, $jdone) = @{(db("SELECT message, progress_done FROM job WHERE id = $fjob"))[0]};
like $jmsg, qr/第1502行写入关单清册失败，本次导入已全部撤销/, 'job message names the row (data row 1500 = sheet row 1502: title and header above) in Chinese';
ok $jdone >= 1000, "the failure came after the first 1000 rows were reported ($jdone)";
is_deeply [db("SELECT status, message FROM declist_upload WHERE id = $fuid")]->[0],
    ['failed', $jmsg], 'upload marked failed with the same reason';
is db_value("SELECT COUNT(*) FROM customs_decl WHERE upload_id = $fuid"), 0, 'no customs_decl of the upload';
is db_value("SELECT COUNT(*) FROM customs_decl WHERE ent_id = $ent AND decl_no = '" . decl_no(3000) . "'"), 0,
    'not even the first declaration of the file';
is db_value("SELECT COUNT(*) FROM customs_decl_line WHERE ent_id = $ent AND invoice_no IN ('INV1', 'INV999')"
            . " AND link_no LIKE 'L$run%' AND decl_id IN (SELECT id FROM customs_decl WHERE period = '$period2')"), 0,
    'no customs_decl_line of it';
is db_value("SELECT COUNT(*) FROM period_filing WHERE ent_id = $ent AND period = '$period2'"), 0, 'no period_filing of it';
$r = $c->get("/declist/view?id=$fuid");
like $r->{text}, qr/第1502行写入关单清册失败/, 'the 【>】 page shows the reason';

# ---------------------------------------------------------------- kill -9 mid-job

# The stack's worker is ours until the SIGTERM case below is done (customs.t
# and customs_import_recovery.t stop and start it too).
my $worker_lock = worker_lock('worker');
# The worker is killed while it waits on a declaration held by another
# session (row 1500's); its open transaction dies with it.  scripts/stack.sh
# start brings up a new worker, which queues the job again and completes it.
my %hdf;
{
    open my $fh, '<', var_dir() . '/etc/tuishui.hdf' or die $!;
    while (<$fh>) { $hdf{$1} = $2 if /^\s*([\w.]+)\s*=\s*(.*?)\s*$/ }
}
my ($port) = base_url() =~ /:(\d+)$/;
my $wpidfile = var_dir() . '/run/worker.pid';
sub worker_pid { open my $fh, '<', $wpidfile or return 0; my $p = <$fh> // ''; $p =~ /^(\d+)/ ? $1 : 0 }
my $old_worker = worker_pid();
ok pid_alive($old_worker), "worker running (pid $old_worker)";

my @kill = map { trading_row($_, 4000 + int(($_ - 1) / 5), 1 + ($_ - 1) % 5, '1.01') } 1 .. 5000;
my $killfile = xlsx(\@TRADING, @kill);
my $held = decl_no(4000 + int(1499 / 5));
$hold = encode_utf8("START TRANSACTION; INSERT INTO customs_decl (ent_id, decl_no, period) VALUES ($ent, '$held', '$period'); SELECT SLEEP(10); ROLLBACK;");
open $holder, '-|', 'mariadb', '--no-defaults', "--socket=$sock", '--user=root', '-N', '-B', 'tuishui', '-e', $hold
    or die "mariadb: $!";
sleep 0.5;
$r = upload($c, '杀掉工作进程.xlsx', $killfile);
is $r->{status}, 303, '5000-row upload accepted as a job';
$u = upload_row(sha256_of($killfile));
my ($kuid, $kjob) = ($u->[0], $u->[7]);
my $kdone = 0;
for (1 .. 80) {
    $kdone = db_value("SELECT progress_done FROM job WHERE id = $kjob") // 0;
    last if $kdone >= 1000;
    sleep 0.1;
}
ok $kdone >= 1000, "job mid-way ($kdone rows reported, waiting on row 1500)";
is db_value("SELECT COUNT(*) FROM customs_decl WHERE upload_id = $kuid"), 0, 'nothing of it visible while its transaction is open';
kill 'KILL', $old_worker;
for (1 .. 50) { last unless pid_alive($old_worker); sleep 0.1 }
ok !pid_alive($old_worker), 'worker killed with SIGKILL';
is db_value("SELECT status FROM job WHERE id = $kjob"), 'running', 'job left running by the dead worker';
my $out = qx{VAR='${\ var_dir()}' PORT=$port TS_MODE=$hdf{mode} TS_WORKERS=$hdf{'app.workers'} B='${\ ($ENV{TS_BUILD} // 'build')}' '$FindBin::Bin/../../scripts/stack.sh' start 2>&1 </dev/null};
is $?, 0, 'scripts/stack.sh start' or diag $out;
like $out, qr/worker: started/, 'it started a new worker';
my $new_worker = worker_pid();
ok $new_worker && $new_worker != $old_worker && pid_alive($new_worker), "new worker (pid $new_worker)";
{ local $/; <$holder>; close $holder; }
$status = '';
for (1 .. 600) {
    $status = db_value("SELECT status FROM job WHERE id = $kjob");
    last if $status eq 'done' || $status eq 'failed';
    sleep 0.2;
}
is $status, 'done', 'the job was queued again and completed';
is db_value("SELECT worker_pid FROM job WHERE id = $kjob"), $new_worker, 'by the new worker';
$u = upload_row(sha256_of($killfile));
is_deeply [@$u[1, 3, 4, 5]], ['done', 5000, 5000, 0], 'the full row count imported';
is db_value("SELECT COUNT(*) FROM customs_decl WHERE upload_id = $kuid"), 1000, '1000 declarations';
is db_value("SELECT SUM(line_count) FROM customs_decl WHERE upload_id = $kuid"), 5000, '5000 lines, none twice';
is db_value("SELECT SUM(fob_usd) FROM customs_decl WHERE upload_id = $kuid"), '5050.00', 'sum exact';
like slurp_log(), qr/job\(s\) of a worker that died queued again/, 'worker.log says it recovered the job';

# ---------------------------------------------------------------- SIGTERM mid-job

# SIGTERM (scripts/stack.sh stop) while a job runs: the worker stops at the
# job's next progress report, rolls it back and queues it again, and exits;
# the next worker imports it whole.
$old_worker = worker_pid();
my @term = map { trading_row($_, 6000 + int(($_ - 1) / 5), 1 + ($_ - 1) % 5, '2.00') } 1 .. 4000;
my $termfile = xlsx(\@TRADING, @term);
$held = decl_no(6000 + int(1499 / 5));
$hold = encode_utf8("START TRANSACTION; INSERT INTO customs_decl (ent_id, decl_no, period) VALUES ($ent, '$held', '$period'); SELECT SLEEP(3); ROLLBACK;");
open $holder, '-|', 'mariadb', '--no-defaults', "--socket=$sock", '--user=root', '-N', '-B', 'tuishui', '-e', $hold
    or die "mariadb: $!";
sleep 0.5;
$r = upload($c, '停止工作进程.xlsx', $termfile);
$u = upload_row(sha256_of($termfile));
my ($tuid, $tjob) = ($u->[0], $u->[7]);
for (1 .. 80) {
    last if (db_value("SELECT progress_done FROM job WHERE id = $tjob") // 0) >= 1000;
    sleep 0.1;
}
kill 'TERM', $old_worker;
{ local $/; <$holder>; close $holder; }
for (1 .. 150) { last unless pid_alive($old_worker); sleep 0.1 }
ok !pid_alive($old_worker), 'worker exited on SIGTERM';
is_deeply [db("SELECT status, progress_done, IFNULL(worker_pid, 0) FROM job WHERE id = $tjob")]->[0], ['queued', 0, 0],
    'the job was rolled back and queued again';
is db_value("SELECT status FROM declist_upload WHERE id = $tuid"), 'queued', 'the upload says queued';
is db_value("SELECT COUNT(*) FROM customs_decl WHERE upload_id = $tuid"), 0, 'nothing of it written';
$out = qx{VAR='${\ var_dir()}' PORT=$port TS_MODE=$hdf{mode} TS_WORKERS=$hdf{'app.workers'} B='${\ ($ENV{TS_BUILD} // 'build')}' '$FindBin::Bin/../../scripts/stack.sh' start 2>&1 </dev/null};
is $?, 0, 'scripts/stack.sh start' or diag $out;
$status = '';
for (1 .. 600) {
    $status = db_value("SELECT status FROM job WHERE id = $tjob");
    last if $status eq 'done' || $status eq 'failed';
    sleep 0.2;
}
is $status, 'done', 'the next worker completed it';
close $worker_lock;
is_deeply [@{upload_row(sha256_of($termfile))}[1, 3, 4, 5]], ['done', 4000, 4000, 0], 'all 4000 rows';
is db_value("SELECT SUM(line_count) FROM customs_decl WHERE upload_id = $tuid"), 4000, '4000 lines, none twice';

sub slurp_log { open my $fh, '<', var_dir() . '/log/worker.log' or return ''; local $/; scalar <$fh> }

done_testing;
