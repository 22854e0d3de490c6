<?cs set:Tab = "rates" ?>
<h1>参考库</h1>
<?cs include:"operator/reflib_tabs.cs" ?>
<h2>商品编码 <?cs var:Query.hs ?> 的税率历史</h2>
<div class="toolbar">
  <form method="get" action="/operator/ref/history">
    <label for="h-hs">商品编码</label>
    <input type="search" id="h-hs" name="hs" value="<?cs var:Query.hs ?>" maxlength="10" size="12">
    <label for="h-date">适用日期</label>
    <input type="date" id="h-date" name="date" value="<?cs var:Query.date ?>">
    <button type="submit">查看</button>
  </form>
  <a href="/operator/ref/">返回文库</a>
</div>
<p class="hint" id="applies"><?cs if:Applies.hs_code ?><?cs var:Query.date ?> 适用：<?cs var:Applies.hs_code ?> <?cs var:Applies.goods_name ?>，征税率 <?cs var:Applies.levy_pct ?>%，退税率 <?cs var:Applies.rebate_pct ?>%（文库版本 <?cs var:Applies.version ?>，<?cs var:Applies.effective_from ?> 至 <?cs if:Applies.effective_to ?><?cs var:Applies.effective_to ?><?cs else ?>今<?cs /if ?>）<?cs else ?><?cs var:Query.date ?> 没有适用于该商品编码的文库条目。<?cs /if ?></p>
<table class="list" id="history">
  <thead>
    <tr><th scope="col">商品编码</th><th scope="col">商品名称</th><th scope="col">计量单位</th><th scope="col">征税率(%)</th><th scope="col">退税率(%)</th><th scope="col">起始日期</th><th scope="col">截止日期</th><th scope="col">文库所列起始日期</th><th scope="col">文库版本</th></tr>
  </thead>
  <tbody>
  <?cs each:r = History ?>
    <tr><td><?cs var:r.hs_code ?></td><td><?cs var:r.goods_name ?></td><td><?cs var:r.unit ?></td><td class="num"><?cs var:r.levy_pct ?></td><td class="num"><?cs var:r.rebate_pct ?></td><td><?cs var:r.effective_from ?></td><td><?cs var:r.effective_to ?></td><td><?cs var:r.listed_from ?></td><td><?cs var:r.version ?></td></tr>
  <?cs /each ?>
  <?cs if:subcount(History) == 0 ?><tr><td colspan="9">文库中没有该商品编码及其上级编码的条目。</td></tr><?cs /if ?>
  </tbody>
</table>
