<?cs include:"layout/macros.cs" ?>
<?cs include:"prearchive/files.cs" ?>
<section class="panel">
  <h1>传预归档单证</h1>
  <?cs call:field_readonly("合同协议号", Item.ContractNo) ?>
  <?cs call:field_readonly("内部跟踪号", Item.TrackingNo) ?>
  <?cs if:Item.DeclNo ?><?cs call:field_readonly("报关单号", Item.DeclNo) ?><?cs /if ?>
  <form method="post" action="/prearchive/upload" enctype="multipart/form-data">
    <?cs call:csrf() ?>
    <input type="hidden" name="id" value="<?cs var:Item.Id ?>">
    <?cs call:field_select("doc_kind_id", "选择单证种类", 1, Options.Kinds, "请选择单证种类") ?>
    <div class="field<?cs if:Form.Err.files ?> has-error<?cs /if ?>">
      <label for="f-files"><span class="req">*</span>单证文件</label>
      <input type="file" id="f-files" name="files" multiple accept=".jpg,.jpeg,.pdf,image/jpeg,application/pdf" class="required" required>
      <?cs if:Form.Err.files ?><span class="error"><?cs var:Form.Err.files ?></span><?cs /if ?>
      <?cs each:e = Upload.Errors ?><span class="error upload-error"><?cs var:e ?></span><?cs /each ?>
    </div>
    <p class="hint field-hint">上传单证文件不大于5M，文件格式支持jpg、pdf的单证；可一次选择多个文件。</p>
    <div class="actions">
      <button type="submit" class="primary">上传</button>
      <a class="button" href="/prearchive/?open=<?cs var:Item.Id ?>">关闭</a>
    </div>
  </form>
  <h2>已上传的单证</h2>
  <?cs call:prearchive_files(Files, "upload", 1) ?>
</section>
