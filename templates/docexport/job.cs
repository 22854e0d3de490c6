<?cs include:"layout/macros.cs" ?>
<?cs include:"layout/decl_list.cs" ?>
<?cs with:e = Export.0 ?>
<section class="panel">
  <h1>导出ZIP</h1>
  <?cs call:field_readonly("报关单号", e.decl_no) ?>
  <?cs call:field_readonly("所属期", e.period) ?>
  <?cs call:field_readonly("单证数", e.doc_count) ?>
  <?cs call:field_readonly("单证大小（字节）", e.total_bytes) ?>
  <?cs call:field_readonly("提交时间", e.created_at) ?>
  <?cs if:Job.Running ?>
  <div class="job-progress">
    <progress id="job-progress" max="<?cs var:Job.Total ?>" value="<?cs var:Job.Done ?>"><?cs var:Job.Percent ?>%</progress>
    <span>正在生成ZIP：<?cs var:Job.Done ?> / <?cs var:Job.Total ?> 个文件（<?cs var:Job.Percent ?>%），页面每2秒刷新。</span>
  </div>
  <?cs elif:Job.Finished ?>
  <?cs if:e.expired == "1" ?>
  <p class="result" id="job-expired">已过期：导出的ZIP已超过保留期限（至 <?cs var:e.expires_at ?>）<?cs if:e.removed_at ?>，已于 <?cs var:e.removed_at ?> 删除<?cs /if ?>，请重新导出。</p>
  <?cs else ?>
  <p class="result">ZIP已生成：<?cs var:e.decl_count ?> 个报关单，<?cs var:e.zip_bytes ?> 字节。
    <a class="button primary" id="job-download" href="/docexport/download?id=<?cs var:e.id ?>">下载</a></p>
  <p class="hint">文件保留<?cs var:Job.KeepHours ?>小时（至 <?cs var:e.expires_at ?>），过期后请重新导出。</p>
  <?cs /if ?>
  <?cs else ?>
  <div class="form-errors refusal">导出失败：<?cs var:e.message ?></div>
  <?cs /if ?>
  <p><a href="/docexport/?decl_no=<?cs var:url_escape(e.decl_no) ?>&amp;period=<?cs var:url_escape(e.period) ?>&amp;status=<?cs var:url_escape(e.status_filter) ?>">返回导出备案目录</a></p>
</section>
<?cs /with ?>
