<?cs include:"layout/macros.cs" ?>
<section class="panel">
  <h1>进口报关单详情</h1>
  <?cs with:h = Decl.0 ?>
  <p>报关单号 <strong id="entry-id"><?cs var:h.entry_id ?></strong>，第<?cs var:h.version ?>版，数据传输状态：<strong id="trans-status"><?cs var:h.status_label ?></strong><?cs if:!h.current_entry_id ?>（历史版本，已被新版本替代）<?cs /if ?></p>
  <div class="toolbar">
    <a class="button" href="/customs/importnew?from=<?cs var:h.id ?>">修改后重新发布</a>
    <a href="/customs/imports">返回</a>
  </div>
  <?cs /with ?>
  <h2>报关单表头信息</h2>
  <table class="list import-decl-head">
    <tbody>
    <?cs each:f = Head ?><tr><th scope="row"><?cs var:f.label ?></th><td><?cs var:f.value ?></td></tr><?cs /each ?>
    </tbody>
  </table>
  <h2>报关单表体信息</h2>
  <div class="wide-table">
  <table class="list import-decl-lines">
    <thead><tr><?cs each:l = LineFields ?><th><?cs var:l.label ?></th><?cs /each ?></tr></thead>
    <tbody>
    <?cs each:r = Lines ?><tr><?cs each:v = r ?><td><?cs var:v ?></td><?cs /each ?></tr><?cs /each ?>
    </tbody>
  </table>
  </div>
  <h2>发布记录</h2>
  <table class="list decl-versions">
    <thead><tr><th>版本</th><th>数据传输状态</th><th>发布时间</th><th></th></tr></thead>
    <tbody>
    <?cs each:v = Versions ?>
      <tr><td class="num"><?cs var:v.version ?></td><td><?cs var:v.status_label ?></td><td><?cs var:v.published_at ?></td>
      <td><?cs if:v.id == Decl.0.id ?>当前查看<?cs else ?><a href="/customs/importshow?id=<?cs var:v.id ?>">查看</a><?cs /if ?><?cs if:v.current == "1" ?>（当前版本）<?cs /if ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
</section>
