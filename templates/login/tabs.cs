<?cs # The two ways to log in (000 §2.1: 用户名、密码、验证码登录，或使用卡介质登录);
       Login.Tab names the one shown. ?>
<nav class="login-tabs">
  <a href="/login/<?cs if:Form.next ?>?next=<?cs var:url_escape(Form.next) ?><?cs /if ?>"<?cs if:Login.Tab != "card" ?> class="current" aria-current="page"<?cs /if ?>>用户名密码登录</a>
  <a href="/login/card<?cs if:Form.next ?>?next=<?cs var:url_escape(Form.next) ?><?cs /if ?>"<?cs if:Login.Tab == "card" ?> class="current" aria-current="page"<?cs /if ?>>卡介质登录</a>
</nav>
