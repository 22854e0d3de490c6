<?cs # §2.1.9 直接打印: the paper 出口货物报关单 (lib/ts_cdecl_pdf's grid under
       Paper), printed by the browser; static/css/print.css leaves only the
       form on the sheet.  data-autoprint opens the print dialog at once. ?>
<section class="panel paper-decl"<?cs if:AutoPrint ?> data-autoprint="1"<?cs /if ?>>
  <div class="toolbar">
    <button type="button" class="primary" data-print="1">打印</button>
    <a href="/decl/view?entry_id=<?cs var:url_escape(Decl.H.EntryId) ?>">返回报关单详情</a>
  </div>
  <h1 class="paper-title">中华人民共和国海关出口货物报关单</h1>
  <div class="paper-ids">
    <span>预录入编号：<?cs var:Decl.H.PreEntryId ?></span>
    <span>海关编号：<strong id="p-entry-id"><?cs var:Decl.H.EntryId ?></strong></span>
    <span>申报地海关：<?cs var:Decl.H.CustomMaster ?></span>
  </div>
  <div class="paper-grid">
  <?cs each:row = Paper.Rows ?>
    <div class="paper-row">
    <?cs each:b = row.Cells ?>
      <div class="paper-box w<?cs var:b.width ?>"><span class="paper-label"><?cs var:b.label ?></span><span class="paper-value"><?cs var:b.value ?></span></div>
    <?cs /each ?>
    </div>
  <?cs /each ?>
  </div>
  <table class="paper-body">
    <thead><tr><?cs each:h = Paper.BodyHead ?><th><?cs var:h ?></th><?cs /each ?></tr></thead>
    <tbody>
    <?cs each:l = Paper.Lines ?>
      <tr><?cs each:v = l.Cells ?><td><?cs var:v ?></td><?cs /each ?></tr>
    <?cs /each ?>
    </tbody>
  </table>
  <div class="paper-row paper-foot">
    <div class="paper-box w60"><span class="paper-label">报关人员　　报关人员证号　　电话　　兹申明对以上内容承担如实申报、依法纳税之法律责任</span><span class="paper-label">申报单位　　　　　　　　　　　　申报单位（签章）</span></div>
    <div class="paper-box w40"><span class="paper-label">海关批注及签章</span></div>
  </div>
  <p class="paper-note">报关单类型：<?cs var:Decl.type_label ?>报关单　结关日期：<?cs var:Decl.H.ClearDate ?>　数据传输状态：<?cs var:Decl.status_label ?>　打印时间：<?cs var:Decl.printed_at ?></p>
  <p class="paper-note">本单据依据海关发布的报关单电子数据打印，仅供核对，不作为海关签章凭证。</p>
</section>
