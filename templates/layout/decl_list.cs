<?cs # Shared parts of the 关单清册 lists (上传备案单证, 单证收齐审核,
       导出备案目录): tabs, query bar, pager.  Tab: the status shown;
       base: the list's URL.  The tabs 未收齐 / 已收齐 / 全部: ?>
<?cs def:decl_tabs(base) ?>
<nav class="tabs">
  <a href="<?cs var:base ?>?status=incomplete"<?cs if:Tab == "incomplete" ?> class="current" aria-current="page"<?cs /if ?>>未收齐</a>
  <a href="<?cs var:base ?>?status=complete"<?cs if:Tab == "complete" ?> class="current" aria-current="page"<?cs /if ?>>已收齐</a>
  <a href="<?cs var:base ?>?status=all"<?cs if:Tab == "all" ?> class="current" aria-current="page"<?cs /if ?>>全部</a>
</nav>
<?cs /def ?>
<?cs # The query bar of a 关单清册 list: 报关单号 and 所属期, sent to base.
       The status is either the tab shown (pick_status 0: a hidden field,
       and 重置 keeps the tab) or picked in a 状态 select (pick_status 1,
       a list without tabs: 查询 is the primary button, 重置 clears all).
       decl_query_open leaves the form open for more buttons of the page
       (导出备案目录: 导出ZIP ...); decl_query_close ends it. ?>
<?cs def:decl_query_open(base, pick_status) ?>
<form method="get" action="<?cs var:base ?>" class="query"><?cs if:!pick_status ?>
  <input type="hidden" name="status" value="<?cs var:Tab ?>"><?cs /if ?>
  <label for="q-decl">报关单号</label>
  <input type="text" id="q-decl" name="decl_no" value="<?cs var:Form.decl_no ?>" maxlength="18" size="18">
  <label for="q-period">所属期</label>
  <input type="text" id="q-period" name="period" value="<?cs var:Form.period ?>" maxlength="6" size="6" placeholder="YYYYMM"><?cs if:pick_status ?>
  <label for="q-status">状态</label>
  <select id="q-status" name="status">
    <option value="incomplete"<?cs if:Tab == "incomplete" ?> selected<?cs /if ?>>未收齐</option>
    <option value="complete"<?cs if:Tab == "complete" ?> selected<?cs /if ?>>已收齐</option>
    <option value="all"<?cs if:Tab == "all" ?> selected<?cs /if ?>>全部</option>
  </select>
  <button type="submit" class="primary">查询</button>
  <a href="<?cs var:base ?>">重置</a><?cs else ?>
  <button type="submit">查询</button>
  <a href="<?cs var:base ?>?status=<?cs var:Tab ?>">重置</a><?cs /if ?>
<?cs /def ?>
<?cs def:decl_query_close() ?>
</form>
<?cs if:subcount(Form.Err) ?><div class="form-errors" role="alert"><?cs each:e = Form.Err ?><p><?cs var:e ?>（查询时未使用此条件）</p><?cs /each ?></div><?cs /if ?>
<?cs /def ?>
<?cs # The query bar of a list with tabs. ?>
<?cs def:decl_query(base) ?><?cs call:decl_query_open(base, 0) ?><?cs call:decl_query_close() ?><?cs /def ?>
<?cs def:decl_pager(base) ?>
<div class="pager">
  共 <?cs var:Pager.Total ?> 条，第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
  <?cs if:Pager.Prev ?><a href="<?cs var:base ?>?status=<?cs var:url_escape(Tab) ?>&amp;decl_no=<?cs var:url_escape(Form.decl_no) ?>&amp;period=<?cs var:url_escape(Form.period) ?>&amp;page=<?cs var:Pager.Prev ?>">上一页</a><?cs /if ?>
  <?cs if:Pager.Next ?><a href="<?cs var:base ?>?status=<?cs var:url_escape(Tab) ?>&amp;decl_no=<?cs var:url_escape(Form.decl_no) ?>&amp;period=<?cs var:url_escape(Form.period) ?>&amp;page=<?cs var:Pager.Next ?>">下一页</a><?cs /if ?>
</div>
<?cs /def ?>
<?cs def:due_cell(d) ?><?cs var:d.due_date ?><?cs if:d.due_note ?> <strong class="error due-note"><?cs var:d.due_note ?></strong><?cs /if ?><?cs /def ?>
