/*
 * petition.h - petitions (陳情) and the director's mailbox (首長信箱), issue 19.
 *
 * A petition is filed online (the contact proven by a one-time code to an e-mail address or a
 * mobile phone, as online applications do), or recorded by staff from the counter, a phone
 * call or a letter. Once taken in it gets a number of its own word per office and ROC year
 * ("115-PT-000012", printed "115年 陳字 第000012號"), a six-digit check code and the date the
 * answer is due: the category's answer period in working days on the government calendar the
 * cases use. It is routed to the category's unit; staff may route it to another unit with a
 * note, or transfer it to the competent agency, which tells the petitioner (行政程序法 §172).
 * A handler may flag it under §173 (anonymous, unclear, the same matter again after a clear
 * answer); once a supervisor confirms the flag no answer is due. A petition asked to be kept
 * confidential (§170) shows its petitioner's name and contact to supervisors only, masked
 * everywhere else. The same contact filing a similar subject again is found and linked.
 * Answers are drafted (from the category's canned answer), approved by a supervisor when the
 * office requires it (setting "petition_approval" = "1"), and sent in the petitioner's language
 * ("petition_answered", notify_subject_event), with a link to rate the answer once (1-5).
 *
 * Every change is one transaction with its timeline entry; reads are one call per page.
 */
#ifndef BIANMIN_DOMAIN_PETITION_H
#define BIANMIN_DOMAIN_PETITION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "domain/refusal.h"

struct store;
struct calendar;
struct audit_actor;

enum {
  PETITION_SUBJECT_MAX = 200,       /* characters (code points) */
  PETITION_BODY_MAX = 8000,         /* bytes */
  PETITION_NOTE_MAX = 2000,         /* bytes of a note, an agency's name, an answer is BODY_MAX */
  PETITION_TOKEN_SIZE = 65,         /* the petitioner's link token: 64 hex digits + NUL */
  PETITION_CODE_SECONDS = 600,      /* a one-time code expires after 10 minutes */
  PETITION_CODE_TRIES = 5,          /* wrong codes before the filing must start again */
  PETITION_CODES_MAX = 5,           /* codes sent for one filing (the first and resends) */
  PETITION_RESEND_SECONDS = 60,     /* between two codes */
  PETITION_STARTS_PER_HOUR = 5,     /* online filings (codes sent) per contact and office an hour */
  PETITION_UNVERIFIED_KEEP = 86400, /* seconds an unverified online filing is kept */
  PETITION_DAY_MINUTES = 480,       /* one working day of the default office hours */
  PETITION_REMIND_DAYS = 1,         /* reminders one working day before the answer is due */
  PETITION_STATS_MIN_CELL = 5,      /* statistics cells under this are suppressed */
  PETITION_DEFAULT_DAYS = 6         /* answer period of a petition without a category */
};

#define PETITION_WORD_CODE "PT" /* the word of petition numbers: "115-PT-000012" */
#define PETITION_WORD_ZH   "陳"

/* ---- pure rules (tests/unit/petition_deadline_test.c) ------------------------------------ */

/* The answer's due instant: answer_days working days (PETITION_DAY_MINUTES each) of the
 * calendar from received (cal may be NULL: weekdays only). ST_INVALID for days outside
 * 1..3650. */
int petition_due(const struct calendar *cal, time_t received, int answer_days, time_t *due);
/* Whether the reminder is due at now: within PETITION_REMIND_DAYS working days of due (or
 * past it). */
bool petition_remind_now(const struct calendar *cal, time_t now, time_t due);
/* Whether two subjects say the same matter: the share of shared character pairs (bigrams of
 * the text without spaces and punctuation, ASCII letters folded) is at least one half. */
bool petition_similar(const char *a, const char *b);
/* A statistics cell as published: n, or -1 (suppressed) when 0 < n < PETITION_STATS_MIN_CELL. */
int64_t petition_cell(int64_t n);
/* Whether text reads as a petition number ("115-PT-000012", "115年 陳字 第12號", full-width
 * allowed): the progress lookup sends it to the petition's page. */
bool petition_number_like(const char *text);
/* "115-PT-000012" for year 115, serial 12 (size >= 24). */
int petition_key(int roc_year, int64_t serial, char *out, size_t size);

/* ---- filing --------------------------------------------------------------------------------- */

