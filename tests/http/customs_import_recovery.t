#!/usr/bin/env perl
# The customs import job (customs.import, tools/ts-worker,
# lib/ts_customs_decl) and its file (docs/declarations.md "Publishing"):
#   - a worker that dies right after removing the import's file (the
#     moment is forced by tests/data/crash/unlinkcrash.c, LD_PRELOAD) has
#     committed the import already: the file goes only after the commit,
#     so no rerun meets a queued job without its file (「导入文件已不存在」);
#   - the worker's sweep removes files of tmp.dir/customs-import/ older
#     than customs.import_orphan_age (store.orphan_age, a day) that no
#     queued or running import needs (a request that died after keeping
#     the file, before its commit; a crash after a commit), and keeps young
#     files, files of queued imports and files that are not import files;
#     with --sweep-once and on the store sweep's timer.
# The stack's worker is stopped meanwhile and started again by
# scripts/stack.sh start.
use strict;
use warnings;
use utf8;

use FindBin;
use lib "$FindBin::Bin/lib";
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use POSIX qw(WNOHANG);
use Test::More;
use Time::HiRes qw(sleep time);
use TsTest;

my $tmp = tempdir(CLEANUP => 1);
my $shim = "$tmp/unlinkcrash.so";
system('cc', '-shared', '-fPIC', '-o', $shim, "$FindBin::Bin/../data/crash/unlinkcrash.c", '-ldl') == 0
    or BAIL_OUT('cannot build unlinkcrash.so');
