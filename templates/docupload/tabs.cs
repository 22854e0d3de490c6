<?cs # The tabs 未收齐 / 已收齐 / 全部 of a 关单清册 list (Tab: the status
       shown); base: the list's URL. ?>
<?cs def:decl_tabs(base) ?>
<nav class="tabs">
  <a href="<?cs var:base ?>?status=incomplete"<?cs if:Tab == "incomplete" ?> class="current" aria-current="page"<?cs /if ?>>未收齐</a>
  <a href="<?cs var:base ?>?status=complete"<?cs if:Tab == "complete" ?> class="current" aria-current="page"<?cs /if ?>>已收齐</a>
  <a href="<?cs var:base ?>?status=all"<?cs if:Tab == "all" ?> class="current" aria-current="page"<?cs /if ?>>全部</a>
</nav>
<?cs /def ?>
<?cs def:decl_query(base) ?>
<form method="get" action="<?cs var:base ?>" class="query">
  <input type="hidden" name="status" value="<?cs var:Tab ?>">
  <label for="q-decl">报关单号</label>
  <input type="text" id="q-decl" name="decl_no" value="<?cs var:Form.decl_no ?>" maxlength="18" size="18">
  <label for="q-period">所属期</label>
  <input type="text" id="q-period" name="period" value="<?cs var:Form.period ?>" maxlength="6" size="6" placeholder="YYYYMM">
  <button type="submit">查询</button>
  <a href="<?cs var:base ?>?status=<?cs var:Tab ?>">重置</a>
</form>
<?cs if:Form.Err.period ?><div class="form-errors"><?cs var:Form.Err.period ?></div><?cs /if ?>
<?cs /def ?>
<?cs def:decl_pager(base) ?>
<div class="pager">
  共 <?cs var:Pager.Total ?> 条，第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
  <?cs if:Pager.Prev ?><a href="<?cs var:base ?>?status=<?cs var:url_escape(Tab) ?>&amp;decl_no=<?cs var:url_escape(Form.decl_no) ?>&amp;period=<?cs var:url_escape(Form.period) ?>&amp;page=<?cs var:Pager.Prev ?>">上一页</a><?cs /if ?>
  <?cs if:Pager.Next ?><a href="<?cs var:base ?>?status=<?cs var:url_escape(Tab) ?>&amp;decl_no=<?cs var:url_escape(Form.decl_no) ?>&amp;period=<?cs var:url_escape(Form.period) ?>&amp;page=<?cs var:Pager.Next ?>">下一页</a><?cs /if ?>
</div>
<?cs /def ?>
<?cs def:due_cell(d) ?><?cs var:d.due_date ?><?cs if:d.due_note ?> <strong class="error due-note"><?cs var:d.due_note ?></strong><?cs /if ?><?cs /def ?>
