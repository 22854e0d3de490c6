package TsTest;
# TsTest — shared helpers for the HTTP tests (tests/http/*.t).
#
#   use FindBin; use lib "$FindBin::Bin/lib";
#   use TsTest;
#
#   my $c = login('ent-clerk');          # a logged-in client (demo account)
#   my $r = $c->get('/login/password');  # HTTP::Tiny response + {text}
#   $c->post('/login/logout', {});       # _csrf added from the last page
#   my @rows = db('SELECT id, login_name FROM app_user');   # [[...], ...]
#
# Environment (scripts/check.sh sets it): TS_BASE_URL, TS_VAR.  Without
# them every test file skips (skip_all) instead of failing.
#
# Exported by default:
#   base_url()                 TS_BASE_URL without a trailing slash
#   var_dir()                  TS_VAR
#   accounts()                 demo accounts: list of {role, login, password}
#   account($role)             one of them by role (or by login name)
#   client()                   a new TsTest::Client without a session
#   login($role_or_login [, $password])
#                              a client logged in through the login form;
#                              dies when the login is refused
#   db($sql)                   rows as array refs (NULL → undef), via the
#                              mariadb client on the stack's socket
#   db_value($sql)             first column of the first row (or undef)
#   db_do($sql)                a statement without rows
#   sql_str($s)                $s as a quoted SQL string literal ('NULL' for undef)
#   create_user($login, %opt)  a fresh user cloned from a demo account (so it
#                              has that account's password, tenant and roles);
#                              opt: like => 'clerk01', must_change => 0|1,
#                              status => 'normal'; returns its id
#   sha256_hex($s)             the session / captcha token hash
#   ts_mode()                  'dev' or 'test' (the stack's config)
#   master_pid($module)        the program's master pid ($TS_VAR/run/<m>.pid)
#   worker_pids($module)       its workers (children of the master), sorted
#   pid_alive($pid)            the process exists and is not a zombie
#   worker_lock($module)       an exclusive lock (flock in $TS_VAR/tmp) held
#                              until the returned handle goes out of scope:
#                              for tests that kill a program's workers on
#                              purpose or assert that none died (prove -j)
#
# HTML helpers, exported on request (use TsTest qw(:DEFAULT :html)), for
# this project's templates; values come back decoded:
#   input_value($html, $name)  value="" of the input named $name (or undef)
#   textarea_value($html, $name)  text of the textarea named $name (or undef)
#   selected_value($html, $name)  the selected option of the select $name
#   checked_values($html, $name)  values of the checked boxes / radios $name
#   field_error($html, $name)  the red message of the form field holding
#                              the control $name (or undef)
#   table_rows($html)          rows of table.list's tbody: array refs of cell
#                              text (tags removed, entities decoded)
#   page_message($html)        the .message of an error / refusal page
#
# Upload fixtures, exported on request (use TsTest qw(:DEFAULT :files)):
#   test_pdf($text [, $pad])   a valid one-page PDF showing $text (pad: about
#                              that many bytes of comment lines, for size tests)
#   test_jpeg()                a valid 16x16 JPEG
#
# TsTest::Client methods:
#   get($path [, \%headers])   GET, no redirects followed; returns the response
#   post($path, \%form | \@pairs [, \%opt])
#                              urlencoded POST; adds _csrf => $c->csrf unless
#                              the form has _csrf or opt no_csrf => 1;
#                              opt headers => {...}, raw => $body (sent as is)
#   post_multipart($path, \@parts [, \%opt])
#                              multipart/form-data POST (uploads); parts are
#                              [name => $value] or [name => {filename => $n,
#                              content => $bytes, type => $mime}]; filename
#                              and values are Perl strings (sent as UTF-8),
#                              content is bytes; _csrf added as for post
#   request($method, $path, \%opt)   any method (opt: headers, content)
#   follow($res)               GET the response's Location (one hop)
#   csrf / set_csrf($t)        the _csrf of the last page that had one
#   cookie($name) / set_cookie($name, $value) / delete_cookie($name)
#   cookies()                  hash ref name => value
#   last_response()            the last response
# A response is HTTP::Tiny's hash ref plus:
#   text          the body decoded from UTF-8 (text/* only; else raw bytes)
#   set_cookies   array ref of the Set-Cookie header lines
#   location      the Location header (or undef)
use strict;
use warnings;
use utf8;

