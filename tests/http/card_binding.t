#!/usr/bin/perl
# tests/http/card_binding.t — 绑定IC卡 / 解除绑定 (cgi-bin/users.c) and the
# 申报 rule of lib/ts_card as IC卡检测 (cgi-bin/workbench.c): 「您无权限操作
# 该数据」 for an unbound user, 「当前卡号 XXXX 与用户注册信息卡号 XXXX 不一致，
# 无法进行申报」 with the two virtual cards, a card bound to another user
# refused, enterprise isolation, the permission and the guard rails.
#
# The demo card (reader 00 00) is bound to the demo enterprise
# administrator by the stack; the second card (00 01) is bound here to a
# fresh user and unbound again.  Every wrong PIN is followed by a right one.
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
my $WRONG = $PIN eq '654321' ? '123457' : '654321';
my $TAG = sprintf 'B%x%x', $$, time % 65536;
my $ADMIN_LOGIN = account('ent-admin-production')->{login};
my $ADMIN_ID = db_value('SELECT id FROM app_user WHERE login_name = ' . sql_str($ADMIN_LOGIN));
my $PW = account('ent-clerk')->{password};

my $admin = login('ent-admin-production');
my $U2 = create_user("${TAG}a");    # gets card 2
my $U3 = create_user("${TAG}b");    # stays unbound
END {
    # Leave card 2 free for other tests even if this one died half-way.
    db_do('UPDATE app_user SET card_no = NULL, card_cert = NULL, card_bound_at = NULL,'
          . ' card_bound_by = NULL WHERE card_no = ' . sql_str($NO2))
      if $NO2;
}

sub bound_no { db_value("SELECT card_no FROM app_user WHERE id = $_[0]") }

