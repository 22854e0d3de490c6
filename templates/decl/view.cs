<?cs include:"layout/export_decl.cs" ?>
<?cs include:"decl/tips.cs" ?>
<section class="panel">
  <h1>报关单详情</h1>
  <p>出口报关单号 <strong id="entry-id"><?cs var:Decl.H.EntryId ?></strong>　报关单类型：<?cs var:Decl.H.DeclType ?>　数据传输状态：<strong id="trans-status"><?cs var:Decl.status_label ?></strong></p>
  <div class="tips"><strong>小提示：</strong><?cs call:decl_tip_3() ?></div>
  <div class="toolbar decl-actions">
    <form method="post" action="/decl/resend" class="inline">
      <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
      <input type="hidden" name="back" value="<?cs var:Back ?>">
      <input type="hidden" name="entry_id" value="<?cs var:Decl.H.EntryId ?>">
      <button type="submit" id="btn-resend">重新发往税务总局</button>
    </form>
    <a class="button" id="btn-preview" href="/decl/print?entry_id=<?cs var:url_escape(Decl.H.EntryId) ?>">预览/打印</a>
    <a class="button" id="btn-direct-print" href="/decl/printview?entry_id=<?cs var:url_escape(Decl.H.EntryId) ?>&amp;auto=1">直接打印</a>
    <a class="button" id="decl-download" href="/decl/download?decl_type=<?cs if:Decl.H.DeclType == "启运港退税" ?>port<?cs else ?>clear<?cs /if ?>&amp;by=no&amp;entry_id=<?cs var:url_escape(Decl.H.EntryId) ?>">XML 文件下载</a>
    <a href="/decl/">返回报关单查询</a>
  </div>
  <?cs call:export_decl(Decl) ?>
</section>
