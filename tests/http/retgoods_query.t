#!/usr/bin/perl
# tests/http/retgoods_query.t — the 出口退货信息查询 list (manual 004 §4.2)
# keeps its order and its pages when one program worker runs differently
# conditioned queries one after another (docs/retgoods.md "The query's
# statements"): MariaDB 10.11 reusing one prepared statement with optional
# "(? = '' OR col = ?)" conditions and ORDER BY ... LIMIT for different
# conditions returned rows in the wrong order in decl's download
# (docs/declarations.md); the retgoods query had that shape.  (This check
# did not fail against the old statement on the test stack either: the
# wrong order was not reproduced for retgoods' statement, see
# docs/retgoods.md.  It guards the order and the pages whatever the
# statements are.)  The dates-only count (retgoods_day_count, kept by the
# triggers of schema/021) is checked through changes, moves and deletes.
#
# 45 records of the trading enterprise are written straight into
# retgoods_head in a past month no other test queries (states 3 and 5 in
# turn, one 最近操作时间 each), and removed at the end.  Every worker is
# given lookups first, then the lists are checked page by page against
# the same rows read from the database.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :html);

binmode(STDOUT, ':utf8');
binmode(Test::More->builder->$_, ':utf8') for qw(output failure_output todo_output);

my $N = 45;
my ($START, $END) = ('2025-03-01', '2025-03-30');
my $tag = sprintf '%08d', $$ % 100000000;
my $t = login('ent-admin-trading');
my $ent = db_value('SELECT ent_id FROM app_user WHERE login_name = ' . sql_str(account('ent-admin-trading')->{login}));
my $code = db_value("SELECT customs_code FROM enterprise WHERE id = $ent");
my $user = db_value('SELECT id FROM app_user WHERE login_name = ' . sql_str(account('ent-admin-trading')->{login}));

# Records 1..N: 统一编号 20259<tag><i>, 最近操作时间 two hours apart (the
# last ones share a time with the one before, so the id decides the order).
db_do("INSERT INTO retgoods_head (ent_id, seq_no, status, collector_user, collector,
    collector_scc, collector_code, collector_name, i_entry_id, trade_scc, trade_code,
    trade_name, receiver_addr, receiver_contact, receiver_phone, owner_district, handle_ways,
    prod_scc, prod_code, prod_name, prod_contact, prod_phone, prod_region, prod_district,
    export_inspect, reason_kinds, reasons, created_by, updated_at)
  SELECT $ent, CONCAT('20259', '$tag', LPAD(seq, 5, '0')), IF(seq % 2 = 0, 3, 5), $user, '李强',
    e.uscc, e.customs_code, e.name, CONCAT('790020259', LPAD(seq, 9, '0')), e.uscc, e.customs_code,
    e.name, '上海市浦东新区', '李强', '13800000002', '2200', '1', e.uscc, e.customs_code, e.name,
    '李强', '13800000002', '310115', '2201', 'N', 'Q', 'Q1', $user,
    '$START 08:00:00' + INTERVAL LEAST(seq, 40) * 2 HOUR
  FROM seq_1_to_$N JOIN enterprise e ON e.id = $ent");
my $ours = "ent_id = $ent AND seq_no LIKE '20259$tag%'";
is(db_value("SELECT COUNT(*) FROM retgoods_head WHERE $ours"), $N, "$N records written");

# The 统一编号 of the rows the list must show, newest operation first.
sub expected {
    my ($cond) = @_;
    my $out = db("SELECT seq_no FROM retgoods_head WHERE ent_id = $ent AND updated_at >= '$START'"
            . " AND updated_at < '$END' + INTERVAL 1 DAY $cond ORDER BY updated_at DESC, id DESC");
    return [map { $_->[0] } @$out];
}

# The 统一编号 shown by the list at that URL, and its total.
sub shown {
    my ($query) = @_;
    my $r = $t->get("/retgoods/query?start=$START&end=$END&$query");
    my ($total) = $r->{text} =~ /共 <span id="rg-total">(\d+)<\/span> 条/;
    return ([$r->{text} =~ /class="rg-seq">(\d+)</g], $total, $r->{status});
}

my @all = @{ expected('') };
my @three = @{ expected('AND status = 3') };
is(scalar @all, $N, 'the month holds only these records');
is(scalar @three, 22, '22 of them in state 3');

