/*
 * notify_template.c - message templates: the shipped defaults, checking an edited template
 * (known variables only, no partials, balanced sections), rendering (text without HTML
 * escaping; the e-mail's HTML part through layout.html), and the SMS length count.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/text.h"
#include "domain/notify.h"
#include "render/mustache.h"

#include "base/common.h"

enum {
  DEFAULTS_MAX = 128,
  TEMPLATE_FILE_MAX = 16 * 1024,
  RENDER_MAX = 64 * 1024,
  NAME_PART_MAX = 40
};

struct default_template {
  char event[NAME_PART_MAX];
  char channel[NAME_PART_MAX];
  char lang[NAME_PART_MAX];
  char *subject;
  char *body;
};

static struct default_template defaults[DEFAULTS_MAX];
static size_t default_count;
static char *layout_html;

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

static bool variable_known(struct str name)
{
  if (str_eq_cstr(name, "."))
    return true;
  for (size_t i = 0; i < ARRAY_LEN(variables); i++)
    if (str_eq_cstr(name, variables[i]))
      return true;
  return false;
}

static int refuse(const char **reason, const char *key, char *detail, size_t size, struct str what)
{
  *reason = key;
  snprintf(detail, size, "%.*s", (int)(what.len > 80 ? 80 : what.len), what.ptr);
  return ST_INVALID;
}

/* Tags a message template may not use: partials, delimiter changes, inheritance. */
static bool tag_refused(char sigil)
{
  return sigil == '>' || sigil == '=' || sigil == '<' || sigil == '$';
}

/* The variable name of a tag's inside (after its sigil, if any). */
static struct str tag_name(struct str inner, char sigil)
{
  bool sigiled = sigil == '#' || sigil == '^' || sigil == '/' || sigil == '&' || sigil == '{';
  if (sigiled) {
    inner.ptr++;
    inner.len--;
  }
  return str_trim(inner);
}

/* One tag's inside (between the braces): appends its text-mode form to out (variables
 * unescaped, comments dropped) or refuses it. */
static int scan_tag(struct str inner, struct buf *out, const char **reason, char *detail,
                    size_t size)
{
  inner = str_trim(inner);
  char sigil = inner.len ? inner.ptr[0] : '\0';
  if (sigil == '!')
    return ST_OK;
  if (tag_refused(sigil))
    return refuse(reason, "notice_err_tag", detail, size, inner);
  bool section = sigil == '#' || sigil == '^' || sigil == '/';
  struct str name = tag_name(inner, sigil);
  if (name.len == 0)
    return refuse(reason, "notice_err_syntax", detail, size, inner);
  if (!variable_known(name))
    return refuse(reason, "notice_err_unknown_variable", detail, size, name);
  int rc = buf_puts(out, "{{");
  if (!rc)
    rc = buf_putc(out, section ? sigil : '&');
  if (!rc)
    rc = buf_append(out, name.ptr, name.len);
  return rc ? rc : buf_puts(out, "}}");
}

static int line_of(const char *start, const char *at)
{
  int line = 1;
  for (const char *p = start; p < at; p++)
    line += *p == '\n';
  return line;
}

/* Rewrites a template for text rendering (every variable unescaped) while checking it. */
static int scan_template(const char *src, struct buf *out, const char **reason, char *detail,
                         size_t size)
{
  const char *p = src;
  int rc = ST_OK;
  while (!rc && *p) {
    const char *open = strstr(p, "{{");
    if (!open)
      return buf_puts(out, p);
    rc = buf_append(out, p, (size_t)(open - p));
    bool triple = open[2] == '{';
    const char *close = strstr(open + 2, triple ? "}}}" : "}}");
    if (!rc && !close) {
      *reason = "notice_err_unclosed";
      snprintf(detail, size, "%d", line_of(src, open));
      return ST_INVALID;
    }
    if (!rc)
      rc = scan_tag((struct str){open + 2, (size_t)(close - open - 2)}, out, reason, detail, size);
    p = close ? close + (triple ? 3 : 2) : p;
  }
  return rc;
}

