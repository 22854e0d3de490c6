<?cs include:"layout/decl_list.cs" ?>
<section class="panel">
  <h1>导出备案目录</h1>
  <?cs call:decl_query_open("/docexport/", 1) ?>
    <div class="toolbar exports">
      <button type="submit" formaction="/docexport/zip">导出ZIP</button>
      <button type="submit" formaction="/docexport/pdf">导出PDF</button>
      <button type="submit" formaction="/docexport/table">导出表格</button>
      <button type="submit" formaction="/docexport/print">打印单证</button>
    </div>
  <?cs call:decl_query_close() ?>
  <?cs if:Refusal ?><div class="form-errors refusal"><?cs var:Refusal ?></div><?cs /if ?>
  <div class="table-scroll">
  <table class="list decls">
    <thead>
      <tr>
        <th>报关单号</th>
        <th>所属期</th>
        <th>出口日期</th>
        <th>单证数</th>
        <th>状态</th>
      </tr>
    </thead>
    <tbody>
    <?cs each:d = Decls ?>
      <tr class="decl" id="decl-<?cs var:d.id ?>">
        <td><?cs var:d.decl_no ?></td>
        <td><?cs var:d.period ?></td>
        <td><?cs var:d.export_date ?></td>
        <td class="num"><?cs var:d.ndocs ?></td>
        <td><?cs var:d.status_label ?></td>
      </tr>
    <?cs /each ?>
    <?cs if:subcount(Decls) == 0 ?><tr><td colspan="5">没有符合条件的报关单。</td></tr><?cs /if ?>
    </tbody>
  </table>
  </div>
  <?cs call:decl_pager("/docexport/") ?>
</section>
