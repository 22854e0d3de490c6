<?cs set:Tab = "codes" ?>
<h1>参考库</h1>
<?cs include:"operator/reflib_tabs.cs" ?>
<div class="toolbar">
  <form method="get" action="/operator/ref/codes">
    <label for="q-list">代码表</label>
    <select id="q-list" name="list">
      <?cs each:l = Lists ?><option value="<?cs var:l.name ?>"<?cs if:l.Sel ?> selected<?cs /if ?>><?cs var:l.label ?></option><?cs /each ?>
    </select>
    <button type="submit">查看</button>
  </form>
</div>
<table class="list" id="codes">
  <caption><?cs var:List.label ?>（共 <?cs var:subcount(Codes) ?> 项）</caption>
  <thead><tr><th scope="col">代码</th><th scope="col">国际代码</th><th scope="col">名称</th><th scope="col">状态</th></tr></thead>
  <tbody>
  <?cs each:r = Codes ?>
    <tr><td><?cs var:r.code ?></td><td><?cs var:r.alt ?></td><td><?cs var:r.name ?></td><td><?cs if:r.status == "normal" ?>正常<?cs else ?>停用<?cs /if ?></td></tr>
  <?cs /each ?>
  </tbody>
</table>
