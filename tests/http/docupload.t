# 上传备案单证 (000 §2.4.2): tabs, 单证种类 list, 上传单证 (all or none,
# same content recognised), 申报关联号专属单证, 预览, the file URL, 删除,
# 按所属期备案, tenancy and audit.  The declarations are made here with SQL
# (the declist import is another module).
use strict;
use warnings;
use utf8;

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :files :html);

# A one-page PDF 1.4 with a line of text (offsets computed).
my $JPEG = test_jpeg();

my $run = $$ . time;
my $PDF = test_pdf("Contract $run");
my $PDF2 = test_pdf("Bill of lading $run");
my $EXE = "MZ\x90\x00" . ("\x00" x 60) . 'This program cannot be run in DOS mode.' . ("\x00" x 100);

sub part { my ($name, $bytes, $type) = @_; return [files => {filename => $name, content => $bytes, type => $type // 'application/pdf'}] }

my $c = login('ent-admin-production');
my $other = login('ent-admin-trading');
my $ent = db_value(q{SELECT ent_id FROM app_user WHERE login_name = '} . account('ent-admin-production')->{login} . q{'});
my $user = db_value(q{SELECT id FROM app_user WHERE login_name = '} . account('ent-admin-production')->{login} . q{'});
my $oent = db_value(q{SELECT ent_id FROM app_user WHERE login_name = '} . account('ent-admin-trading')->{login} . q{'});

# ---------------------------------------------------------------- data

# A 所属期 of this run (years 2040–2099 are no one else's), its 按所属期备案
# with a 备案期限 2 days ahead, and three declarations.
my $period = sprintf '%04d%02d', 2040 + $$ % 60, 1 + int rand 12;
db_do("INSERT IGNORE INTO period_filing (ent_id, period, declared_on, due_date, retention_until)"
    . " VALUES ($ent, '$period', CURDATE(), CURDATE() + INTERVAL 2 DAY, '2036-12-31')");
my $pf = db_value("SELECT id FROM period_filing WHERE ent_id = $ent AND period = '$period'");
my $dn = sprintf '5101%06d%08d', $$ % 1000000, time % 100000000;
my ($no1, $no2, $no3) = map { substr($dn, 0, 17) . $_ } 1 .. 3;
for my $no ($no1, $no2, $no3) {
    db_do("INSERT INTO customs_decl (ent_id, decl_no, period, period_filing_id, export_date, line_count)"
        . " VALUES ($ent, '$no', '$period', $pf, '2026-01-10', 2)");
}
my ($d1, $d2, $d3) = map { db_value("SELECT id FROM customs_decl WHERE ent_id = $ent AND decl_no = '$_'") } $no1, $no2, $no3;
db_do("UPDATE customs_decl SET status = 'complete', completed_by = $user, completed_at = NOW() WHERE id = $d3");
db_do("INSERT INTO customs_decl_line (ent_id, decl_id, link_no, item_no, goods_name) VALUES"
    . " ($ent, $d1, 'GL$run', 1, '棉制针织T恤'), ($ent, $d1, 'GL$run', 2, '涤纶外套')");
my $line1 = db_value("SELECT id FROM customs_decl_line WHERE decl_id = $d1 AND item_no = 1");

# Another enterprise's declaration.
db_do("INSERT IGNORE INTO period_filing (ent_id, period, declared_on, due_date, retention_until)"
    . " VALUES ($oent, '$period', CURDATE(), CURDATE() + INTERVAL 10 DAY, '2036-12-31')");
my $ono = substr($dn, 0, 17) . '9';
db_do("INSERT INTO customs_decl (ent_id, decl_no, period, export_date) VALUES ($oent, '$ono', '$period', '2026-01-11')");
my $od = db_value("SELECT id FROM customs_decl WHERE decl_no = '$ono' AND ent_id = $oent");

my $contract = db_value(q{SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '出口合同'});
my $transport = db_value(q{SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '出口货物运输单据'});
my $trading_kind = db_value(q{SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '外贸企业购货合同'});

sub ndocs { db_value("SELECT COUNT(*) FROM decl_document WHERE $_[0]") }

# ---------------------------------------------------------------- permissions and the list

{
    my $clerk = login('ent-clerk');
    is($clerk->get('/docupload/')->{status}, 403, 'a user without 上传备案单证 gets 403');
    like($c->get('/workbench/')->{text}, qr{<a href="/docupload/">上传备案单证</a>}, 'the menu has 上传备案单证');
}

my $r = $c->get("/docupload/?period=$period");
is($r->{status}, 200, 'list page');
for my $h (qw(报关单号 所属期 出口日期 商品行数 已上传单证数 状态 操作)) {
    like($r->{text}, qr{<th>$h</th>}, "list column $h");
}
like($r->{text}, qr{href="/docupload/\?status=incomplete" class="current"}, '未收齐 is the default tab');
like($r->{text}, qr{<td>$no1</td>}, '未收齐 tab shows an incomplete declaration');
unlike($r->{text}, qr{<td>$no3</td>}, '未收齐 tab hides a complete one');
unlike($r->{text}, qr{<td>$ono</td>}, 'never another enterprise\'s declaration');
like($r->{text}, qr{href="/docupload/docs\?decl=$d1">上传</a>}, '【上传】 on the row');
like($r->{text}, qr{距备案期限还有2天}, 'a 备案期限 2 days ahead is marked in words');
like($r->{text}, qr{<td>2036-12-31</td>}, '保存期限 shown');
like($r->{text}, qr{href="/docupload/docs\?period=$pf">上传</a>}, '按所属期备案 row with 【上传】');
$r = $c->get("/docupload/?status=complete&period=$period");
like($r->{text}, qr{<td>$no3</td>}, '已收齐 tab shows the complete one');
unlike($r->{text}, qr{<td>$no1</td>}, '已收齐 tab hides incomplete ones');
$r = $c->get("/docupload/?status=all&period=$period");
like($r->{text}, qr{<td>$no1</td>.*<td>$no3</td>}s, '全部 shows both');
$r = $c->get("/docupload/?status=all&decl_no=$no2");
like($r->{text}, qr{<td>$no2</td>}, 'query by 报关单号');
unlike($r->{text}, qr{<td>$no1</td>}, 'query by 报关单号 narrows');
$r = $c->get("/docupload/?status=all&decl_no=$no2&period=2026");
is($r->{status}, 200, 'a 所属期 that is not YYYYMM: the list is still shown');
like($r->{text}, qr{class="form-errors"[^>]*>.*?所属期.*?查询时未使用此条件}s, 'a bad 所属期: said above the list');
is(input_value($r->{text}, 'period'), '2026', 'a bad 所属期: kept in the field');
like($r->{text}, qr{<td>$no2</td>}, 'a bad 所属期: 报关单号 still narrows');
unlike($r->{text}, qr{<td>$no1</td>}, 'a bad 所属期: and only it');

# ---------------------------------------------------------------- 单证种类 page and 上传单证

$r = $c->get("/docupload/docs?decl=$d1");
is($r->{status}, 200, '单证种类 page');
like($r->{text}, qr{<tr class="kind" data-kind="$contract">\s*<td>出口合同</td>\s*<td>是</td>\s*<td class="num">0</td>}, '出口合同: 必须, 0 files');
unlike($r->{text}, qr{data-kind="$trading_kind"}, 'a kind of trading enterprises is not offered to a production one');
like($r->{text}, qr{<input type="file" name="files" multiple}, 'multi-file input');
like($r->{text}, qr{添加申报关联号专属单证}, '【添加申报关联号专属单证】');
like($r->{text}, qr{href="/docupload/preview\?decl=$d1"}, '【预览】');

$r = $c->post_multipart('/docupload/upload', [[decl => $d1], [doc_kind_id => $contract],
    part('合同.pdf', $PDF), part('病毒.pdf', $EXE)]);
is($r->{status}, 200, 'a bad file: the page again');
like($r->{text}, qr{第2个文件 病毒\.pdf：}, 'the bad file is named with its reason');
like($r->{text}, qr{本次选择的文件均未保存}, 'all or none said');
is(ndocs("decl_id = $d1"), 0, 'nothing stored from a refused upload');

# Each bad file alone, next to a good one: the page again naming the file
# and its reason, nothing stored (all or none).
{
    my $truncated = substr($PDF2, 0, int(length($PDF2) / 2));
    my $big = test_pdf("Big $run");
    $big =~ s/%%EOF\s*\z//;
    $big .= '%' . ('x' x 79) . "\n" for 1 .. 6 * 1024 * 1024 / 81 + 1;
    $big .= "%%EOF\n";
    ok(length($big) > 6 * 1024 * 1024, 'a 6 MB PDF');
    for my $case (['大文件.pdf', $big, '文件超过5MB'],
                  ['截断.pdf', $truncated, 'PDF文件已损坏或不完整'],
                  ['空文件.pdf', '', '文件为空']) {
        my ($name, $bytes, $why) = @$case;
        $r = $c->post_multipart('/docupload/upload', [[decl => $d1], [doc_kind_id => $contract],
            part('合同.pdf', $PDF), part($name, $bytes)]);
        is($r->{status}, 200, "$name: the page again");
        like($r->{text}, qr{第2个文件 \Q$name\E：\Q$why\E}, "$name: $why");
        like($r->{text}, qr{本次选择的文件均未保存}, "$name: all or none said");
        is(ndocs("decl_id = $d1"), 0, "$name: nothing stored");
    }
}

$r = $c->post_multipart('/docupload/upload', [[decl => $d1], [doc_kind_id => $contract],
    part('合同.pdf', $PDF), part('合同附件.jpg', $JPEG, 'image/jpeg')]);
is($r->{status}, 303, 'upload of two files');
like($c->follow($r)->{text}, qr{上传成功2个文件}, 'flash says 2 stored');
is(ndocs("decl_id = $d1 AND doc_kind_id = $contract AND line_id IS NULL"), 2, 'two rows');
is(db_value("SELECT kind FROM decl_document WHERE decl_id = $d1 AND file_name = '合同附件.jpg'"), 'jpeg', 'type by content');

# A name with ../ and Chinese characters (and markup) is kept literally, as
# prearchive does: shown escaped, never used as a path (stored by sha256).
{
    my $odd = '../../etc/报关单 <b>&"x"</b>.pdf';
    my $oddpdf = test_pdf("Odd name $run");
    my $sha = sha256_hex($oddpdf);
    $r = $c->post_multipart('/docupload/upload', [[decl => $d1], [doc_kind_id => $contract], part($odd, $oddpdf)]);
    is($r->{status}, 303, 'odd name uploaded');
    my $doc = db_value("SELECT id FROM decl_document WHERE decl_id = $d1 AND sha256 = '$sha'");
    is(db_value("SELECT file_name FROM decl_document WHERE id = $doc"), '../../etc/报关单 <b>&%22x%22</b>.pdf',
        'stored literally (the quotes as the browser encodes them)');
    $r = $c->get("/docupload/docs?decl=$d1");
    like($r->{text}, qr{\.\./\.\./etc/报关单 &lt;b&gt;&amp;%22x%22&lt;/b&gt;\.pdf}, 'shown escaped');
    unlike($r->{text}, qr{<b>&}, 'never as markup');
    ok(!-e var_dir() . '/etc/报关单 <b>&%22x%22</b>.pdf' && !-e var_dir() . '/store/etc', 'never used as a path');
    ok(-f var_dir() . '/store/' . substr($sha, 0, 2) . '/' . substr($sha, 2, 2) . "/$sha", 'stored by sha256');
    $r = $c->get("/docupload/file?id=$doc");
    is($r->{status}, 200, 'the file downloads');
    my $cd = $r->{headers}{'content-disposition'} // '';
    unlike($cd, qr{\.\./|/}, 'its Content-Disposition names no path') or diag $cd;
    like($cd, qr{filename\*=UTF-8''}i, 'with the Chinese name (RFC 5987)');
    db_do("DELETE FROM decl_document WHERE id = $doc");
}

$r = $c->post_multipart('/docupload/upload', [[decl => $d1], [doc_kind_id => $contract], part('again.pdf', $PDF)]);
is($r->{status}, 303, 'the same content again');
like($c->follow($r)->{text}, qr{已上传过相同文件，未重复保存}, 'recognised');
is(ndocs("decl_id = $d1 AND doc_kind_id = $contract"), 2, 'not stored twice');

$r = $c->post_multipart('/docupload/upload', [[decl => $d1], [doc_kind_id => $trading_kind], part('x.pdf', $PDF2)]);
is($r->{status}, 404, 'a kind that does not apply: refused');

# ---------------------------------------------------------------- 专属单证

$r = $c->get("/docupload/lines?decl=$d1");
is($r->{status}, 200, '专属单证 page');
like($r->{text}, qr{<td><a href="/docupload/lines\?decl=$d1&amp;line=$line1">GL$run</a></td>\s*<td class="num">1</td>\s*<td>棉制针织T恤</td>}, '商品列表: 申报关联号, 商品序号, 商品名称');
like($r->{text}, qr{<div class="split-right">\s*<h2>专属单证</h2>\s*<div class="choose-line" id="choose-line">\s*<strong>请在左侧商品列表中选择商品</strong>},
    'until a line is chosen the right side says to choose one');
$r = $c->get("/docupload/lines?decl=$d1&line=$line1");
unlike($r->{text}, qr{id="choose-line"}, 'a chosen line: no hint');
like($r->{text}, qr{<input type="hidden" name="line" value="$line1">}, 'choosing a line shows its kinds with 【上传单证】');
$r = $c->post_multipart('/docupload/upload', [[decl => $d1], [line => $line1], [doc_kind_id => $transport], part('提单.pdf', $PDF2)]);
is($r->{status}, 303, '专属单证 uploaded');
like($r->{location}, qr{/docupload/lines\?decl=$d1&line=$line1}, 'back to the line');
is(ndocs("decl_id = $d1 AND line_id = $line1 AND doc_kind_id = $transport"), 1, 'decl_document with line_id');
$r = $c->get("/docupload/docs?decl=$d1");
like($r->{text}, qr{data-kind="$transport">.*?专属单证（1）}s, 'the kind shows 【专属单证】 with its count');
my $oline = do {
    db_do("INSERT INTO customs_decl_line (ent_id, decl_id, link_no, item_no) VALUES ($ent, $d2, 'GX$run', 1)");
    db_value("SELECT id FROM customs_decl_line WHERE decl_id = $d2");
};
is($c->post_multipart('/docupload/upload', [[decl => $d1], [line => $oline], [doc_kind_id => $transport], part('x.pdf', $PDF)])->{status},
    404, 'a line of another declaration: 404');

# ---------------------------------------------------------------- 预览 and the file

my $fid = db_value("SELECT id FROM decl_document WHERE decl_id = $d1 AND file_name = '合同.pdf'");
my $jid = db_value("SELECT id FROM decl_document WHERE decl_id = $d1 AND file_name = '合同附件.jpg'");
$r = $c->get("/docupload/preview?decl=$d1");
is($r->{status}, 200, '预览 page');
like($r->{text}, qr{<summary class="folder">出口合同（2）</summary>}, 'folder per kind with its count');
like($r->{text}, qr{<summary class="folder">出口货物运输单据（1）</summary>}, '专属单证 in its kind folder');
like($r->{text}, qr{href="/docupload/preview\?decl=$d1&amp;file=$jid"}, 'folder links ?file=');
$r = $c->get("/docupload/preview?decl=$d1&file=$jid");
like($r->{text}, qr{<img class="doc-image" src="/docupload/file\?id=$jid"}, 'an image is shown inline');
$r = $c->get("/docupload/preview?decl=$d1&file=$fid");
like($r->{text}, qr{<iframe class="doc-pdf" src="/docupload/file\?id=$fid" title="PDF文件：合同\.pdf"></iframe>},
    'a PDF is framed in the page (the browser\'s viewer)');
like($r->{text}, qr{href="/docupload/file\?id=$fid" target="_blank"}, 'with a link to open it in a new tab as a fallback');
# The page itself may be framed by no one; its CSP lets it frame its own
# origin's files (default-src 'self' covers frame-src).
is($r->{headers}{'x-frame-options'}, 'DENY', 'the 预览 page: X-Frame-Options DENY');
like($r->{headers}{'content-security-policy'}, qr{default-src 'self'.*frame-ancestors 'none'}, "the page: frame-ancestors 'none'");
unlike($r->{headers}{'content-security-policy'}, qr{frame-src|child-src}, 'no frame-src narrowing default-src');
$r = $c->get("/docupload/file?id=$fid");
is($r->{status}, 200, 'file URL');
is($r->{content}, $PDF, 'the same bytes');
like($r->{headers}{'content-type'}, qr{application/pdf}, 'PDF mime');
like($r->{headers}{'content-disposition'}, qr{^inline}, 'inline');
is($r->{headers}{'x-frame-options'}, 'SAMEORIGIN', 'the file: X-Frame-Options SAMEORIGIN');
like($r->{headers}{'content-security-policy'}, qr{frame-ancestors 'self';}, "the file: frame-ancestors 'self'");
unlike($r->{headers}{'content-security-policy'}, qr{'none'; form}, 'and not none');
$r = $c->get("/docupload/file?id=999999999");
is($r->{status}, 404, 'no such file: 404');
is($r->{headers}{'x-frame-options'}, 'DENY', 'the 404 page keeps DENY');
is($c->get("/docupload/docs?decl=$d1")->{headers}{'x-frame-options'}, 'DENY', 'other pages keep DENY');
is($c->get("/docupload/file?id=$jid")->{content}, $JPEG, 'the JPEG\'s bytes');

# ---------------------------------------------------------------- tenancy

is($other->get("/docupload/file?id=$fid")->{status}, 404, 'another enterprise\'s file: 404');
is($other->get("/docupload/docs?decl=$d1")->{status}, 404, 'another enterprise\'s declaration: 404');
is($other->get("/docupload/preview?decl=$d1")->{status}, 404, 'another enterprise\'s preview: 404');
is($c->get("/docupload/docs?decl=$od")->{status}, 404, 'and the other way round');
$other->get("/docupload/docs?decl=$od");
is($other->post_multipart('/docupload/upload', [[decl => $d1], [doc_kind_id => $contract], part('x.pdf', $PDF2)])->{status},
    404, 'upload to another enterprise\'s declaration: 404');
is($other->post('/docupload/delete', {id => $fid})->{status}, 404, 'delete of another enterprise\'s file: 404');
is(ndocs("decl_id = $d1"), 3, 'nothing changed by the other enterprise');

# ---------------------------------------------------------------- 按所属期备案

$r = $c->get("/docupload/docs?period=$pf");
is($r->{status}, 200, '按所属期备案 单证种类 page');
like($r->{text}, qr{<input type="hidden" name="period" value="$pf">}, 'its upload forms name the period');
$r = $c->post_multipart('/docupload/upload', [[period => $pf], [doc_kind_id => $transport], part('运费发票.pdf', $PDF2)]);
is($r->{status}, 303, 'uploaded for the period');
is(ndocs("period_filing_id = $pf AND decl_id IS NULL"), 1, 'a period_filing document');
$r = $c->get("/docupload/?period=$period");
like($r->{text}, qr{<tr class="period" id="period-$pf">.*?<td class="num">1</td>}s, 'the period row counts it');
{
    # Counted from the database: the 所属期 is this run's, but another test
    # file's run may have picked the same one.
    my $n = db_value("SELECT COUNT(*) FROM customs_decl WHERE ent_id = $ent AND period = '$period'");
    my $open = db_value("SELECT COUNT(*) FROM customs_decl WHERE ent_id = $ent AND period = '$period' AND status = 'incomplete'");
    like($r->{text}, qr{<tr class="period" id="period-$pf">\s*<td>$period</td>(?:\s*<td[^>]*>[^<]*</td>){3}\s*<td class="num">$n</td>\s*<td class="num">$open</td>\s*<td class="period-status">未收齐</td>}s,
        "and its $n declarations, $open of them 未收齐: 未收齐 (docs/filing.md)");
}
like($r->{text}, qr{<th>未收齐报关单数</th>\s*<th>状态</th>}, 'columns 未收齐报关单数 and 状态');
like($c->get("/docupload/docs?period=$pf")->{text}, qr{<dd class="kinds-on">\Q${\ substr($period, 0, 4)}-${\ substr($period, 4)}-01\E（所属期首日）</dd>},
    'its kinds by the first day of its 所属期');
like($c->get("/docupload/preview?period=$pf")->{text}, qr{运费发票\.pdf}, 'period preview lists it');

# ---------------------------------------------------------------- 删除 and audit

$r = $c->post('/docupload/delete', {id => $jid});
is($r->{status}, 303, '删除');
is(ndocs("id = $jid"), 0, 'row gone');
my $pid = db_value("SELECT id FROM decl_document WHERE period_filing_id = $pf");
db_do("INSERT INTO decl_document (ent_id, decl_id, doc_kind_id, sha256, file_name, size, kind, uploaded_by)"
    . " SELECT ent_id, $d3, doc_kind_id, sha256, file_name, size, kind, uploaded_by FROM decl_document WHERE id = $fid");
my $cfid = db_value("SELECT id FROM decl_document WHERE decl_id = $d3");
is($c->post('/docupload/delete', {id => $cfid})->{status}, 409, 'a file of a 已收齐 declaration cannot be deleted');
is(ndocs("id = $cfid"), 1, 'still there');
is(db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'decl_document' AND object_id = '$fid' AND detail LIKE 'upload%'"), 1, 'upload audited');
is(db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'decl_document' AND object_id = '$jid' AND detail LIKE 'delete%'"), 1, 'delete audited');
is(db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'decl_document' AND object_id = '$pid'"), 1, 'period upload audited');

done_testing;
