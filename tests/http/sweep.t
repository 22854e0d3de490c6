# The jobs worker's sweeps (tools/ts-worker, lib/ts_store ts_store_sweep,
# docs/uploads.md "Files without rows"):
#   - store files no row names, older than store.orphan_age (a day by
#     default), are removed; files a row names (stored_file, or only
#     declist_upload.sha256 / errors_sha256, which have no foreign key),
#     files younger than the age, and files that are not store names stay;
#   - a refused upload that reuses the content of an old orphan makes it
#     young again (the race a request in flight would otherwise lose);
#   - tmp-* files of unfinished puts older than the age are removed;
#   - export ZIPs past their 24 hours are removed and the job marked: the
#     page says 已过期; a ZIP still in its 24 hours stays.
# First with `ts-worker --sweep-once`, then with a second worker running on
# a copy of the config with worker.sweep_interval / store.sweep_interval of
# 1 s and store.orphan_age of an hour: files planted after its start go on
# its timer.
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
use TsTest qw(:DEFAULT :files);

my $WORKER = ($ENV{TS_BUILD} // "$FindBin::Bin/../../build") . '/tools/ts-worker';
my $CONF = var_dir() . '/etc/tuishui.hdf';
my $STORE = var_dir() . '/store';
my $tmp = tempdir(CLEANUP => 1);
my $run = $$ . int(time * 1000);
my $DAY = 86400;

my $c = login('ent-admin-production');
my $login = account('ent-admin-production')->{login};
my $ent = db_value(qq{SELECT ent_id FROM app_user WHERE login_name = '$login'});
my $user = db_value(qq{SELECT id FROM app_user WHERE login_name = '$login'});

sub store_path { my ($sha) = @_; "$STORE/" . substr($sha, 0, 2) . '/' . substr($sha, 2, 2) . "/$sha" }

# A file in the store as a put leaves it (read-only), last written age
# seconds ago; its sha256.
sub plant {
    my ($bytes, $age) = @_;
    my $sha = sha256_hex($bytes);
    my $path = store_path($sha);
    make_path($path =~ s{/[^/]+$}{}r);
    open my $fh, '>:raw', $path or die "$path: $!";
    print $fh $bytes;
    close $fh;
    chmod 0440, $path;
    my $t = time - $age;
    utime $t, $t, $path or die "utime $path: $!";
    return $sha;
}

sub plant_file {
    my ($path, $age) = @_;
    open my $fh, '>:raw', $path or die "$path: $!";
    print $fh "x$run";
    close $fh;
    my $t = time - $age;
    utime $t, $t, $path or die;
    return $path;
}

sub mtime { (stat $_[0])[9] }

# An export job done, its ZIP at tmp.dir/docexport/job-<id>.zip, expiring
# in $expires_min minutes (negative: expired); the docexport_job id.
sub export_job {
    my ($expires_min) = @_;
    db_do("INSERT INTO docexport_job (ent_id, status_filter, decl_no, doc_count, total_bytes, decl_count,"
        . " zip_bytes, created_by, expires_at) VALUES ($ent, 'all', '', 1, 1, 1, 4, $user,"
        . " NOW() + INTERVAL $expires_min MINUTE)");
    my $id = db_value("SELECT MAX(id) FROM docexport_job WHERE ent_id = $ent");
    db_do("INSERT INTO job (ent_id, kind, ref_id, status, created_by, finished_at)"
        . " VALUES ($ent, 'docexport.zip', $id, 'done', $user, NOW())");
    my $job = db_value("SELECT MAX(id) FROM job WHERE kind = 'docexport.zip' AND ref_id = $id");
    db_do("UPDATE docexport_job SET job_id = $job WHERE id = $id");
    make_path(var_dir() . '/tmp/docexport');
    plant_file(var_dir() . "/tmp/docexport/job-$id.zip", 0);
    return $id;
}
sub zip_of { var_dir() . "/tmp/docexport/job-$_[0].zip" }

sub sweep_once {
    local $ENV{TUISHUI_CONF} = $CONF;
    my $out = qx{'$WORKER' --sweep-once 2>&1};
    return ($? >> 8, $out);
}

# ---------------------------------------------------------------- plant

my $orphan_old = plant("orphan old $run", 2 * $DAY);
my $orphan_fresh = plant("orphan fresh $run", 60);
my $orphan_edge = plant("orphan just young $run", $DAY - 600);
my $named_old = plant("named old $run", 2 * $DAY);
db_do("INSERT INTO stored_file (sha256, size, kind) VALUES ('$named_old', 1, 'pdf')");
my ($upload_old, $errors_old) = (plant("upload old $run", 2 * $DAY), plant("errors old $run", 2 * $DAY));
db_do("INSERT INTO declist_upload (ent_id, sha256, file_name, table_kind, status, errors_sha256, created_by)"
    . " VALUES ($ent, '$upload_old', 'sweep.xlsx', 'trading', 'failed', '$errors_old', $user)");
my $stranger = plant_file(store_path($orphan_old) =~ s{/[^/]+$}{/README}r, 2 * $DAY);
my $tmp_old = plant_file("$STORE/tmp-sw$run", 2 * $DAY);
my $tmp_fresh = plant_file("$STORE/tmp-sf$run", 60);

# An old orphan whose content a refused upload stores again: the put
# reuses the file and makes it young (the request rolls back, so it is
# still an orphan, but one that a request in flight could be naming).
my $PDF = test_pdf("sweep reuse $run");
my $reused = plant($PDF, 2 * $DAY);
my $period = sprintf '%04d%02d', 2040 + $$ % 60, 1 + int rand 12;
db_do("INSERT IGNORE INTO period_filing (ent_id, period, declared_on, due_date, retention_until)"
    . " VALUES ($ent, '$period', CURDATE(), CURDATE() + INTERVAL 10 DAY, '2036-12-31')");
my $decl_no = sprintf '5103%06d%08d', $$ % 1000000, time % 100000000;
db_do("INSERT INTO customs_decl (ent_id, decl_no, period, export_date, line_count)"
    . " VALUES ($ent, '$decl_no', '$period', '2026-01-10', 1)");
my $decl = db_value("SELECT id FROM customs_decl WHERE ent_id = $ent AND decl_no = '$decl_no'");
my $kind = db_value(q{SELECT id FROM doc_kind WHERE ent_id IS NULL AND name = '出口合同'});
my $r = $c->post_multipart('/docupload/upload', [[decl => $decl], [doc_kind_id => $kind],
    [files => {filename => '合同.pdf', content => $PDF, type => 'application/pdf'}],
    [files => {filename => '病毒.pdf', content => "MZ\x90\0" . ('x' x 100), type => 'application/pdf'}]]);
is($r->{status}, 200, 'an upload with a bad file: refused, rolled back');
is(db_value("SELECT COUNT(*) FROM stored_file WHERE sha256 = '$reused'"), 0, 'no row names the reused file');
ok(mtime(store_path($reused)) > time - 120, 'the put made the old orphan young again');

my $expired = export_job(-1);
my $current = export_job(60);

# ---------------------------------------------------------------- --sweep-once

my ($rc, $out) = sweep_once();
is($rc, 0, 'ts-worker --sweep-once exits 0') or diag $out;
like($out, qr/^exports=\d+ orphans=\d+ temps=\d+ named=\d+ young=\d+ errors=0$/m, 'and says what it did');

ok(!-e store_path($orphan_old), 'an orphan two days old: removed');
ok(-e store_path($orphan_fresh), 'an orphan a minute old: kept');
ok(-e store_path($orphan_edge), 'an orphan 10 minutes short of a day: kept');
ok(-e store_path($named_old), 'an old file stored_file names: kept');
ok(-e store_path($upload_old), 'an old file only declist_upload.sha256 names: kept');
ok(-e store_path($errors_old), 'an old file only declist_upload.errors_sha256 names: kept');
ok(-e store_path($reused), 'the old orphan a refused upload reused: kept');
ok(-e $stranger, 'a file that is not a store name: left alone');
ok(!-e $tmp_old, 'a tmp- file two days old: removed');
ok(-e $tmp_fresh, 'a tmp- file a minute old: kept');
ok(-e "$STORE/.sweep.lock", 'the store lock file is there');

ok(!-e zip_of($expired), 'the expired export ZIP: removed');
ok(db_value("SELECT removed_at IS NOT NULL FROM docexport_job WHERE id = $expired"), 'its job marked removed');
ok(-e zip_of($current), 'an export ZIP in its 24 hours: kept');
ok(db_value("SELECT removed_at IS NULL FROM docexport_job WHERE id = $current"), 'its job not marked');
$r = $c->get("/docexport/job?id=$expired");
like($r->{text}, qr{id="job-expired">已过期：导出的ZIP已超过保留期限.*已于 \d{4}-\d\d-\d\d [\d:]+ 删除}, 'the job page says 已过期 and when it was removed');
unlike($r->{text}, qr{id="job-download"}, 'no 下载 link');
is($c->get("/docexport/download?id=$expired")->{status}, 404, 'the download refused');
like($c->get("/docexport/job?id=$current")->{text}, qr{id="job-download"}, 'the current job still offers 下载');

($rc, $out) = sweep_once();
like($out, qr/^exports=0 orphans=0 temps=0 /m, 'a second sweep finds nothing more');

# ---------------------------------------------------------------- on the timer

open my $in, '<', $CONF or die "$CONF: $!";
my $conf = do { local $/; <$in> };
close $in;
my $fast = "$tmp/fast.hdf";
open my $cf, '>', $fast or die;
print $cf $conf, "worker.sweep_interval = 1\nstore.sweep_interval = 1\nstore.orphan_age = 3600\n";
close $cf;
my $log = "$tmp/worker.log";
my $pid = fork // die "fork: $!";
if (!$pid) {
    $ENV{TUISHUI_CONF} = $fast;
    open STDIN, '<', '/dev/null';
    open STDOUT, '>>', $log;
    open STDERR, '>>', $log;
    exec $WORKER or exit 127;
}
sleep 1.5;    # past its first sweeps: what follows is the timer's work
my $hours_old = plant("orphan two hours $run", 7200);
my $half_hour = plant("orphan half an hour $run", 1800);
my $expired2 = export_job(-1);
my $gone = 0;
for (1 .. 50) {
    $gone = !-e store_path($hours_old) && !-e zip_of($expired2);
    last if $gone;
    sleep 0.2;
}
ok($gone, 'a running worker removes, on its timer, an orphan older than store.orphan_age and an expired ZIP');
ok(db_value("SELECT removed_at IS NOT NULL FROM docexport_job WHERE id = $expired2"), 'and marks the job');
ok(-e store_path($half_hour), 'an orphan younger than store.orphan_age (an hour): kept');
ok(-e store_path($orphan_fresh), 'the minute-old orphan: kept');
ok(-e store_path($named_old), 'the named file: kept');
kill 'TERM', $pid;
my $waited = 0;
$waited += 0.1, sleep 0.1 until waitpid($pid, WNOHANG) == $pid || $waited > 10;
is($? >> 8, 0, 'the second worker exits 0 on SIGTERM');
open my $lf, '<', $log or die;
my $logtext = do { local $/; <$lf> };
like($logtext, qr/store sweep: 1 orphan\(s\) and 0 temp file\(s\) removed/, 'worker log says what the store sweep removed');

# ---------------------------------------------------------------- tidy up

db_do("DELETE FROM declist_upload WHERE ent_id = $ent AND sha256 = '$upload_old'");
db_do("DELETE FROM stored_file WHERE sha256 = '$named_old'");
db_do("DELETE FROM customs_decl WHERE id = $decl");
unlink map { store_path($_) } $orphan_fresh, $orphan_edge, $named_old, $upload_old, $errors_old, $reused, $half_hour;
unlink $stranger, $tmp_fresh, zip_of($current);

done_testing;