# The 绑定IC卡 form of a user and a bind posted from it: (page, response).
sub bind_card {
    my ($c, $id, $reader, $pin) = @_;
    my $page = $c->get("/users/card?id=$id");
    return ($page, undef) unless $page->{status} == 200;
    my $r = $c->post('/users/card',
        {id => $id, reader => $reader, pin => $pin, nonce => form_nonce($page->{text}) // ''});
    return ($page, $r);
}

# IC卡检测 as a client: the result box's text.
sub card_check {
    my ($c, $reader, $pin) = @_;
    my $page = $c->get('/workbench/card');
    is($page->{status}, 200, 'GET /workbench/card') or return '';
    my %form = (reader => $reader, nonce => form_nonce($page->{text}));
    $form{pin} = $pin if defined $pin;
    my $r = $c->post('/workbench/card', \%form);
    is($r->{status}, 200, 'POST /workbench/card answers the page') or return '';
    return $r->{text} =~ /id="card-check-result">(.*?)<\/div>/s ? $1 =~ s/<[^>]*>//gr : '';
}

# ---------------------------------------------------------------- the list

subtest 'the users page shows the cards and the actions' => sub {
    my $r = $admin->get('/users/');
    is($r->{status}, 200, 'GET /users/');
    like($r->{text}, qr{<th>IC卡号</th>}, 'an IC卡号 column');
    my %rows = map { $_->[1] => $_ } table_rows($r->{text});
    is($rows{$ADMIN_LOGIN}[6], $NO1, 'the demo administrator bound to the demo card (make run)');
    like($r->{text}, qr{<a href="/users/card\?id=$U3">绑定IC卡</a>}, '绑定IC卡 for an unbound user');
    like($r->{text}, qr{<a href="/users/card\?id=$ADMIN_ID">解除绑定</a>}, '解除绑定 for a bound one');
};

subtest 'the bind form' => sub {
    my $r = $admin->get("/users/card?id=$U2");
    is($r->{status}, 200, 'GET /users/card');
    like($r->{text}, qr{<option value="\Q$R2\E">\Q$R2\E（已插卡）</option>}, 'the readers');
    like(form_nonce($r->{text}) // '', qr/^[0-9a-f]{64}$/, 'a nonce');
    ok(db_value("SELECT COUNT(*) FROM card_challenge WHERE purpose = 'bind' AND user_id = $U2"),
        'stored for this user');
    like($r->{text}, qr{<input type="password" id="f-pin" name="pin"}, '卡密码');
};

# ---------------------------------------------------------------- binding

subtest 'wrong PIN: tries left, nothing stored' => sub {
    my ($page, $r) = bind_card($admin, $U2, $R2, $WRONG);
    is($r->{status}, 200, 'the form again');
    like(error_text($r->{text}), qr/IC卡密码错误，还可尝试4次/, 'wrong PIN with tries left');
    is(bound_no($U2), undef, 'not bound');
    ($page, $r) = bind_card($admin, $U2, $R2, '12');
    like(field_error($r->{text}, 'pin') // '', qr/6至8位数字/, 'a PIN that is not 6-8 digits');
};

subtest 'proof of possession: a forged card with card 2\'s number and certificate is refused' => sub {
    my $dir = var_dir() . "/tmp/forged-bind-$$";
    forge_card($dir, $NO2, var_dir() . '/card/second');
    swap_card('second', $dir);
    my ($page, $r) = bind_card($admin, $U2, $R2, $PIN);
    is($r->{status}, 200, 'the form again');
    like(error_text($r->{text}), qr/IC卡签名验证失败/, 'its signature does not verify against the certificate it shows');
    is(bound_no($U2), undef, 'not bound');
    restore_card('second');
    system('rm', '-rf', $dir);
};

subtest 'bind card 2: 卡号, certificate, when and who, audited' => sub {
    my $audit0 = db_value('SELECT IFNULL(MAX(id), 0) FROM audit_log');
    my ($page, $r) = bind_card($admin, $U2, $R2, $PIN);
    is($r->{status}, 303, 'bound') or diag error_text($r->{text});
    like($admin->follow($r)->{text}, qr/已为用户“测试用户”绑定IC卡（卡号 $NO2）/, 'said so');
    my ($row) = db("SELECT card_no, HEX(card_cert), card_bound_by, card_bound_at IS NOT NULL FROM app_user WHERE id = $U2");
    is($row->[0], $NO2, 'card_no');
    is($row->[1], card_cert_hex($R2), "the card's certificate, DER, byte for byte");
    is($row->[2], $ADMIN_ID, 'bound by the administrator');
    ok($row->[3], 'bound at');
    ok(db_value("SELECT COUNT(*) FROM audit_log WHERE id > $audit0 AND object_id = '$U2' AND detail LIKE 'card bind card_no=$NO2%'"),
        'audit row');
    my $nonce = form_nonce($page->{text});
    is(db_value('SELECT COUNT(*) FROM card_challenge WHERE nonce = ' . sql_str($nonce)), 0, 'the nonce is used up');
    $r = $admin->get("/users/card?id=$U2");
    like($r->{text}, qr/value="$NO2" readonly/, 'the page shows the binding');
    like($r->{text}, qr{action="/users/card-unbind"}, 'with 解除绑定');
    ($page, $r) = bind_card($admin, $U2, $R2, $PIN);
    ok(!form_nonce($page->{text}), 'no bind form for a bound user');
    $r = $admin->post('/users/card', {id => $U2, reader => $R2, pin => $PIN, nonce => 'x' x 64});
    like(error_text($r->{text}), qr/该用户已绑定IC卡（卡号 $NO2）/, 'a second bind refused');
};

subtest 'a card bound to another user is refused' => sub {
    my ($page, $r) = bind_card($admin, $U3, $R1, $PIN);
    is($r->{status}, 200, 'the form again');
    like(error_text($r->{text}), qr/该IC卡（卡号 $NO1）已绑定其他用户，不能重复绑定/, 'the demo card is the administrator\'s');
    is(bound_no($U3), undef, 'not bound');
    is(bound_no($ADMIN_ID), $NO1, 'the administrator keeps it');

    # Another enterprise: the card is taken there too, and the production
    # users are not there at all.
    my $trading = login('ent-admin-trading');
    my $T = create_user("${TAG}t", like => account('ent-admin-trading')->{login});
    db_do("UPDATE app_user SET is_ent_admin = 0 WHERE id = $T");
    ($page, $r) = bind_card($trading, $T, $R2, $PIN);
    like(error_text($r->{text}), qr/该IC卡（卡号 $NO2）已绑定其他用户/, "card 2 is another enterprise's user's");
    is(bound_no($T), undef, 'not bound');
    is($trading->get("/users/card?id=$U2")->{status}, 404, "another enterprise's user: 404");
    $r = $trading->post('/users/card-unbind', {id => $U2});
    is($r->{status}, 404, 'unbind: 404');
    is(bound_no($U2), $NO2, 'still bound');
    ($page, $r) = bind_card($trading, $U3, $R2, $PIN);
    is($page->{status}, 404, 'bind form for another enterprise\'s user: 404');
    db_do("DELETE FROM user_role WHERE user_id = $T");
    db_do("DELETE FROM app_user WHERE id = $T");
};

subtest 'permission and guard rails' => sub {
    my $clerk = login('ent-clerk');
    is($clerk->get("/users/card?id=$U3")->{status}, 403, 'clerk01 (no users.card): 403');
    unlike($clerk->get('/users/')->{text}, qr{/users/card\?id=}, 'and no links');
    # A user holding users + users.card, but not the administrator's other
    # permissions, may not bind or unbind the 企业管理员 account's card.
    my $ent = db_value("SELECT ent_id FROM app_user WHERE id = $ADMIN_ID");
    db_do("INSERT INTO role (scope, ent_id, name, remark) VALUES ('enterprise', $ent, '${TAG}卡', 'card')");
    my $role = db_value("SELECT id FROM role WHERE ent_id = $ent AND name = '${TAG}卡'");
    db_do("INSERT INTO role_perm (role_id, perm) VALUES ($role, 'workbench'), ($role, 'users'), ($role, 'users.card')");
    my $K = create_user("${TAG}k");
    db_do("DELETE FROM user_role WHERE user_id = $K");
    db_do("INSERT INTO user_role (user_id, role_id) VALUES ($K, $role)");
    my $k = login("${TAG}k", $PW);
    my $r = $k->get("/users/card?id=$ADMIN_ID");
    is($r->{status}, 409, "the 企业管理员 account's card: refused");
    like(page_message($r->{text}) // '', qr/企业管理员账号的IC卡须由企业管理员本人绑定或解除绑定/, 'with the reason');
    $r = $k->post('/users/card-unbind', {id => $ADMIN_ID});
    is($r->{status}, 409, 'unbind refused too');
    is(bound_no($ADMIN_ID), $NO1, 'still bound');
    my $S = create_user("${TAG}s", like => $ADMIN_LOGIN);
    $r = $k->get("/users/card?id=$S");
    is($r->{status}, 409, 'a user holding 菜单权限 K lacks: refused');
    like(page_message($r->{text}) // '', qr/该用户具有您本人不具备的菜单权限/, 'with the reason');
    is($k->get("/users/card?id=$U3")->{status}, 200, 'a user holding less: the form');
    db_do("DELETE FROM user_role WHERE user_id IN ($K, $S)");
    db_do("DELETE FROM app_user WHERE id IN ($K, $S)");
    db_do("DELETE FROM role_perm WHERE role_id = $role");
    db_do("DELETE FROM role WHERE id = $role");

    my ($page) = bind_card($admin, $U3, $R2, $PIN);
    $r = $admin->post('/users/card', {id => $U3, reader => $R2, pin => $PIN, nonce => form_nonce($page->{text})},
        {no_csrf => 1});
    is($r->{status}, 403, 'no _csrf: 403');
    db_do('UPDATE card_challenge SET expires_at = NOW() - INTERVAL 1 SECOND WHERE nonce = ' . sql_str(form_nonce($page->{text})));
    $r = $admin->post('/users/card', {id => $U3, reader => $R2, pin => $PIN, nonce => form_nonce($page->{text})});
    like(error_text($r->{text}), qr/页面已过期/, 'an expired nonce');
};

# ---------------------------------------------------------------- the rule

subtest 'IC卡检测: the bound card in the reader passes; the other card is 卡号不一致' => sub {
    my $u2 = login("${TAG}a", $PW);
    like($u2->get('/workbench/')->{text}, qr/IC卡：已绑定（卡号 $NO2）.*IC卡检测/s, 'the workbench names the card');
    like(card_check($u2, $R2), qr/IC卡检测通过：当前卡号 $NO2 与用户注册信息卡号一致。/, 'card 2 in reader 2: passes');
    is(card_check($u2, $R1), "当前卡号 $NO1 与用户注册信息卡号 $NO2 不一致，无法进行申报",
        'card 1: the exact message of 001 重要提醒');
    like(card_check($u2, $R2, $PIN), qr/电子签名验证通过/, 'with the PIN: signed and verified');
    like(card_check($u2, $R2, $WRONG), qr/IC卡密码错误，还可尝试4次/, 'a wrong PIN');
    like(card_check($u2, $R2, $PIN), qr/电子签名验证通过/, 'and the right one again');
    like(card_check($u2, 'tuishui no such reader'), qr/未检测到读卡器/, 'a reader that is not there');
    is(card_check($admin, $R2), "当前卡号 $NO2 与用户注册信息卡号 $NO1 不一致，无法进行申报",
        'the demo administrator with card 2: the exact message');
};

subtest 'IC卡检测: an unbound user gets 您无权限操作该数据' => sub {
    my $u3 = login("${TAG}b", $PW);
    like($u3->get('/workbench/')->{text}, qr/IC卡：未绑定/, 'the workbench says 未绑定');
    is(card_check($u3, $R2), '您无权限操作该数据', 'the exact message');
    is(card_check($u3, $R1, $PIN), '您无权限操作该数据', 'with a PIN too: no card is asked');
};

subtest '解除绑定' => sub {
    my $audit0 = db_value('SELECT IFNULL(MAX(id), 0) FROM audit_log');
    my $r = $admin->post('/users/card-unbind', {id => $U2});
    is($r->{status}, 303, 'unbound');
    like($admin->follow($r)->{text}, qr/已解除用户“测试用户”的IC卡绑定（卡号 $NO2）/, 'said so');
    my ($row) = db("SELECT card_no, card_cert, card_bound_at, card_bound_by FROM app_user WHERE id = $U2");
    is_deeply($row, [undef, undef, undef, undef], 'card, certificate, when and who cleared');
    ok(db_value("SELECT COUNT(*) FROM audit_log WHERE id > $audit0 AND object_id = '$U2' AND detail = 'card unbind card_no=$NO2'"),
        'audit row');
    my $u2 = login("${TAG}a", $PW);
    is(card_check($u2, $R2), '您无权限操作该数据', 'no longer bound: 您无权限操作该数据');
    $r = $admin->post('/users/card-unbind', {id => $U2});
    like($admin->follow($r)->{text}, qr/该用户未绑定IC卡/, 'unbinding again says so');
};

done_testing;
