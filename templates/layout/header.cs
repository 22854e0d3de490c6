<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?cs var:Page.Title ?> - 出口退税综合服务门户</title>
<?cs if:Page.Refresh ?><meta http-equiv="refresh" content="<?cs var:Page.Refresh ?>"><?cs /if ?>
<link rel="stylesheet" href="/static/css/tuishui.css">
<link rel="stylesheet" href="/static/css/print.css" media="print">
<script src="/static/js/tuishui.js" defer></script>
<?cs if:Page.Script ?><script src="<?cs var:Page.Script ?>" defer></script><?cs /if ?>
</head>
<body class="module-<?cs var:Page.Module ?><?cs if:!User.LoginName ?> anonymous<?cs /if ?>">
<?cs if:User.LoginName ?>
<header class="topbar">
  <div class="brand">出口退税综合服务门户</div>
  <div class="who">
    <?cs if:User.EntName ?><span class="ent"><?cs var:User.EntName ?></span><?cs /if ?>
    <span class="user"><?cs var:User.Nickname ?>（<?cs var:User.LoginName ?>）</span>
    <a href="/login/password">修改密码</a>
    <form method="post" action="/login/logout" class="inline">
      <input type="hidden" name="_csrf" value="<?cs var:CSRF ?>">
      <button type="submit" class="link">退出</button>
    </form>
  </div>
</header>
<div class="frame">
<input type="checkbox" id="menu-fold" class="menu-fold" aria-label="折叠/展开菜单">
<nav class="menu" aria-label="功能菜单">
  <label for="menu-fold" class="fold-button" title="折叠/展开菜单">☰</label>
  <?cs each:g = Menu ?>
  <div class="menu-group">
    <div class="menu-group-name"><?cs var:g.Name ?></div>
    <ul>
    <?cs each:i = g.Items ?>
      <li<?cs if:i.Active ?> class="active"<?cs /if ?>><a href="<?cs var:i.Url ?>"><?cs var:i.Label ?></a></li>
    <?cs /each ?>
    </ul>
  </div>
  <?cs /each ?>
  <?cs if:User.MustChangePassword ?><p class="menu-empty">请先修改密码，修改后即可使用系统功能。</p>
  <?cs elif:subcount(Menu) == 0 ?><p class="menu-empty">您尚未被分配角色，暂无可用功能。请联系本企业管理员分配角色。</p><?cs /if ?>
</nav>
<main class="content">
<?cs else ?>
<main class="content standalone">
<?cs /if ?>
<?cs if:Flash ?><div class="flash" role="status"><?cs var:Flash ?></div><?cs /if ?>
<?cs if:Form.HasErrors ?><div class="form-errors" role="alert">提交的内容有误，请按红色提示修改后重新提交。</div><?cs /if ?>
