/*
 * case_view.h - turning a case record into what people read: its number as printed, the
 * service and unit names, the step in plain words, dates in the page's language, the timeline.
 * Shared by the staff console and the public progress pages.
 */
#ifndef BIANMIN_WEB_CASES_CASE_VIEW_H
#define BIANMIN_WEB_CASES_CASE_VIEW_H

#include <jansson.h>

#include "domain/directory.h"
#include "http/http.h"

/* The public case (domain/case_read.h) as its view: the stored public fields, the same display
 * fields as the staff view (below) and the timeline; the raw "events" (codes and ids, for API
 * clients) only when raw_events, else an empty list. NULL when out of memory. */
struct case_public;
json_t *case_public_view(struct http_request *req, const struct case_public *c, bool raw_events);
/* The same as a view map in the request's arena (render/view.h), for pages built as views;
 * NULL (and b failed) when out of memory. */
struct view_map *case_public_tview(struct http_request *req, struct view_builder *b,
                                   const struct case_public *c, bool raw_events);
/* The staff case (domain/case_staff_read.h) as its view: the stored fields, "applicant",
 * the raw "events", what the reader may do ("next_steps", "step_names", "step_appointment",
 * "may_act", "acting_for") and the display fields: number, service_name, service_fee,
 * unit_name, handler_name, status_label, received_text, due_text, due_state_label, closed_text,
 * overdue_new_date_text, fee_text, correction_deadline_text, correction_list, in_correction,
 * timeline [{at, what, note, actor, on_behalf_of, public, data, when}], is_overdue. NULL when
 * out of memory or the number cannot be written. */
struct case_staff;
json_t *case_staff_view(struct http_request *req, const struct case_staff *s);
/* A status's name: the workflow's name for the step (name_zh/name_en, from whatever record
 * carries them; an office's own steps have no translation key) when it has one, else the
 * translation of "status_" + code. */
const char *case_status_name(struct http_request *req, const char *name_zh, const char *name_en,
                             const char *code);
/* The same from the workflow version a typed case runs (wf may be NULL). */
struct workflow;
const char *case_wf_step_label(struct http_request *req, const struct workflow *wf,
                               const char *code);
/* The note of a timeline event as people read it: a fee's or payment's amount (and the order
 * number of a payment made) from its data, in words ("NT$1,200 · BM...": the domain records
 * the amount, web formats it); any other event's note as stored. Events recorded before the
 * domain stopped formatting kept this text as their note, and read the same. In the request's
 * arena. */
const char *case_event_note(struct http_request *req, const char *kind, const char *note,
                            const char *data);
/* The case id of the {id} capture, or 0. */
int64_t case_view_id(struct http_request *req);

#endif
