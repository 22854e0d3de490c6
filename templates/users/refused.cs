<section class="error-page">
  <h1>操作被拒绝</h1>
  <p class="message"><?cs var:Refused.Reason ?></p>
  <p><a href="/users/">返回用户管理</a></p>
</section>
