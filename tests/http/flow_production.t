# The whole 备案单证 flow as the 生产企业's administrator (000 §2.4–2.5;
# tests/browser/filing_flow.test.mjs does it as the 外贸企业 in Chromium):
#   电子化管理备案 saved as 生产企业 → 生成关单清册 from a 200-row
#   生产企业出口货物劳务免抵退税申请明细表 (made with /usr/bin/python3 +
#   openpyxl, tests/data/declist/xlsx.py; no 所属期 column, so the form's) →
#   上传备案单证: the 生产企业's kinds (收购非自产货物的购货合同 offered,
#   外贸企业购货合同 not), a PDF for each required one and a JPEG for an
#   optional one → 收齐 refused for a declaration without documents, naming
#   the kinds it lacks, accepted for the one with all → 导出ZIP (entries and
#   bytes), 导出PDF (pdftotext, page count), 导出表格 (read back).
use strict;
use warnings;
use utf8;

use FindBin;
use lib "$FindBin::Bin/lib";
use Encode qw(decode_utf8 encode_utf8);
use File::Temp qw(tempdir);
use Test::More;
use TsTest qw(:DEFAULT :files :html);

my $PY = '/usr/bin/python3';
my $GEN = "$FindBin::Bin/../data/declist/xlsx.py";
plan skip_all => 'openpyxl not available under /usr/bin/python3'
    unless system($PY, '-c', 'import openpyxl') == 0;

my $tmp = tempdir(CLEANUP => 1);
my $run = sprintf '%06d', ($$ * 7919 + time) % 1000000;
my $period = sprintf '20%02d%02d', 30 + $run % 60, 1 + int($run / 60) % 12;
sub decl_no { sprintf '5103%06d%08d', $run, $_[0] }

sub save { my ($name, $bytes) = @_; my $p = "$tmp/$name"; open my $fh, '>:raw', $p or die $!; print $fh $bytes; close $fh; $p }
sub run_py {
    my ($code, @args) = @_;
    open my $fh, '-|', $PY, '-c', $code, @args or die "python: $!";
    local $/;
    my $out = decode_utf8(scalar <$fh>);
    close $fh or die "python failed: $code";
    return $out;
}

my $c = login('ent-admin-production');
my $login = account('ent-admin-production')->{login};
my ($ent, $bureau) = @{(db("SELECT e.id, e.tax_bureau_code FROM enterprise e JOIN app_user u ON u.ent_id = e.id WHERE u.login_name = '$login'"))[0]};

# ---------------------------------------------------------------- 电子化管理备案

my $FORM = test_pdf("efiling production $run");
my $r = $c->post_multipart('/efiling/save', [[ent_type => 'production'], [tax_bureau_code => $bureau],
    [manage_mode => 'self_made'], [form_file => {filename => '备案申请表.pdf', content => $FORM, type => 'application/pdf'}],
    [remark => "生产企业流程$run"]]);
is $r->{status}, 303, '电子化管理备案 saved' or diag $r->{text};
is db_value("SELECT CONCAT(ent_type, '|', form_sha256) FROM efiling WHERE ent_id = $ent"), 'production|' . sha256_hex($FORM),
    'filed as 生产企业 with its 备案申请表';
like $c->get('/efiling/')->{text}, qr/已备案/, 'shown as filed';

# ---------------------------------------------------------------- 生成关单清册

my @PROD = qw(序号 出口发票号 出口报关单号 代理出口货物证明号 出口日期 出口商品代码 出口商品名称
              计量单位 出口数量 原币代码 原币离岸价 美元离岸价 人民币离岸价 征税率 退税率);
