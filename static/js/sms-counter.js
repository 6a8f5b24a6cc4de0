// sms-counter.js - progressive enhancement for the SMS template editor: counts the template text
// as it is typed (placeholders count as typed; the preview counts the real message). Chinese
// text is sent as UCS-2: 70 characters in one message, 67 per part; plain ASCII 160 / 153.
(function () {
  'use strict';
  var area = document.getElementById('body');
  var out = document.getElementById('sms-live');
  if (!area || !out) return;
  function count() {
    var text = area.value;
    var ucs2 = /[^\x00-\x7f]/.test(text);
    var units = text.length; // UTF-16 code units, as UCS-2 counts them
    var single = ucs2 ? 70 : 160;
    var per = ucs2 ? 67 : 153;
    var parts = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / per);
    out.textContent = out.getAttribute('data-chars') + ' ' + units + ' · ' +
      out.getAttribute('data-parts') + ' ' + parts + (ucs2 ? ' · UCS-2' : '');
  }
  out.hidden = false;
  area.addEventListener('input', count);
  count();
})();
