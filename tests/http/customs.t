#!/usr/bin/env perl
# customs — 报关单发布: a customs officer publishes 出口报关单 one by one
# through the form and in bulk from the XML file format; a number published
# again becomes 修改 and keeps the earlier version; a bulk import is whole or
# nothing, with every problem listed; a hostile file is refused as a whole.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :html);
use TsDecl;
use Encode ();
use Time::HiRes qw(sleep);

binmode(STDOUT, ':utf8');
binmode(Test::More->builder->$_, ':utf8') for qw(output failure_output todo_output);

my $tag = sprintf '%05d', $$ % 100000;
my $n = 0;
# A fresh export number of 成都海关 (7900) for this run.
sub fresh_no { return sprintf '79002026%01d%04d%05d', 0, ++$n, $tag }

# The flash message after a redirect.
sub flash { my ($html) = @_; return $html =~ m{<div class="flash" role="status">(.*?)</div>}s ? $1 : undef }

sub versions_of {
    my ($no) = @_;
    return scalar db("SELECT version, trans_status, current_entry_id IS NOT NULL FROM export_decl_head"
                     . " WHERE entry_id = '$no' ORDER BY version");
}

my $c = login('customs-officer');

# ---- the list, and who may open it
my $r = $c->get('/customs/');
is($r->{status}, 200, '报关单发布 opens for the customs officer');
like($r->{text}, qr/报关单XML文件/, 'with the import form');
$r = $c->get('/customs/?entry_id=790020260000810001');
my @demo = list_rows($r->{text}, 'customs-decls');
is($demo[0][0], '790020260000810001', 'a demo declaration is found by its number');
is($demo[0][7], '2', 'published twice by the demo seed');
$r = $c->get('/customs/?entry_id=7900');
is($r->{status}, 200, 'a malformed number in the query: the page answers');
like($r->{text}, qr/报关单号应为18位数字/, 'and says what is wrong');
is(login('ent-admin-production')->get('/customs/')->{status}, 403, 'an enterprise user may not open it');
is(login('tax-officer')->get('/customs/')->{status}, 403, 'nor a tax officer');

