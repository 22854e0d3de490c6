<?cs include:"layout/macros.cs" ?>
<?cs # 出口退货信息查询 (004 §4.2). ?>
<?cs def:query_args() ?>i_entry_id=<?cs var:url_escape(Form.i_entry_id) ?>&amp;seq_no=<?cs var:url_escape(Form.seq_no) ?>&amp;status=<?cs var:url_escape(Form.status) ?>&amp;trade=<?cs var:url_escape(Form.trade) ?>&amp;prod=<?cs var:url_escape(Form.prod) ?>&amp;start=<?cs var:url_escape(Form.start) ?>&amp;end=<?cs var:url_escape(Form.end) ?>&amp;size=<?cs var:url_escape(Query.Size) ?><?cs /def ?>
<?cs def:cond(name, label, maxlen, hint) ?>
<span class="rg-cond<?cs if:Form.Err[name] ?> has-error<?cs /if ?>">
  <label for="q-<?cs var:name ?>"><?cs var:label ?></label>
  <input type="text" id="q-<?cs var:name ?>" name="<?cs var:name ?>" value="<?cs var:Form[name] ?>" maxlength="<?cs var:maxlen ?>" placeholder="<?cs var:hint ?>" class="optional">
  <?cs if:Form.Err[name] ?><span class="error"><?cs var:Form.Err[name] ?></span><?cs /if ?>
