<?cs set:Login.Tab = "card" ?>
<?cs include:"layout/card.cs" ?>
<section class="login-box">
  <h1>出口退税综合服务门户</h1>
  <p class="sub">卡介质登录</p>
  <?cs include:"login/tabs.cs" ?>
  <?cs if:Login.Error ?><div class="form-errors" role="alert"><?cs var:Login.Error ?></div><?cs /if ?>
  <?cs call:card_unavailable() ?>
  <form method="post" action="/login/card" autocomplete="off" class="card-login">
    <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="next" value="<?cs var:Form.next ?>">
    <?cs call:card_reader_field("/login/card") ?>
    <?cs call:card_pin_field(1) ?>
    <div class="field agree<?cs if:Form.Err.agree ?> has-error<?cs /if ?>">
      <label></label>
      <span class="checks"><label><input type="checkbox" id="f-agree" name="agree" value="1"<?cs if:Form.agree == "1" ?> checked<?cs /if ?> required> 已阅读并同意《关于IC卡/Ikey的重要提醒》</label></span>
      <?cs if:Form.Err.agree ?><span class="error"><?cs var:Form.Err.agree ?></span><?cs /if ?>
    </div>
    <div class="actions">
      <button type="submit" class="primary">登录</button>
      <a href="/login/forgot">忘记密码</a>
    </div>
  </form>
  <div class="note card-notice">
    <p><strong>关于IC卡/Ikey的重要提醒：</strong>为了保护您业务信息的安全，在业务数据录入、暂存或申报等过程中，您的IC卡或Ikey须一直插入在读卡器或电脑中，不可随意插拔。系统将根据IC卡或Ikey的信息进行用户的身份验证，并对业务数据自动进行电子签名、加密。</p>
    <p>卡介质登录使用已绑定到用户的电子口岸IC卡。尚未绑定的，请先使用用户名密码登录，由本企业管理员在“系统管理—用户管理”中绑定IC卡。卡密码连续输错5次IC卡将被锁定。</p>
  </div>
</section>
