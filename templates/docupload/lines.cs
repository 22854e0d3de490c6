<?cs include:"docupload/parts.cs" ?>
<section class="panel">
  <h1>添加申报关联号专属单证</h1>
  <?cs call:target_head() ?>
  <div class="toolbar">
    <a class="button" href="/docupload/docs?decl=<?cs var:Target.Id ?>">返回单证种类</a>
  </div>
  <?cs call:upload_errors() ?>
  <div class="split">
    <div class="split-left">
      <h2>商品列表</h2>
      <table class="list lines">
        <thead>
          <tr>
            <th>申报关联号</th>
            <th>商品序号</th>
            <th>商品名称</th>
            <th>专属单证</th>
          </tr>
        </thead>
        <tbody>
        <?cs each:l = Lines ?>
          <tr class="line<?cs if:l.id == Line.Id ?> current<?cs /if ?>" data-line="<?cs var:l.id ?>">
            <td><a href="/docupload/lines?decl=<?cs var:Target.Id ?>&amp;line=<?cs var:l.id ?>"><?cs var:l.link_no ?></a></td>
            <td class="num"><?cs var:l.item_no ?></td>
            <td><?cs var:l.goods_name ?></td>
            <td class="num"><?cs var:l.nfiles ?></td>
          </tr>
        <?cs /each ?>
        <?cs if:subcount(Lines) == 0 ?><tr><td colspan="4">报关单没有商品行。</td></tr><?cs /if ?>
        </tbody>
      </table>
    </div>
    <div class="split-right">
      <?cs if:Line.Id ?>
      <h2>专属单证：<?cs var:Line.Label ?></h2>
      <?cs call:kind_rows(Kinds, Line.Id) ?>
      <?cs call:file_rows(Files) ?>
      <?cs else ?>
      <h2>专属单证</h2>
      <div class="choose-line" id="choose-line">
        <strong>请在左侧商品列表中选择商品</strong>
        点击商品的申报关联号，此处将列出其单证种类，可点击【上传单证】上传该商品的专属单证。
      </div>
      <?cs /if ?>
    </div>
  </div>
</section>
