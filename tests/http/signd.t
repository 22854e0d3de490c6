#!/usr/bin/perl
# tests/http/signd.t — signd (docs/signd.md) against the real pcscd, vpcd and
# virtual card, through lib/ts_sign (tests/card/sign_client) and raw over its
# socket.
#
# Part 1, the stack's signd ($TS_VAR/run/signd.sock): both cards' numbers,
# the demo card's certificate, SIGN of e verified by OpenSSL over M (in C and
# with the openssl command), DECRYPT, garbage answered with ERR while signd
# keeps serving.  Only the right PIN is used: other tests rely on those cards.
#
# Part 2, a pcscd, card and signd of the test's own: wrong PIN with tries
# left, a PIN refused before it costs a try, the card reset after signd's
# VERIFY, unknown reader, a slow client that holds up nobody, too long a
# line, the connection limit, a hanging card (PING and STATUS still answered,
# a request whose client left is not run), the card killed during a run of
# signatures and during one held-up signature (an error, never a hang, then
# signatures again once the card is back), pcscd gone and back, the lock.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest;
use TsPcsc;
use File::Temp qw(tempdir);
use IO::Socket::UNIX;
use IO::Select;
use Time::HiRes qw(time sleep);

my $BUILD  = $ENV{TS_BUILD} // "$FindBin::Bin/../../build";
my $CLIENT = "$BUILD/tests/card/sign_client";
my $SIGND  = "$BUILD/signer/signd";
my $VCARD  = "$BUILD/signer/vcard";
my $PCSC_APDU = "$BUILD/tests/card/pcsc_apdu";
for ($CLIENT, $SIGND, $VCARD) {
    plan skip_all => "$_ not built" unless -x $_;
}
plan skip_all => 'needs root for a private pcscd (mount namespace)' if $> != 0;

my $TMP = tempdir(CLEANUP => 1);
# A write to a connection signd closed (a client over -n answered BUSY and
# closed at once, while the threads of clients that left still count on a
# loaded machine) fails or retries its test instead of killing the file.
$SIG{PIPE} = 'IGNORE';

# ------------------------------------------------------------ helpers

# Run a command; (exit status, stdout).
sub run {
    open my $fh, '-|', @_ or die "$_[0]: $!";
    local $/;
    my $out = <$fh> // '';
    close $fh;
    return ($? >> 8, $out);
}

# sc SOCKET ARGS...: sign_client's first output line (exit status in $?).
sub sc {
    my ($sock, @args) = @_;
    my ($rc, $out) = run($CLIENT, $sock, @args);
    $? = $rc << 8;
    my ($line) = split /\n/, $out;
    utf8::decode($line) if defined $line;
    return $line // '';
}

# A raw connection to signd.
sub connect_signd {
    my ($sock) = @_;
    return IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $sock);
}

