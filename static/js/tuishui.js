/* Progressive enhancement only: every page works without this file. */
document.documentElement.classList.add('has-js');
document.addEventListener('DOMContentLoaded', function () {
  /* 看不清？click the captcha image for a new one. */
  var img = document.querySelector('.captcha-img');
  if (img) img.addEventListener('click', function () {
    img.src = '/login/captcha?' + Date.now();
  });
  /* Ask before a destructive action (停用, 删除, 重置密码). */
  document.querySelectorAll('form[data-confirm]').forEach(function (f) {
    f.addEventListener('submit', function (e) {
      if (!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault();
    });
  });
  /* 直接打印 (报关单): a print button, and the dialog at once when asked. */
  document.querySelectorAll('[data-print]').forEach(function (b) {
    b.addEventListener('click', function () { window.print(); });
  });
  if (document.querySelector('[data-autoprint]')) window.print();
});
