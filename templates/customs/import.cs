<section class="panel">
  <h1>导入报关单</h1>
  <div class="form-errors" role="alert">
    <p>导入失败：文件“<?cs var:Import.FileName ?>”共<?cs var:Import.Total ?>票报关单，其中<?cs var:Import.Bad ?>票有问题，本文件的报关单均未保存。请修改后重新导入。</p>
  </div>
  <ol class="import-problems">
  <?cs each:p = Problems ?><li><?cs var:p ?></li><?cs /each ?>
  </ol>
  <?cs if:Import.More ?><p>另有<?cs var:Import.More ?>个问题未列出。</p><?cs /if ?>
  <p><a href="/customs/">返回报关单发布</a></p>
</section>
