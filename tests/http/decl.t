#!/usr/bin/env perl
# decl — 报关单查询下载 (003 §2.1.1, §2.1.5): by 报关单类型 and 出口报关单号 or
# 出口日期 (the same day allowed, at most 30 days, end not before start);
# only the 境内发货人 enterprise sees a declaration; results paged; the
# detail shows header and body; the tips of §2.1.1.
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

my $tag = sprintf '%05d', $$ % 100000;
my $prod = login('ent-admin-production');
my $trade = login('ent-admin-trading');

# The errors above the list and the result rows of a query.
sub query {
    my ($c, %q) = @_;
    my $qs = join '&', map {"$_=$q{$_}"} sort keys %q;
    my $r = $c->get("/decl/?$qs");
    my $err = join ' ', $r->{text} =~ m{<div class="form-errors" role="alert">(.*?)</div>}gs;
    $err =~ s/<[^>]*>//g;
    return ($r, $err, [list_rows($r->{text}, 'decl-results')]);
}
sub numbers { return [sort map { $_->[1] } @{ $_[0] }] }  # cell 0 is the checkbox

# ---- the first visit: the form and the tips, no results yet
my $r = $prod->get('/decl/');
is($r->{status}, 200, '报关单查询下载 opens');
like($r->{text}, qr/<option value="clear" selected>结关报关单<\/option>/, '结关报关单 is the default type');
like($r->{text}, qr/启运港退税报关单/, '启运港退税报关单 may be chosen');
like($r->{text}, qr/所查询的报关单必须是已结关数据/, 'tip 1 shown');
like($r->{text}, qr/只支持报关单的境内收发货人查询，其他单位无查询权限/, 'tip 2 shown');
like($r->{text}, qr/如果报关单做过改单，查看“数据传输状态”是否含“修改”字样/, 'tip 3 shown');
like($r->{text}, qr/重发 3-5 个工作日后再次联系当地税务局查询/, 'tip 4 shown');
unlike($r->{text}, qr/decl-results/, 'no result list before 查询');
is(login('customs-officer')->get('/decl/')->{status}, 403, 'a customs officer may not open it');

# ---- by number
my ($x, $err, $rows) = query($prod, by => 'no', entry_id => '790020260000810001');
is_deeply(numbers($rows), ['790020260000810001'], 'by number: the own declaration');
is($rows->[0][9], '修改', 'its 数据传输状态 is 修改 (published twice)');
($x, $err, $rows) = query($prod, by => 'no', entry_id => '790220260000820001');
is_deeply($rows, [], "another enterprise's number: nothing");
like($x->{text}, qr/未查询到报关单号为790220260000820001的结关报关单/, 'answered as not found');
($x, $err, $rows) = query($trade, by => 'no', entry_id => '790220260000820001');
is_deeply(numbers($rows), ['790220260000820001'], 'the owner finds it');
($x, $err, $rows) = query($prod, by => 'no', entry_id => '790020260000810004');
is_deeply($rows, [], 'a 启运港退税 number is not among the 结关 ones');
($x, $err, $rows) = query($prod, by => 'no', entry_id => '790020260000810004', decl_type => 'port');
is_deeply(numbers($rows), ['790020260000810004'], 'but found as 启运港退税报关单');

($x, $err) = query($prod, by => 'no', entry_id => '');
like($err, qr/请录入18位出口报关单号/, 'by number without a number');
($x, $err) = query($prod, by => 'no', entry_id => '79002026000081');
like($err, qr/报关单号应为18位数字/, 'a short number');
like($x->{text}, qr/name="entry_id" value="79002026000081"/, 'is kept in its box');
($x, $err) = query($prod, by => 'no', entry_id => '79002026000081000A');
like($err, qr/报关单号应为18位数字/, 'a number with a letter');
($x, $err) = query($prod, by => 'no', entry_id => '790020261000810001');
like($err, qr/第9位为1，是进口报关单/, 'an import number');
($x, $err) = query($prod, by => 'no', entry_id => '000020260000810001');
like($err, qr/关区代码/, 'a number without a 关区');
is($x->{status}, 200, 'the page still answers 200');

($x, $err, $rows) = query($prod, entry_id => '790020260000810002');
is_deeply(numbers($rows), ['790020260000810002'], 'a link with only the number queries by number');

