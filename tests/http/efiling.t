#!/usr/bin/perl
# tests/http/efiling.t — 电子化管理备案 (000 §2.5.1) and the workbench's
# first-login notice (§2.2): the form (*企业类型, *主管税务局, *管理方式
# 自行制作电子文档, 备案申请表, 下载模板, 备注, 保存) with its defaults from
# the enterprise record; the notice before filing and gone after; saving
# with a real PDF (multipart), the stored file served back byte for byte;
# files refused by size (文件超过5MB), by content (an .exe named .pdf) and
# when empty, with everything else typed kept; saving again updates;
# the printable 备案申请表 (下载模板) with the enterprise's facts; enterprise
# isolation, permissions, CSRF and the audit rows.
#
# Uses the demo 外贸企业 (5101960002), whose filing this file owns: it is
# removed at the start so the file can run again on the same stack.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Encode qw(decode_utf8);
use File::Temp ();
use Test::More;
use TsTest qw(:DEFAULT :html);

my $TAG = sprintf 'E%x%x', $$, time % 65536;
my $ENT = db_value("SELECT id FROM enterprise WHERE customs_code = '5101960002'");
my $PROD = db_value("SELECT id FROM enterprise WHERE customs_code = '5101940001'");
my $NOTICE = '【非常重要：第一次登录使用系统，请前往“系统管理—>电子化管理备案”，设置企业类型等信息。】';
my ($ENT_NAME, $TAXPAYER, $CUSTOMS, $BUREAU, $BUREAU_NAME) = @{ (db(
    'SELECT e.name, e.taxpayer_id, e.customs_code, e.tax_bureau_code, b.name FROM enterprise e'
      . " JOIN tax_bureau b ON b.code = e.tax_bureau_code WHERE e.id = $ENT"))[0] };
my $OTHER_BUREAU = db_value("SELECT code FROM tax_bureau WHERE status = 'normal' AND code <> '$BUREAU' ORDER BY code LIMIT 1");

db_do("DELETE FROM efiling WHERE ent_id = $ENT");

# A small, well-formed one-page PDF (exact cross-reference offsets: the
# store parses it strictly).
sub make_pdf {
    my ($text) = @_;
    my $stream = "BT /F1 24 Tf 72 760 Td ($text) Tj ET";
    my @objs = (
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R'
          . ' /Resources << /Font << /F1 5 0 R >> >> >>',
        '<< /Length ' . length($stream) . " >>\nstream\n$stream\nendstream",
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    );
    my $pdf = "%PDF-1.4\n";
    my @off;
    for my $i (0 .. $#objs) {
        push @off, length $pdf;
        $pdf .= ($i + 1) . " 0 obj\n$objs[$i]\nendobj\n";
    }
    my $xref = length $pdf;
    $pdf .= 'xref
0 ' . (@objs + 1) . "\n0000000000 65535 f \n";
    $pdf .= sprintf "%010d 00000 n \n", $_ for @off;
    $pdf .= 'trailer
<< /Size ' . (@objs + 1) . " /Root 1 0 R >>\nstartxref\n$xref\n%%EOF\n";
    return $pdf;
}

my $PDF = make_pdf("efiling $TAG");

