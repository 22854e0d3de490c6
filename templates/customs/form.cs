<?cs include:"layout/macros.cs" ?>
<section class="panel">
  <h1><?cs var:Page.Title ?></h1>
  <?cs if:subcount(Errors) ?><div class="form-errors" role="alert"><p>报关单未发布，请修改以下问题：</p><ul><?cs each:e = Errors ?><li><?cs var:e ?></li><?cs /each ?></ul></div><?cs /if ?>
  <form method="post" action="<?cs var:Form.Action ?>" class="customs-form">
    <?cs call:csrf() ?>
    <input type="hidden" name="lines" value="<?cs var:Form.lines ?>">
    <h2>报关单表头信息</h2>
    <div class="grid-fields">
    <?cs each:f = Fields ?>
      <div class="field">
        <label for="h-<?cs var:f.name ?>"><?cs if:f.req ?><span class="req">*</span><?cs /if ?><?cs var:f.label ?></label>
        <?cs if:f.name == "DeclType" ?>
        <select id="h-DeclType" name="DeclType">
          <option value="1"<?cs if:f.value != "2" ?> selected<?cs /if ?>>结关</option>
          <option value="2"<?cs if:f.value == "2" ?> selected<?cs /if ?>>启运港退税</option>
        </select>
        <?cs else ?>
        <input type="text" id="h-<?cs var:f.name ?>" name="<?cs var:f.name ?>" value="<?cs var:f.value ?>">
        <?cs /if ?>
      </div>
    <?cs /each ?>
    </div>
    <h2>报关单表体信息</h2>
    <div class="wide-table">
    <table class="list decl-form-lines">
      <thead><tr><?cs each:l = LineFields ?><th><?cs if:l.req ?><span class="req">*</span><?cs /if ?><?cs var:l.label ?></th><?cs /each ?></tr></thead>
      <tbody>
      <?cs each:r = Rows ?>
        <tr><?cs each:b = r ?><td><input type="text" name="<?cs var:b.name ?>" value="<?cs var:b.value ?>" size="8" aria-label="<?cs var:b.label ?>"></td><?cs /each ?></tr>
      <?cs /each ?>
      </tbody>
    </table>
    </div>
    <p class="hint field-hint"><?cs if:Form.Import ?>进口报关单的海关编号第9位为1。<?cs /if ?>日期写作 2026-01-05 或 20260105；金额以元为单位，最多2位小数；空白的表体行不保存。已发布过的报关单号再次发布时，数据传输状态为“修改”，原数据保留为历史版本。</p>
    <div class="actions">
      <button type="submit" name="more" value="1">增加表体行</button>
      <button type="submit" class="primary">发布</button>
      <a href="/customs/<?cs if:Form.Import ?>imports<?cs /if ?>">返回</a>
    </div>
  </form>
</section>
