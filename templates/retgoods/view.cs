<?cs # A 出口退货信息 record, read-only (for the customs officer's detail
       page, cgi-bin/customs.c): include after ts_retgoods_to_hdf(c, "Rec", r). ?>
<div class="rg-view" id="rg-view">
  <table class="list rg-view-head">
    <tbody>
      <tr><th>统一编号</th><td><?cs var:Rec.seq_no ?></td><th>退货编号</th><td><?cs var:Rec.ret_no ?></td><th>状态</th><td><?cs var:Rec.status_name ?></td></tr>
      <tr><th>采集人</th><td><?cs var:Rec.collector ?></td><th>采集机构</th><td><?cs var:Rec.collector_scc ?> <?cs var:Rec.collector_code ?> <?cs var:Rec.collector_name ?></td><th>采集时间</th><td><?cs var:Rec.collect_time ?></td></tr>
      <tr><th>采集机构类别</th><td id="rv-collect_type"><?cs var:Rec.collect_type ?></td><th>退货信息来源</th><td colspan="3" id="rv-info_source"><?cs var:Rec.info_source ?></td></tr>
      <tr><th>进口报关单号</th><td><?cs var:Rec.i_entry_id ?></td><th>报关单位</th><td><?cs var:Rec.agent_scc ?> <?cs var:Rec.agent_code ?> <?cs var:Rec.agent_name ?></td><th>报关员</th><td><?cs var:Rec.declarant ?></td></tr>
      <tr><th>收货人</th><td><?cs var:Rec.trade_scc ?> <?cs var:Rec.trade_code ?> <?cs var:Rec.trade_name ?></td><th>收货人所在地</th><td><?cs var:Rec.receiver_addr ?></td><th>收货联系人及联系电话</th><td><?cs var:Rec.receiver_contact ?> <?cs var:Rec.receiver_phone ?></td></tr>
      <tr><th>消费使用单位</th><td><?cs var:Rec.owner_scc ?> <?cs var:Rec.owner_code ?> <?cs var:Rec.owner_name ?></td><th>消费使用单位所在地关区</th><td><?cs var:Rec.owner_district_text ?></td><th>退货日期</th><td><?cs var:Rec.ret_date ?></td></tr>
      <tr><th>报关日期</th><td><?cs var:Rec.d_date ?></td><th>到港日期</th><td><?cs var:Rec.ie_date ?></td><th>退货国家(地区)</th><td><?cs var:Rec.trade_country_text ?></td></tr>
      <tr><th>受理报关机构</th><td><?cs var:Rec.custom_master_text ?></td><th>海关贸易方式</th><td><?cs var:Rec.trade_mode_text ?></td><th>提运单号</th><td><?cs var:Rec.bill_no ?></td></tr>
      <tr><th>目的地海关</th><td><?cs var:Rec.dest_customs_text ?></td><th>拟处理方式</th><td colspan="3"><?cs var:Rec.handle_ways_label ?><?cs if:Rec.handle_other ?>（<?cs var:Rec.handle_other ?>）<?cs /if ?></td></tr>
      <tr><th>原出口报关单号</th><td colspan="5"><?cs var:Rec.orig_entry_ids ?></td></tr>
      <tr><th>原生产企业</th><td><?cs var:Rec.prod_scc ?> <?cs var:Rec.prod_code ?> <?cs var:Rec.prod_name ?></td><th>联系人及电话</th><td><?cs var:Rec.prod_contact ?> <?cs var:Rec.prod_phone ?></td><th>行政区划 / 所属机构</th><td><?cs var:Rec.prod_region ?> / <?cs var:Rec.prod_district_text ?></td></tr>
      <tr><th>出口是否法检</th><td><?cs var:Rec.export_inspect ?></td><th>关联报关单原出口监管方式</th><td><?cs if:Rec.orig_trade_mode == "0110" ?>一般贸易<?cs else ?><?cs var:Rec.orig_trade_mode ?><?cs /if ?></td><th>退货原因类别</th><td><?cs var:Rec.reason_kinds_label ?></td></tr>
      <tr><th>具体退运原因</th><td colspan="5"><?cs var:Rec.reasons_label ?></td></tr>
      <tr><th>退货原因具体说明</th><td colspan="5"><?cs var:Rec.reason_note ?></td></tr>
    </tbody>
  </table>
  <table class="list rg-lines">
    <thead><tr><th>序号</th><th>货物HS编码</th><th>监管类别名称</th><th>货物名称</th><th>退货金额</th><th>退货金额单位</th><th>退货数量</th><th>数量单位</th><th>退货重量</th><th>重量单位</th><th>是否属于工业品</th></tr></thead>
    <tbody><?cs each:l = Rec.Lines ?><tr><td><?cs var:l.g_no ?></td><td><?cs var:l.code_ts ?></td><td><?cs var:l.supv_class_name ?></td><td><?cs var:l.g_name ?></td><td class="num"><?cs var:l.decl_total ?></td><td><?cs var:l.trade_curr_text ?></td><td class="num"><?cs var:l.g_qty ?></td><td><?cs var:l.g_unit_text ?></td><td class="num"><?cs var:l.ret_weight ?></td><td>千克</td><td><?cs var:l.industrial_label ?></td></tr><?cs /each ?></tbody>
  </table>
  <table class="list rg-receipt-list">
    <thead><tr><th>序号</th><th>审核状态</th><th>回执内容</th><th>回执时间</th></tr></thead>
    <tbody><?cs each:x = Rec.Receipts ?><tr><td><?cs var:x.no ?></td><td><?cs var:x.status_name ?></td><td><?cs var:x.content ?></td><td><?cs var:x.time ?></td></tr><?cs /each ?></tbody>
  </table>
</div>
