/*
 * cases.h - cases (案件): counter intake, the workflow, corrections (補正), extensions (展期),
 * reassignment and delegation (代理), the deadline clock over the government calendar, overdue
 * notices, and what the public progress lookup may show (DOMAIN.md).
 *
 * Every change is one transaction with its timeline event (and its audit row where personal
 * data is involved). Functions that refuse a request return ST_INVALID or ST_FORBIDDEN with
 * *reason set to a translation key (and *field to the form field when there is one).
 */
#ifndef BIANMIN_DOMAIN_CASES_H
#define BIANMIN_DOMAIN_CASES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "domain/calendar.h"
#include "domain/case_number.h"

struct store; /* a connection: web only passes it on (ARCHITECTURE.md, Layers) */

enum {
  CASE_TOKEN_SIZE = 44,      /* the QR link token: base64url of 32 random bytes + NUL */
  CASE_CORRECTION_DAYS = 15, /* 土地登記規則 §56: 15 days from receiving the notice */
  CASE_CORRECTION_ITEMS_MAX = 20,
  CASE_NOTE_MAX_CHARS = 1000,
  CASE_EXTENSION_MAX_MINUTES = 43200,
  CASE_PICKUP_REMINDER_DAYS = 14,   /* a completed case not picked up: remind once after this */
  CASE_DATE_AHEAD_DAYS = 366,       /* a new expected date, an appointment, a delegation: at most
                                       this many days from today */
  CASE_REMOTE_INSTANT_MINUTES = 480 /* a 即時 service that arrives online: one working day */
};

/* The time limit (working minutes) a case of a service gets on channel ("counter", "online",
 * "post", "api"): the service's own, except that a 即時 service (0) arriving other than at the
 * counter gets its limit for remote 即時 work (remote_instant_minutes; 0 or less:
 * CASE_REMOTE_INSTANT_MINUTES, one working day). DOMAIN.md, "Time limits and deadlines". */
int64_t case_time_limit_for(int64_t service_minutes, int64_t remote_instant_minutes,
                            const char *channel);

/* Loads the government calendar (every dgpa-*.csv in dir) for all deadline arithmetic. Call
 * once at start, before threads. */
int cases_calendar_load_dir(const char *dir, char *err, size_t err_size);
const struct calendar *cases_calendar(void);

struct case_actor {
  int64_t user_id;
  int64_t office_id;
  int64_t unit_id;
  unsigned roles;
  const char *username;
  const char *ip;
};

/* A case's row as the domain reads it (its rules and the staff pages): every column but the
 * applicant's sealed data and its hashes.
 * 0 stands for a NULL id or time (unit_id, handler_id, due_at, paused_since, picked_up_at,
 * closed_at); texts are "" when empty. */
struct case_record {
  int64_t id, office_id, service_id, unit_id, roc_year, serial, handler_id, received_at;
  int64_t time_limit_minutes, extension_minutes, due_at, paused_since, correction_count;
  int64_t second_correction_approved; /* 2 asked, 3 refused, 4 issued (store.h) */
  int64_t fee_amount;                 /* what the case owes in NT$ (every copy): as case_read.h's */
  int64_t picked_up_at, closed_at, updated_at, workflow_version;
  const char *word_code, *case_key, *check_code, *workflow, *status, *channel, *counter;
  const char *due_state, *correction_items, *correction_deadline, *overdue_reason;
  const char *overdue_new_date, *documents, *applicant_name_masked, *notify, *lang;
  const char *answers, *description;
};

struct case_env {
  struct store *store;
  time_t now;
};

struct intake_input {
  int64_t service_id;
  const char *applicant_name;
  const char *applicant_id;    /* national ID or business number; may be "" */
  const char *applicant_phone; /* may be "" */
  const char *applicant_email; /* may be "" */
  const char *notify;          /* "sms", "email", "both", "none" */
  const char *channel;         /* "counter", "online", "mail" */
  const char *lang;            /* the applicant's language for notices */
  json_t *documents;           /* array of strings: the documents received */
  int64_t handler_id;          /* 0 = round robin among the unit's present handlers */
  int64_t ticket_id; /* 0, or the queue ticket of the visit (domain/queue.h): linked to the case */
  /* NULL, or array of strings: required documents checked electronically instead of on paper
   * (domain/case_documents.h) */
  json_t *documents_online;
};

struct intake_result {
  int64_t case_id;
  char case_key[CASE_KEY_SIZE];
  char token[CASE_TOKEN_SIZE]; /* for the receipt's QR link; only known at intake */
  char check_code[CASE_CHECK_CODE_LEN + 1];
};

