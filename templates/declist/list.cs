<?cs include:"layout/macros.cs" ?>
<section class="panel">
  <h1>生成关单清册</h1>
  <form method="post" action="/declist/upload" enctype="multipart/form-data" class="declist-upload">
    <?cs call:csrf() ?>
    <div class="field<?cs if:Form.Err.file ?> has-error<?cs /if ?>">
      <label for="f-file"><span class="req">*</span>出口退税明细申报表</label>
      <input type="file" id="f-file" name="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" class="required" required>
      <?cs if:Form.Err.file ?><span class="error"><?cs var:Form.Err.file ?></span><?cs /if ?>
    </div>
    <div class="field<?cs if:Form.Err.period ?> has-error<?cs /if ?>">
      <label for="f-period">*所属期</label>
      <input type="text" id="f-period" name="period" value="<?cs var:Form.period ?>" maxlength="6" size="8" placeholder="YYYYMM">
      <?cs if:Form.Err.period ?><span class="error"><?cs var:Form.Err.period ?></span><?cs /if ?>
    </div>
    <p class="hint field-hint">上传从电子税务局或“单一窗口”下载的外贸企业出口退税出口明细申请表或生产企业出口货物劳务免抵退税申请明细表（xlsx，不大于20M）；表中有所属期列时可不填所属期。</p>
    <div class="actions"><button type="submit" class="primary">上传出口退税明细申报表</button></div>
  </form>
  <table class="list declist">
    <thead>
      <tr>
        <th>文件名</th><th>表类型</th><th>所属期</th><th>状态</th><th>总行数</th><th>成功</th><th>错误</th><th>上传时间</th><th>操作</th>
      </tr>
    </thead>
    <tbody>
    <?cs each:u = Uploads ?>
      <tr id="upload-<?cs var:u.id ?>">
        <td><?cs var:u.file_name ?></td>
        <td><?cs var:u.kind_label ?></td>
        <td><?cs var:u.period ?></td>
        <td><?cs var:u.status_label ?></td>
        <td class="num"><?cs if:u.status == "queued" || u.status == "running" ?>—<?cs else ?><?cs var:u.rows_total ?><?cs /if ?></td>
        <td class="num"><?cs var:u.rows_ok ?></td>
        <td class="num"><?cs var:u.rows_bad ?></td>
        <td><?cs var:u.created_at ?></td>
        <td class="ops"><a href="/declist/view?id=<?cs var:u.id ?>" title="查看关单清册">&gt;</a><?cs if:u.errors ?> <a href="/declist/errors?id=<?cs var:u.id ?>">下载错误明细</a><?cs /if ?></td>
      </tr>
    <?cs /each ?>
    <?cs if:subcount(Uploads) == 0 ?><tr><td colspan="9">还没有上传出口退税明细申报表。</td></tr><?cs /if ?>
    </tbody>
  </table>
  <div class="pager">
    共 <?cs var:Pager.Total ?> 条，第 <?cs var:Pager.Page ?> / <?cs var:Pager.Pages ?> 页
    <?cs if:Pager.Prev ?><a href="/declist/?page=<?cs var:Pager.Prev ?>">上一页</a><?cs /if ?>
    <?cs if:Pager.Next ?><a href="/declist/?page=<?cs var:Pager.Next ?>">下一页</a><?cs /if ?>
  </div>
</section>
