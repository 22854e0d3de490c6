<?cs # Form field macros: label, input with the manuals' colours (required
       yellow, read-only grey, optional white), the error in red next to it.
       Every value is escaped by Config.VarEscapeMode. ?>
<?cs def:field_text(name, label, required, maxlen) ?>
<div class="field<?cs if:Form.Err[name] ?> has-error<?cs /if ?>">
  <label for="f-<?cs var:name ?>"><?cs if:required ?><span class="req">*</span><?cs /if ?><?cs var:label ?></label>
  <input type="text" id="f-<?cs var:name ?>" name="<?cs var:name ?>" value="<?cs var:Form[name] ?>" maxlength="<?cs var:maxlen ?>" class="<?cs if:required ?>required<?cs else ?>optional<?cs /if ?>"<?cs if:required ?> required<?cs /if ?>>
  <?cs if:Form.Err[name] ?><span class="error"><?cs var:Form.Err[name] ?></span><?cs /if ?>
</div>
<?cs /def ?>
<?cs def:field_password(name, label, required) ?>
<div class="field<?cs if:Form.Err[name] ?> has-error<?cs /if ?>">
  <label for="f-<?cs var:name ?>"><?cs if:required ?><span class="req">*</span><?cs /if ?><?cs var:label ?></label>
  <input type="password" id="f-<?cs var:name ?>" name="<?cs var:name ?>" value="" maxlength="128" autocomplete="off" class="<?cs if:required ?>required<?cs else ?>optional<?cs /if ?>"<?cs if:required ?> required<?cs /if ?>>
  <?cs if:Form.Err[name] ?><span class="error"><?cs var:Form.Err[name] ?></span><?cs /if ?>
</div>
<?cs /def ?>
<?cs def:field_readonly(label, value) ?>
<div class="field">
  <label><?cs var:label ?></label>
  <input type="text" value="<?cs var:value ?>" readonly class="readonly">
</div>
<?cs /def ?>
<?cs def:csrf() ?><input type="hidden" name="_csrf" value="<?cs var:CSRF ?>"><?cs /def ?>
<?cs # Choice fields.  options is an HDF list of {Value, Label, Key}: Key is
       the value with "." turned into "_", the name the lib echoes a checked
       box under (Checked.<name>.<Key>). ?>
<?cs def:field_readonly_req(label, value) ?>
<div class="field">
  <label><span class="req">*</span><?cs var:label ?></label>
  <input type="text" value="<?cs var:value ?>" readonly class="readonly">
</div>
<?cs /def ?>
<?cs def:field_select(name, label, required, options, blank) ?>
<div class="field<?cs if:Form.Err[name] ?> has-error<?cs /if ?>">
  <label for="f-<?cs var:name ?>"><?cs if:required ?><span class="req">*</span><?cs /if ?><?cs var:label ?></label>
  <select id="f-<?cs var:name ?>" name="<?cs var:name ?>" class="<?cs if:required ?>required<?cs else ?>optional<?cs /if ?>"<?cs if:required ?> required<?cs /if ?>>
    <option value=""><?cs var:blank ?></option>
    <?cs each:o = options ?><option value="<?cs var:o.Value ?>"<?cs if:Form[name] == o.Value ?> selected<?cs /if ?>><?cs var:o.Label ?></option><?cs /each ?>
  </select>
  <?cs if:Form.Err[name] ?><span class="error"><?cs var:Form.Err[name] ?></span><?cs /if ?>
</div>
<?cs /def ?>
<?cs def:field_radios(name, label, options) ?>
<div class="field<?cs if:Form.Err[name] ?> has-error<?cs /if ?>">
  <label><?cs var:label ?></label>
  <span class="checks">
    <?cs each:o = options ?><label><input type="radio" name="<?cs var:name ?>" value="<?cs var:o.Value ?>"<?cs if:Form[name] == o.Value ?> checked<?cs /if ?>> <?cs var:o.Label ?></label><?cs /each ?>
  </span>
  <?cs if:Form.Err[name] ?><span class="error"><?cs var:Form.Err[name] ?></span><?cs /if ?>
</div>
<?cs /def ?>
<?cs # A choice with Fixed set is one this user may not change: greyed out,
       and when checked posted as it stands through a hidden input. ?>
<?cs def:checkboxes(name, options, disabled) ?><span class="checks">
  <?cs each:o = options ?><?cs if:o.Fixed && Checked[name][o.Key] ?><input type="hidden" name="<?cs var:name ?>" value="<?cs var:o.Value ?>"><?cs /if ?><label><input type="checkbox" name="<?cs var:name ?>" value="<?cs var:o.Value ?>"<?cs if:Checked[name][o.Key] ?> checked<?cs /if ?><?cs if:disabled || o.Fixed ?> disabled<?cs /if ?>> <?cs var:o.Label ?></label><?cs /each ?>
</span><?cs /def ?>
<?cs def:field_checks(name, label, required, options) ?>
<div class="field<?cs if:Form.Err[name] ?> has-error<?cs /if ?>">
  <label><?cs if:required ?><span class="req">*</span><?cs /if ?><?cs var:label ?></label>
  <?cs call:checkboxes(name, options, 0) ?>
  <?cs if:Form.Err[name] ?><span class="error"><?cs var:Form.Err[name] ?></span><?cs /if ?>
</div>
<?cs /def ?>
<?cs def:field_textarea(name, label, maxlen) ?>
<div class="field<?cs if:Form.Err[name] ?> has-error<?cs /if ?>">
  <label for="f-<?cs var:name ?>"><?cs var:label ?></label>
  <textarea id="f-<?cs var:name ?>" name="<?cs var:name ?>" maxlength="<?cs var:maxlen ?>" rows="3" class="optional"><?cs var:Form[name] ?></textarea>
  <?cs if:Form.Err[name] ?><span class="error"><?cs var:Form.Err[name] ?></span><?cs /if ?>
</div>
<?cs /def ?>
<?cs # A value the user may not change but that is posted with the form
       (read-only grey); value is what is posted, shown the text shown. ?>
<?cs def:field_fixed(name, label, value, shown) ?>
<div class="field<?cs if:Form.Err[name] ?> has-error<?cs /if ?>">
  <label for="f-<?cs var:name ?>"><span class="req">*</span><?cs var:label ?></label>
  <input type="hidden" name="<?cs var:name ?>" value="<?cs var:value ?>">
  <input type="text" id="f-<?cs var:name ?>" value="<?cs var:shown ?>" readonly class="readonly">
  <?cs if:Form.Err[name] ?><span class="error"><?cs var:Form.Err[name] ?></span><?cs /if ?>
</div>
<?cs /def ?>
