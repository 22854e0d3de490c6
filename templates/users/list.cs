<?cs def:user_type(t) ?><?cs if:t == "admin" ?>管理员<?cs elif:t == "officer" ?>审核人员<?cs else ?>操作员<?cs /if ?><?cs /def ?>
<?cs def:page_link(p) ?>/users/?login_name=<?cs var:url_escape(Form.login_name) ?>&amp;nickname=<?cs var:url_escape(Form.nickname) ?>&amp;status=<?cs var:url_escape(Form.status) ?>&amp;page=<?cs var:p ?><?cs /def ?>
<section class="panel">
  <h1>用户管理</h1>
  <div class="toolbar">
    <form method="get" action="/users/" class="query">
      <label for="q-login">登录名称</label>
      <input type="text" id="q-login" name="login_name" value="<?cs var:Form.login_name ?>" maxlength="32">
      <label for="q-nick">用户昵称</label>
      <input type="text" id="q-nick" name="nickname" value="<?cs var:Form.nickname ?>" maxlength="50">
      <label for="q-status">状态</label>
      <select id="q-status" name="status">
        <option value="">全部</option>
        <?cs each:o = Options.Status ?><option value="<?cs var:o.Value ?>"<?cs if:Form.status == o.Value ?> selected<?cs /if ?>><?cs var:o.Label ?></option><?cs /each ?>
      </select>
      <button type="submit">查询</button>
      <a href="/users/">重置</a>
    </form>
    <?cs if:Can.Edit ?><a class="button primary" href="/users/new">新增</a><?cs /if ?>
  </div>
  <?cs if:Form.Err.page ?><div class="form-errors"><?cs var:Form.Err.page ?></div><?cs /if ?>
  <table class="list">
    <thead>
      <tr>
        <th>用户昵称</th>
        <th>登录名称</th>
        <th>用户类型</th>
        <th>手机号</th>
        <th>角色</th>
        <th>状态</th>
        <th>IC卡号</th>
        <th>最后登录</th>
        <th>操作</th>
      </tr>
    </thead>
    <tbody>
    <?cs each:u = Users ?>
      <tr>
        <td><?cs var:u.nickname ?></td>
        <td><?cs var:u.login_name ?></td>
        <td><?cs call:user_type(u.user_type) ?><?cs if:Tenant.Staff ?>（<?cs if:u.scope == "tax" ?>税务<?cs elif:u.scope == "customs" ?>海关<?cs else ?>运维<?cs /if ?>）<?cs /if ?><?cs if:u.is_ent_admin == 1 ?>（企业管理员）<?cs /if ?></td>
        <td><?cs var:u.phone ?></td>
        <td><?cs var:u.roles ?></td>
        <td class="status-<?cs var:u.status ?>"><?cs if:u.status == "normal" ?>正常<?cs else ?>停用<?cs /if ?></td>
        <td><?cs if:u.card_no ?><?cs var:u.card_no ?><?cs elif:u.scope == "enterprise" ?>未绑定<?cs /if ?></td>
        <td><?cs var:string.slice(u.last_login, 0, 16) ?></td>
        <td class="ops">
          <?cs if:Can.Edit ?>
          <a href="/users/edit?id=<?cs var:u.id ?>">修改</a>
          <form method="post" action="/users/status"<?cs if:u.status == "normal" ?> data-confirm="确定停用用户“<?cs var:u.nickname ?>”吗？停用后该用户将不能登录。"<?cs /if ?>>
            <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
            <input type="hidden" name="id" value="<?cs var:u.id ?>">
            <?cs if:u.status == "normal" ?>
            <input type="hidden" name="status" value="disabled"><button type="submit" class="link">停用</button>
            <?cs else ?>
            <input type="hidden" name="status" value="normal"><button type="submit" class="link">启用</button>
            <?cs /if ?>
          </form>
          <?cs /if ?>
          <?cs if:Can.ResetPw ?><a href="/users/password?id=<?cs var:u.id ?>">重置密码</a><?cs /if ?>
          <?cs if:Can.Edit ?><a href="/users/roles?id=<?cs var:u.id ?>">分配角色</a><?cs /if ?>
          <?cs if:Can.Card ?><a href="/users/card?id=<?cs var:u.id ?>"><?cs if:u.card_no ?>解除绑定<?cs else ?>绑定IC卡<?cs /if ?></a><?cs /if ?>
        </td>
      </tr>
    <?cs /each ?>
    <?cs if:subcount(Users) == 0 ?><tr><td colspan="9">没有符合条件的用户。</td></tr><?cs /if ?>
    </tbody>
  </table>
  <div class="pager">
    共 <?cs var:Pager.Total ?> 条，第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
    <?cs if:Pager.Prev ?><a href="<?cs call:page_link(Pager.Prev) ?>">上一页</a><?cs /if ?>
    <?cs if:Pager.Next ?><a href="<?cs call:page_link(Pager.Next) ?>">下一页</a><?cs /if ?>
  </div>
</section>
