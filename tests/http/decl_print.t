#!/usr/bin/env perl
# decl — 重新发往税务总局 (003 §2.1.3, §2.1.7) and 批量预览/打印, 预览/打印,
# 直接打印 (§2.1.4, §2.1.8, §2.1.9): at most 10 ticked, the manual's
# messages; a resend row per declaration (who, when, which version),
# audited; the PDF laid out as the paper 出口货物报关单, one declaration a
# page (continuation pages for a long body), read back with poppler-utils.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :html);
use TsDecl;
use File::Temp qw(tempdir);
use Encode ();

binmode(STDOUT, ':utf8');
binmode(Test::More->builder->$_, ':utf8') for qw(output failure_output todo_output);

my $tag = sprintf '%05d', $$ % 100000;
my $prod = login('ent-admin-production');
my $trade = login('ent-admin-trading');
my $tmp = tempdir(CLEANUP => 1);

# ---- 11 declarations of the production enterprise on a day of this run's
# own; the third has 13 body lines (a continuation page), the others 1.
my $day = sprintf '2024-%02d-%02d', 1 + $tag % 12, 1 + int($tag / 12) % 28;
(my $ymd = $day) =~ s/-//g;
my @nos = map { sprintf '79002024' . '0' . '6%03d' . $tag, $_ } 1 .. 11;
my $long = $nos[2];
my $cus = login('customs-officer');
$cus->get('/customs/');
sub publish {
    my (@xml) = @_;
    return $cus->post_multipart('/customs/import', [[file => {filename => 'p.xml', type => 'text/xml',
        content => decl_file(@xml)}]]);
}
my $r = publish(map {
    decl_xml(EntryId => $_, IEDate => $ymd, DDate => $ymd, ClearDate => $ymd, PreEntryId => '7900' . $tag . '000' . substr($_, -5),
             ContrNo => "HT-$tag", BillNo => "BL$tag", CutMode => '101',
             lines => $_ eq $long ? 13 : 1,
             line => {GName => '数控钻床', GModel => 'ZK-' . substr($_, -3), DistrictCode => '51019',
                      DutyMode => 1})
} @nos);
is($r->{status}, 303, '11 declarations published');

# The list of that day (its checkboxes are named entry_id).
my $list = $prod->get("/decl/?by=date&start=$day&end=$day");
is(scalar(() = $list->{text} =~ /<input type="checkbox" name="entry_id"/g), 11, 'the list has a checkbox a row');
like($list->{text}, qr/<button type="submit" formaction="\/decl\/resend"[^>]*>重新发往税务总局<\/button>/, 'a 重新发往税务总局 button');
like($list->{text}, qr/<button type="submit" formaction="\/decl\/print"[^>]*>批量预览\/打印<\/button>/, 'a 批量预览/打印 button');
my ($back) = $list->{text} =~ /<input type="hidden" name="back" value="([^"]*)"/;
$back =~ s/&amp;/&/g;
is($back, "/decl/?by=date&start=$day&end=$day", 'the form knows the query to come back to');

# A POST of the ticked numbers.
sub tick {
    my ($c, $path, @ticked) = @_;
    return $c->post($path, [back => $back, map { (entry_id => $_) } @ticked]);
}

# The text of page $p of a PDF (bytes), and its page count.
my $npdf = 0;
sub pdf_file {
    my ($bytes) = @_;
    my $f = "$tmp/" . ++$npdf . '.pdf';
    open my $fh, '>:raw', $f or die $!;
    print $fh $bytes;
    close $fh;
    return $f;
}
sub pdf_pages {
    my ($f) = @_;
    my ($n) = `pdfinfo $f` =~ /^Pages:\s+(\d+)/m;
    return $n // -1;
}
sub pdf_text {
    my ($f, $p) = @_;
    my $t = Encode::decode('UTF-8', scalar `pdftotext -layout -f $p -l $p $f - 2>&1`);
    return $t;
}

