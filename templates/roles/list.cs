<section class="panel">
  <h1>角色管理</h1>
  <div class="toolbar">
    <?cs if:Can.Edit ?><a class="button primary" href="/roles/new">新增</a><?cs /if ?>
  </div>
  <table class="list">
    <thead>
      <tr>
        <th>角色名称</th>
        <?cs if:Tenant.Staff ?><th>人员类别</th><?cs /if ?>
        <th>状态</th>
        <th>备注</th>
        <th>创建时间</th>
        <th>操作</th>
      </tr>
    </thead>
    <tbody>
    <?cs each:r = Roles ?>
      <tr>
        <td><?cs var:r.name ?></td>
        <?cs if:Tenant.Staff ?><td><?cs var:r.ScopeLabel ?></td><?cs /if ?>
        <td class="status-<?cs var:r.status ?>"><?cs if:r.status == "normal" ?>正常<?cs else ?>停用<?cs /if ?></td>
        <td><?cs var:r.remark ?></td>
        <td><?cs var:string.slice(r.created_at, 0, 16) ?></td>
        <td class="ops">
          <?cs if:Can.Edit ?>
          <a href="/roles/edit?id=<?cs var:r.id ?>">修改</a>
          <form method="post" action="/roles/delete" data-confirm="确定删除角色“<?cs var:r.name ?>”吗？">
            <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
            <input type="hidden" name="id" value="<?cs var:r.id ?>">
            <button type="submit" class="link">删除</button>
          </form>
          <?cs /if ?>
        </td>
      </tr>
    <?cs /each ?>
    <?cs if:subcount(Roles) == 0 ?><tr><td colspan="<?cs if:Tenant.Staff ?>6<?cs else ?>5<?cs /if ?>">暂无角色。</td></tr><?cs /if ?>
    </tbody>
  </table>
</section>
