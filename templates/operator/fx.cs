<?cs include:"layout/macros.cs" ?>
<?cs set:Tab = "fx" ?>
<h1>参考库</h1>
<?cs include:"operator/reflib_tabs.cs" ?>
<div class="toolbar">
  <form method="get" action="/operator/ref/fx" role="search">
    <label for="q-currency">币制</label>
    <select id="q-currency" name="currency">
      <option value="">全部</option>
      <?cs each:o = Currencies ?><option value="<?cs var:o.code ?>"<?cs if:o.Sel ?> selected<?cs /if ?>><?cs var:o.name ?></option><?cs /each ?>
    </select>
    <label for="q-year">年度</label>
    <input type="search" id="q-year" name="year" value="<?cs var:Query.year ?>" maxlength="4" size="6" placeholder="YYYY">
    <button type="submit">查询</button>
  </form>
</div>
<table class="list" id="fx">
  <thead><tr><th scope="col">币制</th><th scope="col">币种</th><th scope="col">名称</th><th scope="col">月份</th><th scope="col">汇率（人民币元/单位）</th><th scope="col">来源</th><th scope="col">更新时间</th></tr></thead>
  <tbody>
  <?cs each:x = Fx ?>
    <tr><td><?cs var:x.currency ?></td><td><?cs var:x.alt ?></td><td><?cs var:x.name ?></td><td><?cs var:x.month ?></td><td class="num"><?cs var:x.rate ?></td><td><?cs var:x.source ?></td><td><?cs var:x.updated_at ?></td></tr>
  <?cs /each ?>
  <?cs if:subcount(Fx) == 0 ?><tr><td colspan="7">没有符合条件的汇率。</td></tr><?cs /if ?>
  </tbody>
</table>
<?cs if:CanImport ?>
<h2>导入汇率</h2>
<?cs include:"operator/import_report.cs" ?>
<form method="post" action="/operator/ref/fx/import" enctype="multipart/form-data" class="form import">
  <?cs call:csrf() ?>
  <div class="field">
    <label for="f-file"><span class="req">*</span>汇率文件</label>
    <input type="file" id="f-file" name="file" accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" class="required" required>
  </div>
  <p class="hint field-hint">xlsx或csv，表头须含“币制、月份、汇率”，可含“单位”（1或100）。币制可填海关代码（502）、币种（USD）或名称（美元）；月份如202601；汇率为每单位外币折合人民币元，最多六位小数。已有的币制和月份按导入值修改。全部行校验通过才导入。</p>
  <div class="actions"><button type="submit" class="primary">导入</button></div>
</form>
<?cs /if ?>
