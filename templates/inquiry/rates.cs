<h1>出口退税率查询</h1>
<p class="breadcrumb">综合查询 › 公共查询 › 出口退税率查询<?cs if:!User.LoginName ?>（<a href="/login/">登录</a>）<?cs /if ?></p>
<p class="hint" id="version"><?cs if:Version.Name ?>商品码版本号：<strong><?cs var:Version.Name ?></strong>（<?cs var:Query.date ?> 执行的出口退税率文库，自 <?cs var:Version.From ?> 起执行）<?cs else ?><?cs var:Query.date ?> 没有执行中的出口退税率文库。<?cs /if ?></p>
<div class="toolbar">
  <form method="get" action="<?cs var:Query.action ?>" role="search">
    <label for="q-hs">商品编码</label>
    <input type="search" id="q-hs" name="hs" value="<?cs var:Query.hs ?>" maxlength="10" size="12" placeholder="可只填前几位">
    <label for="q-name">商品名称</label>
    <input type="search" id="q-name" name="name" value="<?cs var:Query.name ?>" maxlength="50" size="16">
    <label for="q-date">查询日期</label>
    <input type="date" id="q-date" name="date" value="<?cs var:Query.date ?>">
    <button type="submit" class="primary">查询</button>
  </form>
</div>
<?cs if:Form.Err.hs ?><div class="form-errors" role="alert">商品编码：<?cs var:Form.Err.hs ?></div><?cs /if ?>
<?cs if:Form.Err.name ?><div class="form-errors" role="alert" id="err-name">商品名称：<?cs var:Form.Err.name ?></div><?cs /if ?>
<?cs if:Form.Err.date ?><div class="form-errors" role="alert"><?cs var:Form.Err.date ?></div><?cs /if ?>
<?cs if:Applies.hs_code ?>
<p class="flash" id="applies">商品编码 <?cs var:Query.hs ?> 于 <?cs var:Query.date ?> 适用文库条目 <?cs var:Applies.hs_code ?>（<?cs var:Applies.goods_name ?>）：征税率 <?cs var:Applies.levy_pct ?>%，退税率 <?cs var:Applies.rebate_pct ?>%，文库版本 <?cs var:Applies.version ?>。</p>
<?cs /if ?>
<?cs if:Query.Asked ?>
<table class="list rates" id="rates">
  <caption class="pager">共 <?cs var:Pager.Total ?> 条</caption>
  <thead>
    <tr>
      <th scope="col">商品编码</th><th scope="col">商品名称</th><th scope="col">计量单位</th>
      <th scope="col">征税率(%)</th><th scope="col">退税率(%)</th><th scope="col">起始日期</th>
      <th scope="col">截止日期</th><th scope="col">文库版本</th>
    </tr>
  </thead>
  <tbody>
  <?cs each:r = Rates ?>
    <tr>
      <td><?cs var:r.hs_code ?></td><td><?cs var:r.goods_name ?></td><td><?cs var:r.unit ?></td>
      <td class="num"><?cs var:r.levy_pct ?></td><td class="num"><?cs var:r.rebate_pct ?></td>
      <td><?cs var:r.effective_from ?></td><td><?cs var:r.effective_to ?></td><td><?cs var:r.version ?></td>
    </tr>
  <?cs /each ?>
  <?cs if:subcount(Rates) == 0 ?><tr><td colspan="8">没有符合条件的商品。</td></tr><?cs /if ?>
  </tbody>
</table>
<nav class="pager" aria-label="分页">
  第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
  <?cs if:Pager.Prev ?><a href="<?cs var:Query.action ?>?hs=<?cs var:url_escape(Query.hs) ?>&amp;name=<?cs var:url_escape(Query.name) ?>&amp;date=<?cs var:url_escape(Query.date) ?>&amp;page=<?cs var:Pager.Prev ?>">上一页</a><?cs /if ?>
  <?cs if:Pager.Next ?><a href="<?cs var:Query.action ?>?hs=<?cs var:url_escape(Query.hs) ?>&amp;name=<?cs var:url_escape(Query.name) ?>&amp;date=<?cs var:url_escape(Query.date) ?>&amp;page=<?cs var:Pager.Next ?>">下一页</a><?cs /if ?>
</nav>
<?cs else ?>
<p class="hint">请输入商品编码（可只填前几位）或商品名称后查询。</p>
<?cs /if ?>
