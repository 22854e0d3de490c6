<?cs include:"layout/macros.cs" ?>
<?cs # A select of code/name rows (Prefix.N.code, .name, .Sel marked in C). ?>
<?cs def:code_select(name, label, required, options, empty) ?>
<div class="field<?cs if:Form.Err[name] ?> has-error<?cs /if ?>">
  <label for="f-<?cs var:name ?>"><?cs if:required ?><span class="req">*</span><?cs /if ?><?cs var:label ?></label>
  <select id="f-<?cs var:name ?>" name="<?cs var:name ?>" class="<?cs if:required ?>required<?cs else ?>optional<?cs /if ?>"<?cs if:required ?> required<?cs /if ?>>
    <option value=""><?cs var:empty ?></option>
    <?cs each:o = options ?>
    <option value="<?cs var:o.code ?>"<?cs if:o.Sel ?> selected<?cs /if ?>><?cs var:o.name ?></option>
    <?cs /each ?>
  </select>
  <?cs if:Form.Err[name] ?><span class="error"><?cs var:Form.Err[name] ?></span><?cs /if ?>
</div>
<?cs /def ?>
<section class="panel">
  <h1><?cs if:Form.id ?>修改企业<?cs else ?>新增企业<?cs /if ?></h1>
  <form method="post" action="/operator/save">
    <?cs call:csrf() ?>
    <?cs if:Form.id ?><input type="hidden" name="id" value="<?cs var:Form.id ?>"><?cs /if ?>
    <?cs call:field_text("name", "企业名称", 1, 200) ?>
    <?cs if:Form.id ?>
    <?cs call:field_readonly("统一社会信用代码", Ent.uscc) ?>
    <?cs call:field_readonly("海关编码", Ent.customs_code) ?>
    <?cs call:field_readonly("纳税人识别号", Ent.taxpayer_id) ?>
    <p class="hint">统一社会信用代码、海关编码、纳税人识别号是企业的登录账号，创建后不能修改。</p>
    <?cs else ?>
    <?cs call:field_text("uscc", "统一社会信用代码", 1, 18) ?>
    <?cs call:field_text("customs_code", "海关编码", 1, 10) ?>
    <?cs call:field_text("taxpayer_id", "纳税人识别号", 1, 20) ?>
    <?cs /if ?>
    <div class="field<?cs if:Form.Err.ent_type ?> has-error<?cs /if ?>">
      <label for="f-ent_type"><span class="req">*</span>企业类型</label>
      <select id="f-ent_type" name="ent_type" class="required" required>
        <option value="">请选择</option>
        <option value="production"<?cs if:Form.ent_type == "production" ?> selected<?cs /if ?>>生产企业</option>
        <option value="trading"<?cs if:Form.ent_type == "trading" ?> selected<?cs /if ?>>外贸企业</option>
      </select>
      <?cs if:Form.Err.ent_type ?><span class="error"><?cs var:Form.Err.ent_type ?></span><?cs /if ?>
    </div>
    <?cs call:code_select("tax_bureau_code", "主管税务局", 1, Bureaus, "请选择") ?>
    <?cs call:code_select("customs_district_code", "主管海关", 0, Districts, "（不填）") ?>
    <?cs call:field_text("bank_name", "开户银行", 1, 100) ?>
    <?cs call:field_text("bank_account", "银行账号", 1, 32) ?>
    <?cs if:!Form.id ?><p class="hint">企业管理员账号的登录名称为海关编码，初始密码为银行账号后8位，首次登录须修改密码。</p><?cs /if ?>
    <?cs call:field_text("contact", "联系人", 0, 50) ?>
    <?cs call:field_text("phone", "联系电话", 0, 20) ?>
    <div class="actions">
      <button type="submit" class="primary">保存</button>
      <a href="/operator/">返回</a>
    </div>
  </form>
</section>
