<?cs include:"layout/macros.cs" ?>
<?cs include:"layout/card.cs" ?>
<section class="panel narrow">
  <h1>IC卡检测</h1>
  <p class="hint">检测当前登录用户绑定的电子口岸IC卡是否已插入所选读卡器。上传随附单据、申报等操作前系统将执行同样的检测：用户须已绑定IC卡，且读卡器中的IC卡须与绑定的IC卡一致。输入卡密码时，还将由IC卡进行一次电子签名并验证。</p>
  <?cs if:Check.Done ?>
  <?cs if:Check.Ok ?>
  <div class="flash card-check-result" role="status" id="card-check-result">IC卡检测通过：当前卡号 <?cs var:Check.CardNo ?> 与用户注册信息卡号一致<?cs if:Check.Signed ?>，电子签名验证通过<?cs /if ?>。</div>
  <?cs else ?>
  <div class="form-errors card-check-result" role="alert" id="card-check-result"><?cs var:Check.Message ?></div>
  <?cs /if ?>
  <?cs /if ?>
  <?cs if:Card.Bound ?><?cs call:field_readonly("用户注册信息卡号", Card.Bound) ?><?cs else ?><?cs call:field_readonly("用户注册信息卡号", "未绑定") ?><?cs /if ?>
  <?cs call:card_unavailable() ?>
  <form method="post" action="/workbench/card" autocomplete="off">
    <?cs call:csrf() ?>
    <?cs call:card_reader_field("/workbench/card") ?>
    <?cs call:card_pin_field(0) ?>
    <div class="actions">
      <button type="submit" class="primary">检测</button>
      <a class="button" href="/workbench/">返回工作台</a>
    </div>
  </form>
</section>
