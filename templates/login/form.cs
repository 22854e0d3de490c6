<section class="login-box">
  <h1>出口退税综合服务门户</h1>
  <p class="sub">用户登录</p>
  <?cs include:"login/tabs.cs" ?>
  <?cs if:Login.Error ?><div class="form-errors" role="alert"><?cs var:Login.Error ?></div><?cs /if ?>
  <form method="post" action="/login/signin" autocomplete="off">
    <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="next" value="<?cs var:Form.next ?>">
    <div class="field<?cs if:Form.Err.username ?> has-error<?cs /if ?>">
      <label for="f-username"><span class="req">*</span>用户名</label>
      <input type="text" id="f-username" name="username" value="<?cs var:Form.username ?>" maxlength="32" class="required" required autofocus placeholder="登录名 / 海关代码 / 纳税人识别号 / 社会信用代码">
      <?cs if:Form.Err.username ?><span class="error"><?cs var:Form.Err.username ?></span><?cs /if ?>
    </div>
    <div class="field<?cs if:Form.Err.password ?> has-error<?cs /if ?>">
      <label for="f-password"><span class="req">*</span>密码</label>
      <input type="password" id="f-password" name="password" maxlength="128" class="required" required>
      <?cs if:Form.Err.password ?><span class="error"><?cs var:Form.Err.password ?></span><?cs /if ?>
    </div>
    <?cs if:Login.Captcha ?>
    <div class="field captcha<?cs if:Form.Err.captcha ?> has-error<?cs /if ?>">
      <label for="f-captcha"><span class="req">*</span>验证码</label>
      <input type="text" id="f-captcha" name="captcha" maxlength="4" class="required" required autocomplete="off">
      <img src="/login/captcha" alt="验证码图片" width="120" height="40" class="captcha-img">
      <span class="hint">看不清？刷新页面换一张</span>
      <?cs if:Form.Err.captcha ?><span class="error"><?cs var:Form.Err.captcha ?></span><?cs /if ?>
    </div>
    <?cs /if ?>
    <div class="actions">
      <button type="submit" class="primary">登录</button>
      <a href="/login/forgot">忘记密码</a>
    </div>
  </form>
  <p class="note">企业可使用“海关代码”“纳税人识别号”“社会信用代码”作为登录账号，初始密码为银行账号后8位，首次登录须修改密码。</p>
</section>
