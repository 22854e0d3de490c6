<?cs include:"layout/macros.cs" ?>
<section class="panel">
  <h1>报关单重新发送记录</h1>
  <p class="hint">本税务机关（含下级税务机关）所管企业申请“重新发往税务总局”的报关单，按申请时间由近及远排列。</p>
  <div class="toolbar">
    <form method="get" action="/taxresend/" class="query" role="search">
      <label for="q-entry">报关单号</label>
      <input type="text" id="q-entry" name="entry_id" value="<?cs var:Form.entry_id ?>" maxlength="18" size="20">
      <label for="q-ent">企业</label>
      <input type="text" id="q-ent" name="ent" value="<?cs var:Form.ent ?>" maxlength="100" size="26" placeholder="企业名称或统一社会信用代码">
      <label for="q-start">申请日期</label>
      <input type="date" id="q-start" name="start" value="<?cs var:Form.start ?>">
      <label for="q-end">至</label>
      <input type="date" id="q-end" name="end" value="<?cs var:Form.end ?>">
      <button type="submit" class="primary">查询</button>
      <a href="/taxresend/">重置</a>
    </form>
  </div>
  <?cs each:e = Form.Err ?><div class="form-errors" role="alert"><?cs var:e ?></div><?cs /each ?>
  <table class="list tax-resends">
    <thead>
      <tr><th scope="col">申请时间</th><th scope="col">企业名称</th><th scope="col">统一社会信用代码</th><th scope="col">报关单号</th><th scope="col">版本</th><th scope="col">申请人</th><th scope="col">状态</th></tr>
    </thead>
    <tbody>
    <?cs each:r = Resends ?>
      <tr>
        <td><?cs var:r.created_at ?></td>
        <td><?cs var:r.ent_name ?></td>
        <td><?cs var:r.uscc ?></td>
        <td><a href="/taxresend/view?id=<?cs var:r.id ?>"><?cs var:r.entry_id ?></a></td>
        <td class="num"><?cs var:r.version ?></td>
        <td><?cs var:r.nickname ?>（<?cs var:r.login_name ?>）</td>
        <td><?cs if:r.sent_at ?>已发送（<?cs var:r.sent_at ?>）<?cs else ?>待发送<?cs /if ?></td>
      </tr>
    <?cs /each ?>
    <?cs if:subcount(Resends) == 0 ?><tr><td colspan="7">没有报关单重新发送记录。</td></tr><?cs /if ?>
    </tbody>
  </table>
  <div class="pager">
    <?cs set:q = "entry_id=" + url_escape(Form.entry_id) + "&ent=" + url_escape(Form.ent) + "&start=" + url_escape(Form.start) + "&end=" + url_escape(Form.end) ?>
    共 <?cs var:Pager.Total ?> 条，第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
    <?cs if:Pager.Prev ?><a href="/taxresend/?<?cs var:q ?>&amp;page=<?cs var:Pager.Prev ?>">上一页</a><?cs /if ?>
    <?cs if:Pager.Next ?><a href="/taxresend/?<?cs var:q ?>&amp;page=<?cs var:Pager.Next ?>">下一页</a><?cs /if ?>
  </div>
</section>
