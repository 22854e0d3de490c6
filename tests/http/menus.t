#!/usr/bin/env perl
# Every demo account logs in and sees exactly its own menus — the "Done
# when" of the platform issue: the left menu is built from the permissions
# of the user's roles (000 §2.5.4: no role, no menu).
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest;

binmode(STDOUT, ':utf8');
binmode(Test::More->builder->$_, ':utf8') for qw(output failure_output todo_output);

# The menu entries (label => url) of a page's left menu.
sub menu_of {
    my ($html) = @_;
    my ($nav) = $html =~ m{<nav class="menu".*?>(.*?)</nav>}s or return {};
    my %m;
    $m{$2} = $1 while $nav =~ m{<a href="([^"]+)">([^<]+)</a>}g;
    return \%m;
}

my %want = (
    'operator'             => [qw(工作台 角色管理 用户管理 企业管理 审计日志 参考库)],
    'ent-admin-production' => [qw(工作台 单证预归档 生成关单清册 上传备案单证 单证收齐审核 导出备案目录 报关单查询下载 综合查询 出口退货信息录入 出口退货信息查询 电子化管理备案 备案单证种类 角色管理 用户管理)],
    'ent-admin-trading'    => [qw(工作台 单证预归档 生成关单清册 上传备案单证 单证收齐审核 导出备案目录 报关单查询下载 综合查询 出口退货信息录入 出口退货信息查询 电子化管理备案 备案单证种类 角色管理 用户管理)],
    'ent-clerk'            => [qw(工作台 用户管理)],
    'tax-officer'          => [qw(工作台 报关单重发记录)],
    'customs-officer'      => [qw(工作台 报关单发布 进口报关单发布 出口退货审核)],
);

for my $role (sort keys %want) {
    my $c = login($role);
    my $r = $c->get('/workbench/');
    is($r->{status}, 200, "$role: 工作台 answers");
    my $menu = menu_of($r->{text});
    is_deeply([sort keys %$menu], [sort @{ $want{$role} }], "$role: exactly its menus");
    # Every menu link opens for this user (no menu entry leads to a 403).
    for my $label (sort keys %$menu) {
        my $page = $c->get($menu->{$label});
        is($page->{status}, 200, "$role: $label ($menu->{$label}) opens");
    }
}

# A user whose only role is disabled sees no menu and is told why.
my $login = 'menu_norole' . $$;
my $id = create_user($login, like => 'clerk01', must_change => 0);
db_do("DELETE FROM user_role WHERE user_id = $id");
my $c = login($login, account('ent-clerk')->{password});
my $r = $c->get('/workbench/');
is($r->{status}, 403, 'no role: even the workbench is refused');
is_deeply(menu_of($r->{text}), {}, 'no role: no menu');
like($r->{text}, qr/尚未被分配角色/, 'no role: the page says why');

done_testing();
