// show-password.js - progressive enhancement for password fields (ASVS 2.1.12): each
// <button data-show-password="ID" hidden> next to a password input is shown and shows or
// hides what was typed, its state in aria-pressed. Without this script the button stays hidden
// and the field works as a plain password field. The field is hidden again before the form is
// sent, so the browser never offers to remember it as plain text.
(function () {
  'use strict';
  var buttons = document.querySelectorAll('button[data-show-password]');
  Array.prototype.forEach.call(buttons, function (button) {
    var input = document.getElementById(button.getAttribute('data-show-password'));
    if (!input) return;
    function set(shown) {
      input.type = shown ? 'text' : 'password';
      button.setAttribute('aria-pressed', shown ? 'true' : 'false');
    }
    button.hidden = false;
    button.addEventListener('click', function () {
      set(input.type === 'password');
    });
    if (input.form) {
      input.form.addEventListener('submit', function () {
        set(false);
      });
    }
  });
})();
