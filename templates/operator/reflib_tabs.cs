<nav class="tabs" aria-label="参考库">
  <a href="/operator/ref/"<?cs if:Tab == "rates" ?> class="current" aria-current="page"<?cs /if ?>>出口退税率文库</a>
  <a href="/operator/ref/fx"<?cs if:Tab == "fx" ?> class="current" aria-current="page"<?cs /if ?>>汇率</a>
  <a href="/operator/ref/codes"<?cs if:Tab == "codes" ?> class="current" aria-current="page"<?cs /if ?>>代码表</a>
</nav>
