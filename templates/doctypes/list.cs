<section class="panel" id="doc-kinds">
  <h1>备案单证种类</h1>
  <p class="hint">本企业类型：<?cs var:Ent.Type ?>。列表中展示了所有可备案的单证种类：系统默认的单证种类，以及本企业新增的单证种类。</p>
  <div class="toolbar">
    <?cs if:Can.Edit ?><a class="button primary" href="/doctypes/new">新增</a><?cs /if ?>
  </div>
  <table class="list">
    <thead>
      <tr>
        <th>单证种类名称</th>
        <th>类别</th>
        <th>说明</th>
        <th>是否必须</th>
        <th>来源</th>
        <th>状态</th>
        <th>操作</th>
      </tr>
    </thead>
    <tbody>
    <?cs each:k = Kinds ?>
      <tr<?cs if:!k.Own ?> class="locked"<?cs /if ?>>
        <td><?cs var:k.name ?></td>
        <td><?cs var:k.Category ?></td>
        <td><?cs var:k.description ?></td>
        <td><?cs var:k.Required ?></td>
        <td><?cs var:k.Source ?></td>
        <td class="status-<?cs var:k.status ?>"><?cs var:k.Status ?></td>
        <td class="ops">
          <?cs if:k.Own && Can.Edit ?>
          <a href="/doctypes/edit?id=<?cs var:k.id ?>">修改</a>
          <form method="post" action="/doctypes/delete" data-confirm="确定删除单证种类“<?cs var:k.name ?>”吗？">
            <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
            <input type="hidden" name="id" value="<?cs var:k.id ?>">
            <button type="submit" class="link">删除</button>
          </form>
          <?cs /if ?>
        </td>
      </tr>
    <?cs /each ?>
    <?cs if:subcount(Kinds) == 0 ?><tr><td colspan="7">暂无单证种类。</td></tr><?cs /if ?>
    </tbody>
  </table>
  <div class="notice">【企业只能修改或者删除自定义的单证种类，系统默认的单证种类不可被修改或删除。】</div>
  <p class="hint" id="effective">有起止日期的单证种类，按报关单的出口日期（没有出口日期的按所属期的第一天、按所属期备案按所属期的第一天）判断是否适用：已失效的种类仍适用于有效期内出口的报关单，未生效的种类适用于起始日期及以后出口的报关单。</p>
  <?cs if:subcount(Retention) > 0 ?>
  <p class="hint" id="retention">备案单证保存期限：<?cs each:r = Retention ?><?cs var:r.effective_from ?> 起申报的，保存 <?cs var:r.years ?> 年（<?cs var:r.basis ?>）<?cs if:!last(r) ?>；<?cs /if ?><?cs /each ?>。</p>
  <?cs /if ?>
</section>