# POST the form; fields default to a valid filing; file => {filename,
# content, type} or undef for "no file chosen" (an empty part, as browsers
# send it).
sub save_filing {
    my ($c, %f) = @_;
    my %v = (ent_type => 'trading', tax_bureau_code => $BUREAU, manage_mode => 'self_made',
        remark => '', %f);
    my $file = delete $v{file};
    my @parts = map { [$_ => $v{$_}] } grep { defined $v{$_} } qw(ent_type tax_bureau_code manage_mode);
    push @parts, [form_file => $file // {filename => '', content => '', type => 'application/octet-stream'}];
    push @parts, [remark => $v{remark}] if defined $v{remark};
    return $c->post_multipart('/efiling/save', \@parts);
}

sub pdf_file { {filename => $_[0] // "备案申请表$TAG.pdf", content => $_[1] // $PDF, type => 'application/pdf'} }

sub filed { db_value("SELECT COUNT(*) FROM efiling WHERE ent_id = $ENT") }

sub audit_rows {
    my ($like) = @_;
    return db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'efiling' AND object_id = '$ENT'"
          . ' AND detail LIKE ' . sql_str($like));
}

my $admin = login('ent-admin-trading');

subtest 'before filing: the workbench shows the first-login notice' => sub {
    my $r = $admin->get('/workbench/');
    is($r->{status}, 200, 'workbench 200');
    like($r->{text}, qr/\Q$NOTICE\E/, 'the manual\'s notice');
    like($r->{text}, qr{<div class="notice" id="efiling-notice"[^>]*>.*<a href="/efiling/">}s, 'with a link to 电子化管理备案');
    ok(index($r->{text}, 'efiling-notice') < index($r->{text}, 'class="cards"'), 'at the top of the page');
    like($r->{text}, qr{<a href="/efiling/">电子化管理备案</a>}, '电子化管理备案 in the menu');
};

subtest 'the form: fields as the manual names them, defaults from the enterprise' => sub {
    my $r = $admin->get('/efiling/');
    is($r->{status}, 200, 'GET /efiling/ 200');
    like($r->{text}, qr/<h1>电子化管理备案<\/h1>/, 'title');
    like($r->{text}, qr/<form method="post" action="\/efiling\/save" enctype="multipart\/form-data">/, 'a multipart form');
    like($r->{text}, qr/<span class="req">\*<\/span>$_/, "*$_") for qw(企业类型 主管税务局 管理方式);
    like($r->{text}, qr/<option value="production"[^>]*>生产企业<\/option>/, '生产企业');
    like($r->{text}, qr/<option value="trading"[^>]*>外贸企业<\/option>/, '外贸企业');
    is(selected_value($r->{text}, 'ent_type'), 'trading', '企业类型 defaults to the enterprise\'s');
    is(selected_value($r->{text}, 'tax_bureau_code'), $BUREAU, '主管税务局 defaults to the enterprise\'s');
    like($r->{text}, qr/<option value="\Q$BUREAU\E" selected>\Q$BUREAU_NAME\E<\/option>/, 'shown by name');
    is(selected_value($r->{text}, 'manage_mode'), 'self_made', '管理方式');
    like($r->{text}, qr/>自行制作电子文档<\/option>/, '管理方式 自行制作电子文档');
    like($r->{text}, qr/<input type="file"[^>]*name="form_file"/, '备案申请表 file input');
    like($r->{text}, qr/>备案申请表<\/label>/, 'labelled 备案申请表');
    like($r->{text}, qr{<a class="button" href="/efiling/template"[^>]*>下载模板</a>}, '【下载模板】');
    like($r->{text}, qr/PDF格式或JPG格式/, 'PDF or JPG said');
    like($r->{text}, qr/<textarea[^>]*name="remark"/, '备注');
    like($r->{text}, qr/<button type="submit" class="primary">保存<\/button>/, '【保存】');
    like($r->{text}, qr/尚未进行电子化管理备案/, 'not filed yet');
};

subtest 'a file over 5 MB: 文件超过5MB, everything else kept, nothing saved' => sub {
    $admin->get('/efiling/');
    my $big = "%PDF-1.4\n" . ('0' x (6 * 1024 * 1024)) . "\n%%EOF\n";
    my $r = save_filing($admin, tax_bureau_code => $OTHER_BUREAU, remark => "备注$TAG",
        file => pdf_file('big.pdf', $big));
    is($r->{status}, 200, 'the form again');
    like(field_error($r->{text}, 'form_file'), qr/文件超过5MB/, '文件超过5MB next to the field');
    like(field_error($r->{text}, 'form_file'), qr/请重新选择文件/, '请重新选择文件');
    is(selected_value($r->{text}, 'tax_bureau_code'), $OTHER_BUREAU, '主管税务局 kept');
    is(selected_value($r->{text}, 'ent_type'), 'trading', '企业类型 kept');
    is(textarea_value($r->{text}, 'remark'), "备注$TAG", '备注 kept');
    is(filed(), 0, 'nothing saved');
};

subtest 'an .exe named .pdf is refused by its content' => sub {
    my $exe = "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" . ("\x00" x 48)
      . "This program cannot be run in DOS mode.\r\n" . ("\x90" x 2000);
    my $r = save_filing($admin, remark => "exe$TAG", file => pdf_file('申请表.pdf', $exe));
    is($r->{status}, 200, 'the form again');
    like(field_error($r->{text}, 'form_file'), qr/不是JPG或PDF格式（按内容判断）/, 'not a PDF or JPG, by content');
    is(textarea_value($r->{text}, 'remark'), "exe$TAG", '备注 kept');
    is(filed(), 0, 'nothing saved');
    # A damaged PDF (cut short) is no PDF either.
    $r = save_filing($admin, file => pdf_file('cut.pdf', substr($PDF, 0, 200)));
    is($r->{status}, 200, 'a PDF cut short: the form again');
    like(field_error($r->{text}, 'form_file'), qr/PDF文件已损坏/, 'PDF文件已损坏');
};

subtest 'a 0-byte file is refused' => sub {
    my $r = save_filing($admin, remark => "空$TAG", file => pdf_file('empty.pdf', ''));
    is($r->{status}, 200, 'the form again');
    like(field_error($r->{text}, 'form_file'), qr/文件为空/, '文件为空');
    is(filed(), 0, 'nothing saved');
};

subtest 'other fields wrong: the chosen file is named, to be chosen again' => sub {
    my $r = save_filing($admin, ent_type => '', tax_bureau_code => '99999999999', remark => "缺$TAG",
        file => pdf_file("申请$TAG.pdf"));
    is($r->{status}, 200, 'the form again');
    is(field_error($r->{text}, 'ent_type'), '请选择企业类型', '请选择企业类型');
    is(field_error($r->{text}, 'tax_bureau_code'), '请从列表中选择主管税务局', 'a bureau not in the list');
    like(field_error($r->{text}, 'form_file'), qr/“申请\Q$TAG\E\.pdf”未上传，请重新选择文件/, 'the file to choose again');
    is(textarea_value($r->{text}, 'remark'), "缺$TAG", '备注 kept');
    is(filed(), 0, 'nothing saved');
};

subtest 'save with a real PDF: filed, stored, audited; the notice is gone' => sub {
    my $audited = audit_rows('create%');
    my $r = save_filing($admin, remark => "首次备案$TAG", file => pdf_file());
    is($r->{status}, 303, 'saved: 303');
    is($r->{location}, '/efiling/', 'back to the page');
    is(filed(), 1, 'the enterprise\'s row');
    my $sha = sha256_hex($PDF);
    is(db_value("SELECT CONCAT(ent_type, '|', tax_bureau_code, '|', manage_mode, '|', form_sha256, '|', form_name, '|', remark) FROM efiling WHERE ent_id = $ENT"),
        "trading|$BUREAU|self_made|$sha|备案申请表$TAG.pdf|首次备案$TAG", 'stored as typed, the file by its sha256');
    is(db_value("SELECT CONCAT(kind, '|', size) FROM stored_file WHERE sha256 = '$sha'"), 'pdf|' . length($PDF), 'stored_file: a PDF of its size');
    ok(-f var_dir() . '/store/' . substr($sha, 0, 2) . '/' . substr($sha, 2, 2) . "/$sha", 'the file in the store');
    is(audit_rows('create%'), $audited + 1, 'audited');
    $r = $admin->follow($r);
    like($r->{text}, qr/保存成功/, 'flash');
    like($r->{text}, qr/已备案/, 'shown as filed');
    like($r->{text}, qr{<a href="/efiling/form"[^>]*>备案申请表\Q$TAG\E\.pdf</a>（PDF，1 KB）}, 'the file with a link, its kind and size');
    my $who = db_value("SELECT CONCAT(nickname, '（', login_name, '）') FROM app_user WHERE login_name = '5101960002'");
    like($r->{text}, qr/\Q$who\E/, 'who filed it');
    like($r->{text}, qr/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/, 'when');
    $r = $admin->get('/workbench/');
    unlike($r->{text}, qr/efiling-notice|非常重要/, 'the workbench notice is gone');
};

subtest 'the stored file downloads with the same bytes' => sub {
    my $r = $admin->get('/efiling/form');
    is($r->{status}, 200, 'GET /efiling/form 200');
    is($r->{headers}{'content-type'}, 'application/pdf', 'application/pdf');
    ok($r->{content} eq $PDF, 'the same bytes');
    like($r->{headers}{'content-disposition'} // '', qr/^inline;.*filename\*=UTF-8''/, 'shown inline, with its name');
};

subtest 'saving again updates; without a new file the file stays' => sub {
    $admin->get('/efiling/');
    my $audited = audit_rows('update%');
    my $r = save_filing($admin, tax_bureau_code => $OTHER_BUREAU, remark => "第二次$TAG");
    is($r->{status}, 303, 'saved');
    is(db_value("SELECT CONCAT(tax_bureau_code, '|', remark, '|', form_sha256) FROM efiling WHERE ent_id = $ENT"),
        "$OTHER_BUREAU|第二次$TAG|" . sha256_hex($PDF), 'updated, file kept');
    is(db_value("SELECT COUNT(*) FROM efiling WHERE ent_id = $ENT"), 1, 'still one row');
    my $uid = db_value("SELECT id FROM app_user WHERE login_name = '5101960002'");
    is(db_value("SELECT updated_by FROM efiling WHERE ent_id = $ENT"), $uid, 'updated_by');
    is(audit_rows('update%'), $audited + 1, 'audited as an update');
    $r = $admin->get('/efiling/');
    is(selected_value($r->{text}, 'tax_bureau_code'), $OTHER_BUREAU, 'the form shows the saved bureau');
    is(textarea_value($r->{text}, 'remark'), "第二次$TAG", 'and the saved 备注');
    like($r->{text}, qr/不选择文件则保留已上传的备案申请表/, 'says the file stays');

    my $jpg_path = "$FindBin::Bin/../data/store/photo.jpg";
    SKIP: {
        skip 'no sample JPEG', 4 unless -r $jpg_path;
        open my $fh, '<:raw', $jpg_path or die $!;
        my $jpg = do { local $/; <$fh> };
        $r = save_filing($admin, tax_bureau_code => $BUREAU, remark => "照片$TAG",
            file => {filename => "扫描$TAG.jpg", content => $jpg, type => 'image/jpeg'});
        is($r->{status}, 303, 'a JPG saved');
        is(db_value("SELECT form_sha256 FROM efiling WHERE ent_id = $ENT"), sha256_hex($jpg), 'the new file');
        $r = $admin->get('/efiling/form');
        is($r->{headers}{'content-type'}, 'image/jpeg', 'served as image/jpeg');
        ok($r->{content} eq $jpg, 'the same bytes');
    }
};

subtest 'a name with ../ and Chinese characters is kept literally, never a path' => sub {
    my $odd = '../../etc/备案申请表 <b>&"x"</b>.pdf';
    my $pdf = make_pdf("odd name $TAG");
    my $sha = sha256_hex($pdf);
    my $r = save_filing($admin, tax_bureau_code => $BUREAU, remark => "怪名$TAG", file => pdf_file($odd, $pdf));
    is($r->{status}, 303, 'saved');
    is(db_value("SELECT form_name FROM efiling WHERE ent_id = $ENT"), '../../etc/备案申请表 <b>&%22x%22</b>.pdf',
        'stored literally (the quotes as the browser encodes them)');
    $r = $admin->get('/efiling/');
    like($r->{text}, qr{\.\./\.\./etc/备案申请表 &lt;b&gt;&amp;%22x%22&lt;/b&gt;\.pdf}, 'shown escaped');
    unlike($r->{text}, qr{<b>&}, 'never as markup');
    ok(!-e var_dir() . '/etc/备案申请表 <b>&%22x%22</b>.pdf' && !-e var_dir() . '/store/etc', 'never used as a path');
    ok(-f var_dir() . '/store/' . substr($sha, 0, 2) . '/' . substr($sha, 2, 2) . "/$sha", 'stored by sha256');
    $r = $admin->get('/efiling/form');
    ok($r->{content} eq $pdf, 'the same bytes download');
    my $cd = $r->{headers}{'content-disposition'} // '';
    unlike($cd, qr{\.\./|/}, 'its Content-Disposition names no path') or diag $cd;
    like($cd, qr{filename\*=UTF-8''}i, 'with the Chinese name (RFC 5987)');
};

subtest '下载模板: the 备案申请表 as a PDF file, with the enterprise\'s facts' => sub {
    my $r = $admin->get('/efiling/template');
    is($r->{status}, 200, 'GET /efiling/template 200');
    is($r->{headers}{'content-type'}, 'application/pdf', 'a PDF');
    like($r->{headers}{'content-disposition'} // '', qr/^attachment;.*filename\*=UTF-8''%E5%A4%87%E6%A1%88%E7%94%B3%E8%AF%B7%E8%A1%A8%E6%A8%A1%E6%9D%BF\.pdf/,
        'downloaded as 备案申请表模板.pdf');
    like($r->{content}, qr/\A%PDF-/, 'starts as a PDF');
    my $tmp = File::Temp->new(SUFFIX => '.pdf');
    binmode $tmp;
    print $tmp $r->{content};
    close $tmp;
    my $text = decode_utf8(scalar qx{pdftotext -layout '$tmp' - 2>&1});
    is($?, 0, 'pdftotext reads it');
    unlike($text, qr/Syntax (Error|Warning)/i, 'without a syntax warning');
    is(scalar(() = qx{pdfinfo '$tmp'} =~ /^Pages:\s+1$/m), 1, 'one page');
    like($text, qr/出口退（免）税备案单证电子化管理备案申请表/, 'the form\'s title');
    my $saved_bureau = db_value("SELECT b.name FROM efiling f JOIN tax_bureau b ON b.code = f.tax_bureau_code WHERE f.ent_id = $ENT");
    for my $row (['纳税人名称', $ENT_NAME], ['纳税人识别号', $TAXPAYER], ['海关编码', $CUSTOMS],
                 ['企业类型', '外贸企业'], ['主管税务局', $saved_bureau], ['管理方式', '自行制作电子文档']) {
        like($text, qr/\Q$row->[0]\E\s+\Q$row->[1]\E/, "$row->[0]: $row->[1]");
    }
    like($text, qr/申请日期\s+年\s+月\s+日/, '申请日期 to fill in');
    like($text, qr/法定代表人（签字）/, 'the signature');
    like($text, qr/企业公章/, 'room for the stamp');
    like($text, qr/保存10年/, 'the retention in force (10 years)');
    ok(!glob(var_dir() . '/tmp/efiling-*'), 'the temp file is removed once sent');
};

subtest '打印模板: the 备案申请表 to print, with the enterprise\'s facts' => sub {
    my $r = $admin->get('/efiling/');
    like($r->{text}, qr{<a class="button" href="/efiling/template" download>下载模板</a>}, '【下载模板】 downloads the file');
    like($r->{text}, qr{href="/efiling/print"[^>]*>打印模板</a>}, '【打印模板】 opens the print page');
    $r = $admin->get('/efiling/print');
    is($r->{status}, 200, 'GET /efiling/print 200');
    like($r->{text}, qr/备案申请表/, 'the form\'s title');
    my $saved_bureau = db_value("SELECT b.name FROM efiling f JOIN tax_bureau b ON b.code = f.tax_bureau_code WHERE f.ent_id = $ENT");
    for my $row (['纳税人名称', $ENT_NAME], ['纳税人识别号', $TAXPAYER], ['海关编码', $CUSTOMS],
                 ['企业类型', '外贸企业'], ['主管税务局', $saved_bureau], ['管理方式', '自行制作电子文档']) {
        like($r->{text}, qr{<th scope="row">$row->[0]</th><td[^>]*>\Q$row->[1]\E</td>}, "$row->[0]: $row->[1]");
    }
    like($r->{text}, qr/<th scope="row">申请日期<\/th>/, '申请日期');
    like($r->{text}, qr/<th scope="row">签章<\/th>/, '签章');
    like($r->{text}, qr/企业公章/, 'room for the stamp');
    like($r->{text}, qr/保存10年/, 'the retention in force (10 years)');
    like($r->{text}, qr{/static/templates/efiling-apply\.css}, 'its print stylesheet');
    my $css = client()->get('/static/templates/efiling-apply.css');
    is($css->{status}, 200, 'the stylesheet is served');
    like($css->{content}, qr/\@page/, 'with the page size for print');
};

subtest 'another enterprise sees neither the filing nor the file' => sub {
    my $p = login('ent-admin-production');
    my $r = $p->get('/efiling/');
    is($r->{status}, 200, 'its own page');
    unlike($r->{text}, qr/\Q$TAG\E/, 'nothing of the other enterprise\'s filing');
    $r = $p->get('/efiling/form');
    if (db_value("SELECT COUNT(*) FROM efiling WHERE ent_id = $PROD AND form_sha256 IS NOT NULL")) {
        ok($r->{content} ne $PDF, 'its own file, not the other\'s');
    } else {
        is($r->{status}, 404, 'no file of its own: 404');
    }
    $r = $p->get('/efiling/print');
    unlike($r->{text}, qr/\Q$ENT_NAME\E/, 'the print page has its own name, not the other\'s');
};

subtest 'permissions and CSRF' => sub {
    my $clerk = login('ent-clerk');
    is($clerk->get('/efiling/')->{status}, 403, 'a clerk without 电子化管理备案: 403');
    is($clerk->get('/efiling/form')->{status}, 403, 'and the file: 403');
    for my $who (qw(operator tax-officer)) {
        is(login($who)->get('/efiling/')->{status}, 403, "$who: 403 (an enterprise function)");
    }
    $admin->get('/efiling/');
    my $before = db_value("SELECT remark FROM efiling WHERE ent_id = $ENT");
    my $r = $admin->post_multipart('/efiling/save', [[ent_type => 'trading'], [tax_bureau_code => $BUREAU],
        [manage_mode => 'self_made'], [remark => "无令牌$TAG"]], {no_csrf => 1});
    is($r->{status}, 403, 'save without _csrf: 403');
    is(db_value("SELECT remark FROM efiling WHERE ent_id = $ENT"), $before, 'nothing changed');
    $r = $admin->post('/efiling/save', {ent_type => 'trading', tax_bureau_code => $BUREAU,
        manage_mode => 'self_made', remark => "urlencoded$TAG"});
    is($r->{status}, 303, 'an urlencoded save (no file) is fine too');
};

done_testing();
