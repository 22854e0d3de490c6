<?cs include:"layout/macros.cs" ?>
<?cs include:"layout/card.cs" ?>
<section class="panel narrow">
  <h1>绑定IC卡</h1>
  <?cs if:Card.Error ?><div class="form-errors" role="alert"><?cs var:Card.Error ?></div><?cs /if ?>
  <?cs call:field_readonly("用户昵称", Account.Nickname) ?>
  <?cs call:field_readonly("登录名称", Account.LoginName) ?>
  <?cs if:Card.No ?>
  <?cs call:field_readonly("IC卡号", Card.No) ?>
  <?cs call:field_readonly("绑定时间", Card.BoundAt) ?>
  <?cs call:field_readonly("绑定人", Card.BoundBy) ?>
  <form method="post" action="/users/card-unbind" data-confirm="确定解除用户“<?cs var:Account.Nickname ?>”与IC卡（卡号 <?cs var:Card.No ?>）的绑定吗？解除后该用户不能使用卡介质登录，也不能进行申报。">
    <?cs call:csrf() ?>
    <input type="hidden" name="id" value="<?cs var:Account.Id ?>">
    <div class="actions">
      <button type="submit" class="danger">解除绑定</button>
      <a class="button" href="/users/">返回</a>
    </div>
  </form>
  <?cs else ?>
  <?cs call:card_unavailable() ?>
  <form method="post" action="/users/card" autocomplete="off">
    <?cs call:csrf() ?>
    <input type="hidden" name="id" value="<?cs var:Account.Id ?>">
    <?cs call:card_reader_field("/users/card?id=" + Account.Id) ?>
    <?cs call:card_pin_field(1) ?>
    <p class="hint">请将该用户的电子口岸IC卡插入读卡器，由持卡人输入卡密码。系统读取卡号和证书，并由IC卡对本次绑定签名，验证通过后保存。一张IC卡只能绑定一个用户。</p>
    <div class="actions">
      <button type="submit" class="primary">绑定</button>
      <a class="button" href="/users/">取消</a>
    </div>
  </form>
  <?cs /if ?>
</section>
