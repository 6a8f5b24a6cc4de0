// show-password.js - progressive enhancement for password fields (ASVS 2.1.12): after each
// <input type="password" data-show-password="LABEL"> this adds a button LABEL that shows or
// hides what was typed, its state in aria-pressed (the label stays: a toggle button). Without
// this script there is no button and the field works as a plain password field. The field is
// hidden again before the form is sent, so the browser never offers to keep it as plain text.
(function () {
  'use strict';
  var inputs = document.querySelectorAll('input[type="password"][data-show-password]');
  Array.prototype.forEach.call(inputs, function (input) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'bm-show-password';
    button.textContent = input.getAttribute('data-show-password');
    button.setAttribute('aria-controls', input.id);
    button.setAttribute('aria-pressed', 'false');
    function set(shown) {
      input.type = shown ? 'text' : 'password';
      button.setAttribute('aria-pressed', shown ? 'true' : 'false');
    }
    button.addEventListener('click', function () {
      set(input.type === 'password');
    });
    if (input.form) {
      input.form.addEventListener('submit', function () {
        set(false);
      });
    }
    input.insertAdjacentElement('afterend', button);
  });
})();
