<?cs include:"decl/tips.cs" ?>
<?cs def:query_args() ?>decl_type=<?cs var:url_escape(Query.Type) ?>&amp;by=<?cs var:url_escape(Query.By) ?>&amp;entry_id=<?cs var:url_escape(Form.entry_id) ?>&amp;start=<?cs var:url_escape(Form.start) ?>&amp;end=<?cs var:url_escape(Form.end) ?><?cs /def ?>
<?cs def:page_link(p) ?>/decl/?decl_type=<?cs var:url_escape(Query.Type) ?>&amp;by=<?cs var:url_escape(Query.By) ?>&amp;entry_id=<?cs var:url_escape(Form.entry_id) ?>&amp;start=<?cs var:url_escape(Form.start) ?>&amp;end=<?cs var:url_escape(Form.end) ?>&amp;page=<?cs var:p ?><?cs /def ?>
<section class="panel">
  <h1>出口报关单下载查询</h1>
  <form method="get" action="/decl/" class="query decl-query">
    <label for="q-type">报关单类型</label>
    <select id="q-type" name="decl_type">
      <option value="clear"<?cs if:Query.Type != "port" ?> selected<?cs /if ?>>结关报关单</option>
      <option value="port"<?cs if:Query.Type == "port" ?> selected<?cs /if ?>>启运港退税报关单</option>
    </select>
    <span class="radios">
      <input type="radio" id="q-by-no" name="by" value="no"<?cs if:Query.By != "date" ?> checked<?cs /if ?>><label for="q-by-no">出口报关单号</label>
    </span>
    <input type="text" id="q-entry" name="entry_id" value="<?cs var:Form.entry_id ?>" maxlength="18" size="20" placeholder="18位出口报关单号" aria-label="出口报关单号">
    <span class="radios">
      <input type="radio" id="q-by-date" name="by" value="date"<?cs if:Query.By == "date" ?> checked<?cs /if ?>><label for="q-by-date">出口日期</label>
    </span>
    <input type="date" id="q-start" name="start" value="<?cs var:Form.start ?>" aria-label="出口日期（起）">
    至
    <input type="date" id="q-end" name="end" value="<?cs var:Form.end ?>" aria-label="出口日期（止）">
    <button type="submit" class="primary">查询</button>
    <a href="/decl/">重置</a>
  </form>
  <?cs if:subcount(Form.Err) ?><div class="form-errors" role="alert"><?cs each:e = Form.Err ?><p><?cs var:e ?></p><?cs /each ?></div><?cs /if ?>
  <div class="tips">
    <strong>小提示：</strong>
    <ol>
      <li><?cs call:decl_tip_1() ?></li>
      <li><?cs call:decl_tip_2() ?></li>
      <li><?cs call:decl_tip_3() ?></li>
      <li><?cs call:decl_tip_4() ?></li>
    </ol>
  </div>
  <?cs if:Result.Shown ?>
  <?cs if:Result.None ?><p class="empty" id="result-none"><?cs var:Result.None ?></p><?cs /if ?>
  <?cs if:!Result.None ?>
  <div class="actions decl-download">
    <a class="button" id="decl-download" href="/decl/download?<?cs call:query_args() ?>">XML 文件下载</a>
    <span class="hint">下载列表下的所有数据（已加密，仅用于导入税务局系统，请使用同一个卡介质导入）</span>
  </div>
  <?cs /if ?>
  <?cs if:Download.Error ?><div class="form-errors" id="download-error" role="alert"><p><?cs var:Download.Error ?></p></div><?cs /if ?>
  <form method="post" action="/decl/resend" class="decl-selection" id="decl-selection">
  <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
  <input type="hidden" name="back" value="<?cs var:Back ?>">
  <div class="toolbar">
    <button type="submit" formaction="/decl/resend" id="btn-resend">重新发往税务总局</button>
    <button type="submit" formaction="/decl/print" id="btn-print">批量预览/打印</button>
    <span class="hint">页面支持一次最多选择10条报关单数据</span>
  </div>
  <div class="wide-table">
  <table class="list decl-results">
    <thead>
      <tr><th class="check" aria-label="选择"></th><th>出口报关单号</th><th>境内发货人</th><th>出口日期</th><th>申报日期</th><th>结关日期</th><th>监管方式</th><th>运抵国（地区）</th><th>表体项数</th><th>数据传输状态</th></tr>
    </thead>
    <tbody>
    <?cs each:d = Decls ?>
      <tr>
        <td class="check"><input type="checkbox" name="entry_id" value="<?cs var:d.entry_id ?>" aria-label="选择<?cs var:d.entry_id ?>"></td>
        <td><a href="/decl/view?entry_id=<?cs var:url_escape(d.entry_id) ?>"><?cs var:d.entry_id ?></a></td>
        <td><?cs var:d.trade_name ?></td>
        <td><?cs var:d.ie_date ?></td>
        <td><?cs var:d.d_date ?></td>
        <td><?cs var:d.clear_date ?></td>
        <td><?cs var:d.trade_mode ?></td>
        <td><?cs var:d.trade_country ?></td>
        <td class="num"><?cs var:d.nlines ?></td>
        <td><?cs var:d.status_label ?></td>
      </tr>
    <?cs /each ?>
    </tbody>
  </table>
  </div>
  </form>
  <div class="pager">
    共 <?cs var:Pager.Total ?> 条，第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
    <?cs if:Pager.Prev ?><a href="<?cs call:page_link(Pager.Prev) ?>">上一页</a><?cs /if ?>
    <?cs if:Pager.Next ?><a href="<?cs call:page_link(Pager.Next) ?>">下一页</a><?cs /if ?>
  </div>
  <?cs /if ?>
</section>
