/*
 * petition.c - petitions: the pure rules (due dates, reminders, the same matter, suppressed
 * cells, numbers), filing online with a one-time code or by staff, and what the petitioner
 * sees (petition.h). Staff actions, statistics and the scanner's part are in petition_staff.c.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/civil.h"
#include "base/str.h"
#include "base/text.h"
#include "domain/apply.h"
#include "domain/audit.h"
#include "domain/calendar.h"
#include "domain/case_number.h"
#include "domain/cases.h"
#include "domain/lookup.h"
#include "domain/notify.h"
#include "domain/personal.h"
#include "domain/petition.h"
#include "domain/petition_internal.h"
#include "domain/read_model.h"
#include "domain/suppress.h"
#include "store/directory.h"
#include "store/petition.h"
#include "store/store.h"

#include "base/common.h"

enum { SIMILAR_CHARS = 256, NAME_MAX_BYTES = 200, CONTACT_MAX = 254 };

/* ---- pure rules --------------------------------------------------------------------------- */

int petition_due(const struct calendar *cal, time_t received, int answer_days, time_t *due)
{
  if (answer_days < 1 || answer_days > 3650)
    return ST_INVALID;
  return calendar_add_working_minutes(cal, NULL, received,
                                      (int64_t)answer_days * PETITION_DAY_MINUTES, due);
}

bool petition_remind_now(const struct calendar *cal, time_t now, time_t due)
{
  time_t horizon = 0;
  if (due <= 0)
    return false;
  if (now >= due)
    return true;
  return !calendar_add_working_minutes(
             cal, NULL, now, (int64_t)PETITION_REMIND_DAYS * PETITION_DAY_MINUTES, &horizon) &&
         horizon >= due;
}

/* The next code point of UTF-8 text (invalid bytes count as themselves). */
static uint32_t next_point(const unsigned char **p)
{
  const unsigned char *s = *p;
  uint32_t c = *s++;
  int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  if (more)
    c &= (uint32_t)(0x3F >> more);
  for (; more && (*s & 0xC0) == 0x80; more--)
    c = (c << 6) | (*s++ & 0x3F);
  *p = s;
  return c;
}

/* Letters, digits and ideographs of text, ASCII folded to lower case; at most max. */
static size_t meaningful(const char *text, uint32_t *out, size_t max)
{
  size_t n = 0;
  const unsigned char *p = (const unsigned char *)(text ? text : "");
  while (*p && n < max) {
    uint32_t c = next_point(&p);
    bool ascii_word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    bool punct = c < 0x80 ? !ascii_word : (c >= 0x3000 && c <= 0x303F) || c >= 0xFF00;
    if (!punct)
      out[n++] = c >= 'A' && c <= 'Z' ? c + 32 : c;
  }
  return n;
}

static bool has_pair(const uint32_t *s, size_t n, uint32_t a, uint32_t b)
{
  for (size_t i = 0; i + 1 < n; i++)
    if (s[i] == a && s[i + 1] == b)
      return true;
  return false;
}

bool petition_similar(const char *a, const char *b)
{
  uint32_t x[SIMILAR_CHARS], y[SIMILAR_CHARS];
  size_t nx = meaningful(a, x, SIMILAR_CHARS), ny = meaningful(b, y, SIMILAR_CHARS);
  if (nx < 2 || ny < 2)
    return nx == ny && nx == 1 && x[0] == y[0];
  size_t shared = 0;
  for (size_t i = 0; i + 1 < nx; i++)
    if (has_pair(y, ny, x[i], x[i + 1]))
      shared++;
  /* Dice's coefficient on character pairs: 2 * shared / (pairs of a + pairs of b) >= 1/2 */
  return 4 * shared >= (nx - 1) + (ny - 1);
}

int64_t petition_cell(int64_t n)
{
  return suppress_small(n, PETITION_STATS_MIN_CELL) ? -1 : n;
}

bool petition_number_like(const char *text)
{
  struct case_number n;
  return text && !case_number_parse_for(text, PETITION_WORD_ZH, PETITION_WORD_CODE, &n) &&
         !strcmp(n.word_code, PETITION_WORD_CODE);
}