</span>
<?cs /def ?>
<section class="panel retgoods-query">
  <h1>出口退货信息查询</h1>
  <form method="get" action="/retgoods/query" class="query rg-query" id="rg-query">
    <?cs # Enter in a condition submits the form's first button: 查询, not 当天 ?>
    <button type="submit" class="default-submit" tabindex="-1" aria-hidden="true">查询</button>
    <?cs call:cond("i_entry_id", "进口报关单号", 18, "18位进口报关单号") ?>
    <?cs call:cond("seq_no", "统一编号", 18, "18位统一编号") ?>
    <span class="rg-cond">
      <label for="q-status">状态</label>
      <select id="q-status" name="status" class="optional">
        <option value="">全部</option>
        <?cs each:o = Options.Status ?><option value="<?cs var:o.Value ?>"<?cs if:Form.status == o.Value ?> selected<?cs /if ?>><?cs var:o.Label ?></option><?cs /each ?>
      </select>
    </span>
    <?cs call:cond("trade", "收货人", 18, "18位社会信用代码或海关十位码") ?>
    <?cs call:cond("prod", "原生产企业", 18, "18位社会信用代码或海关十位码") ?>
    <span class="rg-cond<?cs if:Form.Err.start || Form.Err.end ?> has-error<?cs /if ?>">
      <label for="q-start">最近操作时间</label>
      <input type="date" id="q-start" name="start" value="<?cs var:Form.start ?>" aria-label="最近操作时间（起）" class="optional">
      至
      <input type="date" id="q-end" name="end" value="<?cs var:Form.end ?>" aria-label="最近操作时间（止）" class="optional">
      <button type="submit" name="range" value="day" id="rg-day" class="link">当天</button>
      <button type="submit" name="range" value="week" id="rg-week" class="link">本周</button>
      <button type="submit" name="range" value="month" id="rg-month" class="link">本月</button>
      <?cs if:Form.Err.start ?><span class="error"><?cs var:Form.Err.start ?></span><?cs /if ?>
      <?cs if:Form.Err.end ?><span class="error"><?cs var:Form.Err.end ?></span><?cs /if ?>
    </span>
    <span class="rg-cond">
      <label for="q-size">每页</label>
      <select id="q-size" name="size" class="optional">
        <option value="10"<?cs if:Query.Size == "10" ?> selected<?cs /if ?>>10</option>
        <option value="20"<?cs if:Query.Size == "20" ?> selected<?cs /if ?>>20</option>
        <option value="50"<?cs if:Query.Size == "50" ?> selected<?cs /if ?>>50</option>
        <option value="100"<?cs if:Query.Size == "100" ?> selected<?cs /if ?>>100</option>
      </select>
      条
    </span>
    <button type="submit" class="primary" id="rg-search">查询</button>
    <a class="button primary" href="/retgoods/query" id="rg-reset">重置</a>
  </form>
  <?cs if:Query.Error ?><div class="form-errors" role="alert" id="rg-query-error"><p><?cs var:Query.Error ?></p></div><?cs /if ?>
  <?cs if:Result.Shown ?>
  <form method="post" action="/retgoods/delete" id="rg-list" data-rg-confirm="是否确认删除选中数据？删除后不可恢复。">
    <?cs call:csrf() ?>
    <input type="hidden" name="back" value="<?cs var:Back ?>">
    <div class="toolbar">
      <button type="submit" id="rg-list-delete" title="删除 (Alt+R)">删除</button>
      <span class="hint">勾选后删除；已提交、海关接收成功、电子审核完成、人工审核通过的数据不允许删除</span>
    </div>
    <div class="wide-table">
    <table class="list rg-results" id="rg-results">
      <thead><tr><th class="check"><input type="checkbox" id="rg-check-all" aria-label="全选" title="全选"></th><th>统一编号</th><th>退货编号</th><th>进口报关单号</th><th>收发货人代码</th><th>收发货人名称</th><th>原生产企业代码</th><th>原生产企业名称</th><th>采集时间</th><th>状态</th><th>最近操作时间</th></tr></thead>
      <tbody>
      <?cs each:r = Rows ?>
        <tr>
          <td class="check"><input type="checkbox" name="ids" value="<?cs var:r.id ?>" aria-label="选择<?cs var:r.seq_no ?>"></td>
          <td><a href="/retgoods/?id=<?cs var:r.id ?>" class="rg-seq"><?cs var:r.seq_no ?></a></td>
          <td><?cs if:r.ret_no ?><?cs var:r.ret_no ?><?cs else ?>-<?cs /if ?></td>
          <td><?cs var:r.i_entry_id ?></td>
          <td><?cs var:r.trade_key ?></td>
          <td><?cs var:r.trade_name ?></td>
          <td><?cs var:r.prod_scc ?></td>
          <td><?cs var:r.prod_name ?></td>
          <td><?cs var:r.collect_time ?></td>
          <td><a href="/retgoods/query?<?cs call:query_args() ?>&amp;page=<?cs var:Pager.Page ?>&amp;receipts=<?cs var:r.id ?>#rg-receipts" class="rg-status"><?cs var:r.status_name ?></a></td>
          <td><?cs var:r.updated_at ?></td>
        </tr>
      <?cs /each ?>
      <?cs if:!subcount(Rows) ?><tr><td colspan="11" class="empty">暂无数据</td></tr><?cs /if ?>
      </tbody>
    </table>
    </div>
  </form>
  <div class="pager" id="rg-pager">
    共 <span id="rg-total"><?cs var:Pager.Total ?></span> 条，每页 <?cs var:Query.Size ?> 条，第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
    <?cs if:Pager.Prev ?><a href="/retgoods/query?<?cs call:query_args() ?>&amp;page=<?cs var:Pager.Prev ?>" id="rg-prev">上一页</a><?cs /if ?>
    <?cs # page numbers: the first, four either side of this one, the last ?>
    <?cs set:PagerLo = #Pager.Page - 4 ?><?cs if:#PagerLo < 1 ?><?cs set:PagerLo = 1 ?><?cs /if ?>
    <?cs set:PagerHi = #Pager.Page + 4 ?><?cs if:#PagerHi > #Pager.Pages ?><?cs set:PagerHi = #Pager.Pages ?><?cs /if ?>
    <span class="pages" id="rg-pages">
    <?cs if:#PagerLo > 1 ?><a href="/retgoods/query?<?cs call:query_args() ?>&amp;page=1" class="rg-page">1</a><?cs if:#PagerLo > 2 ?> …<?cs /if ?><?cs /if ?>
    <?cs loop:i = #PagerLo, #PagerHi, 1 ?><?cs if:#i == #Pager.Page ?><span class="current" aria-current="page"><?cs var:i ?></span><?cs else ?><a href="/retgoods/query?<?cs call:query_args() ?>&amp;page=<?cs var:i ?>" class="rg-page"><?cs var:i ?></a><?cs /if ?> <?cs /loop ?>
    <?cs if:#PagerHi < #Pager.Pages ?><?cs if:#PagerHi < #Pager.Pages - 1 ?>… <?cs /if ?><a href="/retgoods/query?<?cs call:query_args() ?>&amp;page=<?cs var:Pager.Pages ?>" class="rg-page"><?cs var:Pager.Pages ?></a><?cs /if ?>
    </span>
    <?cs if:Pager.Next ?><a href="/retgoods/query?<?cs call:query_args() ?>&amp;page=<?cs var:Pager.Next ?>" id="rg-next">下一页</a><?cs /if ?>
  </div>
  <?cs /if ?>
  <?cs if:Receipts.Missing ?><div class="form-errors" role="alert"><p><?cs var:Receipts.Missing ?></p></div><?cs /if ?>
  <?cs if:Receipts.Shown ?>
  <div class="rg-receipts" id="rg-receipts">
    <h2>统一编号[<?cs var:Receipts.seq_no ?>]的回执信息</h2>
    <div class="toolbar">
      <a class="button" href="/retgoods/query?<?cs call:query_args() ?>&amp;page=<?cs var:Pager.Page ?>&amp;receipts=<?cs var:Receipts.id ?>#rg-receipts" id="rg-receipts-refresh">刷新</a>
      <a class="button" href="/retgoods/query?<?cs call:query_args() ?>&amp;page=<?cs var:Pager.Page ?>" id="rg-receipts-close">关闭</a>
    </div>
    <table class="list" id="rg-receipt-list">
      <thead><tr><th>序号</th><th>审核状态</th><th>回执内容</th><th>回执时间</th></tr></thead>
      <tbody>
      <?cs each:x = Receipts.Receipts ?><tr><td><?cs var:x.no ?></td><td><?cs var:x.status_name ?></td><td><?cs var:x.content ?></td><td><?cs var:x.time ?></td></tr><?cs /each ?>
      <?cs if:!subcount(Receipts.Receipts) ?><tr><td colspan="4" class="empty">暂无回执（暂存的数据提交后才有回执）</td></tr><?cs /if ?>
      </tbody>
    </table>
  </div>
  <?cs /if ?>
</section>
