<?cs include:"layout/macros.cs" ?>
<section class="panel">
  <h1>报关单发布</h1>
  <div class="toolbar">
    <form method="get" action="/customs/" class="query">
      <label for="q-entry">报关单号</label>
      <input type="text" id="q-entry" name="entry_id" value="<?cs var:Form.entry_id ?>" maxlength="18" size="20">
      <button type="submit">查询</button>
      <a href="/customs/">重置</a>
    </form>
    <a class="button primary" href="/customs/new">发布报关单</a>
  </div>
  <?cs if:Form.Err.entry_id ?><div class="form-errors" role="alert"><?cs var:Form.Err.entry_id ?></div><?cs /if ?>
  <form method="post" action="/customs/import" enctype="multipart/form-data" class="customs-import">
    <?cs call:csrf() ?>
    <div class="field<?cs if:Form.Err.file ?> has-error<?cs /if ?>">
      <label for="f-file"><span class="req">*</span>报关单XML文件</label>
      <input type="file" id="f-file" name="file" accept=".xml,text/xml,application/xml" required>
      <?cs if:Form.Err.file ?><span class="error" role="alert"><?cs var:Form.Err.file ?></span><?cs /if ?>
    </div>
    <p class="hint field-hint">XML文件，不大于20M。文件格式见“报关单 XML”说明（DecMessages / DecMessage / DecHead / DecLists）。整个文件一次导入：有一票报关单不符合要求时，本文件的报关单均不保存，并列出全部问题。</p>
    <div class="actions"><button type="submit" class="primary">导入</button></div>
  </form>
  <table class="list customs-decls">
    <thead>
      <tr><th>报关单号</th><th>报关单类型</th><th>境内发货人</th><th>出口日期</th><th>申报日期</th><th>表体项数</th><th>数据传输状态</th><th>版本</th><th>发布时间</th></tr>
    </thead>
    <tbody>
    <?cs each:d = Decls ?>
      <tr>
        <td><a href="/customs/view?id=<?cs var:d.id ?>"><?cs var:d.entry_id ?></a></td>
        <td><?cs var:d.type_label ?></td>
        <td><?cs var:d.trade_name ?>（<?cs var:d.trade_code ?>）</td>
        <td><?cs var:d.ie_date ?></td>
        <td><?cs var:d.d_date ?></td>
        <td class="num"><?cs var:d.nlines ?></td>
        <td><?cs var:d.status_label ?></td>
        <td class="num"><?cs var:d.version ?></td>
        <td><?cs var:d.published_at ?></td>
      </tr>
    <?cs /each ?>
    <?cs if:subcount(Decls) == 0 ?><tr><td colspan="9">没有已发布的报关单。</td></tr><?cs /if ?>
    </tbody>
  </table>
  <div class="pager">
    共 <?cs var:Pager.Total ?> 条，第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
    <?cs if:Pager.Prev ?><a href="/customs/?entry_id=<?cs var:url_escape(Form.entry_id) ?>&amp;page=<?cs var:Pager.Prev ?>">上一页</a><?cs /if ?>
    <?cs if:Pager.Next ?><a href="/customs/?entry_id=<?cs var:url_escape(Form.entry_id) ?>&amp;page=<?cs var:Pager.Next ?>">下一页</a><?cs /if ?>
  </div>
</section>
