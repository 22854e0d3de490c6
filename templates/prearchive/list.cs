<?cs include:"prearchive/files.cs" ?>
<?cs def:page_link(p) ?>/prearchive/?contract_no=<?cs var:url_escape(Form.contract_no) ?>&amp;tracking_no=<?cs var:url_escape(Form.tracking_no) ?>&amp;decl_no=<?cs var:url_escape(Form.decl_no) ?>&amp;export_month=<?cs var:url_escape(Form.export_month) ?>&amp;page=<?cs var:p ?><?cs /def ?>
<section class="panel">
  <h1>单证预归档</h1>
  <div class="toolbar">
    <form method="get" action="/prearchive/" class="query">
      <label for="q-contract">合同协议号</label>
      <input type="text" id="q-contract" name="contract_no" value="<?cs var:Form.contract_no ?>" maxlength="50" size="10">
      <label for="q-tracking">内部跟踪号</label>
      <input type="text" id="q-tracking" name="tracking_no" value="<?cs var:Form.tracking_no ?>" maxlength="50" size="10">
      <label for="q-decl">报关单号</label>
      <input type="text" id="q-decl" name="decl_no" value="<?cs var:Form.decl_no ?>" maxlength="18" size="12">
      <label for="q-month">出口月份</label>
      <input type="month" id="q-month" name="export_month" value="<?cs var:Form.export_month ?>" maxlength="7">
      <button type="submit">查询</button>
      <a href="/prearchive/">重置</a>
    </form>
    <?cs if:Can.Edit ?><a class="button primary" href="/prearchive/new">新增业务跟踪号</a><?cs /if ?>
  </div>
  <?cs if:Form.Err.export_month ?><div class="form-errors"><?cs var:Form.Err.export_month ?></div><?cs /if ?>
  <?cs if:Form.Err.page ?><div class="form-errors"><?cs var:Form.Err.page ?></div><?cs /if ?>
  <table class="list prearchive">
    <thead>
      <tr>
        <th>合同协议号</th>
        <th>内部跟踪号</th>
        <th>报关单号</th>
        <th>提运单号</th>
        <th>出口日期</th>
        <th>出口月份</th>
        <th>文件数</th>
        <th>备注</th>
        <th>操作</th>
      </tr>
    </thead>
    <tbody>
    <?cs each:i = Items ?>
      <tr class="item" id="item-<?cs var:i.id ?>">
        <td><?cs var:i.contract_no ?></td>
        <td><?cs var:i.tracking_no ?></td>
        <td><?cs var:i.decl_no ?></td>
        <td><?cs var:i.bl_no ?></td>
        <td><?cs var:i.export_date ?></td>
        <td><?cs var:i.export_month ?></td>
        <td class="num"><?cs var:i.nfiles ?></td>
        <td><?cs var:i.remark ?></td>
        <td class="ops"><?cs if:Can.Edit ?><a href="/prearchive/upload?id=<?cs var:i.id ?>">上传</a><?cs /if ?></td>
      </tr>
      <tr class="item-files" data-item="<?cs var:i.id ?>">
        <td colspan="9">
          <details<?cs if:i.open ?> open<?cs /if ?>>
            <summary title="展开/收起上传的文件">文件（<?cs var:i.nfiles ?>）</summary>
            <?cs call:prearchive_files(i.Files, "list", Can.Edit) ?>
          </details>
        </td>
      </tr>
    <?cs /each ?>
    <?cs if:subcount(Items) == 0 ?><tr><td colspan="9">没有符合条件的业务跟踪号。</td></tr><?cs /if ?>
    </tbody>
  </table>
  <div class="pager">
    共 <?cs var:Pager.Total ?> 条，第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
    <?cs if:Pager.Prev ?><a href="<?cs call:page_link(Pager.Prev) ?>">上一页</a><?cs /if ?>
    <?cs if:Pager.Next ?><a href="<?cs call:page_link(Pager.Next) ?>">下一页</a><?cs /if ?>
  </div>
</section>
