#!/usr/bin/perl
# tests/http/customs_import_decl.t — 进口报关单 (schema/019,
# lib/ts_import_decl): the demo declarations `ts-admin seed-demo` publishes,
# who may use one (ts_import_decl_load through `ts-admin lookup import`:
# the 境内收货人 or the 消费使用单位, by 统一社会信用代码 or 海关编码; an
# export number or another enterprise's declaration is not found), and the
# customs officer's 进口报关单发布 (cgi-bin/customs.c importnew / importsave).
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :html);
use TsDecl;

binmode(STDOUT, ':utf8');
binmode(Test::More->builder->$_, ':utf8') for qw(output failure_output todo_output);

my $ADMIN = ($ENV{TS_BUILD} // "$FindBin::Bin/../../build") . '/tools/ts-admin';
plan skip_all => "$ADMIN not built" unless -x $ADMIN;
my $CONF = var_dir() . '/etc/tuishui.hdf';

# `ts-admin lookup import ENT ENTRY`: (exit status, [header fields], [[line fields] ...]).
sub lookup {
    my ($ent, $no) = @_;
    local $ENV{TUISHUI_CONF} = $CONF;
    my $out = `"$ADMIN" lookup import '$ent' '$no' 2>&1 </dev/null`;
    my $rc = $? >> 8;
    utf8::decode($out);
    my @rows = map { [ split /\t/ ] } split /\n/, $out;
    return ($rc, shift(@rows) // [], \@rows);
}

subtest 'the demo import declarations of the production enterprise load with their lines' => sub {
    my ($rc, $h, $lines) = lookup('5101940001', '790020261000810102');
    is($rc, 0, 'found');
    is($h->[0], '790020261000810102', '海关编号');
    is($h->[2], '5101980009', '申报单位海关编码');
    is($h->[3], '赵关', '报关员');
    is($h->[6], '7900', '消费使用单位所在地关区');
    is($h->[8], '2026-11-27', '申报日期');
    is($h->[11], '7900', '申报地海关');
    is($h->[12], '4561', '监管方式');
    is(scalar @$lines, 2, 'two lines');
    is_deeply($lines->[0], [ 1, '8466930000', '入境货物', '钻床零件', '1550.00', 'USD', '100', '007' ],
        'line 1 in 项号 order, 成交数量 without DECIMAL zeros, 总价 in yuan');
    is($lines->[1][0], 2, 'line 2 next');
};

subtest 'the 消费使用单位 may use it too, by either code' => sub {
    my ($rc, $h) = lookup('5101940001', '790020261000810103');
    is($rc, 0, 'production enterprise (消费使用单位 only) finds it');
    is($h->[4], '5101960002', 'the 境内收货人 is the trading enterprise');
    ($rc) = lookup('5101960002', '790020261000810103');
    is($rc, 0, 'the trading enterprise (境内收货人) finds it as well');
};

subtest 'isolation: another enterprise, an export number, an unknown number' => sub {
    my ($rc) = lookup('5101940001', '790220261000820101');
    is($rc, 1, "the trading enterprise's own import declaration is not found for production");
    ($rc) = lookup('5101960002', '790020261000810101');
    is($rc, 1, "production's own import declaration is not found for trading");
    ($rc) = lookup('5101940001', '790020260000810001');
    is($rc, 1, 'an export declaration number is not an import declaration');
    ($rc) = lookup('5101940001', '790020261000899999');
    is($rc, 1, 'unknown number');
    ($rc) = lookup('-', '790220261000820101');
    is($rc, 0, "customs' view finds any published one");
};

subtest 'only the current version is used' => sub {
    my $n = db_value("SELECT COUNT(*) FROM import_decl_head WHERE entry_id = '790020261000810101'"
          . " AND current_entry_id IS NOT NULL");
    is($n, 1, 'one current version per number');
};

# ---- 进口报关单发布: the customs officer's form

my $tag = sprintf '%05d', $$ % 100000;
my $n = 0;
# A fresh import number of 成都海关 (7900) for this run: 9th digit 1.
sub fresh_no { return sprintf '790020261%04d%05d', ++$n, $tag }
sub flash { my ($html) = @_; return $html =~ m{<div class="flash" role="status">(.*?)</div>}s ? $1 : undef }

my %form = (
    EntryId => '', CustomMaster => '7900', IEPort => '7900', IEDate => '2026-11-20', DDate => '20261121',
    AgentCode => '5101980009', AgentName => '四川蓉城报关有限公司', DeclarantName => '赵关',
    TradeCoScc => $PROD_SCC, TradeCode => $PROD_CODE, TradeName => $PROD_NAME,
    ReceiverAddr => '四川省成都市高新区天府大道北段1号', OwnerCode => $PROD_CODE, OwnerName => $PROD_NAME,
    OwnerCustoms => '7900', TradeCountry => 'DEU', TradeMode => '4561', BillNo => 'MSKU1234',
    DestCustoms => '7900',
    GNo_1 => 1, CodeTS_1 => '8459290000', SupvClassName_1 => '入境货物', GName_1 => '数控钻床',
    GQty_1 => '1.5', GUnit_1 => '001', DeclTotal_1 => '18750', TradeCurr_1 => 'USD', lines => 3,
);

my $c = login('customs-officer');

subtest 'who may open it' => sub {
    my $r = $c->get('/customs/imports');
    is($r->{status}, 200, '进口报关单发布 opens for the customs officer');
    like($r->{text}, qr/进口报关单发布/, 'titled');
    my @rows = list_rows($c->get('/customs/imports?entry_id=790020261000810101')->{text},
        'customs-import-decls');
    is($rows[0][0], '790020261000810101', 'a demo import declaration is listed');
    @rows = list_rows($c->get('/customs/imports?entry_id=790220261000820101')->{text},
        'customs-import-decls');
    is($rows[0][0], '790220261000820101', '7902 is within 成都海关 (79)');
    is(login('ent-admin-production')->get('/customs/imports')->{status}, 403, 'not an enterprise user');
    is(login('tax-officer')->get('/customs/importnew')->{status}, 403, 'nor a tax officer');
};

my $no = fresh_no();
subtest 'the form publishes (新增), and the enterprise may then use it' => sub {
    $c->get('/customs/importnew');
    my $r = $c->post('/customs/importsave', { %form, EntryId => $no });
    is($r->{status}, 303, 'published') or diag $r->{text};
    like($r->{location} // '', qr{/customs/importshow\?id=\d+}, 'and opens it');
    $r = $c->follow($r);
    like(flash($r->{text}) // '', qr/进口报关单\Q$no\E已发布（新增）/, 'the message says 新增');
    like($r->{text}, qr{<strong id="trans-status">新增</strong>}, 'the detail says 新增');
    my @lines = list_rows($r->{text}, 'import-decl-lines');
    is_deeply($lines[0], [ 1, '8459290000', '入境货物', '数控钻床', '1.50000', '001', '18750.00', 'USD' ],
        'the goods line as stored');
    is(db_value("SELECT CONCAT(ie_flag, d_date) FROM import_decl_head WHERE entry_id = '$no'"),
        'I2026-11-21', 'stored as an import (IEFlag I), the date normalised');
    my ($rc, $h, $l) = lookup('5101940001', $no);
    is($rc, 0, 'the enterprise (境内收货人) may use it');
    is($h->[3], '赵关', 'with the 报关员');
    is($l->[0][6], '1.5', 'the quantity as a decimal string');
    ($rc) = lookup('5101960002', $no);
    is($rc, 1, 'another enterprise may not');
};

subtest 'published again: 修改, the old version kept, the new one used' => sub {
    my $cur = db_value("SELECT id FROM import_decl_head WHERE current_entry_id = '$no'");
    my $r = $c->get("/customs/importnew?from=$cur");
    like($r->{text}, qr/name="GName_1" value="数控钻床"/, '修改后重新发布 fills the form');
    $r = $c->post('/customs/importsave', { %form, EntryId => $no, GName_1 => '数控钻床（改）' });
    is($r->{status}, 303, 'accepted');
    $r = $c->follow($r);
    like(flash($r->{text}) // '', qr/已发布（修改）/, 'the message says 修改');
    is(db_value("SELECT COUNT(*) FROM import_decl_head WHERE entry_id = '$no'"), 2, 'two versions');
    my (undef, undef, $l) = lookup('5101940001', $no);
    is($l->[0][3], '数控钻床（改）', 'the load reads the current version');
    my @vers = list_rows($r->{text}, 'decl-versions');
    is(scalar @vers, 2, 'the detail lists both versions');
};

subtest 'bad input: nothing stored, the problems named, everything typed kept' => sub {
    # a well-formed 关区 the list does not hold (reflib.t imports some)
    my ($no_district) = grep { !db_value("SELECT COUNT(*) FROM customs_district WHERE code = '$_'") }
      map { sprintf '79%02d', $_ } 11 .. 98;
    my $bad = fresh_no();
    substr($bad, 8, 1) = '0';
    my $r = $c->post('/customs/importsave', { %form, EntryId => $bad, CustomMaster => '7901',
        CodeTS_1 => '84592900', TradeCurr_1 => 'XXX', DDate => '2026-11-19', GName_1 => '钻床<b>',
        OwnerCustoms => $no_district });
    is($r->{status}, 200, 'the form again');
    like($r->{text}, qr/表头【海关编号】报关单号第9位为0，是出口报关单，请输入进口报关单号/, 'an export number is refused');
    like($r->{text}, qr/表头【申报地海关】应与海关编号前4位（7900）一致/, 'CustomMaster rule');
    like($r->{text}, qr/表头【申报日期】2026-11-19 早于进口日期 2026-11-20/, 'date order');
    like($r->{text}, qr/表体第1行【商品编号】商品编号应为10位数字/, 'HS code');
    like($r->{text}, qr/表体第1行【币制】XXX 不在币制代码表中/, 'code list');
    like($r->{text}, qr/表头【消费使用单位所在地关区】\Q$no_district\E 不在关区代码表中/, '关区 list');
    like($r->{text}, qr/name="GName_1" value="钻床&lt;b&gt;"/, 'typed value kept, escaped');
    is(db_value("SELECT COUNT(*) FROM import_decl_head WHERE entry_id = '$bad'"), 0, 'nothing stored');

    my $other = fresh_no();
    substr($other, 0, 4) = '5300';
    $r = $c->post('/customs/importsave', { %form, EntryId => $other, CustomMaster => '5300',
        IEPort => '5300' });
    like($r->{text}, qr/不在您所在海关的辖区内/, 'a number of another 直属海关 is refused');
    is(db_value("SELECT COUNT(*) FROM import_decl_head WHERE entry_id = '$other'"), 0, 'not stored');

    $r = $c->post('/customs/importsave', { %form, EntryId => fresh_no(), _csrf => 'x' });
    isnt($r->{status}, 303, 'a POST without the right CSRF token is refused');
};

subtest '增加表体行 only shows the form with one more row' => sub {
    my $more = fresh_no();
    my $r = $c->post('/customs/importsave', { %form, EntryId => $more, more => 1 });
    is($r->{status}, 200, 'the form');
    like($r->{text}, qr/name="GNo_4"/, 'with a fourth row');
    is(db_value("SELECT COUNT(*) FROM import_decl_head WHERE entry_id = '$more'"), 0, 'nothing stored');
};

done_testing;