use Carp qw(croak);
use Digest::SHA ();
use Fcntl ();
use Encode ();
use Exporter ();
our @ISA = ('Exporter');
use HTTP::Tiny;
use Test::More ();

our @EXPORT = qw(base_url var_dir accounts account client login db db_value db_do sql_str
  create_user sha256_hex ts_mode master_pid worker_pids pid_alive worker_lock);
# The HTML helpers on request: use TsTest qw(:DEFAULT :html);
our @EXPORT_OK = qw(input_value textarea_value selected_value checked_values field_error
  table_rows page_message test_pdf test_jpeg);
our %EXPORT_TAGS = (
    html  => [qw(input_value textarea_value selected_value checked_values field_error
                 table_rows page_message)],
    files => [qw(test_pdf test_jpeg)],
);

my $builder = Test::More->builder;
binmode $builder->$_, ':encoding(UTF-8)' for qw(output failure_output todo_output);

# Skip the whole file when there is no stack to talk to.
sub import {
    if (!$ENV{TS_BASE_URL} || !$ENV{TS_VAR}) {
        Test::More::plan(skip_all => 'TS_BASE_URL / TS_VAR not set (run through scripts/check.sh)');
    }
    __PACKAGE__->export_to_level(1, @_);
}

sub base_url { (my $u = $ENV{TS_BASE_URL} // '') =~ s{/+$}{}; $u }
sub var_dir  { $ENV{TS_VAR} }
sub sha256_hex { Digest::SHA::sha256_hex($_[0]) }

sub ts_mode {
    open my $fh, '<', var_dir() . '/etc/tuishui.hdf' or return 'dev';
    while (<$fh>) { return $1 if /^\s*mode\s*=\s*(\S+)/ }
    return 'dev';
}

# ---------------------------------------------------------------- processes

sub master_pid {
    my ($m) = @_;
    open my $fh, '<', var_dir() . "/run/$m.pid" or return undef;
    my $pid = <$fh>;
    return defined $pid && $pid =~ /^(\d+)/ ? $1 : undef;
}

sub _stat {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/stat" or return;
    my $s = <$fh> // return;
    $s =~ s/^.*\)\s+//s;    # after "pid (comm) "
    return split ' ', $s;     # state, ppid, ...
}

sub pid_alive {
    my ($pid) = @_;
    return 0 unless $pid;
    my ($state) = _stat($pid);
    return defined $state && $state ne 'Z' ? 1 : 0;
}

sub worker_lock {
    my ($m) = @_;
    my $f = var_dir() . "/tmp/http-test-workers-$m.lock";
    open my $fh, '>>', $f or croak "cannot open $f: $!";
    flock $fh, Fcntl::LOCK_EX() or croak "flock $f: $!";
    return $fh;
}

sub worker_pids {
    my ($m) = @_;
    my $master = master_pid($m) // return ();
    my @kids;
    for my $dir (glob '/proc/[0-9]*') {
        my ($pid) = $dir =~ m{(\d+)$};
        my ($state, $ppid) = _stat($pid);
        push @kids, $pid if defined $ppid && $ppid == $master && $state ne 'Z';
    }
    return sort { $a <=> $b } @kids;
}

# ---------------------------------------------------------------- accounts

my @ACCOUNTS;

sub accounts {
    return @ACCOUNTS if @ACCOUNTS;
    my $f = var_dir() . '/demo-accounts.txt';
    open my $fh, '<:encoding(UTF-8)', $f or croak "cannot read $f: $!";
    while (<$fh>) {
        chomp;
        my ($role, $login, $pw) = split ' ', $_, 3;
        push @ACCOUNTS, {role => $role, login => $login, password => $pw} if defined $pw;
    }
    return @ACCOUNTS;
}

sub account {
    my ($who) = @_;
    my ($a) = grep { $_->{role} eq $who } accounts();
    ($a) = grep { $_->{login} eq $who } accounts() unless $a;
    croak "no demo account '$who'" unless $a;
    return {%$a};
}

# ---------------------------------------------------------------- clients

sub client { TsTest::Client->new }

sub login {
    my ($who, $password) = @_;
    my ($name, $pw);
    if (defined $password) {
        ($name, $pw) = ($who, $password);
    } else {
        my $a = account($who);
        ($name, $pw) = ($a->{login}, $a->{password});
    }
    my $c = client();
    my $r = $c->get('/login/');
    croak "GET /login/ answered $r->{status}" unless $r->{status} == 200;
    $r = $c->post('/login/signin', {username => $name, password => $pw});
    croak "login as $name refused ($r->{status}): " . substr($r->{text} // '', 0, 300)
      unless $r->{status} == 303 && $c->cookie('ts_sid');
    # A page with the session's own CSRF token (the login form's is the
    # visitor's double-submit token, which no longer counts).
    my $p = $c->get('/login/password');
    croak "GET /login/password after login answered $p->{status}" unless $p->{status} == 200;
    $c->{login_location} = $r->{location};
    return $c;
}

# ---------------------------------------------------------------- database

sub _mariadb {
    my ($sql) = @_;
    my $sock = var_dir() . '/run/mysqld.sock';
    my @cmd = ('mariadb', '--no-defaults', "--socket=$sock", '--user=root',
        '--default-character-set=utf8mb4', '-N', '-B', 'tuishui', '-e', Encode::encode_utf8($sql));
    open my $fh, '-|', @cmd or croak "cannot run mariadb: $!";
    local $/;
    my $out = <$fh>;
    close $fh or croak "mariadb failed on: $sql";
    return Encode::decode_utf8($out // '');
}

sub db {
    my ($sql) = @_;
    my @rows;
    for my $line (split /\n/, _mariadb($sql)) {
        push @rows, [map { $_ eq 'NULL' ? undef : _unescape($_) } split /\t/, $line, -1];
    }
    return wantarray ? @rows : \@rows;
}

sub _unescape {
    my ($s) = @_;
    $s =~ s/\\(.)/$1 eq 'n' ? "\n" : $1 eq 't' ? "\t" : $1 eq '0' ? "\0" : $1/ge;
    return $s;
}

sub db_value {
    my @rows = db(@_);
    return @rows ? $rows[0][0] : undef;
}

sub db_do { _mariadb($_[0]); return 1 }

sub sql_str {
    my ($s) = @_;
    return 'NULL' unless defined $s;
    $s =~ s/\\/\\\\/g;
    $s =~ s/'/\\'/g;
    return "'$s'";
}

sub create_user {
    my ($login, %opt) = @_;
    my $like = $opt{like} // 'clerk01';
    my $must = $opt{must_change} ? 1 : 0;
    my $status = $opt{status} // 'normal';
    croak "login name too long: $login" if length $login > 32;
    db_do(sprintf(
        'INSERT INTO app_user (scope, ent_id, tax_bureau_code, customs_district_code, login_name,'
          . ' nickname, user_type, password_hash, must_change_password, is_ent_admin, status)'
          . " SELECT scope, ent_id, tax_bureau_code, customs_district_code, %s, '测试用户',"
          . ' user_type, password_hash, %d, 0, %s FROM app_user WHERE login_name = %s',
        sql_str($login), $must, sql_str($status), sql_str($like)));
    my $id = db_value('SELECT id FROM app_user WHERE login_name = ' . sql_str($login));
    croak "create_user $login failed" unless $id;
    db_do("INSERT INTO user_role (user_id, role_id) SELECT $id, ur.role_id FROM user_role ur"
          . ' JOIN app_user u ON u.id = ur.user_id WHERE u.login_name = ' . sql_str($like));
    return $id;
}

# ---------------------------------------------------------------- HTML

sub _decode_html {
    my ($s) = @_;
    return undef unless defined $s;
    $s =~ s/&lt;/</g;
    $s =~ s/&gt;/>/g;
    $s =~ s/&quot;/"/g;
    $s =~ s/&#0?39;/'/g;
    $s =~ s/&#(\d+);/chr $1/ge;
    $s =~ s/&amp;/&/g;
    return $s;
}

# The start tags (<input ...>, <option ...>) of the control named $name.
sub _tags_named {
    my ($html, $tag, $name) = @_;
    return grep {/\bname="\Q$name\E"/} $html =~ /(<$tag\b[^>]*>)/g;
}

sub input_value {
    my ($html, $name) = @_;
    my ($t) = _tags_named($html, 'input', $name);
    return undef unless $t;
    return $t =~ /\bvalue="([^"]*)"/ ? _decode_html($1) : '';
}

sub textarea_value {
    my ($html, $name) = @_;
    return $html =~ /<textarea\b[^>]*\bname="\Q$name\E"[^>]*>(.*?)<\/textarea>/s ? _decode_html($1) : undef;
}

sub selected_value {
    my ($html, $name) = @_;
    my ($select) = $html =~ /<select\b[^>]*\bname="\Q$name\E"[^>]*>(.*?)<\/select>/s or return undef;
    return $select =~ /<option value="([^"]*)"[^>]*\bselected\b/ ? _decode_html($1) : undef;
}