# ---- the form: 新增
my $no = fresh_no();
my %form = (
    DeclType => 1, EntryId => $no, CustomMaster => '7900', IEPort => '7901', IEDate => '2026-03-02',
    DDate => '20260301', ClearDate => '2026-03-03', TradeCoScc => $PROD_SCC, TradeCode => $PROD_CODE,
    TradeName => $PROD_NAME, TrafMode => 5, TradeMode => '0110', TransMode => 3, TradeCountry => 'DEU',
    GNo_1 => 1, CodeTS_1 => '8459290000', GName_1 => '数控钻床', GQty_1 => 2, GUnit_1 => '001',
    FirstQty_1 => 2, FirstUnit_1 => '001', DeclPrice_1 => '12500', DeclTotal_1 => '25000',
    TradeCurr_1 => 'USD', UsdFob_1 => '25000', RmbFob_1 => '177250', OriginCountry_1 => 'CHN',
    DestinationCountry_1 => 'DEU', lines => 3,
);
$c->get('/customs/new');
$r = $c->post('/customs/save', \%form);
is($r->{status}, 303, 'the form publishes a declaration');
like($r->{location}, qr{/customs/view\?id=\d+}, 'and opens it');
$r = $c->follow($r);
like(flash($r->{text}) // '', qr/报关单\Q$no\E已发布（新增）/, 'the message says 新增');
like($r->{text}, qr{<strong id="trans-status">新增</strong>}, 'the detail says 新增');
like($r->{text}, qr/\Q${no}\E001/, 'the body line shows its 关联号');
# codes with their names from the code lists, quantities without DECIMAL's zeros
for my $shown ('0110 一般贸易', '5 航空运输', '3 FOB', 'DEU 德国', '001 台', 'USD 美元', 'CHN 中国',
               '7900 成都海关') {
    like($r->{text}, qr/>\s*\Q$shown\E\s*</, "the detail shows $shown");
}
is(db_value("SELECT l.g_qty FROM export_decl_list l JOIN export_decl_head h ON h.id = l.head_id"
            . " WHERE h.entry_id = '$no'"), '2.00000', 'the quantity is stored with its scale');
unlike($r->{text}, qr/2\.00000/, 'and shown without the zeros');
is_deeply(versions_of($no), [[1, 'new', 1]], 'one version, current');
is(db_value("SELECT l.decl_total FROM export_decl_list l JOIN export_decl_head h ON h.id = l.head_id"
            . " WHERE h.entry_id = '$no'"), '25000.00', 'money stored as DECIMAL');
is(db_value("SELECT d_date FROM export_decl_head WHERE entry_id = '$no'"), '2026-03-01',
   'a YYYYMMDD date is stored as a date');

# ---- the form again: 修改, the old version kept
$c->get('/customs/new');
$r = $c->post('/customs/save', {%form, PackNo => 9, GName_1 => '数控钻床（改）'});
is($r->{status}, 303, 'publishing the number again is accepted');
$r = $c->follow($r);
like(flash($r->{text}) // '', qr/已发布（修改）/, 'the message says 修改');
like($r->{text}, qr{<strong id="trans-status">修改</strong>}, 'the detail says 修改');
is_deeply(versions_of($no), [[1, 'new', 0], [2, 'modified', 1]], 'two versions, the old one kept');
my @vers = list_rows($r->{text}, 'decl-versions');
is(scalar @vers, 2, 'the detail lists both versions');
my $old = db_value("SELECT id FROM export_decl_head WHERE entry_id = '$no' AND version = 1");
$r = $c->get("/customs/view?id=$old");
like($r->{text}, qr/历史版本/, 'the old version says it was replaced');
like($r->{text}, qr/数控钻床</, 'and still shows its own data');
unlike($r->{text}, qr/数控钻床（改）/, 'not the new one');
$r = $c->get('/customs/?entry_id=' . $no);
my @rows = list_rows($r->{text}, 'customs-decls');
is(scalar @rows, 1, 'the list shows the number once (its current version)');
is($rows[0][6], '修改', 'as 修改');

# ---- 修改后重新发布 fills the form from the current version
my $cur = db_value("SELECT id FROM export_decl_head WHERE current_entry_id = '$no'");
$r = $c->get("/customs/new?from=$cur");
like($r->{text}, qr/name="GName_1" value="数控钻床（改）"/, 'the form is filled from the current version');

# ---- form errors: nothing stored, everything typed kept
my $bad = fresh_no();
substr($bad, 8, 1) = '1';
$r = $c->post('/customs/save', {%form, EntryId => $bad, CodeTS_1 => '84592900', GModel_1 => '型号<b>'});
is($r->{status}, 200, 'a bad declaration shows the form again');
like($r->{text}, qr/报关单未发布/, 'saying it was not published');
like($r->{text}, qr/表头【海关编号】报关单号第9位为1，是进口报关单/, 'the import number is named');
like($r->{text}, qr/表体第1行【商品编号】商品编号应为10位数字/, 'the short HS code is named');
like($r->{text}, qr/name="EntryId" value="\Q$bad\E"/, 'the number typed is kept');
like($r->{text}, qr/name="GModel_1" value="型号&lt;b&gt;"/, 'a body value typed is kept, escaped');
is(db_value("SELECT COUNT(*) FROM export_decl_head WHERE entry_id = '$bad'"), 0, 'nothing stored');

$r = $c->post('/customs/save', {%form, EntryId => fresh_no(), CustomMaster => '7901'});
like($r->{text}, qr/申报地海关】应与海关编号前4位（7900）一致/, '申报地海关 must match the number');
$r = $c->post('/customs/save', {%form, ClearDate => ''});
like($r->{text}, qr/结关报关单应有结关日期/, 'a 结关 declaration needs its 结关日期');
my $far = '53042026' . '0' . '0000' . $tag;
$r = $c->post('/customs/save', {%form, EntryId => $far, CustomMaster => '5304', IEPort => '5304'});
like($r->{text}, qr/不在您所在海关的辖区内/, 'another customs area is refused');
is(db_value("SELECT COUNT(*) FROM export_decl_head WHERE entry_id = '$far'"), 0, 'and not stored');

# ---- 增加表体行 keeps what was typed and adds a row
$r = $c->post('/customs/save', {%form, more => 1});
is($r->{status}, 200, '增加表体行 shows the form');
like($r->{text}, qr/name="lines" value="4"/, 'with one more row');
like($r->{text}, qr/name="GName_4" value=""/, 'the new row is there');
like($r->{text}, qr/name="GName_1" value="数控钻床"/, 'the typed row is kept');

# ---- bulk import: a good file
my ($a1, $a2) = (fresh_no(), fresh_no());
my $good = decl_file(decl_xml(EntryId => $a1, lines => 3), decl_xml(EntryId => $a2, DeclType => 2, ClearDate => undef));
$c->get('/customs/');
$r = $c->post_multipart('/customs/import', [[file => {filename => 'good.xml', type => 'text/xml', content => $good}]]);
is($r->{status}, 303, 'a good file is imported');
$r = $c->follow($r);
like(flash($r->{text}) // '', qr/导入成功：共2票报关单，新增2票，修改0票。/, 'the message counts it');
is(db_value("SELECT COUNT(*) FROM export_decl_list l JOIN export_decl_head h ON h.id = l.head_id WHERE h.entry_id = '$a1'"),
   3, 'with its body lines');
is(db_value("SELECT decl_type FROM export_decl_head WHERE entry_id = '$a2'"), 'port', '启运港退税 kept');
$r = $c->post_multipart('/customs/import', [[file => {filename => 'good.xml', type => 'text/xml', content => $good}]]);
$r = $c->follow($r);
like(flash($r->{text}) // '', qr/新增0票，修改2票/, 'the same file again: two 修改');
is_deeply(versions_of($a1), [[1, 'new', 0], [2, 'modified', 1]], 'each keeps its first version');

# ---- the sample file of docs/
open my $fh, '<:raw', "$FindBin::Bin/../../docs/samples/export_decl/two_decls.xml" or die $!;
my $sample = do { local $/; <$fh> };
db_do("DELETE l FROM export_decl_list l JOIN export_decl_head h ON h.id = l.head_id WHERE h.entry_id IN ('790020260000000101', '790220260000000202')");
db_do("DELETE FROM export_decl_head WHERE entry_id IN ('790020260000000101', '790220260000000202')");
$r = $c->post_multipart('/customs/import', [[file => {filename => 'two_decls.xml', type => 'text/xml', content => $sample}]]);
is($r->{status}, 303, 'the documented sample file imports');

# ---- a file with one bad declaration: nothing kept, every problem listed
my ($b1, $b2, $b3) = (fresh_no(), fresh_no(), fresh_no());
my $one_bad = decl_file(decl_xml(EntryId => $b1),
                        decl_xml(EntryId => $b2, IEDate => '20261341', line => {CodeTS => 'ABC'}),
                        decl_xml(EntryId => $b3));
$r = $c->post_multipart('/customs/import', [[file => {filename => 'one_bad.xml', type => 'text/xml', content => $one_bad}]]);
is($r->{status}, 200, 'a file with a bad declaration answers with a report');
like($r->{text}, qr/共3票报关单，其中1票有问题，本文件的报关单均未保存/, 'saying nothing was kept');
like($r->{text}, qr/第2票（海关编号 \Q$b2\E）：表头【出口日期】应为日期/, 'naming the declaration and the field');
like($r->{text}, qr/第2票（海关编号 \Q$b2\E）：表体第1行【商品编号】/, 'every problem of it');
is(db_value("SELECT COUNT(*) FROM export_decl_head WHERE entry_id IN ('$b1', '$b2', '$b3')"), 0,
   'none of the three is stored');

# a number twice in one file
my $d1 = fresh_no();
$r = $c->post_multipart('/customs/import', [[file => {filename => 'twice.xml', type => 'text/xml',
    content => decl_file(decl_xml(EntryId => $d1), decl_xml(EntryId => $d1))}]]);
like($r->{text}, qr/第2票（海关编号 \Q$d1\E）：海关编号在本文件中重复出现/, 'a number twice in a file is refused');
is(db_value("SELECT COUNT(*) FROM export_decl_head WHERE entry_id = '$d1'"), 0, 'and not stored');

# ---- hostile and broken files: refused as a whole
# (counted over this run's numbers: other tests publish at the same time)
my $mine = "SELECT COUNT(*) FROM export_decl_head WHERE entry_id LIKE '790020260____$tag'";
my $before = db_value($mine);
my %hostile = (
    'DTD with entities' => [qq{<?xml version="1.0"?>\n<!DOCTYPE DecMessages [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<DecMessages>}
                            . decl_xml(EntryId => fresh_no(), TradeName => '&c;') . '</DecMessages>', qr/含有DTD或实体声明/],
    'external entity' => [qq{<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><DecMessages/>}, qr/含有DTD或实体声明/],
    'huge attribute' => ['<DecMessages><DecMessage a="' . ('A' x 300000) . '">' . '</DecMessage></DecMessages>', qr/超长的标记或属性/],
    'deep nesting' => ['<DecMessages>' . ('<x>' x 5000) . ('</x>' x 5000) . '</DecMessages>', qr/嵌套层次过深/],
    'not XML' => ["PK\x03\x04 this is a zip, not xml", qr/不是格式正确的XML/],
    'truncated' => ['<DecMessages>' . decl_xml(EntryId => fresh_no()) . '<DecMessage><DecHead>', qr/不是格式正确的XML/],
    'another root' => ['<Root><DecMessage/></Root>', qr/根元素应为DecMessages/],
    'no declaration' => ['<DecMessages></DecMessages>', qr/文件中没有报关单/],
);
for my $name (sort keys %hostile) {
    my ($content, $want) = @{ $hostile{$name} };
    $content = Encode::encode_utf8($content) if utf8::is_utf8($content);
    $r = $c->post_multipart('/customs/import', [[file => {filename => 'x.xml', type => 'text/xml', content => $content}]]);
    is($r->{status}, 200, "$name: answered with the page");
    like($r->{text}, $want, "$name: refused with its reason");
}
$r = $c->post_multipart('/customs/import', [[file => {filename => '', type => 'application/octet-stream', content => ''}]]);
like($r->{text}, qr/请选择要导入的报关单XML文件/, 'no file chosen: said');
is(db_value($mine), $before, 'nothing was stored by any of them');

# ---- the code lists: every coded field is checked when customs publishes
$r = $c->post('/customs/save', {%form, EntryId => fresh_no(), TradeMode => '0111', TrafMode => 'Q',
                                TransMode => 8, TradeCountry => 'XYZ', GUnit_1 => '999',
                                TradeCurr_1 => 'ABC', OriginCountry_1 => '999'});
is($r->{status}, 200, 'unknown codes: the form again');
for my $said ('表头【监管方式】0111 不在监管方式代码表中', '表头【运输方式】Q 不在运输方式代码表中',
              '表头【成交方式】8 不在成交方式代码表中', '表头【运抵国（地区）】XYZ 不在国别地区代码表中',
              '表体第1行【成交计量单位】999 不在计量单位代码表中', '表体第1行【币制】ABC 不在币制代码表中',
              '表体第1行【原产国（地区）】999 不在国别地区代码表中') {
    like($r->{text}, qr/\Q$said\E/, "said: $said");
}
# 征免性质 and 征免 against their lists (schema/015)
my $cut_no = fresh_no();
$r = $c->post('/customs/save', {%form, EntryId => $cut_no, CutMode => '100', DutyMode_1 => '0'});
is($r->{status}, 200, 'an unknown 征免性质 and 征免: the form again');
like($r->{text}, qr/表头【征免性质】100 不在征免性质代码表中/, 'said: 征免性质 100 is not a 征免性质');
like($r->{text}, qr/表体第1行【征免】0 不在征免代码表中/, 'said: 征免 0 is not a 征免');
is(db_value("SELECT COUNT(*) FROM export_decl_head WHERE entry_id = '$cut_no'"), 0, 'and nothing stored');
$r = $c->post('/customs/save', {%form, EntryId => $cut_no, CutMode => '299', DutyMode_1 => '3'});
is($r->{status}, 303, '299 其他法定 and 3 全免 are accepted');
like($c->follow($r)->{text}, qr/299 其他法定/, 'and the page names the 征免性质');
$r = $c->post_multipart('/customs/import', [[file => {filename => 'cut.xml', type => 'text/xml',
    content => decl_file(decl_xml(EntryId => fresh_no(), CutMode => '998', line => {DutyMode => 'X'}))}]]);
like($r->{text}, qr/表体第1行【征免】/, 'an imported 征免 that is not a digit is refused');
$r = $c->post_multipart('/customs/import', [[file => {filename => 'cut.xml', type => 'text/xml',
    content => decl_file(decl_xml(EntryId => fresh_no(), CutMode => '123'))}]]);
like($r->{text}, qr/表头【征免性质】123 不在征免性质代码表中/, 'an imported unknown 征免性质 is refused');
# 指运港 and 境内货源地 against their lists (schema/018)
my $port_no = fresh_no();
$r = $c->post('/customs/save', {%form, EntryId => $port_no, DistinatePort => 'DEU999', DistrictCode_1 => '51018'});
is($r->{status}, 200, 'an unknown 指运港 and 境内货源地: the form again');
like($r->{text}, qr/表头【指运港】DEU999 不在港口代码表中/, 'said: DEU999 is not a 港口');
like($r->{text}, qr/表体第1行【境内货源地】51018 不在国内地区代码表中/, 'said: 51018 is not a 国内地区');
is(db_value("SELECT COUNT(*) FROM export_decl_head WHERE entry_id = '$port_no'"), 0, 'and nothing stored');
$r = $c->post('/customs/save', {%form, EntryId => $port_no, DistinatePort => 'HKG003', DistrictCode_1 => '51019'});
is($r->{status}, 303, 'HKG003 香港 and 51019 成都其他 are accepted');
my $port_page = $c->follow($r)->{text};
like($port_page, qr{<dd id="h-DistinatePort">HKG003 香港</dd>}, 'the detail names the 指运港');
like($port_page, qr{<td>51019 成都其他</td>}, 'and the 境内货源地');
$r = $c->post_multipart('/customs/import', [[file => {filename => 'port.xml', type => 'text/xml',
    content => decl_file(decl_xml(EntryId => fresh_no(), DistinatePort => 'DEU000', line => {DistrictCode => '99999'}))}]]);
like($r->{text}, qr/表体第1行【境内货源地】99999 不在国内地区代码表中/, 'an imported unknown 境内货源地 is refused');
unlike($r->{text}, qr/【指运港】/, 'DEU000 (德国, no port named) is a 指运港');
$r = $c->post('/customs/save', {%form, EntryId => fresh_no(), TradeCountry => '304', TradeCurr_1 => '502'});
is($r->{status}, 303, "customs' numeric codes are accepted as well as ISO ones");
my $bad_code = fresh_no();
$r = $c->post_multipart('/customs/import', [[file => {filename => 'codes.xml', type => 'text/xml',
    content => decl_file(decl_xml(EntryId => $bad_code, TradeMode => '0000', line => {FirstUnit => '998'}))}]]);
like($r->{text}, qr/第1票（海关编号 \Q$bad_code\E）：表头【监管方式】0000 不在监管方式代码表中/,
     'an imported declaration with an unknown code is refused');
like($r->{text}, qr/表体第1行【法定第一计量单位】998 不在计量单位代码表中/, 'naming each field');
is(db_value("SELECT COUNT(*) FROM export_decl_head WHERE entry_id = '$bad_code'"), 0, 'and not stored');

# ---- the date order: 申报日期 ≤ 出口日期 ≤ 结关日期
$r = $c->post('/customs/save', {%form, EntryId => fresh_no(), DDate => '2026-03-03'});
like($r->{text}, qr/表头【申报日期】2026-03-03 晚于出口日期 2026-03-02/, '申报日期 after 出口日期 is refused');
$r = $c->post('/customs/save', {%form, EntryId => fresh_no(), ClearDate => '2026-03-01'});
like($r->{text}, qr/表头【结关日期】2026-03-01 早于出口日期 2026-03-02/, '结关日期 before 出口日期 is refused');
my $same_day = fresh_no();
$r = $c->post('/customs/save', {%form, EntryId => $same_day, DDate => '2026-03-02', ClearDate => '20260302'});
is($r->{status}, 303, 'all three on one day is fine');
my $timed = fresh_no();
$r = $c->post_multipart('/customs/import', [[file => {filename => 'timed.xml', type => 'text/xml',
    content => decl_file(decl_xml(EntryId => $timed, DDate => '20260301093000', IEDate => '2026-03-02T10:00:00'))}]]);
is($r->{status}, 303, 'dates with a time of day import');
is(db_value("SELECT CONCAT(d_date, ' ', ie_date) FROM export_decl_head WHERE entry_id = '$timed'"),
   '2026-03-01 2026-03-02', 'as their days');

# ---- two officers publishing one new number at once: the second is told
my $busy = fresh_no();
my $proto = db_value("SELECT id FROM export_decl_head WHERE current_entry_id = '$no'");
my $pid = fork // die "fork: $!";
if (!$pid) {
    # the other officer's transaction: the number's first version, not committed for 3 s
    my $cols = 'decl_type, ie_flag, custom_master, ie_port, ie_date, d_date, clear_date, trade_co_scc,'
      . ' trade_code, trade_name, traf_mode, trade_mode, trans_mode, trade_country, trans_status';
    db_do("BEGIN; INSERT INTO export_decl_head (entry_id, version, $cols) SELECT '$busy', 1, $cols"
          . " FROM export_decl_head WHERE id = $proto; DO SLEEP(3); COMMIT;");
    exit 0;
}
select(undef, undef, undef, 1);
$r = $c->post('/customs/save', {%form, EntryId => $busy});
waitpid($pid, 0);
is($r->{status}, 200, 'the second publisher of a number gets the form again, not an error page');
like($r->{text}, qr/该报关单（或同一境内发货人同一出口日期的报关单）正由他人同时发布，本次未保存，请稍后重试/, 'saying someone else is publishing it');
like($r->{text}, qr/name="GName_1" value="数控钻床"/, 'with what was typed');
is(db_value("SELECT COUNT(*) FROM export_decl_head WHERE entry_id = '$busy'"), 1, "only the other officer's row");

# ---- a district that is not digits cannot widen the LIKE of the jurisdiction
db_do("INSERT IGNORE INTO customs_district (code, name) VALUES ('%%00', '测试关区')");
my $odd = "cust-pct-$tag";
my $odd_id = create_user($odd, like => account('customs-officer')->{login});
db_do("UPDATE app_user SET customs_district_code = '%%00' WHERE id = $odd_id");
my $oc = login($odd, account('customs-officer')->{password});
$r = $oc->get('/customs/?entry_id=790020260000810001');
is($r->{status}, 200, 'an officer of an odd district opens the list');
ok(!(grep { ($_->[0] // '') eq '790020260000810001' } list_rows($r->{text}, 'customs-decls')),
   'and does not see a declaration of 成都海关');

# ---- CSRF
$r = $c->post('/customs/save', {%form, EntryId => fresh_no()}, {no_csrf => 1});
is($r->{status}, 403, 'a POST without the CSRF token is refused');

# ---- the batched writes keep every character: quotes, backslash, markup
# (control characters are refused by the checks, so JSON's \u escapes are
# not reached from a file)
my $q1 = fresh_no();
my $odd = '引号"与\\反斜杠&<b>制表/\\"';
(my $odd_xml = $odd) =~ s/&/&amp;/g;
$odd_xml =~ s/</&lt;/g;
$odd_xml =~ s/>/&gt;/g;
$r = $c->post_multipart('/customs/import', [[file => {filename => 'odd.xml', type => 'text/xml',
    content => decl_file(decl_xml(EntryId => $q1, line => {GName => $odd_xml, GModel => "型号'单引号"}))}]]);
is($r->{status}, 303, 'a file with quotes and a backslash in its values imports');
is(db_value("SELECT HEX(l.g_name) FROM export_decl_list l JOIN export_decl_head h ON h.id = l.head_id WHERE h.entry_id = '$q1'"),
   uc unpack('H*', Encode::encode_utf8($odd)), 'the name is stored byte for byte');
is(db_value("SELECT HEX(l.g_model) FROM export_decl_list l JOIN export_decl_head h ON h.id = l.head_id WHERE h.entry_id = '$q1'"),
   uc unpack('H*', Encode::encode_utf8("型号'单引号")), 'and the model');

# ---------------------------------------------------------------- large files: a job
# A file over 2 MB is kept by the request and imported by the jobs worker
# (customs.import): the answer is a 303 to its progress page at once; the
# worker imports it all or nothing.  Files from bench/gen_decl_xml.py
# (2 500 declarations with 2 lines each, ~4 MB), numbers unique to this run.
my $sock = var_dir() . '/run/mysqld.sock';
my %hdf;
{
    open my $fh, '<', var_dir() . '/etc/tuishui.hdf' or die $!;
    while (<$fh>) { $hdf{$1} = $2 if /^\s*([\w.]+)\s*=\s*(.*?)\s*$/ }
}
my ($port) = base_url() =~ /:(\d+)$/;
my $wpidfile = var_dir() . '/run/worker.pid';
sub worker_pid { open my $fh, '<', $wpidfile or return 0; my $p = <$fh> // ''; $p =~ /^(\d+)/ ? $1 : 0 }
my $BIG = 2500;
# gen FIRST_SERIAL, extra args: the file's bytes.
sub gen_big {
    my ($serial, @extra) = @_;
    my $path = var_dir() . "/tmp/customs-t-$serial.xml";
    system('/usr/bin/python3', "$FindBin::Bin/../../bench/gen_decl_xml.py", $path, $BIG, 2 * $BIG,
           '--serial', $serial, '--month', '202605', '--days', '28', @extra) == 0 or die 'gen_decl_xml.py failed';
    open my $fh, '<:raw', $path or die $!;
    my $bytes = do { local $/; <$fh> };
    unlink $path;
    return $bytes;
}
sub no_of { sprintf '790020260%09d', $_[0] }
sub range_count {
    my ($from) = @_;
    return db_value("SELECT COUNT(*) FROM export_decl_head WHERE entry_id BETWEEN '" . no_of($from)
                    . "' AND '" . no_of($from + $BIG - 1) . "'");
}
sub import_id_of { my ($r) = @_; return ($r->{location} // '') =~ m{/customs/importview\?id=(\d+)$} ? $1 : 0 }
sub wait_job {
    my ($job) = @_;
    my $status = '';
    for (1 .. 900) {
        $status = db_value("SELECT status FROM job WHERE id = $job");
        last if $status eq 'done' || $status eq 'failed';
        sleep 0.2;
    }
    return $status;
}

# a bad declaration (number 2000) in a large file: nothing stored, the report
my $bad_from = 400000000 + $tag * 10000;
my $bigbad = gen_big($bad_from, '--bad', 2000);
ok(length($bigbad) > 2 * 1024 * 1024, 'the large file is over the in-request size (' . length($bigbad) . ' bytes)');
$r = $c->post_multipart('/customs/import', [[file => {filename => '大文件有错.xml', type => 'text/xml', content => $bigbad}]]);
is($r->{status}, 303, 'a large file is answered at once with a redirect');
my $bid = import_id_of($r);
ok($bid, 'to its progress page (importview)');
my $bjob = db_value("SELECT job_id FROM customs_import WHERE id = $bid");
is(db_value("SELECT kind FROM job WHERE id = $bjob"), 'customs.import', 'a customs.import job');
is(wait_job($bjob), 'failed', 'the job fails');
is_deeply([db("SELECT status, decl_total, decl_bad, decl_new FROM customs_import WHERE id = $bid")]->[0],
          ['failed', $BIG, 1, 0], 'the import row: failed, 2500 read, 1 bad, none new');
is(range_count($bad_from), 0, 'none of the 2500 declarations is stored');
$r = $c->get("/customs/importview?id=$bid");
is($r->{status}, 200, 'the import page opens');
like($r->{text}, qr/共2500票报关单，其中1票有问题，本文件的报关单均未保存/, 'it says nothing was kept');
my $bad_no = no_of($bad_from + 1999);
like($r->{text}, qr/第2000票（海关编号 \Q$bad_no\E）：表体第1行【商品编号】/, 'and names the declaration, line and field');
unlike($r->{text}, qr/http-equiv="refresh"/, 'a finished import does not refresh');
ok(!-e var_dir() . "/tmp/customs-import/$bid.xml", 'the failed job\'s file is removed');
is(login('customs-officer')->get("/customs/importview?id=999999999")->{status}, 404, 'an unknown import: 404');

# kill -9 of the worker mid-job: nothing half-written; a new worker imports it whole.
# The stack's worker is ours until the SIGTERM case below is done (declist.t and
# customs_import_recovery.t stop and start it too).
my $worker_lock = worker_lock('worker');
# Another session holds number 1600 (uncommitted) so the job waits there,
# after its first progress report (1000 declarations).
my $kill_from = 400005000 + $tag * 10000;
my $bigok = gen_big($kill_from);
my $held = no_of($kill_from + 1599);
my $hold = "START TRANSACTION; INSERT INTO export_decl_head (entry_id, version, current_entry_id, trans_status,"
    . " custom_master, ie_port, ie_date, d_date, trade_code, trade_name, traf_mode, trade_mode, trans_mode, trade_country)"
    . " VALUES ('$held', 1, '$held', 'new', '7900', '7901', '2026-11-01', '2026-11-01', '5101940001', 'x', '5', '0110', '3', 'DEU');"
    . " SELECT SLEEP(10); ROLLBACK;";
open my $holder, '-|', 'mariadb', '--no-defaults', "--socket=$sock", '--user=root', '-N', '-B', 'tuishui', '-e', $hold
    or die "mariadb: $!";
sleep 0.5;
my $old_worker = worker_pid();
ok(pid_alive($old_worker), "worker running (pid $old_worker)");
$r = $c->post_multipart('/customs/import', [[file => {filename => '大文件.xml', type => 'text/xml', content => $bigok}]]);
is($r->{status}, 303, 'a large good file: a job');
my $kid = import_id_of($r);
my $kjob = db_value("SELECT job_id FROM customs_import WHERE id = $kid");
my $kdone = 0;
for (1 .. 100) {
    $kdone = db_value("SELECT progress_done FROM job WHERE id = $kjob") // 0;
    last if $kdone > 0;
    sleep 0.1;
}
ok($kdone > 0, "job mid-way ($kdone bytes read, waiting on number 1600)");
$r = $c->get("/customs/importview?id=$kid");
like($r->{text}, qr/<progress id="job-progress" max="100" value="\d+"/, 'the page shows a progress bar');
like($r->{text}, qr/http-equiv="refresh"/, 'refreshes itself');
like($r->{text}, qr/>刷新</, 'and has 刷新');
is(db_value("SELECT status FROM customs_import WHERE id = $kid"), 'running', 'the import says running');
is(range_count($kill_from), 0, 'nothing of it visible while its transaction is open');
kill 'KILL', $old_worker;
for (1 .. 50) { last unless pid_alive($old_worker); sleep 0.1 }
ok(!pid_alive($old_worker), 'worker killed with SIGKILL');
my $out = qx{VAR='${\ var_dir()}' PORT=$port TS_MODE=$hdf{mode} TS_WORKERS=$hdf{'app.workers'} B='${\ ($ENV{TS_BUILD} // 'build')}' '$FindBin::Bin/../../scripts/stack.sh' start 2>&1 </dev/null};
is($?, 0, 'scripts/stack.sh start') or diag $out;
{ local $/; <$holder>; close $holder; }
is(range_count($kill_from), 0, 'after the kill: nothing half-written');
is(wait_job($kjob), 'done', 'the job was queued again and completed');
is_deeply([db("SELECT status, decl_total, decl_new, decl_modified FROM customs_import WHERE id = $kid")]->[0],
          ['done', $BIG, $BIG, 0], 'the import row: done, 2500 新增');
is(range_count($kill_from), $BIG, 'all 2500 declarations stored');
is(db_value("SELECT COUNT(*) FROM export_decl_list l JOIN export_decl_head h ON h.id = l.head_id WHERE h.entry_id BETWEEN '"
            . no_of($kill_from) . "' AND '" . no_of($kill_from + $BIG - 1) . "'"), 2 * $BIG, 'with all 5000 lines, none twice');
is_deeply(versions_of($held), [[1, 'new', 1]], 'the held number once, version 1');
$r = $c->get("/customs/importview?id=$kid");
like($r->{text}, qr/导入成功：共2500票报关单，新增2500票，修改0票。/, 'the page says the result');
ok(!-e var_dir() . "/tmp/customs-import/$kid.xml", 'the file is removed once done');
is(db_value("SELECT COUNT(*) FROM audit_log WHERE action = 'customs.import' AND detail LIKE 'publish import job=$kid %'"), 1,
   'one audit row for the file');

# SIGTERM mid-job: the worker stops at the job's next progress report,
# rolls it back and queues it again; the next worker imports it whole.
my $term_from = 400007500 + $tag * 10000;
my $bigterm = gen_big($term_from);
$held = no_of($term_from + 1599);
($hold = $hold) =~ s/\d{18}/$held/g;
$hold =~ s/SLEEP\(10\)/SLEEP(3)/;
open $holder, '-|', 'mariadb', '--no-defaults', "--socket=$sock", '--user=root', '-N', '-B', 'tuishui', '-e', $hold
    or die "mariadb: $!";
sleep 0.5;
$old_worker = worker_pid();
$r = $c->post_multipart('/customs/import', [[file => {filename => '停止.xml', type => 'text/xml', content => $bigterm}]]);
my $tid = import_id_of($r);
my $tjob = db_value("SELECT job_id FROM customs_import WHERE id = $tid");
for (1 .. 100) {
    last if (db_value("SELECT progress_done FROM job WHERE id = $tjob") // 0) > 0;
    sleep 0.1;
}
kill 'TERM', $old_worker;
{ local $/; <$holder>; close $holder; }
for (1 .. 150) { last unless pid_alive($old_worker); sleep 0.1 }
ok(!pid_alive($old_worker), 'worker exited on SIGTERM');
is_deeply([db("SELECT status, progress_done FROM job WHERE id = $tjob")]->[0], ['queued', 0],
          'the job was rolled back and queued again');
is(db_value("SELECT status FROM customs_import WHERE id = $tid"), 'queued', 'the import says queued');
is(range_count($term_from), 0, 'nothing of it written');
ok(-e var_dir() . "/tmp/customs-import/$tid.xml", 'its file is kept for the next worker');
$out = qx{VAR='${\ var_dir()}' PORT=$port TS_MODE=$hdf{mode} TS_WORKERS=$hdf{'app.workers'} B='${\ ($ENV{TS_BUILD} // 'build')}' '$FindBin::Bin/../../scripts/stack.sh' start 2>&1 </dev/null};
is($?, 0, 'scripts/stack.sh start') or diag $out;
is(wait_job($tjob), 'done', 'the next worker completed it');
is(range_count($term_from), $BIG, 'all 2500 declarations');
close $worker_lock;

# ---- the size limit is raised for this action only
# 51 MB: over nginx's 50 MB for the other locations and every other form's 20 MB a
# file, under this action's 256 MB (its own nginx location and multipart limits).
my $padded = '<?xml version="1.0" encoding="UTF-8"?><DecMessages>' . (' ' x (51 * 1024 * 1024)) . '</DecMessages>';
$r = $c->post_multipart('/customs/import', [[file => {filename => '51MB.xml', type => 'text/xml', content => $padded}]]);
is($r->{status}, 303, 'a 51 MB file is taken by /customs/import (as a job)');
my $pid = import_id_of($r);
my $pjob = db_value("SELECT job_id FROM customs_import WHERE id = $pid");
is(wait_job($pjob), 'failed', 'its job ends');
like(db_value("SELECT message FROM customs_import WHERE id = $pid"), qr/文件中没有报关单/, 'saying the file has no declaration');
my $ent_c = login('ent-admin-production');
$ent_c->get('/declist/');
$r = $ent_c->post_multipart('/declist/upload', [[file => {filename => '51MB.xlsx', type => 'application/octet-stream', content => $padded}]]);
is($r->{status}, 413, 'the same 51 MB to another upload form: 413, its limit is unchanged');

done_testing();
