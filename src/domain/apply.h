/*
 * apply.h - the online application journey's rules (線上申辦): who may apply (services that are
 * online-capable and have a form), identity by a one-time code to an e-mail address or mobile
 * phone (the "otp" identity provider; a seam for the citizen certificate, 自然人憑證), drafts
 * kept server-side and resumable by a link, uploaded documents (caps, real type by libmagic,
 * content-addressed storage) and the submission into a case (cases_submit_online).
 *
 * Refusals return ST_INVALID (or ST_FORBIDDEN, ST_LIMIT) with *reason a translation key.
 */
#ifndef BIANMIN_DOMAIN_APPLY_H
#define BIANMIN_DOMAIN_APPLY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/cases.h"

enum {
  APPLY_TOKEN_SIZE = 44,              /* session and resume tokens: base64url of 32 bytes + NUL */
  APPLY_CODE_DIGITS = 6,              /* the one-time code */
  APPLY_CODE_SECONDS = 10 * 60,       /* a code expires after 10 minutes */
  APPLY_CODE_TRIES = 5,               /* wrong codes before a new one is needed */
  APPLY_CODES_MAX = 5,                /* codes sent per draft until verified */
  APPLY_RESEND_SECONDS = 60,          /* between two codes */
  APPLY_STARTS_PER_HOUR = 5,          /* drafts started per contact per hour */
  APPLY_DRAFT_DAYS = 30,              /* a draft expires 30 days after its last save */
  APPLY_RESUME_DAYS = 30,             /* a resume link expires after 30 days */
  APPLY_SESSION_SECONDS = 4 * 3600,   /* the applicant session cookie */
  APPLY_FILE_MAX = 10 * 1024 * 1024,  /* per file */
  APPLY_TOTAL_MAX = 30 * 1024 * 1024, /* per application */
  APPLY_FILES_MAX = 20,               /* files per application */
  APPLY_NAME_MAX_CHARS = 60,
  APPLY_FILE_NAME_MAX_CHARS = 120
};

/* ---- how codes and links reach the applicant --------------------------------------------
 * Sent at once, not through the outbox: the outbox is per case (there is no case yet), and a
 * code is worth nothing after 10 minutes, so retrying for hours would not help; the applicant
 * asks for a new code instead. main.c wires this to the workers' SMTP and SMS senders.
 * channel is "email" or "sms"; returns ST_OK when the provider accepted the message. */
typedef int (*apply_send_fn)(void *ctx, const char *channel, const char *to, const char *subject,
                             const char *text);
void apply_sender_set(apply_send_fn fn, void *ctx);
/* Sends one message at once through that sender (petitions' one-time codes, domain/petition.c):
 * ST_IO when none is wired or the provider refused. */
int apply_send(const char *channel, const char *to, const char *subject, const char *text);
/* Whether contact is a plausible address of kind "email" or mobile number of kind "sms", as
 * apply_start checks it. */
bool apply_contact_valid(const char *kind, const char *contact);

/* A message to send in the applicant's language: subject and text for e-mail, sms_text for a
 * text message (text when NULL); "{code}" or "{link}" in them is replaced. */
struct apply_message {
  const char *subject;
  const char *text;
  const char *sms_text;
};

/* ---- identity providers -----------------------------------------------------------------
 * "otp": a one-time code to an e-mail address or a mobile phone (implemented here).
 * "moica": the citizen digital certificate (自然人憑證, MOICA) through the national
 * authentication service: NOT reachable from this installation. It is listed unavailable; to
 * add it, implement its begin/verify against the government gateway, mark it available and
 * map the verified identity to the draft as apply_verify does (contact_kind "moica"). */
struct apply_identity {
  const char *code;
  bool available;
};
const struct apply_identity *apply_identities(size_t *count);

/* Whether a service can be applied for online: published, online_capable, and a form with at
 * least one question to answer (services without a form are applied for at the counter). */
bool apply_service_online(json_t *service);

/* Starts a draft for a service of the office: checks the contact (kind "email" or "sms"),
 * limits drafts per contact per hour, sends a code and gives the (not yet verified) session
 * token. Also purges expired drafts. */
