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
use TsTest;

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

done_testing;