sub checked_values {
    my ($html, $name) = @_;
    my @v = map { /\bvalue="([^"]*)"/ ? _decode_html($1) : () } grep {/\bchecked\b/} _tags_named($html, 'input', $name);
    return wantarray ? @v : \@v;
}

sub field_error {
    my ($html, $name) = @_;
    for my $f (split /(?=<div class="field)/, $html) {
        next unless $f =~ /\bname="\Q$name\E"/;
        return $f =~ /<span class="error">(.*?)<\/span>/s ? _decode_html($1) : undef;
    }
    return undef;
}

sub table_rows {
    my ($html) = @_;
    my ($body) = $html =~ /<table class="list">.*?<tbody>(.*?)<\/tbody>/s or return;
    my @rows;
    for my $tr ($body =~ /<tr\b[^>]*>(.*?)<\/tr>/gs) {
        my @cells = map {
            (my $t = $_) =~ s/<[^>]*>//g;
            $t = _decode_html($t);
            $t =~ s/\s+/ /g;
            $t =~ s/^ | $//g;
            $t;
        } $tr =~ /<td\b[^>]*>(.*?)<\/td>/gs;
        push @rows, \@cells;
    }
    return wantarray ? @rows : \@rows;
}

sub page_message {
    my ($html) = @_;
    return $html =~ /<p class="message">(.*?)<\/p>/s ? _decode_html($1) : undef;
}

# ======================================================================
# ---- upload fixtures (:files)

# A valid one-page PDF showing $text; $pad adds about that many bytes of
# comment lines before the xref (size limits).
sub test_pdf {
    my ($text, $pad) = @_;
    my $content = "BT /F1 12 Tf 20 60 Td ($text) Tj ET\n";
    my @objs = (
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
        '<< /Length ' . length($content) . " >>\nstream\n$content" . 'endstream',
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    );
    my $out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
    if ($pad) {
        my $line = '%' . ('x' x 78) . "\n";
        $out .= $line x int($pad / length $line);
    }
    my @off;
    for my $i (1 .. @objs) {
        push @off, length $out;
        $out .= "$i 0 obj\n$objs[$i - 1]\nendobj\n";
    }
    my $xref = length $out;
    $out .= sprintf "xref\n0 %d\n0000000000 65535 f \n", @objs + 1;
    $out .= sprintf "%010d 00000 n \n", $_ for @off;
    $out .= sprintf "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", @objs + 1, $xref;
    return $out;
}

# A 16x16 JPEG (white, a red circle).
my $TEST_JPEG = pack 'H*', join '', qw(
  ffd8ffe000104a46494600010100000100010000ffdb0043000d090a0b0a080d0b0a0b0e0e0d0f13201513121213271c
  1e17202e2931302e292d2c333a4a3e333646372c2d405741464c4e525352323e5a615a50604a51524fffdb0043010e0e
  0e131113261515264f352d354f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f
  4f4f4f4f4f4f4f4f4f4f4f4f4f4fffc00011080010001003012200021101031101ffc4001f0000010501010101010100
  000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d010203000411051221
  31410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a
  434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a9293949596979899
  9aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1
  f2f3f4f5f6f7f8f9faffc4001f0100030101010101010101010000000000000102030405060708090a0bffc400b51100
  020102040403040705040400010277000102031104052131061241510761711322328108144291a1b1c109233352f015
  6272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a63646566676869
  6a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4
  c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9faffda000c03010002110311003f00f4
  4b89e569cdada1413050eef2292b1a9240e01049241e32318249e8096f3cab38b5bb28662a5d1e35216450403c124820
  91c64e72083d402e2095673756810cc5423a48c42c8a09239009041279c1ce4823a105bc12b4e2eaec2098294448d895
  8d4904f2402492073818c000752675b9bfbbcbe5f8dffaf95bccffd9);
sub test_jpeg { $TEST_JPEG }

package TsTest::Client;
use strict;
use warnings;
use Carp qw(croak);
use Encode ();

sub new {
    my ($class) = @_;
    return bless {
        http => HTTP::Tiny->new(
            max_redirect => 0,
            timeout      => 120,
            agent        => 'tuishui-http-tests',
            keep_alive   => 0,
        ),
        cookies => {},
        csrf    => undef,
        last    => undef,
    }, $class;
}

sub cookies       { $_[0]{cookies} }
sub cookie        { $_[0]{cookies}{ $_[1] } }
sub set_cookie    { $_[0]{cookies}{ $_[1] } = $_[2] }
sub delete_cookie { delete $_[0]{cookies}{ $_[1] } }
sub csrf          { $_[0]{csrf} }
sub set_csrf      { $_[0]{csrf} = $_[1] }
sub last_response { $_[0]{last} }

sub _url {
    my ($path) = @_;
    return $path if $path =~ m{^https?://};
    return TsTest::base_url() . $path;
}

sub request {
    my ($self, $method, $path, $opt) = @_;
    $opt ||= {};
    my %h = %{ $opt->{headers} || {} };
    if (%{ $self->{cookies} } && !exists $h{Cookie}) {
        $h{Cookie} = join '; ', map {"$_=$self->{cookies}{$_}"} sort keys %{ $self->{cookies} };
    }
    my %args = (headers => \%h);
    $args{content} = $opt->{content} if defined $opt->{content};
    my $r = $self->{http}->request($method, _url($path), \%args);
    $self->_took($r);
    return $r;
}

# Cookies, decoded text, the page's _csrf.
sub _took {
    my ($self, $r) = @_;
    my $sc = $r->{headers}{'set-cookie'};
    my @sc = !defined $sc ? () : ref $sc ? @$sc : ($sc);
    $r->{set_cookies} = \@sc;
    for my $line (@sc) {
        my ($pair, @attrs) = split /;\s*/, $line;
        my ($n, $v) = split /=/, $pair, 2;
        next unless defined $n && length $n;
        $v //= '';
        my $gone = $v eq '' || grep {/^max-age=0$/i} @attrs;
        if ($gone) { delete $self->{cookies}{$n} } else { $self->{cookies}{$n} = $v }
    }
    $r->{location} = $r->{headers}{location};
    my $ct = $r->{headers}{'content-type'} // '';
    if ($ct =~ m{^text/} && defined $r->{content}) {
        $r->{text} = Encode::decode('UTF-8', $r->{content}, Encode::FB_DEFAULT);
    } else {
        $r->{text} = $r->{content};
    }
    if ($ct =~ m{^text/html} && $r->{text} =~ /name="_csrf" value="([0-9a-f]{64})"/) {
        $self->{csrf} = $1;
    }
    $self->{last} = $r;
    return $r;
}

sub get {
    my ($self, $path, $headers) = @_;
    return $self->request('GET', $path, {headers => $headers || {}});
}

sub post {
    my ($self, $path, $form, $opt) = @_;
    $opt ||= {};
    my %h = ('Content-Type' => 'application/x-www-form-urlencoded', %{ $opt->{headers} || {} });
    my $body = $opt->{raw};
    if (!defined $body) {
        my @pairs = ref $form eq 'HASH' ? (map { ($_, $form->{$_}) } sort keys %$form) : @{ $form || [] };
        my %has = @pairs;
        if (!$opt->{no_csrf} && !exists $has{_csrf} && defined $self->{csrf}) {
            unshift @pairs, (_csrf => $self->{csrf});
        }
        my @enc;
        while (my ($k, $v) = splice @pairs, 0, 2) {
            push @enc, _enc($k) . '=' . _enc($v // '');
        }
        $body = join '&', @enc;
    }
    return $self->request('POST', $path, {headers => \%h, content => $body});
}

sub post_multipart {
    my ($self, $path, $parts, $opt) = @_;
    $opt ||= {};
    my @parts = @{ $parts || [] };
    my %has = map { ($_->[0] => 1) } @parts;
    if (!$opt->{no_csrf} && !$has{_csrf} && defined $self->{csrf}) {
        unshift @parts, [_csrf => $self->{csrf}];
    }
    my $boundary = '----tstest' . join('', map { int rand 10 } 1 .. 24);
    my $body = '';
    for my $p (@parts) {
        my ($name, $v) = @$p;
        my $u8 = sub { my $s = shift; utf8::is_utf8($s) ? Encode::encode_utf8($s) : $s };
        $body .= "--$boundary\r\n";
        if (ref $v eq 'HASH') {
            my $fn = $u8->($v->{filename} // '');
            $fn =~ s/(["\r\n])/sprintf '%%%02X', ord $1/ge;
            $body .= 'Content-Disposition: form-data; name="' . $u8->($name) . "\"; filename=\"$fn\"\r\n"
              . 'Content-Type: ' . ($v->{type} // 'application/octet-stream') . "\r\n\r\n"
              . ($v->{content} // '') . "\r\n";
        } else {
            $body .= 'Content-Disposition: form-data; name="' . $u8->($name) . "\"\r\n\r\n"
              . $u8->($v // '') . "\r\n";
        }
    }
    $body .= "--$boundary--\r\n";
    my %h = ('Content-Type' => "multipart/form-data; boundary=$boundary", %{ $opt->{headers} || {} });
    return $self->request('POST', $path, {headers => \%h, content => $body});
}

sub _enc {
    my ($s) = @_;
    $s = Encode::encode_utf8($s) if utf8::is_utf8($s);
    $s =~ s/([^A-Za-z0-9\-._~ ])/sprintf '%%%02X', ord $1/ge;
    $s =~ tr/ /+/;
    return $s;
}

sub follow {
    my ($self, $r) = @_;
    croak 'no Location to follow' unless $r->{location};
    return $self->get($r->{location});
}

1;
