# 保存期限 through the real path (000 §2.4.3, design.md "Rules change with
# time"): the 按所属期备案 record an import makes keeps its documents for the
# years of the retention_rule in force on its 申报日期 — 5 years for a
# declaration made up to 2025-12-31, 10 years since 2026-01-01 — and an
# import on a date no rule covers fails, saying so, instead of guessing.
#
# The import's 申报日期 is the day the import runs (lib/ts_declist
# today()).  To make records declared in 2025 the test runs the real jobs
# worker (build/tools/ts-worker) with its wall clock moved to that day by
# tests/data/clock/clockshift.c (LD_PRELOAD); the stack's own worker is
# stopped meanwhile and started again by scripts/stack.sh start at the end.
# Each upload is large enough to be a job (docs/filing.md).
use strict;
use warnings;
use utf8;

use FindBin;
use lib "$FindBin::Bin/lib";
use Encode qw(encode_utf8);
use File::Temp qw(tempdir);
use POSIX qw(:sys_wait_h);
use Test::More;
use Time::HiRes qw(sleep);
use Time::Local qw(timegm);
use TsTest qw(:DEFAULT :html);

my $PY = '/usr/bin/python3';
my $GEN = "$FindBin::Bin/../data/declist/xlsx.py";
plan skip_all => 'openpyxl not available under /usr/bin/python3'
    unless system($PY, '-c', 'import openpyxl') == 0;

my $tmp = tempdir(CLEANUP => 1);
my $shim = "$tmp/clockshift.so";
system('cc', '-shared', '-fPIC', '-o', $shim, "$FindBin::Bin/../data/clock/clockshift.c", '-ldl') == 0
    or BAIL_OUT('cannot build clockshift.so');
