<?cs # Bar charts as inline SVG.  Every coordinate is computed in
       cgi-bin/workbench.c (integers); here they are only placed, and every
       text is escaped like any other value.  role="img" with <title> and
       <desc> (each value in words) for screen readers; each bar also
       carries its value as visible text. ?>

<?cs # Vertical bars (one per day): ch.Bars.N.{X,Y,W,H,CX,VY,LY,Value,Label,Full},
       ch.Ticks.N.{P,T,V}; ytitle names the value axis, xtitle the categories. ?>
<?cs def:vchart(ch, id, xtitle, ytitle, unit) ?>
<div id="chart-<?cs var:id ?>">
<svg viewBox="0 0 <?cs var:ch.W ?> <?cs var:ch.H ?>" width="<?cs var:ch.W ?>" height="<?cs var:ch.H ?>" role="img" aria-labelledby="<?cs var:id ?>-title <?cs var:id ?>-desc">
  <title id="<?cs var:id ?>-title"><?cs var:ch.Title ?></title>
  <desc id="<?cs var:id ?>-desc"><?cs var:ch.Title ?>，共 <?cs var:ch.Total ?> <?cs var:unit ?>。<?cs each:b = ch.Bars ?><?cs var:b.Full ?>：<?cs var:b.Value ?> <?cs var:unit ?>；<?cs /each ?></desc>
  <text x="<?cs var:ch.TitleX ?>" y="18" text-anchor="middle" font-size="15" font-weight="bold" fill="#17467c"><?cs var:ch.Title ?>（共 <?cs var:ch.Total ?> <?cs var:unit ?>）</text>
  <?cs each:t = ch.Ticks ?>
  <line x1="<?cs var:ch.X0 ?>" x2="<?cs var:ch.X1 ?>" y1="<?cs var:t.P ?>" y2="<?cs var:t.P ?>" stroke="#e1e6ee" stroke-width="1"/>
  <text x="<?cs var:ch.AxisLX ?>" y="<?cs var:t.T ?>" text-anchor="end" font-size="12" fill="#555"><?cs var:t.V ?></text>
  <?cs /each ?>
  <line x1="<?cs var:ch.X0 ?>" x2="<?cs var:ch.X0 ?>" y1="<?cs var:ch.Y1 ?>" y2="<?cs var:ch.Y0 ?>" stroke="#8a94a6" stroke-width="1"/>
  <line x1="<?cs var:ch.X0 ?>" x2="<?cs var:ch.X1 ?>" y1="<?cs var:ch.Y0 ?>" y2="<?cs var:ch.Y0 ?>" stroke="#8a94a6" stroke-width="1"/>
  <?cs each:b = ch.Bars ?>
  <g>
    <title><?cs var:b.Full ?>：<?cs var:b.Value ?> <?cs var:unit ?></title>
    <rect x="<?cs var:b.X ?>" y="<?cs var:b.Y ?>" width="<?cs var:b.W ?>" height="<?cs var:b.H ?>" fill="#1f5fa8" rx="2"/>
  </g>
  <text x="<?cs var:b.CX ?>" y="<?cs var:b.VY ?>" text-anchor="middle" font-size="12" fill="#17467c"><?cs var:b.Value ?></text>
  <text x="<?cs var:b.CX ?>" y="<?cs var:b.LY ?>" text-anchor="middle" font-size="11" fill="#555"><?cs var:b.Label ?></text>
  <?cs /each ?>
  <text x="<?cs var:ch.MidX ?>" y="<?cs var:ch.XTitleY ?>" text-anchor="middle" font-size="12" fill="#333"><?cs var:xtitle ?></text>
  <text transform="translate(16 <?cs var:ch.MidY ?>) rotate(-90)" text-anchor="middle" font-size="12" fill="#333"><?cs var:ytitle ?></text>
</svg>
</div>
<?cs /def ?>

<?cs # Horizontal bars (one per category, names at the left):
       ch.Bars.N.{X,Y,W,H,LX,VX,TY,Value,Label,Full}, ch.Ticks.N.{P,V}. ?>
<?cs def:hchart(ch, id, xtitle, ytitle, unit, empty) ?>
<div id="chart-<?cs var:id ?>">
<?cs if:subcount(ch.Bars) == 0 ?>
<p><strong><?cs var:ch.Title ?></strong>：<?cs var:empty ?></p>
<?cs else ?>
<svg viewBox="0 0 <?cs var:ch.W ?> <?cs var:ch.H ?>" width="<?cs var:ch.W ?>" height="<?cs var:ch.H ?>" role="img" aria-labelledby="<?cs var:id ?>-title <?cs var:id ?>-desc">
  <title id="<?cs var:id ?>-title"><?cs var:ch.Title ?></title>
  <desc id="<?cs var:id ?>-desc"><?cs var:ch.Title ?>。<?cs each:b = ch.Bars ?><?cs var:b.Full ?>：<?cs var:b.Value ?> <?cs var:unit ?>；<?cs /each ?></desc>
  <text x="<?cs var:ch.TitleX ?>" y="18" text-anchor="middle" font-size="15" font-weight="bold" fill="#17467c"><?cs var:ch.Title ?></text>
  <text x="8" y="<?cs var:ch.Y1 ?>" font-size="12" fill="#333"><?cs var:ytitle ?></text>
  <?cs each:t = ch.Ticks ?>
  <line x1="<?cs var:t.P ?>" x2="<?cs var:t.P ?>" y1="<?cs var:ch.Y1 ?>" y2="<?cs var:ch.Y0 ?>" stroke="#e1e6ee" stroke-width="1"/>
  <text x="<?cs var:t.P ?>" y="<?cs var:ch.TickY ?>" text-anchor="middle" font-size="12" fill="#555"><?cs var:t.V ?></text>
  <?cs /each ?>
  <line x1="<?cs var:ch.X0 ?>" x2="<?cs var:ch.X0 ?>" y1="<?cs var:ch.Y1 ?>" y2="<?cs var:ch.Y0 ?>" stroke="#8a94a6" stroke-width="1"/>
  <line x1="<?cs var:ch.X0 ?>" x2="<?cs var:ch.X1 ?>" y1="<?cs var:ch.Y0 ?>" y2="<?cs var:ch.Y0 ?>" stroke="#8a94a6" stroke-width="1"/>
  <?cs each:b = ch.Bars ?>
  <text x="<?cs var:b.LX ?>" y="<?cs var:b.TY ?>" text-anchor="end" font-size="13" fill="#333"><?cs var:b.Label ?></text>
  <g>
    <title><?cs var:b.Full ?>：<?cs var:b.Value ?> <?cs var:unit ?></title>
    <rect x="<?cs var:b.X ?>" y="<?cs var:b.Y ?>" width="<?cs var:b.W ?>" height="<?cs var:b.H ?>" fill="#2e8b57" rx="2"/>
  </g>
  <text x="<?cs var:b.VX ?>" y="<?cs var:b.TY ?>" font-size="12" fill="#1d5e3a"><?cs var:b.Value ?></text>
  <?cs /each ?>
  <text x="<?cs var:ch.MidX ?>" y="<?cs var:ch.TitleY ?>" text-anchor="middle" font-size="12" fill="#333"><?cs var:xtitle ?></text>
</svg>
<?cs /if ?>
</div>
<?cs /def ?>
