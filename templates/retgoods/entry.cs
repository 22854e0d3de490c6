<?cs include:"layout/macros.cs" ?>
<?cs include:"layout/card.cs" ?>
<?cs # 出口退货信息录入 (004 §4.1).  Field colours of 001 关于界面: required
       yellow (class required), system-filled grey (readonly), optional white.
       Grey fields carry no name: the server never takes them from the form. ?>
<?cs def:grey(label, value, id) ?>
<div class="field">
  <label for="g-<?cs var:id ?>"><?cs var:label ?></label>
  <input type="text" id="g-<?cs var:id ?>" value="<?cs var:value ?>" readonly tabindex="-1" class="readonly">
</div>
<?cs /def ?>
<?cs def:grey_party(label, scc, code, name, id) ?>
<div class="field rg-wide">
  <label for="g-<?cs var:id ?>"><?cs var:label ?></label>
  <input type="text" id="g-<?cs var:id ?>" value="<?cs var:scc ?>" readonly tabindex="-1" class="readonly rg-scc" aria-label="<?cs var:label ?>统一社会信用代码">
  <input type="text" value="<?cs var:code ?>" readonly tabindex="-1" class="readonly rg-code" aria-label="<?cs var:label ?>海关编码">
  <input type="text" value="<?cs var:name ?>" readonly tabindex="-1" class="readonly rg-name" aria-label="<?cs var:label ?>名称">
</div>
<?cs /def ?>
<?cs def:coded(name, label, required, list, hint) ?>
<div class="field<?cs if:Form.Err[name] ?> has-error<?cs /if ?>">
  <label for="f-<?cs var:name ?>"><?cs if:required ?><span class="req">*</span><?cs /if ?><?cs var:label ?></label>
  <input type="text" id="f-<?cs var:name ?>" name="<?cs var:name ?>" value="<?cs var:Form[name] ?>" list="<?cs var:list ?>" maxlength="6" placeholder="<?cs var:hint ?>" class="<?cs if:required ?>required<?cs else ?>optional<?cs /if ?>">
  <?cs if:Form.Err[name] ?><span class="error"><?cs var:Form.Err[name] ?></span><?cs /if ?>