struct petition_input {
  const char *kind;         /* "petition" or "mailbox" (首長信箱) */
  const char *channel;      /* "online", "counter", "phone", "letter" */
  int64_t category_id;      /* one of the office's categories, 0 = none */
  const char *subject;      /* required */
  const char *body;         /* required */
  const char *name;         /* may be "" (anonymous) */
  const char *contact_kind; /* "email", "sms" or "" (none: no notices) */
  const char *contact;      /* the address or number */
  const char *lang;         /* the petitioner's language */
  bool confidential;        /* §170: personal data kept from the unit */
  /* a letter's scan (staff recording only; len 0: none): PDF, JPEG, PNG or ODF, at most
   * APPLY_FILE_MAX bytes (domain/apply.h apply_file_type) */
  const void *scan;
  size_t scan_len;
  const char *scan_name;
};

/* What the petitioner is shown once a petition is taken in (strings owned by the result). */
struct petition_filed {
  int64_t id;
  char key[24];
  char check_code[8];
  time_t due_at;
  char token[PETITION_TOKEN_SIZE]; /* the petitioner's own link (online filings) */
  int64_t unit_id;                 /* the unit it was routed to (0: none yet) */
};

/* The most fields a petition's input can have refused at once (domain/refusal.h). */
enum { PETITION_REFUSALS_MAX = 6 };
/* Every refused field of in (online: filed on the web, which needs a contact), in the form's
 * order, into out: their count, 0 when the input is good. petition_start_online and
 * petition_record refuse the first of them, so a form can show them all at once. */
size_t petition_input_refusals(const struct petition_input *in, bool online,
                               struct form_refusal out[PETITION_REFUSALS_MAX]);

/* Online: checks the input, keeps it unverified and sends a one-time code to the contact
 * (through apply's sender: the message is msg_text with "{code}" replaced). token receives the
 * link token of the next step. On ST_INVALID *reason is a translation key and *field the
 * form field; ST_LIMIT (with *reason) after PETITION_STARTS_PER_HOUR filings from one contact
 * within the hour, so the form cannot be used to flood someone's mailbox with codes. */
int petition_start_online(struct store *store, time_t now, int64_t office_id,
                          const struct petition_input *in, const char *msg_subject,
                          const char *msg_text, char token[PETITION_TOKEN_SIZE],
                          const char **reason, const char **field);
/* A new code for the unverified petition behind token (its tries are not reset): ST_LIMIT with
 * *reason within PETITION_RESEND_SECONDS of the last one or after PETITION_CODES_MAX codes;
 * ST_NOTFOUND for an unknown token, ST_INVALID (*reason) once verified. */
int petition_resend_code(struct store *store, time_t now, int64_t office_id, const char *token,
                         const char *msg_subject, const char *msg_text, const char **reason);
/* Checks the code of the unverified petition behind token and takes it in (number, check code,
 * due date, routing, the notice "petition_received", the same matter found). ST_INVALID with
 * *reason for a wrong or expired code; ST_NOTFOUND for an unknown token. */
int petition_verify(struct store *store, time_t now, int64_t office_id, const char *token,
                    const char *code, struct petition_filed *out, const char **reason);
/* Staff record a petition from the counter, a phone call or a letter: taken in at once. */
int petition_record(struct store *store, const struct audit_actor *actor, time_t now,
                    const struct petition_input *in, struct petition_filed *out,
                    const char **reason, const char **field);

/* ---- the petitioner's pages --------------------------------------------------------------- */

struct arena;
/* A petition as its petitioner sees it (typed read model, no personal data; strings live in
 * the arena the read was given). answer is "" until the answer is sent; rated says whether a
 * rating was given (rating is 0 otherwise); verified is false for an online filing whose
 * code was never typed. */
struct petition_public {
  const char *key, *check_code, *status, *kind, *subject;
  const char *category_zh, *category_en; /* "" without a category */
  int64_t received_at, due_at, answered_at;
  const char *answer, *transferred_to;
  int64_t rating;
  bool rated, verified;
};
/* The petition of the office behind a link token, in one read; ST_NOTFOUND when none. */
int petition_public_read_by_token(struct store *store, struct arena *arena, int64_t office_id,
                                  const char *token, struct petition_public *out);
/* The same by number and check code (the progress lookup); ST_NOTFOUND for any mismatch. */
int petition_public_read_by_number(struct store *store, struct arena *arena, int64_t office_id,
                                   const char *number, const char *check,
                                   struct petition_public *out);
