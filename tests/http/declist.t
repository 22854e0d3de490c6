# 生成关单清册 (000 §2.4.1): upload of the 外贸企业 / 生产企业 明细申请表,
# the 关单清册 and 按所属期备案 it makes, bad rows and their errors xlsx,
# the same file again, a missing column, a large file as a job for
# tools/ts-worker (progress bar, then the result), and tenancy.
#
# The xlsx files are made here with /usr/bin/python3 + openpyxl
# (tests/data/declist/xlsx.py); the test skips when openpyxl is missing.
use strict;
use warnings;
use utf8;

use FindBin;
use lib "$FindBin::Bin/lib";
use Encode qw(encode_utf8 decode_utf8);
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
sub xlsx {
    my ($headers, @rows) = @_;
    my $path = "$tmp/f" . ++$nfile . '.xlsx';
    open my $fh, '|-', $PY, $GEN, 'write', $path or die "python: $!";
    print $fh encode_utf8(join("\n", map { join "\t", @$_ } $headers, @rows) . "\n");
    close $fh or die "xlsx.py write failed";
    open my $in, '<:raw', $path or die $!;
    local $/;
    return scalar <$in>;
}

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

# ---------------------------------------------------------------- bad rows

my @bad = map { trading_row($_, 100 + $_, 1, '100.00') } 1 .. 10;
$bad[2] = trading_row(3, 103, 1, '100.00', 出口报关单号 => '12345');
$bad[5] = trading_row(6, 106, 1, '100.00', 出口日期 => '2026-13-45');
$bad[8] = trading_row(9, 109, 1, 'abc');
my $badfile = xlsx(\@TRADING, @bad);
$r = upload($c, '有错误.xlsx', $badfile);
is $r->{status}, 303, 'sheet with bad rows imported';
$u = upload_row(sha256_of($badfile));
is_deeply [@$u[1, 3, 4, 5]], ['done', 10, 7, 3], '7 good rows, 3 bad';
ok $u->[6], 'errors xlsx stored';
$r = $c->get("/declist/errors?id=$u->[0]");
is $r->{status}, 200, '下载错误明细';
like $r->{headers}{'content-disposition'} // '', qr/filename\*=UTF-8''/i, 'with a Chinese file name';
my @er = read_xlsx($r->{content});
is scalar(@er), 4, 'header + 3 bad rows';
is $er[0][-1], '错误原因', 'last column 错误原因';
like $er[1][-1], qr/报关单号/, 'row 3: 报关单号';
like $er[2][-1], qr/出口日期/, 'row 6: 出口日期';
like $er[3][-1], qr/美元离岸价/, 'row 9: 美元离岸价';
is_deeply [map { $_->[-2] } @er[1 .. 3]], [5, 8, 11], 'source row numbers (title and header above)';

# ---------------------------------------------------------------- missing column

my @nodecl = grep { $_ ne '出口报关单号' } @TRADING;
my $nofile = xlsx(\@nodecl, map { my $row = trading_row($_, 200 + $_, 1, '1.00'); splice @$row, 4, 1; $row } 1 .. 3);
$r = upload($c, '缺列.xlsx', $nofile);
like $r->{text}, qr/缺少必需的列：报关单号/, 'missing 报关单号 column refused with the message';
is db_value("SELECT COUNT(*) FROM declist_upload WHERE sha256 = '" . sha256_of($nofile) . "'"), 0, 'nothing recorded';

# ---------------------------------------------------------------- not an xlsx

$r = upload($c, '假的.xlsx', "PK\x03\x04 not really a zip");
like $r->{text}, qr/XLSX|xlsx/, 'a file that is not an xlsx is refused';

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

done_testing;
