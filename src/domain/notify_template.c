/*
 * notify_template.c - message templates as data: the shipped defaults, the variable names, the
 * rules of an edited template that are not its syntax (channel, sizes, a subject for e-mail),
 * sample values for previews and the SMS length count. Templates are rendered outside the
 * domain (render/message.h), where messages are sent or previewed (issue 14).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/text.h"
#include "domain/notify.h"

#include "base/common.h"

enum { DEFAULTS_MAX = 128, TEMPLATE_FILE_MAX = 16 * 1024, NAME_PART_MAX = 40 };

struct default_template {
  char event[NAME_PART_MAX];
  char channel[NAME_PART_MAX];
  char lang[NAME_PART_MAX];
  char *subject;
  char *body;
};

static struct default_template defaults[DEFAULTS_MAX];
static size_t default_count;

static const char *const variables[] = {
    "case_number", "check_code", "service", "office", "office_phone", "office_url", "deadline",
    "items", "reason", "new_date", "progress_url", "case_url", "date", "time", "place",
    /* messages not tied to a case (notify_subject_event) */
    "number", "link", "rating_url", "answer", "agency", "category",
    /* the outcome documents of a ready case */
    "documents",
    /* a queue ticket's "your turn is near" (domain/queue.h): people ahead */
    "ahead",
    /* the case's survey link (domain/survey.h) */
    "survey_url"};

static int refuse(const char **reason, const char *key, char *detail, size_t size, struct str what)
{
  *reason = key;
  snprintf(detail, size, "%.*s", (int)(what.len > 80 ? 80 : what.len), what.ptr);
  return ST_INVALID;
}

int notify_template_check(const char *channel, const char *subject, const char *body,
                          const char **reason, char *detail, size_t detail_size)
{
  bool email = channel && !strcmp(channel, "email");
  detail[0] = '\0';
  if (!notify_channel_valid(channel))
    return refuse(reason, "notice_err_channel", detail, detail_size, STR_LIT(""));
  if (!body || str_trim(str_from(body)).len == 0 || !str_valid_text(str_from(body), true))
    return refuse(reason, "notice_err_body", detail, detail_size, STR_LIT(""));
  if (strlen(body) > NOTIFY_BODY_MAX_BYTES)
    return refuse(reason, "notice_err_too_long", detail, detail_size, STR_LIT(""));
  if (email && (!subject || str_trim(str_from(subject)).len == 0 ||
                !str_valid_text(str_from(subject), false) ||
                text_length(subject) > NOTIFY_SUBJECT_MAX_CHARS))
    return refuse(reason, "notice_err_subject", detail, detail_size, STR_LIT(""));
  return ST_OK; /* the syntax and the variables: render/message.h message_check */
}

const char *const *notify_variables(size_t *count)
{
  *count = ARRAY_LEN(variables);
  return variables;
}

json_t *notify_sample_vars(const char *lang)
{
  json_t *v;
  if (lang && !strcmp(lang, "en"))
    v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "case_number",
                  "115-HB04-000123", "service", "Registration of transfer by sale", "office",
                  "Xinxing Land Office, Kaohsiung", "deadline", "17 Mar 2026", "items",
                  "copy of ID card; seal certificate", "reason", "the tax office must be consulted",
                  "new_date", "20 Mar 2026", "progress_url",
                  "https://office.example/o/xinxing/progress", "date", "24 Mar 2026", "time",
                  "09:30", "place", "the corner of parcel 123 (north boundary stone)");
  else
    v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "case_number",
                  "115-HB04-000123", "service", "買賣移轉登記", "office",
                  "高雄市政府地政局新興地政事務所", "deadline", "115年3月17日", "items",
                  "身分證影本；印鑑證明", "reason", "須會辦稅捐機關", "new_date", "115年3月20日",
                  "progress_url", "https://office.example/o/xinxing/progress", "date",
                  "115年3月24日", "time", "09:30", "place", "新興段123地號北側界樁");
  json_t *more = json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "check_code", "482913", "office_phone",
      "07-2358200", "office_url", "https://office.example/o/xinxing/", "case_url",
      "https://office.example/p/Qm9va21hcmsgdGhpcyBsaW5r", "number", "115-PE01-000012", "link",
      "https://office.example/o/xinxing/progress?number=115-PE01-000012&check=482913", "rating_url",
      "https://office.example/o/xinxing/petition/rate/Qm9va21hcms", "agency",
      lang && !strcmp(lang, "en") ? "Kaohsiung City Police Department" : "高雄市政府警察局");
  json_object_set_new(more, "documents", json_string("zoning-certificate.pdf"));
  json_object_set_new(more, "ahead", json_string("3"));
  json_object_set_new(more, "survey_url",
                      json_string("https://office.example/s/Qm9va21hcmsgdGhpcyBsaW5r"));
  if (!v || !more || json_object_update(v, more)) {
    json_decref(v);
    v = NULL;
  }
  json_decref(more);
  return v;
}

