<?cs # Pieces of the 上传单证 pages.  target_head: what the documents are
       filed for.  upload_errors: the problems of a refused upload.
       kind_rows(kinds, line): the 单证种类 table with 【上传单证】 per kind
       (line: the product line's id, or 0).  file_rows(files): the files
       with 查看 / 删除. ?>
<?cs def:target_head() ?>
<dl class="target">
  <?cs if:Target.Kind == "decl" ?><dt>报关单号</dt><dd><?cs var:Target.DeclNo ?></dd><?cs /if ?>
  <dt>所属期</dt><dd><?cs var:Target.Period ?></dd>
  <dt>备案期限</dt><dd><?cs var:Target.DueDate ?></dd>
  <dt>保存期限</dt><dd><?cs var:Target.RetentionUntil ?></dd>
  <dt>状态</dt><dd><?cs var:Target.Status ?></dd>
  <?cs if:Target.KindsOn ?><dt>单证种类适用日期</dt><dd class="kinds-on"><?cs var:Target.KindsOn ?>（<?cs var:Target.KindsOnBasis ?>）</dd><?cs /if ?>
</dl>
<?cs /def ?>
<?cs def:upload_errors() ?>
<?cs if:subcount(Upload.Errors) ?>
<div class="form-errors upload-errors">
  <p>“<?cs var:Upload.Kind ?>”上传未成功<?cs if:Upload.Summary ?>：<?cs var:Upload.Summary ?><?cs /if ?></p>
  <?cs each:e = Upload.Errors ?><span class="error upload-error"><?cs var:e ?></span><?cs /each ?>
</div>
<?cs /if ?>
<?cs /def ?>
<?cs def:kind_rows(kinds, line) ?>
<table class="list kinds">
  <thead>
    <tr>
      <th>单证种类</th>
      <th>必须</th>
      <th>文件数</th>
      <th>操作</th>
    </tr>
  </thead>
  <tbody>
  <?cs each:k = kinds ?>
    <tr class="kind" data-kind="<?cs var:k.id ?>">
      <td><?cs var:k.name ?></td>
      <td><?cs if:k.required ?>是<?cs else ?>否<?cs /if ?></td>
      <td class="num"><?cs var:k.nfiles ?></td>
      <td class="ops">
        <?cs if:Can.Edit ?>
        <form method="post" action="/docupload/upload" enctype="multipart/form-data" class="upload">
          <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
          <input type="hidden" name="<?cs var:Target.Kind ?>" value="<?cs var:Target.Id ?>">
          <?cs if:line ?><input type="hidden" name="line" value="<?cs var:line ?>"><?cs /if ?>
          <input type="hidden" name="doc_kind_id" value="<?cs var:k.id ?>">
          <input type="file" name="files" multiple accept=".jpg,.jpeg,.pdf,image/jpeg,application/pdf" aria-label="<?cs var:k.name ?>的单证文件" required>
          <button type="submit">上传单证</button>
        </form>
        <?cs /if ?>
        <?cs if:!line && Target.Kind == "decl" && k.nlines > 0 ?><a class="exclusive" href="/docupload/lines?decl=<?cs var:Target.Id ?>">专属单证（<?cs var:k.nlines ?>）</a><?cs /if ?>
      </td>
    </tr>
  <?cs /each ?>
  <?cs if:subcount(kinds) == 0 ?><tr><td colspan="4">没有适用的单证种类。</td></tr><?cs /if ?>
  </tbody>
</table>
<p class="hint">一种单证种类下可上传多个单证；每个文件不大于5M，格式支持jpg、pdf；可一次选择多个文件。</p>
<?cs /def ?>
<?cs def:file_rows(files) ?>
<table class="list files">
  <thead>
    <tr>
      <th>单证种类</th>
      <th>申报关联号</th>
      <th>文件名</th>
      <th>大小</th>
      <th>上传时间</th>
      <th>操作</th>
    </tr>
  </thead>
  <tbody>
  <?cs each:f = files ?>
    <tr class="file" data-file="<?cs var:f.id ?>">
      <td><?cs var:f.kind_name ?></td>
      <td><?cs if:f.link_no ?><?cs var:f.link_no ?> / <?cs var:f.item_no ?><?cs /if ?></td>
      <td class="file-name"><?cs var:f.file_name ?></td>
      <td class="num"><?cs var:f.size ?></td>
      <td><?cs var:string.slice(f.uploaded_at, 0, 16) ?></td>
      <td class="ops">
        <a href="/docupload/file?id=<?cs var:f.id ?>" target="_blank" rel="noopener">查看</a>
        <?cs if:Can.Edit ?>
        <form method="post" action="/docupload/delete" data-confirm="确定删除文件“<?cs var:f.file_name ?>”吗？">
          <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
          <input type="hidden" name="id" value="<?cs var:f.id ?>">
          <button type="submit" class="link">删除</button>
        </form>
        <?cs /if ?>
      </td>
    </tr>
  <?cs /each ?>
  <?cs if:subcount(files) == 0 ?><tr><td colspan="6">尚未上传单证文件。</td></tr><?cs /if ?>
  </tbody>
</table>
<?cs /def ?>
