package TsCard;
# TsCard — helpers for the HTTP tests of the portal's card features
# (tests/http/card_login.t, card_binding.t) against the stack's real pcscd,
# vpcd, virtual cards and signd (docs/card.md).
#
#   use TsTest qw(:DEFAULT :html);
#   use TsCard;
#
#   card_env()                 $TS_VAR/etc/card.env as a hash ref, or undef
#                              when the stack has no card reader (then the
#                              test file should skip_all)
#   form_nonce($html)          the nonce of a card form
#   error_text($html)          the texts of the page's .form-errors boxes,
#                              joined by " | " ('' when none)
#   card_cert_hex($reader)     the certificate on the card in $reader, as
#                              upper-case hex (what HEX(card_cert) shows)
#   bind_with_tool($login, $reader)   ts-admin bind-card; dies on failure
#   unbind_in_db($user_id)     clear a binding behind the portal's back
#   stop_vcard($name) / start_vcard($name)
#                              pull / put back the virtual card "demo" or
#                              "second" (by the stack's pid file, which
#                              start_vcard rewrites so `stack.sh stop` ends it)
#   unblock_card($name)        the issuing centre's unlock of a locked card:
#                              stop it, `vcard unblock`, start it again, and
#                              wait until the reader shows it
#   swap_card($name, $state_dir)   put another virtual card (its state
#                              folder, e.g. a forged one) in $name's slot
#   restore_card($name)        and the real one back
#   forge_card($dir, $card_no, $cert_from)
#                              a virtual card in $dir with that 卡号, a key
#                              of its own, and the certificate of the card
#                              state folder $cert_from copied onto it
#   stop_signd() / start_signd()   the same for signd
#   wait_card($reader, $present)   until the login page shows the reader
#                              with (1) or without (0) a card; false on timeout
#
# The stopped processes are put back at the end of the test (END) if a
# test died half-way.
use strict;
use warnings;
use utf8;

use Carp qw(croak);
use Exporter ();
use POSIX ();
use Time::HiRes qw(sleep);
use TsTest qw(:DEFAULT :html);

our @ISA = ('Exporter');
our @EXPORT = qw(card_env form_nonce error_text card_cert_hex bind_with_tool unbind_in_db
  stop_vcard start_vcard unblock_card swap_card restore_card forge_card stop_signd start_signd wait_card);

my $BUILD = $ENV{TS_BUILD} // "$ENV{TS_REPO}/build";
my %STOPPED;    # name => restart sub, for END
my %SWAPPED;    # card name => pid of the card put in its slot

sub card_env {
    my %env;
    open my $fh, '<', var_dir() . '/etc/card.env' or return undef;
    while (<$fh>) {
        $env{$1} = $2 if /^(\w+)='?(.*?)'?$/;
    }
    return undef unless -S var_dir() . '/run/signd.sock';
    return \%env;
}

sub form_nonce {
    my ($html) = @_;
    return $html =~ /<input type="hidden" name="nonce" value="([0-9a-f]{64})">/ ? $1 : undef;
}