/* ---- the SMS count ------------------------------------------------------------------------ */

/* The next code point of valid UTF-8 at *p (advancing it). */
static unsigned next_code_point(const unsigned char **p)
{
  const unsigned char *s = *p;
  unsigned c = s[0];
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  c = extra == 3 ? c & 0x07 : extra == 2 ? c & 0x0F : extra == 1 ? c & 0x1F : c;
  for (int i = 1; i <= extra && s[i]; i++)
    c = (c << 6) | (s[i] & 0x3F);
  *p = s + 1 + extra;
  return c;
}

/* Units of c in GSM 7-bit (0 when c is not in the basic set or its extension). The accented
 * letters of the basic set are left out: they are rare in our messages and counting them as
 * UCS-2 only errs towards more parts. */
static size_t gsm_units(unsigned c)
{
  if (c == '\n' || c == '\r')
    return 1;
  if (c < 0x20 || c > 0x7E || c == '`')
    return 0;
  return strchr("^{}\\[]~|", (int)c) ? 2 : 1;
}

void notify_sms_count(const char *text, struct notify_sms_count *out)
{
  size_t gsm = 0, ucs2 = 0;
  bool all_gsm = true;
  const unsigned char *p = (const unsigned char *)(text ? text : "");
  while (*p) {
    unsigned c = next_code_point(&p);
    size_t g = gsm_units(c);
    all_gsm = all_gsm && g;
    gsm += g;
    ucs2 += c > 0xFFFF ? 2 : 1;
  }
  out->ucs2 = !all_gsm;
  out->units = all_gsm ? gsm : ucs2;
  size_t single = all_gsm ? NOTIFY_SMS_SINGLE_GSM : NOTIFY_SMS_SINGLE_UCS2;
  size_t part = all_gsm ? NOTIFY_SMS_PART_GSM : NOTIFY_SMS_PART_UCS2;
  out->parts = out->units == 0 ? 0 : out->units <= single ? 1 : (out->units + part - 1) / part;
  out->per_part = out->parts <= 1 ? single : part;
  out->left = out->parts == 0 ? single : out->per_part * out->parts - out->units;
}

/* ---- the shipped templates ---------------------------------------------------------------- */

static int read_file(const char *path, char **out)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return ST_IO;
  char *data = malloc(TEMPLATE_FILE_MAX + 1);
  size_t n = data ? fread(data, 1, TEMPLATE_FILE_MAX + 1, f) : 0;
  fclose(f);
  if (!data || n > TEMPLATE_FILE_MAX) {
    free(data);
    return data ? ST_LIMIT : ST_NOMEM;
  }
  data[n] = '\0';
  while (n && strchr(" \t\r\n", data[n - 1]))
    data[--n] = '\0';
  *out = data;
  return ST_OK;
}

