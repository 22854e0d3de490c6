#!/usr/bin/perl
# tests/http/login.t — 登录, lockout, disabled users, session expiry and
# fixation, cookie flags, 退出, 修改密码, forced password change.
#
# Runs against a stack started with TS_MODE=test (captcha off): TS_BASE_URL,
# TS_VAR (scripts/check.sh).  The demo accounts are only logged in with;
# everything that changes an account (lockout, disable, password) uses fresh
# users cloned from clerk01 (create_user), so other test files are not
# disturbed.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest;

my $TAG = sprintf 'L%x%x', $$, time % 65536;    # unique login names per run
my $MSG_BAD = '用户名或密码错误';
my $MSG_LOCKED = '账号已锁定';
my $MSG_DISABLED = '该用户已停用';
my $HAS_WORKBENCH = -e var_dir() . '/etc/nginx.d/workbench.conf';

# A fresh client that has loaded the login form (visitor CSRF token).
sub visitor {
    my $c = client();
    my $r = $c->get('/login/');
    is($r->{status}, 200, 'login form answers 200') or diag $r->{content};
    return $c;
}

# Try to log in with a new client; returns (client, response).
sub try_login {
    my ($name, $pw) = @_;
    my $c = visitor();
    my $r = $c->post('/login/signin', {username => $name, password => $pw});
    return ($c, $r);
}

# Is the client logged in?  /login/password needs a session.
sub logged_in {
    my ($c) = @_;
    my $r = $c->get('/login/password');
    return $r->{status} == 200 && $r->{text} =~ /修改密码/;
}

# A GET that needs a session, sent with a given ts_sid cookie only.
sub with_token {
    my ($token) = @_;
    my $c = client();
    $c->set_cookie(ts_sid => $token);
    return $c->get('/login/password');
}