sub error_text {
    my ($html) = @_;
    my @m = map { s/<[^>]*>//gr } $html =~ /<div class="form-errors[^"]*"[^>]*>(.*?)<\/div>/gs;
    return join ' | ', @m;
}

sub _run {
    my @cmd = @_;
    open my $fh, '-|', @cmd or croak "$cmd[0]: $!";
    local $/;
    my $out = <$fh> // '';
    close $fh;
    return ($? >> 8, $out);
}

sub card_cert_hex {
    my ($reader) = @_;
    my $tmp = var_dir() . "/tmp/card-cert-$$.der";
    my ($rc, $out) = _run("$BUILD/tests/card/sign_client", var_dir() . '/run/signd.sock', 'cert',
        $reader, $tmp);
    croak "sign_client cert $reader: $out" if $rc;
    open my $fh, '<:raw', $tmp or croak "$tmp: $!";
    local $/;
    my $der = <$fh>;
    close $fh;
    unlink $tmp;
    return uc unpack 'H*', $der;
}

sub bind_with_tool {
    my ($login, $reader) = @_;
    local $ENV{TUISHUI_CONF} = var_dir() . '/etc/tuishui.hdf';
    my ($rc, $out) = _run("$BUILD/tools/ts-admin", 'bind-card', $login, $reader);
    croak "ts-admin bind-card $login: $out (exit $rc)" if $rc;
    return $out;
}

sub unbind_in_db {
    my ($id) = @_;
    db_do('UPDATE app_user SET card_no = NULL, card_cert = NULL, card_bound_at = NULL,'
          . " card_bound_by = NULL WHERE id = $id");
}

sub _pidfile { var_dir() . "/run/card/$_[0].pid" }

sub _read_pid {
    open my $fh, '<', _pidfile($_[0]) or return undef;
    my $pid = <$fh>;
    return defined $pid && $pid =~ /^(\d+)/ ? $1 : undef;
}

sub _stop {
    my ($name) = @_;
    my $pid = _read_pid($name) or croak "no pid file for $name";
    kill 'TERM', $pid;
    for (1 .. 50) {
        last unless pid_alive($pid);
        sleep 0.1;
    }
    croak "$name (pid $pid) did not stop" if pid_alive($pid);
}

# Start a process detached (own session, stdin /dev/null, output appended
# to $log) and record its pid in the stack's pid file.
sub _spawn {
    my ($name, $log, $env, @cmd) = @_;
    my $pidfile = $name =~ m{/} ? $name : _pidfile($name);
    my $pid = fork // croak "fork: $!";
    if ($pid == 0) {
        POSIX::setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $log;
        open STDERR, '>&', \*STDOUT;
        $ENV{$_} = $env->{$_} for keys %$env;
        exec @cmd or POSIX::_exit(127);
    }
    open my $fh, '>', $pidfile or croak "$pidfile: $!";
    print $fh "$pid\n";
    close $fh;
    return $pid;
}

sub stop_vcard {
    my ($card) = @_;
    _stop("vcard-$card");
    $STOPPED{"vcard-$card"} = sub { start_vcard($card) };
}

sub start_vcard {
    my ($card) = @_;
    my $env = card_env() or croak 'no card.env';
    my $port = $env->{TS_VPCD_PORT} + ($card eq 'second' ? 1 : 0);
    _spawn("vcard-$card", var_dir() . "/log/vcard-$card.log", {}, $env->{TS_VCARD}, 'run',
        '--state', var_dir() . "/card/$card", '--port', $port);
    delete $STOPPED{"vcard-$card"};
}

sub unblock_card {
    my ($card) = @_;
    my $env = card_env_file();
    my $reader = $env->{$card eq 'second' ? 'TS_CARD2_READER' : 'TS_CARD_READER'};
    stop_vcard($card);
    wait_card($reader, 0);    # pcscd has noticed: the card it shows next is the new one
    my ($rc, $out) = _run($env->{TS_VCARD}, 'unblock', '--state', var_dir() . "/card/$card");
    start_vcard($card);
    croak "vcard unblock $card: $out" if $rc;
    wait_card($reader, 1) or croak "$card did not come back";
}

sub _reader_of {
    my ($card) = @_;
    return card_env_file()->{$card eq 'second' ? 'TS_CARD2_READER' : 'TS_CARD_READER'};
}

sub swap_card {
    my ($card, $state) = @_;
    my $env = card_env_file();
    my $port = $env->{TS_VPCD_PORT} + ($card eq 'second' ? 1 : 0);
    stop_vcard($card);
    wait_card(_reader_of($card), 0);
    $SWAPPED{$card} = _spawn(var_dir() . "/tmp/vcard-swap-$card.pid",
        var_dir() . "/log/vcard-swap-$card.log", {}, $env->{TS_VCARD}, 'run', '--state', $state,
        '--port', $port);
    wait_card(_reader_of($card), 1) or croak "the card put in the slot of $card does not show";
}

sub forge_card {
    my ($dir, $card_no, $cert_from) = @_;
    my $env = card_env_file();
    my ($rc, $out) = _run($env->{TS_VCARD}, 'init', '--state', $dir, '--card-no', $card_no, '--pin',
        $env->{TS_CARD_PIN});
    croak "vcard init: $out" if $rc;
    ($rc, $out) = _run('cp', "$cert_from/cert.der", "$dir/cert.der");
    croak "cp: $out" if $rc;
}

sub restore_card {
    my ($card) = @_;
    my $pid = delete $SWAPPED{$card} or return;
    kill 'TERM', $pid;
    for (1 .. 50) {
        last unless pid_alive($pid);
        sleep 0.1;
    }
    unlink var_dir() . "/tmp/vcard-swap-$card.pid";
    wait_card(_reader_of($card), 0);
    start_vcard($card);
    wait_card(_reader_of($card), 1) or croak "$card did not come back";
}

sub stop_signd {
    _stop('signd');
    $STOPPED{signd} = \&start_signd;
}

sub start_signd {
    my $env = card_env_file();
    my $sock = var_dir() . '/run/signd.sock';
    _spawn('signd', var_dir() . '/log/signd.log', {PCSCLITE_CSOCK_NAME => $env->{PCSCLITE_CSOCK_NAME}},
        "$BUILD/signer/signd", $sock);
    for (1 .. 100) {
        last if -S $sock;
        sleep 0.1;
    }
    delete $STOPPED{signd};
    return -S $sock;
}

# card.env without the signd check (signd may be the one stopped).
sub card_env_file {
    my %env;
    open my $fh, '<', var_dir() . '/etc/card.env' or croak 'no card.env';
    while (<$fh>) {
        $env{$1} = $2 if /^(\w+)='?(.*?)'?$/;
    }
    return \%env;
}

sub wait_card {
    my ($reader, $present) = @_;
    my $want = $present ? '已插卡' : '未插卡';
    for (1 .. 100) {
        my $html = client()->get('/login/card')->{text} // '';
        return 1 if $html =~ /<option value="\Q$reader\E"[^>]*>\Q$reader\E（$want）/;
        sleep 0.1;
    }
    return 0;
}

END {
    my $rc = $?;
    for my $card (sort keys %SWAPPED) {
        eval { restore_card($card) };
    }
    for my $name (sort keys %STOPPED) {
        eval { $STOPPED{$name}->() };
    }
    $? = $rc;
}

1;
