#!/usr/bin/perl
# tests/http/retgoods_review.t — customs' side of 出口退货 (manual 004;
# docs/retgoods.md "Reception and electronic audit", "Customs review"):
# a record the production enterprise submits (signed with the stack's
# virtual card) is received and audited by the jobs worker (retgoods.receive
# then retgoods.audit: 1 → 3 → 5, or → 4 / → 6 on bad data), and the customs
# officer reviews it at /customs/retgoods (5 → 7 with the 退货编号, 5 → 8
# with a reason); every move writes its 回执, and every illegal one is
# refused with the reason.
#
# Each run publishes its own import declarations (fresh numbers) through
# the officer's 进口报关单发布, so other test files using the demo ones are
# not disturbed and a run can be repeated on the same stack.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use TsTest qw(:DEFAULT :html);
use TsDecl;
use TsCard;
use Time::HiRes qw(sleep);
use Encode ();

binmode(STDOUT, ':utf8');
binmode(Test::More->builder->$_, ':utf8') for qw(output failure_output todo_output);

plan skip_all => 'the stack has no card reader (提交 needs the card)' unless card_env();

my $tag = sprintf '%05d', $$ % 100000;
my $n = 0;
sub fresh_import_no { return sprintf '790020261%04d%05d', 9000 + ++$n, $tag }
sub flash { my ($html) = @_; return $html =~ m{<div class="flash" role="status">(.*?)</div>}s ? $1 : undef }
sub errors_of { my ($html) = @_; return join ' | ', map { s/<[^>]*>//gr } $html =~ m{<div class="form-errors"[^>]*>(.*?)</div>}gs }

my $officer = login('customs-officer');
my $ent = login('ent-admin-production');

# Publish an import declaration of the production enterprise (境内收货人 and
# 消费使用单位) with the given goods lines ([HS, name] ...); its number.
sub publish_import { return publish_import_as(fresh_import_no(), @_) }

# The same with a given number (published again: 修改); a hash first
# overrides header fields.
sub publish_import_as {
    my ($no, @goods) = @_;
    my %over = ref $goods[0] eq 'HASH' ? %{ shift @goods } : ();
    my %f = (
        EntryId => $no, CustomMaster => '7900', IEPort => '7900', IEDate => '2026-11-24',
        DDate => '2026-11-25', AgentCode => '5101980009', AgentName => '四川蓉城报关有限公司',
        DeclarantName => '赵关', TradeCoScc => $PROD_SCC, TradeCode => $PROD_CODE, TradeName => $PROD_NAME,
        ReceiverAddr => '四川省成都市高新区天府大道北段1号', OwnerCodeScc => $PROD_SCC,
        OwnerCode => $PROD_CODE, OwnerName => $PROD_NAME, OwnerCustoms => '7900', TradeCountry => 'DEU',
        TradeMode => '4561', BillNo => 'MSKU' . $tag, DestCustoms => '7900', lines => scalar(@goods),
        %over,
    );
    my $k = 0;
    for my $g (@goods) {
        $k++;
        %f = (%f, "GNo_$k" => $k, "CodeTS_$k" => $g->[0], "GName_$k" => $g->[1], "GQty_$k" => 1,
            "GUnit_$k" => '001', "DeclTotal_$k" => '12500', "TradeCurr_$k" => 'USD',
            "SupvClassName_$k" => '入境货物');
    }
    $officer->get('/customs/importnew');
    my $r = $officer->post('/customs/importsave', \%f);
    die "import declaration $no not published: " . errors_of($r->{text}) unless $r->{status} == 303;
    return $no;
}

# The entry form's fields for import declaration $no (原出口报关单号: the demo
# export declaration 790020260000810001, 数控钻床 8459290000, exported
# 2026-11-02 by the production enterprise).
sub entry {
    my ($no, %over) = @_;
    return (
        i_entry_id => $no, fetched => $no, receiver_addr => '四川省成都市高新区天府大道北段1号',
        receiver_contact => '张敏', receiver_phone => '13800000001', owner_district => '7900',
        ret_date => '2026-11-20', handle_ways => '1', orig_entry_ids => '790020260000810001',
        prod_scc => $PROD_SCC, prod_code => $PROD_CODE, prod_name => $PROD_NAME, prod_contact => '张敏',
        prod_phone => '13800000001', prod_region => '510107', prod_district => '7901',
        export_inspect => 'N', orig_trade_mode => '0110', reason_kinds => 'Q', reasons => 'Q1',
        reason_note => '主轴精度不达标', %over,
    );
}

# 提交 as the production enterprise (PIN 123456 of the demo card): the id.
sub submit {
    my (%f) = @_;
    $ent->get('/retgoods/');
    my $r = $ent->post('/retgoods/', { entry(delete $f{no}, %f), op => 'submit', pin => '123456' });
    die 'not submitted: ' . errors_of($r->{text}) unless $r->{status} == 303;
    my ($id) = ($r->{location} // '') =~ /id=(\d+)/ or die 'no id';
    return $id;
}

sub status_of { db_value("SELECT status FROM retgoods_head WHERE id = $_[0]") }

# Wait until the worker has moved the record out of 1 / 3 (10 s at most).
sub settled {
    my ($id) = @_;
    for (1 .. 100) {
        my $s = status_of($id);
        return $s if $s != 1 && $s != 3;
        sleep 0.1;
    }
    return status_of($id);
}

# The 回执 of a record, oldest first: [status, content].
sub receipts {
    my ($id) = @_;
    return scalar db("SELECT status, content FROM retgoods_receipt WHERE head_id = $id ORDER BY id");
}

# Put a record back into 1 and queue its reception again, behind the
# portal's back (what a record the network delivered late looks like).
sub requeue_reception {
    my ($id, $set) = @_;
    db_do("UPDATE retgoods_head SET status = 1" . ($set ? ", $set" : '') . " WHERE id = $id");
    db_do("INSERT INTO job (ent_id, kind, ref_id) SELECT ent_id, 'retgoods.receive', id"
          . " FROM retgoods_head WHERE id = $id");
}

my $good_no = publish_import([ '8459290000', '数控钻床' ]);

subtest 'a good record: 1 → 3 → 5 by the worker, then 审核通过 (5 → 7)' => sub {
    my $id = submit(no => $good_no);
    is(settled($id), 5, 'reception and audit brought it to 5 电子审核完成，待人工审核');
    is_deeply(receipts($id),
        [ [ 1, '-' ], [ 3, '海关接收成功' ], [ 5, '电子审核成功，进入人工审核环节。' ] ],
        'a 回执 per move, the manual\'s texts') or diag explain receipts($id);

    my $v = $officer->get("/customs/retgoodsview?id=$id");
    like($v->{text}, qr/<th>采集机构类别<\/th><td id="rv-collect_type">企业<\/td>/, 'the view shows 采集机构类别');
    like($v->{text}, qr/<th>退货信息来源<\/th><td colspan="3" id="rv-info_source">进境货物报关时提供的有效单证<\/td>/,
        '... and 退货信息来源');
    like($v->{text}, qr/<th>是否属于工业品<\/th>.*<td>Y-是<\/td><\/tr>/s, '... and each line\'s 是否属于工业品');

    my $r = $officer->get('/customs/retgoods');
    is($r->{status}, 200, '出口退货审核 opens');
    my @rows = list_rows($r->{text}, 'customs-retgoods');
    my ($row) = grep { ($_->[2] // '') eq $good_no } @rows;
    ok($row, 'the default list (状态 5) shows it');
    is($row->[8], '电子审核完成，待人工审核', 'with its 状态');
    like($r->{text}, qr/<option value="5" selected>/, '5 is the default choice');

    $r = $officer->get("/customs/retgoodsview?id=$id");
    is($r->{status}, 200, 'the detail opens');
    like($r->{text}, qr/\Q$good_no\E/, 'showing the record (ret\'s view.cs)');
    like($r->{text}, qr/审核通过/, 'with 审核通过');
    like($r->{text}, qr/name="reason"/, 'and 退单 with its reason box');

    $r = $officer->post('/customs/retgoodsapprove', { id => $id });
    is($r->{status}, 303, '审核通过 accepted');
    $r = $officer->follow($r);
    my $ret_no = db_value("SELECT ret_no FROM retgoods_head WHERE id = $id");
    like($ret_no, qr/^7900\d{2}\d{6}$/, '退货编号: 关区 7900 + yy + 6 digits');
    like(flash($r->{text}) // '', qr/人工审核通过，退货编号\Q$ret_no\E/, 'the message names it');
    is(status_of($id), 7, 'state 7');
    is_deeply(receipts($id)->[-1], [ 7, '接收申报、出口退货登记办理成功。' ], 'the 回执 of 7');
    unlike($r->{text}, qr/action="\/customs\/retgoodsapprove"/, 'no review buttons past 5');

    my $before = scalar @{ receipts($id) };
    $r = $officer->post('/customs/retgoodsapprove', { id => $id });
    is($r->{status}, 200, '审核通过 again: refused');
    like(errors_of($r->{text}), qr/数据状态已是“人工审核通过”/, 'with the reason');
    $r = $officer->post('/customs/retgoodsreject', { id => $id, reason => '晚了' });
    like(errors_of($r->{text}), qr/数据状态已是“人工审核通过”/, '退单 of a 7: refused with the reason');
    is(scalar @{ receipts($id) }, $before, 'no 回执 written by a refusal');
    is(status_of($id), 7, 'still 7');

    # the enterprise sees the 回执 in 出口退货信息查询
    my $q = $ent->get("/retgoods/query?i_entry_id=$good_no&range=month");
    like($q->{text}, qr/\Q$ret_no\E/, 'the enterprise\'s 查询 shows the 退货编号');

    # a second record of the same import declaration: refused by the audit (E6)
    my $again = submit(no => $good_no);
    is(settled($again), 6, 'a second record of a registered import declaration: 6');
    like(receipts($again)->[-1][1], qr/^电子审核退单：.*已办理出口退货登记（统一编号\d+）/,
        'the 回执 says it is registered already');
};

subtest '退单 (5 → 8): the reason is required' => sub {
    my $no = publish_import([ '8459290000', '数控钻床' ]);
    my $id = submit(no => $no);
    is(settled($id), 5, 'at 5');
    my $r = $officer->post('/customs/retgoodsreject', { id => $id, reason => '' });
    is($r->{status}, 200, 'no reason: the page again');
    like($r->{text}, qr/请填写退单原因/, 'saying the reason is needed');
    is(status_of($id), 5, 'still 5');
    $r = $officer->post('/customs/retgoodsreject', { id => $id, reason => 'x' x 201 });
    like($r->{text}, qr/class="error"/, 'a reason over 200 characters: refused');
    is(status_of($id), 5, 'still 5');
    $r = $officer->post('/customs/retgoodsreject', { id => $id, reason => '退运原因说明不充分<b>' });
    is($r->{status}, 303, '退单 with a reason accepted');
    is(status_of($id), 8, 'state 8');
    is_deeply(receipts($id)->[-1], [ 8, '人工审核退单：退运原因说明不充分<b>' ], 'the 回执 carries the reason');
    is(db_value("SELECT ret_no IS NULL FROM retgoods_head WHERE id = $id"), 1, 'no 退货编号');
    $r = $officer->get("/customs/retgoodsview?id=$id");
    like($r->{text}, qr/退运原因说明不充分&lt;b&gt;/, 'shown escaped');
    $r = $officer->post('/customs/retgoodsapprove', { id => $id });
    like(errors_of($r->{text}), qr/数据状态已是“人工审核退单”/, '审核通过 of an 8: refused');
    my @rows = list_rows($officer->get('/customs/retgoods?status=8')->{text}, 'customs-retgoods');
    ok((grep { ($_->[2] // '') eq $no } @rows), 'listed under 状态 8');
};

subtest 'one registration per import declaration: the second 审核通过 is refused' => sub {
    my $no = publish_import([ '8459290000', '数控钻床' ]);
    my $first = submit(no => $no);
    my $second = submit(no => $no);
    is(settled($first), 5, 'the first at 5');
    is(settled($second), 5, 'the second at 5 too (nothing registered yet)');
    my $r = $officer->post('/customs/retgoodsapprove', { id => $first });
    is($r->{status}, 303, 'the first approved');
    my $seq = db_value("SELECT seq_no FROM retgoods_head WHERE id = $first");
    $r = $officer->post('/customs/retgoodsapprove', { id => $second });
    is($r->{status}, 200, 'the second: refused');
    like(errors_of($r->{text}), qr/进口报关单\Q$no\E已办理出口退货登记（统一编号\Q$seq\E）/, 'naming the first');
    is(status_of($second), 5, 'still 5');
    is(db_value("SELECT ret_no IS NULL FROM retgoods_head WHERE id = $second"), 1, 'no 退货编号 used');
    $r = $officer->post('/customs/retgoodsreject', { id => $second, reason => '重复登记' });
    is($r->{status}, 303, 'it can still be sent back (退单)');
    is(status_of($second), 8, 'now 8 人工审核退单');
};

subtest 'one registration per import declaration: two officers at once' => sub {
    # The other officer's 审核通过 of the first record, not committed for
    # 3 s, while ours approves the second: the check before the move cannot
    # see it, the registration key (schema/022) must refuse ours.
    my $no = publish_import([ '8459290000', '数控钻床' ]);
    my $first = submit(no => $no);
    my $second = submit(no => $no);
    is(settled($first), 5, 'the first at 5');
    is(settled($second), 5, 'the second at 5');
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        db_do("BEGIN; UPDATE retgoods_head SET status = 7 WHERE id = $first; DO SLEEP(3); COMMIT;");
        exit 0;
    }
    sleep 1;
    my $r = $officer->post('/customs/retgoodsapprove', { id => $second });
    waitpid($pid, 0);
    my $seq = db_value("SELECT seq_no FROM retgoods_head WHERE id = $first");
    is(status_of($first), 7, "the other officer's approval committed");
    is($r->{status}, 200, 'ours: the page again, not an error page');
    like(errors_of($r->{text}), qr/进口报关单\Q$no\E已办理出口退货登记（统一编号\Q$seq\E）/,
        '... naming the record registered meanwhile');
    is(status_of($second), 5, 'the second still 5');
    is(db_value("SELECT COUNT(*) FROM retgoods_head WHERE i_entry_id = '$no' AND status = 7"), 1,
        'one registration only');
    is(db_value("SELECT ret_no IS NULL FROM retgoods_head WHERE id = $second"), 1, 'no 退货编号 used');
};

subtest 'a failed electronic audit: ts-admin retgoods-requeue queues it again' => sub {
    # What a retgoods.audit job that hit a database error leaves: the record
    # in 3 and the job failed (tools/ts-worker undo_retgoods_audit).
    my $admin = "TUISHUI_CONF=$ENV{TUISHUI_CONF} $ENV{TS_BUILD}/tools/ts-admin";
    my $no = publish_import([ '8459290000', '数控钻床' ]);
    my $id = submit(no => $no);
    is(settled($id), 5, 'at 5');
    my $out = Encode::decode_utf8(`$admin retgoods-requeue $id 2>&1`);
    is($? >> 8, 1, 'a record not in 3: refused');
    like($out, qr/不是“海关接收成功”/, '... with the reason');
    db_do("UPDATE retgoods_head SET status = 3 WHERE id = $id");
    db_do("UPDATE job SET status = 'failed' WHERE kind = 'retgoods.audit' AND ref_id = $id");
    $out = `$admin retgoods-requeue $id 2>&1`;
    is($? >> 8, 0, 'in 3 with its audit failed: queued again') or diag $out;
    is(settled($id), 5, 'the worker audits it: 5');
    is_deeply([ map { $_->[0] } @{ receipts($id) } ], [ 1, 3, 5, 5 ], 'its 回执: the audit once more');
    like(db_value("SELECT detail FROM audit_log WHERE action = 'ts-admin.retgoods-requeue'"
        . " AND object_id = '$id'") // '', qr/audit job \d+ queued/, 'the audit log says so');
};

subtest 'electronic audit rules: 3 → 6 with every reason' => sub {
    my $no = publish_import([ '8459290000', '数控钻床' ], [ '9999999999', '不明货物' ]);
    # a trading enterprise's export declaration, an unknown one, a date
    # before the export
    my $id = submit(no => $no, orig_entry_ids => '790220260000820001/790020260000899999',
        ret_date => '2026-10-01');
    is(settled($id), 6, '电子审核退单');
    my $text = receipts($id)->[-1][1];
    like($text, qr/^电子审核退单：1\. /, 'numbered reasons');
    like($text, qr/原出口报关单790220260000820001的境内发货人和生产销售单位都不是原生产企业/, 'E2 producer');
    like($text, qr/原出口报关单790020260000899999未找到海关已发布的出口报关单/, 'E1 not published');
    like($text, qr/商品序号2的HS编码9999999999不在原出口报关单的商品中/, 'E4 goods');
    like($text, qr/商品序号1的HS编码8459290000不在原出口报关单的商品中/,
        'E4: the HS code must be on the given declarations, not any');
    like($text, qr/退货日期2026-10-01早于原出口日期2026-11-08/, 'E5 date');
    is_deeply([ map { $_->[0] } @{ receipts($id) } ], [ 1, 3, 6 ], 'received first, then refused');
    my $r = $officer->post('/customs/retgoodsapprove', { id => $id });
    like(errors_of($r->{text}), qr/数据状态已是“电子审核退单”/, '审核通过 of a 6: refused');


    # E3: an export declaration of the producer, but not 一般贸易 (published
    # here through the officer's export form; exported in September, a month
    # no other test queries)
    my $exp = sprintf '790020260%04d%05d', 9000 + ++$n, $tag;
    $officer->get('/customs/new');
    my $r2 = $officer->post('/customs/save', {
        DeclType => 1, EntryId => $exp, CustomMaster => '7900', IEPort => '7900', IEDate => '2026-09-03',
        DDate => '2026-09-02', ClearDate => '2026-09-04', TradeCoScc => $PROD_SCC, TradeCode => $PROD_CODE,
        TradeName => $PROD_NAME, TrafMode => 2, TradeMode => '0615', TransMode => 3, TradeCountry => 'DEU',
        GNo_1 => 1, CodeTS_1 => '8459290000', GName_1 => '数控钻床', GQty_1 => 1, GUnit_1 => '001',
        FirstQty_1 => 1, FirstUnit_1 => '001', DeclPrice_1 => '12500', DeclTotal_1 => '12500',
        TradeCurr_1 => 'USD', UsdFob_1 => '12500', RmbFob_1 => '88750', OriginCountry_1 => 'CHN',
        DestinationCountry_1 => 'DEU', lines => 1 });
    is($r2->{status}, 303, 'an export declaration under 进料对口 published') or diag errors_of($r2->{text});
    my $no2 = publish_import([ '8459290000', '数控钻床' ]);
    my $id2 = submit(no => $no2, orig_entry_ids => $exp);
    is(settled($id2), 6, '原出口监管方式 not 一般贸易: 6');
    like(receipts($id2)->[-1][1], qr/原出口报关单\Q$exp\E的监管方式为0615，与关联报关单原出口监管方式0110不符/,
        'E3 named');
    unlike(receipts($id2)->[-1][1], qr/HS编码|日期/, 'and nothing else (goods and dates are fine)');
};

subtest 'reception rules: 1 → 4 on bad data' => sub {
    my $no = publish_import([ '8459290000', '数控钻床' ]);
    my $id = submit(no => $no);
    is(settled($id), 5, 'a good record first');

    # changed after signing: the signature no longer covers it
    requeue_reception($id, "receiver_contact = '李四'");
    is(settled($id), 4, 'data changed after the signature: 海关接收失败');
    like(receipts($id)->[-1][1], qr/^海关接收失败：.*与提交时IC卡签名的内容不一致/, 'the 回执 says why');

    # a signature that does not verify
    db_do("UPDATE retgoods_head SET receiver_contact = '张敏' WHERE id = $id");
    requeue_reception($id, "signature = UNHEX(CONCAT('30', REPEAT('0', 140)))");
    is(settled($id), 4, 'a broken signature: 4');
    like(receipts($id)->[-1][1], qr/IC卡签名验证失败/, 'the 回执 says the signature failed');

    # the import declaration published again with other goods
    my $id2 = submit(no => $no);
    is(settled($id2), 5, 'another good record');
    publish_import_as($no, [ '8466930000', '钻床零件' ]);
    is(db_value("SELECT COUNT(*) FROM import_decl_head WHERE entry_id = '$no'"), 2,
        'the import declaration published again (修改)');
    requeue_reception($id2);
    is(settled($id2), 4, 'goods changed since: 4');
    like(receipts($id2)->[-1][1], qr/进口报关单\Q$no\E的商品信息已变更/, 'the 回执 says so');

    # R5 compares the whole imported part (ts_retgoods_from_import), not
    # only 序号 and HS code: a 修改 of a header field, then of a goods
    # line's name with its HS code unchanged
    my $no2 = publish_import([ '8459290000', '数控钻床' ]);
    my $id3 = submit(no => $no2);
    is(settled($id3), 5, 'a third good record');
    publish_import_as($no2, { BillNo => 'COSU' . $tag }, [ '8459290000', '数控钻床' ]);
    requeue_reception($id3);
    is(settled($id3), 4, 'the 提运单号 changed since: 4');
    like(receipts($id3)->[-1][1], qr/进口报关单\Q$no2\E的提运单号已变更，与申报的不一致/,
        'the 回执 names the header field');
    unlike(receipts($id3)->[-1][1], qr/商品信息已变更/, '... and not the goods');
    my $no3 = publish_import([ '8459290000', '数控钻床' ]);
    my $id4 = submit(no => $no3);
    is(settled($id4), 5, 'a fourth good record');
    publish_import_as($no3, [ '8459290000', '数控钻床（立式）' ]);
    requeue_reception($id4);
    is(settled($id4), 4, 'a goods name changed since (same HS code): 4');
    like(receipts($id4)->[-1][1], qr/进口报关单\Q$no3\E的商品信息已变更/, 'the 回执 says so');

    # 4 may be submitted again (ret's rule), and a 4 is not reviewable
    my $r = $officer->post('/customs/retgoodsapprove', { id => $id2 });
    like(errors_of($r->{text}), qr/数据状态已是“海关接收失败”/, '审核通过 of a 4: refused');
};

subtest 'a reception that fails on the database: 1 → 2 提交失败, nothing half-done' => sub {
    my $no = publish_import([ '8459290000', '数控钻床' ]);
    my $id = submit(no => $no);
    is(settled($id), 5, 'a good record first');
    my $before = scalar @{ receipts($id) };
    # the database refuses the 回执 of reception (3 or 4) for this record
    # only (a NULL 回执内容 in a NOT NULL column, strict mode)
    db_do("CREATE TRIGGER rg_review_fail_$tag BEFORE INSERT ON retgoods_receipt FOR EACH ROW"
          . " SET NEW.content = IF(NEW.head_id = $id AND NEW.status IN (3, 4), NULL, NEW.content)");
    requeue_reception($id);
    my $s = settled($id);
    db_do("DROP TRIGGER IF EXISTS rg_review_fail_$tag");
    is($s, 2, 'the record is 提交失败');
    my $last = receipts($id)->[-1];
    is($last->[0], 2, 'with its 回执');
    like($last->[1], qr/^提交失败：海关接收处理异常（数据库错误，海关处理未完成），请重新提交$/, 'saying why');
    is(scalar @{ receipts($id) }, $before + 1, 'no 回执 of the failed reception');
    is(db_value("SELECT status FROM job WHERE kind = 'retgoods.receive' AND ref_id = $id ORDER BY id DESC LIMIT 1"),
        'failed', 'the job says failed');
    is(db_value("SELECT COUNT(*) FROM job WHERE kind = 'retgoods.audit' AND ref_id = $id AND status = 'queued'"), 0,
        'and queued no audit');
    my $again = submit(no => $no, id => $id);
    is($again, $id, 'the enterprise submits it again from 2');
    is(settled($id), 5, 'and customs takes it this time');
};

subtest 'who may review' => sub {
    is(login('ent-admin-production')->get('/customs/retgoods')->{status}, 403, 'not an enterprise user');
    is(login('tax-officer')->get('/customs/retgoods')->{status}, 403, 'nor a tax officer');
    my $login = 'cus_sz' . $tag;
    my $uid = create_user($login, like => 'customs01', must_change => 0);
    db_do("UPDATE app_user SET customs_district_code = '5300' WHERE id = $uid");
    my $other = login($login, account('customs-officer')->{password});
    my $id = db_value("SELECT id FROM retgoods_head WHERE i_entry_id = '$good_no' AND status = 7");
    is($other->get("/customs/retgoodsview?id=$id")->{status}, 404,
        'an officer of another 直属海关 does not see a record of 7900');
    my @rows = list_rows($other->get('/customs/retgoods?status=7')->{text}, 'customs-retgoods');
    ok(!(grep { ($_->[2] // '') eq $good_no } @rows), 'nor lists it');
    my $no = publish_import([ '8459290000', '数控钻床' ]);
    my $pending = submit(no => $no);
    is(settled($pending), 5, 'a record at 5');
    my $r = $other->post('/customs/retgoodsapprove', { id => $pending });
    is($r->{status}, 404, 'the other officer cannot approve it');
    $r = $officer->post('/customs/retgoodsapprove', { id => $pending, _csrf => 'forged' });
    isnt($r->{status}, 303, 'a POST without the session\'s CSRF token is refused');
    is(status_of($pending), 5, 'still 5');
    my $saved = db_value("SELECT MIN(id) FROM retgoods_head WHERE status = 0");
    is($officer->get("/customs/retgoodsview?id=$saved")->{status}, 404, 'a 暂存 record is not customs\' to see')
      if $saved;
};

done_testing;
