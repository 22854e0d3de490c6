<?cs include:"layout/export_decl.cs" ?>
<section class="panel">
  <h1>报关单详情</h1>
  <p>报关单号 <strong id="entry-id"><?cs var:Decl.H.EntryId ?></strong>，第<?cs var:Decl.version ?>版，数据传输状态：<strong id="trans-status"><?cs var:Decl.status_label ?></strong><?cs if:!Decl.current ?>（历史版本，已被新版本替代）<?cs /if ?></p>
  <div class="toolbar">
    <a class="button" href="/customs/new?from=<?cs var:Decl.id ?>">修改后重新发布</a>
    <a href="/customs/">返回</a>
  </div>
  <?cs call:export_decl(Decl) ?>
  <h2>发布记录</h2>
  <table class="list decl-versions">
    <thead><tr><th>版本</th><th>数据传输状态</th><th>发布时间</th><th></th></tr></thead>
    <tbody>
    <?cs each:v = Versions ?>
      <tr><td class="num"><?cs var:v.version ?></td><td><?cs var:v.status_label ?></td><td><?cs var:v.published_at ?></td>
      <td><?cs if:v.id == Decl.id ?>当前查看<?cs else ?><a href="/customs/view?id=<?cs var:v.id ?>">查看</a><?cs /if ?><?cs if:v.current == "1" ?>（当前版本）<?cs /if ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
</section>
