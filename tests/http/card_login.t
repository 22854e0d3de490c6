#!/usr/bin/perl
# tests/http/card_login.t — 卡介质登录 (cgi-bin/login.c, lib/ts_card) against
# the stack's real pcscd, vpcd, virtual cards and signd (docs/card.md).
#
# The demo card (reader 00 00) is bound to the demo enterprise
# administrator by the stack (ts-admin bind-card).  The second card (reader
# 00 01) starts unbound; this file binds it to a fresh user for the wrong
# PIN / lockout cases and unbinds it at the end.  Every wrong PIN is
# followed by a right one, so no card is ever left with fewer tries.  The
# second card and signd are stopped and started again for "card removed"
# and "signd unreachable" (TsCard puts them back if the test dies).
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :html);
use TsCard;

my $ENV_CARD = card_env();
plan skip_all => 'the stack has no card reader or signd (needs root; docs/card.md)' unless $ENV_CARD;

my ($R1, $R2) = @$ENV_CARD{qw(TS_CARD_READER TS_CARD2_READER)};
my ($NO1, $NO2, $PIN) = @$ENV_CARD{qw(TS_CARD_NO TS_CARD2_NO TS_CARD_PIN)};
my $ADMIN = account('ent-admin-production')->{login};
my $ADMIN_ID = db_value('SELECT id FROM app_user WHERE login_name = ' . sql_str($ADMIN));
my $TAG = sprintf 'C%x%x', $$, time % 65536;
my $WRONG = $PIN eq '654321' ? '123457' : '654321';

