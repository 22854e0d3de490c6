#!/usr/bin/env perl
# 出口退货 (manual 004 §4.1–§4.2), the enterprise side, against the stack:
# the entry form and its system fields, 获取 from the import declaration
# (typed values kept; another enterprise's declaration refused), every
# field rule with its message (nothing typed lost, nothing stored), 暂存
# (「暂存成功」, 统一编号), 删除 (confirmation page, refused states), 提交
# (card signature stored, state 1, job queued; wrong PIN, unbound user),
# 暂存 / 删除 / 提交 in every state 0–8 (refused in 1, 3, 5, 7 with the
# reason), the state machine through ts-admin retgoods-move (every refused
# move), 退货编号 at 7, receipts newest first, the query page (conditions,
# the 30-day rule, paging, multi-select 删除 all or none), enterprise
# isolation and CSRF.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use POSIX ();
use Test::More;
use TsTest qw(:DEFAULT :html);
use TsCard;

$ENV{TZ} ||= 'Asia/Shanghai';    # the programs' (scripts/stack.sh TS_TZ): "today" is theirs
POSIX::tzset();

binmode(STDOUT, ':utf8');
binmode(Test::More->builder->$_, ':utf8') for qw(output failure_output todo_output);

my $env = card_env() or plan skip_all => 'the stack has no card reader';
my $ADMIN = "$ENV{TS_BUILD}/tools/ts-admin";
my $OWN = '790020261000810101';       # the production enterprise's import declaration
my $SHARED = '790020261000810103';    # 收货人 trading, 消费使用单位 production: both may use it
my $FOREIGN = '790220261000820101';   # the trading enterprise's only
my $ORIG = '790020260000810001';

my $p = login('ent-admin-production');
my $t = login('ent-admin-trading');

# A form every rule accepts (op and id added by the caller).
sub valid_form {
    my (%over) = @_;
    my %f = (
        i_entry_id => $OWN, receiver_addr => '四川省成都市高新区', receiver_contact => '王五',
        receiver_phone => '028-88886666', owner_district => '7900', ret_date => '2026-11-20',
        handle_ways => ['1', '3'], orig_entry_ids => $ORIG, prod_scc => '91510100MA6CAB126W',
        prod_code => '5101940001', prod_name => '四川天府机械制造有限公司', prod_contact => '张敏',
        prod_phone => '13800000001', prod_region => '510100', prod_district => '7901',
        export_inspect => 'N', orig_trade_mode => '0110', reason_kinds => ['T'], reasons => ['T1'],
        %over,
    );
    my @pairs;
    for my $k (sort keys %f) {
        next unless defined $f{$k};
        push @pairs, map { ($k => $_) } ref $f{$k} ? @{ $f{$k} } : ($f{$k});
    }
    return @pairs;
}

# The records of the import declaration numbers given (those this test
# posts: other tests store records at the same time, under their own).
sub count_records {
    return db_value('SELECT COUNT(*) FROM retgoods_head WHERE i_entry_id IN ('
        . join(', ', map { sql_str($_) } @_) . ')');
}

