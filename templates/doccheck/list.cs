<?cs include:"layout/decl_list.cs" ?>
<section class="panel">
  <h1>单证收齐审核</h1>
  <?cs call:decl_tabs("/doccheck/") ?>
  <div class="toolbar"><?cs call:decl_query("/doccheck/") ?></div>
  <?cs if:Result.Shown ?>
  <div class="form-errors check-result">
    <p>已收齐<?cs var:Result.Done ?>条；以下报关单未能收齐：</p>
    <ul><?cs each:e = Result.Refused ?><li class="refused"><?cs var:e ?></li><?cs /each ?></ul>
  </div>
  <?cs /if ?>
  <form method="post" action="/doccheck/complete" class="check">
    <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="status" value="<?cs var:Tab ?>">
    <input type="hidden" name="decl_no" value="<?cs var:Form.decl_no ?>">
    <input type="hidden" name="period" value="<?cs var:Form.period ?>">
    <?cs if:Can.Edit ?><div class="toolbar"><button type="submit" class="primary">一键收齐</button></div><?cs /if ?>
    <div class="table-scroll">
    <table class="list decls">
      <thead>
        <tr>
          <th>选择</th>
          <th>报关单号</th>
          <th>所属期</th>
          <th>出口日期</th>
          <th>商品行数</th>
          <th>已上传单证数</th>
          <th>备案期限</th>
          <th>保存期限</th>
          <th>状态</th>
          <th>缺少的必须单证</th>
          <th>操作</th>
        </tr>
      </thead>
      <tbody>
      <?cs each:d = Decls ?>
        <tr class="decl" id="decl-<?cs var:d.id ?>">
          <td><?cs if:d.status != "complete" ?><input type="checkbox" name="ids" value="<?cs var:d.id ?>" aria-label="选择报关单 <?cs var:d.decl_no ?>"><?cs /if ?></td>
          <td><?cs var:d.decl_no ?></td>
          <td><?cs var:d.period ?></td>
          <td><?cs var:d.export_date ?></td>
          <td class="num"><?cs var:d.line_count ?></td>
          <td class="num"><?cs var:d.ndocs ?></td>
          <td><?cs call:due_cell(d) ?></td>
          <td><?cs var:d.retention_until ?></td>
          <td><?cs var:d.status_label ?></td>
          <td><?cs var:d.missing ?></td>
          <td class="ops">
            <?cs if:Can.Edit ?>
            <?cs if:d.status == "complete" ?>
            <button type="submit" class="link" formaction="/doccheck/reopen" name="id" value="<?cs var:d.id ?>">撤销收齐</button>
            <?cs else ?>
            <button type="submit" class="link" name="one" value="<?cs var:d.id ?>">收齐</button>
            <?cs /if ?>
            <?cs /if ?>
            <a href="/docupload/docs?decl=<?cs var:d.id ?>">单证</a>
          </td>
        </tr>
      <?cs /each ?>
      <?cs if:subcount(Decls) == 0 ?><tr><td colspan="11">没有符合条件的报关单。</td></tr><?cs /if ?>
      </tbody>
    </table>
    </div>
  </form>
  <?cs call:decl_pager("/doccheck/") ?>
</section>
