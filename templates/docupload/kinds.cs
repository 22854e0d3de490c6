<?cs include:"docupload/parts.cs" ?>
<section class="panel">
  <h1>上传单证</h1>
  <?cs call:target_head() ?>
  <div class="toolbar">
    <a class="button" href="/docupload/preview?<?cs var:Target.Query ?>">预览</a>
    <?cs if:Target.Kind == "decl" ?><a class="button" href="/docupload/lines?decl=<?cs var:Target.Id ?>">添加申报关联号专属单证</a><?cs /if ?>
    <a class="button" href="/docupload/">返回</a>
  </div>
  <?cs call:upload_errors() ?>
  <?cs call:kind_rows(Kinds, 0) ?>
  <h2>已上传的单证</h2>
  <?cs call:file_rows(Files) ?>
</section>