# ---- by 出口日期
($x, $err, $rows) = query($prod, by => 'date', start => '2026-11-01', end => '2026-11-30');
unlike($err, qr/出口日期/, '30 days (both ends counted) is allowed');
is_deeply(numbers($rows), ['790020260000810001', '790020260000810002', '790120260000810003'],
          'the 结关 declarations of the month, only the own ones');
like($x->{text}, qr/共 3 条，第 1 \/ 1 页/, 'the pager counts them (current versions only)');
($x, $err, $rows) = query($prod, by => 'date', start => '2026-11-01', end => '2026-12-01');
like($err, qr/出口日期查询区间最长不能超过30天/, '31 days are refused');
is_deeply($rows, [], 'with no results');
($x, $err, $rows) = query($prod, by => 'date', start => '2026-11-02', end => '2026-11-02');
unlike($err, qr/出口日期/, 'the same day as start and end is allowed');
is_deeply(numbers($rows), ['790020260000810001'], 'and finds that day');
like($x->{text}, qr/共 1 条/, 'counted once, though published twice (修改)');
($x, $err) = query($prod, by => 'date', start => '2026-11-10', end => '2026-11-09');
like($err, qr/出口日期的结束日期不能早于开始日期/, 'an end before the start');
($x, $err) = query($prod, by => 'date', start => '2026-11-10');
like($err, qr/请选择出口日期的起止日期/, 'a missing end');
($x, $err) = query($prod, by => 'date', start => '2026-02-30', end => '2026-03-01');
like($err, qr/出口日期（起）/, 'a date that does not exist');
($x, $err, $rows) = query($prod, by => 'date', start => '2026-11-01', end => '2026-11-30', decl_type => 'port');
is_deeply(numbers($rows), ['790020260000810004'], '启运港退税 by date');
($x, $err, $rows) = query($trade, by => 'date', start => '2026-11-01', end => '2026-11-30');
is_deeply(numbers($rows), ['790220260000820001'], 'the trading enterprise sees only its own');

# ---- owner by 海关编码 when the declaration names no 统一社会信用代码
my $c = login('customs-officer');
$c->get('/customs/');
my $by_code = "79002026" . "0" . "7777" . $tag;
my $r2 = $c->post_multipart('/customs/import', [[file => {filename => 'code.xml', type => 'text/xml',
    content => decl_file(decl_xml(EntryId => $by_code, TradeCoScc => undef, TradeCode => $TRADE_CODE,
                                  TradeName => $TRADE_NAME))}]]);
is($r2->{status}, 303, 'a declaration naming only the 海关编码 is published');
($x, $err, $rows) = query($trade, by => 'no', entry_id => $by_code);
is_deeply(numbers($rows), [$by_code], 'the enterprise with that 海关编码 sees it');
($x, $err, $rows) = query($prod, by => 'no', entry_id => $by_code);
is_deeply($rows, [], 'the other does not');

# ---- paging: 25 declarations of one day (a day of 2025 of this run's own);
# every third names only the 海关编码, so the list merges the enterprise's
# two owner keys (cgi-bin/decl.c page_by_date) in number order
my $day = sprintf '2025-%02d-%02d', 1 + $tag % 12, 1 + int($tag / 12) % 28;
(my $ymd = $day) =~ s/-//g;
my @many = map { sprintf '79002026' . '0' . '8%03d' . $tag, $_ } 1 .. 25;
my $k = 0;
$r2 = $c->post_multipart('/customs/import', [[file => {filename => 'many.xml', type => 'text/xml',
    content => decl_file(map { decl_xml(EntryId => $_, IEDate => $ymd, DDate => $ymd,
                                        TradeCoScc => ($k++ % 3 == 1 ? undef : $TRADE_SCC),
                                        TradeCode => $TRADE_CODE, TradeName => $TRADE_NAME) } @many)}]]);
is($r2->{status}, 303, '25 declarations published');
($x, $err, $rows) = query($trade, by => 'date', start => $day, end => $day);
like($x->{text}, qr/共 25 条，第 1 \/ 2 页/, 'the pager counts them');
is_deeply([map { $_->[1] } @$rows], [@many[0 .. 19]], 'the first page has the first 20 in number order, of both owner keys');
($x, $err, $rows) = query($trade, by => 'date', start => $day, end => $day, page => 2);
is_deeply([map { $_->[1] } @$rows], [@many[20 .. 24]], 'the second the other 5');
($x, $err, $rows) = query($prod, by => 'date', start => $day, end => $day);
is_deeply($rows, [], 'the other enterprise sees none of them');