# ---- 批量预览/打印: 10 ticked
$r = tick($prod, '/decl/print', @nos[0 .. 9]);
is($r->{status}, 200, '10 ticked: the PDF');
like($r->{headers}{'content-type'}, qr{^application/pdf}, 'as application/pdf');
like($r->{headers}{'content-disposition'}, qr/^inline;/, 'shown in the browser (inline)');
my $pdf = pdf_file($r->{content});
is(pdf_pages($pdf), 11, 'one page a declaration, two for the one with 13 body lines');
my @want_page = (1, 2, 3, 5, 6, 7, 8, 9, 10, 11); # page of each declaration's first page
for my $i (0 .. 9) {
    my $t = pdf_text($pdf, $want_page[$i]);
    like($t, qr/海关编号：\Q$nos[$i]\E/, "page $want_page[$i] is $nos[$i]");
}
my $p1 = pdf_text($pdf, 1);
like($p1, qr/中华人民共和国海关出口货物报关单/, 'the title');
for my $label (qw(境内发货人 出境关别 出口日期 申报日期 备案号 境外收货人 运输方式 提运单号 生产销售单位
                  监管方式 征免性质 合同协议号 运抵国（地区） 指运港 件数 毛重（千克） 净重（千克） 成交方式
                  运费 保费 随附单证及编号 标记唛码及备注 项号 商品编号 商品名称及规格型号 数量及单位
                  单价/总价/币制 原产国（地区） 最终目的国（地区） 境内货源地 征免 海关批注及签章)) {
    like($p1, qr/\Q$label\E/, "the printed label $label");
}
like($p1, qr/\Q$PROD_SCC\E/, 'the 境内发货人 by its 统一社会信用代码');
like($p1, qr/\Q$PROD_NAME\E/, 'and its name');
like($p1, qr/$day/, 'the 出口日期');
like($p1, qr/HT-$tag/, 'the 合同协议号');
like($p1, qr/BL$tag/, 'the 提运单号');
like($p1, qr/预录入编号：7900${tag}000/, 'the 预录入编号');
like($p1, qr/页码\/页数：1\/1/, 'page 1 of 1');
like($p1, qr/^\s*1\s+8459290000\s+数控钻床/m, 'the body line: 项号, 商品编号, 商品名称');
like($p1, qr/ZK-\d{3}/, 'the 规格型号 under the name');
like($p1, qr/\b200\.00\b/, 'the 总价');
like($p1, qr/\bUSD 美元\b/, 'the 币制 with its name');
like($p1, qr/CHN 中国\s+DEU 德国\s+51019\s+1 照章征税/, '原产国, 最终目的国, 境内货源地 and 征免 with their names');
like($p1, qr/^\s+ZK-\d{3}\s.*\s成都其他\s*$/m, '…境内货源地 51019 with its name 成都其他 under it');
like($p1, qr/^\s*1\s+8459290000\s+数控钻床\s+2 001 台\s/m, 'the 成交数量 and its unit: 001 台');
# The coded header boxes print "code name" as the detail page does.
like($p1, qr/出境关别.*\n.*7900 成都海关/, '出境关别 7900 成都海关');
like($p1, qr/申报地海关：7900 成都海关/, '申报地海关 with its name above the grid');
like($p1, qr/2 水路运输/, '运输方式 2 水路运输');
like($p1, qr/0110 一般贸易/, '监管方式 0110 一般贸易');
like($p1, qr/101 一般征税/, '征免性质 101 一般征税');
like($p1, qr/DEU 德国/, '运抵国 DEU 德国');
like($p1, qr/\b3 FOB\b/, '成交方式 3 FOB');
my $names = 0;
$names++ while $p1 =~ /\b(?:7900 成都海关|2 水路运输|0110 一般贸易|101 一般征税|3 FOB)\b/g;
is($names, 6, 'each coded header value printed once (7900 as 申报地海关 and 出境关别)');
like($p1, qr/数据传输状态：新增/, 'the 数据传输状态 in the foot');

my $c1 = pdf_text($pdf, 3);
my $c2 = pdf_text($pdf, 4);
like($c1, qr/海关编号：\Q$long\E/, 'the long declaration starts on page 3');
like($c1, qr/页码\/页数：1\/2/, 'as page 1 of 2');
like($c2, qr/海关编号：\Q$long\E/, 'its continuation page repeats the number');
like($c2, qr/页码\/页数：2\/2/, 'as page 2 of 2');
like($c2, qr/境内发货人.*\n.*\Q$PROD_SCC\E/s, 'and the header boxes');
my @l1 = $c1 =~ /^\s*(\d+)\s+8459290000/mg;
my @l2 = $c2 =~ /^\s*(\d+)\s+8459290000/mg;
is_deeply(\@l1, [1 .. 12], 'lines 1-12 on the first page');
is_deeply(\@l2, [13], 'line 13 on the continuation page');

# ---- a long 规格型号 (申报要素) wraps and grows its line, a long name
# shrinks in its box: nothing is cut
my $model = join '|', map { "申报要素第${_}项内容" } 1 .. 14;   # 150 characters
my $lname = '四川天府机械制造有限公司' x 4 . '国际贸易分公司';       # 55 characters
# (declared at 7901 成都双流机场海关 under 9710, the longest names of the
# seeded 关区 and 监管方式: set smaller, never cut)
my $longno = sprintf '79012024' . '0' . '7001' . $tag;
$r = publish(decl_xml(EntryId => $longno, IEDate => $ymd, DDate => $ymd, ClearDate => $ymd, TradeName => $lname, lines => 2,
                      CustomMaster => '7901', IEPort => '7901', TradeMode => '9710', line => {GModel => $model}));
