#!/usr/bin/perl
# tests/http/card.t — the e-port card (docs/card.md) through the real pcscd
# and vpcd, with tests/card/pcsc_apdu as the PC/SC client (no signd).
#
# Part 1, the stack's own reader ($TS_VAR/etc/card.env): both cards answer
# at once with their card numbers, the demo card's certificate reads in
# chunks, parses, names the card and is issued by the stack's demo CA.  Only
# the right PIN is used there: other tests rely on those cards.
#
# Part 2, a private pcscd this test starts (its own mount namespace and
# socket, vpcd on two free ports) with a card of its own: status words,
# SIGN verified by OpenSSL over M, DECRYPT round trip, the PIN counter down
# to the lock surviving vcard restarts, reset forgetting the PIN, unblock,
# a pulled card, and a restarted pcscd the card finds again by itself.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest;
use TsPcsc;
use File::Temp qw(tempdir);

my $BUILD  = $ENV{TS_BUILD} // "$FindBin::Bin/../../build";
my $CLIENT = "$BUILD/tests/card/pcsc_apdu";
my $VCARD  = "$BUILD/signer/vcard";
plan skip_all => "$CLIENT or $VCARD not built" unless -x $CLIENT && -x $VCARD;
plan skip_all => 'needs root for a private pcscd (mount namespace)' if $> != 0;

my $SELECT = '00A4040009F05455495348554901';
my $TMP    = tempdir(CLEANUP => 1);

# ------------------------------------------------------------ helpers

# card.env of the stack as a hash.
sub card_env {
    my %env;
    open my $fh, '<', var_dir() . '/etc/card.env' or return;
    while (<$fh>) {
        $env{$1} = $2 if /^(\w+)='?(.*?)'?$/;
    }
    return \%env;
}

# Send APDUs (hex strings, or RESET) to READER through pcscd at SOCK; the
# answers as upper-case hex, one per APDU ([] when the client failed).
sub apdus {
    my ($sock, $reader, @apdus) = @_;
    local $ENV{PCSCLITE_CSOCK_NAME} = $sock;
    open my $fh, '-|', $CLIENT, '--reader', $reader, '--wait', '5', @apdus or die "$CLIENT: $!";
    my @out = map { chomp; $_ } <$fh>;
    close $fh;
    return $? == 0 ? \@out : [];
}

