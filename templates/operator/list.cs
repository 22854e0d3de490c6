<?cs include:"layout/macros.cs" ?>
<h1>企业管理</h1>
<div class="toolbar">
  <form method="get" action="/operator/" role="search">
    <label for="f-q">查询条件</label>
    <input type="search" id="f-q" name="q" value="<?cs var:Form.q ?>" maxlength="50" size="36" placeholder="企业名称 / 统一社会信用代码 / 海关编码 / 纳税人识别号">
    <label for="f-status">状态</label>
    <select id="f-status" name="status">
      <option value="">全部</option>
      <option value="normal"<?cs if:Form.status == "normal" ?> selected<?cs /if ?>>正常</option>
      <option value="disabled"<?cs if:Form.status == "disabled" ?> selected<?cs /if ?>>停用</option>
    </select>
    <button type="submit">查询</button>
  </form>
  <?cs if:CanEdit ?><a class="button primary" href="/operator/new">新增</a><?cs /if ?>
</div>
<table class="list">
  <caption class="pager">共 <?cs var:Pager.Total ?> 户企业</caption>
  <thead>
    <tr>
      <th scope="col">企业名称</th>
      <th scope="col">统一社会信用代码</th>
      <th scope="col">海关编码</th>
      <th scope="col">纳税人识别号</th>
      <th scope="col">企业类型</th>
      <th scope="col">主管税务局</th>
      <th scope="col">状态</th>
      <th scope="col">创建时间</th>
      <?cs if:CanEdit ?><th scope="col">操作</th><?cs /if ?>
    </tr>
  </thead>
  <tbody>
  <?cs each:e = Ents ?>
    <tr>
      <td><?cs var:e.name ?></td>
      <td><?cs var:e.uscc ?></td>
      <td><?cs var:e.customs_code ?></td>
      <td><?cs var:e.taxpayer_id ?></td>
      <td><?cs if:e.ent_type == "production" ?>生产企业<?cs else ?>外贸企业<?cs /if ?></td>
      <td><?cs var:e.bureau_name ?></td>
      <td class="status-<?cs var:e.status ?>"><?cs if:e.status == "normal" ?>正常<?cs else ?>停用<?cs /if ?></td>
      <td><?cs var:e.created_at ?></td>
      <?cs if:CanEdit ?>
      <td class="ops">
        <a href="/operator/edit?id=<?cs var:e.id ?>">修改</a>
        <?cs if:e.status == "normal" ?>
        <form method="post" action="/operator/status" data-confirm="确定停用企业“<?cs var:e.name ?>”吗？停用后该企业的所有用户将立即退出，并且不能再登录。">
          <?cs call:csrf() ?>
          <input type="hidden" name="id" value="<?cs var:e.id ?>">
          <input type="hidden" name="status" value="disabled">
          <button type="submit" class="link danger">停用</button>
        </form>
        <?cs else ?>
        <form method="post" action="/operator/status" data-confirm="确定启用企业“<?cs var:e.name ?>”吗？">
          <?cs call:csrf() ?>
          <input type="hidden" name="id" value="<?cs var:e.id ?>">
          <input type="hidden" name="status" value="normal">
          <button type="submit" class="link">启用</button>
        </form>
        <?cs /if ?>
      </td>
      <?cs /if ?>
    </tr>
  <?cs /each ?>
  <?cs if:subcount(Ents) == 0 ?>
    <tr><td colspan="9">没有符合条件的企业。</td></tr>
  <?cs /if ?>
  </tbody>
</table>
<nav class="pager" aria-label="分页">
  第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
  <?cs if:Pager.Prev ?><a href="/operator/?q=<?cs var:url_escape(Form.q) ?>&amp;status=<?cs var:url_escape(Form.status) ?>&amp;page=<?cs var:Pager.Prev ?>">上一页</a><?cs /if ?>
  <?cs if:Pager.Next ?><a href="/operator/?q=<?cs var:url_escape(Form.q) ?>&amp;status=<?cs var:url_escape(Form.status) ?>&amp;page=<?cs var:Pager.Next ?>">下一页</a><?cs /if ?>
</nav>
