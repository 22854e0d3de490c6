<?cs include:"docupload/parts.cs" ?>
<section class="panel">
  <h1>预览单证</h1>
  <?cs call:target_head() ?>
  <div class="toolbar">
    <a class="button" href="/docupload/docs?<?cs var:Target.Query ?>">返回单证种类</a>
  </div>
  <div class="split preview">
    <nav class="split-left folders">
      <?cs each:g = Groups ?>
      <details open>
        <summary class="folder"><?cs var:g.name ?>（<?cs var:subcount(g.Files) ?>）</summary>
        <ul>
          <?cs each:f = g.Files ?>
          <li<?cs if:f.current ?> class="current"<?cs /if ?>><a href="/docupload/preview?<?cs var:Target.Query ?>&amp;file=<?cs var:f.id ?>"<?cs if:f.current ?> aria-current="page"<?cs /if ?>><?cs var:f.file_name ?></a><?cs if:f.link_no ?>（<?cs var:f.link_no ?>）<?cs /if ?></li>
          <?cs /each ?>
        </ul>
      </details>
      <?cs /each ?>
      <?cs if:subcount(Groups) == 0 ?><p>尚未上传单证文件。</p><?cs /if ?>
    </nav>
    <div class="split-right viewer">
      <?cs if:Shown.id ?>
      <p class="file-meta"><?cs var:Shown.kind_name ?>：<?cs var:Shown.file_name ?>（<?cs var:Shown.size ?>，<?cs var:string.slice(Shown.uploaded_at, 0, 16) ?>）</p>
      <?cs if:Shown.kind == "pdf" ?>
      <iframe class="doc-pdf" src="/docupload/file?id=<?cs var:Shown.id ?>" title="PDF文件：<?cs var:Shown.file_name ?>"></iframe>
      <p class="hint">如浏览器未显示PDF文件，请<a href="/docupload/file?id=<?cs var:Shown.id ?>" target="_blank" rel="noopener">在新窗口中打开PDF文件</a>。</p>
      <?cs else ?>
      <img class="doc-image" src="/docupload/file?id=<?cs var:Shown.id ?>" alt="<?cs var:Shown.file_name ?>">
      <?cs /if ?>
      <?cs /if ?>
    </div>
  </div>
</section>
