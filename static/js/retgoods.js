/* 出口退货 (templates/retgoods): the keyboard of manual 004 §2.3.3 and the
 * confirmations of §4.1.2 / §4.2.  Progressive enhancement only: without
 * this file Enter submits 获取 (the form's first button), 删除 shows a
 * confirmation page, 新增 is a plain link. */
(function () {
  'use strict';
  var dirty = false; /* typed and not stored: a page a POST answered starts so */

  /* The fields Enter / Shift+Enter move between, in page order. */
  function fields(form) {
    return Array.prototype.filter.call(form.querySelectorAll('input, select, textarea'), function (el) {
      return el.type !== 'hidden' && !el.readOnly && !el.disabled && el.tabIndex !== -1 &&
        el.offsetParent !== null;
    });
  }

  function move(form, el, step) {
    var list = fields(form), i = list.indexOf(el);
    if (i < 0) return;
    var next = list[i + step];
    if (next) { next.focus(); if (next.select && next.type === 'text') next.select(); }
  }

  function clickIfEnabled(id) {
    var b = document.getElementById(id);
    if (b && !b.disabled) b.click();
    return !!b;
  }

  /* 删除: the browser's confirm(); confirmed, the server skips its page. */
  function confirmDelete(form, message, e) {
    if (!window.confirm(message)) { e.preventDefault(); return; }
    var h = form.querySelector('input[name="confirm"]');
    if (!h) {
      h = document.createElement('input');
      h.type = 'hidden'; h.name = 'confirm'; h.value = '1';
      form.appendChild(h);
    }
  }

  function togglePanel(show) {
    var p = document.getElementById('rg-keys-panel');
    if (p) p.hidden = show === undefined ? !p.hidden : !show;
  }

  function onKey(form, e) {
    if (e.altKey && !e.ctrlKey && !e.metaKey) {
      var k = (e.key || '').toLowerCase();
      if (k === 's' && clickIfEnabled('rg-save')) e.preventDefault();
      else if (k === 'r' && (clickIfEnabled('rg-delete') || clickIfEnabled('rg-list-delete')))
        e.preventDefault();
      else if (k === 'p') { e.preventDefault(); window.print(); }
      else if (k === 'k') { e.preventDefault(); togglePanel(); }
      return;
    }
    if (e.key !== 'Enter' || !form || !form.contains(e.target)) return;
    var t = e.target;
    if (t.tagName === 'TEXTAREA' || t.tagName === 'BUTTON' || t.type === 'submit') return;
    e.preventDefault();
    if (t.getAttribute('data-rg-fetch') && !e.shiftKey) {
      document.getElementById('rg-fetch').click();
      return;
    }
    move(form, t, e.shiftKey ? -1 : 1);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('rg-form');
    var keys = document.getElementById('rg-keys');
    if (keys) {
      keys.hidden = false;
      keys.addEventListener('click', function () { togglePanel(); });
    }
    var close = document.getElementById('rg-keys-close');
    if (close) close.addEventListener('click', function () { togglePanel(false); });
    document.addEventListener('keydown', function (e) { onKey(form, e); });
    if (form) {
      /* 001 关于界面: the field's hint in red under the form while the cursor is in it. */
      var hint = document.getElementById('rg-hint');
      form.addEventListener('focusin', function (e) {
        var text = e.target.getAttribute && e.target.getAttribute('placeholder');
        if (!hint) return;
        hint.textContent = text || '';
        hint.hidden = !text;
      });
      dirty = form.getAttribute('data-rg-unsaved') === '1';
      form.addEventListener('input', function () { dirty = true; });
      form.addEventListener('submit', function () { dirty = false; });
      var del = document.getElementById('rg-delete');
      if (del) del.addEventListener('click', function (e) {
        confirmDelete(form, del.getAttribute('data-rg-confirm'), e);
      });
      var add = document.getElementById('rg-new');
      if (add) add.addEventListener('click', function (e) {
        if (dirty && !window.confirm('当前录入的数据尚未暂存，新增将清空界面上的数据且不可恢复，是否继续？'))
          e.preventDefault();
      });
    }
    var all = document.getElementById('rg-check-all');
    if (all) all.addEventListener('change', function () {
      Array.prototype.forEach.call(document.querySelectorAll('#rg-list input[name="ids"]'), function (b) {
        b.checked = all.checked;
      });
    });
    var list = document.getElementById('rg-list');
    if (list) list.addEventListener('submit', function (e) {
      if (list.querySelector('input[name="ids"]:checked'))
        confirmDelete(list, list.getAttribute('data-rg-confirm'), e);
    });
  });
})();
