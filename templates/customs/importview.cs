<?cs include:"layout/macros.cs" ?>
<section class="panel">
  <h1>导入报关单</h1>
  <?cs with:i = Imports.0 ?>
  <?cs call:field_readonly("文件", i.file_name) ?>
  <?cs call:field_readonly("大小（字节）", i.file_bytes) ?>
  <?cs call:field_readonly("状态", i.status_label) ?>
  <?cs call:field_readonly("上传时间", i.created_at) ?>
  <?cs if:Job.Running ?>
  <div class="job-progress">
    <progress id="job-progress" max="100" value="<?cs var:Job.Percent ?>"><?cs var:Job.Percent ?>%</progress>
    <span><?cs if:i.status == "queued" ?>排队等待导入<?cs else ?>正在导入：已读取文件的<?cs var:Job.Percent ?>%<?cs /if ?>，页面每2秒刷新。</span>
    <a class="button" href="/customs/importview?id=<?cs var:i.id ?>">刷新</a>
  </div>
  <?cs elif:i.status == "done" ?>
  <p class="result"><?cs var:i.message ?></p>
  <p><a href="/customs/">返回报关单发布</a></p>
  <?cs else ?>
  <div class="form-errors" role="alert">
    <?cs if:i.decl_bad > 0 ?>
    <p>导入失败：文件“<?cs var:i.file_name ?>”共<?cs var:i.decl_total ?>票报关单，其中<?cs var:i.decl_bad ?>票有问题，本文件的报关单均未保存。请修改后重新导入。</p>
    <?cs else ?>
    <p><?cs var:i.message ?></p>
    <?cs /if ?>
  </div>
  <ol class="import-problems">
  <?cs each:p = Problems ?><li><?cs var:p ?></li><?cs /each ?>
  </ol>
  <?cs if:Import.More ?><p>另有<?cs var:Import.More ?>个问题未列出。</p><?cs /if ?>
  <p><a href="/customs/">返回报关单发布</a></p>
  <?cs /if ?>
  <?cs /with ?>
</section>
