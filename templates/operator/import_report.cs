<?cs if:Form.Err.file ?><div class="form-errors" role="alert" id="import-error"><?cs var:Form.Err.file ?></div><?cs /if ?>
<?cs if:Report.Count ?>
<table class="list import-report" id="import-report">
  <caption>错误明细（共 <?cs var:Report.Count ?> 行<?cs if:Report.Count > Report.Shown ?>，显示前 <?cs var:Report.Shown ?> 行<?cs /if ?>）</caption>
  <thead><tr><th scope="col">行号</th><th scope="col">错误原因</th></tr></thead>
  <tbody>
  <?cs each:e = Report.Rows ?><tr><td class="num"><?cs var:e.row ?></td><td><?cs var:e.reason ?></td></tr><?cs /each ?>
  </tbody>
</table>
<?cs /if ?>