/* Checks and compiles one template under name into set. */
static int compile(struct mustache_set *set, const char *name, const char *src, const char **reason,
                   char *detail, size_t size)
{
  struct buf out;
  buf_init(&out, RENDER_MAX);
  int rc = scan_template(src, &out, reason, detail, size);
  char err[256];
  if (!rc && mustache_set_add(set, name, out.data ? out.data : "", out.len, err, sizeof(err))) {
    *reason = "notice_err_syntax";
    const char *colon = strstr(err, ": ");
    snprintf(detail, size, "%s", colon ? colon + 2 : err);
    rc = ST_INVALID;
  }
  buf_free(&out);
  return rc;
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
  struct mustache_set *set = mustache_set_new();
  if (!set)
    return ST_NOMEM;
  int rc = compile(set, "body", body, reason, detail, detail_size);
  if (!rc && email)
    rc = compile(set, "subject", subject, reason, detail, detail_size);
  mustache_set_free(set);
  return rc;
}

/* Renders template name of set with vars into a malloc'd string, trailing blanks removed. */
static int render_one(struct mustache_set *set, const char *name, json_t *vars, char **out)
{
  struct buf b;
  buf_init(&b, RENDER_MAX);
  json_t *stack[] = {vars};
  int rc = mustache_render(set, name, stack, 1, &b);
  while (!rc && b.len && strchr(" \t\r\n", b.data[b.len - 1]))
    b.data[--b.len] = '\0';
  size_t len;
  *out = rc ? NULL : buf_detach(&b, &len);
  if (!rc && !*out)
    *out = calloc(1, 1);
  buf_free(&b);
  return rc ? rc : (*out ? ST_OK : ST_NOMEM);
}

/* The plain text as paragraphs of lines, the data of layout.html. */
static json_t *paragraphs(const char *text)
{
  json_t *list = json_array(), *lines = NULL;
  const char *p = text;
  while (list && *p) {
    size_t len = strcspn(p, "\n");
    struct str line = str_trim((struct str){p, len});
    if (line.len == 0) {
      lines = NULL;
    } else {
      if (!lines) {
        lines = json_array();
        json_array_append_new(list, json_pack("{s:o}", "lines", lines));
      }
      json_array_append_new(lines, json_pack("{s:s%, s:b}", "text", line.ptr, line.len, "first",
                                             json_array_size(lines) == 0));
    }
    p += len + (p[len] == '\n');
  }
  return list;
}

static int render_html(const char *lang, const char *subject, const char *text, char **html)
{
  *html = NULL;
  if (!layout_html)
    return ST_OK; /* text only */
  struct mustache_set *set = mustache_set_new();
  char err[256];
  int rc = set ? mustache_set_add(set, "layout", layout_html, strlen(layout_html), err, sizeof(err))
               : ST_NOMEM;
  json_t *data = json_pack("{s:s, s:s, s:o}", "lang", lang, "subject", subject, "paragraphs",
                           paragraphs(text));
  if (!rc)
    rc = data ? render_one(set, "layout", data, html) : ST_NOMEM;
  json_decref(data);
  mustache_set_free(set);
  return rc;
}

/* The subject on one line. */
static void one_line(char *s)
{
  for (; s && *s; s++)
    if (*s == '\n' || *s == '\r' || *s == '\t')
      *s = ' ';
}

int notify_render(const char *channel, const char *lang, const char *subject_template,
                  const char *body_template, json_t *vars, char **subject, char **text, char **html,
                  const char **reason, char *detail, size_t detail_size)
{
  bool email = !strcmp(channel, "email");
  *subject = *text = *html = NULL;
  detail[0] = '\0';
  struct mustache_set *set = mustache_set_new();
  if (!set)
    return ST_NOMEM;
  int rc = compile(set, "body", body_template, reason, detail, detail_size);
  if (!rc && email)
    rc = compile(set, "subject", subject_template ? subject_template : "", reason, detail,
                 detail_size);
  if (!rc)
    rc = render_one(set, "body", vars, text);
  if (!rc)
    rc = email ? render_one(set, "subject", vars, subject) : ST_OK;
  if (!rc && !email)
    *subject = calloc(1, 1);
  one_line(*subject);
  if (!rc && email)
    rc = render_html(lang, *subject, *text, html);
  mustache_set_free(set);
  if (rc) {
    free(*subject);
    free(*text);
    *subject = *text = NULL;
    if (rc == ST_LIMIT)
      *reason = "notice_err_too_long";
  }
  return rc;
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
  bool layout = !strcmp(file, "layout.html.mustache");
  if (!layout && !parse_name(file, &t))
    return ST_OK; /* not a message template */
  if (default_count == DEFAULTS_MAX)
    return ST_LIMIT;
  char *data = NULL;
  int rc = read_file(path, &data);
  if (!rc && layout) {
    free(layout_html);
    layout_html = data;
    return ST_OK;
  }
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
