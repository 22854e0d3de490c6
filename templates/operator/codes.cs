<?cs include:"layout/macros.cs" ?>
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
<?cs if:CanImport ?>
<h2>导入<?cs var:List.label ?>代码表</h2>
<?cs include:"operator/import_report.cs" ?>
<form method="post" action="/operator/ref/codes/import" enctype="multipart/form-data" class="form import">
  <?cs call:csrf() ?>
  <input type="hidden" name="list" value="<?cs var:List.name ?>">
  <div class="field">
    <label for="f-file"><span class="req">*</span><?cs var:List.label ?>代码表文件</label>
    <input type="file" id="f-file" name="file" accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" class="required" required>
  </div>
  <p class="hint field-hint">xlsx或csv，表头须含“代码、名称”<?cs if:List.has_alt ?>，可含“国际代码”（字母代码，如USD；有此列时按文件更新，空白即清除）<?cs /if ?>。代码按海关格式填写，以0开头的代码请将单元格设为文本格式。文件中的代码新增或按文件修改名称；文件中没有的代码保留不变，不删除也不停用（已有报关单在使用）。全部行校验通过才导入。</p>
  <div class="actions"><button type="submit" class="primary">导入</button></div>
</form>
<?cs /if ?>
