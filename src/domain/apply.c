/*
 * apply.c - the online application journey's rules (apply.h).
 */
#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/text.h"
#include "domain/accounts.h"
#include "domain/apply.h"
#include "domain/payment.h"
#include "domain/case_number.h"
#include "domain/catalog.h"
#include "domain/form.h"
#include "domain/personal.h"
#include "domain/read_model.h"
#include "store/store.h"

#include "base/common.h"

static apply_send_fn sender;
static void *sender_ctx;

void apply_sender_set(apply_send_fn fn, void *ctx)
{
  sender = fn;
  sender_ctx = ctx;
}

int apply_send(const char *channel, const char *to, const char *subject, const char *text)
{
  return sender && !sender(sender_ctx, channel, to, subject, text) ? ST_OK : ST_IO;
}

static const struct apply_identity identities[] = {{"otp", true}, {"moica", false}};

const struct apply_identity *apply_identities(size_t *count)
{
  *count = ARRAY_LEN(identities);
  return identities;
}

static int64_t num(json_t *o, const char *k)
{
  return json_integer_value(json_object_get(o, k));
}

static const char *txt(json_t *o, const char *k)
{
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

static bool truthy(json_t *v)
{
  return json_is_true(v) || json_integer_value(v) != 0;
}

bool apply_service_online(json_t *service)
{
  json_t *questions = json_object_get(service, "questions");
  size_t i;
  json_t *q;
  bool asks = false;
  json_array_foreach(questions, i, q) asks = asks || !json_is_false(json_object_get(q, "variable"));
  return service && truthy(json_object_get(service, "published")) &&
         truthy(json_object_get(service, "online_capable")) && asks;
}

static int refuse(const char **reason, const char *key)
{
  *reason = key;
  return ST_INVALID;
}

/* ---- messages -------------------------------------------------------------------------- */

/* text with the first "{name}" replaced by value, malloc'd. */
static char *fill(const char *text, const char *name, const char *value)
{
  const char *at = text ? strstr(text, name) : NULL;
  size_t n = text ? strlen(text) : 0, nl = strlen(name), vl = strlen(value);
  char *out = malloc(n + vl + 1);
  if (!out)
    return NULL;
  if (!at) {
    memcpy(out, text ? text : "", n + 1);
    return out;
  }
  size_t head = (size_t)(at - text);
  memcpy(out, text, head);
  memcpy(out + head, value, vl);
  memcpy(out + head + vl, at + nl, n - head - nl + 1);
  return out;
}

static int deliver(json_t *draft, const struct apply_message *msg, const char *name,
                   const char *value)
{
  char *to = NULL;
  if (!sender)
    return ST_IO;
  int rc = personal_open(txt(draft, "contact"), &to);
  bool sms = strcmp(txt(draft, "contact_kind"), "sms") == 0 && msg->sms_text;
  char *text = rc ? NULL : fill(sms ? msg->sms_text : msg->text, name, value);
  char *subject = rc ? NULL : fill(msg->subject, name, value);
  if (!rc && (!text || !subject))
    rc = ST_NOMEM;
  if (!rc)
    rc = sender(sender_ctx, txt(draft, "contact_kind"), to, subject, text) ? ST_IO : ST_OK;
  personal_free(to);
  free(text);
  free(subject);
  return rc;
}

/* ---- one-time codes -------------------------------------------------------------------- */

static int code_hash(int64_t draft_id, const char *code, char out[PERSONAL_HASH_HEX + 1])
{
  char text[64];
  snprintf(text, sizeof(text), "apply-code:%lld:%s", (long long)draft_id, code);
  return personal_lookup_hash(text, out);
}

/* Makes, stores and sends a new code for the draft (its own transaction). */
static int send_code(const struct case_env *env, json_t *draft, const struct apply_message *msg)
{
  char code[APPLY_CODE_DIGITS + 1], hash[PERSONAL_HASH_HEX + 1];
  snprintf(code, sizeof(code), "%06u", (unsigned)randombytes_uniform(1000000));
  int rc = code_hash(num(draft, "id"), code, hash);
  if (!rc)
    rc = store_draft_set_code(env->store, num(draft, "id"), hash,
                              (int64_t)env->now + APPLY_CODE_SECONDS, env->now);
  if (!rc)
    rc = deliver(draft, msg, "{code}", code);
  sodium_memzero(code, sizeof(code));
  return rc;
}

static bool phone_ok(const char *p)
{
  size_t digits = 0;
  for (; *p; p++) {
    if (*p >= '0' && *p <= '9')
      digits++;
    else if (!strchr(" -()+", *p))
      return false;
  }
  return digits >= 8 && digits <= 15;
}

static bool email_ok(const char *e)
{
  const char *at = strrchr(e, '@');
  return strlen(e) <= 254 && at && at != e && strchr(at, '.') && at[1] != '.' &&
         !strpbrk(e, " <>\"(),;:[]\\") && str_valid_text(str_from(e), false);
}

bool apply_contact_valid(const char *kind, const char *contact)
{
  if (!kind || !contact)
    return false;
  return !strcmp(kind, "email") ? email_ok(contact) : !strcmp(kind, "sms") && phone_ok(contact);
}

/* The normalised contact (e-mail lowercased; phone digits only) for its lookup hash, and the
 * masked form for pages. */
static int contact_forms(const char *kind, const char *contact, char *norm, size_t norm_size,
                         char *masked, size_t masked_size)
{
  size_t n = 0;
  bool mail = strcmp(kind, "email") == 0;
  for (const char *p = contact; *p && n + 1 < norm_size; p++) {
    if (mail)
      norm[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    else if (*p >= '0' && *p <= '9')
      norm[n++] = *p;
  }
  norm[n] = '\0';
  return mail ? personal_mask_email(contact, masked, masked_size)
              : personal_mask_phone(contact, masked, masked_size);
}

static int check_contact(const char *kind, const char *contact, const char **reason)
{
  if (!kind || (strcmp(kind, "email") && strcmp(kind, "sms")))
    return refuse(reason, "apply_err_contact_kind");
  if (!contact || !*contact)
    return refuse(reason, !strcmp(kind, "email") ? "apply_err_email" : "apply_err_phone");
  if (!strcmp(kind, "email") ? !email_ok(contact) : !phone_ok(contact))
    return refuse(reason, !strcmp(kind, "email") ? "apply_err_email" : "apply_err_phone");
  return ST_OK;
}

static int new_draft(const struct case_env *env, json_t *draft, const char *contact,
                     const char *session_hash, int64_t *id)
{
  char *sealed = NULL;
  int rc = personal_seal(contact, &sealed);
  if (!rc && (json_object_set_new(draft, "contact", json_string(sealed)) ||
              json_object_set_new(draft, "session_hash", json_string(session_hash))))
    rc = ST_NOMEM;
  free(sealed);
  if (!rc)
    rc = store_draft_insert(env->store, draft, id);
  if (!rc && json_object_set_new(draft, "id", json_integer(*id)))
    rc = ST_NOMEM;
  return rc;
}

int apply_start(const struct case_env *env, int64_t office_id, int64_t service_id, const char *kind,
                const char *contact, const char *lang, const struct apply_message *msg,
                char session[APPLY_TOKEN_SIZE], const char **reason)
{
  char norm[300], masked[300], hash[PERSONAL_HASH_HEX + 1], session_hash[65];
  int64_t recent = 0, id = 0;
  *reason = NULL;
  int rc = check_contact(kind, contact, reason);
  if (!rc && contact_forms(kind, contact, norm, sizeof(norm), masked, sizeof(masked)))
    rc = refuse(reason, !strcmp(kind, "email") ? "apply_err_email" : "apply_err_phone");
  if (!rc)
    rc = personal_lookup_hash(norm, hash);
  if (!rc)
    rc = store_drafts_purge(env->store, env->now, NULL);
  if (!rc)
    rc = store_drafts_recent(env->store, hash, (int64_t)env->now - 3600, &recent);
  if (!rc && recent >= APPLY_STARTS_PER_HOUR) {
    *reason = "apply_err_too_many";
    return ST_LIMIT;
  }
  if (rc)
    return rc;
  accounts_random_token(session);
  accounts_token_hash(session, session_hash);
  json_t *draft = json_pack(
      "{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:I}", "office_id", (json_int_t)office_id, "service_id",
      (json_int_t)service_id, "contact_kind", kind, "contact_hash", hash, "contact_masked", masked,
      "lang", lang && !strcmp(lang, "en") ? "en" : "zh-TW", "created_at", (json_int_t)env->now,
      "expires_at", (json_int_t)env->now + APPLY_DRAFT_DAYS * 86400);
  rc = draft ? new_draft(env, draft, contact, session_hash, &id) : ST_NOMEM;
  if (!rc)
    rc = send_code(env, draft, msg);
  if (rc == ST_IO)
    *reason = "apply_err_send";
  json_decref(draft);
  return rc;
}

int apply_draft_row(const struct case_env *env, const char *session, json_t **draft)
{
  char hash[65];
  json_t *d = NULL;
  if (!session || strlen(session) != APPLY_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  accounts_token_hash(session, hash);
  int rc = store_draft_by_session(env->store, hash, env->now, &d);
  if (rc)
    return rc;
  json_t *answers = json_loads(txt(d, "answers"), 0, NULL);
  char *name = NULL;
  if (*txt(d, "applicant_name"))
    rc = personal_open(txt(d, "applicant_name"), &name);
  if (!rc &&
      (json_object_set_new(d, "answers", json_is_object(answers) ? answers : json_object()) ||
       json_object_set_new(d, "applicant_name", json_string(name ? name : ""))))
    rc = ST_NOMEM;
  personal_free(name);
  if (rc) {
    json_decref(d);
    return rc;
  }
  *draft = d;
  return ST_OK;
}

int apply_draft_read(const struct case_env *env, struct arena *arena, const char *session,
                     struct apply_draft *out)
{
  json_t *d = NULL;
  *out = (struct apply_draft){0};
  int rc = apply_draft_row(env, session, &d);
  if (rc)
    return rc;
  if (read_model_hold(arena, d))
    return ST_NOMEM;
  *out = (struct apply_draft){num(d, "id"),
                              num(d, "office_id"),
                              num(d, "service_id"),
                              num(d, "case_id"),
                              truthy(json_object_get(d, "verified")),
                              read_model_text(arena, d, "contact_kind"),
                              read_model_text(arena, d, "contact_masked"),
                              read_model_text(arena, d, "applicant_name"),
                              json_object_get(d, "answers"),
                              d};
  return out->contact_kind && out->contact_masked && out->applicant_name ? ST_OK : ST_NOMEM;
}

int apply_resend(const struct case_env *env, json_t *draft, const struct apply_message *msg,
                 const char **reason)
{
  *reason = NULL;
  if (num(draft, "codes_sent") >= APPLY_CODES_MAX) {
    *reason = "apply_err_too_many";
    return ST_LIMIT;
  }
  if ((int64_t)env->now - num(draft, "code_sent_at") < APPLY_RESEND_SECONDS) {
    *reason = "apply_err_resend_wait";
    return ST_LIMIT;
  }
  int rc = send_code(env, draft, msg);
  if (rc == ST_IO)
    *reason = "apply_err_send";
  return rc;
}

/* The code as typed, in the form it was sent: full-width digits (a Chinese keyboard's), spaces
 * and dashes between the digits are taken as the receipt's check code is (case_number.h). */
_Static_assert((int)APPLY_CODE_DIGITS == (int)CASE_CHECK_CODE_LEN,
               "one-time codes read as check codes");
static bool code_shape_ok(const char *typed, char code[APPLY_CODE_DIGITS + 1])
{
  return typed && case_check_code_parse(typed, code) == ST_OK;
}

int apply_verify(const struct case_env *env, json_t *draft, const char *typed,
                 char session[APPLY_TOKEN_SIZE], const char **reason)
{
  char hash[PERSONAL_HASH_HEX + 1], session_hash[65], code[APPLY_CODE_DIGITS + 1];
  *reason = NULL;
  if (!*txt(draft, "code_hash") || num(draft, "code_tries") >= APPLY_CODE_TRIES ||
      num(draft, "code_expires_at") <= (int64_t)env->now)
    return refuse(reason, "apply_err_code_expired");
  if (!code_shape_ok(typed, code))
    return refuse(reason, "apply_err_code_shape");
  int rc = code_hash(num(draft, "id"), code, hash);
  if (rc)
    return rc;
  if (sodium_memcmp(hash, txt(draft, "code_hash"), PERSONAL_HASH_HEX) != 0) {
    rc = store_draft_code_tried(env->store, num(draft, "id"));
    return rc ? rc
              : refuse(reason, num(draft, "code_tries") + 1 >= APPLY_CODE_TRIES
                                   ? "apply_err_code_expired"
                                   : "apply_err_code_wrong");
  }
  accounts_random_token(session);
  accounts_token_hash(session, session_hash);
  return store_draft_verified(env->store, num(draft, "id"), session_hash, env->now);
}

int apply_save(const struct case_env *env, json_t *draft, const char *name, json_t *answers)
{
  char *sealed = NULL, *text = json_dumps(answers, JSON_COMPACT | JSON_SORT_KEYS);
  int rc = text ? ST_OK : ST_NOMEM;
  if (!rc && name && *name)
    rc = personal_seal(name, &sealed);
  if (!rc)
    rc = store_draft_save(env->store, num(draft, "id"), sealed ? sealed : "", text, env->now,
                          (int64_t)env->now + APPLY_DRAFT_DAYS * 86400);
  free(sealed);
  free(text);
  return rc;
}

int apply_send_resume(const struct case_env *env, json_t *draft, const char *link_prefix,
                      const struct apply_message *msg, const char **reason)
{
  char token[APPLY_TOKEN_SIZE], hash[65];
  *reason = NULL;
  accounts_random_token(token);
  accounts_token_hash(token, hash);
  int rc = store_draft_set_resume(env->store, num(draft, "id"), hash,
                                  (int64_t)env->now + APPLY_RESUME_DAYS * 86400);
  char *link = rc ? NULL : malloc(strlen(link_prefix) + sizeof(token));
  if (!rc && !link)
    rc = ST_NOMEM;
  if (!rc) {
    snprintf(link, strlen(link_prefix) + sizeof(token), "%s%s", link_prefix, token);
    rc = deliver(draft, msg, "{link}", link);
  }
  free(link);
  if (rc == ST_IO)
    *reason = "apply_err_send";
  return rc;
}

int apply_resume(const struct case_env *env, const char *resume_token,
                 const struct apply_message *msg, char session[APPLY_TOKEN_SIZE],
                 int64_t *office_id, int64_t *service_id, const char **reason)
{
  char hash[65], session_hash[65];
  json_t *d = NULL;
  *reason = NULL;
  if (!resume_token || strlen(resume_token) != APPLY_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  accounts_token_hash(resume_token, hash);
  int rc = store_draft_by_resume(env->store, hash, env->now, &d);
  if (rc)
    return rc;
  accounts_random_token(session);
  accounts_token_hash(session, session_hash);
  rc = store_draft_set_session(env->store, num(d, "id"), session_hash, env->now);
  if (!rc && json_object_set_new(d, "codes_sent", json_integer(0)))
    rc = ST_NOMEM;
  if (!rc)
    rc = send_code(env, d, msg);
  if (rc == ST_IO)
    *reason = "apply_err_send";
  *office_id = num(d, "office_id");
  *service_id = num(d, "service_id");
  json_decref(d);
  return rc;
}

/* ---- uploads --------------------------------------------------------------------------- */

static __thread magic_t magic_cookie;
static pthread_key_t magic_key;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;

static void magic_free(void *cookie)
{
  magic_close(cookie);
}

static void magic_key_make(void)
{
  pthread_key_create(&magic_key, magic_free);
}

/* libmagic's MIME type of the bytes (one cookie per thread: a cookie is not thread-safe; it is
 * closed when the thread ends). */
static const char *magic_type(const void *data, size_t len)
{
  if (!magic_cookie) {
    pthread_once(&magic_once, magic_key_make);
    magic_cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
    if (magic_cookie && magic_load(magic_cookie, NULL) != 0) {
      magic_close(magic_cookie);
      magic_cookie = NULL;
    }
    if (magic_cookie)
      pthread_setspecific(magic_key, magic_cookie);
  }
  return magic_cookie ? magic_buffer(magic_cookie, data, len) : NULL;
}

static const char *one_of_types(const char *type)
{
  static const char *const allowed[] = {"application/pdf",
                                        "image/jpeg",
                                        "image/png",
                                        "application/vnd.oasis.opendocument.text",
                                        "application/vnd.oasis.opendocument.spreadsheet",
                                        "application/vnd.oasis.opendocument.presentation",
                                        "application/vnd.oasis.opendocument.graphics"};
  for (size_t i = 0; type && i < ARRAY_LEN(allowed); i++)
    if (strcmp(type, allowed[i]) == 0)
      return allowed[i];
  return NULL;
}

const char *apply_file_type(const void *data, size_t len)
{
  if (!data || len == 0)
    return NULL;
  const char *type = one_of_types(magic_type(data, len));
  if (type)
    return type;
  /* libmagic may call an ODF text "application/zip"; the catalogue's rule reads its
   * "mimetype" entry. */
  return len <= CATALOG_FORM_MAX ? catalog_form_mime(data, len, "odt") : NULL;
}

static size_t utf8_len(unsigned char lead)
{
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

static bool shown_bad(unsigned char c)
{
  return c < 0x20 || c == 0x7F || c == '/' || c == '\\' || c == '"';
}

void apply_display_name(const char *name, char *out, size_t size)
{
  size_t n = 0, chars = 0;
  const unsigned char *p = (const unsigned char *)"";
  if (name && str_valid_text(str_from(name), false))
    p = (const unsigned char *)name;
  while (*p && n + 5 < size && chars < APPLY_FILE_NAME_MAX_CHARS) {
    size_t len = utf8_len(*p);
    if (shown_bad(*p))
      out[n++] = '_';
    for (size_t i = 0; !shown_bad(*p) && i < len && p[i]; i++)
      out[n++] = (char)p[i];
    p += len;
    chars++;
  }
  out[n] = '\0';
  if (!strcmp(out, ".") || !strcmp(out, ".."))
    out[0] = '\0';
}

static int check_file(const struct apply_file *f, const char **reason)
{
  char shown[512];
  if (f->raw_name && strcmp(f->raw_name, f->name ? f->name : "") != 0)
    return refuse(reason, "apply_err_file_name");
  apply_display_name(f->name, shown, sizeof(shown));
  if (!*shown)
    return refuse(reason, "apply_err_file_name");
  if (f->len == 0)
    return refuse(reason, "apply_err_file_empty");
  if (f->len > APPLY_FILE_MAX)
    return refuse(reason, "apply_err_file_size");
  if (!apply_file_type(f->data, f->len))
    return refuse(reason, "apply_err_file_type");
  return ST_OK;
}

static int check_files(const struct case_env *env, json_t *draft, const struct apply_file *files,
                       size_t count, const char **reason, const char **bad)
{
  json_t *have = NULL;
  int rc = store_uploads_of(env->store, num(draft, "id"), 0, &have);
  if (rc)
    return rc;
  size_t total = 0, i;
  json_t *u;
  json_array_foreach(have, i, u) total += (size_t)num(u, "size");
  size_t n = json_array_size(have);
  json_decref(have);
  if (count == 0)
    return refuse(reason, "apply_err_file_none");
  if (n + count > APPLY_FILES_MAX)
    return refuse(reason, "apply_err_file_count");
  for (i = 0; i < count; i++) {
    *bad = files[i].name;
    rc = check_file(&files[i], reason);
    if (rc)
      return rc;
    total += files[i].len;
    if (total > APPLY_TOTAL_MAX)
      return refuse(reason, "apply_err_file_total");
  }
  *bad = NULL;
  return ST_OK;
}

static int store_file(const struct case_env *env, json_t *draft, const struct apply_file *f)
{
  unsigned char digest[crypto_hash_sha256_BYTES];
  char sha[65], shown[512];
  crypto_hash_sha256(digest, f->data, f->len);
  sodium_bin2hex(sha, sizeof(sha), digest, sizeof(digest));
  apply_display_name(f->name, shown, sizeof(shown));
  struct store_upload u = {
      num(draft, "office_id"),          num(draft, "id"), sha,    shown,
      apply_file_type(f->data, f->len), f->data,          f->len, (int64_t)env->now};
  int64_t id;
  return store_upload_add(env->store, &u, &id);
}

int apply_upload(const struct case_env *env, json_t *draft, const struct apply_file *files,
                 size_t count, const char **reason, const char **bad)
{
  *reason = NULL;
  *bad = NULL;
  if (num(draft, "case_id") || !truthy(json_object_get(draft, "verified")))
    return refuse(reason, "apply_err_session");
  int rc = store_begin(env->store);
  if (rc)
    return rc;
  rc = check_files(env, draft, files, count, reason, bad);
  for (size_t i = 0; !rc && i < count; i++)
    rc = store_file(env, draft, &files[i]);
  if (rc) {
    store_rollback(env->store);
    return rc;
  }
  return store_commit(env->store);
}

/* ---- submission ------------------------------------------------------------------------ */

static int submit_in_tx(const struct case_env *env, json_t *draft, json_t *clean,
                        json_t *documents_online, struct intake_result *out, const char **reason)
{
  char *contact = NULL, *sealed_token = NULL;
  bool mail = strcmp(txt(draft, "contact_kind"), "email") == 0;
  int rc = personal_open(txt(draft, "contact"), &contact);
  struct online_submission in = {num(draft, "office_id"),
                                 num(draft, "service_id"),
                                 txt(draft, "applicant_name"),
                                 mail && contact ? contact : "",
                                 !mail && contact ? contact : "",
                                 txt(draft, "lang"),
                                 "online",
                                 clean,
                                 "",
                                 documents_online};
  if (!rc)
    rc = case_submit_online_in_tx(env, &in, out, reason);
  personal_free(contact);
  if (!rc)
    rc = store_uploads_attach(env->store, num(draft, "id"), out->case_id);
  if (!rc)
    rc = personal_seal(out->token, &sealed_token);
  if (!rc)
    rc = store_draft_submitted(env->store, num(draft, "id"), out->case_id, sealed_token, env->now);
  free(sealed_token);
  return rc;
}

int apply_submit(const struct case_env *env, json_t *draft, json_t *questions,
                 json_t *documents_online, struct intake_result *out, const char **reason)
{
  json_t *clean = NULL;
  const char *bad = NULL;
  struct form_error why = {0};
  *reason = NULL;
  if (num(draft, "case_id"))
    return refuse(reason, "apply_err_submitted");
  if (!truthy(json_object_get(draft, "verified")))
    return refuse(reason, "apply_err_session");
  if (!*txt(draft, "applicant_name"))
    return refuse(reason, "apply_err_name");
  if (!form_answers(questions, json_object_get(draft, "answers"), &clean, &bad, &why))
    return refuse(reason, why.key ? why.key : "form_err_unknown");
  int rc = store_begin(env->store);
  if (!rc)
    rc = submit_in_tx(env, draft, clean, documents_online, out, reason);
  json_decref(clean);
  if (rc) {
    store_rollback(env->store);
    return rc;
  }
  return store_commit(env->store);
}

char *apply_case_token(json_t *draft)
{
  char *plain = NULL, *copy = NULL;
  if (!*txt(draft, "case_token") || personal_open(txt(draft, "case_token"), &plain))
    return NULL;
  copy = strdup(plain);
  personal_free(plain);
  return copy;
}