# Each worker keeps its own connection and statements: lookups by
# 统一编号 and by 进口报关单号 on every worker first (4 requests per
# worker), half of them for numbers nobody has (an empty list).
my $rounds = 4 * (scalar(TsTest::worker_pids('retgoods')) || 8);
my $lookups_ok = 0;
for my $i (1 .. $rounds) {
    my $k = $i % 4 < 2 ? 1 + $i % $N : 90000 + $i;
    my $seq = sprintf '20259%s%05d', $tag, $k;
    my ($rows, $total) = shown($i % 2 ? "seq_no=$seq" : sprintf 'i_entry_id=790020259%09d', $k);
    $lookups_ok++ if $k < 90000 ? "@$rows" eq $seq && $total == 1 : !@$rows && $total == 0;
}
is($lookups_ok, $rounds, "$rounds lookups show exactly their record, or none");

# Then the lists with another condition, and without any, page by page.
my %bad;
for my $i (1 .. $rounds) {
    for my $case (['status=3&page=2', [@three[20 .. 21]], 22], ['status=3', [@three[0 .. 19]], 22],
        ['page=2', [@all[20 .. 39]], $N], ['page=3', [@all[40 .. 44]], $N], ['', [@all[0 .. 19]], $N],
        ["trade=$code&page=2", [@all[20 .. 39]], $N], ["trade=$code&status=3", [@three[0 .. 19]], 22])
    {
        my ($query, $want, $count) = @$case;
        my ($rows, $total) = shown($query);
        $bad{$query} //= "got [@$rows] of $total" unless "@$rows" eq "@$want" && $total == $count;
    }
}
is_deeply(\%bad, {}, 'every list in order, with its pages, after lookups on the same workers');

# With a 统一编号 lookup between, the other way round too.
my %bad2;
for my $i (1 .. $rounds) {
    my ($rows) = shown('status=3&page=2');
    $bad2{first} //= "[@$rows]" unless "@$rows" eq "@three[20 .. 21]";
    shown(sprintf 'seq_no=20259%s%05d', $tag, $i % 2 ? 2 : 99999);
    ($rows) = shown("prod=$code&page=3");
    $bad2{after} //= "[@$rows]" unless "@$rows" eq "@all[40 .. 44]";
}
is_deeply(\%bad2, {}, 'alternating lookups and lists');

# The dates-only count is the sum of retgoods_day_count (schema/021), kept
# by triggers: a state change on the same day leaves it, a record moved to
# another day leaves one day's count for the other's, a delete leaves it.
my $first = sprintf '20259%s%05d', $tag, 1;
my $where = "seq_no = '$first'";
db_do("UPDATE retgoods_head SET status = 4, updated_at = updated_at + INTERVAL 1 MINUTE WHERE $where");
is((shown(''))[1], $N, 'a change on the same day: the count stays');
db_do("UPDATE retgoods_head SET updated_at = '2025-04-02 09:00:00' WHERE $where");
is((shown(''))[1], $N - 1, '... moved out of the dates: one fewer');
my ($moved, $one) = do {
    my $r = $t->get('/retgoods/query?start=2025-04-02&end=2025-04-02');
    ([$r->{text} =~ /class="rg-seq">(\d+)</g], ($r->{text} =~ /共 <span id="rg-total">(\d+)<\/span> 条/)[0]);
};
is("@$moved $one", "$first 1", '... and counted on its new day');
my $drift = "SELECT COUNT(*) FROM (SELECT ent_id, DATE(updated_at) AS day, COUNT(*) AS n FROM retgoods_head"
    . " GROUP BY ent_id, DATE(updated_at)) h LEFT JOIN retgoods_day_count d USING (ent_id, day)"
    . " WHERE d.n IS NULL OR d.n <> h.n";
is(db_value($drift), 0, 'retgoods_day_count equals a recount of retgoods_head');

db_do("DELETE FROM retgoods_head WHERE $ours");
is((shown(''))[1], 0, 'deleted: none counted');
is(db_value($drift), 0, '... and the day counts still equal a recount');
is(db_value("SELECT COUNT(*) FROM retgoods_day_count WHERE ent_id = $ent AND day < '2026-01-01' AND n > 0"), 0,
    '... with no record left on those days');
done_testing();