is($r->{status}, 303, 'a declaration with long texts published');
$pdf = pdf_file($prod->get("/decl/print?entry_id=$longno")->{content});
is(pdf_pages($pdf), 1, 'its two tall lines fit one page');
(my $raw = Encode::decode('UTF-8', scalar `pdftotext -raw $pdf - 2>&1`)) =~ s/\s+//g;
is(scalar(() = $raw =~ /\Q$model\E/g), 2, 'the whole 规格型号 of both lines is printed');
like($raw, qr/\Q$lname\E/, 'and the whole 境内发货人 name');
is(scalar(() = $raw =~ /7901成都双流机场海关/g), 2, 'the 申报地海关 and 出境关别 with their whole name');
like($raw, qr/9710跨境电子商务企业对企业直接出口/, 'the whole name of 监管方式 9710');

# ---- 11 ticked: refused with the manual's limit, back on the list
$r = tick($prod, '/decl/print', @nos);
is($r->{status}, 303, '11 ticked: no PDF');
is($r->{location}, $back, 'back to the list with its query');
$r = $prod->get($r->{location});
like($r->{text}, qr/页面支持一次最多选择10条报关单数据，您选择了11条，请减少后再试。/, 'the message');
$r = tick($prod, '/decl/print');
is($r->{status}, 303, 'none ticked: no PDF');
like($prod->get($r->{location})->{text}, qr/请先勾选报关单。/, 'asks to tick one');
$r = tick($prod, '/decl/print', $nos[0], $nos[0]);
is(pdf_pages(pdf_file($r->{content})), 1, 'a number ticked twice is printed once');

# another enterprise's number: as not found, nothing printed
$r = tick($prod, '/decl/print', $nos[0], '790220260000820001');
is($r->{status}, 404, "another enterprise's declaration in the selection: 404");
like($r->{text}, qr/未查询到该报关单/, 'said as not found');
$r = tick($trade, '/decl/print', $nos[0]);
is($r->{status}, 404, 'nor can the other enterprise print ours');
$r = $prod->post('/decl/print', [entry_id => $nos[0]], {no_csrf => 1});
is($r->{status}, 403, 'the batch print is a POST with its CSRF token');

# ---- 预览/打印 from the detail (a GET)
my $view = $prod->get("/decl/view?entry_id=$nos[0]");
like($view->{text}, qr{href="/decl/print\?entry_id=$nos[0]"[^>]*>预览/打印<}, 'the detail has 预览/打印');
like($view->{text}, qr{href="/decl/printview\?entry_id=$nos[0]&amp;auto=1"[^>]*>直接打印<}, 'and 直接打印');
$r = $prod->get("/decl/print?entry_id=$nos[0]");
is($r->{status}, 200, '预览/打印: the PDF');
$pdf = pdf_file($r->{content});
is(pdf_pages($pdf), 1, 'of one page');
like(pdf_text($pdf, 1), qr/海关编号：$nos[0]/, 'of that declaration');
is($prod->get('/decl/print?entry_id=790220260000820001')->{status}, 404, "another enterprise's: 404");

# ---- 直接打印: the HTML form
$r = $prod->get("/decl/printview?entry_id=$nos[2]&auto=1");
is($r->{status}, 200, '直接打印 opens the print view');
like($r->{text}, qr/<h1 class="paper-title">中华人民共和国海关出口货物报关单<\/h1>/, 'titled as the paper form');
like($r->{text}, qr/data-autoprint="1"/, 'which opens the print dialog');
like($r->{text}, qr/<strong id="p-entry-id">$nos[2]<\/strong>/, 'with the number');
like($r->{text}, qr/<span class="paper-label">境内发货人<\/span><span class="paper-value">\($PROD_SCC\)\n\Q$PROD_NAME\E<\/span>/,
     'the 境内发货人 box');
