<?cs include:"layout/macros.cs" ?>
<section class="panel">
  <h1><?cs if:Account.Id ?>修改用户<?cs else ?>新增用户<?cs /if ?></h1>
  <form method="post" action="/users/save" autocomplete="off">
    <?cs call:csrf() ?>
    <?cs if:Account.Id ?><input type="hidden" name="id" value="<?cs var:Account.Id ?>"><?cs /if ?>
    <?cs call:field_text("nickname", "用户昵称", 1, 50) ?>
    <?cs call:field_select("user_type", "用户类型", 1, Options.UserType, "请选择") ?>
    <?cs call:field_readonly_req("归属企业", Account.EntName) ?>
    <?cs if:Tenant.Staff ?>
      <?cs if:Account.Id ?><?cs call:field_readonly_req("人员类别", Account.ScopeLabel) ?>
      <?cs else ?><?cs call:field_select("scope", "人员类别", 1, Options.Scope, "请选择") ?><?cs /if ?>
      <?cs if:!Account.Id || Account.Scope == "tax" ?><?cs call:field_select("tax_bureau_code", "主管税务局", 0, Options.TaxBureau, "（税务人员必选）") ?><?cs /if ?>
      <?cs if:!Account.Id || Account.Scope == "customs" ?><?cs call:field_select("customs_district_code", "关区", 0, Options.Customs, "（海关人员必选）") ?><?cs /if ?>
    <?cs /if ?>
    <?cs call:field_radios("status", "状态", Options.Status) ?>
    <?cs if:Account.Id ?>
      <?cs call:field_readonly_req("登录名称", Account.LoginName) ?>
    <?cs else ?>
      <?cs call:field_text("login_name", "登录名称", 1, 32) ?>
      <?cs call:field_password("password", "用户密码", 1) ?>
      <p class="hint field-hint">登录名称为 4-32 位字母、数字、下划线、点或减号，以字母开头。密码至少 <?cs var:Password.Min ?> 位，须包含大写字母、小写字母、数字、其他字符中的至少三类；新用户首次登录时须修改密码。</p>
    <?cs /if ?>
    <?cs call:field_text("phone", "手机号", 1, 11) ?>
    <?cs call:field_checks("roles", "选择角色", 1, Options.Roles) ?>
    <?cs if:Roles.Self ?><p class="hint field-hint">不能修改本人的角色，请由其他有权限的管理员分配。</p><?cs /if ?>
    <?cs call:field_textarea("remark", "备注", 500) ?>
    <div class="actions">
      <button type="submit" class="primary">确定</button>
      <a class="button" href="/users/">取消</a>
    </div>
  </form>
</section>
