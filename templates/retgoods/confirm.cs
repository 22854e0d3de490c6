<?cs # 删除确认 (004 §4.1.2 / §4.2): the page a 删除 shows where the browser's confirm() does not run. ?>
<section class="panel narrow">
  <h1>删除确认</h1>
  <p id="rg-confirm-text">是否确认删除选中数据？删除的数据将不可恢复，需重新录入，请谨慎操作。</p>
  <table class="list">
    <thead><tr><th>统一编号</th><th>进口报关单号</th><th>状态</th></tr></thead>
    <tbody><?cs each:d = Delete ?><tr><td><?cs var:d.seq_no ?></td><td><?cs var:d.i_entry_id ?></td><td><?cs var:d.status_name ?></td></tr><?cs /each ?></tbody>
  </table>
  <form method="post" action="/retgoods/delete" id="rg-confirm">
    <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="confirm" value="1">
    <input type="hidden" name="back" value="<?cs var:Back ?>">
    <?cs each:d = Delete ?><input type="hidden" name="ids" value="<?cs var:d.id ?>"><?cs /each ?>
    <div class="actions">
      <button type="submit" class="primary">确定删除</button>
      <?cs if:Back == "/retgoods/" && subcount(Delete) == 1 ?><a class="button" href="/retgoods/?id=<?cs var:Delete.0.id ?>" id="rg-confirm-cancel">取消</a><?cs else ?><a class="button" href="<?cs var:Back ?>" id="rg-confirm-cancel">取消</a><?cs /if ?>
    </div>
  </form>
</section>
