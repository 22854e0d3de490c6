<section class="error-page">
  <h1>操作被拒绝</h1>
  <p class="message"><?cs var:Refused.Reason ?></p>
  <p><a href="<?cs var:Refused.Back ?>"><?cs var:Refused.BackLabel ?></a></p>
</section>
