<?cs include:"layout/macros.cs" ?>
<?cs set:Tab = "rates" ?>
<h1>参考库</h1>
<?cs include:"operator/reflib_tabs.cs" ?>
<p class="hint" id="current-version"><?cs if:Current.Version ?>当前执行的文库版本：<strong><?cs var:Current.Version ?></strong>（自 <?cs var:Current.From ?> 起执行）<?cs else ?>尚未导入出口退税率文库。<?cs /if ?></p>
<div class="toolbar">
  <form method="get" action="/operator/ref/" role="search">
    <label for="q-hs">商品编码</label>
    <input type="search" id="q-hs" name="hs" value="<?cs var:Query.hs ?>" maxlength="10" size="12" placeholder="前若干位">
    <label for="q-name">商品名称</label>
    <input type="search" id="q-name" name="name" value="<?cs var:Query.name ?>" maxlength="50" size="16">
    <label for="q-date">执行日期</label>
    <input type="date" id="q-date" name="date" value="<?cs var:Query.date ?>">
    <button type="submit">查询</button>
  </form>
  <form method="get" action="/operator/ref/history">
    <label for="h-hs">税率历史</label>
    <input type="search" id="h-hs" name="hs" maxlength="10" size="12" placeholder="商品编码">
    <button type="submit">查看</button>
  </form>
</div>
<?cs if:Form.Err.hs ?><div class="form-errors" role="alert">商品编码：<?cs var:Form.Err.hs ?></div><?cs /if ?>
<?cs if:Form.Err.date ?><div class="form-errors" role="alert"><?cs var:Form.Err.date ?></div><?cs /if ?>
<table class="list rates" id="rates">
  <caption class="pager"><?cs var:Query.date ?> 执行的文库条目共 <?cs var:Pager.Total ?> 条</caption>
  <thead>
    <tr>
      <th scope="col">商品编码</th><th scope="col">商品名称</th><th scope="col">计量单位</th>
      <th scope="col">征税率(%)</th><th scope="col">退税率(%)</th><th scope="col">起始日期</th>
      <th scope="col">截止日期</th><th scope="col">特殊标识</th><th scope="col">类别</th><th scope="col">文库版本</th>
    </tr>
  </thead>
  <tbody>
  <?cs each:r = Rates ?>
    <tr>
      <td><a href="/operator/ref/history?hs=<?cs var:url_escape(r.hs_code) ?>&amp;date=<?cs var:url_escape(Query.date) ?>"><?cs var:r.hs_code ?></a></td>
      <td><?cs var:r.goods_name ?></td><td><?cs var:r.unit ?></td>
      <td class="num"><?cs var:r.levy_pct ?></td><td class="num"><?cs var:r.rebate_pct ?></td>
      <td><?cs var:r.effective_from ?></td><td><?cs var:r.effective_to ?></td>
      <td><?cs var:r.special_flag ?></td><td><?cs var:r.category ?></td><td><?cs var:r.version ?></td>
    </tr>
  <?cs /each ?>
  <?cs if:subcount(Rates) == 0 ?><tr><td colspan="10">没有符合条件的文库条目。</td></tr><?cs /if ?>
  </tbody>
</table>
<nav class="pager" aria-label="分页">
  第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
  <?cs if:Pager.Prev ?><a href="/operator/ref/?hs=<?cs var:url_escape(Query.hs) ?>&amp;name=<?cs var:url_escape(Query.name) ?>&amp;date=<?cs var:url_escape(Query.date) ?>&amp;page=<?cs var:Pager.Prev ?>">上一页</a><?cs /if ?>
  <?cs if:Pager.Next ?><a href="/operator/ref/?hs=<?cs var:url_escape(Query.hs) ?>&amp;name=<?cs var:url_escape(Query.name) ?>&amp;date=<?cs var:url_escape(Query.date) ?>&amp;page=<?cs var:Pager.Next ?>">下一页</a><?cs /if ?>
</nav>
<h2>文库版本</h2>
<table class="list" id="versions">
  <thead><tr><th scope="col">文库版本</th><th scope="col">生效日期</th><th scope="col">条数</th><th scope="col">来源</th><th scope="col">备注</th><th scope="col">导入时间</th><th scope="col">导入人</th></tr></thead>
  <tbody>
  <?cs each:v = Versions ?>
    <tr><td><?cs var:v.version ?></td><td><?cs var:v.effective_from ?></td><td class="num"><?cs var:v.rows_count ?></td><td><?cs var:v.source ?></td><td><?cs var:v.note ?></td><td><?cs var:v.imported_at ?></td><td><?cs var:v.imported_by ?></td></tr>
  <?cs /each ?>
  </tbody>
</table>
<?cs if:CanImport ?>
<h2>导入出口退税率文库</h2>
<?cs include:"operator/import_report.cs" ?>
<form method="post" action="/operator/ref/import" enctype="multipart/form-data" class="form import">
  <?cs call:csrf() ?>
  <?cs call:field_text("version", "文库版本号", 1, 16) ?>
  <div class="field<?cs if:Form.Err.effective_from ?> has-error<?cs /if ?>">
    <label for="f-effective_from"><span class="req">*</span>生效日期</label>
    <input type="date" id="f-effective_from" name="effective_from" value="<?cs var:Form.effective_from ?>" class="required" required>
    <?cs if:Form.Err.effective_from ?><span class="error"><?cs var:Form.Err.effective_from ?></span><?cs /if ?>
  </div>
  <?cs call:field_text("note", "备注", 0, 500) ?>
  <div class="field">
    <label for="f-file"><span class="req">*</span>文库文件</label>
    <input type="file" id="f-file" name="file" accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" class="required" required>
  </div>
  <p class="hint field-hint">xlsx或csv（UTF-8或GBK），不大于20M。表头须含“商品编码、商品名称、征税率、退税率”，可含“计量单位、起始日期、截止日期、特殊标识、类别”；税率按百分数填写（13表示13%）。新版本须晚于最新版本生效，导入后此前版本的条目于生效日期前一日截止。全部行校验通过才导入，否则列出出错的行号和原因。</p>
  <div class="actions"><button type="submit" class="primary">导入</button></div>
</form>
<?cs /if ?>
