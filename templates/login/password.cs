<?cs include:"layout/macros.cs" ?>
<section class="panel narrow">
  <h1>修改密码</h1>
  <?cs if:Password.Forced ?><div class="notice">您正在使用初始密码或重置后的密码，请先修改密码再使用系统。</div><?cs /if ?>
  <form method="post" action="/login/password">
    <?cs call:csrf() ?>
    <?cs call:field_password("old_password", "原密码", 1) ?>
    <?cs call:field_password("new_password", "新密码", 1) ?>
    <?cs call:field_password("confirm_password", "确认新密码", 1) ?>
    <p class="hint">新密码至少 <?cs var:Password.Min ?> 位，须包含大写字母、小写字母、数字、其他字符中的至少三类。</p>
    <div class="actions"><button type="submit" class="primary">保存</button></div>
  </form>
</section>
