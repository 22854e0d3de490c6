#!/usr/bin/perl
# tests/http/decl_day_count.t — export_decl_day_count (schema/017), the
# per-day counts decl's 报关单查询 takes its result count from: kept equal
# to the published current versions by the triggers while other test files
# publish (checked in one statement: the triggers keep it true at every
# commit), and rebuilt by `ts-admin recount-decl-days` after it was put
# out of step.
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

# The day rows that differ from a count of the current versions, and the
# counted days the table lacks: 0 when the table is right.
my $TRUTH = 'SELECT owner_key, decl_type, ie_date, COUNT(*) AS n FROM export_decl_head'
  . ' WHERE current_entry_id IS NOT NULL GROUP BY owner_key, decl_type, ie_date';
my $WRONG = "SELECT (SELECT COUNT(*) FROM export_decl_day_count d LEFT JOIN ($TRUTH) t"
  . ' USING (owner_key, decl_type, ie_date) WHERE t.n IS NULL OR t.n <> d.n)'
  . " + (SELECT COUNT(*) FROM ($TRUTH) t LEFT JOIN export_decl_day_count d"
  . ' USING (owner_key, decl_type, ie_date) WHERE d.n IS NULL)';

sub recount {
    local $ENV{TUISHUI_CONF} = $CONF;
    my $out = `"$ADMIN" recount-decl-days 2>&1 </dev/null`;
    return ($? >> 8, $out);
}

sub audits { db_value("SELECT COUNT(*) FROM audit_log WHERE action = 'ts-admin.recount-decl-days'") }

cmp_ok(db_value('SELECT COUNT(*) FROM export_decl_day_count'), '>', 0, 'the demo declarations are counted');
is(db_value($WRONG), 0, 'the day counts equal the published current versions');

subtest 'a count put out of step is rebuilt' => sub {
    my $before = audits();
    db_do("INSERT INTO export_decl_day_count (owner_key, decl_type, ie_date, n)"
          . " VALUES ('Ctest-$$', 'clear', '2001-01-01', 3)");
    is(db_value($WRONG), 1, 'a day nobody published is counted');
    my ($rc, $out) = recount();
    is($rc, 0, 'recount-decl-days exits 0') or diag($out);
    like($out, qr/day row\(s\), [1-9]\d* were out of step/, 'saying something was out of step');
    is(db_value("SELECT COUNT(*) FROM export_decl_day_count WHERE owner_key = 'Ctest-$$'"), 0,
       'the made-up day is gone');
    is(db_value($WRONG), 0, 'and the counts are right again');
    is(audits(), $before + 1, 'with an audit row');
};

subtest 'on a right table it changes nothing' => sub {
    my $before = audits();
    my ($rc, $out) = recount();
    is($rc, 0, 'exits 0');
    like($out, qr/, 0 were out of step/, 'nothing was out of step');
    is(audits(), $before, 'no audit row');
};

done_testing();
