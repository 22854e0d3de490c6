# 导出备案目录 (000 §2.4.4): the query list, 【导出ZIP】 (folders by 报关单号
# and 单证种类, safe and numbered names, the bytes as uploaded, 备案目录.xlsx),
# 【导出PDF】 (one declaration only: catalog page + images + the uploaded
# PDFs' pages), 【导出表格】 (xlsx, declarations without documents as rows),
# 【打印单证】, tenancy.  Documents go in through the real docupload upload;
# one row is added by SQL to give a hostile file name.
use strict;
use warnings;
use utf8;

use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Time::HiRes qw(sleep time);
use Test::More;
use TsTest qw(:DEFAULT :files :html);

# A one-page PDF 1.4 with a line of text (offsets computed).
my $JPEG = test_jpeg();

my $run = $$ . time;
my ($PDF1, $PDF2, $PDF3) = map { test_pdf("Doc $_ $run") } 1 .. 3;
my $tmp = tempdir(CLEANUP => 1);
my $PY = '/usr/bin/python3';

sub part { my ($name, $bytes, $type) = @_; return [files => {filename => $name, content => $bytes, type => $type // 'application/pdf'}] }
sub save { my ($name, $bytes) = @_; my $p = "$tmp/$name"; open my $fh, '>:raw', $p or die; print $fh $bytes; close $fh; return $p }
sub run_py { my ($code, @args) = @_; open my $fh, '-|', $PY, '-c', $code, @args or die; local $/; my $o = <$fh>; close $fh; return Encode::decode('UTF-8', $o // '') }

my $c = login('ent-admin-production');
my $other = login('ent-admin-trading');
my $login = account('ent-admin-production')->{login};
my $ent = db_value(qq{SELECT ent_id FROM app_user WHERE login_name = '$login'});
my $user = db_value(qq{SELECT id FROM app_user WHERE login_name = '$login'});

# ---------------------------------------------------------------- data

my $period = sprintf '%04d%02d', 2040 + $$ % 60, 1 + int rand 12;
db_do("INSERT IGNORE INTO period_filing (ent_id, period, declared_on, due_date, retention_until)"
    . " VALUES ($ent, '$period', CURDATE(), CURDATE() + INTERVAL 10 DAY, '2036-12-31')");
my $pf = db_value("SELECT id FROM period_filing WHERE ent_id = $ent AND period = '$period'");
my $prefix = sprintf '5102%06d%07d', $$ % 1000000, time % 10000000;    # 17 digits
my ($no1, $no2) = map { $prefix . $_ } 1, 2;
for my $no ($no1, $no2) {
    db_do("INSERT INTO customs_decl (ent_id, decl_no, period, period_filing_id, export_date, line_count)"
        . " VALUES ($ent, '$no', '$period', $pf, '2026-01-10', 1)");
}
my ($d1, $d2) = map { db_value("SELECT id FROM customs_decl WHERE ent_id = $ent AND decl_no = '$_'") } $no1, $no2;
db_do("UPDATE customs_decl SET status = 'complete', completed_by = $user, completed_at = NOW() WHERE id = $d2");
my $contract = db_value(q{SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '出口合同'});
my $transport = db_value(q{SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '出口货物运输单据'});

my $r = $c->post_multipart('/docupload/upload', [[decl => $d1], [doc_kind_id => $contract],
    part('合同.pdf', $PDF1), part('合同附件.jpg', $JPEG, 'image/jpeg')]);
is($r->{status}, 303, 'upload contract + image through docupload');
$r = $c->post_multipart('/docupload/upload', [[decl => $d1], [doc_kind_id => $transport],
    part('提单.pdf', $PDF2), part('提单.pdf', $PDF3)]);
is($r->{status}, 303, 'upload two different files of the same name');
# A hostile name, as an older import could have stored it.
my $sha1 = sha256_hex($PDF1);
db_do("INSERT INTO decl_document (ent_id, decl_id, doc_kind_id, sha256, file_name, size, kind, uploaded_by)"
    . " VALUES ($ent, $d1, $transport, '$sha1', '../..\\\\x/\x01evil.pdf', " . length($PDF1) . ", 'pdf', $user)");
is(db_value("SELECT COUNT(*) FROM decl_document WHERE decl_id = $d1"), 5, 'five documents on the first declaration');

# ---------------------------------------------------------------- the page

{
    my $clerk = login('ent-clerk');
    is($clerk->get('/docexport/')->{status}, 403, 'a user without 导出备案目录 gets 403');
    like($c->get('/workbench/')->{text}, qr{<a href="/docexport/">导出备案目录</a>}, 'the menu has 导出备案目录');
}
$r = $c->get("/docexport/?decl_no=$prefix");
is($r->{status}, 200, 'list page');
for my $h (qw(报关单号 所属期 出口日期 单证数 状态)) {
    like($r->{text}, qr{<th>$h</th>}, "column $h");
}
like($r->{text}, qr{<td>$no1</td>\s*<td>$period</td>\s*<td>2026-01-10</td>\s*<td class="num">5</td>\s*<td>未收齐</td>}, 'row of the first declaration');
like($r->{text}, qr{<td>$no2</td>.*?<td>已收齐</td>}s, '全部 by default: the complete one too');
like($r->{text}, qr{formaction="/docexport/$_"}, "button $_") for qw(zip pdf table print);
$r = $c->get("/docexport/?decl_no=$prefix&status=complete");
unlike($r->{text}, qr{<td>$no1</td>}, '已收齐 narrows');
$r = $c->get("/docexport/?decl_no=$prefix&period=20261");
is($r->{status}, 200, 'a bad 所属期: the list is still shown');
like($r->{text}, qr{class="form-errors"[^>]*>.*?所属期.*?查询时未使用此条件}s, 'a bad 所属期: said above the list');
is(input_value($r->{text}, 'period'), '20261', 'a bad 所属期: kept in the field');
like($r->{text}, qr{<td>$no1</td>}, 'a bad 所属期: left out of the query, the rest applies');

# ---------------------------------------------------------------- 导出ZIP

$r = $c->get("/docexport/zip?decl_no=$prefix&status=all");
is($r->{status}, 200, 'ZIP export');
is($r->{headers}{'content-type'}, 'application/zip', 'as application/zip');
like($r->{headers}{'content-disposition'}, qr{filename\*=UTF-8''%E5%A4%87%E6%A1%88%E7%9B%AE%E5%BD%95-\d{8}\.zip}, 'named 备案目录-<date>.zip (RFC 5987)');
my $zip = save('out.zip', $r->{content});
my %entries = map { my ($n, $h) = split /\t/; ($n => $h) } split /\n/, run_py(
    'import sys,zipfile,hashlib
z=zipfile.ZipFile(sys.argv[1])
for i in z.infolist(): sys.stdout.buffer.write((i.filename+"\t"+hashlib.sha256(z.read(i)).hexdigest()+"\n").encode())', $zip);
is($entries{"$no1/出口合同/合同.pdf"}, sha256_hex($PDF1), 'contract PDF in <报关单号>/<单证种类>/, bytes as uploaded');
is($entries{"$no1/出口合同/合同附件.jpg"}, sha256_hex($JPEG), 'the image, bytes as uploaded');
is($entries{"$no1/出口货物运输单据/提单.pdf"}, sha256_hex($PDF2), 'first 提单.pdf');
is($entries{"$no1/出口货物运输单据/提单(2).pdf"}, sha256_hex($PDF3), 'the second of the same name numbered');
my @evil = grep { m{^\Q$no1\E/出口货物运输单据/} && !/提单/ } keys %entries;
is(scalar @evil, 1, 'the hostile name is one entry in its folder');
unlike($evil[0] // '', qr{\.\.|\\|[\x00-\x1f]}, "no .., backslash or control char: $evil[0]") ;
is(scalar(grep { m{/} && !m{^\Q$no1\E/} } keys %entries), 0, 'nothing outside the declaration folders');
ok(exists $entries{'备案目录.xlsx'}, '备案目录.xlsx at the root');
unlike(join(',', keys %entries), qr{$no2}, 'a declaration without documents has no folder');
my $xl = "$tmp/cat.xlsx";
run_py('import sys,zipfile; open(sys.argv[2],"wb").write(zipfile.ZipFile(sys.argv[1]).read("备案目录.xlsx"))', $zip, $xl);
my $XL = 'import sys,openpyxl
ws=openpyxl.load_workbook(sys.argv[1],read_only=True).active
for row in ws.iter_rows(values_only=True): sys.stdout.buffer.write(("\t".join("" if v is None else str(v) for v in row)+"\n").encode())';
my @cat = split /\n/, run_py($XL, $xl);
is($cat[0], join("\t", qw(报关单号 单证种类 文件名 ZIP内路径 大小（字节） 上传时间 SHA-256)), 'catalog header');
my $want = quotemeta join "\t", $no1, '出口合同', '合同.pdf', "$no1/出口合同/合同.pdf", length($PDF1);
ok((grep { /^$want\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\t$sha1$/ } @cat), 'catalog row: 报关单号, 单证种类, 文件名, path, 大小, 上传时间, SHA-256');
ok((grep { /^$no2\t\t（无单证）/ } @cat), 'the declaration without documents is a row');
is(scalar @cat, 7, 'header + 5 documents + 1 empty declaration');
is(scalar(grep { /^export-/ } do { opendir my $dh, var_dir() . '/tmp' or die; readdir $dh }), 0, 'temp files removed after sending');

$r = $c->get("/docexport/zip?decl_no=9999999999999999&status=all");
like($r->{text}, qr{没有符合条件的报关单，未导出}, 'ZIP of nothing: refused with the reason');

# ---------------------------------------------------------------- 导出PDF

$r = $c->get("/docexport/pdf?decl_no=$prefix&status=all");
is($r->{status}, 200, 'PDF of two declarations: the page again');
like($r->{text}, qr{导出PDF须唯一报关单，请输入报关单号查询}, 'with the manual\'s rule');
$r = $c->get("/docexport/pdf?decl_no=$no1");
is($r->{status}, 200, 'PDF of one declaration');
is($r->{headers}{'content-type'}, 'application/pdf', 'as application/pdf');
SKIP: {
    skip 'poppler-utils not installed', 3 unless -x '/usr/bin/pdfinfo';
    my $p = save('out.pdf', $r->{content});
    my ($pages) = `pdfinfo $p` =~ /^Pages:\s+(\d+)/m;
    is($pages, 1 + 1 + 4, 'pages: 1 catalog + 1 image + 4 uploaded PDFs of one page');
    my $text = Encode::decode('UTF-8', scalar `pdftotext -q -layout $p -`);
    like($text, qr{备案单证目录}, 'catalog title');
    like($text, qr{$no1}, 'the 报关单号 on the catalog');
    like($text, qr{Doc 3 $run}, 'an uploaded PDF\'s page is in');
}
$r = $c->get("/docexport/pdf?decl_no=$no2");
is($r->{status}, 200, 'PDF of a declaration without documents: the catalog alone');

# ---------------------------------------------------------------- 导出表格

$r = $c->get("/docexport/table?decl_no=$prefix&status=all");
is($r->{status}, 200, 'xlsx export');
like($r->{headers}{'content-type'}, qr{spreadsheetml}, 'as xlsx');
my @rows = split /\n/, run_py($XL, save('table.xlsx', $r->{content}));
is($rows[0], join("\t", qw(报关单号 所属期 出口日期 单证种类 文件名 大小（字节） 上传时间 SHA-256)), 'table header');
is(scalar @rows, 7, 'one row per document, plus the declaration without');
ok((grep { /^$no1\t$period\t2026-01-10\t出口合同\t合同附件\.jpg\t${\ length $JPEG}\t\S+ \S+\t${\ sha256_hex($JPEG)}$/ } @rows), 'a document row');
ok((grep { /^$no2\t$period\t2026-01-10\t\t（无单证）/ } @rows), 'the declaration without documents');

# ---------------------------------------------------------------- 打印单证

$r = $c->get("/docexport/print?decl_no=$prefix&status=all");
like($r->{text}, qr{打印单证须唯一报关单，请输入报关单号查询}, 'print of two: refused');
$r = $c->get("/docexport/print?decl_no=$no1");
is($r->{status}, 200, 'print page');
like($r->{text}, qr{<span class="decl-no">$no1</span>}, 'the 报关单号');
like($r->{text}, qr{<img class="doc-image" src="/docexport/file\?id=(\d+)"}, 'the image');
my ($img) = $r->{text} =~ m{src="/docexport/file\?id=(\d+)"};
like($r->{text}, qr{PDF单证请通过【导出PDF】导出后打印}, 'PDFs noted');
$r = $c->get("/docexport/file?id=$img");
is($r->{status}, 200, 'the image URL');
is(sha256_hex($r->{content}), sha256_hex($JPEG), 'the image bytes');

# ---------------------------------------------------------------- tenancy

is($other->get("/docexport/file?id=$img")->{status}, 404, 'another enterprise\'s file id: 404');
$r = $other->get("/docexport/pdf?decl_no=$no1");
like($r->{text}, qr{导出PDF须唯一报关单}, 'another enterprise\'s 报关单号 matches nothing');
$r = $other->get("/docexport/zip?decl_no=$no1");
like($r->{text}, qr{没有符合条件的报关单}, 'nor for the ZIP');
$r = $other->get("/docexport/print?decl_no=$no1");
unlike($r->{text}, qr{$no1</span>}, 'nor for printing');

# ---------------------------------------------------------------- 按所属期备案 in the exports

sub zip_entries {
    my ($bytes, $name) = @_;
    my $p = save($name, $bytes);
    return map { my ($n, $h) = split /\t/; ($n => $h) } split /\n/, run_py(
        'import sys,zipfile,hashlib
z=zipfile.ZipFile(sys.argv[1])
for i in z.infolist(): sys.stdout.buffer.write((i.filename+"\t"+hashlib.sha256(z.read(i)).hexdigest()+"\n").encode())', $p);
}
sub zip_catalog {
    my ($bytes, $name) = @_;
    my $p = save($name, $bytes);
    run_py('import sys,zipfile; open(sys.argv[2],"wb").write(zipfile.ZipFile(sys.argv[1]).read("备案目录.xlsx"))', $p, "$p.xlsx");
    return split /\n/, run_py($XL, "$p.xlsx");
}

my $PDF4 = test_pdf("Freight $run");
$r = $c->post_multipart('/docupload/upload', [[period => $pf], [doc_kind_id => $transport], part('运费发票.pdf', $PDF4)]);
is($r->{status}, 303, 'a 按所属期备案 document through docupload');
$r = $c->get("/docexport/zip?decl_no=$prefix&period=$period&status=all");
is($r->{status}, 200, 'ZIP of the 所属期');
%entries = zip_entries($r->{content}, 'period.zip');
is($entries{"$period/出口货物运输单据/运费发票.pdf"}, sha256_hex($PDF4), 'the 按所属期备案 document under <所属期>/<单证种类>/');
is($entries{"$no1/出口合同/合同.pdf"}, sha256_hex($PDF1), 'the declarations\' documents as before');
@cat = zip_catalog($r->{content}, 'period-cat.zip');
$want = quotemeta join "\t", "（按所属期备案 $period）", '出口货物运输单据', '运费发票.pdf', "$period/出口货物运输单据/运费发票.pdf", length($PDF4);
ok((grep { /^$want\t\S+ \S+\t${\ sha256_hex($PDF4)}$/ } @cat), '备案目录.xlsx lists it with its path');
$r = $c->get("/docexport/zip?decl_no=$prefix&status=all");
%entries = zip_entries($r->{content}, 'decls.zip');
ok(exists $entries{"$period/出口货物运输单据/运费发票.pdf"}, 'also when the query names no 所属期: the period of its declarations');
$r = $c->get("/docexport/table?decl_no=$prefix&period=$period&status=all");
@rows = split /\n/, run_py($XL, save('period-table.xlsx', $r->{content}));
ok((grep { /^\t$period\t\t出口货物运输单据\t运费发票\.pdf\t${\ length $PDF4}\t/ } @rows), '导出表格 lists it under its 所属期');
$r = $c->get("/docexport/zip?decl_no=$prefix&period=$period&status=complete");
%entries = zip_entries($r->{content}, 'complete.zip');
ok(exists $entries{"$period/出口货物运输单据/运费发票.pdf"}, '已收齐 of the period: its 按所属期备案 documents too');
like($other->get("/docexport/zip?period=$period&status=all")->{text}, qr{没有符合条件的报关单}, 'not for another enterprise');

# A declaration whose customs_decl.period_filing_id is NULL (the import
# always sets it; a row written otherwise need not): its 所属期's
# 按所属期备案 documents are found by (ent_id, 所属期), the filing docupload
# and lib/ts_docs give a declaration — in the ZIP, its count (开始导出 of a declaration with no document
# of its own), the job's ZIP, and the one-declaration outputs.
{
    my $period5 = sprintf '%04d%02d', 2220 + $$ % 60, 1 + int rand 12;
    db_do("INSERT IGNORE INTO period_filing (ent_id, period, declared_on, due_date, retention_until)"
        . " VALUES ($ent, '$period5', CURDATE(), CURDATE() + INTERVAL 10 DAY, '2036-12-31')");
    my $pf5 = db_value("SELECT id FROM period_filing WHERE ent_id = $ent AND period = '$period5'");
    my $no5 = sprintf '5105%06d%07d1', $$ % 1000000, time % 10000000;
    db_do("INSERT INTO customs_decl (ent_id, decl_no, period, export_date, line_count)"
        . " VALUES ($ent, '$no5', '$period5', '2026-04-10', 1)");
    my $PDF5 = test_pdf("Monthly $run");
    $r = $c->post_multipart('/docupload/upload', [[period => $pf5], [doc_kind_id => $transport], part('季度运费.pdf', $PDF5)]);
    is($r->{status}, 303, 'NULL period_filing_id: a 按所属期备案 document of its 所属期');
    $r = $c->get("/docexport/zip?decl_no=$no5&status=all");
    %entries = zip_entries($r->{content}, 'null-filing.zip');
    is($entries{"$period5/出口货物运输单据/季度运费.pdf"}, sha256_hex($PDF5), 'NULL period_filing_id: the ZIP has it under <所属期>/');
    $r = $c->get("/docexport/print?decl_no=$no5&status=all");
    is(scalar(() = $r->{text} =~ /<tr class="by-period">/g), 1, 'NULL period_filing_id: 打印单证 lists it');
    $c->get("/docexport/zip?decl_no=$no5&status=all");
    $r = $c->post('/docexport/zipjob', {decl_no => $no5, status => 'all'});
    is($r->{status}, 303, 'NULL period_filing_id: 开始导出 counts it (a job, not 没有符合条件的报关单)');
    my ($x5) = ($r->{headers}{location} // '') =~ m{id=(\d+)$};
    my $j5 = db_value("SELECT job_id FROM docexport_job WHERE id = " . ($x5 // 0)) // 0;
    for (1 .. 300) { last if (db_value("SELECT status FROM job WHERE id = $j5") // 'failed') =~ /done|failed/; sleep 0.2 }
    %entries = zip_entries($c->get("/docexport/download?id=" . ($x5 // 0))->{content}, 'null-filing-job.zip');
    is($entries{"$period5/出口货物运输单据/季度运费.pdf"}, sha256_hex($PDF5), 'NULL period_filing_id: the job\'s ZIP has it too');
}

# ---------------------------------------------------------------- 导出PDF in catalog order

# A PDF whose page k carries the text $texts[k - 1].
sub pdf_pages {
    my @texts = @_;
    my $n = @texts;
    my @objs = ('<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [' . join(' ', map { (4 + 2 * $_) . ' 0 R' } 0 .. $n - 1) . "] /Count $n >>",
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
    for my $i (0 .. $n - 1) {
        my $content = "BT /F1 12 Tf 20 60 Td ($texts[$i]) Tj ET\n";
        push @objs, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Resources << /Font << /F1 3 0 R >> >> /Contents ' . (5 + 2 * $i) . ' 0 R >>',
            '<< /Length ' . length($content) . " >>\nstream\n${content}endstream";
    }
    my $out = "%PDF-1.4\n";
    my @off;
    for my $i (1 .. @objs) { push @off, length $out; $out .= "$i 0 obj\n$objs[$i - 1]\nendobj\n" }
    my $xref = length $out;
    $out .= sprintf "xref\n0 %d\n0000000000 65535 f \n", @objs + 1;
    $out .= sprintf "%010d 00000 n \n", $_ for @off;
    $out .= sprintf "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", @objs + 1, $xref;
    return $out;
}
# What each page of a PDF file is: "catalog", "image" (no text) or its text.
sub page_kinds {
    my ($p) = @_;
    my ($n) = `pdfinfo $p` =~ /^Pages:\s+(\d+)/m;
    return map {
        my $t = Encode::decode('UTF-8', scalar `pdftotext -q -f $_ -l $_ $p -`);
        $t =~ /备案单证目录/ ? 'catalog' : $t =~ /^\s*$/ ? 'image' : ($t =~ s/^\s+|\s+$//gr);
    } 1 .. $n;
}

SKIP: {
    skip 'poppler-utils not installed', 24 unless -x '/usr/bin/pdfinfo';
    my $period3 = sprintf '%04d%02d', 2160 + $$ % 60, 1 + int rand 12;
    db_do("INSERT IGNORE INTO period_filing (ent_id, period, declared_on, due_date, retention_until)"
        . " VALUES ($ent, '$period3', CURDATE(), CURDATE() + INTERVAL 10 DAY, '2036-12-31')");
    my $pf3 = db_value("SELECT id FROM period_filing WHERE ent_id = $ent AND period = '$period3'");
    my $no4 = sprintf '5104%06d%07d1', $$ % 1000000, time % 10000000;
    db_do("INSERT INTO customs_decl (ent_id, decl_no, period, period_filing_id, export_date, line_count)"
        . " VALUES ($ent, '$no4', '$period3', $pf3, '2026-03-10', 1)");
    my $d4 = db_value("SELECT id FROM customs_decl WHERE ent_id = $ent AND decl_no = '$no4'");
    my $agency = db_value(q{SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '委托报关协议'});
    my $inland = db_value(q{SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '国内运输发票'});
    # Uploaded out of catalog order: the catalog sorts by 单证种类
    # (出口合同, 出口货物运输单据, 委托报关协议), the 按所属期备案 ones last.
    my @up = ([decl => $d4, $transport, '提单两页.pdf', pdf_pages("Bill 1 $run", "Bill 2 $run")],
              [decl => $d4, $agency, '委托协议.jpg', $JPEG],
              [decl => $d4, $contract, '合同照片.jpg', $JPEG],
              [period => $pf3, $inland, '月度运费.pdf', test_pdf("Inland $run")],
              [period => $pf3, $contract, '框架合同.jpg', $JPEG]);
    for my $u (@up) {
        my ($key, $id, $kind, $name, $bytes) = @$u;
        $r = $c->post_multipart('/docupload/upload', [[$key => $id], [doc_kind_id => $kind],
            part($name, $bytes, $name =~ /jpg$/ ? 'image/jpeg' : 'application/pdf')]);
        is($r->{status}, 303, "upload $name");
    }
    $r = $c->get("/docexport/pdf?decl_no=$no4");
    is($r->{headers}{'content-type'}, 'application/pdf', 'PDF of a declaration with images, a 2-page PDF and 按所属期备案 documents');
    my $p = save('order.pdf', $r->{content});
    is(join(', ', page_kinds($p)), "catalog, image, Bill 1 $run, Bill 2 $run, image, image, Inland $run",
       'pages in catalog order: 出口合同 image, 提单 (2 pages), 委托报关协议 image, then the 按所属期备案 image and PDF');
    my @img_pages = map { (split ' ')[0] } grep { /^\s*\d+\s+\d+\s+image/ } split /\n/, `pdfimages -list $p`;
    is("@img_pages", '2 5 6', 'pdfimages: the images on pages 2, 5 and 6');
    my $cat = Encode::decode('UTF-8', scalar `pdftotext -q -layout -f 1 -l 1 $p -`);
    my @order = $cat =~ /(合同照片\.jpg|提单两页\.pdf|委托协议\.jpg|框架合同\.jpg|月度运费\.pdf)/g;
    is("@order", '合同照片.jpg 提单两页.pdf 委托协议.jpg 框架合同.jpg 月度运费.pdf', 'the catalog lists them in that order');
    is(scalar(() = $cat =~ /（按所属期备案）/g), 2, 'the two 按所属期备案 documents are marked in the catalog');
    like($cat, qr{提单两页\.pdf.*?\s2\s*$}m, '页数 2 for the two-page PDF');
    like($cat, qr{注：标注“按所属期备案”的单证是所属期 $period3 按所属期备案的单证}, 'and what the mark means');
    my $warn = `pdftotext $p /dev/null 2>&1`;
    is($warn, '', 'pdftotext reads it without warnings (a valid ToUnicode map)');

    # 打印单证: the same documents, same order, the 按所属期备案 ones marked.
    $r = $c->get("/docexport/print?decl_no=$no4");
    my @rows = $r->{text} =~ m{<tr(?: class="by-period")?><td class="num">\d+</td><td>[^<]+(?:<br><span class="tag by-period-tag">按所属期备案</span>)?</td><td>([^<]+)</td>}g;
    is("@rows", '合同照片.jpg 提单两页.pdf 委托协议.jpg 框架合同.jpg 月度运费.pdf', '打印单证: the catalog in the same order');
    is(scalar(() = $r->{text} =~ /<tr class="by-period">/g), 2, '打印单证: the 按所属期备案 documents marked');
    like($r->{text}, qr{所属期 $period3 按所属期备案的单证}, '打印单证: what the mark means');
    my @imgs = $r->{text} =~ m{<img class="doc-image" src="/docexport/file\?id=(\d+)"}g;
    is(scalar @imgs, 3, '打印单证: the three images, the 按所属期备案 one too');
    my $pimg = db_value("SELECT id FROM decl_document WHERE ent_id = $ent AND period_filing_id = $pf3 AND decl_id IS NULL AND file_name = '框架合同.jpg'");
    is($imgs[-1], $pimg, '打印单证: the 按所属期备案 image last');
    my $got = $c->get("/docexport/file?id=$pimg");
    is($got->{status} . ' ' . sha256_hex($got->{content}), '200 ' . sha256_hex($JPEG), 'the 按所属期备案 image is served');
    is($other->get("/docexport/file?id=$pimg")->{status}, 404, 'but not to another enterprise');

    # A catalog longer than a page: its header again on the next page.
    my $jsha = sha256_hex($JPEG);
    db_do("INSERT INTO decl_document (ent_id, decl_id, doc_kind_id, sha256, file_name, size, kind, uploaded_by)"
        . " VALUES ($ent, $d4, $agency, '$jsha', '扫描件$_.jpg', " . length($JPEG) . ", 'jpeg', $user)") for 1 .. 40;
    $r = $c->get("/docexport/pdf?decl_no=$no4");
    $p = save('long.pdf', $r->{content});
    my @kinds = page_kinds($p);
    my ($ncat) = grep { $kinds[$_] eq 'image' } 0 .. $#kinds;    # the pages before the first image
    ok($ncat >= 2, "a catalog of 45 documents takes $ncat pages");
    is(scalar @kinds, $ncat + 46, 'then 46 pages of documents');
    my $text2 = Encode::decode('UTF-8', scalar `pdftotext -q -layout -f 2 -l 2 $p -`);
    like($text2, qr{序号\s+单证种类\s+文件名\s+上传时间\s+SHA-256\s+页数}, 'the table header repeated on the catalog\'s second page');
    unlike($text2, qr{报关单号：}, 'a continuation page, not a new catalog');
}

# ---------------------------------------------------------------- 导出ZIP as a job

# One stored file of 5 000 000 bytes referenced 12 times (content-addressed
# store): 60 MB of documents, over the 50 MB of export.zip_job_bytes.
sub padded_pdf {
    my ($text, $padlen) = @_;
    my $content = "BT /F1 12 Tf 20 60 Td ($text) Tj ET\n" . (' ' x $padlen);
    my @objs = ('<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
        '<< /Length ' . length($content) . " >>\nstream\n$content" . 'endstream',
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
    my $out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
    my @off;
    for my $i (1 .. @objs) { push @off, length $out; $out .= "$i 0 obj\n$objs[$i - 1]\nendobj\n" }
    my $xref = length $out;
    $out .= sprintf "xref\n0 %d\n0000000000 65535 f \n", @objs + 1;
    $out .= sprintf "%010d 00000 n \n", $_ for @off;
    $out .= sprintf "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", @objs + 1, $xref;
    return $out;
}
my $BIG = padded_pdf("Big $run", 4_999_000);
$BIG = padded_pdf("Big $run", 4_999_000 + 5_000_000 - length $BIG);
is(length $BIG, 5_000_000, 'a PDF of 5 000 000 bytes');
my $period2 = sprintf '%04d%02d', 2100 + $$ % 60, 1 + int rand 12;
db_do("INSERT IGNORE INTO period_filing (ent_id, period, declared_on, due_date, retention_until)"
    . " VALUES ($ent, '$period2', CURDATE(), CURDATE() + INTERVAL 10 DAY, '2036-12-31')");
my $pf2 = db_value("SELECT id FROM period_filing WHERE ent_id = $ent AND period = '$period2'");
my $prefix2 = sprintf '5103%06d%07d', $$ % 1000000, time % 10000000;
my $no3 = $prefix2 . '1';
db_do("INSERT INTO customs_decl (ent_id, decl_no, period, period_filing_id, export_date, line_count)"
    . " VALUES ($ent, '$no3', '$period2', $pf2, '2026-02-10', 1)");
my $d3 = db_value("SELECT id FROM customs_decl WHERE ent_id = $ent AND decl_no = '$no3'");
$r = $c->post_multipart('/docupload/upload', [[decl => $d3], [doc_kind_id => $contract], part('大合同.pdf', $BIG)]);
is($r->{status}, 303, 'a 5 MB document through docupload');
my $big_sha = sha256_hex($BIG);
db_do("INSERT INTO decl_document (ent_id, decl_id, doc_kind_id, sha256, file_name, size, kind, uploaded_by)"
    . " VALUES ($ent, $d3, $contract, '$big_sha', '大合同.pdf', " . length($BIG) . ", 'pdf', $user)") for 1 .. 11;
db_do("INSERT INTO decl_document (ent_id, period_filing_id, doc_kind_id, sha256, file_name, size, kind, uploaded_by)"
    . " VALUES ($ent, $pf2, $transport, '" . sha256_hex($PDF2) . "', '月结运费.pdf', " . length($PDF2) . ", 'pdf', $user)");
is(db_value("SELECT SUM(size) FROM decl_document WHERE decl_id = $d3"), 60_000_000, '60 MB of documents');

# Hold the named locks of the next job ids so the worker leaves the job
# queued for a few seconds: the page is seen with its progress bar.
my $max_job = db_value('SELECT IFNULL(MAX(id), 0) FROM job');
my $sock = var_dir() . '/run/mysqld.sock';
my $locks = join ', ', map { "GET_LOCK('ts_job_" . ($max_job + $_) . "', 0)" } 1 .. 40;
open my $holder, '-|', 'mariadb', '--no-defaults', "--socket=$sock", '--user=root', '-N', '-B', 'tuishui',
    '-e', "SELECT $locks; SELECT SLEEP(3);" or die "mariadb: $!";
sleep 0.5;
$r = $c->get("/docexport/zip?decl_no=$prefix2&status=all");
is($r->{status}, 200, 'a large ZIP: the GET starts nothing');
like($r->{text}, qr{约 58 MB.*开始导出}s, 'it says how large (60 000 000 bytes = 58 MiB) and offers 开始导出');
is(db_value("SELECT COUNT(*) FROM docexport_job WHERE decl_no = " . sql_str($prefix2)), 0, 'no job yet');
is($c->post('/docexport/zipjob', {decl_no => $prefix2, status => 'all'}, {no_csrf => 1})->{status}, 403,
   '开始导出 without the CSRF token is refused');
$c->get("/docexport/zip?decl_no=$prefix2&status=all");
my $t0 = time;
$r = $c->post('/docexport/zipjob', {decl_no => $prefix2, status => 'all'});
ok(time - $t0 < 3, 'a large ZIP returns at once');
is($r->{status}, 303, 'a large ZIP becomes a job');
my ($xid) = ($r->{headers}{location} // '') =~ m{/docexport/job\?id=(\d+)$};
ok($xid, 'redirected to /docexport/job?id=');
my $jid = db_value("SELECT job_id FROM docexport_job WHERE id = $xid");
is(db_value("SELECT kind FROM job WHERE id = $jid"), 'docexport.zip', 'job kind docexport.zip');
is(db_value("SELECT CONCAT(ent_id, '/', decl_no, '/', status_filter) FROM docexport_job WHERE id = $xid"), "$ent/$prefix2/all", 'the query kept with the job');
$r = $c->get("/docexport/job?id=$xid");
is($r->{status}, 200, 'the job page');
like($r->{text}, qr/<progress /, 'a progress bar while the job waits');
like($r->{text}, qr/<meta http-equiv="refresh" content="2">/, 'refreshed every 2 s');
is($c->get("/docexport/download?id=$xid")->{status}, 404, 'no download before it is done');
{ local $/; <$holder>; close $holder; }
my $status = '';
for (1 .. 300) {
    $status = db_value("SELECT status FROM job WHERE id = $jid");
    last if $status eq 'done' || $status eq 'failed';
    sleep 0.2;
}
is($status, 'done', 'the worker made the ZIP');
is(db_value("SELECT CONCAT(progress_done, '/', progress_total) FROM job WHERE id = $jid"), '14/14', 'progress by file: 13 documents + 备案目录.xlsx');
$r = $c->get("/docexport/job?id=$xid");
unlike($r->{text}, qr/http-equiv="refresh"/, 'done: no more refreshing');
like($r->{text}, qr{<a class="button primary" id="job-download" href="/docexport/download\?id=$xid">下载</a>}, 'the 下载 link');
like($r->{text}, qr{文件保留24小时}, 'says how long it is kept');
my $kept = var_dir() . "/tmp/docexport/job-$xid.zip";
ok(-f $kept, 'the ZIP is kept under tmp.dir/docexport');
$r = $c->get("/docexport/download?id=$xid");
is($r->{status}, 200, 'download');
my $h = $r->{headers};
is($h->{'content-type'}, 'application/zip', 'as application/zip');
is(length $r->{content}, -s $kept, 'the whole ZIP');
%entries = zip_entries($r->{content}, 'job.zip');
is(scalar(grep { m{^\Q$no3\E/出口合同/大合同(\(\d+\))?\.pdf$} && $entries{$_} eq $big_sha } keys %entries), 12, 'the 12 documents, bytes as uploaded');
is($entries{"$period2/出口货物运输单据/月结运费.pdf"}, sha256_hex($PDF2), 'the 按所属期备案 document');
ok(exists $entries{'备案目录.xlsx'}, '备案目录.xlsx');
is(scalar(keys %entries), 14, 'nothing else');

# The job's ZIP is sent by nginx (X-Accel-Redirect to the internal
# location /_docexport/, nginx/tuishui.conf.in) once docexport has checked
# the request: the program's headers reach the client all the same.
like($h->{'content-disposition'}, qr{^attachment; filename="[^"]*"; filename\*=UTF-8''%E5%A4%87%E6%A1%88%E7%9B%AE%E5%BD%95-\d{8}\.zip$}, 'job ZIP: named 备案目录-<date>.zip (RFC 5987)');
is($h->{'cache-control'}, 'no-store', 'job ZIP: Cache-Control no-store');
is($h->{'x-content-type-options'}, 'nosniff', 'job ZIP: X-Content-Type-Options');
is($h->{'x-frame-options'}, 'DENY', 'job ZIP: X-Frame-Options');
is($h->{'referrer-policy'}, 'same-origin', 'job ZIP: Referrer-Policy');
like($h->{'content-security-policy'} // '', qr{^default-src 'self';.*frame-ancestors 'none'}, 'job ZIP: Content-Security-Policy');
like($h->{'x-request-id'} // '', qr/^[0-9a-f]{16}$/, 'job ZIP: X-Request-Id');
ok(!exists $h->{'x-accel-redirect'}, 'the internal path does not reach the client');
is($h->{'accept-ranges'}, 'bytes', 'sent by nginx: Accept-Ranges');
# Nothing spooled: nginx warns "an upstream response is buffered to a
# temporary file" for a download that went through a fastcgi temp file.
{
    open my $fh, '<', var_dir() . '/log/nginx-error.log' or die "nginx-error.log: $!";
    my @spooled = grep { /buffered to a temporary file/ && m{/docexport/download\?id=$xid } } <$fh>;
    is(scalar @spooled, 0, 'job ZIP: no nginx temp file (60 MB)');
}
# Resumable: a Range request gets 206 and the rest of the file.
my $size = -s $kept;
my $head = $c->get("/docexport/download?id=$xid", {Range => 'bytes=0-99'});
is($head->{status}, 206, 'Range: 206 Partial Content');
is($head->{headers}{'content-range'}, "bytes 0-99/$size", 'Range: Content-Range');
is($head->{content}, substr($r->{content}, 0, 100), 'Range: the first 100 bytes');
my $rest = $c->get("/docexport/download?id=$xid", {Range => 'bytes=100-'});
is($rest->{status}, 206, 'a resumed download: 206');
is(sha256_hex($head->{content} . $rest->{content}), sha256_hex($r->{content}), 'resumed: the two parts make the ZIP');
like($rest->{headers}{'content-disposition'} // '', qr{filename\*=UTF-8''%E5%A4%87}, 'resumed: still named');
is($rest->{headers}{'x-frame-options'}, 'DENY', 'resumed: with the security headers');
is($c->get("/docexport/download?id=$xid")->{status}, 200, 'downloadable again');
# The internal location is not reachable from outside: nginx's 404 page,
# for the owner and everyone else.
for my $who ([owner => $c], [other => $other], [visitor => client()]) {
    $r = $who->[1]->get("/_docexport/job-$xid.zip");
    is($r->{status}, 404, "GET /_docexport/job-<id>.zip ($who->[0]): 404");
    like($r->{text} // '', qr{<h1>页面不存在</h1>}, "($who->[0]): the 404 page, not the ZIP");
}
is($other->get("/docexport/job?id=$xid")->{status}, 404, 'another enterprise: the job page 404');
$r = $other->get("/docexport/download?id=$xid");
is($r->{status}, 404, 'another enterprise: the download 404');
like($r->{text}, qr{导出任务不存在}, 'another enterprise: the program\'s 404 page, no ZIP');
# The file present: a ZIP gone from the folder (not yet marked removed)
# is refused by the program, not by nginx.
rename $kept, "$kept.away" or die "rename: $!";
$r = $c->get("/docexport/download?id=$xid");
rename "$kept.away", $kept or die "rename: $!";
is($r->{status}, 404, 'the ZIP file gone: 404');
like($r->{text}, qr{已过期.*超过保留期限}, 'the ZIP file gone: said as 已过期');

# Expiry: refused after expires_at, removed by the worker's sweep (every
# worker.sweep_interval; here ts-worker --sweep-once; tests/http/sweep.t).
db_do("UPDATE docexport_job SET expires_at = NOW() - INTERVAL 1 MINUTE WHERE id = $xid");
$r = $c->get("/docexport/download?id=$xid");
is($r->{status}, 404, 'expired: refused');
like($r->{text}, qr{已过期.*超过保留期限}, 'with the reason');
like($c->get("/docexport/job?id=$xid")->{text}, qr{id="job-expired">已过期}, 'the job page says 已过期');
$c->get("/docexport/zip?decl_no=$prefix2&status=all");
$r = $c->post('/docexport/zipjob', {decl_no => $prefix2, status => 'all'});
my ($xid2) = ($r->{headers}{location} // '') =~ m{id=(\d+)$};
my $jid2 = db_value("SELECT job_id FROM docexport_job WHERE id = $xid2");
for (1 .. 300) { last if db_value("SELECT status FROM job WHERE id = $jid2") =~ /done|failed/; sleep 0.2 }
is(db_value("SELECT status FROM job WHERE id = $jid2"), 'done', 'a second export job');
{
    local $ENV{TUISHUI_CONF} = var_dir() . '/etc/tuishui.hdf';
    my $worker = ($ENV{TS_BUILD} // "$FindBin::Bin/../../build") . '/tools/ts-worker';
    like(scalar qx{'$worker' --sweep-once}, qr/^exports=\d+ /, 'ts-worker --sweep-once');
}
ok(!-e $kept, 'the expired ZIP removed by the sweep');
ok(db_value("SELECT removed_at IS NOT NULL FROM docexport_job WHERE id = $xid"), 'and marked removed');
ok(-e var_dir() . "/tmp/docexport/job-$xid2.zip", 'the new ZIP kept');

is(scalar(grep { /^export-/ } do { opendir my $dh, var_dir() . '/tmp' or die; readdir $dh }), 0, 'no temp file left by any export or refusal');

done_testing;