/* Splits an e-mail file: the first line is the subject, then an empty line, then the body. */
static int split_email(char *data, char **subject, char **body)
{
  char *nl = strchr(data, '\n');
  if (!nl || nl[1] != '\n')
    return ST_INVALID;
  *nl = '\0';
  *subject = malloc(strlen(data) + 1);
  *body = malloc(strlen(nl + 2) + 1);
  if (!*subject || !*body) {
    free(*subject);
    free(*body);
    return ST_NOMEM;
  }
  memcpy(*subject, data, strlen(data) + 1);
  memcpy(*body, nl + 2, strlen(nl + 2) + 1);
  return ST_OK;
}

/* "received.sms.zh-TW.mustache" -> its three parts; false for other names. */
static bool parse_name(const char *file, struct default_template *t)
{
  char parts[3][NAME_PART_MAX];
  const char *p = file;
  for (int i = 0; i < 3; i++) {
    size_t len = strcspn(p, ".");
    if (p[len] != '.' || len == 0 || len >= NAME_PART_MAX)
      return false;
    memcpy(parts[i], p, len);
    parts[i][len] = '\0';
    p += len + 1;
  }
  if (strcmp(p, "mustache") != 0 || !notify_event_find(parts[0]) ||
      !notify_channel_valid(parts[1]) || !notify_lang_valid(parts[2]))
    return false;
  memcpy(t->event, parts[0], NAME_PART_MAX);
  memcpy(t->channel, parts[1], NAME_PART_MAX);
  memcpy(t->lang, parts[2], NAME_PART_MAX);
  return true;
}

static int load_one(const char *dir, const char *file, char *err, size_t err_size)
{
  char path[1024];
  struct default_template t = {0};
  snprintf(path, sizeof(path), "%s/%s", dir, file);
  if (!parse_name(file, &t))
    return ST_OK; /* not a message template */
  if (default_count == DEFAULTS_MAX)
    return ST_LIMIT;
  char *data = NULL;
  int rc = read_file(path, &data);
  if (!rc && !strcmp(t.channel, "email"))
    rc = split_email(data, &t.subject, &t.body);
  else if (!rc) {
    t.body = data;
    data = NULL;
    t.subject = calloc(1, 1);
  }
  free(data);
  const char *reason = NULL;
  char detail[128] = "";
  if (!rc && (rc = notify_template_check(t.channel, t.subject, t.body, &reason, detail,
                                         sizeof(detail))) != ST_OK)
    snprintf(err, err_size, "%s: %s %s", path, reason, detail);
  else if (rc)
    snprintf(err, err_size, "%s: cannot read (%s)", path, status_name(rc));
  if (rc) {
    free(t.subject);
    free(t.body);
    return rc;
  }
  defaults[default_count++] = t;
  return ST_OK;
}

int notify_templates_load_dir(const char *dir, char *err, size_t err_size)
{
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, err_size, "cannot open message templates folder %s", dir);
    return ST_IO;
  }
  struct dirent *entry;
  int rc = ST_OK;
  while (!rc && (entry = readdir(d)) != NULL)
    if (entry->d_name[0] != '.')
      rc = load_one(dir, entry->d_name, err, err_size);
  closedir(d);
  return rc;
}

int notify_template_default(const char *event, const char *channel, const char *lang,
                            const char **subject, const char **body)
{
  for (size_t i = 0; i < default_count; i++) {
    const struct default_template *t = &defaults[i];
    if (!strcmp(t->event, event) && !strcmp(t->channel, channel) && !strcmp(t->lang, lang)) {
      *subject = t->subject;
      *body = t->body;
      return ST_OK;
    }
  }
  return ST_NOTFOUND;
}

size_t notify_template_default_count(void)
{
  return default_count;
}

int notify_template_default_at(size_t i, struct notify_template_key *key, const char **subject,
                               const char **body)
{
  if (i >= default_count)
    return ST_NOTFOUND;
  *key = (struct notify_template_key){defaults[i].event, defaults[i].channel, defaults[i].lang};
  *subject = defaults[i].subject;
  *body = defaults[i].body;
  return ST_OK;
}