# Read one answer line from $c within $secs; undef on timeout, '' on EOF.
sub read_line {
    my ($c, $secs) = @_;
    my $buf = '';
    my $sel = IO::Select->new($c);
    my $end = time + ($secs // 5);
    while ($buf !~ /\n/) {
        my $left = $end - time;
        return undef if $left <= 0 || !$sel->can_read($left);
        my $n = sysread($c, $buf, 65536, length $buf);
        return $buf if !$n;
    }
    $buf =~ s/\n.*//s;
    return $buf;
}

# Send raw lines (each with "\n" unless it has one) on one connection, one
# answer each.
sub ask {
    my ($sock, @lines) = @_;
    my $c = connect_signd($sock) or return;
    my @ans;
    for my $l (@lines) {
        syswrite $c, $l =~ /\n\z/ ? $l : "$l\n";
        push @ans, read_line($c, 20);
    }
    close $c;
    return wantarray ? @ans : $ans[0];
}

# Wait up to $secs until $code returns true.
sub eventually {
    my ($secs, $code) = @_;
    my $end = time + $secs;
    while (time < $end) {
        return 1 if $code->();
        sleep 0.1;
    }
    return $code->();
}

sub esc {
    my ($name) = @_;
    $name =~ s/([^A-Za-z0-9._-])/sprintf('%%%02X', ord $1)/ge;
    return $name;
}

# The public key of a DER certificate as a PEM file.
sub cert_pubkey {
    my ($der_path, $name) = @_;
    my (undef, $pem) = run(qw(openssl x509 -inform der -pubkey -noout -in), $der_path);
    write_file("$TMP/$name.pub", $pem);
    return "$TMP/$name.pub";
}

sub card_env {
    my %env;
    open my $fh, '<', var_dir() . '/etc/card.env' or return;
    while (<$fh>) {
        $env{$1} = $2 if /^(\w+)='?(.*?)'?$/;
    }
    return \%env;
}

# ------------------------------------------------------------ part 1: the stack's signd

subtest "the stack's signd" => sub {
    my $sock = var_dir() . '/run/signd.sock';
    my $env  = card_env();
    ok(-S $sock, "signd socket $sock") or return;
    ok($env, 'etc/card.env') or return;
    is((stat $sock)[2] & 07777, 0660, 'socket mode 0660');
    is(scalar ask($sock, 'PING'), 'OK signd 1', 'PING');
    my ($r1, $r2) = ($env->{TS_CARD_READER}, $env->{TS_CARD2_READER});
    my $status = ask($sock, 'STATUS');
    like($status, qr/^OK \d+ /, 'STATUS answers');
    like($status, qr/ \Q${\ esc($r1)}\E:card\b/, 'STATUS: demo card present');
    like($status, qr/ \Q${\ esc($r2)}\E:card\b/, 'STATUS: second card present');
    like(sc($sock, 'status'), qr/^reader \Q$r1\E: card$/, 'ts_sign_status decodes reader names');

    is(sc($sock, 'cardno', $r1), $env->{TS_CARD_NO},  'ts_sign_card_no: demo card');
    is(sc($sock, 'cardno', $r2), $env->{TS_CARD2_NO}, 'ts_sign_card_no: second card');
    like(sc($sock, 'cardno', '*'), qr/^ERR MANY_CARDS -1 检测到多张IC卡/,
        'reader "*" with two cards: MANY_CARDS with a Chinese message');
    is(sc($sock, 'find', $env->{TS_CARD2_NO}), $r2, 'ts_sign_find_card: the reader of a card number');
    is(sc($sock, 'find', $env->{TS_CARD_NO}),  $r1, 'and of the other');
    like(sc($sock, 'find', '1399999999999'), qr/^ERR NO_CARD -1 未检测到IC卡/, 'an absent card: NO_CARD');
    {
        local $ENV{SIGN_READER} = $r2;
        is(sc($sock, 'cardno', '-'), $env->{TS_CARD2_NO}, 'reader NULL: opts.reader (sign.reader)');
    }

    like(sc($sock, 'cert', $r1, "$TMP/demo.der"), qr/^OK \d+$/, 'ts_sign_cert');
    my (undef, $text) = run(qw(openssl x509 -inform der -noout -subject -in), "$TMP/demo.der");
    like($text, qr/\Q$env->{TS_CARD_NO}\E/, 'the certificate names the card number');
    my $pub = cert_pubkey("$TMP/demo.der", 'demo');

    my $m = '出口退税申报 ' . time;
    utf8::encode($m);
    write_file("$TMP/m", $m);
    is(sc($sock, 'sign', $r1, $env->{TS_CARD_PIN}, "$TMP/m", "$TMP/sig"), 'OK verified',
        'ts_sign_digest: e computed from the certificate, signature verified by EVP_DigestVerify');
    my @verify = (qw(openssl pkeyutl -verify -pubin -inkey), $pub,
        qw(-rawin -digest sm3 -pkeyopt distid:1234567812345678 -sigfile), "$TMP/sig", '-in');
    my ($rc) = run(@verify, "$TMP/m");
    is($rc, 0, 'openssl pkeyutl verifies it over M');
    write_file("$TMP/m2", "$m.");
    ($rc) = run(@verify, "$TMP/m2");
    isnt($rc, 0, 'and not over another M');
    is(sc($sock, 'decrypt', $r1, $env->{TS_CARD_PIN}), 'OK',
        'ts_sign_decrypt opens a key sealed to the certificate');

    {
        local $ENV{SIGN_EXPECT} = $env->{TS_CARD_NO};
        is(sc($sock, 'sign', $r1, $env->{TS_CARD_PIN}, "$TMP/m", "$TMP/sig"), 'OK verified',
            'ts_sign_digest_for: the expected card signs');
        is(sc($sock, 'verify', $r2, $env->{TS_CARD_PIN}),
            "ERR CARD_MISMATCH -1 读卡器中的IC卡不是本次操作要求的卡（卡号不一致），请插入正确的电子口岸IC卡"
              . " | expected card $env->{TS_CARD_NO}, the reader holds card $env->{TS_CARD2_NO}",
            'ts_sign_verify_pin_for on the other card: CARD_MISMATCH with both numbers');
        like(sc($sock, 'decrypt', $r2, $env->{TS_CARD_PIN}), qr/^ERR CARD_MISMATCH /,
            'ts_sign_decrypt_for too');
        like(scalar ask($sock, 'SIGN ' . esc($r2) . " $env->{TS_CARD_PIN} " . ('ab' x 32) . " $env->{TS_CARD_NO}"),
            qr/^ERR CARD_MISMATCH expected card $env->{TS_CARD_NO}, the reader holds card $env->{TS_CARD2_NO}$/,
            'raw SIGN with the expected card number: CARD_MISMATCH');

        # lib/ts_sign's package adapters: a package signed by the card, and
        # one sealed to the card's certificate opened by the card.
        is(sc($sock, 'package', $r1, $env->{TS_CARD_PIN}, "$TMP/plain.zip", "$TMP/sealed.zip"), 'OK 1 58',
            'ts_sign_package_signer/opener: signed by the card, sealed to it, opened by it');
    }
    my $PKG = "$BUILD/tools/ts-package";
  SKIP: {
        skip "$PKG not built", 4 unless -x $PKG;
        my ($prc, $out) = run($PKG, 'verify', '-s', "$TMP/demo.der", "$TMP/plain.zip");
        is($prc, 0, 'ts-package verify -s <card certificate> accepts the card-signed package');
        like($out, qr/^signer=\/O=.*CN=\Q$env->{TS_CARD_NO}\E/m, 'signer: the card, checked');
        ($prc, $out) = run($PKG, 'verify', "$TMP/plain.zip");
        like($out, qr/^signer=UNCHECKED \//m, 'without -s the signer is printed as UNCHECKED');
        ($prc, $out) = run($PKG, 'verify', '-s', "$TMP/demo.der", "$TMP/sealed.zip");
        like($out, qr/^refused: 7 /m, 'the sealed one needs the card to open');
    }

    my @ans = ask($sock, "\x00\xff\xfe", 'FOO bar', 'SIGN * 123456 zz', 'VERIFY  * 123456',
        'CARDNO', 'CERT %4', "PING\r", 'SIGN * 123456 ' . ('00' x 31), 'PING');
    is(scalar(grep { /^ERR BAD_REQUEST / } @ans[0 .. 7]), 8, 'eight kinds of garbage: ERR BAD_REQUEST')
        or diag explain \@ans;
    is($ans[8], 'OK signd 1', 'the same connection still served');
    is(scalar ask($sock, 'PING'), 'OK signd 1', 'signd still serving');
};

# ------------------------------------------------------------ part 2: our own reader

my $RIG       = TsPcsc->new($TMP, 'signd test');
my $PORT      = $RIG->{port};
my $PCSC_SOCK = $RIG->{sock};
my $SOCK      = "$TMP/signd.sock";
my $READER    = $RIG->{reader};
my $R         = esc($READER);
my $CARD      = "$TMP/card";
my $PIN       = '246810';

sub spawn       { $RIG->spawn(@_) }
sub stop        { $RIG->stop(@_) }
sub start_pcscd { $RIG->start_pcscd }
sub start_card  { spawn($VCARD, 'run', '--state', $CARD, '--port', $PORT) }

sub card_status {
    my $s = ask($SOCK, 'STATUS') // '';
    return $s =~ / \Q$R\E:(\w+)/ ? $1 : $s;
}

my $pcscd = start_pcscd();
ok(-S $PCSC_SOCK, 'private pcscd up') or BAIL_OUT('no private pcscd: ' . (slurp("$TMP/log") // ''));
is(system("$VCARD init --state $CARD --card-no 1300000000077 --pin $PIN >>$TMP/log 2>&1"), 0, 'vcard init');
my $vcard = start_card();
my $signd;
{
    local $ENV{PCSCLITE_CSOCK_NAME} = $PCSC_SOCK;
    $signd = spawn($SIGND, '-t', '2', '-n', '4', $SOCK);
}
ok(eventually(10, sub { card_status() eq 'card' }), 'our signd sees our card')
    or BAIL_OUT('signd: ' . (slurp("$TMP/log") // ''));
my $pub;

subtest 'card number, certificate, signature' => sub {
    is(sc($SOCK, 'cardno', '*'), '1300000000077', 'reader "*": the one card');
    like(sc($SOCK, 'cert', $READER, "$TMP/own.der"), qr/^OK/, 'certificate');
    is(slurp("$TMP/own.der"), slurp("$CARD/cert.der"), 'the bytes of cert.der');
    $pub = cert_pubkey("$TMP/own.der", 'own');
    write_file("$TMP/m", 'M' x 1000);
    is(sc($SOCK, 'sign', '*', $PIN, "$TMP/m", "$TMP/sig"), 'OK verified', 'SIGN verified');
};

subtest 'PIN: tries left, checked before it costs a try, reset after use' => sub {
    {
        local $ENV{SIGN_EXPECT} = '1300000000099';
        like(sc($SOCK, 'verify', $READER, '111111'),
            qr/^ERR CARD_MISMATCH -1 .* \| expected card 1300000000099, the reader holds card 1300000000077$/,
            'a wrong PIN for another card: CARD_MISMATCH, the PIN not presented (next line: still 5 tries)');
    }
    is(sc($SOCK, 'verify', $READER, '111111'), 'ERR PIN_WRONG 4 IC卡密码错误，还可尝试4次 | 4 wrong PIN, 4 tries left',
        'wrong PIN: 4 tries left, Chinese message');
    like(sc($SOCK, 'verify', $READER, '12345'), qr/^ERR ARG -1 IC卡密码应为6至8位数字/,
        'a 5-digit PIN refused by ts_sign');
    like(scalar ask($SOCK, "VERIFY $R 12a456"), qr/^ERR BAD_REQUEST /, 'and by signd');
    like(sc($SOCK, 'verify', $READER, '222222'), qr/^ERR PIN_WRONG 3 /,
        'next wrong PIN: 3 left (the malformed ones cost nothing)');
    is(sc($SOCK, 'verify', $READER, $PIN), 'OK', 'right PIN');
    like(sc($SOCK, 'verify', $READER, '333333'), qr/^ERR PIN_WRONG 4 /, 'counter back to 5');
    is(sc($SOCK, 'verify', $READER, $PIN), 'OK', 'right PIN again');
  SKIP: {
        skip "$PCSC_APDU not built", 1 unless -x $PCSC_APDU;
        local $ENV{PCSCLITE_CSOCK_NAME} = $PCSC_SOCK;
        my (undef, $out) = run($PCSC_APDU, '--reader', $READER, '--wait', '5',
            '00A4040009F05455495348554901', '802A000020' . ('AB' x 32) . '00');
        like($out, qr/^01009000\n6982$/m, 'after signd\'s VERIFY the card is reset: SIGN without PIN is 6982');
    }
};

subtest 'readers and cards that are not there' => sub {
    like(scalar ask($SOCK, 'CARDNO no%20such%20reader'), qr/^ERR NO_READER /, 'unknown reader: NO_READER');
    like(sc($SOCK, 'cardno', 'no such reader'), qr/^ERR NO_READER -1 未检测到读卡器/,
        'ts_sign: Chinese message');
};

subtest 'slow, long-winded and too many clients' => sub {
    my $slow = connect_signd($SOCK);
    syswrite $slow, 'PI';
    my $t0 = time;
    is(scalar ask($SOCK, 'PING'), 'OK signd 1', 'a half-sent line does not hold up another client');
    ok(time - $t0 < 1, 'answered at once');
    like(read_line($slow, 5), qr/^ERR TIMEOUT /, 'the slow client gets ERR TIMEOUT after -t 2');
    is(read_line($slow, 2), '', 'and is disconnected');

    my $long = connect_signd($SOCK);
    syswrite $long, 'A' x 3000;
    like(read_line($long, 5), qr/^ERR TOO_LONG /, 'a line over 1024 bytes: ERR TOO_LONG');
    is(read_line($long, 3), '', 'and the connection is closed');

    my @idle = map { connect_signd($SOCK) } 1 .. 4;
    sleep 0.2;
    my $fifth = connect_signd($SOCK);
    like(read_line($fifth, 3), qr/^ERR BUSY /, 'over -n 4 connections: ERR BUSY');
    close $_ for @idle;
    ok(eventually(3, sub { (ask($SOCK, 'PING') // '') eq 'OK signd 1' }), 'served again once they left');
};

subtest 'card killed during a run of signatures' => sub {
    open my $loop, '-|', $CLIENT, $SOCK, 'signloop', $READER, $PIN, 200 or die "$CLIENT: $!";
    my $first = <$loop>;
    chomp $first;
    is($first, 'OK', 'signing works before');
    kill 'KILL', $vcard;
    waitpid $vcard, 0;
    my @rest = map { chomp; $_ } <$loop>;
    close $loop;
    is(scalar @rest, 199, 'every request answered (none hung)');
    my @bad = grep { !/^(OK|CARD_REMOVED|NO_CARD)( |$)/ } @rest;
    is_deeply(\@bad, [], 'answers are OK, CARD_REMOVED or NO_CARD only');
    ok(scalar(grep { $_ ne 'OK' } @rest) > 0, 'the pulled card is reported');
    my %seen;
    $seen{ (split / /, $_)[0] }++ for @rest;
    note 'answers after the kill: ' . join ', ', map {"$_ x$seen{$_}"} sort keys %seen;
    ok(eventually(5, sub { card_status() eq 'empty' }), 'STATUS: reader empty');
    is(scalar ask($SOCK, 'PING'), 'OK signd 1', 'signd still serving');
    like(sc($SOCK, 'sign', $READER, $PIN, "$TMP/m", "$TMP/sig"), qr/^ERR NO_CARD -1 未检测到IC卡/,
        'SIGN without the card: NO_CARD, Chinese message');
    $vcard = start_card();
    ok(eventually(10, sub { sc($SOCK, 'sign', $READER, $PIN, "$TMP/m", "$TMP/sig") eq 'OK verified' }),
        'card back: signatures verify again');
};

subtest 'a hanging card: others answered, a client that gave up is not served' => sub {
    kill 'STOP', $vcard;
    my $a = connect_signd($SOCK);
    syswrite $a, "SIGN $R $PIN " . ('ef' x 32) . "\n";
    sleep 0.5;
    my $t0 = time;
    is(scalar ask($SOCK, 'PING'), 'OK signd 1', 'PING answered while the card hangs');
    like(scalar ask($SOCK, 'STATUS'), qr/^OK /, 'STATUS too (it takes no card lock)');
    ok(time - $t0 < 1, 'at once');
    my $b = connect_signd($SOCK);
    syswrite $b, "VERIFY $R 999999\n";
    sleep 0.3;
    close $b;    # gave up while waiting for the card
    kill 'CONT', $vcard;
    like(read_line($a, 15), qr/^OK 30[0-9a-f]+$/, 'the held-up SIGN completes once the card answers');
    like(sc($SOCK, 'verify', $READER, '111111'), qr/^ERR PIN_WRONG 4 /,
        'the wrong PIN of the client that left was never sent: still 5 tries before this one');
    is(sc($SOCK, 'verify', $READER, $PIN), 'OK', 'counter reset');
};

subtest 'card killed while a signature waits on it' => sub {
    kill 'STOP', $vcard;
    my $c = connect_signd($SOCK);
    syswrite $c, "SIGN $R $PIN " . ('cd' x 32) . "\n";
    sleep 0.5;
    kill 'KILL', $vcard;
    kill 'CONT', $vcard;
    waitpid $vcard, 0;
    my $ans = read_line($c, 15);
    like($ans, qr/^ERR (CARD_REMOVED|NO_CARD|CARD_ERROR) /, 'the held-up SIGN: an error, not a hang')
        or diag $ans;
    note "held-up SIGN answered: $ans";
    $vcard = start_card();
    ok(eventually(10, sub { sc($SOCK, 'sign', $READER, $PIN, "$TMP/m", "$TMP/sig") eq 'OK verified' }),
        'card back: signatures verify again');
};

subtest 'pcscd gone and back' => sub {
    stop($pcscd);
    ok(eventually(5, sub { (ask($SOCK, 'STATUS') // '') =~ /^ERR NO_SERVICE / }), 'STATUS: NO_SERVICE');
    like(sc($SOCK, 'cardno', $READER), qr/^ERR NO_SERVICE -1 读卡器服务未运行/, 'CARDNO: NO_SERVICE');
    is(scalar ask($SOCK, 'PING'), 'OK signd 1', 'signd still serving');
    $pcscd = start_pcscd();
    ok(eventually(15, sub { sc($SOCK, 'cardno', $READER) eq '1300000000077' }),
        'pcscd back: the card answers through signd again');
    ok(eventually(5, sub { card_status() eq 'card' }), 'STATUS: card present again');
};

subtest 'locked card' => sub {
    my @a = map { sc($SOCK, 'verify', $READER, "99999$_") } 1 .. 5;
    like($a[3], qr/^ERR PIN_WRONG 1 /, 'fourth wrong PIN: 1 try left');
    like($a[4], qr/^ERR PIN_LOCKED -1 IC卡密码已锁定/, 'fifth: PIN_LOCKED');
    like(sc($SOCK, 'verify', $READER, $PIN), qr/^ERR PIN_LOCKED /, 'the right PIN: PIN_LOCKED');
    like(sc($SOCK, 'sign', $READER, $PIN, "$TMP/m", "$TMP/sig"), qr/^ERR PIN_LOCKED /,
        'SIGN: PIN_LOCKED');
    like(sc($SOCK, 'decrypt', $READER, $PIN), qr/^ERR PIN_LOCKED /, 'DECRYPT: PIN_LOCKED');
    is(sc($SOCK, 'cardno', $READER), '1300000000077', 'the card number still reads');
};

subtest 'pcscd without any reader: STATUS says 0 readers, not NO_SERVICE' => sub {
    my $empty  = TsPcsc->new("$TMP/empty");
    my $epcscd = $empty->start_pcscd;
    ok(-S $empty->{sock}, 'a second private pcscd, no reader configured') or return;
    my $esock = "$TMP/signd-empty.sock";
    my $esignd;
    {
        local $ENV{PCSCLITE_CSOCK_NAME} = $empty->{sock};
        $esignd = spawn($SIGND, $esock);
    }
    ok(eventually(10, sub { (ask($esock, 'STATUS') // '') eq 'OK 0' }), 'STATUS: OK 0')
        or diag(ask($esock, 'STATUS'));
    like(scalar ask($esock, 'CARDNO *'), qr/^ERR NO_READER /, 'CARDNO *: NO_READER');
    like(sc($esock, 'cardno', '*'), qr/^ERR NO_READER -1 未检测到读卡器/, 'ts_sign: 未检测到读卡器');
    stop($esignd);
    stop($epcscd);
};

subtest 'signd replaces a stale socket, never another file' => sub {
    write_file("$TMP/not-a-socket", 'precious');
    my ($rc, $out) = run('timeout', '10', 'sh', '-c', 'exec "$0" "$1" 2>&1', $SIGND, "$TMP/not-a-socket");
    is($rc, 1, 'signd on a regular file: exits 1');
    is(slurp("$TMP/not-a-socket"), 'precious', 'and leaves the file alone');
    like($out, qr/not-a-socket exists and is not a socket/, 'saying why');
};

ok(stop($signd), 'signd exits on SIGTERM');
ok(!-e $SOCK, 'and removes its socket');
my $log = slurp("$TMP/log") // '';
unlike($log, qr/\Q$PIN\E|999991/, 'no PIN in the logs');
like($log, qr/card removed/, 'signd logged the pulled card');
stop($_) for $vcard, $pcscd;
done_testing;
