#!/usr/bin/env perl
# decl_download — XML 文件下载 (003 §2.1.2): every result of the query as
# the 报关单 XML in a data package signed by the portal and encrypted to
# the user's bound card; the manual's limits (more than one day: at most
# 1000 body rows and 8 MB; one day: no row limit) and messages; the file
# name rule; only the own declarations; an audit row per download; the
# file opens with the same virtual card through signd and not with the
# other one (docs/declarations.md "XML 文件下载").
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use Encode ();
use POSIX ();
use Time::HiRes qw(sleep);
use TsTest qw(:DEFAULT :html);
use TsCard;
use TsDecl;

binmode(STDOUT, ':utf8');
binmode(Test::More->builder->$_, ':utf8') for qw(output failure_output todo_output);

my $env = card_env() or plan skip_all => 'the stack has no card reader';
my $BUILD = $ENV{TS_BUILD} // "$ENV{TS_REPO}/build";
my $portal_cert = var_dir() . '/etc/portal-sign.cer';
ok(-s $portal_cert, 'the stack made the portal signing certificate');

my $prod = login('ent-admin-production');    # bound to the demo card (stack.sh)
my $trade = login('ent-admin-trading');      # bound to no card
my $customs = login('customs-officer');
$customs->get('/customs/');

# Publish declarations through 报关单发布 (one file, one transaction).
sub publish {
    my ($name, @msgs) = @_;
    my $r = $customs->post_multipart('/customs/import',
        [[file => {filename => "$name.xml", type => 'text/xml', content => decl_file(@msgs)}]]);
    is($r->{status}, 303, "published: $name") or diag substr($r->{text} // '', 0, 2000);
    wait_import($r);
}

# A file over customs.import_in_request_bytes is imported by the jobs
# worker: wait until its import is done, so the downloads see it.
sub wait_import {
    my ($r) = @_;
    my ($id) = ($r->{location} // '') =~ m{importview\?id=(\d+)} or return 'done';
    my $status = '';
    for (1 .. 600) {
        $status = db_value("SELECT status FROM customs_import WHERE id = $id");
        last if $status eq 'done' || $status eq 'failed';
        sleep 0.2;
    }
    return $status;
}

# Declarations 7900 2025 0 <serial> on one 出口日期 (YYYYMMDD).
sub decls {
    my (%o) = @_;
    my ($from, $n, $lines, $date) = @o{qw(from n lines date)};
    return map {
        decl_xml(EntryId => sprintf('790020250%09d', $from + $_), IEDate => $date,
            DDate => $o{ddate} // $date, ClearDate => $date, lines => $lines, %{ $o{more} || {} },
            line => $o{line} || {})
    } 0 .. $n - 1;
}

my $url = sub {
    my (%q) = @_;
    return '/decl/download?' . join '&', map {"$_=$q{$_}"} sort keys %q;
};
sub dl_error {
    my ($r) = @_;
    return '' unless ($r->{headers}{'content-type'} // '') =~ m{^text/html};
    my ($m) = $r->{text} =~ m{<div class="form-errors" id="download-error" role="alert"><p>(.*?)</p>}s;
    return $m // '';
}

# Open a downloaded file with a card: (exit code, output, the XML).
sub open_with {
    my ($r, $reader, $signer) = @_;
    my $in = var_dir() . "/tmp/decl-dl-$$.xml";
    my $out = "$in.plain";
    open my $fh, '>:raw', $in or die $!;
    print $fh $r->{content};
    close $fh;
    unlink $out;
    my $cmd = join ' ', map {"'$_'"} "$BUILD/tests/card/pkg_open", var_dir() . '/run/signd.sock',
      $reader, $env->{TS_CARD_PIN}, $signer // $portal_cert, $in, $out;
    my $said = `$cmd 2>&1`;
    my $rc = $? >> 8;
    my $xml = '';
    if (open my $x, '<:raw', $out) { local $/; $xml = Encode::decode_utf8(<$x>); }
    unlink $in, $out;
    return ($rc, $said, $xml);
}
sub entry_ids { return [sort $_[0] =~ m{<EntryId>(\d{18})</EntryId>}g] }

# ---- data (2025: no other test publishes that year)
# 2025-01-02 .. 01-03: 10 × 99 + 1 × 10 = exactly 1000 body rows
publish('dl-1000', decls(from => 1, n => 5, lines => 99, date => '20250102', ddate => '20241231'),
    decls(from => 6, n => 5, lines => 99, date => '20250103'),
    decls(from => 11, n => 1, lines => 10, date => '20250103', ddate => '20250102'));
# 2025-01-04: one more row (1001 over 01-02 .. 01-04)
publish('dl-1001', decls(from => 12, n => 1, lines => 1, date => '20250104'));
# 2025-01-10: 11 × 99 = 1089 rows on one day
publish('dl-day', decls(from => 100, n => 11, lines => 99, date => '20250110'));
# another enterprise's declaration on 2025-01-02
publish('dl-other', decls(from => 900, n => 1, lines => 1, date => '20250102',
    more => {TradeCoScc => $TRADE_SCC, TradeCode => $TRADE_CODE, TradeName => $TRADE_NAME}));

# ---- the button
my $r = $prod->get('/decl/?by=date&start=2025-01-02&end=2025-01-03');
like($r->{text}, qr{<a class="button" id="decl-download" href="/decl/download\?decl_type=clear&amp;by=date&amp;entry_id=&amp;start=2025-01-02&amp;end=2025-01-03">XML 文件下载</a>},
     'the results page has XML 文件下载 for the whole query');

# ---- a user with no bound card
$r = $trade->get($url->(by => 'date', start => '2025-01-02', end => '2025-01-03'));
is(dl_error($r), '您无权限操作该数据', 'no bound card: 您无权限操作该数据');

# ---- 1000 body rows over two days: downloaded, all of them, only the own ones
# (this user's downloads only: other tests write audit rows at the same time)
my $prod_uid = db_value('SELECT id FROM app_user WHERE login_name = ' . sql_str(account('ent-admin-production')->{login}));
my $downloads = "FROM audit_log WHERE action = 'decl.download' AND user_id = $prod_uid";
my $before = db_value("SELECT COUNT(*) $downloads");
my $t0 = time;
$r = $prod->get($url->(by => 'date', start => '2025-01-02', end => '2025-01-03'));
is($r->{status}, 200, '1000 body rows over two days: downloaded');
is($r->{headers}{'content-type'}, 'application/octet-stream', 'as a file');
my $cd = $r->{headers}{'content-disposition'} // '';
my ($stamp) = $cd =~ /filename="1300000000001_20250102-20250103_20241231-20250103_790020250000000001_790020250000000011_(\d{14})\.xml"/;
ok($stamp, 'file name: IC卡号_出口日期范围_报送(申报)日期范围_报关单开头_报关单结尾_下载时间.xml') or diag $cd;
like($cd, qr/filename\*=UTF-8''1300000000001_20250102-20250103_/, 'with its RFC 5987 form');
{
    local $ENV{TZ} = 'Asia/Shanghai';
    POSIX::tzset();
    my @ok = map { POSIX::strftime('%Y%m%d%H%M%S', localtime($_)) } $t0 - 1 .. time + 1;
    ok((grep { $_ eq ($stamp // '') } @ok), '下载时间 is the time of the download (yyyymmddhhmmss, 北京时间)');
}
unlike($r->{content}, qr/790020250000000001|DecMessage/, 'nothing readable in the file (encrypted)');
my ($rc, $said, $xml) = open_with($r, $env->{TS_CARD_READER});
is($rc, 0, 'the same card opens it, and the portal signature verifies') or diag $said;
like($said, qr/^OK kind=decl-download recipient=1300000000001 records=1/, 'a decl-download package sealed to the card');
is_deeply(entry_ids($xml), [map { sprintf '790020250%09d', $_ } 1 .. 11], 'all 11 declarations (not one page)');
is(scalar(() = $xml =~ /<DecList>/g), 1000, 'with their 1000 body rows');
unlike($xml, qr/790020250000000900/, "another enterprise's declaration of the same day is not in it");
ok($xml =~ m{<TransStatus>(新增|修改)</TransStatus>}, 'with 数据传输状态');
($rc, $said) = open_with($r, $env->{TS_CARD2_READER});
is($rc, 1, 'the other card (1300000000002) cannot open it');
like($said, qr/^refused: 7 /, '…refused as encrypted to another card') or diag $said;
is(db_value("SELECT COUNT(*) $downloads"), $before + 1,
   'one audit row for the download');
like(db_value("SELECT detail $downloads ORDER BY id DESC LIMIT 1"),
     qr/file=1300000000001_20250102-20250103_.* card=1300000000001 decls=11 lines=1000/, 'naming file, card and counts');

($rc, $said) = open_with($r, $env->{TS_CARD_READER}, $env->{TS_CARD_CA});
is($rc, 1, 'expecting another signer (the card CA) than the portal: refused');
like($said, qr/^refused: 5 /, '…as a signature failure') or diag $said;

# a tampered file is refused
{
    my %t = %$r;
    $t{content} = $r->{content};
    substr($t{content}, -200, 1) ^= "\x01";
    ($rc, $said) = open_with(\%t, $env->{TS_CARD_READER});
    is($rc, 1, 'a changed byte: refused') or diag $said;
}

# ---- 1001 body rows over three days: the manual's message with the count
$r = $prod->get($url->(by => 'date', start => '2025-01-02', end => '2025-01-04'));
is(dl_error($r), '下载失败：您本次下载的1001条数据，超过了1000条的下载上限，请重新设置查询条件进行下载，缩小查询范围',
   '1001 body rows over more than one day: refused with the count');
is(scalar(list_rows($r->{text}, 'decl-results')), 12, 'the results stay on the page');
is(db_value("SELECT COUNT(*) $downloads"), $before + 1,
   'a refused download is not audited as one');

# ---- one day: no row limit
$r = $prod->get($url->(by => 'date', start => '2025-01-10', end => '2025-01-10'));
is($r->{status}, 200, '1089 body rows on one day: downloaded (no limit)');
($rc, $said, $xml) = open_with($r, $env->{TS_CARD_READER});
is(scalar(() = $xml =~ /<DecList>/g), 1089, 'all 1089 rows') or diag "$rc $said " . length($r->{content});
like($r->{headers}{'content-disposition'}, qr/1300000000001_20250110-20250110_20250110-20250110_790020250000000100_790020250000000110_/,
     'one-day file name');
$r = $prod->get($url->(by => 'date', start => '2025-01-09', end => '2025-01-10'));
like(dl_error($r), qr/您本次下载的1089条数据/, 'the same rows over two days: refused');

# ---- by number: one declaration
$r = $prod->get($url->(by => 'no', entry_id => '790020250000000012'));
is($r->{status}, 200, 'by number: downloaded');
like($r->{headers}{'content-disposition'}, qr/_790020250000000012_790020250000000012_/, 'first = last number');
$r = $prod->get('/decl/view?entry_id=790020250000000012');
like($r->{text}, qr{<a class="button" id="decl-download" href="/decl/download\?decl_type=clear&amp;by=no&amp;entry_id=790020250000000012">XML 文件下载</a>},
     'the detail page downloads its declaration (§2.1.6)');
$r = $prod->get($url->(by => 'no', entry_id => '790020250000000900'));
is(dl_error($r), '没有可下载的报关单数据，请先查询。', "another enterprise's number: nothing to download");

# ---- 8 MB (more than one day): the largest declarations the format allows
my $q = '"' x 255;    # written as &quot; (6 bytes a character)
my %big_head = (TradeName => '"' x 200, OwnerName => '"' x 200, OwnerCode => $PROD_CODE,
    OwnerCodeScc => $PROD_SCC, BillNo => '"' x 50, ContrNo => '"' x 50, SeqNo => '1' x 18,
    PreEntryId => '2' x 18, CutMode => '101', FeeMark => 3, FeeRate => '12345678901234.12345',
    FeeCurr => 'USD', InsurMark => 3, InsurRate => '12345678901234.12345', InsurCurr => 'USD',
    DistinatePort => 'DEU000');
my %big_line = (GName => $q, GModel => $q, SecondQty => '12345678901234.12345', SecondUnit => '035',
    DistrictCode => '51019', DutyMode => 1, GQty => '12345678901234.12345',
    FirstQty => '12345678901234.12345', DeclPrice => '123456789012345.1234',
    DeclTotal => '1234567890123.12', UsdFob => '1234567890123.12', RmbFob => '1234567890123.12');
# 984 declarations of one body row each over 02-01 .. 02-02 (just under
# 8 000 000 bytes), 16 more on 02-03 (1000 rows, just over)
publish('dl-big-1', decls(from => 2000, n => 484, lines => 1, date => '20250201', more => \%big_head, line => \%big_line));
publish('dl-big-2', decls(from => 2484, n => 500, lines => 1, date => '20250202', more => \%big_head, line => \%big_line));
publish('dl-big-3', decls(from => 2984, n => 16, lines => 1, date => '20250203', more => \%big_head, line => \%big_line));
$r = $prod->get($url->(by => 'date', start => '2025-02-01', end => '2025-02-02'));
is($r->{status}, 200, 'a file just under 8 MB (8 000 000 bytes): downloaded');
my $size = length($r->{content} // '');
ok($size > 7_990_000 && $size <= 8_000_000, "…of $size bytes, within 10 000 bytes of the limit");
$r = $prod->get($url->(by => 'date', start => '2025-02-01', end => '2025-02-03'));
is(dl_error($r), '您下载的报关单数据量过大，请调整查询区间后再试！', '1000 rows making a file over 8 MB: refused');
$r = $prod->get($url->(by => 'date', start => '2025-02-02', end => '2025-02-02'));
is($r->{status}, 200, 'one day, a file under 8 MB: downloaded (no row limit)');

# ---- one day over 8 MB: refused, and given up as soon as the XML passes
# 8 MB (before, the whole XML was built and sealed up to the package's
# 32 MiB cap).  3000 of the largest declarations on one day: about 24 MB.
{
    my $r = $customs->post_multipart('/customs/import', [[file => {filename => 'dl-big-day.xml',
        type => 'text/xml', content => decl_file(decls(from => 3000, n => 3000, lines => 1,
            date => '20250301', more => \%big_head, line => \%big_line))}]]);
    is($r->{status}, 303, 'published: 3000 large declarations on 2025-03-01');
    is(wait_import($r), 'done', '…by the jobs worker');
}
# The peak memory of decl's workers is reset (clear_refs 5) before the
# request and read after it (VmHWM).
my %rss;
for my $pid (worker_pids('decl')) {
    open my $cr, '>', "/proc/$pid/clear_refs" or next;
    print $cr "5\n";
    close $cr or next;
    $rss{$pid} = proc_kb($pid, 'VmRSS');
}
sub proc_kb {
    my ($pid, $key) = @_;
    open my $fh, '<', "/proc/$pid/status" or return 0;
    while (my $l = <$fh>) { return $1 if $l =~ /^\Q$key\E:\s+(\d+) kB/ }
    return 0;
}
$r = $prod->get($url->(by => 'date', start => '2025-03-01', end => '2025-03-01'));
is(dl_error($r), '您下载的报关单数据量过大，请调整查询区间后再试！所选出口日期已是一天，请按出口报关单号查询后逐票下载。',
   'one day, a file over 8 MB: the manual\'s message, and what can be done for a day');
is(scalar(list_rows($r->{text}, 'decl-results')), 20, 'the results stay on the page');
SKIP: {
    skip 'the workers\' clear_refs are not writable', 1 unless %rss;
    my ($grew) = sort { $b <=> $a } map { proc_kb($_, 'VmHWM') - $rss{$_} } keys %rss;
    ok($grew < 24 * 1024, "the worker's peak memory grew by $grew kB (under 24 MB: built up to 8 MB, not 24 MB and sealed)");
}
$r = $prod->get($url->(by => 'no', entry_id => '790020250000003000'));
is($r->{status}, 200, 'one of them by number: downloaded');

# ---- one day under both owner keys, over several batches: each batch reads
# the next declarations of each key (统一社会信用代码 'S', and 海关编码 'C' for
# those naming no 统一社会信用代码) and merges them in the results' order.
# 250 declarations on 2025-04-01, every odd one under the 海关编码 only (3
# batches of 100), and one on 2025-04-02 that is not in the range.
publish('dl-keys', (map {
    decls(from => 7000 + $_, n => 1, lines => 1 + $_ % 3, date => '20250401',
        more => $_ % 2 ? {TradeCoScc => ''} : {})
} 0 .. 249), decls(from => 7250, n => 1, lines => 1, date => '20250402'));
is(db_value("SELECT COUNT(*) FROM export_decl_head WHERE entry_id BETWEEN '790020250000007000'"
    . " AND '790020250000007249' AND owner_key = 'C$PROD_CODE' AND current_entry_id IS NOT NULL"), 125, 'half of them under the 海关编码');
$r = $prod->get($url->(by => 'date', start => '2025-04-01', end => '2025-04-01'));
is($r->{status}, 200, 'one day under both keys: downloaded');
($rc, $said, $xml) = open_with($r, $env->{TS_CARD_READER});
is_deeply([$xml =~ m{<EntryId>(\d{18})</EntryId>}g], [map { sprintf '790020250%09d', $_ } 7000 .. 7249],
    'every declaration of the day once, in the order of the numbers across both keys and batches');
my $nlines = 0;
$nlines += 1 + $_ % 3 for 0 .. 249;
is(scalar(() = $xml =~ /<DecList>/g), $nlines, 'with all their body rows');
like($r->{headers}{'content-disposition'}, qr/_790020250000007000_790020250000007249_/, 'file name: first and last');

done_testing();