int petition_key(int roc_year, int64_t serial, char *out, size_t size)
{
  int n = snprintf(out, size, "%03d-" PETITION_WORD_CODE "-%06lld", roc_year, (long long)serial);
  return n > 0 && (size_t)n < size ? ST_OK : ST_LIMIT;
}

/* ---- helpers shared with petition_staff.c -------------------------------------------------- */

const char *petition_text(json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

int64_t petition_int(json_t *o, const char *key)
{
  return json_integer_value(json_object_get(o, key));
}

int petition_refuse(const char **reason, const char *key)
{
  if (reason)
    *reason = key;
  return ST_INVALID;
}

int petition_link_token(int64_t id, char token[PETITION_TOKEN_SIZE])
{
  char text[64];
  snprintf(text, sizeof(text), "petition-link:%lld", (long long)id);
  return personal_lookup_hash(text, token);
}

int petition_token_hash(const char *token, char out[PERSONAL_HASH_HEX + 1])
{
  char text[PETITION_TOKEN_SIZE + 32];
  snprintf(text, sizeof(text), "petition-token:%.64s", token ? token : "");
  return personal_lookup_hash(text, out);
}

int petition_event(struct store *store, json_t *p, time_t now, const char *kind, const char *actor,
                   const char *note)
{
  return store_petition_event_add(store, petition_int(p, "id"), petition_int(p, "office_id"),
                                  (int64_t)now, kind, actor, note);
}

json_t *petition_category_of(struct store *store, int64_t office_id, int64_t category_id)
{
  json_t *list = NULL, *c, *found = NULL;
  size_t i;
  if (category_id <= 0 || store_petition_categories(store, office_id, &list))
    return NULL;
  json_array_foreach(list, i, c)
  {
    if (petition_int(c, "id") == category_id)
      found = json_incref(c);
  }
  json_decref(list);
  return found;
}

/* The petitioner's plain contact (malloc'd, personal_free) or NULL when there is none. */
static char *contact_of(json_t *p)
{
  char *plain = NULL;
  if (!*petition_text(p, "contact_sealed") ||
      personal_open(petition_text(p, "contact_sealed"), &plain))
    return NULL;
  return plain;
}

int petition_notify(struct store *store, time_t now, json_t *p, const char *event, json_t *vars)
{
  char *to = contact_of(p);
  const char *kind = petition_text(p, "contact_kind");
  char token[PETITION_TOKEN_SIZE], link[NOTIFY_URL_MAX + 160], rate[NOTIFY_URL_MAX + 160];
  if (!to)
    return ST_OK; /* no contact (anonymous, or a letter without one): nobody to tell */
  int rc = petition_link_token(petition_int(p, "id"), token);
  json_t *office = NULL;
  if (!rc)
    rc = lookup_office(store, petition_int(p, "office_id"), &office);
  const char *slug = petition_text(office, "slug"), *base = notify_settings()->public_url;
  snprintf(link, sizeof(link), "%s/o/%s/petition/filed/%s", base, slug, token);
  snprintf(rate, sizeof(rate), "%s/o/%s/petition/rate/%s", base, slug, token);
  if (!rc &&
      (json_object_set_new(vars, "number", json_string(petition_text(p, "petition_key"))) ||
       json_object_set_new(vars, "check_code", json_string(petition_text(p, "check_code"))) ||
       json_object_set_new(vars, "link", json_string(link)) ||
       json_object_set_new(vars, "rating_url", json_string(rate))))
    rc = ST_NOMEM;
  if (!rc)
    rc = notify_subject_event(store, now, petition_int(p, "office_id"), "petition",
                              petition_int(p, "id"), kind, to, petition_text(p, "lang"), event, 1,
                              vars);
  json_decref(office);
  personal_free(to);
  return rc;
}

/* ---- filing --------------------------------------------------------------------------------- */

static bool one_of(const char *s, const char *const *set, size_t n)
{
  for (size_t i = 0; s && i < n; i++)
    if (!strcmp(s, set[i]))
      return true;
  return false;
}

static int refuse_field(const char **reason, const char **field, const char *key, const char *f)
{
  *field = f;
  return petition_refuse(reason, key);
}

static bool text_ok(const char *s, size_t max, bool lines)
{
  return s && *s && strlen(s) <= max && str_valid_text(str_from(s), lines);
}

/* The subject's limit is in characters, as its message and the form's maxlength say. */
static bool subject_ok(const char *s)
{
  return s && *s && str_valid_text(str_from(s), false) && text_length(s) <= PETITION_SUBJECT_MAX;
}

/* What is wrong with a petition's text (a message key), or NULL: one over the limit is said to
 * be too long, not to be missing. */
static const char *body_problem(const char *body)
{
  if (body && strlen(body) > PETITION_BODY_MAX)
    return "petition_err_body_long";
  return text_ok(body, PETITION_BODY_MAX, true) ? NULL : "petition_err_body";
}

size_t petition_input_refusals(const struct petition_input *in, bool online,
                               struct form_refusal out[PETITION_REFUSALS_MAX])
{
  static const char *const kinds[] = {"petition", "mailbox"};
  static const char *const channels[] = {"online", "counter", "phone", "letter"};
  const char *ck = in->contact_kind ? in->contact_kind : "";
  const char *body_key = body_problem(in->body);
  size_t n = 0;
  if (!one_of(in->kind, kinds, ARRAY_LEN(kinds)))
    out[n++] = (struct form_refusal){"kind", "petition_err_kind"};
  if (!one_of(in->channel, channels, ARRAY_LEN(channels)) ||
      online != !strcmp(in->channel, "online"))
    out[n++] = (struct form_refusal){"channel", "petition_err_channel"};
  if (!subject_ok(in->subject))
    out[n++] = (struct form_refusal){"subject", "petition_err_subject"};
  if (body_key)
    out[n++] = (struct form_refusal){"body", body_key};
  if (in->name && *in->name && !text_ok(in->name, NAME_MAX_BYTES, false))
    out[n++] = (struct form_refusal){"name", "petition_err_name"};
  if ((online && !*ck) || (*ck && !apply_contact_valid(ck, in->contact)))
    out[n++] = (struct form_refusal){"contact", "petition_err_contact"};
  return n;
}

/* The first refused field of the input, as *reason and *field. */
static int check_input(const struct petition_input *in, bool online, const char **reason,
                       const char **field)
{
  struct form_refusal refused[PETITION_REFUSALS_MAX];
  if (!petition_input_refusals(in, online, refused))
    return ST_OK;
  return refuse_field(reason, field, refused[0].reason, refused[0].field);
}

/* The contact's keyed hash (e-mail lower case, phone digits only) and masked form. */
static int contact_forms(const char *kind, const char *contact, char hash[PERSONAL_HASH_HEX + 1],
                         char *masked, size_t masked_size)
{
  char norm[CONTACT_MAX + 16];
  size_t n = (size_t)snprintf(norm, sizeof(norm), "petition-contact:");
  bool mail = !strcmp(kind, "email");
  for (const char *p = contact; *p && n + 1 < sizeof(norm); p++)
    if (mail || (*p >= '0' && *p <= '9'))
      norm[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
  norm[n] = '\0';
  int rc = personal_lookup_hash(norm, hash);
  if (!rc)
    rc = mail ? personal_mask_email(contact, masked, masked_size)
              : personal_mask_phone(contact, masked, masked_size);
  return rc;
}

/* The sealed name and contact (malloc'd), the contact's hash and masked form. */
struct sealed_person {
  char *name, *contact;
  char hash[PERSONAL_HASH_HEX + 1], masked[CONTACT_MAX];
};

static int seal_person(const struct petition_input *in, struct sealed_person *s)
{
  const char *ck = in->contact_kind ? in->contact_kind : "";
  int rc = ST_OK;
  memset(s, 0, sizeof(*s));
  if (in->name && *in->name)
    rc = personal_seal(in->name, &s->name);
  if (!rc && *ck)
    rc = personal_seal(in->contact, &s->contact);
  if (!rc && *ck)
    rc = contact_forms(ck, in->contact, s->hash, s->masked, sizeof(s->masked));
  return rc;
}

/* The new row of in: personal data sealed, status unverified (online) or open. */
static int new_row(struct store *store, int64_t office_id, time_t now,
                   const struct petition_input *in, json_t **out)
{
  struct sealed_person s = {0};
  char placeholder[48];
  unsigned char nonce[16];
  randombytes_buf(nonce, sizeof(nonce));
  sodium_bin2hex(placeholder, sizeof(placeholder), nonce, sizeof(nonce));
  json_t *category = petition_category_of(store, office_id, in->category_id);
  int rc = in->category_id && !category ? ST_INVALID : seal_person(in, &s);
  *out =
      rc ? NULL
         : json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
                     "s:i, s:s, s:I}",
                     "office_id", (json_int_t)office_id, "kind", in->kind, "channel", in->channel,
                     "status", !strcmp(in->channel, "online") ? "unverified" : "open",
                     "category_id", (json_int_t)in->category_id, "unit_id",
                     (json_int_t)petition_int(category, "unit_id"), "subject", in->subject, "body",
                     in->body, "name_sealed", s.name ? s.name : "", "contact_kind",
                     in->contact_kind ? in->contact_kind : "", "contact_sealed",
                     s.contact ? s.contact : "", "contact_masked", s.masked, "contact_hash", s.hash,
                     "lang", notify_lang_valid(in->lang) ? in->lang : "zh-TW", "confidential",
                     in->confidential ? 1 : 0, "token_hash", placeholder, "received_at",
                     (json_int_t)now);
  if (!rc && !*out)
    rc = ST_NOMEM;
  free(s.name);
  free(s.contact);
  json_decref(category);
  return rc;
}

/* Inserts row and gives it its link token's hash. */
static int insert_row(struct store *store, json_t *row, char token[PETITION_TOKEN_SIZE])
{
  int64_t id = 0;
  char hash[PERSONAL_HASH_HEX + 1];
  int rc = store_petition_insert(store, row, &id);
  if (!rc)
    rc = petition_link_token(id, token);
  if (!rc)
    rc = petition_token_hash(token, hash);
  if (!rc && (json_object_set_new(row, "id", json_integer(id)) ||
              json_object_set_new(row, "token_hash", json_string(hash))))
    rc = ST_NOMEM;
  return rc;
}

/* The earlier petition of the same contact with a similar subject, 0 when none. */
static int64_t same_matter(struct store *store, json_t *p)
{
  json_t *rows = NULL, *r;
  size_t i;
  int64_t found = 0;
  if (!*petition_text(p, "contact_hash") ||
      store_petition_same_contact(store, petition_int(p, "office_id"),
                                  petition_text(p, "contact_hash"), petition_int(p, "id"), &rows))
    return 0;
  json_array_foreach(rows, i, r)
  {
    if (!found && petition_similar(petition_text(r, "subject"), petition_text(p, "subject")))
      found = petition_int(r, "id");
  }
  json_decref(rows);
  return found;
}

/* The number, check code and due date of p (its category's answer period). */
static int number_and_due(struct store *store, time_t now, json_t *p, struct petition_filed *out)
{
  int64_t serial = 0;
  int year = civil_roc_year(civil_taipei(now).date.year);
  json_t *category =
      petition_category_of(store, petition_int(p, "office_id"), petition_int(p, "category_id"));
  int days = category ? (int)petition_int(category, "answer_days") : PETITION_DEFAULT_DAYS;
  json_decref(category);
  int rc = store_petition_next_serial(store, petition_int(p, "office_id"), year, &serial);
  if (!rc)
    rc = petition_key(year, serial, out->key, sizeof(out->key));
  if (!rc)
    rc = petition_due(cases_calendar(), now, days, &out->due_at);
  case_check_code_new(out->check_code);
  return rc;
}

/* The "petition_received" notice with the due date. */
static int received_notice(struct store *store, time_t now, json_t *p, time_t due)
{
  char date[16];
  struct civil_time t = civil_taipei(due);
  snprintf(date, sizeof(date), "%04d-%02d-%02d", t.date.year, t.date.month, t.date.day);
  json_t *vars = json_pack("{s:s}", "deadline", date);
  int rc = vars ? petition_notify(store, now, p, "petition_received", vars) : ST_NOMEM;
  json_decref(vars);
  return rc;
}

/* Takes p in: number, check code, due date, the same matter, timeline and the notice. */
static int take_in(struct store *store, time_t now, json_t *p, struct petition_filed *out)
{
  int rc = number_and_due(store, now, p, out);
  int64_t dup = rc ? 0 : same_matter(store, p);
  if (!rc && (json_object_set_new(p, "petition_key", json_string(out->key)) ||
              json_object_set_new(p, "check_code", json_string(out->check_code)) ||
              json_object_set_new(p, "status", json_string("open")) ||
              json_object_set_new(p, "due_at", json_integer(out->due_at)) ||
              json_object_set_new(p, "code_hash", json_string("")) ||
              json_object_set_new(p, "duplicate_of", json_integer(dup))))
    rc = ST_NOMEM;
  if (!rc)
    rc = store_petition_update(store, p);
  if (!rc)
    rc = petition_event(store, p, now, "received", "", petition_text(p, "channel"));
  if (!rc && dup)
    rc = petition_event(store, p, now, "same_matter", "", "");
  if (!rc)
    rc = received_notice(store, now, p, out->due_at);
  out->id = petition_int(p, "id");
  out->unit_id = petition_int(p, "unit_id");
  return rc;
}

static int code_hash(int64_t id, const char *code, char out[PERSONAL_HASH_HEX + 1])
{
  char text[64];
  snprintf(text, sizeof(text), "petition-code:%lld:%.8s", (long long)id, code);
  return personal_lookup_hash(text, out);
}

/* msg with "{code}" replaced (malloc'd). */
static char *with_code(const char *msg, const char *code)
{
  const char *at = strstr(msg, "{code}");
  size_t n = strlen(msg) + 8;
  char *out = malloc(n);
  if (out && at)
    snprintf(out, n, "%.*s%s%s", (int)(at - msg), msg, code, at + 6);
  else if (out)
    snprintf(out, n, "%s %s", msg, code);
  return out;
}

static int send_code(json_t *p, const char *contact, const char *subject, const char *text)
{
  char code[8], hash[PERSONAL_HASH_HEX + 1];
  snprintf(code, sizeof(code), "%06u", (unsigned)randombytes_uniform(1000000));
  int rc = code_hash(petition_int(p, "id"), code, hash);
  char *message = rc ? NULL : with_code(text, code);
  if (!rc &&
      (!message || json_object_set_new(p, "code_hash", json_string(hash)) ||
       json_object_set_new(p, "codes_sent", json_integer(petition_int(p, "codes_sent") + 1))))
    rc = ST_NOMEM;
  if (!rc)
    rc = apply_send(petition_text(p, "contact_kind"), contact, subject, message);
  free(message);
  sodium_memzero(code, sizeof(code));
  return rc;
}

/* At most PETITION_STARTS_PER_HOUR online filings per contact and office in an hour. */
static int starts_allowed(struct store *store, time_t now, json_t *row, const char **reason,
                          const char **field)
{
  int64_t n = 0;
  int rc =
      store_petition_started_since(store, petition_int(row, "office_id"),
                                   petition_text(row, "contact_hash"), (int64_t)now - 3600, &n);
  if (!rc && n >= PETITION_STARTS_PER_HOUR) {
    refuse_field(reason, field, "petition_err_too_many", "contact");
    rc = ST_LIMIT;
  }
  return rc;
}

int petition_start_online(struct store *store, time_t now, int64_t office_id,
                          const struct petition_input *in, const char *msg_subject,
                          const char *msg_text, char token[PETITION_TOKEN_SIZE],
                          const char **reason, const char **field)
{
  json_t *row = NULL;
  int rc = check_input(in, true, reason, field);
  if (rc)
    return rc;
  rc = store_begin(store);
  if (rc)
    return rc;
  rc = new_row(store, office_id, now, in, &row);
  if (rc == ST_INVALID)
    refuse_field(reason, field, "petition_err_category", "category_id");
  if (!rc)
    rc = starts_allowed(store, now, row, reason, field);
  if (!rc)
    rc = insert_row(store, row, token);
  if (!rc)
    rc = send_code(row, in->contact, msg_subject, msg_text);
  if (!rc && json_object_set_new(row, "code_expires_at", json_integer(now + PETITION_CODE_SECONDS)))
    rc = ST_NOMEM;
  if (!rc)
    rc = store_petition_update(store, row);
  if (!rc)
    rc = store_commit(store);
  if (rc)
    store_rollback(store);
  if (rc == ST_IO)
    petition_refuse(reason, "petition_err_send");
  json_decref(row);
  return rc;
}

/* The unverified petition of the office behind token, or ST_NOTFOUND. */
static int by_token(struct store *store, int64_t office_id, const char *token, json_t **out)
{
  char hash[PERSONAL_HASH_HEX + 1];
  int rc = petition_token_hash(token, hash);
  if (!rc)
    rc = store_petition_by_token(store, hash, out);
  if (!rc && petition_int(*out, "office_id") != office_id) {
    json_decref(*out);
    *out = NULL;
    rc = ST_NOTFOUND;
  }
  return rc;
}

/* Whether another code may go out now (*reason says why not). */
static int resend_allowed(json_t *p, time_t now, const char **reason)
{
  if (strcmp(petition_text(p, "status"), "unverified"))
    return petition_refuse(reason, "petition_err_verified");
  const char *why = NULL;
  if (petition_int(p, "codes_sent") >= PETITION_CODES_MAX)
    why = "petition_err_codes_max";
  time_t last = (time_t)petition_int(p, "code_expires_at") - PETITION_CODE_SECONDS;
  if (!why && now < last + PETITION_RESEND_SECONDS)
    why = "petition_err_resend_soon";
  if (why)
    petition_refuse(reason, why);
  return why ? ST_LIMIT : ST_OK;
}

int petition_resend_code(struct store *store, time_t now, int64_t office_id, const char *token,
                         const char *msg_subject, const char *msg_text, const char **reason)
{
  json_t *p = NULL;
  char *contact = NULL;
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = by_token(store, office_id, token, &p);
  if (!rc)
    rc = resend_allowed(p, now, reason);
  if (!rc)
    rc = personal_open(petition_text(p, "contact_sealed"), &contact);
  if (!rc)
    rc = send_code(p, contact, msg_subject, msg_text);
  if (!rc && json_object_set_new(p, "code_expires_at", json_integer(now + PETITION_CODE_SECONDS)))
    rc = ST_NOMEM;
  if (!rc)
    rc = store_petition_update(store, p);
  if (!rc)
    rc = store_commit(store);
  if (rc)
    store_rollback(store);
  if (rc == ST_IO)
    petition_refuse(reason, "petition_err_send");
  personal_free(contact);
  json_decref(p);
  return rc;
}

static int check_code(json_t *p, time_t now, const char *code, const char **reason)
{
  char hash[PERSONAL_HASH_HEX + 1], typed[CASE_CHECK_CODE_LEN + 1];
  if (strcmp(petition_text(p, "status"), "unverified"))
    return petition_refuse(reason, "petition_err_verified");
  if (petition_int(p, "code_tries") >= PETITION_CODE_TRIES ||
      now > petition_int(p, "code_expires_at"))
    return petition_refuse(reason, "petition_err_code_expired");
  if (strlen(petition_text(p, "code_hash")) != PERSONAL_HASH_HEX ||
      case_check_code_parse(code, typed) || code_hash(petition_int(p, "id"), typed, hash) ||
      sodium_memcmp(hash, petition_text(p, "code_hash"), PERSONAL_HASH_HEX) != 0)
    return petition_refuse(reason, "petition_err_code");
  return ST_OK;
}

int petition_verify(struct store *store, time_t now, int64_t office_id, const char *token,
                    const char *code, struct petition_filed *out, const char **reason)
{
  json_t *p = NULL;
  memset(out, 0, sizeof(*out));
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = by_token(store, office_id, token, &p);
  int verdict = rc ? rc : check_code(p, now, code, reason);
  if (verdict == ST_INVALID && strcmp(petition_text(p, "status"), "unverified") == 0) {
    json_object_set_new(p, "code_tries", json_integer(petition_int(p, "code_tries") + 1));
    rc = store_petition_update(store, p); /* the wrong try counts */
  } else if (!rc && !verdict) {
    rc = take_in(store, now, p, out);
  }
  if (!rc)
    rc = store_commit(store);
  if (rc)
    store_rollback(store);
  if (!rc && !verdict)
    snprintf(out->token, sizeof(out->token), "%s", token);
  json_decref(p);
  return rc ? rc : verdict;
}

/* The scan is a document of an accepted type and size (before anything is written). */
static int check_scan(const struct petition_input *in, const char **reason, const char **field)
{
  if (!in->scan_len)
    return ST_OK;
  if (in->scan_len > APPLY_FILE_MAX || !apply_file_type(in->scan, in->scan_len))
    return refuse_field(reason, field, "petition_err_scan", "scan");
  return ST_OK;
}

static int store_scan(struct store *store, time_t now, json_t *p, const struct petition_input *in)
{
  char name[256];
  int64_t id = 0;
  apply_display_name(in->scan_name ? in->scan_name : "", name, sizeof(name));
  int rc = store_petition_file_add(store, petition_int(p, "id"), petition_int(p, "office_id"),
                                   *name ? name : "scan", apply_file_type(in->scan, in->scan_len),
                                   in->scan, in->scan_len, (int64_t)now, &id);
  return rc ? rc : petition_event(store, p, now, "scan", "", name);
}

int petition_record(struct store *store, const struct audit_actor *actor, time_t now,
                    const struct petition_input *in, struct petition_filed *out,
                    const char **reason, const char **field)
{
  json_t *row = NULL;
  memset(out, 0, sizeof(*out));
  int rc = check_input(in, false, reason, field);
  if (!rc)
    rc = check_scan(in, reason, field);
  if (rc)
    return rc;
  rc = store_begin(store);
  if (rc)
    return rc;
  rc = new_row(store, actor->office_id, now, in, &row);
  if (rc == ST_INVALID)
    refuse_field(reason, field, "petition_err_category", "category_id");
  if (!rc)
    rc = insert_row(store, row, out->token);
  if (!rc)
    rc = take_in(store, now, row, out);
  if (!rc && in->scan_len)
    rc = store_scan(store, now, row, in);
  char object_id[24];
  snprintf(object_id, sizeof(object_id), "%lld", (long long)out->id);
  if (!rc)
    rc = audit_record(store, actor, "petition.record", "petition", object_id, NULL);
  if (!rc)
    rc = store_commit(store);
  if (rc)
    store_rollback(store);
  json_decref(row);
  return rc;
}

/* ---- the petitioner's pages --------------------------------------------------------------- */

/* What the petitioner sees of p (no personal data), its strings copied into arena. */
static int public_fill(struct store *store, struct arena *arena, json_t *p,
                       struct petition_public *out)
{
  json_t *category =
      petition_category_of(store, petition_int(p, "office_id"), petition_int(p, "category_id"));
  const char *status = petition_text(p, "status");
  bool sent = !strcmp(status, "answered");
  *out = (struct petition_public){.key = read_model_text(arena, p, "petition_key"),
                                  .check_code = read_model_text(arena, p, "check_code"),
                                  .status = read_model_text(arena, p, "status"),
                                  .kind = read_model_text(arena, p, "kind"),
                                  .subject = read_model_text(arena, p, "subject"),
                                  .category_zh = read_model_text(arena, category, "name_zh"),
                                  .category_en = read_model_text(arena, category, "name_en"),
                                  .received_at = petition_int(p, "received_at"),
                                  .due_at = petition_int(p, "due_at"),
                                  .answered_at = petition_int(p, "answered_at"),
                                  .answer = sent ? read_model_text(arena, p, "answer") : "",
                                  .transferred_to = read_model_text(arena, p, "transferred_to"),
                                  .rating = petition_int(p, "rating"),
                                  .rated = json_is_integer(json_object_get(p, "rating")),
                                  .verified = strcmp(status, "unverified") != 0};
  json_decref(category);
  bool full = !out->key || !out->check_code || !out->status || !out->kind || !out->subject ||
              !out->category_zh || !out->category_en || !out->answer || !out->transferred_to;
  return full ? ST_NOMEM : ST_OK;
}

int petition_public_read_by_token(struct store *store, struct arena *arena, int64_t office_id,
                                  const char *token, struct petition_public *out)
{
  json_t *p = NULL;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = by_token(store, office_id, token, &p);
  if (!rc)
    rc = public_fill(store, arena, p, out);
  rc = store_end_read(store, rc);
  json_decref(p);
  return rc;
}

int petition_public_read_by_number(struct store *store, struct arena *arena, int64_t office_id,
                                   const char *number, const char *check,
                                   struct petition_public *out)
{
  struct case_number n;
  char key[CASE_KEY_SIZE], typed[CASE_CHECK_CODE_LEN + 1];
  json_t *p = NULL;
  if (case_number_parse_for(number, PETITION_WORD_ZH, PETITION_WORD_CODE, &n) ||
      strcmp(n.word_code, PETITION_WORD_CODE) || case_check_code_parse(check, typed))
    return ST_NOTFOUND;
  snprintf(key, sizeof(key), "%03d-" PETITION_WORD_CODE "-%06lld", n.roc_year, (long long)n.serial);
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_petition_by_key(store, office_id, key, &p);
  if (!rc && sodium_memcmp(petition_text(p, "check_code"), typed, CASE_CHECK_CODE_LEN) != 0)
    rc = ST_NOTFOUND;
  if (!rc)
    rc = public_fill(store, arena, p, out);
  rc = store_end_read(store, rc);
  json_decref(p);
  return rc;
}

int petition_rate(struct store *store, time_t now, int64_t office_id, const char *token,
                  int64_t rating)
{
  json_t *p = NULL;
  if (rating < 1 || rating > 5)
    return ST_INVALID;
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = by_token(store, office_id, token, &p);
  if (!rc && strcmp(petition_text(p, "status"), "answered"))
    rc = ST_INVALID;
  if (!rc)
    rc = store_petition_rate(store, petition_int(p, "id"), rating, (int64_t)now);
  if (!rc)
    rc = petition_event(store, p, now, "rated", "", "");
  if (!rc)
    rc = store_commit(store);
  if (rc)
    store_rollback(store);
  json_decref(p);
  return rc;
}

int petition_categories(struct store *store, int64_t office_id, json_t **out)
{
  *out = NULL;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_petition_categories(store, office_id, out);
  return store_end_read(store, rc);
}

/* The categories of rows copied into arena. */
static int categories_fill(struct arena *arena, json_t *rows, struct petition_category_list *out)
{
  size_t n = json_array_size(rows);
  out->rows = read_model_array(arena, n, sizeof(*out->rows));
  if (!out->rows)
    return ST_NOMEM;
  for (size_t i = 0; i < n; i++) {
    json_t *c = json_array_get(rows, i);
    struct petition_category_row *r = &out->rows[i];
    r->id = petition_int(c, "id");
    r->name_zh = read_model_text(arena, c, "name_zh");
    r->name_en = read_model_text(arena, c, "name_en");
    if (!r->name_zh || !r->name_en)
      return ST_NOMEM;
  }
  out->count = n;
  return ST_OK;
}

int petition_categories_read(struct store *store, struct arena *arena, int64_t office_id,
                             struct petition_category_list *out)
{
  json_t *rows = NULL;
  *out = (struct petition_category_list){0};
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_petition_categories(store, office_id, &rows);
  if (!rc)
    rc = categories_fill(arena, rows, out);
  rc = store_end_read(store, rc);
  json_decref(rows);
  if (rc)
    *out = (struct petition_category_list){0};
  return rc;
}
