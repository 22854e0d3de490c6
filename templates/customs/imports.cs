<?cs include:"layout/macros.cs" ?>
<section class="panel">
  <h1>进口报关单发布</h1>
  <div class="toolbar">
    <form method="get" action="/customs/imports" class="query">
      <label for="q-entry">报关单号</label>
      <input type="text" id="q-entry" name="entry_id" value="<?cs var:Form.entry_id ?>" maxlength="18" size="20">
      <button type="submit">查询</button>
      <a href="/customs/imports">重置</a>
    </form>
    <a class="button primary" href="/customs/importnew">发布进口报关单</a>
  </div>
  <?cs if:Form.Err.entry_id ?><div class="form-errors" role="alert"><?cs var:Form.Err.entry_id ?></div><?cs /if ?>
  <p class="hint">出口复进口的进口报关单，供企业录入出口退货信息时按进口报关单号返填。</p>
  <table class="list customs-import-decls">
    <thead>
      <tr><th>报关单号</th><th>境内收货人</th><th>消费使用单位</th><th>进口日期</th><th>申报日期</th><th>表体项数</th><th>数据传输状态</th><th>版本</th><th>发布时间</th></tr>
    </thead>
    <tbody>
    <?cs each:d = Decls ?>
      <tr>
        <td><a href="/customs/importshow?id=<?cs var:d.id ?>"><?cs var:d.entry_id ?></a></td>
        <td><?cs var:d.trade_name ?>（<?cs var:d.trade_code ?>）</td>
        <td><?cs var:d.owner_name ?></td>
        <td><?cs var:d.ie_date ?></td>
        <td><?cs var:d.d_date ?></td>
        <td class="num"><?cs var:d.nlines ?></td>
        <td><?cs var:d.status_label ?></td>
        <td class="num"><?cs var:d.version ?></td>
        <td><?cs var:d.published_at ?></td>
      </tr>
    <?cs /each ?>
    <?cs if:subcount(Decls) == 0 ?><tr><td colspan="9">没有已发布的进口报关单。</td></tr><?cs /if ?>
    </tbody>
  </table>
  <div class="pager">
    共 <?cs var:Pager.Total ?> 条，第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
    <?cs if:Pager.Prev ?><a href="/customs/imports?entry_id=<?cs var:url_escape(Form.entry_id) ?>&amp;page=<?cs var:Pager.Prev ?>">上一页</a><?cs /if ?>
    <?cs if:Pager.Next ?><a href="/customs/imports?entry_id=<?cs var:url_escape(Form.entry_id) ?>&amp;page=<?cs var:Pager.Next ?>">下一页</a><?cs /if ?>
  </div>
</section>
