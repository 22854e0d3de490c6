<?cs include:"layout/macros.cs" ?>
<section class="panel">
  <h1>分配角色</h1>
  <form method="post" action="/users/roles">
    <?cs call:csrf() ?>
    <input type="hidden" name="id" value="<?cs var:Account.Id ?>">
    <?cs call:field_readonly("用户昵称", Account.Nickname) ?>
    <?cs call:field_readonly("登录名称", Account.LoginName) ?>
    <?cs call:field_checks("roles", "选择角色", 1, Options.Roles) ?>
    <p class="hint">每个用户都需要分配相应的角色，否则登录系统后看不到左侧菜单。</p>
    <div class="actions">
      <button type="submit" class="primary">提交</button>
      <a class="button" href="/users/">取消</a>
    </div>
  </form>
</section>
