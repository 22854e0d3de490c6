<?cs include:"layout/macros.cs" ?>
<section class="panel narrow">
  <h1>新增业务跟踪号</h1>
  <form method="post" action="/prearchive/save" autocomplete="off">
    <?cs call:csrf() ?>
    <?cs call:field_text("contract_no", "合同协议号", 1, 50) ?>
    <?cs call:field_text("tracking_no", "内部跟踪号", 1, 50) ?>
    <?cs call:field_text("decl_no", "报关单号", 0, 18) ?>
    <?cs call:field_text("bl_no", "提运单号", 0, 50) ?>
    <div class="field<?cs if:Form.Err.export_date ?> has-error<?cs /if ?>">
      <label for="f-export_date">出口日期</label>
      <input type="date" id="f-export_date" name="export_date" value="<?cs var:Form.export_date ?>" class="optional">
      <?cs if:Form.Err.export_date ?><span class="error"><?cs var:Form.Err.export_date ?></span><?cs /if ?>
    </div>
    <div class="field<?cs if:Form.Err.export_month ?> has-error<?cs /if ?>">
      <label for="f-export_month">出口月份</label>
      <input type="month" id="f-export_month" name="export_month" value="<?cs var:Form.export_month ?>" maxlength="7" placeholder="YYYY-MM" class="optional">
      <?cs if:Form.Err.export_month ?><span class="error"><?cs var:Form.Err.export_month ?></span><?cs /if ?>
    </div>
    <?cs call:field_textarea("remark", "备注", 500) ?>
    <p class="hint field-hint">报关单号为18位数字，可在报关后补充。</p>
    <div class="actions">
      <button type="submit" class="primary">保存</button>
      <a class="button" href="/prearchive/">关闭</a>
    </div>
  </form>
</section>
