<?cs # The fields of a form a card signs (lib/ts_card): the 读卡器 choice from
       signd (Options.Readers, Form.reader preselected), why no reader can be
       offered (Card.Unavailable), the 卡密码, and the nonce (Card.Nonce).
       refresh: the URL that reloads the form (fresh reader list). ?>
<?cs def:card_unavailable() ?><?cs if:Card.Unavailable ?><div class="form-errors card-unavailable" role="alert"><?cs var:Card.Unavailable ?></div><?cs /if ?><?cs /def ?>
<?cs def:card_reader_field(refresh) ?>
<input type="hidden" name="nonce" value="<?cs var:Card.Nonce ?>">
<div class="field<?cs if:Form.Err.reader ?> has-error<?cs /if ?>">
  <label for="f-reader"><span class="req">*</span>读卡器</label>
  <select id="f-reader" name="reader" class="required" required>
    <option value="">请选择插有IC卡的读卡器</option>
    <?cs each:o = Options.Readers ?><option value="<?cs var:o.Value ?>"<?cs if:Form.reader == o.Value ?> selected<?cs /if ?>><?cs var:o.Label ?></option><?cs /each ?>
  </select>
  <a href="<?cs var:refresh ?>">刷新</a>
  <?cs if:Form.Err.reader ?><span class="error"><?cs var:Form.Err.reader ?></span><?cs /if ?>
</div>
<?cs /def ?>
<?cs def:card_pin_field(required) ?>
<div class="field<?cs if:Form.Err.pin ?> has-error<?cs /if ?>">
  <label for="f-pin"><?cs if:required ?><span class="req">*</span><?cs /if ?>卡密码</label>
  <input type="password" id="f-pin" name="pin" value="" maxlength="8" inputmode="numeric" autocomplete="off" class="<?cs if:required ?>required<?cs else ?>optional<?cs /if ?>"<?cs if:required ?> required<?cs /if ?> placeholder="电子口岸IC卡密码（6至8位数字）">
  <?cs if:Form.Err.pin ?><span class="error"><?cs var:Form.Err.pin ?></span><?cs /if ?>
</div>
<?cs /def ?>
