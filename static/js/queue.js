// queue.js - progressive enhancement for counter queues (issue 18). Every page works without it.
// - Boards ([data-events]): follow the office's calls by Server-Sent Events (EventSource
//   reconnects by itself and sends Last-Event-ID), show each call at the top and speak it in
//   zh-TW (and in English on a board opened in English) with speechSynthesis.
// - Kiosk pages (body.bm-kiosk): after IDLE_SECONDS without a touch, clear every form and go
//   back to the kiosk's start page, so the next person sees nothing of the last one's.
// - [data-print]: prints the ticket (the print style sheet keeps only the 80 mm ticket).
(function () {
  'use strict';
  var IDLE_SECONDS = 60;
  var BOARD_ROWS = 8;

  function speak(board, code, counter) {
    if (!('speechSynthesis' in window)) return;
    var spaced = code.split('').join(' ');
    var zh = new SpeechSynthesisUtterance('來賓 ' + spaced + ' 號，請至 ' + counter + ' 號櫃檯');
    zh.lang = 'zh-TW';
    window.speechSynthesis.speak(zh);
    if (board.getAttribute('data-lang') === 'en') {
      var en = new SpeechSynthesisUtterance(board.getAttribute('data-say-number') + ' ' + spaced +
        ', ' + board.getAttribute('data-say-counter') + ' ' + counter);
      en.lang = 'en';
      window.speechSynthesis.speak(en);
    }
  }

  function showCall(board, call) {
    var body = board.querySelector('[data-calls]');
    if (!body || body.querySelector('[data-call="' + call.id + '"]')) return;
    var none = board.querySelector('[data-no-calls]');
    if (none) none.hidden = true;
    var old = body.querySelectorAll('.bm-board__latest');
    for (var i = 0; i < old.length; i++) old[i].classList.remove('bm-board__latest');
    // a ticket called again (a recall, a transfer) moves to the top: listed once
    var same = body.querySelectorAll('[data-ticket="' + call.ticket + '"]');
    for (var k = 0; k < same.length; k++) body.removeChild(same[k]);
    var row = document.createElement('tr');
    row.className = 'govuk-table__row bm-board__latest';
    row.setAttribute('data-call', String(call.id));
    row.setAttribute('data-ticket', String(call.ticket));
    var code = document.createElement('td');
    code.className = 'govuk-table__cell bm-board__code';
    code.textContent = call.code;
    var counter = document.createElement('td');
    counter.className = 'govuk-table__cell bm-board__counter';
    counter.textContent = call.counter;
    row.appendChild(code);
    row.appendChild(counter);
    body.insertBefore(row, body.firstChild);
    while (body.children.length > BOARD_ROWS) body.removeChild(body.lastChild);
    speak(board, call.code, call.counter);
  }

  function followBoard(board) {
    if (!('EventSource' in window)) return;
    var url = board.getAttribute('data-events') + '?after=' +
      encodeURIComponent(board.getAttribute('data-last-event') || '0');
    var source = new EventSource(url);
    function onCall(e) {
      try { showCall(board, JSON.parse(e.data)); } catch (err) { /* a malformed event */ }
    }
    source.addEventListener('call', onCall);
    source.addEventListener('recall', onCall);
  }

  function kioskIdle() {
    var home = document.querySelector('[data-kiosk-home]');
    var target = home ? home.getAttribute('href') : null;
    if (!target && /\/queue\/kiosk$/.test(location.pathname)) target = location.pathname;
    if (!target) target = sessionStorage.getItem('bmKioskHome');
    if (/\/queue\/kiosk$/.test(location.pathname)) sessionStorage.setItem('bmKioskHome', location.pathname);
    // Kiosk mode of the whole public site: the page that turned it on is the start page.
    if (/[?&]kiosk=1(&|$)/.test(location.search) && !/\/q\//.test(location.pathname)) {
      sessionStorage.setItem('bmKioskHome', location.pathname + location.search);
      if (!home) target = location.pathname + location.search;
    }
    if (!target) return;
    var timer;
    function reset() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var forms = document.forms;
        for (var i = 0; i < forms.length; i++) forms[i].reset();
        if (location.pathname + location.search !== target) location.href = target;
      }, IDLE_SECONDS * 1000);
    }
    ['pointerdown', 'keydown', 'touchstart', 'scroll'].forEach(function (ev) {
      document.addEventListener(ev, reset, {passive: true});
    });
    reset();
  }

  // The ticket page: its status, people ahead and range, fetched as JSON every 20 s.
  function followTicket(ticket) {
    var status = ticket.querySelector('.bm-ticket__status');
    function update() {
      fetch(ticket.getAttribute('data-live'), {headers: {Accept: 'application/json'}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (view) {
          var t = view && view.ticket;
          if (!t) return;
          var text = t.status_text + (t.called ? ' · ' + status.getAttribute('data-go') + ' ' + t.counter : '');
          if (status.textContent !== text) status.textContent = text;
          var ahead = ticket.querySelector('[data-ahead]');
          if (ahead) ahead.textContent = String(t.ahead);
          var wait = ticket.querySelector('[data-wait]');
          if (wait) wait.textContent = t.wait_low + '–' + t.wait_high;
          if (!t.waiting && !t.called) clearInterval(timer);
        })
        .catch(function () { /* offline for a moment: the next round tries again */ });
    }
    var timer = setInterval(update, 20000);
  }

  var live = document.querySelector('[data-live]');
  if (live) followTicket(live);
  var reload = document.querySelector('[data-reload]');
  if (reload) setTimeout(function () { location.reload(); }, Number(reload.getAttribute('data-reload')) * 1000);
  var boards = document.querySelectorAll('[data-events]');
  for (var i = 0; i < boards.length; i++) followBoard(boards[i]);
  if (document.body.classList.contains('bm-kiosk')) kioskIdle();
  var print = document.querySelector('[data-print]');
  if (print) print.addEventListener('click', function () { window.print(); });
})();
