// Stoa: small progressive enhancements. Every page works without this file.
(function () {
  'use strict';

  // (a) Forms with data-confirm ask before they submit.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // (b) Read-only copy fields select their whole value on focus or click.
  function selectCopyField(event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.classList.contains('copy-field')) input.select();
  }
  document.addEventListener('focusin', selectCopyField);
  document.addEventListener('click', selectCopyField);

  // (c) An open <details class="menu"> closes on an outside click or Escape.
  function openMenus() {
    return Array.prototype.slice.call(document.querySelectorAll('details.menu[open]'));
  }
  document.addEventListener('click', function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return;
    openMenus().forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) {
        var summary = menu.querySelector('summary');
        if (summary) summary.focus();
      }
    });
  });
})();
