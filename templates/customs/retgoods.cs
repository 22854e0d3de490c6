<?cs include:"layout/macros.cs" ?>
<section class="panel">
  <h1>出口退货审核</h1>
  <div class="toolbar">
    <form method="get" action="/customs/retgoods" class="query">
      <label for="q-status">状态</label>
      <select id="q-status" name="status">
      <?cs each:s = States ?><option value="<?cs var:s.code ?>"<?cs if:s.selected ?> selected<?cs /if ?>><?cs var:s.code ?>-<?cs var:s.name ?></option><?cs /each ?>
      </select>
      <button type="submit">查询</button>
      <a href="/customs/retgoods">重置</a>
    </form>
  </div>
  <?cs if:Form.Err.status ?><div class="form-errors" role="alert"><?cs var:Form.Err.status ?></div><?cs /if ?>
  <p class="hint">受理报关机构在本关区的出口退货信息；“电子审核完成，待人工审核”的可审核通过或退单。</p>
  <table class="list customs-retgoods">
    <thead>
      <tr><th>统一编号</th><th>退货编号</th><th>进口报关单号</th><th>收货人代码</th><th>收货人名称</th><th>原生产企业代码</th><th>原生产企业名称</th><th>受理报关机构</th><th>状态</th><th>最近操作时间</th></tr>
    </thead>
    <tbody>
    <?cs each:d = Recs ?>
      <tr>
        <td><a href="/customs/retgoodsview?id=<?cs var:d.id ?>"><?cs var:d.seq_no ?></a></td>
        <td><?cs if:d.ret_no ?><?cs var:d.ret_no ?><?cs else ?>-<?cs /if ?></td>
        <td><?cs var:d.i_entry_id ?></td>
        <td><?cs var:d.trade_code ?></td>
        <td><?cs var:d.trade_name ?></td>
        <td><?cs var:d.prod_code ?></td>
        <td><?cs var:d.prod_name ?></td>
        <td><?cs var:d.custom_master ?></td>
        <td><?cs var:Rg.status_name ?></td>
        <td><?cs var:d.updated ?></td>
      </tr>
    <?cs /each ?>
    <?cs if:subcount(Recs) == 0 ?><tr><td colspan="10">没有状态为“<?cs var:Rg.status_name ?>”的出口退货信息。</td></tr><?cs /if ?>
    </tbody>
  </table>
  <div class="pager">
    共 <?cs var:Pager.Total ?> 条，每页 20 条，第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
    <?cs if:Pager.Prev ?><a href="/customs/retgoods?status=<?cs var:Rg.status ?>&amp;page=<?cs var:Pager.Prev ?>">上一页</a><?cs /if ?>
    <?cs if:Pager.Next ?><a href="/customs/retgoods?status=<?cs var:Rg.status ?>&amp;page=<?cs var:Pager.Next ?>">下一页</a><?cs /if ?>
  </div>
</section>
