<section class="panel narrow">
  <h1>新增角色</h1>
  <p>请先选择角色适用的人员类别，不同类别可勾选的菜单权限不同：</p>
  <div class="toolbar">
    <a class="button" href="/roles/new?scope=tax">税务人员角色</a>
    <a class="button" href="/roles/new?scope=customs">海关人员角色</a>
    <a class="button" href="/roles/new?scope=operator">运维人员角色</a>
  </div>
  <p><a href="/roles/">返回角色列表</a></p>
</section>