# 暂存 a valid record as $c; its id.
sub save_new {
    my ($c, %over) = @_;
    my $r = $c->post('/retgoods/', [op => 'save', valid_form(%over)]);
    my ($id) = ($r->{location} // '') =~ m{/retgoods/\?id=(\d+)$}
      or die "save refused ($r->{status}): " . join(' | ', $r->{text} =~ /<span class="error">(.*?)<\/span>/g);
    return $id;
}

# A state set by hand.  One record of an import declaration may be in 7
# (the registration key, schema/022): an earlier one in 7 goes to 8 first.
sub set_state {
    my ($rid, $s) = @_;
    db_do("UPDATE retgoods_head o JOIN retgoods_head m ON m.id = $rid AND o.i_entry_id = m.i_entry_id"
        . " AND o.id <> m.id SET o.status = 8 WHERE o.status = 7") if $s == 7;
    db_do("UPDATE retgoods_head SET status = $s WHERE id = $rid");
}

# The jobs worker (customs' reception and electronic audit, tools/ts-worker)
# takes a submitted record on at once: wait until no retgoods job of the
# record is queued or running (15 s at most), so a test that sets a state
# by hand afterwards does not race it.
sub settled {
    my ($rid) = @_;
    for (1 .. 150) {
        return 1 unless db_value("SELECT COUNT(*) FROM job WHERE ref_id = $rid AND kind LIKE 'retgoods.%'"
            . " AND status IN ('queued', 'running')");
        select(undef, undef, undef, 0.1);
    }
    return 0;
}
sub state_of  { db_value("SELECT status FROM retgoods_head WHERE id = $_[0]") }
sub error_box { my ($html) = @_; return $html =~ /id="rg-error">(.*?)<\/div>/s ? $1 : '' }

# ---------------------------------------------------------------- the form

my $r = $p->get('/retgoods/');
is($r->{status}, 200, 'the entry form opens');
like($r->{text}, qr/出口退货信息录入/, 'its title');
like($r->{text}, qr/id="g-collect_type" value="企业"/, '采集机构类别 企业');
like($r->{text}, qr/id="g-info_source" value="进境货物报关时提供的有效单证"/, '退货信息来源');
like($r->{text}, qr/id="g-collector_org" value="91510100MA6CAB126W"/, '采集机构 统一社会信用代码');
like($r->{text}, qr/value="四川天府机械制造有限公司" readonly/, '采集机构 name');
like($r->{text}, qr/id="f-i_entry_id"[^>]*class="required"/, '进口报关单号 yellow (required)');
like($r->{text}, qr/id="f-ret_date"[^>]*class="optional"/, '退货日期 white (optional)');
like($r->{text}, qr/id="g-seq_no" value="" readonly tabindex="-1" class="readonly"/, '统一编号 grey');
like($r->{text}, qr/<button[^>]*id="rg-delete"[^>]*disabled/, '删除 disabled before 暂存');
like($r->{text}, qr/title="尚未暂存，没有可删除的数据"/, '... with the reason on hover');
like($r->{text}, qr/<input type="date" id="f-ret_date"/, '退货日期 is a date picker');
like($r->{text}, qr/<datalist id="dl-districts">.*<option value="7900">/s, '关区 code list');
unlike(($r->{text} =~ /<datalist id="dl-subdistricts">(.*?)<\/datalist>/s)[0], qr/value="7900"/,
    '所属机构 choices hold no 直属关区');
like($r->{text}, qr/<datalist id="dl-regions">.*<option value="510100">/s, '行政区划 code list');
is($r->{text} =~ /<button type="submit" name="op" value="(\w+)"/ ? $1 : '', 'fetch',
    'without JavaScript Enter submits 获取 (the first button)');
is(login('customs-officer')->get('/retgoods/')->{status}, 403, 'a customs officer may not open it');

# ---------------------------------------------------------------- 获取

my @fetched = ($OWN, $SHARED, $FOREIGN, '12345');
my $before_fetch = count_records(@fetched);
$r = $p->post('/retgoods/', [op => 'fetch', i_entry_id => $OWN, receiver_contact => '王五',
    prod_name => '已录入的名称', handle_ways => '4']);
is($r->{status}, 200, '获取 answers the form');
like($r->{text}, qr/已获取进口报关单数据/, '... saying so');
is(input_value($r->{text}, 'receiver_contact'), '王五', 'typed 收货联系人 kept');
is(input_value($r->{text}, 'prod_name'), '已录入的名称', 'typed 原生产企业 kept');
is_deeply([checked_values($r->{text}, 'handle_ways')], ['4'], 'ticked 拟处理方式 kept');
is(input_value($r->{text}, 'owner_district'), '7900', '消费使用单位所在地关区 filled');
ok(length(input_value($r->{text}, 'receiver_addr') // ''), '收货人所在地 filled');
like($r->{text}, qr/id="g-trade" value="91510100MA6CAB126W"/, '收货人 filled');
my @lines = $r->{text} =~ /name="weight_no" value="(\d+)"/g;
ok(@lines >= 1, 'goods lines filled');

$r = $p->post('/retgoods/', [op => 'fetch', i_entry_id => $OWN, fetched => $OWN,
    receiver_addr => '改过的地址', owner_district => '7901']);
is(input_value($r->{text}, 'receiver_addr'), '改过的地址', 'a changed 收货人所在地 survives a second 获取');
is(input_value($r->{text}, 'owner_district'), '7901', '... and a changed 关区');

$r = $p->post('/retgoods/', [op => 'fetch', i_entry_id => $FOREIGN]);
is(field_error($r->{text}, 'i_entry_id'), '未找到该进口报关单或无权使用',
    "another enterprise's import declaration refused");
unlike($r->{text}, qr/name="weight_no"/, '... and nothing of it shown');
$r = $t->post('/retgoods/', [op => 'fetch', i_entry_id => $SHARED]);
like($r->{text}, qr/已获取进口报关单数据/, 'the trading enterprise (收货人) may use the shared one');
$r = $p->post('/retgoods/', [op => 'fetch', i_entry_id => $SHARED]);
like($r->{text}, qr/已获取进口报关单数据/, '... and so may the production one (消费使用单位)');
$r = $p->post('/retgoods/', [op => 'fetch', i_entry_id => '12345']);
is(field_error($r->{text}, 'i_entry_id'), '进口报关单号应为18位数字', '获取 of a malformed number');
is(count_records(@fetched), $before_fetch, 'nothing stored by 获取');

# ---------------------------------------------------------------- field rules

# A well-formed 关区 code the code list does not hold (other tests import some).
my ($NO_DISTRICT) = grep { !db_value("SELECT COUNT(*) FROM customs_district WHERE code = '$_'") }
  map { sprintf '79%02d', $_ } 11 .. 98;

my @rules = (
    [{i_entry_id => ''}, 'i_entry_id', '请填写进口报关单号'],
    [{i_entry_id => '7900202610008101'}, 'i_entry_id', '进口报关单号应为18位数字'],
    [{i_entry_id => '790020260000810001'}, 'i_entry_id', '进口报关单号第9位为0，是出口报关单，请输入进口报关单号'],
    [{i_entry_id => '790020261000899999'}, 'i_entry_id', '未找到该进口报关单或无权使用'],
    [{i_entry_id => $FOREIGN}, 'i_entry_id', '未找到该进口报关单或无权使用'],
    [{receiver_addr => ''}, 'receiver_addr', '请填写收货人所在地'],
    [{receiver_addr => '地' x 256}, 'receiver_addr', '收货人所在地最多255个字'],
    [{receiver_contact => ''}, 'receiver_contact', '请填写收货联系人'],
    [{receiver_phone => ''}, 'receiver_phone', '请填写联系电话'],
    [{receiver_phone => '电话123'}, 'receiver_phone', '联系电话格式不正确，应为7至20位数字（可含“-”）'],
    [{owner_district => ''}, 'owner_district', '请选择消费使用单位所在地关区'],
    [{owner_district => $NO_DISTRICT}, 'owner_district', '消费使用单位所在地关区不在关区代码表中'],
    [{ret_date => '2026-02-30'}, 'ret_date', '退货日期应为有效日期（YYYY-MM-DD）'],
    [{handle_ways => undef}, 'handle_ways', '请勾选拟处理方式'],
    [{handle_ways => ['1', '7']}, 'handle_ways', '拟处理方式的选项不正确'],
    [{handle_ways => ['5']}, 'handle_other', '拟处理方式为“其他”时需填写其他具体内容'],
    [{handle_other => '转卖'}, 'handle_other', '仅拟处理方式为“其他”时填写其他具体内容'],
    [{orig_entry_ids => ''}, 'orig_entry_ids', '请填写原出口报关单号'],
    [{orig_entry_ids => '790020261000810001'}, 'orig_entry_ids',
        '原出口报关单号“790020261000810001”不正确：应为18位数字，第9位为0，多个以“/”分隔'],
    [{orig_entry_ids => "$ORIG/$ORIG"}, 'orig_entry_ids', "原出口报关单号“$ORIG”重复"],
    [{orig_entry_ids => join('/', map { sprintf '7900202600%08d', $_ } 1 .. 51)}, 'orig_entry_ids',
        '原出口报关单号最多50个'],
    [{prod_scc => ''}, 'prod_scc', '请填写原生产企业18位统一社会信用代码'],
    [{prod_scc => '91510100MA6CAB1260'}, 'prod_scc', '原生产企业统一社会信用代码不正确'],
    [{prod_code => ''}, 'prod_code', '请填写原生产企业10位海关编码'],
    [{prod_code => '510194'}, 'prod_code', '原生产企业海关编码不正确'],
    [{prod_name => ''}, 'prod_name', '请填写原生产企业名称'],
    [{prod_contact => ''}, 'prod_contact', '请填写原生产企业联系人'],
    [{prod_phone => '1380'}, 'prod_phone', '原生产企业联系电话格式不正确'],
    [{prod_region => ''}, 'prod_region', '请选择原生产企业行政区划'],
    [{prod_region => '999999'}, 'prod_region', '原生产企业行政区划不在行政区划代码表中'],
    [{prod_district => ''}, 'prod_district', '请选择原生产企业所属机构'],
    [{prod_district => '7900'}, 'prod_district', '原生产企业所属机构不能选择直属关区'],
    [{prod_district => '0100'}, 'prod_district', '原生产企业所属机构不能选择直属关区'],
    [{prod_district => $NO_DISTRICT}, 'prod_district', '原生产企业所属机构不在关区代码表中'],
    [{export_inspect => ''}, 'export_inspect', '请选择出口是否法检（Y-是，N-否）'],
    [{export_inspect => 'X'}, 'export_inspect', '请选择出口是否法检（Y-是，N-否）'],
    [{orig_trade_mode => undef}, 'orig_trade_mode', '请勾选关联报关单原出口监管方式：一般贸易'],
    [{reason_kinds => undef}, 'reason_kinds', '请勾选退货原因类别'],
    [{reasons => undef}, 'reasons', '请勾选贸易原因的具体退运原因'],
    [{reasons => ['T1', 'S1']}, 'reasons', '具体退运原因“运输途中货损货差”不属于所选的退货原因类别'],
    [{reason_kinds => ['Q'], reasons => ['Q1']}, 'reason_note',
        '退货原因类别为质量原因时，退货原因具体说明必填'],
);
my @posted = ($OWN, map { exists $_->[0]{i_entry_id} ? $_->[0]{i_entry_id} : () } @rules);
my $before = count_records(@posted);
for my $case (@rules) {
    my ($over, $field, $msg) = @$case;
    my $label = join(',', map { "$_=" . (ref $over->{$_} ? join('+', @{ $over->{$_} }) : $over->{$_} // 'none') } sort keys %$over);
    $label = substr($label, 0, 60);
    $r = $p->post('/retgoods/', [op => 'save', valid_form(%$over)]);
    is($r->{status}, 200, "rule $label: the form again");
    like(field_error($r->{text}, $field) // '', qr/^\Q$msg\E/, "rule $label: $msg");
    like(error_box($r->{text}), qr/录入的内容未通过逻辑检查/, "rule $label: the message above the form");
    is(input_value($r->{text}, 'prod_name'), $over->{prod_name} // '四川天府机械制造有限公司',
        "rule $label: typed values kept") if $field ne 'prod_name';
}
is(count_records(@posted), $before, 'no record stored by a refused 暂存');

# 退货重量: optional, a decimal; its message on the line.
$r = $p->post('/retgoods/', [op => 'save', valid_form(), weight_no => $lines[0], weight => '12.1234567']);
like($r->{text}, qr/第${\ $lines[0]}项退货重量应为数字（千克），最多5位小数/, '退货重量 rule, on its line');
like($r->{text}, qr/name="weight" value="12.1234567"/, '... the typed weight kept');

# 其他 with its text, 质量原因 with its 说明, 50 原出口报关单号: accepted.
my $fifty = join('/', map { sprintf '7900202600%08d', $_ } 1 .. 50);
my $id = save_new($p, handle_ways => ['2', '5'], handle_other => '转售第三国',
    reason_kinds => ['Q', 'T'], reasons => ['Q1', 'Q3', 'T2'], reason_note => '尺寸超差',
    orig_entry_ids => $fifty);
is(db_value("SELECT COUNT(*) FROM retgoods_orig WHERE head_id = $id"), 50, '50 原出口报关单号 stored');
is(db_value("SELECT handle_ways FROM retgoods_head WHERE id = $id"), '2,5', '拟处理方式 stored');
is(db_value("SELECT reasons FROM retgoods_head WHERE id = $id"), 'Q1,Q3,T2', '具体退运原因 stored');

# ---------------------------------------------------------------- 暂存

$r = $p->post('/retgoods/', [op => 'save', valid_form(), weight_no => $lines[0], weight => '120.5',
    agent_name => '伪造的报关单位', trade_name => '伪造的收货人', seq_no => '1', status => '7']);
is($r->{status}, 303, '暂存 of a valid record');
($id) = $r->{location} =~ /id=(\d+)/;
my $page = $p->get($r->{location});
like($page->{text}, qr/<div class="flash" role="status">暂存成功<\/div>/, '「暂存成功」');
my ($seq) = $page->{text} =~ /id="g-seq_no" value="(\d+)"/;
like($seq, qr/^\d{4}\d{14}$/, "统一编号 $seq: 18 digits");
is(substr($seq, 0, 4), (localtime)[5] + 1900, '... starting with the year');
like($page->{text}, qr/id="g-status" value="暂存"/, '状态 暂存');
is(state_of($id), 0, 'state 0 stored');
my ($agent, $trade) = @{ (db("SELECT agent_name, trade_name FROM retgoods_head WHERE id = $id"))[0] };
isnt($agent, '伪造的报关单位', 'grey fields are never taken from the form (报关单位)');
is($trade, '四川天府机械制造有限公司', '... 收货人 is the import declaration\'s');
is(db_value("SELECT ret_weight FROM retgoods_list WHERE head_id = $id AND g_no = $lines[0]"), '120.5',
    '退货重量 stored on its line');
is(db_value("SELECT COUNT(*) FROM retgoods_receipt WHERE head_id = $id"), 0, 'the first 暂存 writes no 回执');
is(db_value("SELECT industrial FROM retgoods_list WHERE head_id = $id AND g_no = $lines[0]"), 'Y',
    '是否属于工业品: Y by default');
like($page->{text}, qr/<th>是否属于工业品<\/th>/, '商品信息 has the column 是否属于工业品');
like($page->{text}, qr/<select name="industrial"[^>]*><option value="Y" selected>Y-是<\/option><option value="N">N-否<\/option>/,
    '... a Y/N choice per line, Y chosen');
{
    my $ind = $p->post('/retgoods/', [op => 'save', id => $id, valid_form(), weight_no => $lines[0],
        weight => '120.5', industrial => 'N']);
    is($ind->{status}, 303, '暂存 with 是否属于工业品 N');
    is(db_value("SELECT industrial FROM retgoods_list WHERE head_id = $id AND g_no = $lines[0]"), 'N',
        '... stored on its line');
    like($p->get("/retgoods/?id=$id")->{text}, qr/<option value="N" selected>N-否/, '... and shown chosen');
    $ind = $p->post('/retgoods/', [op => 'save', id => $id, valid_form(), weight_no => $lines[0],
        weight => '120.5', industrial => 'X']);
    is($ind->{status}, 200, 'another value: refused');
    like($ind->{text}, qr/请选择第\Q$lines[0]\E项是否属于工业品/, '... with the message on its line');
    $p->post('/retgoods/', [op => 'save', id => $id, valid_form(), weight_no => $lines[0], weight => '120.5']);
}
is(input_value($page->{text}, 'receiver_contact'), '王五', 'the stored record opens in the form');
is(textarea_value($page->{text}, 'orig_entry_ids'), $ORIG, '... with its 原出口报关单号');
my $seq2 = do { my $i2 = save_new($p); db_value("SELECT seq_no FROM retgoods_head WHERE id = $i2") };
ok($seq2 > $seq, 'the next 统一编号 is larger');

# ---------------------------------------------------------------- 删除 (entry)

$r = $p->post('/retgoods/delete', [ids => $id]);
is($r->{status}, 200, '删除 without confirmation: a confirmation page');
like($r->{text}, qr/是否确认删除选中数据/, '... asking');
like($r->{text}, qr/\Q$seq\E/, '... naming the record');
is(state_of($id), 0, '... and nothing deleted yet');
like($r->{text}, qr/href="\/retgoods\/\?id=$id" id="rg-confirm-cancel">取消/, '... 取消 goes back to the record');

# ---------------------------------------------------------------- every state

my %open = map { $_ => 1 } (0, 2, 4, 6, 8);
my %name = (0 => '暂存', 1 => '已提交', 2 => '提交失败', 3 => '海关接收成功', 4 => '海关接收失败',
    5 => '电子审核完成，待人工审核', 6 => '电子审核退单', 7 => '人工审核通过', 8 => '人工审核退单');
for my $s (0 .. 8) {
    set_state($id, $s);
    my $receipts = db_value("SELECT COUNT(*) FROM retgoods_receipt WHERE head_id = $id");
    $page = $p->get("/retgoods/?id=$id");
    $r = $p->post('/retgoods/', [op => 'save', id => $id, valid_form(receiver_contact => "联系人$s")]);
    if ($open{$s}) {
        is($r->{status}, 303, "state $s ($name{$s}): 暂存 allowed");
        is(state_of($id), 0, "state $s: back to 0");
        is(db_value("SELECT COUNT(*) FROM retgoods_receipt WHERE head_id = $id"), $receipts + ($s ? 1 : 0),
            "state $s: " . ($s ? 'a 回执 暂存' : 'no 回执 for 0 → 0'));
        unlike($page->{text}, qr/<button[^>]*id="rg-save"[^>]*disabled/, "state $s: 暂存 enabled");
    } else {
        is($r->{status}, 200, "state $s ($name{$s}): 暂存 refused");
        like(error_box($r->{text}), qr/“\Q$name{$s}\E”.*不允许暂存或删除/, "state $s: the reason names the state");
        is(state_of($id), $s, "state $s: unchanged");
        is(input_value($r->{text}, 'receiver_contact'), "联系人$s", "state $s: nothing typed lost");
        like($page->{text}, qr/<button[^>]*id="rg-save"[^>]*disabled/, "state $s: 暂存 disabled");
        like($page->{text}, qr/id="rg-save" title="[^"]*\Q$name{$s}\E/, "state $s: hover title says why");
        like($page->{text}, qr/<button[^>]*id="rg-submit"[^>]*disabled/, "state $s: 提交 disabled");
    }
    set_state($id, $s);
    $r = $p->post('/retgoods/delete', [ids => $id, confirm => 1]);
    if ($open{$s}) {
        is($r->{status}, 303, "state $s: 删除 allowed");
        is(db_value("SELECT COUNT(*) FROM retgoods_head WHERE id = $id"), 0, "state $s: deleted");
        $id = save_new($p);
    } else {
        is($r->{status}, 409, "state $s: 删除 refused");
        like($r->{text}, qr/“\Q$name{$s}\E”/, "state $s: 删除's reason names the state");
        is(state_of($id), $s, "state $s: still there");
    }
}

# ---------------------------------------------------------------- 提交

my $card_ok = $env->{TS_CARD_PIN} // '123456';
for my $s (0 .. 8) {
    set_state($id, $s);
    my $jobs = db_value("SELECT COUNT(*) FROM job WHERE kind = 'retgoods.receive' AND ref_id = $id");
    my $last_receipt = db_value("SELECT IFNULL(MAX(id), 0) FROM retgoods_receipt WHERE head_id = $id");
    $r = $p->post('/retgoods/', [op => 'submit', id => $id, valid_form(), pin => $card_ok]);
    if ($open{$s}) {
        is($r->{status}, 303, "state $s: 提交 allowed") or diag error_box($r->{text});
        is(db_value("SELECT COUNT(*) FROM retgoods_receipt WHERE head_id = $id AND status = 1 AND from_status = $s"
            . " AND id > $last_receipt"), 1, "state $s: moved to 1 已提交 (its 回执 from $s)");
        ok(settled($id), "state $s: the worker has taken it on");
        ok(state_of($id) >= 1, "state $s: 1 or what customs made of it since");
        like($p->get($r->{location})->{text}, qr/<div class="flash" role="status">已提交<\/div>/, "state $s: 「已提交」");
        is(db_value("SELECT COUNT(*) FROM job WHERE kind = 'retgoods.receive' AND ref_id = $id"), $jobs + 1,
            "state $s: job retgoods.receive queued");
        is(db_value("SELECT content FROM retgoods_receipt WHERE head_id = $id AND status = 1 ORDER BY id DESC LIMIT 1"),
            '-', "state $s: 回执内容 「-」 (the manual's sample)");
    } else {
        is($r->{status}, 200, "state $s: 提交 refused");
        like(error_box($r->{text}), qr/(不能重复提交|不允许再次提交)/, "state $s: with the reason");
        is(state_of($id), $s, "state $s: unchanged");
    }
}
my ($body, $siglen, $certlen, $cardno, $ctime) = @{ (db("SELECT signed_body, LENGTH(signature), LENGTH(sign_cert), sign_card_no,"
    . " collect_time FROM retgoods_head WHERE id = $id"))[0] };
like($body, qr/^TUISHUI-RETGOODS\/2\n/, 'the signed canonical text stored');
like($body, qr/\ncollect_time=\Q$ctime\E\n/, '... with 采集时间');
like($body, qr/\nline=\d+\|[^\n]*\|[YN]\n/, '... each goods line ending with 是否属于工业品');
ok($siglen > 60 && $certlen > 300, 'signature and certificate stored');
is($cardno, $env->{TS_CARD_NO} // '1300000000001', 'the bound card signed');
is(db_value("SELECT HEX(sign_cert) FROM retgoods_head WHERE id = $id"),
    db_value("SELECT HEX(card_cert) FROM app_user WHERE login_name = " . sql_str(account('ent-admin-production')->{login})),
    'the stored certificate is the bound one');

# The signature verifies over the stored text with the stored certificate.
SKIP: {
    my $dir = "$ENV{TS_VAR}/tmp-retgoods-$$";
    mkdir $dir;
    my $hex_sig = db_value("SELECT HEX(signature) FROM retgoods_head WHERE id = $id");
    my $hex_cert = db_value("SELECT HEX(sign_cert) FROM retgoods_head WHERE id = $id");
    open my $fh, '>:raw', "$dir/sig" or skip 'tmp', 1; print $fh pack('H*', $hex_sig); close $fh;
    open $fh, '>:raw', "$dir/cert.der"; print $fh pack('H*', $hex_cert); close $fh;
    open $fh, '>:utf8', "$dir/msg"; print $fh $body; close $fh;
    system("openssl x509 -inform DER -in $dir/cert.der -pubkey -noout > $dir/pub.pem 2>/dev/null") == 0
      or skip 'openssl cannot read the certificate', 1;
    my $out = `openssl pkeyutl -verify -pubin -inkey $dir/pub.pem -rawin -in $dir/msg -sigfile $dir/sig -digest sm3 -pkeyopt distid:1234567812345678 2>&1`;
    like($out, qr/Signature Verified Successfully/, 'the stored signature verifies (openssl, SM2/SM3)');
    system('rm', '-rf', $dir);
}

# Wrong PIN: refused with the card's message, nothing submitted.
my $id2 = save_new($p);
$r = $p->post('/retgoods/', [op => 'submit', id => $id2, valid_form(), pin => '000000']);
is($r->{status}, 200, 'wrong PIN: refused');
like($r->{text}, qr/id="rg-card-error">[^<]*密码/, "... with the card's message");
is(state_of($id2), 0, '... still 暂存');
$r = $p->post('/retgoods/', [op => 'submit', id => $id2, valid_form(), pin => '12']);
is(field_error($r->{text}, 'pin'), '请输入卡密码（6至8位数字）', 'a malformed PIN costs no try');
$r = $p->post('/retgoods/', [op => 'submit', id => $id2, valid_form(), pin => $card_ok,
    reader => $env->{TS_CARD2_READER} // 'tuishui vcard 00 01']);
like($r->{text}, qr/当前卡号 \d+ 与用户注册信息卡号 \d+ 不一致/, 'another card in the reader: refused');
is(state_of($id2), 0, '... still 暂存');
# 提交 of a new form that the card refuses (wrong PIN, another card): the
# insert is rolled back, so the form comes back as a new one (no id, no
# 统一编号) with everything typed, and its 暂存 stores it.
for my $case (['wrong PIN', pin => '000000'],
    ['another card', pin => $card_ok, reader => $env->{TS_CARD2_READER} // 'tuishui vcard 00 01']) {
    my ($what, @card) = @$case;
    my $n0 = count_records($OWN);
    $r = $p->post('/retgoods/', [op => 'submit', valid_form(receiver_contact => '赵六'), @card]);
    is($r->{status}, 200, "new form, $what: refused");
    is(count_records($OWN), $n0, "new form, $what: nothing stored");
    unlike($r->{text}, qr/<input type="hidden" name="id"/, "new form, $what: the form is a new one (no id)");
    like($r->{text}, qr/id="g-seq_no" value="" readonly/, "new form, $what: no 统一编号 shown");
    is(input_value($r->{text}, 'receiver_contact'), '赵六', "new form, $what: typed values kept");
    my @hidden = $r->{text} =~ /<input type="hidden" name="(id)" value="(\d+)"/g;
    my $again = $p->post('/retgoods/', [op => 'save', @hidden, valid_form(receiver_contact => '赵六')]);
    is($again->{status}, 303, "new form, $what: 暂存 of the returned page works")
      or diag error_box($again->{text});
    my ($nid) = ($again->{location} // '') =~ /id=(\d+)/;
    is(db_value("SELECT receiver_contact FROM retgoods_head WHERE id = " . ($nid // 0)), '赵六',
        "new form, $what: ... with the typed values");
}
# 提交 of a new form: stored and submitted at once.
$r = $p->post('/retgoods/', [op => 'submit', valid_form(), pin => $card_ok]);
is($r->{status}, 303, '提交 straight from a new form');
my ($id3) = $r->{location} =~ /id=(\d+)/;
is(db_value("SELECT COUNT(*) FROM retgoods_receipt WHERE head_id = $id3 AND status = 1"), 1,
    '... state 1 (one 回执 已提交)');
is(db_value("SELECT COUNT(*) FROM retgoods_receipt WHERE head_id = $id3 AND status = 0"), 0,
    '... and no 暂存 回执 before it');
ok(settled($id3), '... taken on by the worker');
# A user with no bound card.
my $nocard = 'rg_nocard' . $$;
my $n0;
create_user($nocard, like => account('ent-admin-production')->{login});
my $u = login($nocard, account('ent-admin-production')->{password});
$n0 = count_records($OWN);
$r = $u->post('/retgoods/', [op => 'submit', valid_form(), pin => $card_ok]);
like($r->{text}, qr/您无权限操作该数据/, 'an unbound user may not 提交');
is(count_records($OWN), $n0, '... nothing stored or submitted');

# ---------------------------------------------------------------- the state machine

sub move {
    my ($rid, $from, $to, $text) = @_;
    my $out = `TUISHUI_CONF=$ENV{TUISHUI_CONF} $ADMIN retgoods-move $rid $from $to '$text' 2>&1`;
    return ($? >> 8, Encode::decode_utf8($out));
}
require Encode;
my %allowed = map { $_ => 1 } qw(0-0 2-0 4-0 6-0 8-0 0-1 2-1 4-1 6-1 8-1 1-2 1-3 1-4 3-5 3-6 5-7 5-8);
my $refused_all = 1;
for my $from (0 .. 8) {
    for my $to (0 .. 8) {
        next if $allowed{"$from-$to"};
        set_state($id, $from);
        my $n = db_value("SELECT COUNT(*) FROM retgoods_receipt WHERE head_id = $id");
        my ($rc, $out) = move($id, $from, $to, 'x');
        my $ok = $rc == 1 && $out =~ /不允许从“\Q$name{$from}\E”变为“\Q$name{$to}\E”/ && state_of($id) == $from
          && db_value("SELECT COUNT(*) FROM retgoods_receipt WHERE head_id = $id") == $n;
        $refused_all &&= $ok;
        ok($ok, "move $from → $to refused with the reason, nothing written") or diag $out;
    }
}
set_state($id, 3);
my ($rc, $out) = move($id, 1, 3, 'x');
is($rc, 1, 'a move from a state the record is not in: refused');
like($out, qr/数据状态已是“海关接收成功”，不是“已提交”/, '... saying the state it is in');

# The customs path 1 → 3 → 5 → 7 with receipts and the 退货编号.
set_state($id, 1);
is((move($id, 1, 3, '海关接收成功'))[0], 0, '1 → 3');
is((move($id, 3, 5, '电子审核成功, 进入人工审核环节。'))[0], 0, '3 → 5');
is((move($id, 5, 7, '接收申报、出口退货登记办理成功。'))[0], 0, '5 → 7');
my $retno = db_value("SELECT ret_no FROM retgoods_head WHERE id = $id");
my $yy = sprintf '%02d', ((localtime)[5] + 1900) % 100;
like($retno, qr/^7900${yy}\d{6}$/, "退货编号 $retno: 关区 + year + 6 digits");
$page = $p->get("/retgoods/?id=$id");
like($page->{text}, qr/id="g-ret_no" value="\Q$retno\E"/, '退货编号 shown to the enterprise');
like($page->{text}, qr/id="g-status" value="人工审核通过"/, '状态 人工审核通过');

# ---------------------------------------------------------------- 查询

$seq = db_value("SELECT seq_no FROM retgoods_head WHERE id = $id");

# The enterprise's records of today, and a page of the query fetched while
# that count held (other tests store this enterprise's records today too:
# fetched again, at most 20 times, when one came or went during the request).
my $today_sql = "SELECT COUNT(*) FROM retgoods_head WHERE ent_id = (SELECT ent_id FROM app_user WHERE login_name = "
    . sql_str(account('ent-admin-production')->{login}) . ") AND updated_at >= CURDATE()";
sub pages_while_steady {
    my (@paths) = @_;
    my ($n, @pages);
    for (1 .. 20) {
        $n = db_value($today_sql);
        @pages = map { $p->get($_) } @paths;
        last if db_value($today_sql) == $n;
    }
    return (@pages, $n);
}
sub page_while_steady { return pages_while_steady($_[0]) }

my $own_today;
($r, $own_today) = page_while_steady('/retgoods/query');
is($r->{status}, 200, 'the query page opens');
my $today = do { my @t = localtime; sprintf '%04d-%02d-%02d', $t[5] + 1900, $t[4] + 1, $t[3] };
is(input_value($r->{text}, 'start'), $today, '最近操作时间 defaults to today (start)');
is(input_value($r->{text}, 'end'), $today, '... and end');
like($r->{text}, qr/共 <span id="rg-total">$own_today<\/span> 条/, "total count ($own_today)");
like($r->{text}, qr/<a href="\/retgoods\/\?id=$id" class="rg-seq">\Q$seq\E<\/a>/, '统一编号 opens the record');
like($r->{text}, qr/receipts=$id#rg-receipts" class="rg-status">人工审核通过<\/a>/, 'the status opens the receipts');
like($r->{text}, qr/\Q$retno\E/, '退货编号 in the list');

$r = $p->get("/retgoods/query?seq_no=$seq&receipts=$id");
my @rows = $r->{text} =~ /<table class="list" id="rg-receipt-list">.*?<tbody>(.*?)<\/tbody>/s;
my @rec = $rows[0] =~ /<tr><td>(\d+)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><\/tr>/g;
is($rec[0], 1, 'receipts: 序号 1 first');
is($rec[1], '人工审核通过', '... the newest first (人工审核通过)');
is($rec[2], '接收申报、出口退货登记办理成功。', '... its 回执内容');
like($rec[3], qr/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, '... its 回执时间');
like($r->{text}, qr/统一编号\[\Q$seq\E\]的回执信息/, 'the receipts title');
like($r->{text}, qr/id="rg-receipts-refresh"/, '刷新');
like($r->{text}, qr/href="[^"]*"\s+id="rg-receipts-close"/, '关闭');

$r = $p->get("/retgoods/query?seq_no=$seq");
my @shown = $r->{text} =~ /class="rg-seq">(\d+)</g;
is_deeply(\@shown, [$seq], 'condition 统一编号');
$r = $p->get("/retgoods/query?status=7");
ok((grep { $_ eq $seq } $r->{text} =~ /class="rg-seq">(\d+)</g) && $r->{text} !~ />暂存<\/a>/, 'condition 状态');
$r = $p->get("/retgoods/query?i_entry_id=$SHARED");
like($r->{text}, qr/共 <span id="rg-total">0<\/span> 条/, 'condition 进口报关单号');
$r = $p->get("/retgoods/query?trade=5101940001&status=7");
like($r->{text}, qr/\Q$seq\E/, 'condition 收货人 by 海关编码');
$r = $p->get("/retgoods/query?prod=91510100MA6CAB126W&status=7");
like($r->{text}, qr/\Q$seq\E/, 'condition 原生产企业 by 统一社会信用代码');
$r = $p->get("/retgoods/query?prod=5101960002");
like($r->{text}, qr/共 <span id="rg-total">0<\/span> 条/, '... another 原生产企业 matches none');
$r = $p->get("/retgoods/query?trade=12345");
like($r->{text}, qr/收货人应为18位统一社会信用代码或10位海关编码/, 'a 收货人 code of the wrong length');
$r = $p->get('/retgoods/query?start=2026-10-01&end=2026-10-31');
like($r->{text}, qr/id="rg-query-error"><p>最近操作时间的查询范围不能超过30天/, '31 days refused above the list');
unlike($r->{text}, qr/id="rg-results"/, '... and no list');
is(input_value($r->{text}, 'start'), '2026-10-01', '... the dates kept');
$r = $p->get('/retgoods/query?start=2026-10-01&end=2026-10-30');
like($r->{text}, qr/id="rg-results"/, '30 days with both ends accepted');
$r = $p->get('/retgoods/query?start=2026-10-01');
like($r->{text}, qr/id="rg-query-error"><p>请选择最近操作时间的起止日期/, 'only one date: both asked for');
$r = $p->get('/retgoods/query?start=2026-13-01&end=2026-10-01');
is($r->{status}, 200, 'a malformed date: the page still answers');
unlike($r->{text}, qr/id="rg-results"/, '... with no list');
$r = $p->get('/retgoods/query?start=2026-10-05&end=2026-10-01');
like($r->{text}, qr/结束日期不能早于开始日期/, 'end before start refused');
$r = $p->get('/retgoods/query?range=week');
my ($ws, $we) = (input_value($r->{text}, 'start'), input_value($r->{text}, 'end'));
is($we, $today, '本周 ends today');
ok($ws le $we && (`date -d $ws +%u` + 0) == 1, "本周 starts on a Monday ($ws)");
# 本月: from the 1st of this month, at most the last 30 days (both ends)
$r = $p->get('/retgoods/query?range=month');
{
    my @t = localtime;
    my $first = POSIX::mktime(0, 0, 12, 1, $t[4], $t[5]);
    my $noon = POSIX::mktime(0, 0, 12, $t[3], $t[4], $t[5]);
    my $from = $noon - $first > 29 * 86400 ? $noon - 29 * 86400 : $first;
    my $want = POSIX::strftime('%Y-%m-%d', localtime $from);
    is(input_value($r->{text}, 'start'), $want, "本月 starts on $want (the 1st, or 30 days back at most)");
    is(input_value($r->{text}, 'end'), $today, '... and ends today');
}
# 当天 / 本周 / 本月 are buttons of the query form: the other conditions stay
my ($qform) = $r->{text} =~ m{(<form method="get" action="/retgoods/query".*?</form>)}s;
for my $range (qw(day week month)) {
    like($qform, qr/<button type="submit" name="range" value="$range"/, "$range: a button of the query form");
}
unlike($r->{text}, qr{href="/retgoods/query\?range=}, '... not a link that drops the conditions');
like($qform, qr/^<form[^>]*>\s*(?:<\?cs[^>]*>\s*)?<button type="submit" class="default-submit"/,
    'Enter in a condition submits 查询 (the first button), not 当天');
$r = $p->get("/retgoods/query?seq_no=$seq&status=7&size=50&range=week");
is(input_value($r->{text}, 'seq_no'), $seq, '本周 with 统一编号: the condition kept');
like($r->{text}, qr/<option value="7" selected>/, '... and 状态');
like($r->{text}, qr/<option value="50" selected>50<\/option>/, '... and 每页');
is_deeply([ $r->{text} =~ /class="rg-seq">(\d+)</g ], [$seq], '... and applied');
# 重置: the link goes to the bare page, which has no condition and today's dates
$r = $p->get("/retgoods/query?seq_no=$seq&status=7&start=2026-10-01&end=2026-10-02");
my ($reset) = $r->{text} =~ /<a class="button primary" href="([^"]*)" id="rg-reset">重置<\/a>/;
is($reset, '/retgoods/query', '重置 goes to the page without conditions');
($r, $own_today) = page_while_steady($reset);
is(input_value($r->{text}, 'seq_no'), '', '... 统一编号 empty');
unlike($r->{text}, qr/<option value="7" selected>/, '... 状态 全部');
is(input_value($r->{text}, 'start'), $today, '... dates back to today');
like($r->{text}, qr/共 <span id="rg-total">$own_today<\/span> 条/, '... listing all of today');
# page size and paging: more than a page of today's records, page 2 fetched
save_new($p) for 1 .. (12 - $own_today);
my $total;
($r, $total) = page_while_steady('/retgoods/query?size=10');
ok($total > 10, "more than a page today ($total)");
like($r->{text}, qr/每页 10 条/, 'page size 10');
my @first = $r->{text} =~ /class="rg-seq">(\d+)</g;
is(scalar @first, 10, 'ten rows on page 1');
my $pages = int(($total + 9) / 10);
like($r->{text}, qr/第 1 \/ $pages 页/, "page 1 of $pages");
like($r->{text}, qr/<span class="current" aria-current="page">1<\/span>/, 'page numbers: 1 is this one');
my ($p2) = $r->{text} =~ /<a href="([^"]*page=2)" class="rg-page">2<\/a>/;
ok($p2, '... 2 a link');
my ($next) = $r->{text} =~ /<a href="([^"]*)" id="rg-next">下一页<\/a>/;
is($next, $p2, '下一页 is page 2');
$p2 =~ s/&amp;/&/g;
# both pages at one count, so that a record stored meanwhile shifts neither
(my $r1, $r, $total) = pages_while_steady('/retgoods/query?size=10', $p2);
@first = $r1->{text} =~ /class="rg-seq">(\d+)</g;
my @second = $r->{text} =~ /class="rg-seq">(\d+)</g;
my $rows2 = $total - 10 > 10 ? 10 : $total - 10;
is(scalar @second, $rows2, "page 2: $rows2 rows");
is(scalar(keys %{ { map { $_ => 1 } @first, @second } }), 10 + $rows2, '... none on both pages');
like($r->{text}, qr/<span class="current" aria-current="page">2<\/span>/, '... 2 is this one');
like($r->{text}, qr/id="rg-prev">上一页/, '... with 上一页');
# the list's select-all box next to 删除, Alt+R named on it
like($r->{text}, qr/<th class="check"><input type="checkbox" id="rg-check-all" aria-label="全选"/, 'a select-all box');
like($r->{text}, qr/id="rg-list-delete" title="删除 \(Alt\+R\)"/, '删除 names Alt+R');

# multi-select 删除: all or none
my $a1 = save_new($p);
my $a2 = save_new($p);
set_state($a2, 3);
$r = $p->post('/retgoods/delete', [ids => $a1, ids => $a2, confirm => 1, back => '/retgoods/query']);
is($r->{status}, 409, 'multi 删除 with one 海关接收成功: refused');
like($r->{text}, qr/统一编号\d{18}：数据状态为“海关接收成功”.*所选数据均未删除/, '... naming the record and its state');
is(db_value("SELECT COUNT(*) FROM retgoods_head WHERE id IN ($a1, $a2)"), 2, '... none deleted');
set_state($a2, 8);
$r = $p->post('/retgoods/delete', [ids => $a1, ids => $a2, back => '/retgoods/query?range=day']);
like($r->{text}, qr/是否确认删除选中数据/, 'multi 删除: the confirmation first');
$r = $p->post('/retgoods/delete', [ids => $a1, ids => $a2, confirm => 1, back => '/retgoods/query?range=day']);
is($r->{status}, 303, 'multi 删除 confirmed');
is($r->{location}, '/retgoods/query?range=day', '... back to the list');
like($p->get($r->{location})->{text}, qr/删除成功，共删除2条数据。/, '... saying how many');
is(db_value("SELECT COUNT(*) FROM retgoods_head WHERE id IN ($a1, $a2)"), 0, '... both gone');
$r = $p->post('/retgoods/delete', [back => '/retgoods/query']);
like($p->get($r->{location})->{text}, qr/请先勾选要删除的数据/, '删除 with nothing ticked');

# A 退货金额 beyond what C holds (int64 fen; DECIMAL(19,2) holds more): an
# error page, never the record shown (or signed) with 0.00.
{
    my $bad = save_new($p);
    db_do("UPDATE retgoods_list SET decl_total = 99999999999999999.99 WHERE head_id = $bad");
    $r = $p->get("/retgoods/?id=$bad");
    is($r->{status}, 500, 'an unreadable 退货金额: an error page');
    unlike($r->{text}, qr/value="0\.00"/, '... not the record with 0.00');
    db_do("DELETE FROM retgoods_head WHERE id = $bad");
}

# ---------------------------------------------------------------- isolation

is($t->get("/retgoods/?id=$id")->{status}, 404, "another enterprise's record: 404");
$r = $t->post('/retgoods/', [op => 'save', id => $id2, valid_form(i_entry_id => $SHARED)]);
is($r->{status}, 404, "another enterprise's record may not be saved over");
is(db_value("SELECT i_entry_id FROM retgoods_head WHERE id = $id2"), $OWN, '... unchanged');
$r = $t->post('/retgoods/delete', [ids => $id2, confirm => 1]);
is($r->{status}, 404, "another enterprise's record may not be deleted");
is(db_value("SELECT COUNT(*) FROM retgoods_head WHERE id = $id2"), 1, '... still there');
$r = $t->get("/retgoods/query?seq_no=$seq&receipts=$id");
unlike($r->{text}, qr/\Q$seq\E<\/a>/, "another enterprise's query does not list it");
unlike($r->{text}, qr/rg-receipt-list/, "... nor shows its receipts");
like($r->{text}, qr/未找到该出口退货信息，或无权查看/, '... it says not found');
$r = $t->post('/retgoods/', [op => 'save', valid_form(i_entry_id => $OWN)]);
is(field_error($r->{text}, 'i_entry_id'), '未找到该进口报关单或无权使用',
    "another enterprise's import declaration may not be saved");

# ---------------------------------------------------------------- CSRF

my $n = count_records($OWN);
$r = $p->post('/retgoods/', [op => 'save', valid_form()], {no_csrf => 1});
is($r->{status}, 403, '暂存 without the CSRF token: 403');
$r = $p->post('/retgoods/', [_csrf => 'f' x 64, op => 'save', valid_form()]);
is($r->{status}, 403, '... with a wrong token: 403');
$r = $p->post('/retgoods/delete', [ids => $id2, confirm => 1], {no_csrf => 1});
is($r->{status}, 403, '删除 without the CSRF token: 403');
is(count_records($OWN), $n, 'nothing stored or deleted');

done_testing();
