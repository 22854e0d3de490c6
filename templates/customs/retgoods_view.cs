<?cs include:"layout/macros.cs" ?>
<section class="panel">
  <h1>出口退货审核</h1>
  <p>统一编号 <strong id="rg-seq"><?cs var:Rec.seq_no ?></strong>，状态：<strong id="rg-status"><?cs var:Rec.status_name ?></strong><?cs if:Rec.ret_no ?>，退货编号 <strong id="rg-retno"><?cs var:Rec.ret_no ?></strong><?cs /if ?></p>
  <?cs if:Rg.error ?><div class="form-errors" role="alert"><p>操作未执行：<?cs var:Rg.error ?></p></div><?cs /if ?>
  <?cs include:"retgoods/view.cs" ?>
  <?cs if:Rg.reviewable ?>
  <h2>人工审核</h2>
  <div class="rg-review">
    <form method="post" action="/customs/retgoodsapprove" class="rg-approve">
      <?cs call:csrf() ?>
      <input type="hidden" name="id" value="<?cs var:Rg.id ?>">
      <button type="submit" class="primary">审核通过</button>
    </form>
    <form method="post" action="/customs/retgoodsreject" class="rg-reject">
      <?cs call:csrf() ?>
      <input type="hidden" name="id" value="<?cs var:Rg.id ?>">
      <div class="field<?cs if:Rg.reason_error ?> has-error<?cs /if ?>">
        <label for="f-reason"><span class="req">*</span>退单原因</label>
        <textarea id="f-reason" name="reason" maxlength="200" rows="3" cols="60"><?cs var:Rg.reason ?></textarea>
        <?cs if:Rg.reason_error ?><span class="error" role="alert"><?cs var:Rg.reason_error ?></span><?cs /if ?>
      </div>
      <button type="submit">退单</button>
    </form>
  </div>
  <?cs /if ?>
  <div class="actions"><a href="/customs/retgoods">返回</a></div>
</section>
