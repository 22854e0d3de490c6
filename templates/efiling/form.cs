<?cs include:"layout/macros.cs" ?>
<section class="panel" id="efiling">
  <h1>电子化管理备案</h1>
  <?cs each:e = Ent ?><p class="hint">本企业：<?cs var:e.name ?>（海关编码 <?cs var:e.customs_code ?>，纳税人识别号 <?cs var:e.taxpayer_id ?>）</p><?cs /each ?>
  <?cs if:subcount(Saved) > 0 ?><?cs each:s = Saved ?>
  <div id="efiling-saved">
    <h2>备案信息</h2>
    <table class="list">
      <tr><th scope="row">备案状态</th><td>已备案</td></tr>
      <tr><th scope="row">首次备案</th><td><?cs var:s.created_by ?>　<?cs var:string.slice(s.created_at, 0, 19) ?></td></tr>
      <tr><th scope="row">最后保存</th><td><?cs var:s.updated_by ?>　<?cs var:string.slice(s.updated_at, 0, 19) ?></td></tr>
      <tr><th scope="row">备案申请表</th><td><?cs if:s.Kind ?><a href="/efiling/form" target="_blank" rel="noopener"><?cs var:s.form_name ?></a>（<?cs var:s.Kind ?>，<?cs var:s.Size ?>）<?cs else ?>未上传<?cs /if ?></td></tr>
    </table>
  </div>
  <?cs /each ?><?cs else ?>
  <div class="notice" id="efiling-unfiled">本企业尚未进行电子化管理备案。请选择企业类型、主管税务局和管理方式，上传备案申请表后点击【保存】。</div>
  <?cs /if ?>
  <form method="post" action="/efiling/save" enctype="multipart/form-data">
    <?cs call:csrf() ?>
    <?cs call:field_select("ent_type", "企业类型", 1, Options.EntType, "请选择") ?>
    <p class="hint">根据相关规定，生产企业、外贸企业的备案要求略有差异：企业类型决定适用哪些系统默认的备案单证种类。</p>
    <?cs call:field_select("tax_bureau_code", "主管税务局", 1, Options.Bureau, "请选择") ?>
    <div class="field<?cs if:Form.Err.manage_mode ?> has-error<?cs /if ?>">
      <label for="f-manage_mode"><span class="req">*</span>管理方式</label>
      <select id="f-manage_mode" name="manage_mode" class="required" required>
        <option value="self_made" selected>自行制作电子文档</option>
      </select>
      <?cs if:Form.Err.manage_mode ?><span class="error"><?cs var:Form.Err.manage_mode ?></span><?cs /if ?>
    </div>
    <div class="field<?cs if:Form.Err.form_file ?> has-error<?cs /if ?>">
      <label for="f-form_file">备案申请表</label>
      <input type="file" id="f-form_file" name="form_file" accept=".pdf,.jpg,.jpeg,application/pdf,image/jpeg" class="optional">
      <a class="button" href="/efiling/template" download>下载模板</a>
      <a class="link" href="/efiling/print" target="_blank" rel="noopener">打印模板</a>
      <?cs if:Form.Err.form_file ?><span class="error"><?cs var:Form.Err.form_file ?></span>
      <?cs elif:File.Again ?><span class="error">表单未保存，<?cs if:File.Again != "1" ?>已选择的文件“<?cs var:File.Again ?>”<?cs else ?>已选择的文件<?cs /if ?>未上传，请重新选择文件</span><?cs /if ?>
    </div>
    <p class="hint">请上传已提前准备的PDF格式或JPG格式的备案申请表，文件不超过<?cs var:Limit.MB ?>MB<?cs if:subcount(Saved) > 0 ?>；不选择文件则保留已上传的备案申请表<?cs /if ?>。如需备案申请表的模板，点击【下载模板】（PDF文件，已填入本企业信息），下载后填制、打印、签章，扫描或拍照作为备案申请表存档；也可点击【打印模板】在浏览器中直接打印。</p>
    <?cs call:field_textarea("remark", "备注", 500) ?>
    <div class="actions">
      <button type="submit" class="primary">保存</button>
    </div>
  </form>
</section>