/* The token of a case's link /p/<token> (its QR code): a keyed hash (KEYS_TOKEN) of its office,
 * number and check code, so a reprinted receipt carries the same link as the first. ST_INVALID
 * when no key is loaded (then intake draws a random token, shown on the first receipt only). */
int case_link_token(int64_t office_id, const char *case_key, const char *check_code,
                    char out[CASE_TOKEN_SIZE]);

/* The notice channel for a choice: "auto" becomes what a clerk expects, "sms" when a phone
 * is given, else "email" when an address is, else "none"; any other choice is kept as given. */
const char *cases_notify_choice(const char *choice, const char *phone, const char *email);
/* The handlers intake accepts for a service of unit_id (0: none), round-robin order first:
 * the unit's present handlers, or when it has none, every present handler of the office. The
 * intake form offers exactly these; a choice outside them is refused (case_err_handler_unit).
 * *out is a JSON array of {id, display_name, unit_id, counter, last_assigned_at}. */
int cases_handler_candidates(struct store *store, int64_t office_id, int64_t unit_id, json_t **out);

int cases_intake(const struct case_env *env, const struct case_actor *actor,
                 const struct intake_input *in, struct intake_result *out, const char **reason,
                 const char **field);

int cases_transition(const struct case_env *env, const struct case_actor *actor, int64_t id,
                     const char *to, const char *note, bool public_note, const char **reason);
/* One notice listing every item (items: array of strings). A second correction of the same
 * case needs a supervisor's approval first. */
int cases_correction(const struct case_env *env, const struct case_actor *actor, int64_t id,
                     json_t *items, const char *note, const char **reason);
int cases_correction_done(const struct case_env *env, const struct case_actor *actor, int64_t id,
                          const char *note, const char **reason);
int cases_approve_correction(const struct case_env *env, const struct case_actor *actor, int64_t id,
                             const char **reason);

/* Corrections that need a supervisor's approval (case_corrections.c). The office setting
 * CASES_CORRECTION_APPROVAL ("1") makes every correction need one, the first too; a second or
 * later one always does. A handler asks with the items and a reason (the case waits in the work
 * list filter "awaiting" of its unit's supervisors, or the office supervisors' when it has no
 * unit); a supervisor approves (the correction is issued with the asked items) or refuses (a
 * reason needed); the decision stays in the handler's "decided" filter until noted. */
#define CASES_CORRECTION_APPROVAL "cases.correction_approval"
int cases_correction_approval_get(struct store *store, int64_t office_id, bool *on);
/* Sets the office's (who->office_id) setting, audited. */
struct audit_actor;
int cases_correction_approval_set(struct store *store, const struct audit_actor *who, bool on);
int cases_correction_ask(const struct case_env *env, const struct case_actor *actor, int64_t id,
                         json_t *items, const char *note, const char **reason);
int cases_correction_decide(const struct case_env *env, const struct case_actor *actor, int64_t id,
                            bool approved, const char *note, const char **reason);
int cases_correction_noted(const struct case_env *env, const struct case_actor *actor, int64_t id,
                           const char **reason);
/* The office's second (and later) corrections issued in [from, to), counted per Taipei month:
 * one entry per month from from's to (to - 1)'s, zeros included; ST_LIMIT past max months. */
struct case_month_count {
  int year, month;
  int64_t count;
};
int cases_second_corrections_by_month(struct store *store, int64_t office_id, time_t from,
                                      time_t to, struct case_month_count *out, size_t max,
                                      size_t *count);
/* Rejection (駁回) with written reasons; a case waiting for a correction only after the
 * correction deadline has passed. Supervisors only (the workflow says so). */
int cases_reject(const struct case_env *env, const struct case_actor *actor, int64_t id,
                 const char *reasons, const char **reason);
/* Whether the actor's roles let them manage a case's dates: extend it, give the overdue notice,
 * set an appointment (handlers and supervisors; clerks take cases in but do not). The case
 * itself must still be theirs to act on (case_staff_read's may_act). Pages offer
 * those forms only when this is true; the actions refuse otherwise. */
bool cases_may_manage_dates(const struct case_actor *actor);
int cases_extend(const struct case_env *env, const struct case_actor *actor, int64_t id,
                 int64_t minutes, const char *note, const char **reason);
int cases_reassign(const struct case_env *env, const struct case_actor *actor, int64_t id,
                   int64_t handler_id, const char *note, const char **reason);
/* The overdue notice (seed 003): why it is late and the new expected date (YYYY-MM-DD). */
int cases_overdue_notice(const struct case_env *env, const struct case_actor *actor, int64_t id,
                         const char *why, const char *new_date, const char **reason);
