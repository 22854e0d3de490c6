#!/usr/bin/perl
# tests/http/security.t — the security baseline as seen from outside
# (design.md "Security baseline"): CSRF on every POST, security headers on
# every response including error pages, Chinese error pages with a request id
# and nothing internal, 404 / 405 / 413 / 400 refusals, escaping of echoed
# input, and the captcha image.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest;

my $TAG = sprintf 'S%x%x', $$, time % 65536;
my $PW = account('ent-clerk')->{password};

# ---------------------------------------------------------------- helpers

sub security_headers_ok {
    my ($r, $what) = @_;
    my $h = $r->{headers};
    subtest "security headers: $what" => sub {
        my $csp = $h->{'content-security-policy'} // '';
        like($csp, qr/default-src 'self'/, 'CSP default-src self');
        like($csp, qr/script-src 'self'(;|$)/, 'CSP script-src self only');
        like($csp, qr/frame-ancestors 'none'/, "CSP frame-ancestors 'none'");
        like($csp, qr/base-uri 'none'/, "CSP base-uri 'none'");
        unlike($csp, qr/unsafe-inline|unsafe-eval/, 'CSP: no unsafe-inline / unsafe-eval');
        is($h->{'x-frame-options'}, 'DENY', 'X-Frame-Options DENY');
        is($h->{'x-content-type-options'}, 'nosniff', 'X-Content-Type-Options nosniff');
        like($h->{'referrer-policy'} // '', qr/^(same-origin|no-referrer|strict-origin(-when-cross-origin)?)$/,
            'Referrer-Policy');
        is($h->{'cache-control'}, 'no-store', 'Cache-Control no-store');
        like($h->{'x-request-id'} // '', qr/^[0-9a-f]{16}$/, 'X-Request-Id');
    };
}

# A Chinese error page: status, heading, message, the request id of the
# response, and nothing from the inside (paths, SQL, server software).
sub error_page_ok {
    my ($r, $status, $heading, $message, $what) = @_;
    subtest "error page: $what" => sub {
        is($r->{status}, $status, "status $status");
        like($r->{headers}{'content-type'} // '', qr{^text/html; charset=utf-8}i, 'an html page');
        my $t = $r->{text} // '';
        like($t, qr/<html lang="zh-CN">/, 'zh-CN');
        like($t, qr{<h1>\Q$heading\E</h1>}, "heading $heading");
        like($t, qr/\Q$message\E/, "message $message");
        my $id = $r->{headers}{'x-request-id'} // 'none';
        like($t, qr{请求编号：<code>\Q$id\E</code>}, 'shows the request id of this response');
        unlike($t, qr{/work/|/tmp/|/usr/|/var/|/etc/|\.cs\b|\.c\b|templates/|cgi-bin}, 'no file paths');
        unlike($t, qr/\b(SELECT|INSERT|UPDATE|DELETE|WHERE)\b|mysql|mariadb|syntax error/i, 'no SQL');
        unlike($t, qr/nginx|fastcgi|libfcgi|ClearSilver|errno|segfault|at line/i, 'no server internals');
    };
}

sub visitor {
    my $c = client();
    $c->get('/login/');
    return $c;
}

# ---------------------------------------------------------------- CSRF

subtest 'POST without _csrf → 403, nothing changed' => sub {
    my $name = "${TAG}c";
    my $id = create_user($name);
    my $c = login($name, $PW);
    my $sid = $c->cookie('ts_sid');
    my $hash0 = db_value("SELECT password_hash FROM app_user WHERE id = $id");
    my $audit0 = db_value("SELECT COUNT(*) FROM audit_log WHERE user_id = $id");
    my $new = 'Csrf-Test-2026!';

    my $r = $c->post('/login/password',
        {old_password => $PW, new_password => $new, confirm_password => $new}, {no_csrf => 1});
    error_page_ok($r, 403, '无权访问', '校验码不符', '修改密码 without _csrf');
    is(db_value("SELECT password_hash FROM app_user WHERE id = $id"), $hash0, 'password unchanged');
    is(db_value("SELECT COUNT(*) FROM audit_log WHERE user_id = $id"), $audit0, 'no audit row');

    $r = $c->post('/login/logout', {}, {no_csrf => 1});
    is($r->{status}, 403, '退出 without _csrf: 403');
    is(db_value('SELECT COUNT(*) FROM session WHERE token_hash = ' . sql_str(sha256_hex($sid))), 1,
        'session still there');

    # Positive control: the same request with the token goes through.
    $r = $c->post('/login/password', {old_password => $PW, new_password => $new, confirm_password => $new});
    is($r->{status}, 303, 'with the page token the change is made (control)');
    isnt(db_value("SELECT password_hash FROM app_user WHERE id = $id"), $hash0, 'password changed');
};

subtest 'POST with a wrong _csrf → 403' => sub {
    my $name = "${TAG}x";
    my $id = create_user($name);
    my $c = login($name, $PW);
    my $sid = $c->cookie('ts_sid');
    my $hash0 = db_value("SELECT password_hash FROM app_user WHERE id = $id");
    my $new = 'Csrf-Test-2026!';
    my $good = $c->csrf;
    (my $flipped = $good) =~ s/^(.)/$1 eq 'a' ? 'b' : 'a'/e;
    my $other = login('ent-clerk')->csrf;    # another session's token
    my %wrong = (
        'random token'                  => 'f' x 64,
        'one character changed'         => $flipped,
        'another session\'s token'      => $other,
        'empty'                         => '',
        'the visitor token (ts_csrf)'   => $c->cookie('ts_csrf') // ('0' x 64),
        'the token with a suffix'       => "${good}00",
        'a prefix of the token'         => substr($good, 0, 32),
    );
    for my $what (sort keys %wrong) {
        my $r = $c->post('/login/password',
            {_csrf => $wrong{$what}, old_password => $PW, new_password => $new, confirm_password => $new});
        is($r->{status}, 403, "修改密码 with $what: 403");
        my $l = $c->post('/login/logout', {_csrf => $wrong{$what}});
        is($l->{status}, 403, "退出 with $what: 403");
    }
    is(db_value("SELECT password_hash FROM app_user WHERE id = $id"), $hash0, 'password unchanged');
    is(db_value('SELECT COUNT(*) FROM session WHERE token_hash = ' . sql_str(sha256_hex($sid))), 1,
        'session still there');
    $c->set_csrf($good);
    is($c->post('/login/logout', {})->{status}, 303, 'the right token logs out (control)');
};

subtest 'visitor POST /login/signin: double-submit token' => sub {
    my $a = {login => "${TAG}l", password => $PW};
    my $uid = create_user($a->{login});
    my $c = visitor();
    my $r = $c->post('/login/signin', {username => $a->{login}, password => $a->{password}}, {no_csrf => 1});
    is($r->{status}, 403, 'no _csrf: 403');
    ok(!$c->cookie('ts_sid'), 'no session');

    $c = visitor();
    $r = $c->post('/login/signin', {_csrf => 'e' x 64, username => $a->{login}, password => $a->{password}});
    is($r->{status}, 403, 'wrong _csrf: 403');
    ok(!$c->cookie('ts_sid'), 'no session');

    $c = visitor();
    my $token = $c->csrf;
    $c->delete_cookie('ts_csrf');
    $r = $c->post('/login/signin', {_csrf => $token, username => $a->{login}, password => $a->{password}});
    is($r->{status}, 403, 'token without the ts_csrf cookie: 403');
    ok(!$c->cookie('ts_sid'), 'no session');
    is(db_value("SELECT last_login_at FROM app_user WHERE id = $uid"), undef, 'no login recorded');
    is(db_value("SELECT COUNT(*) FROM session WHERE user_id = $uid"), 0, 'no session row');
    $c = visitor();
    $r = $c->post('/login/signin', {username => $a->{login}, password => $a->{password}});
    is($r->{status}, 303, 'with the form token and the cookie: logged in (control)');

    # Failed attempts are not counted for CSRF refusals either.
    my $name = "${TAG}v";
    my $id = create_user($name);
    $c = visitor();
    $r = $c->post('/login/signin', {username => $name, password => 'Wrong-pass-1'}, {no_csrf => 1});
    is($r->{status}, 403, 'wrong password without _csrf: 403');
    is(db_value("SELECT failed_logins FROM app_user WHERE id = $id"), 0, 'no failure counted');
};

subtest 'error pages keep the visitor\'s CSRF cookie' => sub {
    my $a = account('ent-clerk');
    for my $case (['404', sub { $_[0]->get('/login/no-such-page') }],
        ['405', sub { $_[0]->get('/login/signin') }],
        ['400', sub { $_[0]->get('/login/?next=%ZZ') }],
        ['413', sub { $_[0]->post('/login/signin', {}, {raw => 'username=' . ('a' x (1024 * 1024 + 1))}) }]) {
        my $c = visitor();
        my $form_token = $c->csrf;
        my $cookie = $c->cookie('ts_csrf');
        my $e = $case->[1]->($c);    # another tab hits an error page
        is($e->{status}, $case->[0], "visitor gets a $case->[0] page");
        is($c->cookie('ts_csrf'), $cookie, "$case->[0] page: ts_csrf cookie unchanged");
        my $r = $c->post('/login/signin', {_csrf => $form_token, username => $a->{login}, password => $a->{password}});
        is($r->{status}, 303, "$case->[0] page: the open login form still logs in");
    }
};

# ---------------------------------------------------------------- headers

subtest 'security headers on pages and error pages' => sub {
    my $v = client();
    my $r = $v->get('/login/');
    is($r->{status}, 200, 'login page 200');
    security_headers_ok($r, 'GET /login/ (200)');
    security_headers_ok($v->get('/login/forgot'), 'GET /login/forgot (200)');
    security_headers_ok($v->get('/login/password'), 'GET /login/password as visitor (303)');
    security_headers_ok($v->get('/login/no-such-page'), '404');
    security_headers_ok($v->get('/login/signin'), '405');
    security_headers_ok($v->post('/login/signin', {username => 'x', password => 'y'}, {no_csrf => 1}), '403');
    security_headers_ok($v->post('/login/signin', {}, {raw => 'username=%ZZ'}), '400');
    security_headers_ok($v->post('/login/signin', {}, {raw => 'username=' . ('a' x (1024 * 1024 + 1))}), '413');
    my $c = login('ent-clerk');
    security_headers_ok($c->last_response, 'GET /login/password logged in (200)');
    security_headers_ok(client()->get('/login/captcha'), 'captcha image');
};

# ---------------------------------------------------------------- 404 / 405

subtest 'unknown page → 404 Chinese error page' => sub {
    my $c = client();
    for my $path ('/login/no-such-page', '/login/password/extra', '/login/x/../no-such',
        '/login/%E4%B8%AD%E6%96%87', "/login/x'%20OR%201=1--", '/login/.git/config') {
        my $r = $c->get($path);
        error_page_ok($r, 404, '页面不存在', '您要找的页面不存在', "GET $path");
    }
    my $a = $c->get('/login/no-such-page');
    my $b = $c->get('/login/no-such-page');
    isnt($a->{headers}{'x-request-id'}, $b->{headers}{'x-request-id'}, 'a new request id per request');
    # A refusal that is logged (CSRF) can be found by the id on its page.
    my $f = client()->post('/login/signin', {username => 'x', password => 'y'}, {no_csrf => 1});
    my $id = $f->{headers}{'x-request-id'} // 'none';
    like($f->{text}, qr/\Q$id\E/, '403 page shows its request id');
    open my $fh, '<:encoding(UTF-8)', var_dir() . '/log/login.log' or die "login.log: $!";
    my $text = do { local $/; <$fh> };
    like($text, qr/ \Q$id\E WARN CSRF/, 'the same id is on the log line of the refusal');
    # Paths no program owns are answered by nginx itself (nginx/errors/):
    # the same Chinese page, headers and request id.
    for my $path ('/no-such-module/', '/no-such-module', '/cgi-bin/login.fcgi', '/static/no-such.css',
        '/_docexport/job-1.zip') {    # internal: only docexport's X-Accel-Redirect reaches it
        my $r = $c->get($path);
        error_page_ok($r, 404, '页面不存在', '您要找的页面不存在', "GET $path (nginx)");
        security_headers_ok($r, "GET $path (nginx 404)");
    }
};

subtest 'wrong method → 405' => sub {
    my $c = client();
    for my $path (qw(/login/signin /login/logout)) {
        error_page_ok($c->get($path), 405, '请求有误', '请求方式不正确', "GET $path (POST only)");
    }
    my $v = visitor();
    my $r = $v->post('/login/forgot', {});
    is($r->{status}, 405, 'POST /login/forgot (GET only): 405');
    $r = $v->post('/login/captcha', {});
    is($r->{status}, 405, 'POST /login/captcha (GET only): 405');
    for my $m (qw(PUT DELETE PATCH)) {
        $r = $v->request($m, '/login/', {});
        is($r->{status}, 405, "$m /login/: 405");
    }
};

# ---------------------------------------------------------------- 413

subtest 'oversize body → 413, program keeps serving' => sub {
    my $lock = worker_lock('login');    # fastcgi_params.t kills workers on purpose
    my $master = master_pid('login');
    my @workers = worker_pids('login');
    ok(pid_alive($master), "login master $master alive");
    my $c = visitor();
    my $body = '_csrf=' . $c->csrf . '&username=' . ('a' x (2 * 1024 * 1024));
    for my $i (1 .. 3) {
        my $r = $c->post('/login/signin', {}, {raw => $body});
        error_page_ok($r, 413, '内容过大', '提交的内容超过大小限制，未做任何处理', "POST 2 MB body #$i");
    }
    my $r = $c->post('/login/signin', {}, {raw => 'username=' . ('a' x (1024 * 1024 - 9 + 1))});
    is($r->{status}, 413, 'a body one byte over 1 MiB: 413');
    $r = $c->post('/login/signin', {},
        {raw => '_csrf=' . $c->csrf . '&' . join('&', map {"f$_=1"} 1 .. 2001)});
    is($r->{status}, 413, 'more than 2000 fields: 413');

    # A Content-Length larger than what is sent: nginx waits, then gives up;
    # not tested here (it would take client_body_timeout).  The program is
    # still there and serving:
    $r = client()->get('/login/');
    is($r->{status}, 200, 'GET /login/ afterwards: 200');
    is(master_pid('login'), $master, 'same master pid');
    ok(pid_alive($master), 'master alive');
    is_deeply([worker_pids('login')], \@workers, 'same workers (none crashed)');
};

# ---------------------------------------------------------------- 400

subtest 'malformed input → 400' => sub {
    my $c = visitor();
    my $t = '_csrf=' . $c->csrf . '&password=x&';
    my %bodies = (
        'invalid UTF-8 %FF%FE'        => 'username=%FF%FE',
        'raw byte 0xFF'               => "username=a\xffb",
        'overlong UTF-8 %C0%AF'       => 'username=%C0%AF',
        'UTF-16 surrogate %ED%A0%80'  => 'username=%ED%A0%80',
        'truncated UTF-8 %E4%B8'      => 'username=%E4%B8',
        'bad escape %ZZ'              => 'username=%ZZ',
        'short escape %4'             => 'username=a%4',
        'trailing %'                  => 'username=a%',
        'NUL %00'                     => 'username=a%00b',
        'bad escape in the name'      => 'user%GGname=a',
    );
    for my $what (sort keys %bodies) {
        my $r = $c->post('/login/signin', {}, {raw => $t . $bodies{$what}});
        error_page_ok($r, 400, '请求有误', '请求格式不正确', "body with $what");
    }
    my $r = $c->get('/login/?next=%ZZ');
    is($r->{status}, 400, 'query string with a bad escape: 400');
    $r = $c->get('/login/?next=%FF');
    is($r->{status}, 400, 'query string with invalid UTF-8: 400');
    $r = $c->post('/login/signin', {}, {raw => $t . 'username=%E4%B8%AD%E6%96%87'});
    is($r->{status}, 200, 'valid UTF-8 (中文) is accepted (control)');
    like($r->{text}, qr/value="中文"/, '... and shown again as 中文');
};

# ---------------------------------------------------------------- escaping

subtest 'echoed input is escaped' => sub {
    my %cases = (
        '<script>alert(1)</script>' => '&lt;script&gt;alert(1)&lt;/script&gt;',
        q{' OR '1'='1' -- }         => '&#39; OR &#39;1&#39;=&#39;1&#39; -- ',
        q{admin'; DROP TABLE x;#}   => 'admin&#39;; DROP TABLE x;#',
        q{"><img src=x onerror=1>}  => '&quot;&gt;&lt;img src=x onerror=1&gt;',
        q{a\\' UNION SELECT 1 -- }  => 'a\\&#39; UNION SELECT 1 -- ',
    );
    my $users0 = db_value('SELECT COUNT(*) FROM app_user');
    for my $in (sort keys %cases) {
        my $c = visitor();
        my $r = $c->post('/login/signin', {username => $in, password => 'x'});
        is($r->{status}, 200, "login name \Q$in\E: form shown again");
        like($r->{text}, qr/用户名或密码错误/, '... refused as an unknown user');
        like($r->{text}, qr/name="username" value="\Q$cases{$in}\E"/, '... value escaped');
        unlike($r->{text}, qr/\Q$in\E/, '... never raw');
        ok(!$c->cookie('ts_sid'), '... no session');
    }
    cmp_ok(db_value('SELECT COUNT(*) FROM app_user'), '>=', $users0, 'app_user intact (no rows lost)');
    is(db_value("SELECT COUNT(*) FROM app_user WHERE login_name = 'clerk01'"), 1, 'clerk01 still there');
    my $c = client();
    my $r = $c->get('/login/?next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E');
    is($r->{status}, 200, 'next= with markup: 200');
    like($r->{text}, qr{name="next" value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;/script&gt;"}, 'next escaped');
    unlike($r->{text}, qr{<script>alert}, 'no injected script');
};

# ---------------------------------------------------------------- captcha

subtest 'captcha image' => sub {
    my $c = client();
    my $r = $c->get('/login/captcha');
    is($r->{status}, 200, 'GET /login/captcha 200');
    is($r->{headers}{'content-type'}, 'image/png', 'image/png');
    is(substr($r->{content} // '', 0, 8), "\x89PNG\r\n\x1a\n", 'PNG magic bytes');
    is(substr($r->{content} // '', 12, 4), 'IHDR', 'IHDR chunk first');
    ok(length($r->{content} // '') > 100, 'a real image (' . length($r->{content} // '') . ' bytes)');
    my ($line) = grep {/^ts_cap=/} @{ $r->{set_cookies} };
    like($line // '', qr/^ts_cap=[0-9a-f]{64};/, 'ts_cap cookie (64 hex)');
    like($line // '', qr/HttpOnly/i, 'ts_cap HttpOnly');
    like($line // '', qr/SameSite=Strict/i, 'ts_cap SameSite=Strict');
    my $token = $c->cookie('ts_cap') // '';
    my $answer = db_value('SELECT answer FROM captcha WHERE token_hash = ' . sql_str(sha256_hex($token)));
    like($answer // '', qr/^\S{4}$/, 'challenge stored under the token hash (4 characters)');
    unlike($r->{content}, qr/\Q$answer\E/, 'the answer is not in the image bytes as text') if $answer;
    my $r2 = $c->get('/login/captcha');
    isnt($c->cookie('ts_cap'), $token, 'a new challenge per request');
    isnt($r2->{content}, $r->{content}, 'a different image');
};

done_testing;
