<h1>审计日志</h1>
<div class="toolbar">
  <form method="post" action="/operator/audit">
    <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
    <button type="submit" class="primary">校验哈希链</button>
  </form>
  <span class="hint">每行的哈希值由上一行哈希与本行内容按 SM3 计算；修改、删除或插入任何一行都会使校验失败。下表为最新 <?cs var:AuditLimit ?> 条。</span>
</div>
<?cs if:Verify.Done ?>
  <?cs if:Verify.BadId > 0 ?>
<div class="form-errors" role="alert">第 <?cs var:Verify.BadId ?> 行校验失败：<?cs var:Verify.Reason ?>（已检查 <?cs var:Verify.Rows ?> 行）。审计日志可能被改动，请立即报告安全负责人。</div>
  <?cs else ?>
<div class="flash" role="status">校验通过：<?cs var:Verify.Rows ?> 行，哈希链完整。</div>
  <?cs /if ?>
<?cs /if ?>
<table class="list">
  <thead>
    <tr>
      <th scope="col">序号</th>
      <th scope="col">时间</th>
      <th scope="col">用户</th>
      <th scope="col">企业</th>
      <th scope="col">操作</th>
      <th scope="col">对象</th>
      <th scope="col">编号</th>
      <th scope="col">详情</th>
      <th scope="col">请求编号</th>
    </tr>
  </thead>
  <tbody>
  <?cs each:a = Audit ?>
    <tr<?cs if:Verify.BadId > 0 && a.id == Verify.BadId ?> class="status-disabled"<?cs /if ?>>
      <td class="num"><?cs var:a.id ?></td>
      <td><?cs var:a.at ?></td>
      <td><?cs if:a.login_name ?><span title="<?cs var:a.nickname ?>"><?cs var:a.login_name ?></span><?cs else ?>—<?cs /if ?></td>
      <td><?cs if:a.ent_name ?><?cs var:a.ent_name ?><?cs else ?>—<?cs /if ?></td>
      <td><?cs var:a.action ?></td>
      <td><?cs var:a.object ?></td>
      <td><?cs var:a.object_id ?></td>
      <td><?cs var:a.detail ?></td>
      <td><code><?cs var:a.request_id ?></code></td>
    </tr>
  <?cs /each ?>
  <?cs if:subcount(Audit) == 0 ?>
    <tr><td colspan="9">审计日志为空。</td></tr>
  <?cs /if ?>
  </tbody>
</table>
