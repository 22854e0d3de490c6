<?cs include:"docupload/tabs.cs" ?>
<section class="panel">
  <h1>导出备案目录</h1>
  <form method="get" action="/docexport/" class="query">
    <label for="q-decl">报关单号</label>
    <input type="text" id="q-decl" name="decl_no" value="<?cs var:Form.decl_no ?>" maxlength="18" size="18">
    <label for="q-period">所属期</label>
    <input type="text" id="q-period" name="period" value="<?cs var:Form.period ?>" maxlength="6" size="6" placeholder="YYYYMM">
    <label for="q-status">状态</label>
    <select id="q-status" name="status">
      <option value="incomplete"<?cs if:Tab == "incomplete" ?> selected<?cs /if ?>>未收齐</option>
      <option value="complete"<?cs if:Tab == "complete" ?> selected<?cs /if ?>>已收齐</option>
      <option value="all"<?cs if:Tab == "all" ?> selected<?cs /if ?>>全部</option>
    </select>
    <button type="submit" class="primary">查询</button>
    <a href="/docexport/">重置</a>
    <div class="toolbar exports">
      <button type="submit" formaction="/docexport/zip">导出ZIP</button>
      <button type="submit" formaction="/docexport/pdf">导出PDF</button>
      <button type="submit" formaction="/docexport/table">导出表格</button>
      <button type="submit" formaction="/docexport/print">打印单证</button>
    </div>
  </form>
  <?cs if:Form.Err.period ?><div class="form-errors"><?cs var:Form.Err.period ?></div><?cs /if ?>
  <?cs if:Refusal ?><div class="form-errors refusal"><?cs var:Refusal ?></div><?cs /if ?>
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
  <?cs call:decl_pager("/docexport/") ?>
</section>