/* A survey or appointment (e.g. 鑑界 at the parcel: date "YYYY-MM-DD", time "HH:MM", place);
 * setting it again postpones it. The applicant is told either way (appointment_set or
 * appointment_postponed). Handlers and supervisors. */
int cases_appointment(const struct case_env *env, const struct case_actor *actor, int64_t id,
                      const char *date, const char *time_of_day, const char *place,
                      const char **reason);
/* The same with who meets the applicant (the surveyor or officer, "" for none) and a map link
 * of the meeting point ("" or an https:// URL of at most 300 bytes), kept in the event's data
 * as "officer" and "map_url" (issue 15: a workflow step that sets an appointment). */
struct case_appointment {
  const char *date, *time_of_day, *place, *officer, *map_url;
};
int cases_appointment_set(const struct case_env *env, const struct case_actor *actor, int64_t id,
                          const struct case_appointment *a, const char **reason);
int cases_pickup(const struct case_env *env, const struct case_actor *actor, int64_t id,
                 const char **reason);
/* Lifts the case's check-code lock (domain/case_read.h) before the day ends: whoever may act
 * on the case; a staff-only timeline entry and an audit row. ST_INVALID with *reason when the
 * case has no wrong check codes counted. */
int cases_check_unlock(const struct case_env *env, const struct case_actor *actor, int64_t id,
                       const char **reason);

/* Delegation (代理): while user_id is away (starts_on..ends_on, "YYYY-MM-DD"), delegate_id sees
 * and acts on their cases; the timeline names both. Supervisors only; both must be handlers
 * of the actor's office. */
int cases_delegate(const struct case_env *env, const struct case_actor *actor, int64_t user_id,
                   int64_t delegate_id, const char *starts_on, const char *ends_on, const char *why,
                   const char **reason, const char **field);

/* Re-evaluates the due state of every open case; adds a "due_soon" or "overdue" timeline event
 * (once each) when a case enters that state; reminds once about a completed case not picked up
 * within CASE_PICKUP_REMINDER_DAYS. *changed counts the cases concerned. */
int cases_scan(const struct case_env *env, int64_t *changed);
/* Takes down (unpublishes) every case's public notice on the news whose period ended before
 * today (domain/case_notice.c); *ended counts them. */
int cases_public_notices_end_due(const struct case_env *env, int64_t *ended);

/* "YYYY-MM-DD" of t in Asia/Taipei: civil_taipei_iso (base/civil.h), which new code calls. */
void cases_local_date(time_t t, char out[11]);

/* ---- Online submissions (cases_online.c) ------------------------------------------------
 * A case that arrives without a clerk: the online journey (channel "online") or an API
 * (channel "api": Open311, the JSON API). Taken in exactly like a counter case (numbering,
 * deadline, unit and handler, timeline, the "received" notice to the contact given) by a
 * non-staff actor named "online application (masked contact)" or "api (...)". The service
 * must be published and online_capable; answers are checked again with form_answers against
 * its form and stored normalised, with the description. applicant_name "" is kept as "-".
 * Refusals: ST_INVALID with *reason a translation key (case_err_*, form_err_*). */
struct online_submission {
  int64_t office_id;
  int64_t service_id;
  const char *applicant_name; /* may be "" for Open311 (first_name + last_name) */
  const char *email;
  const char *phone;       /* verified contact (apply) or as given (Open311) */
  const char *lang;        /* "zh-TW" or "en" */
  const char *channel;     /* "online" (journey) or "api" (Open311 / JSON API) */
  json_t *answers;         /* normalised by form_answers */
  const char *description; /* free text, may be "" */
  /* NULL, or names checked online instead of on paper (domain/case_documents.h) */
  json_t *documents_online;
};
int cases_submit_online(const struct case_env *env, const struct online_submission *in,
                        struct intake_result *out, const char **reason);
/* The same inside the caller's open transaction (the journey also attaches its uploads). */
int case_submit_online_in_tx(const struct case_env *env, const struct online_submission *in,
                             struct intake_result *out, const char **reason);
/* Whether the applicant may still withdraw case c: an online or API case that has not left
 * "received" (review has not started). */
bool cases_withdrawable(const struct case_record *c);
/* The applicant withdraws the case behind a QR token: status "withdrawn" (final), a public
 * timeline entry, an audit row. ST_NOTFOUND for an unknown token; ST_INVALID with
 * *reason "apply_err_not_withdrawable" once review has started. */
int cases_withdraw_by_token(const struct case_env *env, const char *token, const char **reason);

#endif