sub refused_at_login_form {
    my ($r, $what) = @_;
    is($r->{status}, 303, "$what: redirected") or return;
    like($r->{location} // '', qr{^/login/}, "$what: to the login page");
}

sub session_row_count {
    my ($token) = @_;
    return db_value('SELECT COUNT(*) FROM session WHERE token_hash = ' . sql_str(sha256_hex($token)));
}

# ---------------------------------------------------------------- the form

subtest 'login page is Chinese with 用户名 / 密码' => sub {
    my $c = client();
    my $r = $c->get('/login/');
    is($r->{status}, 200, 'GET /login/ 200');
    like($r->{headers}{'content-type'}, qr{^text/html; charset=utf-8}i, 'html, utf-8');
    like($r->{text}, qr/<html lang="zh-CN">/, 'lang zh-CN');
    like($r->{text}, qr{<label for="f-username">.*用户名</label>}, '用户名 label');
    like($r->{text}, qr{<label for="f-password">.*密码</label>}, '密码 label');
    like($r->{text}, qr{<input type="text" id="f-username" name="username"}, 'username input');
    like($r->{text}, qr{<input type="password" id="f-password" name="password"}, 'password input');
    like($r->{text}, qr{<form method="post" action="/login/signin"}, 'posts to /login/signin');
    like($r->{text}, qr{<a href="/login/forgot">忘记密码</a>}, '忘记密码 link');
    ok($c->csrf, 'form carries a _csrf token');
    is($c->csrf, $c->cookie('ts_csrf'), 'visitor token = double-submit cookie ts_csrf');
    ok(!$c->cookie('ts_sid'), 'no session cookie for a visitor');
    if (ts_mode() eq 'test') {
        unlike($r->{text}, qr/name="captcha"/, 'test mode: no captcha field');
    }
};

# ---------------------------------------------------------------- demo accounts

for my $a (accounts()) {
    subtest "login as $a->{role} ($a->{login})" => sub {
        my ($c, $r) = try_login($a->{login}, $a->{password});
        is($r->{status}, 303, 'signin answers 303') or diag $r->{text};
        is($r->{location}, '/workbench/', 'Location /workbench/');
        like($c->cookie('ts_sid') // '', qr/^[0-9a-f]{64}$/, 'ts_sid set (64 hex)');
        is(session_row_count($c->cookie('ts_sid')), 1, 'session row stored under the token hash');
        ok(logged_in($c), 'a page that needs a session answers 200');
        my $home = $c->get('/login/');
        is($home->{status}, 303, 'login form redirects a logged-in user');
        is($home->{location}, '/workbench/', '... to /workbench/');
        if ($HAS_WORKBENCH) {
            my $w = $c->get('/workbench/');
            is($w->{status}, 200, 'lands on the workbench');
        }
        my $last = db_value('SELECT last_login_at IS NOT NULL FROM app_user WHERE login_name = '
              . sql_str($a->{login}));
        is($last, 1, 'last_login_at recorded');
    };
}

subtest 'next= after login (local paths only)' => sub {
    my $a = account('ent-clerk');
    my $c = visitor();
    my $r = $c->post('/login/signin',
        {username => $a->{login}, password => $a->{password}, next => '/login/forgot'});
    is($r->{location}, '/workbench/', 'next=/login/... goes to the workbench');
    $c = visitor();
    $r = $c->post('/login/signin',
        {username => $a->{login}, password => $a->{password}, next => '//evil.example/'});
    is($r->{status}, 303, 'signin 303');
    is($r->{location}, '/', 'next=//host is not followed (no open redirect)');
};

# ---------------------------------------------------------------- enterprise codes

subtest 'enterprise admins log in by 海关代码 / 纳税人识别号 / 统一社会信用代码' => sub {
    for my $role (qw(ent-admin-production ent-admin-trading)) {
        my $a = account($role);
        my ($ent) = db('SELECT e.customs_code, e.taxpayer_id, e.uscc, u.id FROM app_user u'
              . ' JOIN enterprise e ON e.id = u.ent_id WHERE u.login_name = ' . sql_str($a->{login}));
        ok($ent, "$role: enterprise found") or next;
        my ($customs, $taxpayer, $uscc, $uid) = @$ent;
        is($a->{login}, $customs, "$role: login name is the 海关代码");
        for my $id (['海关代码', $customs], ['纳税人识别号', $taxpayer], ['统一社会信用代码', $uscc]) {
            my ($c, $r) = try_login($id->[1], $a->{password});
            is($r->{status}, 303, "$role by $id->[0] $id->[1]: 303") or diag $r->{text};
            my $sid = $c->cookie('ts_sid');
            ok($sid, "$role by $id->[0]: session cookie");
            is(db_value('SELECT user_id FROM session WHERE token_hash = ' . sql_str(sha256_hex($sid // ''))),
                $uid, "$role by $id->[0]: the session is the admin's");
        }
        my ($c, $r) = try_login($taxpayer, 'Wrong-pass-1');
        is($r->{status}, 200, "$role by 纳税人识别号 with a wrong password: form again");
        like($r->{text}, qr/$MSG_BAD/, "... $MSG_BAD");
    }
    # The codes only name the enterprise's administrator, not its other users.
    my ($customs) = db('SELECT e.customs_code FROM app_user u JOIN enterprise e ON e.id = u.ent_id'
          . " WHERE u.login_name = 'clerk01'");
    my ($c, $r) = try_login($customs->[0], account('ent-clerk')->{password});
    isnt($c->cookie('ts_sid'), undef, 'clerk01 shares the password, so the code logs in ...');
    my $sid = $c->cookie('ts_sid') // '';
    isnt(db_value('SELECT u.login_name FROM session s JOIN app_user u ON u.id = s.user_id WHERE'
          . ' s.token_hash = ' . sql_str(sha256_hex($sid))), 'clerk01', '... as the admin, not clerk01');
};

# ---------------------------------------------------------------- wrong password

subtest 'wrong password: 用户名或密码错误, no session' => sub {
    my $name = "${TAG}w";
    my $id = create_user($name);
    my ($c, $r) = try_login($name, 'Not-the-password-1');
    is($r->{status}, 200, 'form shown again (200)');
    like($r->{text}, qr/<div class="form-errors" role="alert">$MSG_BAD/, "message $MSG_BAD");
    ok(!(grep {/^ts_sid=[0-9a-f]/} @{ $r->{set_cookies} }), 'no ts_sid cookie set');
    ok(!$c->cookie('ts_sid'), 'client has no session');
    like($r->{text}, qr/name="username" value="\Q$name\E"/, 'login name kept in the form');
    unlike($r->{text}, qr/Not-the-password-1/, 'password not echoed');
    is(db_value("SELECT failed_logins FROM app_user WHERE id = $id"), 1, 'failure counted (committed)');
    is(db_value("SELECT COUNT(*) FROM session WHERE user_id = $id"), 0, 'no session row');

    ($c, $r) = try_login("${TAG}nobody", 'Whatever-1');
    is($r->{status}, 200, 'unknown user: form again');
    like($r->{text}, qr/$MSG_BAD/, 'unknown user: the same message (no user enumeration)');

    ($c, $r) = try_login($name, '');
    is($r->{status}, 200, 'empty password: form again');
    like($r->{text}, qr/has-error/, 'empty password: field error');
    ok(!$c->cookie('ts_sid'), 'empty password: no session');

    ($c, $r) = try_login($name, account('ent-clerk')->{password});
    is($r->{status}, 303, 'right password logs in');
    is(db_value("SELECT failed_logins FROM app_user WHERE id = $id"), 0, 'success resets the count');
};

# ---------------------------------------------------------------- lockout

subtest 'lockout after 5 wrong passwords' => sub {
    my $name = "${TAG}k";
    my $id = create_user($name);
    my $pw = account('ent-clerk')->{password};
    for my $i (1 .. 5) {
        my ($c, $r) = try_login($name, "Wrong-pass-$i");
        is($r->{status}, 200, "wrong password $i: form again");
        like($r->{text}, qr/$MSG_BAD/, "wrong password $i: $MSG_BAD");
        ok(!$c->cookie('ts_sid'), "wrong password $i: no session");
        next if $i == 5;
        is(db_value("SELECT failed_logins FROM app_user WHERE id = $id"), $i, "wrong password $i: counted");
        is(db_value("SELECT COUNT(*) FROM audit_log WHERE action = 'login.locked' AND object_id = '$id'"),
            0, "wrong password $i: no lockout row yet");
    }
    is(db_value("SELECT locked_until > NOW() FROM app_user WHERE id = $id"), 1, 'locked_until in the future');
    is(db_value("SELECT failed_logins FROM app_user WHERE id = $id"), 0, 'the count starts again');
    my @audit = db("SELECT user_id, ent_id, object, detail FROM audit_log WHERE action = 'login.locked'"
          . " AND object_id = '$id'");
    is(scalar @audit, 1, 'the lockout is audited (login.locked), once');
    is($audit[0][0], undef, '... by nobody (no one is logged in)') if @audit;
    is($audit[0][1], db_value("SELECT ent_id FROM app_user WHERE id = $id"), '... in the account\'s enterprise')
      if @audit;
    like($audit[0][3] // '', qr/failures=5 locked_minutes=15 remote_addr=\S/, '... saying why and from where')
      if @audit;
    my $minutes = db_value("SELECT TIMESTAMPDIFF(MINUTE, NOW(), locked_until) FROM app_user WHERE id = $id");
    ok($minutes >= 14 && $minutes <= 15, "locked for 15 minutes ($minutes)");

    my ($c, $r) = try_login($name, $pw);
    is($r->{status}, 200, '6th attempt with the right password: refused');
    like($r->{text}, qr/$MSG_LOCKED/, "... with the lockout message ($MSG_LOCKED)");
    ok(!$c->cookie('ts_sid'), '... and no session');
    is(db_value("SELECT COUNT(*) FROM session WHERE user_id = $id"), 0, 'no session row');

    db_do("UPDATE app_user SET locked_until = NOW() - INTERVAL 1 MINUTE WHERE id = $id");
    ($c, $r) = try_login($name, $pw);
    is($r->{status}, 303, 'lock expired: login works again');
    ok(logged_in($c), '... and the session works');
    is(db_value("SELECT locked_until IS NULL AND failed_logins = 0 FROM app_user WHERE id = $id"), 1,
        'lock and counter cleared');
};

# ---------------------------------------------------------------- disabled

subtest 'disabled user: 该用户已停用' => sub {
    my $name = "${TAG}d";
    my $id = create_user($name);
    my $pw = account('ent-clerk')->{password};
    my ($old) = try_login($name, $pw);
    ok(logged_in($old), 'logged in before being disabled');
    db_do("UPDATE app_user SET status = 'disabled' WHERE id = $id");
    my ($c, $r) = try_login($name, $pw);
    is($r->{status}, 200, 'right password: refused');
    like($r->{text}, qr/$MSG_DISABLED/, "message $MSG_DISABLED");
    ok(!$c->cookie('ts_sid'), 'no session');
    ($c, $r) = try_login($name, 'Wrong-pass-1');
    unlike($r->{text}, qr/$MSG_DISABLED/, 'wrong password does not reveal the status');
    like($r->{text}, qr/$MSG_BAD/, "... it says $MSG_BAD");
    my $g = $old->get('/login/password');
    refused_at_login_form($g, 'existing session of the disabled user');
    db_do("UPDATE app_user SET status = 'normal' WHERE id = $id");
    ($c, $r) = try_login($name, $pw);
    is($r->{status}, 303, 're-enabled: login works');
};

# ---------------------------------------------------------------- expiry

subtest 'session idle expiry (30 min)' => sub {
    my $c = login('ent-clerk');
    my $sid = $c->cookie('ts_sid');
    my $h = sql_str(sha256_hex($sid));
    db_do("UPDATE session SET last_seen = NOW() - INTERVAL 29 MINUTE WHERE token_hash = $h");
    ok(logged_in($c), 'idle 29 minutes: still logged in');
    is(db_value("SELECT last_seen > NOW() - INTERVAL 1 MINUTE FROM session WHERE token_hash = $h"), 1,
        'the request refreshed last_seen');
    db_do("UPDATE session SET last_seen = NOW() - INTERVAL 31 MINUTE WHERE token_hash = $h");
    my $r = $c->get('/login/password');
    is($r->{status}, 303, 'idle 31 minutes: redirected');
    is($r->{location}, '/login/?next=/login/password', '... to /login/?next=');
    ok((grep {/^ts_sid=;.*Max-Age=0/} @{ $r->{set_cookies} }), 'expired cookie deleted');
    is(db_value("SELECT COUNT(*) FROM session WHERE token_hash = $h"), 0, 'expired session row deleted');
    refused_at_login_form(with_token($sid), 'the expired token again');
};

subtest 'session absolute expiry (12 h)' => sub {
    my $c = login('ent-clerk');
    my $sid = $c->cookie('ts_sid');
    my $h = sql_str(sha256_hex($sid));
    db_do("UPDATE session SET created_at = NOW() - INTERVAL 11 HOUR - INTERVAL 58 MINUTE"
          . " WHERE token_hash = $h");
    ok(logged_in($c), '11 h 58 min old but active: still logged in');
    db_do("UPDATE session SET created_at = NOW() - INTERVAL 13 HOUR, last_seen = NOW()"
          . " WHERE token_hash = $h");
    my $r = $c->get('/login/password');
    is($r->{status}, 303, '13 h old, active a moment ago: redirected');
    like($r->{location} // '', qr{^/login/}, '... to the login page');
    is(db_value("SELECT COUNT(*) FROM session WHERE token_hash = $h"), 0, 'session row deleted');
};

# ---------------------------------------------------------------- fixation

subtest 'session id changes at login' => sub {
    my $a = account('ent-clerk');
    # A token planted before login (session fixation) is not adopted.
    my $planted = 'ab' x 32;
    my $c = visitor();
    $c->set_cookie(ts_sid => $planted);
    my $r = $c->post('/login/signin', {username => $a->{login}, password => $a->{password}});
    is($r->{status}, 303, 'login with a planted ts_sid: 303');
    my $first = $c->cookie('ts_sid');
    isnt($first, $planted, 'the planted token is replaced');
    is(session_row_count($planted), 0, 'no session under the planted token');

    # Logging in again over a live session: new token, the old one ends.
    ok(logged_in($c), 'logged in (page with the session CSRF token loaded)');
    $r = $c->post('/login/signin', {username => $a->{login}, password => $a->{password}});
    is($r->{status}, 303, 'second login: 303');
    my $second = $c->cookie('ts_sid');
    ok($second && $first ne $second, 'cookie before and after login differ');
    is(session_row_count($first), 0, 'old session row gone');
    refused_at_login_form(with_token($first), 'the old token');
    is(with_token($second)->{status}, 200, 'the new token works');
};

# ---------------------------------------------------------------- cookie flags

subtest 'cookie flags' => sub {
    my $a = account('ent-clerk');
    my ($c, $r) = try_login($a->{login}, $a->{password});
    my ($line) = grep {/^ts_sid=/} @{ $r->{set_cookies} };
    ok($line, 'Set-Cookie ts_sid') or return;
    like($line, qr/;\s*HttpOnly(;|$)/i, 'HttpOnly');
    like($line, qr/;\s*SameSite=Strict(;|$)/i, 'SameSite=Strict');
    like($line, qr/;\s*Path=\/(;|$)/, 'Path=/');
    unlike($line, qr/Max-Age|Expires/i, 'a browser-session cookie (no Max-Age/Expires)');
    my ($csrf) = grep {/^ts_csrf=/} @{ visitor()->last_response->{set_cookies} };
    like($csrf // '', qr/HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/i, 'ts_csrf: HttpOnly, SameSite=Strict');
};

# ---------------------------------------------------------------- logout

subtest '退出 (POST /login/logout)' => sub {
    my $name = "${TAG}o";
    my $id = create_user($name);
    my $c = login($name, account('ent-clerk')->{password});
    my $sid = $c->cookie('ts_sid');
    is(db_value("SELECT COUNT(*) FROM audit_log WHERE user_id = $id AND action = 'login.signin'"), 1,
        '登录 audited');
    my $r = $c->post('/login/logout', {});
    is($r->{status}, 303, 'logout 303');
    is($r->{location}, '/login/', 'to the login page');
    ok((grep {/^ts_sid=;.*Max-Age=0/} @{ $r->{set_cookies} }), 'cookie deleted');
    is(session_row_count($sid), 0, 'session row deleted');
    refused_at_login_form(with_token($sid), 'the token after logout');
    is(db_value("SELECT COUNT(*) FROM audit_log WHERE user_id = $id AND action = 'login.logout'"), 1,
        '退出 audited');
    my $again = $c->get('/login/');
    is($again->{status}, 200, 'the login form is shown again');
};

# ---------------------------------------------------------------- 修改密码

subtest '修改密码' => sub {
    my $name = "${TAG}p";
    my $id = create_user($name);
    my $old = account('ent-clerk')->{password};
    my $new = 'Neu-Kennwort-2026';
    my $c = login($name, $old);
    my $page = $c->last_response;
    like($page->{text}, qr/<h1>修改密码<\/h1>/, 'the page');
    for my $f (qw(old_password new_password confirm_password)) {
        like($page->{text}, qr/<input type="password" id="f-$f" name="$f" value=""/, "field $f");
    }
    my $hash0 = db_value("SELECT password_hash FROM app_user WHERE id = $id");

    my $r = $c->post('/login/password',
        {old_password => 'Wrong-old-1', new_password => $new, confirm_password => $new});
    is($r->{status}, 200, 'wrong old password: form again');
    like($r->{text}, qr{<div class="field has-error">\s*<label for="f-old_password">.*?</label>\s*<input[^>]*>\s*<span class="error">原密码不正确</span>}s,
        'error 原密码不正确 next to 原密码');
    unlike($r->{text}, qr/Wrong-old-1|\Q$new\E/, 'passwords not echoed');

    $r = $c->post('/login/password',
        {old_password => $old, new_password => 'abcdefgh', confirm_password => 'abcdefgh'});
    is($r->{status}, 200, 'weak new password (one class): refused');
    like($r->{text}, qr{<label for="f-new_password">.*?<span class="error">密码需包含大写字母、小写字母、数字和其他符号中的至少三类</span>}s,
        'policy message next to 新密码');
    $r = $c->post('/login/password',
        {old_password => $old, new_password => 'Ab1!', confirm_password => 'Ab1!'});
    like($r->{text}, qr{<label for="f-new_password">.*?<span class="error">密码至少8个字符</span>}s,
        'too short: 密码至少8个字符');
    $r = $c->post('/login/password',
        {old_password => $old, new_password => $new, confirm_password => "${new}x"});
    like($r->{text}, qr{<label for="f-confirm_password">.*?<span class="error">两次输入的新密码不一致</span>}s,
        'confirmation differs: message next to 确认新密码');
    is(db_value("SELECT password_hash FROM app_user WHERE id = $id"), $hash0, 'refusals changed nothing');

    $r = $c->post('/login/password', {old_password => $old, new_password => $new, confirm_password => $new});
    is($r->{status}, 303, 'good new password: 303') or diag $r->{text};
    is($r->{location}, '/workbench/', 'to the workbench');
    isnt(db_value("SELECT password_hash FROM app_user WHERE id = $id"), $hash0, 'hash changed');
    is(db_value("SELECT COUNT(*) FROM audit_log WHERE object = 'app_user' AND object_id = '$id'"), 1,
        'audited');
    # The flash message is Chinese: session.flash must hold utf8mb4
    # (schema/003_session_flash_utf8mb4.sql).
    my $next = $HAS_WORKBENCH ? $c->follow($r) : $c->get('/login/password');
    like($next->{text} // '', qr{<div class="flash" role="status">密码已修改。</div>},
        'the next page says 密码已修改。');
    unlike($c->get('/login/password')->{text}, qr/密码已修改/, '... once');

    my ($c2, $r2) = try_login($name, $old);
    like($r2->{text}, qr/$MSG_BAD/, 'the old password no longer works');
    ($c2, $r2) = try_login($name, $new);
    is($r2->{status}, 303, 'the new password logs in');
    ok(logged_in($c2), '... with a working session');

    my $officer = login('tax-officer');
    like($officer->last_response->{text}, qr/至少 12 位/, 'officers are told the 12-character minimum');
    $r = $officer->post('/login/password', {old_password => account('tax-officer')->{password},
        new_password => 'Abcdefg1!x', confirm_password => 'Abcdefg1!x'});
    like($r->{text}, qr/密码至少12个字符/, 'officer: 10 characters refused');
};

subtest '修改密码 ends the user\'s other sessions, and renews this one' => sub {
    my $name = "${TAG}s";
    my $id = create_user($name);
    my $old = account('ent-clerk')->{password};
    my $new = 'Andere-Sitzung-2026';
    my $c1 = login($name, $old);
    my $c2 = login($name, $old);
    ok(logged_in($c2), 'a second login of the same user works');
    my $sid1 = $c1->cookie('ts_sid');
    $c1->get('/login/password');
    my $r = $c1->post('/login/password', {old_password => $old, new_password => $new, confirm_password => $new});
    is($r->{status}, 303, 'password changed in the first');
    refused_at_login_form($c2->get('/login/password'), 'the other session');
    ok(logged_in($c1), 'the session that changed it goes on');
    isnt($c1->cookie('ts_sid'), $sid1, '... under a new token');
    is(session_row_count($sid1), 0, 'the old token is gone');
    is(db_value("SELECT COUNT(*) FROM session WHERE user_id = $id"), 1, 'one session left: this one');
};

# ---------------------------------------------------------------- forced change

subtest 'must_change_password=1: redirected to /login/password' => sub {
    my $name = "${TAG}m";
    my $id = create_user($name, must_change => 1);
    my $pw = account('ent-clerk')->{password};
    my ($c, $r) = try_login($name, $pw);
    is($r->{status}, 303, 'login 303');
    is($r->{location}, '/login/password', 'straight to /login/password');
    $r = $c->get('/login/password');
    is($r->{status}, 200, 'password page reachable');
    like($r->{text}, qr/请先修改密码再使用系统/, 'it says the change is forced');

    # Every page of every other program sends the user back here.
    my @others = grep { $_ ne 'login' } map { m{/([^/]+)\.conf$} ? $1 : () }
      glob(var_dir() . '/etc/nginx.d/*.conf');
    for my $m (@others) {
        my $g = $c->get("/$m/");
        is($g->{status}, 303, "GET /$m/: 303");
        is($g->{location}, '/login/password', "GET /$m/: to /login/password");
    }
    # Within login: the form for a logged-in user.
    my $g = $c->get('/login/');
    is($g->{status}, 303, 'GET /login/ redirects too');
    note 'only the login program is built: other pages not checked' unless @others;

    my $new = 'Erst-Aendern-2026';
    $r = $c->post('/login/password', {old_password => $pw, new_password => $new, confirm_password => $new});
    is($r->{status}, 303, 'changing the password: 303');
    is(db_value("SELECT must_change_password FROM app_user WHERE id = $id"), 0, 'flag cleared');
    $r = $c->get('/login/password');
    unlike($r->{text}, qr/请先修改密码再使用系统/, 'no longer forced');
    for my $m (@others) {
        my $o = $c->get("/$m/");
        isnt($o->{location} // '', '/login/password', "GET /$m/ no longer redirected to the password page");
    }
};

subtest 'a visitor is sent to the login form' => sub {
    my $c = client();
    my $r = $c->get('/login/password');
    is($r->{status}, 303, 'GET /login/password without a session: 303');
    is($r->{location}, '/login/?next=/login/password', 'to /login/?next=');
};

done_testing;
