<nav class="tabs" aria-label="参考库">
  <a href="/operator/rates"<?cs if:Tab == "rates" ?> class="current" aria-current="page"<?cs /if ?>>出口退税率文库</a>
  <a href="/operator/fx"<?cs if:Tab == "fx" ?> class="current" aria-current="page"<?cs /if ?>>汇率</a>
  <a href="/operator/codes"<?cs if:Tab == "codes" ?> class="current" aria-current="page"<?cs /if ?>>代码表</a>
</nav>
