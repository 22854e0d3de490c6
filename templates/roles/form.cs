<?cs include:"layout/macros.cs" ?>
<section class="panel">
  <h1><?cs if:Form.id ?>修改角色<?cs else ?>新增角色<?cs /if ?></h1>
  <?cs if:Role.Locked ?><div class="notice"><?cs var:Role.Name ?>角色为系统默认角色，不可删除；名称、状态和菜单权限不可修改，只能修改备注。</div><?cs /if ?>
  <?cs if:Role.Held ?><div class="notice">您本人持有此角色，不能修改其菜单权限，请由其他有权限的管理员修改。</div><?cs /if ?>
  <form method="post" action="/roles/save">
    <?cs call:csrf() ?>
    <?cs if:Form.id ?><input type="hidden" name="id" value="<?cs var:Form.id ?>">
    <?cs elif:Tenant.Staff ?><input type="hidden" name="scope" value="<?cs var:Role.Scope ?>"><?cs /if ?>
    <?cs if:Tenant.Staff ?><?cs call:field_readonly_req("人员类别", Role.ScopeLabel) ?><?cs /if ?>
    <?cs if:Role.Locked ?>
      <?cs call:field_fixed("name", "角色名称", Role.Name, Role.Name) ?>
      <?cs call:field_fixed("status", "状态", "normal", "正常") ?>
    <?cs else ?>
      <?cs call:field_text("name", "角色名称", 1, 50) ?>
      <?cs call:field_radios("status", "状态", Options.Status) ?>
    <?cs /if ?>
    <div class="field block<?cs if:Form.Err.perms ?> has-error<?cs /if ?>">
      <label><span class="req">*</span>菜单权限</label>
      <div class="perm-groups">
      <?cs each:g = Perms ?>
        <fieldset>
          <legend><?cs var:g.Name ?></legend>
          <?cs call:checkboxes("perms", g.Items, Role.Locked) ?>
        </fieldset>
      <?cs /each ?>
      </div>
      <?cs if:Form.Err.perms ?><span class="error"><?cs var:Form.Err.perms ?></span><?cs /if ?>
      <?cs if:Role.SomeFixed && !Role.Held && !Role.Locked ?><p class="hint">灰色的菜单权限您本人不具备，不能授予或取消。</p><?cs /if ?>
    </div>
    <?cs call:field_textarea("remark", "备注", 500) ?>
    <div class="actions">
      <button type="submit" class="primary">确定</button>
      <a class="button" href="/roles/">取消</a>
    </div>
  </form>
</section>
