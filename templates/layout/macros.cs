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