</div>
<?cs /def ?>
<section class="panel retgoods-entry">
  <h1>出口退货信息录入</h1>
  <form method="post" action="/retgoods/" id="rg-form" class="rg-form" novalidate autocomplete="off"<?cs if:Form.Unsaved ?> data-rg-unsaved="1"<?cs /if ?>>
    <?cs call:csrf() ?>
    <?cs if:Rec.id != "0" ?><input type="hidden" name="id" value="<?cs var:Rec.id ?>"><?cs /if ?>
    <input type="hidden" name="fetched" value="<?cs var:Form.fetched ?>">
    <input type="hidden" name="back" value="/retgoods/">
    <?cs # The first submit button is what Enter submits without JavaScript: 获取, which keeps everything typed. ?>
    <button type="submit" name="op" value="fetch" class="rg-default" tabindex="-1" aria-hidden="true">获取</button>
    <div class="toolbar rg-buttons">
      <a class="button primary" href="/retgoods/" id="rg-new">新增</a>
      <span title="<?cs var:Why.Save ?>"><button type="submit" name="op" value="save" class="primary" id="rg-save" title="<?cs if:Can.Save ?>暂存 (Alt+S)<?cs else ?><?cs var:Why.Save ?><?cs /if ?>"<?cs if:!Can.Save ?> disabled<?cs /if ?>>暂存</button></span>
      <span title="<?cs var:Why.Delete ?>"><button type="submit" formaction="/retgoods/delete" name="ids" value="<?cs var:Rec.id ?>" class="primary" id="rg-delete" data-rg-confirm="是否删除当前数据？删除后不可恢复。" title="<?cs if:Can.Delete ?>删除 (Alt+R)<?cs else ?><?cs var:Why.Delete ?><?cs /if ?>"<?cs if:!Can.Delete ?> disabled<?cs /if ?>>删除</button></span>
      <span title="<?cs var:Why.Submit ?>"><button type="submit" name="op" value="submit" class="primary" id="rg-submit" title="<?cs if:Can.Submit ?>提交：使用IC卡签名后向海关申报<?cs else ?><?cs var:Why.Submit ?><?cs /if ?>"<?cs if:!Can.Submit ?> disabled<?cs /if ?>>提交</button></span>
      <?cs if:Rec.id != "0" ?><a class="button" href="/retgoods/query?seq_no=<?cs var:url_escape(Rec.seq_no) ?>&amp;range=month&amp;receipts=<?cs var:Rec.id ?>" id="rg-receipts">回执</a><?cs /if ?>
      <button type="button" class="rg-keys" id="rg-keys" title="快捷键查看 (Alt+K)" hidden>?</button>
    </div>
    <?cs if:Page.Error ?><div class="form-errors" role="alert" id="rg-error"><p><?cs var:Page.Error ?></p><?cs if:Card.Error ?><p id="rg-card-error"><?cs var:Card.Error ?></p><?cs /if ?></div><?cs /if ?>
    <?cs if:Page.Notice ?><div class="flash" role="status" id="rg-notice"><?cs var:Page.Notice ?></div><?cs /if ?>

    <fieldset class="rg-section"<?cs if:!Can.Save ?> disabled<?cs /if ?>>
      <legend>表头</legend>
      <div class="rg-grid">
        <?cs call:grey("统一编号", Rec.seq_no, "seq_no") ?>
        <?cs call:grey("退货编号", Rec.ret_no, "ret_no") ?>
        <?cs call:grey("状态", Rec.status_name, "status") ?>
        <?cs call:grey("采集人", Rec.collector, "collector") ?>
        <?cs call:grey_party("采集机构", Rec.collector_scc, Rec.collector_code, Rec.collector_name, "collector_org") ?>
        <?cs call:grey("采集机构类别", Rec.collect_type, "collect_type") ?>
        <?cs call:grey("采集时间", Rec.collect_time, "collect_time") ?>
        <?cs call:grey("退货信息来源", Rec.info_source, "info_source") ?>
        <div class="field<?cs if:Form.Err.i_entry_id ?> has-error<?cs /if ?>">
          <label for="f-i_entry_id"><span class="req">*</span>进口报关单号</label>
          <input type="text" id="f-i_entry_id" name="i_entry_id" value="<?cs var:Form.i_entry_id ?>" maxlength="18" inputmode="numeric" placeholder="按回车获取数据" class="required" data-rg-fetch="1">
          <button type="submit" name="op" value="fetch" id="rg-fetch" title="按进口报关单号获取数据">获取</button>
          <?cs if:Form.Err.i_entry_id ?><span class="error"><?cs var:Form.Err.i_entry_id ?></span><?cs /if ?>
        </div>
        <?cs call:grey_party("报关单位", Rec.agent_scc, Rec.agent_code, Rec.agent_name, "agent") ?>
        <?cs call:grey("报关员", Rec.declarant, "declarant") ?>
        <?cs call:grey_party("收货人", Rec.trade_scc, Rec.trade_code, Rec.trade_name, "trade") ?>
        <?cs call:field_text("receiver_addr", "收货人所在地", 1, 255) ?>
        <?cs call:field_text("receiver_contact", "收货联系人", 1, 50) ?>
        <?cs call:field_text("receiver_phone", "联系电话", 1, 30) ?>
        <?cs call:grey_party("消费使用单位", Rec.owner_scc, Rec.owner_code, Rec.owner_name, "owner") ?>
        <?cs call:coded("owner_district", "消费使用单位所在地关区", 1, "dl-districts", "输入关区代码或名称检索") ?>
        <div class="field<?cs if:Form.Err.ret_date ?> has-error<?cs /if ?>">
          <label for="f-ret_date">退货日期</label>
          <input type="date" id="f-ret_date" name="ret_date" value="<?cs var:Form.ret_date ?>" placeholder="请选择日期（YYYY-MM-DD）" class="optional">
          <?cs if:Form.Err.ret_date ?><span class="error"><?cs var:Form.Err.ret_date ?></span><?cs /if ?>
        </div>
        <?cs call:grey("报关日期", Rec.d_date, "d_date") ?>
        <?cs call:grey("到港日期", Rec.ie_date, "ie_date") ?>
        <?cs call:grey("退货国家(地区)", Rec.trade_country_text, "trade_country") ?>
        <?cs call:grey("受理报关机构", Rec.custom_master_text, "custom_master") ?>
        <?cs call:grey("海关贸易方式", Rec.trade_mode_text, "trade_mode") ?>
        <?cs call:grey("提运单号", Rec.bill_no, "bill_no") ?>
        <?cs call:grey("目的地海关", Rec.dest_customs_text, "dest_customs") ?>
        <div class="rg-wide"><?cs call:field_checks("handle_ways", "拟处理方式", 1, Options.HandleWays) ?></div>
        <?cs call:field_text("handle_other", "其他具体内容", 0, 200) ?>
      </div>
    </fieldset>

    <fieldset class="rg-section"<?cs if:!Can.Save ?> disabled<?cs /if ?>>
      <legend>商品信息</legend>
      <div class="wide-table">
      <table class="list rg-lines" id="rg-lines">
        <thead><tr><th>序号</th><th>货物HS编码</th><th>监管类别名称</th><th>货物名称</th><th>退货金额</th><th>退货金额单位</th><th>退货数量</th><th>数量单位</th><th>退货重量</th><th>重量单位</th><th>是否属于工业品</th></tr></thead>
        <tbody>
        <?cs each:l = Rec.Lines ?>
          <tr>
            <td><?cs var:l.g_no ?></td><td><?cs var:l.code_ts ?></td><td><?cs var:l.supv_class_name ?></td><td><?cs var:l.g_name ?></td>
            <td class="num"><?cs var:l.decl_total ?></td><td><?cs var:l.trade_curr_text ?></td><td class="num"><?cs var:l.g_qty ?></td><td><?cs var:l.g_unit_text ?></td>
            <td class="<?cs if:LineErr[l.g_no] ?>has-error<?cs /if ?>"><input type="hidden" name="weight_no" value="<?cs var:l.g_no ?>"><input type="text" name="weight" value="<?cs var:l.ret_weight ?>" maxlength="20" size="10" class="optional" aria-label="第<?cs var:l.g_no ?>项退货重量"><?cs if:LineErr[l.g_no] ?><span class="error"><?cs var:LineErr[l.g_no] ?></span><?cs /if ?></td>
            <td>千克</td>
            <td><select name="industrial" class="required" aria-label="第<?cs var:l.g_no ?>项是否属于工业品"><option value="Y"<?cs if:l.industrial != "N" ?> selected<?cs /if ?>>Y-是</option><option value="N"<?cs if:l.industrial == "N" ?> selected<?cs /if ?>>N-否</option></select></td>
          </tr>
        <?cs /each ?>
        <?cs if:!subcount(Rec.Lines) ?><tr><td colspan="11" class="empty">没有找到匹配的记录（录入进口报关单号后按回车或点击“获取”）</td></tr><?cs /if ?>
        </tbody>
      </table>
      </div>
    </fieldset>

    <fieldset class="rg-section"<?cs if:!Can.Save ?> disabled<?cs /if ?>>
      <legend>其他</legend>
      <div class="rg-grid">
        <div class="field rg-wide<?cs if:Form.Err.orig_entry_ids ?> has-error<?cs /if ?>">
          <label for="f-orig_entry_ids"><span class="req">*</span>原出口报关单号</label>
          <textarea id="f-orig_entry_ids" name="orig_entry_ids" rows="2" maxlength="949" class="required" placeholder="18位出口报关单号，多个用“/”分隔，最多50个"><?cs var:Form.orig_entry_ids ?></textarea>
          <?cs if:Form.Err.orig_entry_ids ?><span class="error"><?cs var:Form.Err.orig_entry_ids ?></span><?cs /if ?>
        </div>
        <?cs call:field_text("prod_scc", "原生产企业统一社会信用代码", 1, 18) ?>
        <?cs call:field_text("prod_code", "原生产企业海关编码", 1, 10) ?>
        <?cs call:field_text("prod_name", "原生产企业名称", 1, 200) ?>
        <?cs call:field_text("prod_contact", "原生产企业联系人", 1, 50) ?>
        <?cs call:field_text("prod_phone", "原生产企业联系电话", 1, 30) ?>
        <?cs call:coded("prod_region", "原生产企业行政区划", 1, "dl-regions", "输入行政区划代码或名称检索") ?>
        <?cs call:coded("prod_district", "原生产企业所属机构", 1, "dl-subdistricts", "不能选择直属关区") ?>
        <div class="field<?cs if:Form.Err.export_inspect ?> has-error<?cs /if ?>">
          <label for="f-export_inspect"><span class="req">*</span>出口是否法检</label>
          <select id="f-export_inspect" name="export_inspect" class="required">
            <option value="">请选择</option>
            <option value="Y"<?cs if:Form.export_inspect == "Y" ?> selected<?cs /if ?>>Y-是</option>
            <option value="N"<?cs if:Form.export_inspect == "N" ?> selected<?cs /if ?>>N-否</option>
          </select>
          <?cs if:Form.Err.export_inspect ?><span class="error"><?cs var:Form.Err.export_inspect ?></span><?cs /if ?>
        </div>
        <div class="field<?cs if:Form.Err.orig_trade_mode ?> has-error<?cs /if ?>">
          <label><span class="req">*</span>关联报关单原出口监管方式</label>
          <span class="checks"><label><input type="checkbox" name="orig_trade_mode" value="0110"<?cs if:Form.orig_trade_mode == "0110" ?> checked<?cs /if ?>> 一般贸易</label></span>
          <?cs if:Form.Err.orig_trade_mode ?><span class="error"><?cs var:Form.Err.orig_trade_mode ?></span><?cs /if ?>
        </div>
        <div class="rg-wide"><?cs call:field_checks("reason_kinds", "退货原因类别", 1, Options.ReasonKinds) ?></div>
        <div class="field rg-wide rg-reasons<?cs if:Form.Err.reasons ?> has-error<?cs /if ?>">
          <label><span class="req">*</span>具体退运原因</label>
          <div class="rg-reason-groups">
          <?cs each:k = Options.ReasonKinds ?>
            <div class="rg-reason-group" data-kind="<?cs var:k.Value ?>"><strong><?cs var:k.Label ?>：</strong>
            <?cs each:o = Options.Reasons ?><?cs if:o.Kind == k.Value ?><label><input type="checkbox" name="reasons" value="<?cs var:o.Value ?>"<?cs if:Checked.reasons[o.Key] ?> checked<?cs /if ?>> <?cs var:o.Label ?></label> <?cs /if ?><?cs /each ?>
            </div>
          <?cs /each ?>
          </div>
          <?cs if:Form.Err.reasons ?><span class="error"><?cs var:Form.Err.reasons ?></span><?cs /if ?>
        </div>
        <div class="field rg-wide<?cs if:Form.Err.reason_note ?> has-error<?cs /if ?>">
          <label for="f-reason_note">退货原因具体说明</label>
          <textarea id="f-reason_note" name="reason_note" maxlength="1000" rows="3" class="optional" placeholder="退货原因类别为质量原因时必填"><?cs var:Form.reason_note ?></textarea>
          <?cs if:Form.Err.reason_note ?><span class="error"><?cs var:Form.Err.reason_note ?></span><?cs /if ?>
        </div>
      </div>
    </fieldset>

    <?cs if:Can.Submit ?>
    <fieldset class="rg-section rg-card">
      <legend>提交（电子口岸IC卡签名）</legend>
      <p class="hint">提交即意味着您的数据将向海关进行发送，并等待其审批。提交时使用当前用户绑定的IC卡对数据进行电子签名。</p>
      <?cs call:card_unavailable() ?>
      <div class="field<?cs if:Form.Err.reader ?> has-error<?cs /if ?>">
        <label for="f-reader">读卡器</label>
        <select id="f-reader" name="reader" class="optional">
          <option value="">请选择插有IC卡的读卡器</option>
          <?cs each:o = Options.Readers ?><option value="<?cs var:o.Value ?>"<?cs if:Form.reader == o.Value ?> selected<?cs /if ?>><?cs var:o.Label ?></option><?cs /each ?>
        </select>
      </div>
      <?cs call:card_pin_field(0) ?>
    </fieldset>
    <?cs /if ?>
  </form>
  <datalist id="dl-districts"><?cs each:d = Options.Districts ?><option value="<?cs var:d.code ?>"><?cs var:d.code ?> <?cs var:d.name ?></option><?cs /each ?></datalist>
  <datalist id="dl-subdistricts"><?cs each:d = Options.Districts ?><?cs if:d.Subordinate ?><option value="<?cs var:d.code ?>"><?cs var:d.code ?> <?cs var:d.name ?></option><?cs /if ?><?cs /each ?></datalist>
  <datalist id="dl-regions"><?cs each:d = Options.Regions ?><option value="<?cs var:d.code ?>"><?cs var:d.code ?> <?cs var:d.name ?></option><?cs /each ?></datalist>
  <?cs include:"retgoods/keys.cs" ?>
  <p class="rg-hint" id="rg-hint" role="status" aria-live="polite" hidden></p>
</section>
