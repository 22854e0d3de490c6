<?cs include:"workbench/chart.cs" ?>
<h1>工作台</h1>
<?cs each:i = Info ?><?cs if:i.efiled == 0 ?><div class="notice" id="efiling-notice" role="alert"><strong>【非常重要：第一次登录使用系统，请前往“系统管理—>电子化管理备案”，设置企业类型等信息。】</strong>根据相关规定，生产企业、外贸企业的备案要求略有差异。<a href="/efiling/">前往电子化管理备案</a></div><?cs /if ?><?cs /each ?>
<?cs if:User.EntName ?><p class="hint">本企业：<?cs var:User.EntName ?></p><?cs /if ?>
<?cs if:User.CardShown ?><p class="hint" id="user-card">IC卡：<?cs if:User.Card ?>已绑定（卡号 <?cs var:User.Card ?>）<?cs else ?>未绑定（申报须绑定电子口岸IC卡，请联系本企业管理员）<?cs /if ?> <a href="/workbench/card">IC卡检测</a></p><?cs /if ?>
<?cs if:Desk.Jurisdiction ?><p class="hint">辖区：<?cs var:Desk.Jurisdiction ?></p><?cs /if ?>

<div class="cards">
<?cs each:k = Cards ?>
  <div class="card" id="card-<?cs var:k.Key ?>">
    <div class="n"><?cs var:k.Value ?></div>
    <div class="l"><?cs var:k.Label ?></div>
    <?cs if:k.Note ?><div class="hint"><?cs var:k.Note ?></div><?cs /if ?>
  </div>
<?cs /each ?>
</div>

<?cs if:Due.Shown ?>
<h2>备案期限临近</h2>
<div class="panel" id="due-soon">
<?cs if:Due.Total > 0 ?>
  <p class="hint">以下 <?cs var:Due.Total ?> 份报关单的单证未收齐，其所属期的备案期限在<?cs var:Due.WarnDays ?>天内或已超过，请尽快上传备案单证。</p>
  <table class="list">
    <thead><tr><th>报关单号</th><th>所属期</th><th>备案期限</th><th>期限提示</th><th>缺少的必备单证</th><th>操作</th></tr></thead>
    <tbody>
    <?cs each:d = Due.List ?>
      <tr>
        <td><?cs var:d.decl_no ?></td>
        <td><?cs var:d.period ?></td>
        <td><?cs var:d.due_date ?></td>
        <td><span class="due-note"><?cs var:d.due_note ?></span></td>
        <td><?cs if:d.missing ?><?cs var:d.missing ?><?cs else ?>必备单证已齐，待审核收齐<?cs /if ?></td>
        <td><a href="/docupload/docs?decl=<?cs var:d.id ?>">上传备案单证</a></td>
      </tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs if:Due.Total > subcount(Due.List) ?><p class="hint">仅列出最紧急的 <?cs var:subcount(Due.List) ?> 份，<a href="/docupload/">查看全部</a>。</p><?cs /if ?>
<?cs else ?>
  <p>没有备案期限临近的未收齐报关单。</p>
<?cs /if ?>
</div>
<?cs /if ?>

<h2>统计分析</h2>
<div class="chart">
<?cs if:Bureaus.W ?>
<?cs call:hchart(Bureaus, "bureaus", "企业数（户）", "主管税务局", "户", "暂无企业") ?>
<?cs /if ?>
<?cs call:vchart(Activity, "activity", "日期（月-日）", "操作次数", "次") ?>
</div>

<h2>通知公告</h2>
<div class="panel" id="notices">
  <p>暂无通知。</p>
  <p class="hint">退税进度、退税提醒和税务机关的通知公告将在相关功能开通后显示在这里。</p>
</div>

<?cs each:i = Info ?>
<h2>企业信息</h2>
<div class="panel" id="ent-info">
  <table class="list">
    <tr><th scope="row">企业名称</th><td><?cs var:i.name ?></td><th scope="row">企业类型</th><td><?cs if:i.ent_type == "production" ?>生产企业<?cs else ?>外贸企业<?cs /if ?></td></tr>
    <tr><th scope="row">统一社会信用代码</th><td><?cs var:i.uscc ?></td><th scope="row">海关编码</th><td><?cs var:i.customs_code ?></td></tr>
    <tr><th scope="row">纳税人识别号</th><td><?cs var:i.taxpayer_id ?></td><th scope="row">主管税务局</th><td><?cs var:i.bureau_name ?></td></tr>
    <tr><th scope="row">主管海关</th><td><?cs if:i.district_name ?><?cs var:i.district_name ?><?cs else ?>—<?cs /if ?></td><th scope="row">联系人 / 联系电话</th><td><?cs if:i.contact ?><?cs var:i.contact ?><?cs else ?>—<?cs /if ?> / <?cs if:i.phone ?><?cs var:i.phone ?><?cs else ?>—<?cs /if ?></td></tr>
  </table>
</div>
<?cs /each ?>
