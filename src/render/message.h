/*
 * message.h - the text of messages (SMS and e-mail notices) from their templates and values,
 * rendered where they are sent (workers/outbox.c) or previewed (web/staff): the domain records
 * a message's template key and values (domain/notify.h), never its text (ARCHITECTURE.md
 * "Notices and the outbox", "Layers").
 *
 * Templates are mustache with named variables only: variables are not HTML-escaped in the text
 * (SMS, the subject, the plain-text part); an e-mail's HTML part is built from the text through
 * layout.html. Sections and comments are allowed; partials, delimiter changes and inheritance
 * are not.
 */
#ifndef BIANMIN_RENDER_MESSAGE_H
#define BIANMIN_RENDER_MESSAGE_H

#if defined(BIANMIN_LAYER_DOMAIN)
#error                                                                                             \
    "domain/ formats and renders no text: it returns data, rendered in web/ or workers/ (docs/ARCHITECTURE.md, Layers)"
#endif

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Loads layout.html.mustache (the HTML part of e-mails) from path; without it e-mails are text
 * only. Call once at start, before threads. */
int message_layout_load(const char *path, char *err, size_t err_size);

/* Checks a template's syntax against the known variable names (names, count): balanced tags
 * and sections, no refused tag, known variables only, a subject for e-mail. On ST_INVALID
 * *reason is a translation key and detail names the variable or the place. The caller checks
 * sizes and which channel (domain/notify.h notify_template_check does both). */
int message_check(const char *channel, const char *subject, const char *body,
                  const char *const *names, size_t count, const char **reason, char *detail,
                  size_t detail_size);

/* The template variables of values in lang: strings as they are; "deadline", "new_date" and
 * "date" given as YYYY-MM-DD in the language's words ("115年3月17日", "17 Mar 2026"); arrays
 * of strings joined ("；" or "; "). A new object, NULL when out of memory. */
json_t *message_vars(json_t *values, const char *lang);

/* Renders a template with vars (an object of strings). *html (e-mail only, else NULL) is the
 * HTML part built from the text through layout.html. All outputs are malloc'd. ST_INVALID with
 * *reason and detail as for message_check (ST_LIMIT: "notice_err_too_long"). */
int message_render(const char *channel, const char *lang, const char *subject_template,
                   const char *body_template, json_t *vars, char **subject, char **text,
                   char **html, const char **reason, char *detail, size_t detail_size);

#endif