# A visitor that loaded the card form: (client, page html).
sub card_page {
    my ($next) = @_;
    my $c = client();
    my $r = $c->get('/login/card' . (defined $next ? "?next=$next" : ''));
    is($r->{status}, 200, 'GET /login/card 200') or diag substr($r->{text} // '', 0, 500);
    return ($c, $r->{text});
}

# One 卡介质登录 attempt with a fresh form: (client, response).
sub card_login {
    my ($reader, $pin, %opt) = @_;
    my ($c, $html) = card_page($opt{next});
    my %form = (reader => $reader, pin => $pin, agree => 1, nonce => form_nonce($html));
    $form{next} = $opt{next} if defined $opt{next};
    delete $form{agree} if $opt{no_agree};
    my $r = $c->post('/login/card', \%form);
    return ($c, $r);
}

sub session_user {
    my ($c) = @_;
    my $sid = $c->cookie('ts_sid') or return undef;
    return db_value('SELECT user_id FROM session WHERE token_hash = ' . sql_str(sha256_hex($sid)));
}

sub refused_with {
    my ($r, $re, $what) = @_;
    is($r->{status}, 200, "$what: the card form again") or return;
    like(error_text($r->{text}), $re, "$what: message");
}

# ---------------------------------------------------------------- the form

subtest 'the login page offers 卡介质登录; the card form lists the readers' => sub {
    my $r = client()->get('/login/');
    like($r->{text}, qr{<a href="/login/card"[^>]*>卡介质登录</a>}, '卡介质登录 next to the password form');
    my ($c, $html) = card_page();
    like($html, qr{<label for="f-reader"><span class="req">\*</span>读卡器</label>}, '读卡器');
    like($html, qr{<option value="\Q$R1\E" selected>\Q$R1\E（已插卡）</option>}, 'sign.reader preselected, with its card');
    like($html, qr{<option value="\Q$R2\E">\Q$R2\E（已插卡）</option>}, 'the other reader listed');
    like($html, qr{<input type="password" id="f-pin" name="pin"}, '卡密码');
    like($html, qr{name="agree" value="1"[^>]*> 已阅读并同意}, '已阅读并同意');
    like(form_nonce($html) // '', qr/^[0-9a-f]{64}$/, 'a nonce');
    ok(db_value('SELECT COUNT(*) FROM card_challenge WHERE nonce = ' . sql_str(form_nonce($html))
          . " AND purpose = 'login' AND expires_at > NOW()"), 'stored server-side with an expiry');
    ok($c->csrf, 'a CSRF token');
};

subtest 'reloading the form keeps one nonce per browser' => sub {
    my ($c, $html1) = card_page();
    my $html2 = $c->get('/login/card')->{text};
    my ($n1, $n2) = (form_nonce($html1), form_nonce($html2));
    isnt($n1, $n2, 'a fresh nonce on the second GET');
    my $holder = db_value("SELECT holder_hash FROM card_challenge WHERE nonce = " . sql_str($n2));
    ok($holder, 'the second one stored');
    is(db_value("SELECT COUNT(*) FROM card_challenge WHERE purpose = 'login' AND holder_hash = "
          . sql_str($holder // '')), 1, 'one row for that browser');
    is(db_value("SELECT COUNT(*) FROM card_challenge WHERE nonce = " . sql_str($n1)), 0,
        'the first nonce is gone');
};

# ---------------------------------------------------------------- right PIN

subtest 'right PIN: logged in as the user the card is bound to' => sub {
    db_do("UPDATE app_user SET failed_logins = 2 WHERE id = $ADMIN_ID");
    my $audit0 = db_value('SELECT IFNULL(MAX(id), 0) FROM audit_log');
    my ($c, $r) = card_login($R1, $PIN, next => '/users/');
    is($r->{status}, 303, 'redirected') or diag error_text($r->{text});
    is($r->{location}, '/users/', 'to next');
    is(session_user($c), $ADMIN_ID, 'a session of the demo administrator');
    is(db_value("SELECT failed_logins FROM app_user WHERE id = $ADMIN_ID"), 0, 'failure count reset');
    my ($row) = db("SELECT user_id, detail FROM audit_log WHERE id > $audit0 AND action = 'login.card'");
    ok($row, 'audit row login.card');
    is($row->[0], $ADMIN_ID, 'naming the user') if $row;
    like($row->[1], qr/card_no=$NO1/, 'and the card') if $row;
    is($c->get('/users/')->{status}, 200, 'the session works');
};

subtest 'the nonce is single-use and tied to the browser' => sub {
    my ($c, $html) = card_page();
    my $nonce = form_nonce($html);
    my $r = $c->post('/login/card', {reader => $R1, pin => $PIN, agree => 1, nonce => $nonce});
    is($r->{status}, 303, 'first use logs in');
    my $again = client();
    $again->get('/login/card');
    $r = $again->post('/login/card', {reader => $R1, pin => $PIN, agree => 1, nonce => $nonce});
    refused_with($r, qr/页面已过期/, 'the same nonce again');
    ok(!$again->cookie('ts_sid'), 'no session');

    my ($c1, $html1) = card_page();
    my ($c2) = card_page();
    $r = $c2->post('/login/card', {reader => $R1, pin => $PIN, agree => 1, nonce => form_nonce($html1)});
    refused_with($r, qr/页面已过期/, "another browser's nonce");

    my ($c3, $html3) = card_page();
    db_do("UPDATE card_challenge SET expires_at = NOW() - INTERVAL 1 SECOND WHERE nonce = " . sql_str(form_nonce($html3)));
    $r = $c3->post('/login/card', {reader => $R1, pin => $PIN, agree => 1, nonce => form_nonce($html3)});
    refused_with($r, qr/页面已过期/, 'an expired nonce');
};

subtest 'CSRF, 已阅读并同意, the PIN form' => sub {
    my ($c, $html) = card_page();
    my $r = $c->post('/login/card', {reader => $R1, pin => $PIN, agree => 1, nonce => form_nonce($html)},
        {no_csrf => 1});
    is($r->{status}, 403, 'no _csrf: 403');
    ($c, $r) = card_login($R1, $PIN, no_agree => 1);
    is($r->{status}, 200, 'not agreed: the form again');
    like(field_error($r->{text}, 'agree') // '', qr/已阅读并同意/, 'said next to the box');
    ($c, $r) = card_login($R1, '12ab');
    like(field_error($r->{text}, 'pin') // '', qr/卡密码应为6至8位数字/, 'a PIN that is not 6-8 digits');
    ok(!$c->cookie('ts_sid'), 'no session');
};

# ---------------------------------------------------------------- refusals

subtest 'a card bound to nobody' => sub {
    is(db_value('SELECT COUNT(*) FROM app_user WHERE card_no = ' . sql_str($NO2)), 0, 'card 2 is unbound');
    my ($c, $r) = card_login($R2, $PIN);
    refused_with($r, qr/该IC卡（卡号 $NO2）未绑定用户/, 'unbound card');
    ok(!$c->cookie('ts_sid'), 'no session');
};

subtest 'reader gone' => sub {
    my ($c, $r) = card_login('tuishui no such reader', $PIN);
    refused_with($r, qr/未检测到读卡器/, 'a reader that is not there');
};

my $LOGIN = "${TAG}u";
my $UID = create_user($LOGIN);
bind_with_tool($LOGIN, $R2);
END { unbind_in_db($UID) if $UID }

subtest 'wrong PIN: tries left, counted; the right one then logs in' => sub {
    my ($c, $r) = card_login($R2, $WRONG);
    refused_with($r, qr/IC卡密码错误，还可尝试4次/, 'wrong PIN');
    ok(!$c->cookie('ts_sid'), 'no session');
    is(db_value("SELECT failed_logins FROM app_user WHERE id = $UID"), 1, 'counted on the account');
    ($c, $r) = card_login($R2, $PIN);
    is($r->{status}, 303, 'right PIN logs in') or diag error_text($r->{text});
    is(session_user($c), $UID, 'as the bound user');
    is(db_value("SELECT failed_logins FROM app_user WHERE id = $UID"), 0, 'count reset');
};

subtest 'lockout: the fifth failure locks the account; a locked account costs no PIN try' => sub {
    db_do("UPDATE app_user SET failed_logins = 4 WHERE id = $UID");
    my $audit0 = db_value('SELECT IFNULL(MAX(id), 0) FROM audit_log');
    my ($c, $r) = card_login($R2, $WRONG);
    refused_with($r, qr/IC卡密码错误，还可尝试4次/, 'the fifth failure');
    ok(db_value("SELECT locked_until > NOW() FROM app_user WHERE id = $UID"), 'account locked');
    ok(db_value("SELECT COUNT(*) FROM audit_log WHERE id > $audit0 AND action = 'login.locked' AND object_id = '$UID'"),
        'audit row login.locked');
    ($c, $r) = card_login($R2, $WRONG);
    refused_with($r, qr/账号已锁定/, 'locked: refused before the card is asked');
    db_do("UPDATE app_user SET locked_until = NULL, failed_logins = 0 WHERE id = $UID");
    ($c, $r) = card_login($R2, $WRONG);
    refused_with($r, qr/还可尝试3次/, 'the locked attempt spent no try of the card');
    ($c, $r) = card_login($R2, $PIN);
    is($r->{status}, 303, 'right PIN resets the card') or diag error_text($r->{text});
};

subtest 'the card must hold the certificate bound to the user, byte for byte' => sub {
    my $bound = db_value("SELECT HEX(card_cert) FROM app_user WHERE id = $UID");
    is($bound, card_cert_hex($R2), 'the bound certificate is the card\'s');
    db_do("UPDATE app_user SET card_cert = UNHEX('" . card_cert_hex($R1) . "') WHERE id = $UID");
    my ($c, $r) = card_login($R2, $PIN);
    refused_with($r, qr/证书与绑定时的证书不一致/, 'another certificate bound');
    is(db_value("SELECT failed_logins FROM app_user WHERE id = $UID"), 1, 'counted');
    db_do("UPDATE app_user SET card_cert = UNHEX('$bound'), failed_logins = 0 WHERE id = $UID");
};

subtest 'a forged card: the bound number and certificate, but another key' => sub {
    # A virtual card of our own with card 2's number and card 2's
    # certificate copied onto it; its key is its own, so it cannot make a
    # signature that verifies against the bound certificate.
    my $dir = var_dir() . "/tmp/forged-$$";
    forge_card($dir, $NO2, var_dir() . '/card/second');
    swap_card('second', $dir);
    is(card_cert_hex($R2), db_value("SELECT HEX(card_cert) FROM app_user WHERE id = $UID"),
        'the forged card shows the bound certificate');
    my ($c, $r) = card_login($R2, $PIN);
    refused_with($r, qr/IC卡签名验证失败/, 'refused: the signature does not verify');
    ok(!$c->cookie('ts_sid'), 'no session');
    is(db_value("SELECT failed_logins FROM app_user WHERE id = $UID"), 1, 'counted');
    restore_card('second');
    system('rm', '-rf', $dir);
    db_do("UPDATE app_user SET failed_logins = 0 WHERE id = $UID");
    ($c, $r) = card_login($R2, $PIN);
    is($r->{status}, 303, 'the real card logs in again') or diag error_text($r->{text});
};

subtest 'a disabled user is refused after the proof' => sub {
    db_do("UPDATE app_user SET status = 'disabled' WHERE id = $UID");
    my ($c, $r) = card_login($R2, $PIN);
    refused_with($r, qr/该用户已停用/, 'disabled');
    db_do("UPDATE app_user SET status = 'normal' WHERE id = $UID");
};

my $CARD2_LOCKED = 0;
END { eval { unblock_card('second') } if $CARD2_LOCKED }
subtest 'a locked card' => sub {
    # Lock card 2 through IC卡检测 (its wrong PINs count only on the card).
    my $u = login($LOGIN, account('ent-clerk')->{password});
    my $text = '';
    $CARD2_LOCKED = 1;
    for (1 .. 5) {
        my $page = $u->get('/workbench/card');
        my $r = $u->post('/workbench/card', {reader => $R2, pin => $WRONG, nonce => form_nonce($page->{text})});
        $text = error_text($r->{text});
    }
    like($text, qr/IC卡密码已锁定/, 'five wrong PINs lock the card');
    my ($c, $r) = card_login($R2, $PIN);
    refused_with($r, qr/IC卡密码已锁定，请到发卡机构解锁/, 'card login with a locked card');
    is(db_value("SELECT failed_logins FROM app_user WHERE id = $UID"), 0, 'not counted on the account');
    unblock_card('second');
    $CARD2_LOCKED = 0;
    ok(wait_card($R2, 1), 'unblocked card back');
    ($c, $r) = card_login($R2, $PIN);
    is($r->{status}, 303, 'and it logs in again') or diag error_text($r->{text});
};

subtest 'card removed' => sub {
    stop_vcard('second');
    ok(wait_card($R2, 0), 'the reader shows no card');
    my ($c, $r) = card_login($R2, $PIN);
    refused_with($r, qr/未检测到IC卡，请插入电子口岸IC卡/, 'no card');
    ok(!$c->cookie('ts_sid'), 'no session');
    is(db_value("SELECT failed_logins FROM app_user WHERE id = $UID"), 0, 'not counted');
    start_vcard('second');
    ok(wait_card($R2, 1), 'card back');
    ($c, $r) = card_login($R2, $PIN);
    is($r->{status}, 303, 'and the login works again') or diag error_text($r->{text});
};

subtest 'signd unreachable' => sub {
    stop_signd();
    my ($c, $html) = card_page();
    like(error_text($html), qr/签名服务未运行或无法连接/, 'the form says so');
    my $r = $c->post('/login/card', {reader => $R1, pin => $PIN, agree => 1, nonce => form_nonce($html)});
    refused_with($r, qr/签名服务未运行或无法连接/, 'a login attempt says so');
    is(client()->get('/login/')->{status}, 200, 'the password login still answers');
    ok(start_signd(), 'signd back');
    ($c, $r) = card_login($R1, $PIN);
    is($r->{status}, 303, 'card login works again') or diag error_text($r->{text});
};

done_testing;
