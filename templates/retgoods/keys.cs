<?cs # 快捷键查看 (004 §2.3.3), opened with Alt+K or the round ? button where JavaScript runs. ?>
<div class="rg-keys-panel" id="rg-keys-panel" hidden role="dialog" aria-label="快捷键查看">
  <table class="list">
    <thead><tr><th>键盘操作</th><th>说明</th></tr></thead>
    <tbody>
      <tr><td>Enter（回车）</td><td>在进口报关单号中获取数据；光标跳转至下一录入框</td></tr>
      <tr><td>Shift+Enter</td><td>光标跳转到上一个录入框</td></tr>
      <tr><td>Alt+S</td><td>暂存数据</td></tr>
      <tr><td>Alt+R</td><td>删除数据</td></tr>
      <tr><td>Alt+P</td><td>打印数据</td></tr>
      <tr><td>Alt+K</td><td>快捷键查看</td></tr>
    </tbody>
  </table>
  <button type="button" id="rg-keys-close">关闭</button>
</div>