# The status word (last 4 hex digits) and the data of an answer.
sub sw   { substr($_[0] // '', -4) }
sub data { my $a = $_[0] // ''; pack 'H*', substr($a, 0, length($a) - 4) }

sub hexs { uc unpack 'H*', $_[0] }

# An APDU: header, then data with Lc, then Le (both optional).
sub apdu {
    my ($head, $data, $le) = @_;
    my $a = $head;
    $a .= sprintf('%02X', length $data) . hexs($data) if defined $data && length $data;
    $a .= $le if defined $le;
    return $a;
}

sub verify_apdu { apdu('00200001', $_[0]) }

# Read the certificate in 256-byte chunks (length first).
sub read_cert {
    my ($sock, $reader) = @_;
    my $ans = apdus($sock, $reader, $SELECT, '80CA000200');
    return unless @$ans == 2 && sw($ans->[1]) eq '9000';
    my $len = unpack 'n', data($ans->[1]);
    my @reads = map { sprintf('80B0%04X00', $_ * 256) } 0 .. int(($len - 1) / 256);
    $ans = apdus($sock, $reader, $SELECT, @reads, sprintf('80B0%04X00', $len));
    my $der = join '', map { data($_) } @$ans[1 .. $#reads + 1];
    is(sw($ans->[-1]), '6B00', 'READ CERTIFICATE at the end: 6B00');
    return length $der == $len ? $der : undef;
}

# Run a command; its stdout (undef when it failed).
sub run {
    open my $fh, '-|', @_ or die "$_[0]: $!";
    local $/;
    my $out = <$fh>;
    close $fh;
    return $? == 0 ? $out : undef;
}

sub sm3 {
    my ($bytes) = @_;
    write_file("$TMP/sm3.in", $bytes);
    return run(qw(openssl dgst -sm3 -binary), "$TMP/sm3.in");
}

# e = SM3(Z_A || M) with the default id (GB/T 32918.2; the card contract).
sub sm2_e {
    my ($pub_pem, $m) = @_;
    my $spki = run(qw(openssl pkey -pubin -outform der -in), $pub_pem);
    my $xy = substr($spki, -64);
    my $id = '1234567812345678';
    my $curve = pack 'H*', 'FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC'
      . '28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93'
      . '32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7'
      . 'BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0';
    my $z = sm3(pack('n', 8 * length $id) . $id . $curve . $xy);
    return sm3($z . $m);
}

# The certificate's public key as PEM in a file.
sub cert_pubkey {
    my ($der, $name) = @_;
    write_file("$TMP/$name.der", $der);
    my $pem = run(qw(openssl x509 -inform der -pubkey -noout -in), "$TMP/$name.der");
    write_file("$TMP/$name.pub", $pem // '');
    return "$TMP/$name.pub";
}

# ------------------------------------------------------------ part 1: the stack's cards

subtest 'the stack: two virtual cards at once in the stack pcscd' => sub {
    my $env = card_env();
    ok($env && $env->{PCSCLITE_CSOCK_NAME}, 'stack wrote etc/card.env') or return;
    my $sock = $env->{PCSCLITE_CSOCK_NAME};
    ok(-S $sock, "pcscd socket $sock");
    local $ENV{PCSCLITE_CSOCK_NAME} = $sock;
    my $list = run($CLIENT, '--list') // '';
    like($list, qr/^present \Q$env->{TS_CARD_READER}\E$/m,  'demo card present');
    like($list, qr/^present \Q$env->{TS_CARD2_READER}\E$/m, 'second card present');

    my $a1 = apdus($sock, $env->{TS_CARD_READER},  $SELECT, '80CA000100');
    my $a2 = apdus($sock, $env->{TS_CARD2_READER}, $SELECT, '80CA000100');
    is($a1->[0], '01009000', 'SELECT answers version 1.0');
    is(data($a1->[1]), $env->{TS_CARD_NO},  'demo card number');
    is(data($a2->[1]), $env->{TS_CARD2_NO}, 'second card number');
    isnt($env->{TS_CARD_NO}, $env->{TS_CARD2_NO}, 'the two numbers differ');

    my $der = read_cert($sock, $env->{TS_CARD_READER});
    ok($der, 'certificate read in chunks') or return;
    write_file("$TMP/demo.der", $der);
    my $text = run(qw(openssl x509 -inform der -noout -text -in), "$TMP/demo.der") // '';
    like($text, qr/Signature Algorithm: SM2-with-SM3/, 'certificate signed with SM2/SM3');
    like($text, qr/Subject:.*CN = \Q$env->{TS_CARD_NO}\E/, 'certificate names the card number');
    like($text, qr/ASN1 OID: SM2/, 'an SM2 key');
    my $pem = run(qw(openssl x509 -inform der -in), "$TMP/demo.der");
    write_file("$TMP/demo.pem", $pem);
    my @verify = ('openssl', 'verify', '-CAfile', $env->{TS_CARD_CA});
    ok(defined run(@verify, '-vfyopt', 'distid:1234567812345678', "$TMP/demo.pem"),
       'issued by the stack demo CA (SM2 with the default id)');
    ok(!defined run(@verify, "$TMP/demo.pem"), 'and not with an empty id');

    my $ans = apdus($sock, $env->{TS_CARD_READER}, $SELECT, verify_apdu($env->{TS_CARD_PIN}));
    is(sw($ans->[1]), '9000', 'demo PIN accepted');
};

# ------------------------------------------------------------ part 2: a private reader

# A pcscd of our own (TsPcsc): its own mount namespace, vpcd on two free ports.
my $RIG  = TsPcsc->new($TMP, 'card test');
my $PORT = $RIG->{port};
sub spawn { $RIG->spawn(@_) }
sub stop  { $RIG->stop(@_) }

my $pcscd = $RIG->start_pcscd;
my $SOCK  = $RIG->{sock};
ok(-S $SOCK, 'private pcscd up') or BAIL_OUT('no private pcscd: ' . (slurp("$TMP/log") // ''));
my $READER = 'card test 00 00';

my $CARD = "$TMP/card";
is(system($VCARD, 'init', '--state', $CARD, '--card-no', '1300000000099', '--pin', '246810'), 0,
   'vcard init (self-signed)');
isnt(system("$VCARD init --state $CARD --card-no 1300000000099 --pin 246810 2>/dev/null"), 0,
     'init refuses a folder that holds a card');
my $vcard = spawn($VCARD, 'run', '--state', $CARD, '--port', $PORT);

# Wait until pcscd sees the reader empty (a pulled card), up to 3 s.
sub reader_empty {
    local $ENV{PCSCLITE_CSOCK_NAME} = $SOCK;
    for (1 .. 30) {
        return 1 if (run($CLIENT, '--list') // '') =~ /^empty \Q$READER\E$/m;
        select undef, undef, undef, 0.1;
    }
    return 0;
}

# Stop the card, wait until pcscd noticed, start it again.
sub restart_card {
    ok(stop($vcard), 'vcard exits on SIGTERM');
    ok(reader_empty(), 'pcscd saw the card go');
    $vcard = spawn($VCARD, 'run', '--state', $CARD, '--port', $PORT);
}

subtest 'status words' => sub {
    my $a = apdus($SOCK, $READER, '80CA000100', '00A4040003A00000', $SELECT,
        '84CA000100', '80FF000000', '80CA000300', '80CA0001' . '0000', '80B0FFFF00',
        '80B0100000', '80CA000101FF', verify_apdu('12345'), verify_apdu('12345a'),
        '0020000100', '802A000004' . 'AABBCCDD');
    is(scalar @$a, 14, 'every APDU answered') or return;
    is($a->[0],  '6985', 'before SELECT: 6985');
    is($a->[1],  '6A82', 'unknown AID: 6A82');
    is($a->[2],  '01009000', 'SELECT');
    is($a->[3],  '6E00', 'unknown CLA: 6E00');
    is($a->[4],  '6D00', 'unknown INS: 6D00');
    is($a->[5],  '6A86', 'GET DATA of something else: 6A86');
    is($a->[6],  '6700', 'extended-length APDU: 6700');
    is($a->[7],  '6A86', 'READ CERTIFICATE with P1 bit 8: 6A86');
    is($a->[8],  '6B00', 'READ CERTIFICATE past the end: 6B00');
    is($a->[9],  '6700', 'GET DATA with data: 6700');
    is($a->[10], '6A80', 'PIN of 5 digits: 6A80');
    is($a->[11], '6A80', 'PIN with a letter: 6A80');
    is($a->[12], '63C5', 'malformed PINs did not count: 5 tries');
    is($a->[13], '6982', 'SIGN without PIN: 6982');
};

my ($der, $pub);
subtest 'card number and certificate' => sub {
    my $a = apdus($SOCK, $READER, $SELECT, '80CA000100');
    is(data($a->[1]), '1300000000099', 'card number');
    $der = read_cert($SOCK, $READER);
    ok($der, 'certificate read') or return;
    is($der, slurp("$CARD/cert.der"), 'the bytes of cert.der');
    $pub = cert_pubkey($der, 'own');
    like(slurp($pub), qr/BEGIN PUBLIC KEY/, 'public key from the certificate');
};

subtest 'SIGN, verified by OpenSSL over M' => sub {
    my $m = "出口退税申报数据 " . time;
    utf8::encode($m);
    my $e = sm2_e($pub, $m);
    is(length $e, 32, 'e is 32 bytes');
    my $a = apdus($SOCK, $READER, $SELECT, verify_apdu('246810'), apdu('802A0000', $e, '00'),
        apdu('802A0000', substr($e, 0, 31), '00'), 'RESET', $SELECT, apdu('802A0000', $e, '00'));
    is(sw($a->[1]), '9000', 'PIN verified');
    is(sw($a->[2]), '9000', 'SIGN');
    my $sig = data($a->[2]);
    ok(length $sig <= 72 && substr($sig, 0, 1) eq "\x30", 'DER SEQUENCE of at most 72 bytes');
    is(sw($a->[3]), '6700', 'e of 31 bytes: 6700');
    is(sw($a->[5]), '6982', 'after a reset the PIN is forgotten: 6982');
    write_file("$TMP/m", $m);
    write_file("$TMP/sig", $sig);
    my @verify = (qw(openssl pkeyutl -verify -pubin -inkey), $pub, qw(-rawin -digest sm3
        -pkeyopt distid:1234567812345678 -sigfile), "$TMP/sig", '-in');
    ok(defined run(@verify, "$TMP/m"), 'openssl pkeyutl verifies the signature over M');
    write_file("$TMP/m2", $m . 'x');
    ok(!defined run(@verify, "$TMP/m2"), 'and not over another M');
};

subtest 'DECRYPT round trip' => sub {
    my $key = join '', map { chr int rand 256 } 1 .. 32;
    write_file("$TMP/key", $key);
    my $ct = run(qw(openssl pkeyutl -encrypt -pubin -inkey), $pub, '-in', "$TMP/key");
    ok($ct && length $ct < 256, 'SM2 ciphertext fits a short APDU') or return;
    my $bad = $ct;
    substr($bad, -1, 1) = chr(ord(substr($bad, -1, 1)) ^ 1);
    my $a = apdus($SOCK, $READER, $SELECT, apdu('802C0000', $ct, '00'), verify_apdu('246810'),
        apdu('802C0000', $ct, '00'), apdu('802C0000', $bad, '00'), apdu('802C0000', 'garbage', '00'));
    is(sw($a->[1]), '6982', 'DECRYPT without PIN: 6982');
    is(sw($a->[3]), '9000', 'DECRYPT');
    is(data($a->[3]), $key, 'the session key comes back');
    is($a->[4], '6A80', 'a tampered ciphertext: 6A80');
    is($a->[5], '6A80', 'not a ciphertext: 6A80');
};

subtest 'PIN counter down to the lock, kept across vcard restarts' => sub {
    my $a = apdus($SOCK, $READER, $SELECT, verify_apdu('111111'), verify_apdu('222222'));
    is_deeply([ map { sw($_) } @$a[1, 2] ], [ '63C4', '63C3' ], 'two wrong PINs: 63C4, 63C3');
    like(slurp("$CARD/state"), qr/^tries_left=3$/m, 'state file says 3');
    restart_card();
    $a = apdus($SOCK, $READER, $SELECT, '0020000100');
    is(sw($a->[1]), '63C3', 'after a restart still 3 tries');
    $a = apdus($SOCK, $READER, $SELECT, verify_apdu('246810'), '0020000100', 'RESET', $SELECT,
        '0020000100');
    is(sw($a->[1]), '9000', 'right PIN');
    is(sw($a->[2]), '9000', 'verified now');
    is(sw($a->[4]), '63C5', 'counter back to 5 after the right PIN, PIN forgotten on reset');
    $a = apdus($SOCK, $READER, $SELECT, map { verify_apdu('99999' . $_) } 1 .. 5);
    is_deeply([ map { sw($_) } @$a[1 .. 5] ], [qw(63C4 63C3 63C2 63C1 63C0)], 'five wrong PINs');
    $a = apdus($SOCK, $READER, $SELECT, verify_apdu('246810'), apdu('802A0000', "\0" x 32, '00'));
    is(sw($a->[1]), '6983', 'locked: the right PIN gets 6983');
    is(sw($a->[2]), '6983', 'locked: SIGN gets 6983');
    restart_card();
    $a = apdus($SOCK, $READER, $SELECT, verify_apdu('246810'));
    is(sw($a->[1]), '6983', 'still locked after a restart');
    my $out = `$VCARD unblock --state $CARD 2>&1`;
    isnt($?, 0, 'vcard unblock refused while the card runs (it would overwrite the unblock)');
    like($out, qr/in use by a running vcard/, 'saying so');
    like(slurp("$CARD/state"), qr/^tries_left=0$/m, 'state file untouched');
    my $second = `$VCARD run --state $CARD --port $PORT 2>&1`;
    like($second, qr/in use by a running vcard/, 'a second vcard run on the same state: refused');
    ok(stop($vcard), 'card stopped');
    ok(reader_empty(), 'pcscd saw the card go');
    is(system("$VCARD unblock --state $CARD 2>/dev/null"), 0, 'vcard unblock on the stopped card');
    like(slurp("$CARD/state"), qr/^tries_left=5$/m, 'state file says 5');
    $vcard = spawn($VCARD, 'run', '--state', $CARD, '--port', $PORT);
    $a = apdus($SOCK, $READER, $SELECT, verify_apdu('246810'));
    is(sw($a->[1]), '9000', 'unblocked: the right PIN works');
};

subtest 'a pulled card' => sub {
    ok(stop($vcard), 'card pulled (vcard stopped)');
    ok(reader_empty(), 'reader empty');
    $vcard = spawn($VCARD, 'run', '--state', $CARD, '--port', $PORT);
    my $a = apdus($SOCK, $READER, $SELECT, '80CA000100');
    is(data($a->[1]), '1300000000099', 'inserted again, answers');
};

subtest 'pcscd restarted: the card reconnects by itself' => sub {
    ok(stop($pcscd), 'pcscd stopped');
    ok(kill(0, $vcard), 'vcard still running without vpcd');
    $pcscd = $RIG->start_pcscd;
    my $a = apdus($SOCK, $READER, $SELECT, '80CA000100');
    is(data($a->[1]), '1300000000099', 'the same vcard answers through the new pcscd');
};

stop($_) for $vcard, $pcscd;
done_testing;