int apply_start(const struct case_env *env, int64_t office_id, int64_t service_id, const char *kind,
                const char *contact, const char *lang, const struct apply_message *msg,
                char session[APPLY_TOKEN_SIZE], const char **reason);
/* The draft behind a session token, typed for pages (strings in arena): where it belongs,
 * whether its code was typed and it was submitted (case_id), the masked contact, the
 * applicant's name opened and the answers saved ({code: answer}: the form's values are JSON
 * by nature). row is its stored row, which the domain's calls below act on (apply_resend ...
 * apply_case_token take it); pages read the typed fields. Both JSON values are released with
 * the arena. ST_NOTFOUND when none (or expired). */
struct arena;
struct apply_draft {
  int64_t id, office_id, service_id, case_id; /* case_id 0: not submitted */
  bool verified;
  const char *contact_kind, *contact_masked, *applicant_name;
  const json_t *answers;
  json_t *row;
};
int apply_draft_read(const struct case_env *env, struct arena *arena, const char *session,
                     struct apply_draft *out);
/* The row alone (a new reference: "answers" parsed, "applicant_name" opened). */
int apply_draft_row(const struct case_env *env, const char *session, json_t **draft);
/* A new code for an unverified draft (at most APPLY_CODES_MAX, one per APPLY_RESEND_SECONDS). */
int apply_resend(const struct case_env *env, json_t *draft, const struct apply_message *msg,
                 const char **reason);
/* Checks a code as typed (full-width digits and spaces between them are taken, as the receipt's
 * check code is): on success the draft is verified and gets a new session token. */
int apply_verify(const struct case_env *env, json_t *draft, const char *code,
                 char session[APPLY_TOKEN_SIZE], const char **reason);
/* Saves the applicant's name and answers (an object, answers already checked by form_answer)
 * and extends the draft's life. */
int apply_save(const struct case_env *env, json_t *draft, const char *name, json_t *answers);
/* Sends a resume link (link_prefix + a new token) to the draft's contact. */
int apply_send_resume(const struct case_env *env, json_t *draft, const char *link_prefix,
                      const struct apply_message *msg, const char **reason);
/* Opens a resume link: a new session (not verified) and a code sent to the draft's contact.
 * *office_id and *service_id say where the draft belongs. ST_NOTFOUND when the link is
 * unknown, spent or expired. */
int apply_resume(const struct case_env *env, const char *resume_token,
                 const struct apply_message *msg, char session[APPLY_TOKEN_SIZE],
                 int64_t *office_id, int64_t *service_id, const char **reason);

/* One uploaded file as received. */
struct apply_file {
  const char *name;     /* the file name as reduced by the HTTP layer */
  const char *raw_name; /* as sent (path tricks are refused) */
  const void *data;
  size_t len;
};
/* Checks every file (count, sizes, names, real type: PDF, JPEG, PNG or ODF) and stores them
 * all, or none: on refusal *bad names the file. */
int apply_upload(const struct case_env *env, json_t *draft, const struct apply_file *files,
                 size_t count, const char **reason, const char **bad);
/* The MIME type of an allowed document (libmagic, ODF also by its zip "mimetype" entry), or
 * NULL. */
const char *apply_file_type(const void *data, size_t len);
/* A file name for display: one line, no path, no controls, at most
 * APPLY_FILE_NAME_MAX_CHARS; "" when nothing is left. Written to out. */
void apply_display_name(const char *name, char *out, size_t size);

/* Submits a verified draft as a case (channel "online"): its uploads move to the case.
 * documents_online (NULL or an array of the service's document names, from the check page's
 * form) are those the applicant lets the office check electronically instead of on paper
 * (case_documents.h). */
int apply_submit(const struct case_env *env, json_t *draft, json_t *questions,
                 json_t *documents_online, struct intake_result *out, const char **reason);
/* The QR token of the draft's case (for the confirmation page), malloc'd; NULL if none. */
char *apply_case_token(json_t *draft);

#endif