my $xlsx = "$tmp/生产企业.xlsx";
{
    open my $fh, '|-', $PY, $GEN, 'write', $xlsx, '1900' or die "python: $!";
    print $fh encode_utf8(join("\t", @PROD) . "\n");
    for my $n (1 .. 200) {
        print $fh encode_utf8(join("\t", $n, "PI$n", decl_no(1 + int(($n - 1) / 5)), '', '20261110', '8471300000',
            '服务器', '台', 2, 'USD', '500.00', '500.00', '3550.00', '0.13', '0.13') . "\n");
    }
    close $fh or die 'xlsx.py write failed';
}
my $sheet = do { open my $in, '<:raw', $xlsx or die $!; local $/; <$in> };
$r = $c->post_multipart('/declist/upload', [[period => $period],
    [file => {filename => '生产企业出口货物劳务免抵退税申请明细表.xlsx', content => $sheet,
              type => 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'}]]);
is $r->{status}, 303, '200-row 生产企业 table imported' or diag $r->{text};
my ($uid, $kind, $ok) = @{(db("SELECT id, table_kind, rows_ok FROM declist_upload WHERE ent_id = $ent AND sha256 = '" . sha256_hex($sheet) . "'"))[0] // []};
is_deeply [$kind, $ok], ['production', 200], 'recognised as the 生产企业 table, 200 rows';
like $c->follow($r)->{text}, qr/导入完成：共200行，成功200行，错误0行/, 'the result said';
is db_value("SELECT COUNT(*) FROM customs_decl WHERE upload_id = $uid"), 40, '40 declarations';
is db_value("SELECT COUNT(*) FROM period_filing WHERE ent_id = $ent AND period = '$period'"), 1, 'the 按所属期备案 of the 所属期 typed';
my ($d1, $d2) = map { db_value("SELECT id FROM customs_decl WHERE ent_id = $ent AND decl_no = '" . decl_no($_) . "'") } 1, 2;

# ---------------------------------------------------------------- 上传备案单证

$r = $c->get("/docupload/docs?decl=$d1");
is $r->{status}, 200, '上传备案单证 of the first declaration';
my (%kind_id, %required);
while ($r->{text} =~ m{<tr class="kind" data-kind="(\d+)">\s*<td>([^<]+)</td>\s*<td>(是|否)</td>}g) {
    $kind_id{$2} = $1;
    $required{$2} = 1 if $3 eq '是';
}
is_deeply [sort keys %required], [sort qw(出口合同 出口货物运输单据)], 'the 生产企业 must file 出口合同 and 出口货物运输单据';
ok $kind_id{'收购非自产货物的购货合同'}, 'the 生产企业 kind 收购非自产货物的购货合同 is offered';
ok !$kind_id{'外贸企业购货合同'}, 'the 外贸企业 kind is not';

my (%uploaded, %marker);
my $nkind = 0;
for my $name (sort keys %required) {
    $marker{$name} = 'Kind' . ++$nkind . " $run";
    my $pdf = test_pdf($marker{$name});
    $r = $c->post_multipart('/docupload/upload', [[decl => $d1], [doc_kind_id => $kind_id{$name}],
        [files => {filename => "$name.pdf", content => $pdf, type => 'application/pdf'}]]);
    is $r->{status}, 303, "$name uploaded";
    $uploaded{"$name/$name.pdf"} = $pdf;
}
$r = $c->post_multipart('/docupload/upload', [[decl => $d1], [doc_kind_id => $kind_id{'收购非自产货物的购货合同'}],
    [files => {filename => '购货合同扫描.jpg', content => test_jpeg(), type => 'image/jpeg'}]]);
is $r->{status}, 303, 'a JPEG for 收购非自产货物的购货合同';
$uploaded{'收购非自产货物的购货合同/购货合同扫描.jpg'} = test_jpeg();

# ---------------------------------------------------------------- 单证收齐审核

$r = $c->post('/doccheck/complete', {one => $d2});
is $r->{status}, 200, '收齐 of a declaration without documents: refused';
like $r->{text}, qr{<li class="refused">报关单 ${\ decl_no(2)}：缺少 出口合同、出口货物运输单据</li>}, 'naming the kinds it lacks';
is db_value("SELECT status FROM customs_decl WHERE id = $d2"), 'incomplete', 'still 未收齐';
$r = $c->post('/doccheck/complete', {one => $d1});
is $r->{status}, 303, '收齐 of the declaration with every required kind';
is db_value("SELECT status FROM customs_decl WHERE id = $d1"), 'complete', '已收齐';
is db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'customs_decl' AND object_id = '$d1' AND detail LIKE 'status incomplete->complete%'"), 1,
    'audited';

# ---------------------------------------------------------------- 导出备案目录

my $no1 = decl_no(1);
$r = $c->get("/docexport/zip?decl_no=$no1&status=complete");
is $r->{status}, 200, '导出ZIP';
is $r->{headers}{'content-type'}, 'application/zip', 'a ZIP';
my $zip = save('out.zip', $r->{content});
my %entries = map { my ($n, $h) = split /\t/; ($n => $h) } split /\n/, run_py(
    'import sys,zipfile,hashlib
z=zipfile.ZipFile(sys.argv[1])
for i in z.infolist(): sys.stdout.buffer.write((i.filename+"\t"+hashlib.sha256(z.read(i)).hexdigest()+"\n").encode())', $zip);
is_deeply [sort grep { !/\/$/ } keys %entries], [sort('备案目录.xlsx', map { "$no1/$_" } keys %uploaded)],
    'one entry per document under <报关单号>/<单证种类>/, and 备案目录.xlsx';
is $entries{"$no1/$_"}, sha256_hex($uploaded{$_}), "$_: the bytes uploaded" for sort keys %uploaded;

$r = $c->get("/docexport/pdf?decl_no=$no1");
is $r->{status}, 200, '导出PDF';
is $r->{headers}{'content-type'}, 'application/pdf', 'a PDF';
my $pdf = save('out.pdf', $r->{content});
my ($pages) = `pdfinfo '$pdf'` =~ /^Pages:\s+(\d+)/m;
is $pages, 1 + 3, 'pages: the catalog + 2 PDFs of one page + 1 image';
my $text = decode_utf8(scalar `pdftotext -q -layout '$pdf' -`);
like $text, qr/备案单证目录/, 'the catalog';
like $text, qr/$no1/, 'with the 报关单号';
like $text, qr/\Q$marker{$_}\E/, "the page of $_" for sort keys %required;

$r = $c->get("/docexport/table?decl_no=$no1&status=complete");
is $r->{status}, 200, '导出表格';
my @rows = split /\n/, run_py('import sys,openpyxl
ws=openpyxl.load_workbook(sys.argv[1],read_only=True).active
for row in ws.iter_rows(values_only=True): sys.stdout.buffer.write(("\t".join("" if v is None else str(v) for v in row)+"\n").encode())',
    save('table.xlsx', $r->{content}));
is $rows[0], join("\t", qw(报关单号 所属期 出口日期 单证种类 文件名 大小（字节） 上传时间 SHA-256)), 'its header';
is scalar(@rows), 1 + 3, 'one row per document';
for my $u (sort keys %uploaded) {
    my ($k, $f) = split m{/}, $u;
    ok((grep { /^$no1\t$period\t2026-11-10\t\Q$k\E\t\Q$f\E\t/ } @rows), "row of $f");
}

done_testing;
