// payment-autopost.js - posts the payment gateway's order form (templates/public/payment_go) as
// soon as the page is shown, as gateways that take a form post (ECPay's AioCheckOut) expect.
// Without script the citizen presses the form's own button.
(function () {
  'use strict';
  var form = document.getElementById('gateway-form');
  if (form && form.hasAttribute('data-autopost')) form.submit();
})();