my $WORKER = ($ENV{TS_BUILD} // "$FindBin::Bin/../../build") . '/tools/ts-worker';
my $run = sprintf '%06d', ($$ * 7919 + time) % 1000000;

my @TRADING = qw(序号 所属期 申报关联号 出口发票号 出口报关单号 项号 出口日期 出口商品代码
                 出口商品名称 计量单位 出口数量 美元离岸价 备注);

# An xlsx of a 所属期: n rows (5 lines a declaration), numbered from base.
sub xlsx_of {
    my ($period, $base, $n) = @_;
    my $path = "$tmp/$period.xlsx";
    open my $fh, '|-', $PY, $GEN, 'write', $path, '1900' or die "python: $!";
    print $fh encode_utf8(join("\t", @TRADING) . "\n");
    for my $i (1 .. $n) {
        my $d = $base + int(($i - 1) / 5);
        print $fh encode_utf8(join("\t", $i, $period, "R$run$d", "INV$i", sprintf('5102%06d%08d', $run, $d),
            1 + ($i - 1) % 5, '2025-12-20', '8471300000', '笔记本电脑', '台', 1, '1.00', '') . "\n");
    }
    close $fh or die 'xlsx.py write failed';
    open my $in, '<:raw', $path or die $!;
    local $/;
    return scalar <$in>;
}

my $c = login('ent-admin-trading');
my $ent = db_value(q{SELECT ent_id FROM app_user WHERE login_name = '} . account('ent-admin-trading')->{login} . q{'});

# ---------------------------------------------------------------- the stack's worker off

my %hdf;
{
    open my $fh, '<', var_dir() . '/etc/tuishui.hdf' or die $!;
    while (<$fh>) { $hdf{$1} = $2 if /^\s*([\w.]+)\s*=\s*(.*?)\s*$/ }
}
my ($port) = base_url() =~ /:(\d+)$/;
my $wpidfile = var_dir() . '/run/worker.pid';
my $stack_worker = do { open my $fh, '<', $wpidfile or die "no worker pid file: $!"; my $p = <$fh>; $p =~ /(\d+)/; $1 };
kill 'TERM', $stack_worker;
for (1 .. 100) { last unless pid_alive($stack_worker); sleep 0.1 }
ok !pid_alive($stack_worker), "the stack's worker stopped (pid $stack_worker)";

# Upload the 所属期's file (queued as a job), run the worker on day
# (YYYY-MM-DD, its clock at noon UTC) until the job ends; the job's row.
sub import_on {
    my ($day, $period, $base) = @_;
    my $file = xlsx_of($period, $base, 4000);
    my $r = $c->post_multipart('/declist/upload', [
        [file => {filename => "保存期限$period.xlsx", content => $file,
                  type => 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'}]]);
    is $r->{status}, 303, "$period: upload accepted" or diag $r->{text};
    my ($uid, $job) = @{(db("SELECT id, IFNULL(job_id, 0) FROM declist_upload WHERE ent_id = $ent"
        . " AND sha256 = '" . sha256_hex($file) . "'"))[0] // [0, 0]};
    ok $job, "$period: queued as a job";
    my ($y, $m, $d) = split /-/, $day;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        open STDERR, '>>', var_dir() . '/log/worker-clockshift.log';
        open STDOUT, '>&', \*STDERR;
        $ENV{LD_PRELOAD} = $shim;
        $ENV{TS_CLOCK_AT} = timegm(0, 0, 12, $d, $m - 1, $y);
        $ENV{TUISHUI_CONF} = var_dir() . '/etc/tuishui.hdf';
        exec $WORKER or exit 127;
    }
    my $status = '';
    for (1 .. 600) {
        $status = db_value("SELECT status FROM job WHERE id = $job") // '';
        last if $status eq 'done' || $status eq 'failed';
        sleep 0.2;
    }
    kill 'TERM', $pid;
    waitpid $pid, 0;
    return ($status, $uid);
}

my $base = 10 ** 4;
my @periods = map { sprintf '20%02d%02d', 30 + ($run + $_) % 60, 1 + ($run + 3 * $_) % 12 } 0 .. 2;
my %seen;
$periods[$_] = sprintf('20%02d%02d', 30 + $_, 1 + $run % 12) for grep { $seen{$periods[$_]}++ } 0 .. 2;
db_value("SELECT COUNT(*) FROM period_filing WHERE ent_id = $ent AND period = '$_'") == 0
    or BAIL_OUT("period $_ already used") for @periods;

# ---------------------------------------------------------------- 2025-12-31: 5 years

my ($status) = import_on('2025-12-31', $periods[0], $base);
is $status, 'done', 'imported by the worker on 2025-12-31';
is_deeply [db("SELECT declared_on, due_date, retention_until FROM period_filing WHERE ent_id = $ent AND period = '$periods[0]'")]->[0],
    ['2025-12-31', '2026-01-15', '2030-12-31'], '申报日期 2025-12-31: 备案期限 +15 days, 保存期限 5 years (公告2012年第24号)';

# ---------------------------------------------------------------- 2026-01-01: 10 years

($status) = import_on('2026-01-01', $periods[1], $base + 1000);
is $status, 'done', 'imported by the worker on 2026-01-01';
is_deeply [db("SELECT declared_on, due_date, retention_until FROM period_filing WHERE ent_id = $ent AND period = '$periods[1]'")]->[0],
    ['2026-01-01', '2026-01-16', '2036-01-01'], '申报日期 2026-01-01: 保存期限 10 years (公告2026年第5号)';
my $r = $c->get("/docupload/?status=all&period=$periods[1]");
like $r->{text}, qr/2036-01-01/, '上传备案单证 shows the 保存期限';

# ---------------------------------------------------------------- no rule: refused

# The first rule starts 2012-01-01: an import declared before it has no
# rule, and fails with the reason rather than a years value made up.
(my $uid, $status) = reverse import_on('2011-12-31', $periods[2], $base + 2000);
is $status, 'failed', 'imported on 2011-12-31: no retention_rule, the job fails';
like db_value("SELECT message FROM declist_upload WHERE id = $uid"), qr/没有适用于申报日期2011-12-31的单证保存期限规则/,
    'the upload says no retention rule applies';
is db_value("SELECT COUNT(*) FROM period_filing WHERE ent_id = $ent AND period = '$periods[2]'"), 0, 'no 按所属期备案 made';
is db_value("SELECT COUNT(*) FROM customs_decl WHERE upload_id = $uid"), 0, 'nothing imported';
$r = $c->get("/declist/view?id=$uid");
like $r->{text}, qr/没有适用于申报日期2011-12-31的单证保存期限规则/, 'the 【>】 page shows the reason';

# The records of the past days are removed again: other tests list the
# enterprise's overdue 按所属期备案.
for my $period (@periods) {
    db_do("DELETE l FROM customs_decl_line l JOIN customs_decl d ON d.id = l.decl_id WHERE d.ent_id = $ent AND d.period = '$period'");
    db_do("DELETE FROM customs_decl WHERE ent_id = $ent AND period = '$period'");
    db_do("DELETE FROM period_filing WHERE ent_id = $ent AND period = '$period'");
}

# ---------------------------------------------------------------- the stack's worker back

my $out = qx{VAR='${\ var_dir()}' PORT=$port TS_MODE=$hdf{mode} TS_WORKERS=$hdf{'app.workers'} B='${\ ($ENV{TS_BUILD} // 'build')}' '$FindBin::Bin/../../scripts/stack.sh' start 2>&1 </dev/null};
is $?, 0, 'scripts/stack.sh start' or diag $out;
like $out, qr/worker: started/, "the stack's worker started again";

done_testing;