my $WORKER = ($ENV{TS_BUILD} // "$FindBin::Bin/../../build") . '/tools/ts-worker';
my $CONF = var_dir() . '/etc/tuishui.hdf';
my $DIR = var_dir() . '/tmp/customs-import';
my $DAY = 86400;
my %hdf;
{
    open my $fh, '<', $CONF or die $!;
    while (<$fh>) { $hdf{$1} = $2 if /^\s*([\w.]+)\s*=\s*(.*?)\s*$/ }
}
my ($port) = base_url() =~ /:(\d+)$/;
sub stack_worker { master_pid('worker') }
sub stack_start {
    my $out = qx{VAR='${\ var_dir()}' PORT=$port TS_MODE=$hdf{mode} TS_WORKERS=$hdf{'app.workers'} B='${\ ($ENV{TS_BUILD} // 'build')}' '$FindBin::Bin/../../scripts/stack.sh' start 2>&1 </dev/null};
    is($?, 0, 'scripts/stack.sh start (the stack\'s worker again)') or diag $out;
}
sub wait_job {
    my ($job) = @_;
    my $status = '';
    for (1 .. 600) {
        $status = db_value("SELECT status FROM job WHERE id = $job") // '';
        last if $status eq 'done' || $status eq 'failed';
        sleep 0.2;
    }
    return $status;
}

# ---------------------------------------------------------------- the stack's worker off

# held to the end (customs.t and declist.t stop and start it too)
my $worker_lock = worker_lock('worker');
my $w = stack_worker();
kill 'TERM', $w;
for (1 .. 100) { last unless pid_alive($w); sleep 0.1 }
ok(!pid_alive($w), "the stack's worker stopped (pid $w)");

# ---------------------------------------------------------------- a crash right after the file went

# 2500 declarations (2 lines each, about 4 MB: a job), numbers of this run.
my $BIG = 2500;
my $from = 900000000 + ($$ % 9000) * 10000;
sub no_of { sprintf '790020260%09d', $_[0] }
my $path = "$tmp/big.xml";
system('/usr/bin/python3', "$FindBin::Bin/../../bench/gen_decl_xml.py", $path, $BIG, 2 * $BIG,
       '--serial', $from, '--month', '202607', '--days', '28') == 0 or die 'gen_decl_xml.py failed';
my $bytes = do { open my $fh, '<:raw', $path or die $!; local $/; <$fh> };
my $c = login('customs-officer');
$c->get('/customs/');
my $r = $c->post_multipart('/customs/import', [[file => {filename => '崩溃.xml', type => 'text/xml', content => $bytes}]]);
is($r->{status}, 303, 'a large file: queued as a job');
my ($id) = ($r->{location} // '') =~ m{importview\?id=(\d+)};
ok($id, 'its import row');
my $job = db_value("SELECT job_id FROM customs_import WHERE id = $id");
ok(-e "$DIR/$id.xml", 'its file waits in tmp.dir/customs-import/');

my $pid = fork // die "fork: $!";
if (!$pid) {
    open STDERR, '>>', var_dir() . '/log/worker-unlinkcrash.log';
    open STDOUT, '>&', \*STDERR;
    $ENV{LD_PRELOAD} = $shim;
    $ENV{TS_CRASH_AFTER_UNLINK} = "customs-import/$id.xml";
    $ENV{TUISHUI_CONF} = $CONF;
    exec $WORKER or exit 127;
}
my $waited = 0;
$waited += 0.2, sleep 0.2 until waitpid($pid, WNOHANG) == $pid || $waited > 120;
is($? >> 8, 137, 'the worker died right after removing the import\'s file');
ok(!-e "$DIR/$id.xml", 'the file is gone');
stack_start();
is(wait_job($job), 'done', 'the job is done, not failed for a missing file (the file went after the commit)');
is_deeply([db("SELECT status, decl_total, decl_bad FROM customs_import WHERE id = $id")]->[0], ['done', $BIG, 0],
          'the import row: done, 2500 declarations');
like(db_value("SELECT message FROM customs_import WHERE id = $id"), qr/^导入成功：共2500票报关单/, 'saying 导入成功');
is(db_value("SELECT COUNT(*) FROM export_decl_head WHERE current_entry_id BETWEEN '" . no_of($from) . "' AND '"
            . no_of($from + $BIG - 1) . "'"), $BIG, 'all 2500 declarations are published');
is(db_value("SELECT COUNT(*) FROM audit_log WHERE action = 'customs.import' AND detail LIKE 'publish import job=$id %'"), 1,
   'one audit row for the file');

# A job run again after its import row already said failed (a worker that
# died after the row, before the job): it keeps the row's result and does
# not look for the file that went with the failure.
my $cuser = db_value("SELECT id FROM app_user WHERE login_name = '" . account('customs-officer')->{login} . "'");
db_do("INSERT INTO customs_import (file_name, file_bytes, district, created_by, status, message)"
    . " VALUES ('已失败.xml', 1, '79', $cuser, 'failed', '导入失败：共3票报关单，其中1票有问题，本文件的报关单均未保存')");
my $failed = db_value("SELECT MAX(id) FROM customs_import WHERE file_name = '已失败.xml' AND created_by = $cuser");
db_do("INSERT INTO job (ent_id, kind, ref_id, status, created_by) VALUES (0, 'customs.import', $failed, 'queued', $cuser)");
my $fjob = db_value("SELECT MAX(id) FROM job WHERE kind = 'customs.import' AND ref_id = $failed");
is(wait_job($fjob), 'failed', 'a rerun of a failed import: the job ends failed');
is_deeply([db("SELECT status, message FROM customs_import WHERE id = $failed")]->[0],
          ['failed', '导入失败：共3票报关单，其中1票有问题，本文件的报关单均未保存'],
          'its row keeps what it said (not 「导入文件已不存在」)');
like(db_value("SELECT message FROM job WHERE id = $fjob") // '', qr/^导入失败：共3票/, 'and so does the job');

# ---------------------------------------------------------------- the sweep

sub plant {
    my ($name, $age) = @_;
    make_path($DIR);
    my $p = "$DIR/$name";
    open my $fh, '>:raw', $p or die "$p: $!";
    print $fh "<DecMessages/>";
    close $fh;
    my $t = time - $age;
    utime $t, $t, $p or die "utime $p: $!";
    return $p;
}
my $none = db_value('SELECT IFNULL(MAX(id), 0) FROM customs_import') + 1000 + $$ % 1000;
my $orphan_old = plant("$none.xml", 2 * $DAY);              # a request died before its commit
my $orphan_young = plant(($none + 1) . '.xml', 60);          # maybe a request in flight
my $orphan_edge = plant(($none + 2) . '.xml', $DAY - 600);
my $done_left = plant("$id.xml", 2 * $DAY);                  # a crash after the commit, before the unlink
my $user = db_value("SELECT id FROM app_user WHERE login_name = '" . account('customs-officer')->{login} . "'");
db_do("INSERT INTO customs_import (file_name, file_bytes, district, created_by) VALUES ('排队.xml', 1, '79', $user)");
my $queued = db_value("SELECT MAX(id) FROM customs_import WHERE file_name = '排队.xml' AND created_by = $user");
my $queued_file = plant("$queued.xml", 2 * $DAY);           # a worker down for two days
my $stranger = plant("README$$", 2 * $DAY);
my $stranger2 = plant("0$none.xml", 2 * $DAY);

my $out = do { local $ENV{TUISHUI_CONF} = $CONF; qx{'$WORKER' --sweep-once 2>&1} };
is($? >> 8, 0, 'ts-worker --sweep-once exits 0') or diag $out;
my ($removed, $waiting) = $out =~ /^customs-import removed=(\d+) waiting=(\d+) young=\d+ errors=0$/m;
ok(defined $removed && $removed >= 2 && $waiting >= 1, 'and says what the import sweep did') or diag $out;
ok(!-e $orphan_old, 'a file of no import, two days old: removed');
ok(!-e $done_left, 'a file of a done import, two days old: removed');
ok(-e $orphan_young, 'a file of no import, a minute old: kept');
ok(-e $orphan_edge, '…10 minutes short of a day: kept');
ok(-e $queued_file, 'the file of a queued import, two days old: kept');
ok(-e $stranger && -e $stranger2, 'files that are not <id>.xml: left alone');

# on the timer of a running worker (store.sweep_interval 1 s,
# customs.import_orphan_age an hour)
open my $in, '<', $CONF or die;
my $conf = do { local $/; <$in> };
close $in;
my $fast = "$tmp/fast.hdf";
open my $cf, '>', $fast or die;
print $cf $conf, "store.sweep_interval = 1\ncustoms.import_orphan_age = 3600\n";
close $cf;
my $log = "$tmp/worker.log";
$pid = fork // die "fork: $!";
if (!$pid) {
    $ENV{TUISHUI_CONF} = $fast;
    open STDIN, '<', '/dev/null';
    open STDOUT, '>>', $log;
    open STDERR, '>>', $log;
    exec $WORKER or exit 127;
}
sleep 1.5;
my $hours = plant(($none + 3) . '.xml', 7200);
my $half = plant(($none + 4) . '.xml', 1800);
my $gone = 0;
for (1 .. 50) { last if ($gone = !-e $hours); sleep 0.2 }
ok($gone, 'a running worker removes, on its timer, a file of no import older than customs.import_orphan_age');
ok(-e $half, 'a younger one: kept');
ok(-e $queued_file, 'the queued import\'s file: kept');
kill 'TERM', $pid;
waitpid $pid, 0;
my $logtext = do { open my $lf, '<', $log or die; local $/; <$lf> };
like($logtext, qr/customs import sweep: \d+ file\(s\) removed/, 'the worker log says what the sweep removed');

# ---------------------------------------------------------------- tidy up

db_do("DELETE FROM customs_import WHERE id IN ($queued, $failed)");
db_do("DELETE FROM job WHERE id = $fjob");
unlink $orphan_young, $orphan_edge, $queued_file, $stranger, $stranger2, $half;

done_testing;