/* Records the rating (1..5) of an answered petition once; ST_CONFLICT when rated already,
 * ST_INVALID for another value or a petition not answered. */
int petition_rate(struct store *store, time_t now, int64_t office_id, const char *token,
                  int64_t rating);

/* ---- staff ------------------------------------------------------------------------------ */

/* Who reads or acts on petitions (least privilege, issue 19). The rule is the one cases use
 * for unit supervisors (domain/cases.c case_may_act): an account with a unit works on its
 * unit's petitions only, whatever its roles (clerks, handlers, supervisors); an account without
 * a unit works for the whole office, as an office supervisor does for cases; these are the
 * office's petition coordinators and the director's-mailbox staff. Administrators see the
 * whole office. A petition outside the scope is ST_NOTFOUND to every call below (lists leave
 * it out), so a forbidden petition cannot be told from one that does not exist. */
struct petition_scope {
  int64_t unit_id; /* the account's unit, 0 = none (office-wide) */
  unsigned roles;  /* accounts.h ROLE_* */
};
/* Whether scope works for the whole office. */
bool petition_scope_office(const struct petition_scope *scope);
/* Whether scope covers a petition of unit_id (0: not routed yet, office-wide staff only). */
bool petition_scope_covers(const struct petition_scope *scope, int64_t unit_id);

/* The office's categories (array of rows, see store/petition.h). */
int petition_categories(struct store *store, int64_t office_id, json_t **out);
/* The same as a typed read model for the filing form (strings in arena). */
struct petition_category_row {
  int64_t id;
  const char *name_zh, *name_en;
};
struct petition_category_list {
  size_t count;
  struct petition_category_row *rows;
};
int petition_categories_read(struct store *store, struct arena *arena, int64_t office_id,
                             struct petition_category_list *out);
/* Staff lists and one petition as typed read models (strings and arrays in the arena given;
 * never NULL). A list ("open", "overdue", "flags", "approval", "all") holds the petitions in
 * scope as rows without personal data: */
struct petition_item {
  int64_t id, due_at, unit_id; /* unit_id 0: not routed yet */
  const char *key, *subject, *status, *flag, *answer_state, *kind;
  bool overdue, confidential; /* overdue: open and past its due instant */
};
struct petition_items {
  struct petition_item *rows;
  size_t count;
};
/* ST_INVALID for an unknown list; at most 200 rows. */
int petition_list_read(struct store *store, struct arena *arena, int64_t office_id,
                       const struct petition_scope *scope, const char *list, time_t now,
                       struct petition_items *out);
struct petition_event {
  int64_t id, at;
  const char *kind, *actor, *note;
};
struct petition_scan {
  int64_t id, size, created_at;
  const char *name, *mime;
};
/* The same contact's earlier petition; similar: the subjects say the same matter. */
struct petition_earlier {
  int64_t id;
  const char *key, *subject, *status;
  bool similar;
};
/* One petition for staff: its list row, the rest of its record, the petitioner (name and
 * contact opened, or masked when personal_hidden), the timeline, the scans and the same
 * contact's earlier petitions in scope. category_id, duplicate_of and answered_at are 0 when
 * none. */
struct petition_staff {
  struct petition_item item;
  const char *body, *channel, *transferred_to, *answer, *flag_by, *flag_confirmed_by;
  const char *answer_by, *approved_by, *check_code, *contact_kind, *lang;
  int64_t received_at, answered_at, category_id, duplicate_of, rating;
  const char *name, *contact;
  bool personal_hidden;
  struct petition_event *events;
  size_t event_count;
  struct petition_scan *files;
  size_t file_count;
  struct petition_earlier *earlier;
  size_t earlier_count;
};
/* One petition in scope, in one transaction with the audit row of the personal data opened
 * (unless it is confidential and the actor is not a supervisor: then masked). */
int petition_staff_read(struct store *store, struct arena *arena, const struct audit_actor *actor,
                        const struct petition_scope *scope, int64_t id, time_t now,
                        struct petition_staff *out);

/* A scan of an office's petition for staff, with its audit row (the scan may hold personal
 * data): name, mime, bytes (malloc'd: the caller frees them), len. */
struct petition_file {
  char name[256];
  char mime[96];
  void *bytes;
  size_t len;
};
int petition_file_get(struct store *store, const struct audit_actor *actor,
                      const struct petition_scope *scope, int64_t id, int64_t file_id,
                      struct petition_file *out);

