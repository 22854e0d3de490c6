<section class="error-page">
  <h1><?cs if:Error.Status == 404 ?>页面不存在<?cs elif:Error.Status == 403 ?>无权访问<?cs elif:Error.Status == 413 ?>内容过大<?cs elif:Error.Status >= 500 ?>系统出错<?cs else ?>请求有误<?cs /if ?></h1>
  <p class="message"><?cs var:Error.Message ?></p>
  <p class="hint">请求编号：<code><?cs var:Page.RequestId ?></code>。如需帮助，请把此编号告知运维人员。</p>
  <p><a href="/workbench/">返回工作台</a></p>
</section>
