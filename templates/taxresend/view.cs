<?cs include:"layout/export_decl.cs" ?>
<section class="panel">
  <h1>报关单详情</h1>
  <p>出口报关单号 <strong id="entry-id"><?cs var:Decl.H.EntryId ?></strong>　报关单类型：<?cs var:Decl.H.DeclType ?>　数据传输状态：<strong id="trans-status"><?cs var:Decl.status_label ?></strong></p>
  <p id="resend-of">企业 <?cs var:Resend.ent_name ?>（统一社会信用代码 <?cs var:Resend.ent_uscc ?>）于 <?cs var:Resend.resent_at ?> 申请重新发往税务总局的第<?cs var:Resend.version ?>版<?cs if:Resend.current_version != Resend.version ?>；<strong id="resend-superseded">海关已发布新版本<?cs if:Resend.current_version ?>（当前为第<?cs var:Resend.current_version ?>版）<?cs /if ?>，以下仍是申请时的数据</strong><?cs /if ?>。</p>
  <div class="toolbar">
    <a href="/taxresend/">返回报关单重新发送记录</a>
  </div>
  <?cs call:export_decl(Decl) ?>
</section>