/* A staff action on a petition. action: "route" (unit_id, note), "transfer" (agency, note),
 * "flag" (flag: anonymous|unclear|repeated, note), "confirm_flag" (supervisor), "draft"
 * (answer; "" takes the category's canned answer), "approve" (supervisor), "send". */
struct petition_action {
  const char *action;
  int64_t unit_id;
  const char *agency, *note, *flag, *answer;
};
/* Applies it with its timeline entry and audit row in one transaction. ST_FORBIDDEN for a
 * supervisor's action by someone else; ST_INVALID (*reason) for bad input or a state that does
 * not allow it; ST_NOTFOUND for another office's petition or one outside scope. Routing a
 * petition that has a unit to another one needs a note (the reason); its audit row names both
 * units and the reason. */
int petition_act(struct store *store, const struct audit_actor *actor,
                 const struct petition_scope *scope, time_t now, int64_t id,
                 const struct petition_action *a, const char **reason);

/* The admins' settings page in one read: whether answers need a supervisor's approval before
 * they are sent, and the office's categories (as petition_categories). */
int petition_settings_read(struct store *store, int64_t office_id, bool *approval,
                           json_t **categories);
/* Saves it with its audit row, in one transaction. */
int petition_approval_save(struct store *store, const struct audit_actor *actor, bool required);

/* Adds or (same code) changes a category of the actor's office, with its audit row. code: 1..32
 * of a-z, 0-9, "-" and "_"; name_zh required; unit_id one of the office's units (0: none);
 * answer_days 1..3650. ST_INVALID with *reason (a translation key) otherwise. */
struct petition_category_input {
  const char *code, *name_zh, *name_en, *canned_zh, *canned_en;
  int64_t unit_id, answer_days, sort;
};
int petition_category_save(struct store *store, const struct audit_actor *actor,
                           const struct petition_category_input *in, const char **reason);

/* ---- statistics and the scanner ----------------------------------------------------------- */

/* The office's public statistics (typed, in arena; no personal data): how many petitions were
 * taken in, by category (both names) and by Taipei month of taking in ("YYYY-MM", oldest
 * first), how many were answered, and the answer times in working days (mean, median) with
 * the share answered on time (percent), known only from PETITION_STATS_MIN_CELL answers on.
 * Every count under PETITION_STATS_MIN_CELL is -1 (suppressed), and so is the next smallest
 * count of the categories or the months when it could be worked out from the total
 * (domain/suppress.h). */
struct petition_stat_cell {
  const char *name_zh, *name_en; /* a category's names; a month's "YYYY-MM" in both */
  int64_t count;                 /* -1 when suppressed */
  bool suppressed;
  bool uncategorised; /* the petitions of no (or no longer a) category: names "", pages name it */
};
struct petition_stats {
  int64_t total; /* -1 when suppressed */
  bool total_suppressed;
  struct petition_stat_cell *by_category, *by_month;
  size_t category_count, month_count;
  int64_t answered; /* -1 when suppressed */
  bool times_known;
  double mean_days, median_days, on_time_percent;
};
int petition_stats_read(struct store *store, struct arena *arena, int64_t office_id,
                        struct petition_stats *out);
/* The small-cell rule (domain/suppress.h) at threshold on one line of cells and the total they
 * add up to (total -1: withheld): withheld cells become -1 and suppressed; *total_hidden is
 * read and written. petition_stats_suppress applies it to both lines, which share the total
 * (the categories again when the months withheld it): the statistics' own rule, and open
 * data's at an office's higher threshold. */
int petition_cells_suppress(struct arena *arena, struct petition_stat_cell *cells, size_t n,
                            int64_t total, int threshold, bool *total_hidden);
int petition_stats_suppress(struct arena *arena, struct petition_stats *s, int64_t total,
                            int threshold, bool *total_hidden);
/* The deadline scanner's part: marks open petitions whose answer is due within a working day
 * as reminded (timeline "reminder"), so the overdue and open lists show them, and deletes online
 * filings left unverified for PETITION_UNVERIFIED_KEEP seconds; *count is how many petitions it
 * reminded. Its own transaction. */
int petition_remind(struct store *store, time_t now, int64_t *count);

/* Demo data: two categories for every office, answered by its first unit (scripts/demo.sh),
 * in a transaction of its own. */
int petition_demo_categories(struct store *store);

#endif
