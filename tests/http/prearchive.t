# 单证预归档 (000 §2.3): 新增业务跟踪号, 传预归档单证, 查看, 删除.
#
# The files are made here: a small real PDF (text, xref offsets computed)
# and a tiny real JPEG (embedded as hex), and the broken ones from them —
# a 6 MB PDF, an .exe named .pdf, a truncated PDF, an empty file.
use strict;
use warnings;
use utf8;

use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :files :html);

# ---------------------------------------------------------------- files

# A one-page PDF 1.4 with a line of text; $pad bytes of comment lines after
# the header make it as large as a test needs, offsets still right.
my $JPEG = test_jpeg();

my $run = $$ . time;
my $PDF = test_pdf("Export invoice $run");
my $PDF2 = test_pdf("Packing list $run");
my $BIG = test_pdf("Big scan $run", 6 * 1024 * 1024);
my $EXE = "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" . ("\x00" x 48) . 'This program cannot be run in DOS mode.' . ("\x00" x 200);
my $CUT = substr($PDF, 0, int(length($PDF) / 2));

sub file_part { my ($name, $bytes, $type) = @_; return [files => {filename => $name, content => $bytes, type => $type // 'application/pdf'}] }

# ---------------------------------------------------------------- helpers

my $c = login('ent-admin-production');
my $other = login('ent-admin-trading');
my $ent = db_value(q{SELECT ent_id FROM app_user WHERE login_name = '} . account('ent-admin-production')->{login} . q{'});

sub item_id { db_value('SELECT id FROM prearchive_item WHERE tracking_no = ' . sql_str($_[0]) . " AND ent_id = $ent") }
sub nfiles { db_value("SELECT COUNT(*) FROM prearchive_file WHERE item_id = $_[0]") }

# The files shown under an item in the list: [kind, name, size, time] each.
sub listed_files {
    my ($html, $id) = @_;
    my ($block) = $html =~ /<tr class="item-files" data-item="$id">(.*?)<\/details>/s or return;
    my @rows;
    for my $tr ($block =~ /<tr>\s*(<td>.*?)<\/tr>/gs) {
        my @cells = map { my $t = $_; $t =~ s/<[^>]*>//g; $t =~ s/^\s+|\s+$//g; $t } $tr =~ /<td\b[^>]*>(.*?)<\/td>/gs;
        push @rows, [map { s/&lt;/</gr =~ s/&gt;/>/gr =~ s/&quot;/"/gr =~ s/&#39;/'/gr =~ s/&amp;/&/gr } @cells[0 .. 3]] if @cells >= 4;
    }
    return @rows;
}

# A default 单证种类 of a production enterprise, and one only trading ones have.
my $kind = db_value(q{SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '出口合同'});
my $kind2 = db_value(q{SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '出口货物运输单据'});
my $trading_kind = db_value(q{SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '外贸企业购货合同'});

# ---------------------------------------------------------------- permissions

{
    my $clerk = login('ent-clerk');
    is($clerk->get('/prearchive/')->{status}, 403, 'a user without 单证预归档 gets 403');
    my $r = $c->get('/workbench/');
    like($r->{text}, qr{<a href="/prearchive/">单证预归档</a>}, 'the menu has 单证预归档');
}

# ---------------------------------------------------------------- 新增业务跟踪号

my $r = $c->get('/prearchive/');
is($r->{status}, 200, 'list page');
like($r->{text}, qr/新增业务跟踪号/, 'list has 新增业务跟踪号');
for my $h (qw(合同协议号 内部跟踪号 报关单号 提运单号 出口日期 出口月份 文件数 备注 操作)) {
    like($r->{text}, qr{<th>$h</th>}, "list column $h");
}

$r = $c->get('/prearchive/new');
is($r->{status}, 200, '新增业务跟踪号 form');
like($r->{text}, qr/保存/, 'form has 保存');
like($r->{text}, qr/关闭/, 'form has 关闭');
like($r->{text}, qr/type="date"[^>]*name="export_date"|name="export_date"[^>]*type="date"|id="f-export_date" name="export_date"/, '出口日期 is a date input');
like($r->{text}, qr/type="month" id="f-export_month"/, '出口月份 is a month input');

my $T1 = "GZ-$run-1";
$r = $c->post('/prearchive/save', {contract_no => '', tracking_no => '', bl_no => 'BL-留着', remark => '备注留着', export_month => '2026-03'});
is($r->{status}, 200, 'missing required fields: the form again');
is(field_error($r->{text}, 'contract_no'), '请填写合同协议号', 'error next to 合同协议号');
is(field_error($r->{text}, 'tracking_no'), '请填写内部跟踪号', 'error next to 内部跟踪号');
is(input_value($r->{text}, 'bl_no'), 'BL-留着', '提运单号 typed is kept');
is(textarea_value($r->{text}, 'remark'), '备注留着', '备注 typed is kept');
is(input_value($r->{text}, 'export_month'), '2026-03', '出口月份 typed is kept');

$r = $c->post('/prearchive/save', {contract_no => 'HT-1', tracking_no => $T1, decl_no => '51012026000001234'});
is($r->{status}, 200, 'a 17-digit 报关单号 is refused');
like(field_error($r->{text}, 'decl_no') // '', qr/18位数字/, '报关单号 error says 18 digits');
is(input_value($r->{text}, 'tracking_no'), $T1, '内部跟踪号 kept');
$r = $c->post('/prearchive/save', {contract_no => 'HT-1', tracking_no => $T1, decl_no => '51012026000001234X'});
like(field_error($r->{text}, 'decl_no') // '', qr/18位数字/, 'a 报关单号 with a letter is refused');
$r = $c->post('/prearchive/save', {contract_no => 'HT-1', tracking_no => $T1, export_month => '2026-13'});
ok(field_error($r->{text}, 'export_month'), 'a 出口月份 that is not a month is refused');
ok(!item_id($T1), 'nothing saved by refused forms');

$r = $c->post('/prearchive/save', {contract_no => 'HT-1', tracking_no => $T1, decl_no => '510120260000012345',
    bl_no => 'COSU6123456789', export_date => '2026-01-15', export_month => '2026-01', remark => '第一票'});
is($r->{status}, 303, '新增 saved');
my $id = item_id($T1);
ok($id, 'item stored');
is_deeply([db("SELECT contract_no, decl_no, bl_no, export_date, export_month, remark FROM prearchive_item WHERE id = $id")],
    [['HT-1', '510120260000012345', 'COSU6123456789', '2026-01-15', '202601', '第一票']], 'values as stored (出口月份 YYYYMM)');
is(db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'prearchive_item' AND object_id = '$id'"), 1, '新增 audited');
$r = $c->follow($r);
like($r->{text}, qr/保存成功/, 'flash after 新增');
like($r->{text}, qr{<td>\Q$T1\E</td>}, 'new item listed');
like($r->{text}, qr{<td>202601</td>}, '出口月份 listed as YYYYMM');

$r = $c->post('/prearchive/save', {contract_no => 'HT-2', tracking_no => $T1});
is($r->{status}, 200, 'duplicate 内部跟踪号: the form again');
is(field_error($r->{text}, 'tracking_no'), '内部跟踪号已存在', 'duplicate 内部跟踪号 named');
is(input_value($r->{text}, 'contract_no'), 'HT-2', '合同协议号 kept');

# The same 内部跟踪号 in another enterprise is its own.
$other->get('/prearchive/new');
$r = $other->post('/prearchive/save', {contract_no => 'HT-T', tracking_no => $T1});
is($r->{status}, 303, 'another enterprise may use the same 内部跟踪号');
my $other_id = db_value('SELECT id FROM prearchive_item WHERE tracking_no = ' . sql_str($T1) . " AND ent_id <> $ent");
ok($other_id, 'other enterprise item');

# Query form
$r = $c->get('/prearchive/?tracking_no=' . $T1);
like($r->{text}, qr{<td>\Q$T1\E</td>}, 'query by 内部跟踪号 finds it');
$r = $c->get('/prearchive/?tracking_no=no-such-' . $run);
like($r->{text}, qr/没有符合条件的业务跟踪号/, 'query that matches nothing');
$r = $c->get('/prearchive/?export_month=2026-01&tracking_no=' . $T1);
like($r->{text}, qr{<td>\Q$T1\E</td>}, 'query by 出口月份 (YYYY-MM)');
$r = $c->get('/prearchive/?export_month=2026-02&tracking_no=' . $T1);
unlike($r->{text}, qr{<td>\Q$T1\E</td>}, 'another 出口月份 does not match');
unlike($r->{text}, qr{<td>HT-T</td>}, 'the list never shows another enterprise\'s item');

# 20 a page.
{
    my $oent = db_value("SELECT ent_id FROM prearchive_item WHERE id = $other_id");
    my $ouser = db_value("SELECT created_by FROM prearchive_item WHERE id = $other_id");
    db_do('INSERT INTO prearchive_item (ent_id, contract_no, tracking_no, created_by) VALUES '
        . join ', ', map { "($oent, 'PG-$run', 'PG-$run-$_', $ouser)" } 1 .. 21);
    my $p1 = $other->get("/prearchive/?contract_no=PG-$run");
    my @rows = $p1->{text} =~ /<tr class="item"/g;
    is(scalar @rows, 20, 'page 1: 20 items');
    like($p1->{text}, qr{共 21 条，第 1 / 2 页}, 'pager counts 21');
    like($p1->{text}, qr{href="/prearchive/\?contract_no=PG-$run&amp;[^"]*page=2">下一页}, 'next page keeps the query');
    my $p2 = $other->get("/prearchive/?contract_no=PG-$run&page=2");
    @rows = $p2->{text} =~ /<tr class="item"/g;
    is(scalar @rows, 1, 'page 2: the 21st');
    like($p2->{text}, qr{<td>PG-$run-1</td>}, 'oldest last');
}

# ---------------------------------------------------------------- 上传

$r = $c->get("/prearchive/upload?id=$id");
is($r->{status}, 200, 'upload page');
like($r->{text}, qr/选择单证种类/, 'upload page has 选择单证种类');
like($r->{text}, qr/<input type="file"[^>]*name="files" multiple/, 'file input takes several files');
like($r->{text}, qr/上传单证文件不大于5M/, 'the 5M / jpg、pdf hint');
like($r->{text}, qr/<option value="$kind">出口合同</, 'a default kind for all is offered');
unlike($r->{text}, qr/<option value="$trading_kind">/, 'a trading-only kind is not offered to a production enterprise');
like($other->get("/prearchive/upload?id=$other_id")->{text}, qr/<option value="$trading_kind">/,
    'the trading enterprise gets its kind');
{
    # The enterprise's own kinds are offered to it, and only to it.
    my $name = "自定义单证$run";
    db_do("INSERT INTO doc_kind (ent_id, category, name) VALUES ($ent, 'other', '$name')");
    my $own = db_value("SELECT id FROM doc_kind WHERE name = '$name'");
    like($c->get("/prearchive/upload?id=$id")->{text}, qr/<option value="$own">\Q$name\E</, 'the enterprise\'s own kind is offered');
    unlike($other->get("/prearchive/upload?id=$other_id")->{text}, qr/<option value="$own">/, 'not to another enterprise');
    db_do("DELETE FROM doc_kind WHERE id = $own");
}

$r = $c->post_multipart('/prearchive/upload', [[id => $id], [doc_kind_id => $kind],
    file_part('出口发票.pdf', $PDF), file_part('照片.jpg', $JPEG, 'image/jpeg')]);
is($r->{status}, 303, 'two valid files uploaded') or diag join "\n", ($r->{text} // "") =~ /<span class="error[^"]*">(.*?)<\/span>/g;
is(nfiles($id), 2, 'both stored');
$r = $c->follow($r);
like($r->{text}, qr/上传成功2个文件/, 'flash says 2 files');
my @files = listed_files($r->{text}, $id);
is(scalar @files, 2, 'both listed under the item');
is_deeply([sort map { $_->[1] } @files], [sort '出口发票.pdf', '照片.jpg'], 'with their names');
is($files[0][0], '出口合同', 'with their 单证种类');
like($r->{text}, qr{<tr class="item-files" data-item="$id">\s*<td colspan="9">\s*<details open>}, 'the row just uploaded to is open');
like($r->{text}, qr{<summary[^>]*>文件（2）</summary>}, 'the 【>】 summary counts the files');
is(db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'prearchive_file' AND detail LIKE 'upload item=$id %'"), 2, 'uploads audited');
is_deeply([db("SELECT kind, size FROM prearchive_file WHERE item_id = $id ORDER BY id")],
    [['pdf', length $PDF], ['jpeg', length $JPEG]], 'kind by content and size stored');

# 查看 returns the same bytes, with the type of the content.
my ($pdf_id) = db_value("SELECT id FROM prearchive_file WHERE item_id = $id AND kind = 'pdf'");
my ($jpg_id) = db_value("SELECT id FROM prearchive_file WHERE item_id = $id AND kind = 'jpeg'");
like($r->{text}, qr{href="/prearchive/file\?id=$pdf_id"}, '查看 link');
$r = $c->get("/prearchive/file?id=$pdf_id");
is($r->{status}, 200, '查看 PDF');
is($r->{headers}{'content-type'}, 'application/pdf', 'PDF mime');
like($r->{headers}{'content-disposition'} // '', qr/^inline;/, 'shown inline');
ok($r->{content} eq $PDF, 'the same PDF bytes');
$r = $c->get("/prearchive/file?id=$jpg_id");
is($r->{headers}{'content-type'}, 'image/jpeg', 'JPEG mime');
ok($r->{content} eq $JPEG, 'the same JPEG bytes');
my $sha = sha256_hex($PDF);
ok(-f var_dir() . '/store/' . substr($sha, 0, 2) . '/' . substr($sha, 2, 2) . "/$sha", 'the file is in the store under its sha256');

# Refusals: nothing of the upload is kept, each file named with its reason.
my $before = nfiles($id);
$r = $c->post_multipart('/prearchive/upload', [[id => $id], [doc_kind_id => $kind2],
    file_part('good.pdf', $PDF2), file_part('大扫描件.pdf', $BIG)]);
is($r->{status}, 200, '6 MB file: the page again');
like($r->{text}, qr/第2个文件 大扫描件\.pdf：文件超过5MB/, '6 MB file named with the 5MB message');
is(nfiles($id), $before, 'nothing stored, not even the good file');
is(selected_value($r->{text}, 'doc_kind_id'), $kind2, '选择单证种类 kept');
my $sha2 = sha256_hex($PDF2);
is(db_value("SELECT COUNT(*) FROM stored_file WHERE sha256 = '$sha2'"), 0, 'no stored_file row for the good file either');
my $shabig = sha256_hex($BIG);
ok(!-e var_dir() . '/store/' . substr($shabig, 0, 2) . '/' . substr($shabig, 2, 2) . "/$shabig", 'the 6 MB file is not in the store');

$r = $c->post_multipart('/prearchive/upload', [[id => $id], [doc_kind_id => $kind], file_part('setup.pdf', $EXE)]);
is($r->{status}, 200, '.exe named .pdf refused');
like($r->{text}, qr/第1个文件 setup\.pdf：[^<]*(?:不是|格式)/, '.exe named .pdf: type by content');

$r = $c->post_multipart('/prearchive/upload', [[id => $id], [doc_kind_id => $kind], file_part('cut.pdf', $CUT)]);
is($r->{status}, 200, 'truncated PDF refused');
like($r->{text}, qr/第1个文件 cut\.pdf：PDF文件已损坏或不完整/, 'truncated PDF: 已损坏或不完整');

$r = $c->post_multipart('/prearchive/upload', [[id => $id], [doc_kind_id => $kind], file_part('empty.pdf', '')]);
is($r->{status}, 200, '0-byte file refused');
like($r->{text}, qr/第1个文件 empty\.pdf：文件为空/, '0-byte file: 文件为空');

$r = $c->post_multipart('/prearchive/upload', [[id => $id], [doc_kind_id => $kind], [files => {filename => '', content => ''}]]);
is($r->{status}, 200, 'no file chosen');
is(field_error($r->{text}, 'files'), '请选择要上传的单证文件', 'no file: asked to choose');

$r = $c->post_multipart('/prearchive/upload', [[id => $id], [doc_kind_id => $trading_kind], file_part('x.pdf', $PDF2)]);
is($r->{status}, 200, 'a kind that does not apply is refused');
is(field_error($r->{text}, 'doc_kind_id'), '请选择单证种类', '单证种类 error');
$r = $c->post_multipart('/prearchive/upload', [[id => $id], file_part('x.pdf', $PDF2)]);
is(field_error($r->{text}, 'doc_kind_id'), '请填写单证种类', 'no 单证种类 chosen');
is(nfiles($id), $before, 'no refused upload stored anything');

# A name with ../ and Chinese characters (and markup) is kept literally.
my $odd = '../../etc/报关单 <b>&"x"</b>.pdf';
$r = $c->post_multipart('/prearchive/upload', [[id => $id], [doc_kind_id => $kind2], file_part($odd, $PDF2)]);
is($r->{status}, 303, 'odd name uploaded');
is(db_value("SELECT file_name FROM prearchive_file WHERE item_id = $id AND sha256 = '$sha2'"), '../../etc/报关单 <b>&%22x%22</b>.pdf',
    'stored literally (the quotes as the browser encodes them)');
$r = $c->get("/prearchive/?open=$id");
like($r->{text}, qr{\.\./\.\./etc/报关单 &lt;b&gt;&amp;%22x%22&lt;/b&gt;\.pdf}, 'shown escaped');
unlike($r->{text}, qr{<b>&}, 'never as markup');
ok(!-e var_dir() . '/etc/报关单 <b>&%22x%22</b>.pdf' && !-e var_dir() . '/store/etc', 'never used as a path');
ok(-f var_dir() . '/store/' . substr($sha2, 0, 2) . '/' . substr($sha2, 2, 2) . "/$sha2", 'stored by sha256');

# A name longer than 255 characters is cut (at a character, not a byte).
my $long = ('长' x 300) . '.pdf';
$r = $c->post_multipart('/prearchive/upload', [[id => $id], [doc_kind_id => $kind2], file_part($long, test_pdf("Long $run"))]);
is($r->{status}, 303, 'a long name is accepted');
is(db_value("SELECT file_name FROM prearchive_file WHERE item_id = $id ORDER BY id DESC LIMIT 1"), '长' x 255, 'cut to 255 characters');

# The same file again under the same kind is recognised; under another kind it is a new file.
$before = nfiles($id);
$r = $c->post_multipart('/prearchive/upload', [[id => $id], [doc_kind_id => $kind], file_part('again.pdf', $PDF)]);
is($r->{status}, 303, 'same file again accepted');
is(nfiles($id), $before, 'not stored twice');
like($c->follow($r)->{text}, qr/第1个文件 again\.pdf：已上传过相同文件/, 'recognised: 已上传过相同文件');
$r = $c->post_multipart('/prearchive/upload', [[id => $id], [doc_kind_id => $kind], file_part('a.jpg', $JPEG, 'image/jpeg'),
    file_part('new.pdf', test_pdf("New $run")), file_part('b.jpg', $JPEG, 'image/jpeg')]);
is($r->{status}, 303, 'one new file among known ones');
is(nfiles($id), $before + 1, 'only the new one stored');
like($c->follow($r)->{text}, qr/上传成功1个文件.*第1个文件 a\.jpg：已上传过相同文件.*第3个文件 b\.jpg：已上传过相同文件/s, 'both known files named');

# ---------------------------------------------------------------- another enterprise

$r = $other->get('/prearchive/');
unlike($r->{text}, qr{出口发票\.pdf}, 'another enterprise does not see the files');
is($other->get("/prearchive/upload?id=$id")->{status}, 404, 'another enterprise: upload page 404');
$r = $other->post_multipart('/prearchive/upload', [[id => $id], [doc_kind_id => $kind], file_part('evil.pdf', test_pdf("Evil $run"))]);
is($r->{status}, 404, 'another enterprise: upload POST 404');
is($other->get("/prearchive/file?id=$pdf_id")->{status}, 404, 'another enterprise: 查看 404');
is($other->post('/prearchive/delete', {id => $pdf_id})->{status}, 404, 'another enterprise: 删除 404');
is(db_value("SELECT COUNT(*) FROM prearchive_file WHERE id = $pdf_id"), 1, 'the file is still there');
is(nfiles($id), $before + 1, 'nothing added by the other enterprise');
is($c->get('/prearchive/upload?id=999999999')->{status}, 404, 'missing item: 404');
is($c->get('/prearchive/file?id=999999999')->{status}, 404, 'missing file: 404');

# ---------------------------------------------------------------- 删除

$r = $c->get("/prearchive/?open=$id");
like($r->{text}, qr{<form method="post" action="/prearchive/delete" data-confirm="[^"]+">\s*<input type="hidden" name="_csrf"}, '删除 asks first and carries CSRF');
is($c->post('/prearchive/delete', {id => $jpg_id, _csrf => 'x' x 64})->{status}, 403, '删除 without the CSRF token: 403');
$r = $c->post('/prearchive/delete', {id => $jpg_id});
is($r->{status}, 303, '删除');
is(db_value("SELECT COUNT(*) FROM prearchive_file WHERE id = $jpg_id"), 0, 'file row gone');
like($c->follow($r)->{text}, qr/已删除文件“照片\.jpg”/, 'flash names the file');
is(db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'prearchive_file' AND object_id = '$jpg_id' AND detail LIKE 'delete %'"), 1, '删除 audited');
$r = $c->post('/prearchive/delete', {id => $pdf_id, from => 'upload'});
is($r->{location}, "/prearchive/upload?id=$id", '删除 from the upload page goes back there');
is($c->get("/prearchive/file?id=$jpg_id")->{status}, 404, 'a deleted file: 查看 404');

# ---------------------------------------------------------------- 单证种类 by the item's date

# A kind in force from 2026-07-01 (this run's, removed after): offered by
# the item's 出口日期, else the first day of its 出口月份, else today.
{
    my $name = "新规预归档$run";
    db_do("INSERT INTO doc_kind (ent_id, category, name, effective_from) VALUES ($ent, 'other', '$name', '2026-07-01')");
    my $dated = db_value("SELECT id FROM doc_kind WHERE ent_id = $ent AND name = '$name'");
    my $user = db_value("SELECT created_by FROM prearchive_item WHERE id = $id");
    my %items = (before => ["'2026-06-30'", 'NULL'], after => ["'2026-07-01'", 'NULL'],
                 month_before => ['NULL', "'202606'"], month_after => ['NULL', "'202607'"], neither => ['NULL', 'NULL']);
    my %iid;
    for my $k (sort keys %items) {
        db_do("INSERT INTO prearchive_item (ent_id, contract_no, tracking_no, export_date, export_month, created_by)"
            . " VALUES ($ent, 'DT-$run', 'DT-$run-$k', $items{$k}[0], $items{$k}[1], $user)");
        $iid{$k} = db_value("SELECT id FROM prearchive_item WHERE ent_id = $ent AND tracking_no = 'DT-$run-$k'");
    }
    my $offered = sub { scalar $c->get("/prearchive/upload?id=$iid{$_[0]}")->{text} =~ m{<option value="$dated">} };
    ok(!$offered->('before'), '出口日期 2026-06-30: a kind in force from 2026-07-01 is not offered');
    ok($offered->('after'), '出口日期 2026-07-01: it is');
    ok(!$offered->('month_before'), 'no 出口日期, 出口月份 202606: not offered');
    ok($offered->('month_after'), 'no 出口日期, 出口月份 202607: offered');
    is(!!$offered->('neither'), !!db_value("SELECT CURDATE() >= '2026-07-01'"), 'neither: by today');
    $r = $c->post_multipart('/prearchive/upload', [[id => $iid{before}], [doc_kind_id => $dated], file_part('x.pdf', $PDF2)]);
    is(field_error($r->{text}, 'doc_kind_id'), '请选择单证种类', 'a file under it for the item exported before: refused');
    db_do("DELETE FROM prearchive_item WHERE tracking_no LIKE 'DT-$run-%'");
    db_do("DELETE FROM doc_kind WHERE id = $dated");
}

done_testing();
