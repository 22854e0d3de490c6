<section class="panel narrow">
  <h1>导出ZIP</h1>
  <p>符合查询条件的单证共 <?cs var:Export.Docs ?> 个，约 <?cs var:Export.MB ?> MB。</p>
  <p>文件较大，将在后台生成压缩包：开始后页面显示进度，完成后可下载（保留24小时）。</p>
  <form method="post" action="/docexport/zipjob">
    <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="status" value="<?cs var:Form.status ?>">
    <input type="hidden" name="decl_no" value="<?cs var:Form.decl_no ?>">
    <input type="hidden" name="period" value="<?cs var:Form.period ?>">
    <div class="toolbar">
      <button type="submit" class="primary">开始导出</button>
      <a class="button" href="/docexport/?status=<?cs var:url_escape(Form.status) ?>&amp;decl_no=<?cs var:url_escape(Form.decl_no) ?>&amp;period=<?cs var:url_escape(Form.period) ?>">返回</a>
    </div>
  </form>
</section>