# ---- one owner key only: 22 declarations of another day all name only the
# 海关编码, 21 of a third day only the 统一社会信用代码 (cgi-bin/decl.c reads
# one key's range alone then: page_one_key); both pages in number order
for my $one (['2024', '6', undef, 22], ['2023', '5', $TRADE_SCC, 21]) {
    my ($year, $lead, $scc, $n) = @$one;
    (my $d1 = $day) =~ s/^2025/$year/;
    (my $ymd1 = $d1) =~ s/-//g;
    my @one = map { sprintf '79002026' . '0' . $lead . '%03d' . $tag, $_ } 1 .. $n;
    my $key = $scc ? '统一社会信用代码' : '海关编码';
    $r2 = $c->post_multipart('/customs/import', [[file => {filename => 'one.xml', type => 'text/xml',
        content => decl_file(map { decl_xml(EntryId => $_, IEDate => $ymd1, DDate => $ymd1,
                                            TradeCoScc => $scc, TradeCode => $TRADE_CODE,
                                            TradeName => $TRADE_NAME) } reverse @one)}]]);
    is($r2->{status}, 303, "$n declarations under the $key only published");
    ($x, $err, $rows) = query($trade, by => 'date', start => $d1, end => $d1);
    like($x->{text}, qr/共 $n 条，第 1 \/ 2 页/, "$key only: the pager counts them");
    is_deeply([map { $_->[1] } @$rows], [@one[0 .. 19]], "$key only: the first page in number order");
    ($x, $err, $rows) = query($trade, by => 'date', start => $d1, end => $d1, page => 2);
    is_deeply([map { $_->[1] } @$rows], [@one[20 .. $n - 1]], "$key only: the second page the rest");
    ($x, $err, $rows) = query($prod, by => 'date', start => $d1, end => $d1);
    is_deeply($rows, [], "$key only: the other enterprise sees none of them");
}

# ---- detail
$r = $prod->get('/decl/view?entry_id=790020260000810001');
is($r->{status}, 200, 'the detail opens');
like($r->{text}, qr/报关单表头信息/, 'with the header');
like($r->{text}, qr/<dt>出口日期<\/dt><dd id="h-IEDate">2026-11-02<\/dd>/, 'showing 出口日期');
like($r->{text}, qr/<dd id="h-TradeName">\Q$PROD_NAME\E<\/dd>/, 'and the 境内发货人');
like($r->{text}, qr/<dd id="h-PackNo">12<\/dd>/, 'the current version (件数 12 after the 修改)');
like($r->{text}, qr/<dd id="h-TradeMode">0110 一般贸易<\/dd>/, '监管方式 with its name');
like($r->{text}, qr/<dd id="h-TrafMode">2 水路运输<\/dd>/, '运输方式 with its name');
like($r->{text}, qr/<dd id="h-CustomMaster">7900 成都海关<\/dd>/, '申报地海关 with its name');
like($r->{text}, qr/<dd id="h-GrossWet">1250.5<\/dd>/, '毛重 without the zeros of the DECIMAL');
like($r->{text}, qr/<strong id="trans-status">修改<\/strong>/, '数据传输状态 修改');
like($r->{text}, qr/如果报关单做过改单/, 'tip 3 beside it');
my @lines = list_rows($r->{text}, 'decl-lines');
is(scalar @lines, 2, 'the body has its two lines');
is($lines[0][0], '790020260000810001001', 'each with its 关联号');
is($lines[1][0], '790020260000810001002', 'numbered by 项号');
is($lines[0][2], '8459290000', 'the 商品编号');
is($prod->get('/decl/view?entry_id=790220260000820001')->{status}, 404, "another enterprise's detail: 404");
like($prod->last_response->{text}, qr/未查询到该报关单/, 'said as not found');
is($prod->get('/decl/view?entry_id=790020260099999999')->{status}, 404, 'a number that does not exist: 404');
is($prod->get('/decl/view?entry_id=12345')->{status}, 400, 'a malformed number: 400');

# the result list links to the detail
($x) = query($prod, by => 'no', entry_id => '790020260000810002');
like($x->{text}, qr{href="/decl/view\?entry_id=790020260000810002"}, 'the number opens the detail');

done_testing();
