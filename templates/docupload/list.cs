<?cs include:"layout/decl_list.cs" ?>
<section class="panel">
  <h1>上传备案单证</h1>
  <?cs call:decl_tabs("/docupload/") ?>
  <div class="toolbar"><?cs call:decl_query("/docupload/") ?></div>
  <div class="table-scroll">
  <table class="list decls">
    <thead>
      <tr>
        <th>报关单号</th>
        <th>所属期</th>
        <th>出口日期</th>
        <th>商品行数</th>
        <th>已上传单证数</th>
        <th>备案期限</th>
        <th>保存期限</th>
        <th>状态</th>
        <th>操作</th>
      </tr>
    </thead>
    <tbody>
    <?cs each:d = Decls ?>
      <tr class="decl" id="decl-<?cs var:d.id ?>">
        <td><?cs var:d.decl_no ?></td>
        <td><?cs var:d.period ?></td>
        <td><?cs var:d.export_date ?></td>
        <td class="num"><?cs var:d.line_count ?></td>
        <td class="num"><?cs var:d.ndocs ?></td>
        <td><?cs call:due_cell(d) ?></td>
        <td><?cs var:d.retention_until ?></td>
        <td><?cs var:d.status_label ?></td>
        <td class="ops"><a href="/docupload/docs?decl=<?cs var:d.id ?>">上传</a></td>
      </tr>
    <?cs /each ?>
    <?cs if:subcount(Decls) == 0 ?><tr><td colspan="9">没有符合条件的报关单。</td></tr><?cs /if ?>
    </tbody>
  </table>
  </div>
  <?cs call:decl_pager("/docupload/") ?>
  <h2>按所属期备案</h2>
  <p class="hint">按所属期备案用于无法归档到某份报关单的单证（如按月结算的运输发票）。该所属期的报关单全部收齐后，按所属期备案记录即为已收齐；有报关单撤销收齐或新导入未收齐的报关单时，恢复为未收齐。</p>
  <table class="list periods">
    <thead>
      <tr>
        <th>所属期</th>
        <th>备案期限</th>
        <th>保存期限</th>
        <th>单证数</th>
        <th>报关单数</th>
        <th>未收齐报关单数</th>
        <th>状态</th>
        <th>操作</th>
      </tr>
    </thead>
    <tbody>
    <?cs each:p = Periods ?>
      <tr class="period" id="period-<?cs var:p.id ?>">
        <td><?cs var:p.period ?></td>
        <td><?cs var:p.due_date ?></td>
        <td><?cs var:p.retention_until ?></td>
        <td class="num"><?cs var:p.ndocs ?></td>
        <td class="num"><?cs var:p.ndecls ?></td>
        <td class="num"><?cs var:p.nopen ?></td>
        <td class="period-status"><?cs var:p.status_label ?></td>
        <td class="ops"><a href="/docupload/docs?period=<?cs var:p.id ?>">上传</a></td>
      </tr>
    <?cs /each ?>
    <?cs if:subcount(Periods) == 0 ?><tr><td colspan="8">没有按所属期备案记录。</td></tr><?cs /if ?>
    </tbody>
  </table>
</section>