my @body = list_rows($r->{text}, 'paper-body');
is(scalar @body, 13, 'all 13 body lines');
like($r->{text}, qr{<span class="paper-label">监管方式</span><span class="paper-value">0110 一般贸易</span>}, 'the 监管方式 box with its name');
like($r->{text}, qr{<span class="paper-label">征免性质</span><span class="paper-value">101 一般征税</span>}, 'the 征免性质 box with its name');
like($r->{text}, qr{<span class="paper-label">出境关别</span><span class="paper-value">7900 成都海关</span>}, 'the 出境关别 box with its name');
is_deeply([@{ $body[0] }[5, 6, 8]], ['CHN 中国', 'DEU 德国', '1 照章征税'], 'the body: countries and 征免 with their names');
like($body[0][4], qr/USD 美元/, 'and the 币制');
is_deeply([@{ $body[12] }[0, 1]], ['13', '8459290000'], 'the last one: 项号 and 商品编号');
unlike($prod->get("/decl/printview?entry_id=$nos[2]")->{text}, qr/data-autoprint/, 'without auto it waits for 打印');
is($trade->get("/decl/printview?entry_id=$nos[2]")->{status}, 404, "another enterprise's: 404");

# ---- 重新发往税务总局
my $ent = db_value("SELECT id FROM enterprise WHERE uscc = " . sql_str($PROD_SCC));
my $uid = db_value("SELECT id FROM app_user WHERE login_name = " . sql_str(account('ent-admin-production')->{login}));
sub resends {
    my ($no) = @_;
    return db_value("SELECT COUNT(*) FROM export_decl_resend WHERE entry_id = " . sql_str($no));
}
$r = tick($prod, '/decl/resend', @nos);
is($r->{status}, 303, '11 ticked: not sent');
like($prod->get($r->{location})->{text}, qr/页面支持一次最多选择10条报关单数据，您选择了11条/, 'the message');
is(resends($nos[0]), 0, 'nothing recorded');
$r = tick($prod, '/decl/resend', $nos[0], '790220260000820001');
is($r->{status}, 404, "another enterprise's number among them: 404");
is(resends($nos[0]), 0, 'and nothing recorded, not even the own one');
$r = $prod->post('/decl/resend', [entry_id => $nos[0], back => $back], {no_csrf => 1});
is($r->{status}, 403, 'without the CSRF token: refused');
is(resends($nos[0]), 0, 'nothing recorded');
is(login('tax-officer')->post('/decl/resend', [entry_id => $nos[0]])->{status}, 403, 'a tax officer may not');

$r = tick($prod, '/decl/resend', @nos[0 .. 9]);
is($r->{status}, 303, '10 ticked: sent');
is($r->{location}, $back, 'back to the list');
like($prod->get($r->{location})->{text},
     qr/发送成功！已将10条报关单数据重新发往税务总局，请于3-5个工作日后联系当地税务局查询。/, 'the success message');
is(resends($nos[$_]), 1, "a resend row for $nos[$_]") for 0, 9;
is(resends($nos[10]), 0, 'none for the one not ticked');
my $row = db_value("SELECT CONCAT_WS('|', r.ent_id, r.user_id, r.version, r.head_id = h.id, r.sent_at IS NULL,"
                   . " TIMESTAMPDIFF(MINUTE, r.created_at, NOW()) < 5)"
                   . " FROM export_decl_resend r JOIN export_decl_head h ON h.current_entry_id = r.entry_id"
                   . " WHERE r.entry_id = " . sql_str($nos[0]));
is($row, "$ent|$uid|1|1|1|1", 'who, which enterprise, the current version 1, now, waiting for the 税务总局');
is(db_value("SELECT COUNT(*) FROM audit_log WHERE action = 'decl.resend' AND object = 'export_decl_head'"
            . " AND detail LIKE " . sql_str("重新发往税务总局 $nos[0] %")), 1, 'audited');

# from the detail, after customs modified the declaration: version 2 is sent
$r = publish(decl_xml(EntryId => $nos[10], IEDate => $ymd, DDate => $ymd, ClearDate => $ymd, PackNo => 9));
is($r->{status}, 303, 'customs republishes one (修改)');
$view = $prod->get("/decl/view?entry_id=$nos[10]");
my ($vback) = $view->{text} =~ /<input type="hidden" name="back" value="([^"]*)"/;
is($vback, "/decl/view?entry_id=$nos[10]", 'the detail has its own 重新发往税务总局');
$r = $prod->post('/decl/resend', [entry_id => $nos[10], back => $vback]);
is($r->{status}, 303, 'sent from the detail');
is($r->{location}, "/decl/view?entry_id=$nos[10]", 'back to the detail');
like($prod->get($r->{location})->{text}, qr/发送成功！已将1条报关单数据重新发往税务总局/, 'the success message');
is(db_value("SELECT version FROM export_decl_resend WHERE entry_id = " . sql_str($nos[10])), 2,
   'the resend names version 2, the one now current');
$r = $prod->post('/decl/resend', [entry_id => $nos[10], back => 'https://evil.example/']);
is($r->{location}, '/decl/', 'a back outside the module goes to the query form');

done_testing();
