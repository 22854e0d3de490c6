<?cs include:"layout/macros.cs" ?>
<section class="panel narrow">
  <h1>重置密码</h1>
  <form method="post" action="/users/password" autocomplete="off">
    <?cs call:csrf() ?>
    <input type="hidden" name="id" value="<?cs var:Account.Id ?>">
    <?cs call:field_readonly("用户昵称", Account.Nickname) ?>
    <?cs call:field_readonly("登录名称", Account.LoginName) ?>
    <?cs call:field_password("password", "新密码", 1) ?>
    <p class="hint">密码至少 <?cs var:Password.Min ?> 位，须包含大写字母、小写字母、数字、其他字符中的至少三类。重置后该用户的登录会话立即失效，下次登录时须修改密码。</p>
    <div class="actions">
      <button type="submit" class="primary">确定</button>
      <a class="button" href="/users/">取消</a>
    </div>
  </form>
</section>
