<section class="panel print-docs">
  <div class="toolbar"><a class="button" href="/docexport/?status=all&amp;decl_no=<?cs var:url_escape(Decl.decl_no) ?>">返回</a> 请使用浏览器的打印功能（Ctrl+P）打印本页。</div>
  <h1>备案单证目录</h1>
  <p class="decl-info">报关单号：<span class="decl-no"><?cs var:Decl.decl_no ?></span>
    所属期：<?cs var:Decl.period ?> 出口日期：<?cs var:Decl.export_date ?></p>
  <table class="list catalog">
    <thead>
      <tr><th>序号</th><th>单证种类</th><th>文件名</th><th>上传时间</th><th>SHA-256</th></tr>
    </thead>
    <tbody>
    <?cs each:f = Docs ?>
      <tr<?cs if:f.by_period == 1 ?> class="by-period"<?cs /if ?>><td class="num"><?cs var:name(f) + 1 ?></td><td><?cs var:f.kind_name ?><?cs if:f.by_period == 1 ?><br><span class="tag by-period-tag">按所属期备案</span><?cs /if ?></td><td><?cs var:f.file_name ?></td><td><?cs var:f.uploaded_at ?></td><td class="sha"><?cs var:f.sha256 ?></td></tr>
    <?cs /each ?>
    <?cs if:subcount(Docs) == 0 ?><tr><td colspan="5">该报关单没有上传单证。</td></tr><?cs /if ?>
    </tbody>
  </table>
  <?cs if:Decl.period_docs ?><p class="catalog-note">标注“按所属期备案”的单证是所属期 <?cs var:Decl.period ?> 按所属期备案的单证，属于该所属期的全部报关单。</p><?cs /if ?>
  <?cs each:f = Docs ?>
  <div class="preview print-doc<?cs if:f.by_period == 1 ?> by-period<?cs /if ?><?cs if:f.kind != "pdf" ?> print-image<?cs /if ?>">
    <h2><?cs var:name(f) + 1 ?>. <?cs var:f.kind_name ?><?cs if:f.by_period == 1 ?>（按所属期备案）<?cs /if ?>：<?cs var:f.file_name ?></h2>
    <?cs if:f.kind == "pdf" ?>
    <p class="pdf-note">PDF单证请通过【导出PDF】导出后打印。</p>
    <?cs else ?>
    <div class="viewer"><img class="doc-image" src="/docexport/file?id=<?cs var:f.doc_id ?>" alt="<?cs var:f.file_name ?>"></div>
    <?cs /if ?>
  </div>
  <?cs /each ?>
</section>
