<link rel="stylesheet" href="/static/templates/efiling-apply.css">
<div class="toolbar apply-toolbar">
  <a class="button" href="/efiling/">返回电子化管理备案</a>
  <span class="hint">请使用浏览器的打印功能（Ctrl+P）打印本表（A4纵向），填写申请日期，由法定代表人签字并加盖企业公章后，扫描或拍照，在“电子化管理备案”中作为备案申请表上传（PDF或JPG格式，不超过5MB）。</span>
</div>
<?cs each:e = Ent ?>
<article class="apply-form" id="apply-form">
  <h1>出口退（免）税备案单证电子化管理备案申请表</h1>
  <table class="apply">
    <tr><th scope="row">纳税人名称</th><td colspan="3"><?cs var:e.name ?></td></tr>
    <tr><th scope="row">纳税人识别号</th><td><?cs var:e.taxpayer_id ?></td><th scope="row">海关编码</th><td><?cs var:e.customs_code ?></td></tr>
    <tr><th scope="row">统一社会信用代码</th><td colspan="3"><?cs var:e.uscc ?></td></tr>
    <tr><th scope="row">企业类型</th><td><?cs var:Apply.EntType ?></td><th scope="row">主管税务局</th><td><?cs var:Apply.Bureau ?></td></tr>
    <tr><th scope="row">管理方式</th><td colspan="3"><?cs var:Apply.Mode ?></td></tr>
    <tr class="statement"><th scope="row">申请事项</th><td colspan="3">
      <p>本企业申请对出口退（免）税备案单证实行电子化管理，管理方式为“<?cs var:Apply.Mode ?>”。</p>
      <p>本企业承诺：在申报出口退（免）税后15日内，将备案单证按时间顺序制作成电子文档并编制备案单证目录，注明单证存放方式；电子文档与原始单证内容一致、真实、完整<?cs each:r = Retention ?>；备案单证按规定保存<?cs var:r.years ?>年（<?cs var:r.basis ?>）<?cs /each ?>，并在税务机关需要时按要求提供。</p>
    </td></tr>
    <tr><th scope="row">申请日期</th><td colspan="3" class="write-in">　　　　年　　月　　日</td></tr>
    <tr class="seal"><th scope="row">签章</th><td colspan="3">
      <div class="seal-area">
        <div>法定代表人（签字）：</div>
        <div>经办人（签字）：</div>
        <div>联系电话：</div>
        <div class="stamp">（企业公章）</div>
      </div>
    </td></tr>
  </table>
  <p class="apply-note">本表一式一份，由企业签章后扫描或拍照上传，原件由企业留存备查。</p>
</article>
<?cs /each ?>
