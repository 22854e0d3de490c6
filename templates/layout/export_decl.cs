<?cs # A published 出口报关单 (lib/ts_customs_decl: ts_cdecl_render under
       Decl): 报关单表头信息 as label / value pairs, 报关单表体信息 as a
       table with each line's 关联号.  Used by customs/view and decl/view. ?>
<?cs def:export_decl(d) ?>
<h2>报关单表头信息</h2>
<dl class="decl-head">
<?cs each:f = d.Head ?>
  <dt><?cs var:f.label ?></dt><dd id="h-<?cs var:f.name ?>"><?cs var:f.value ?></dd>
<?cs /each ?>
</dl>
<h2>报关单表体信息</h2>
<div class="wide-table">
<table class="list decl-lines">
  <thead>
    <tr><th>关联号</th><?cs each:l = d.LineFields ?><th><?cs var:l ?></th><?cs /each ?></tr>
  </thead>
  <tbody>
  <?cs each:line = d.Lines ?>
    <tr><td><?cs var:line.link ?></td><?cs each:v = line.v ?><td><?cs var:v ?></td><?cs /each ?></tr>
  <?cs /each ?>
  </tbody>
</table>
</div>
<?cs /def ?>
