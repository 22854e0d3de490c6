<?cs include:"layout/macros.cs" ?>
<?cs with:u = Uploads.0 ?>
<section class="panel">
  <h1>关单清册</h1>
  <?cs call:field_readonly("文件名", u.file_name) ?>
  <?cs call:field_readonly("表类型", u.kind_label) ?>
  <?cs call:field_readonly("所属期", u.period) ?>
  <?cs call:field_readonly("状态", u.status_label) ?>
  <?cs call:field_readonly("上传时间", u.created_at) ?>
  <?cs if:Job.Running ?>
  <div class="job-progress">
    <?cs if:Job.Reading ?>
    <progress id="job-progress"></progress>
    <span><?cs if:u.status == "queued" ?>排队等待导入<?cs else ?>正在读取文件<?cs /if ?>，页面每2秒刷新。</span>
    <?cs else ?>
    <progress id="job-progress" max="<?cs var:Job.Total ?>" value="<?cs var:Job.Done ?>"><?cs var:Job.Percent ?>%</progress>
    <span>正在导入：<?cs var:Job.Done ?> / <?cs var:Job.Total ?> 行（<?cs var:Job.Percent ?>%），页面每2秒刷新。</span>
    <?cs /if ?>
  </div>
  <?cs else ?>
  <?cs if:u.message ?><p class="result"><?cs var:u.message ?></p><?cs /if ?>
  <p>总行数 <?cs var:u.rows_total ?>，成功 <?cs var:u.rows_ok ?>，错误 <?cs var:u.rows_bad ?>
  <?cs if:u.errors ?> <a class="button" href="/declist/errors?id=<?cs var:u.id ?>">下载错误明细</a><?cs /if ?></p>
  <h2>按所属期备案</h2>
  <table class="list filings">
    <thead><tr><th>所属期</th><th>申报日期</th><th>备案期限</th><th>保存期限</th></tr></thead>
    <tbody>
    <?cs each:f = Filings ?>
      <tr><td><?cs var:f.period ?></td><td><?cs var:f.declared_on ?></td><td><?cs var:f.due_date ?></td><td><?cs var:f.retention_until ?></td></tr>
    <?cs /each ?>
    <?cs if:subcount(Filings) == 0 ?><tr><td colspan="4">没有按所属期备案记录。</td></tr><?cs /if ?>
    </tbody>
  </table>
  <h2>关单清册</h2>
  <div class="table-scroll">
  <table class="list decls">
    <thead><tr><th>报关单号</th><th>所属期</th><th>出口日期</th><th>商品行数</th><th>美元离岸价</th></tr></thead>
    <tbody>
    <?cs each:d = Decls ?>
      <tr><td><?cs var:d.decl_no ?></td><td><?cs var:d.period ?></td><td><?cs var:d.export_date ?></td><td class="num"><?cs var:d.line_count ?></td><td class="num"><?cs var:d.fob ?></td></tr>
    <?cs /each ?>
    <?cs if:subcount(Decls) == 0 ?><tr><td colspan="5">没有导入的报关单。</td></tr><?cs /if ?>
    </tbody>
  </table>
  </div>
  <?cs /if ?>
  <div class="actions"><a class="button" href="/declist/">返回</a></div>
</section>
<?cs /with ?>
