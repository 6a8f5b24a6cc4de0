/*
 * refusal.h - a refused field of a form's input: the form field and the translation key of the
 * message that says why. Domain checks that report every refused field at once (petitions,
 * bookings) fill arrays of them; web/app.h web_form_errors_tview shows them on the page.
 */
#ifndef BIANMIN_DOMAIN_REFUSAL_H
#define BIANMIN_DOMAIN_REFUSAL_H

struct form_refusal {
  const char *field, *reason;
};

#endif
