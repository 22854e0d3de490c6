<?cs include:"layout/macros.cs" ?>
<section class="panel">
  <h1><?cs if:Kind.Id ?>修改备案单证种类<?cs else ?>添加备案单证种类<?cs /if ?></h1>
  <form method="post" action="/doctypes/save">
    <?cs call:csrf() ?>
    <?cs if:Kind.Id ?><input type="hidden" name="id" value="<?cs var:Kind.Id ?>"><?cs /if ?>
    <?cs call:field_text("name", "单证种类名称", 1, 50) ?>
    <?cs call:field_select("category", "类别", 1, Options.Category, "请选择") ?>
    <?cs call:field_radios("required", "是否必须", Options.Required) ?>
    <?cs call:field_textarea("description", "说明", 500) ?>
    <?cs call:field_radios("status", "状态", Options.Status) ?>
    <p class="hint">是否必须选“是”的单证种类，单证收齐审核时每份报关单都须上传该种类的单证。</p>
    <div class="actions">
      <button type="submit" class="primary">保存</button>
      <a class="button" href="/doctypes/">取消</a>
    </div>
  </form>
</section>
