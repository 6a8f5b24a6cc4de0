/*
 * message.c - message templates to text (render/message.h): checking a template's syntax,
 * the variables of typed values (dates in the language's words, lists joined), rendering (text
 * without HTML escaping; the e-mail's HTML part through layout.html). Moved here from
 * domain/notify_template.c so the domain records messages as data (issue 14).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/civil.h"
#include "base/str.h"
#include "render/format.h"
#include "render/message.h"
#include "render/mustache.h"

#include "base/common.h"

enum { RENDER_MAX = 64 * 1024, LAYOUT_FILE_MAX = 16 * 1024 };

static char *layout_html;

/* The known variable names of the template being checked. */
struct names {
  const char *const *list;
  size_t count;
};

static bool variable_known(const struct names *names, struct str name)
{
  if (!names->list || str_eq_cstr(name, "."))
    return true; /* rendering: the template was checked when it was saved */
  for (size_t i = 0; i < names->count; i++)
    if (str_eq_cstr(name, names->list[i]))
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
static int scan_tag(const struct names *names, struct str inner, struct buf *out,
                    const char **reason, char *detail, size_t size)
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
  if (!variable_known(names, name))
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
static int scan_template(const struct names *names, const char *src, struct buf *out,
                         const char **reason, char *detail, size_t size)
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
      rc = scan_tag(names, (struct str){open + 2, (size_t)(close - open - 2)}, out, reason, detail,
                    size);
    p = close ? close + (triple ? 3 : 2) : p;
  }
  return rc;
}

/* Checks and compiles one template under name into set. */
static int compile(const struct names *names, struct mustache_set *set, const char *name,
                   const char *src, const char **reason, char *detail, size_t size)
{
  struct buf out;
  buf_init(&out, RENDER_MAX);
  int rc = scan_template(names, src, &out, reason, detail, size);
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

int message_check(const char *channel, const char *subject, const char *body,
                  const char *const *list, size_t count, const char **reason, char *detail,
                  size_t detail_size)
{
  bool email = channel && !strcmp(channel, "email");
  const struct names names = {list, count};
  detail[0] = '\0';
  if (email && !subject)
    return refuse(reason, "notice_err_subject", detail, detail_size, STR_LIT(""));
  struct mustache_set *set = mustache_set_new();
  if (!set)
    return ST_NOMEM;
  int rc = compile(&names, set, "body", body ? body : "", reason, detail, detail_size);
  if (!rc && email)
    rc = compile(&names, set, "subject", subject, reason, detail, detail_size);
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

/* Frees what a failed rendering made; ST_LIMIT says the text is too long. */
static int render_failed(int rc, char **subject, char **text, const char **reason)
{
  free(*subject);
  free(*text);
  *subject = *text = NULL;
  if (rc == ST_LIMIT)
    *reason = "notice_err_too_long";
  return rc;
}

int message_render(const char *channel, const char *lang, const char *subject_template,
                   const char *body_template, json_t *vars, char **subject, char **text,
                   char **html, const char **reason, char *detail, size_t detail_size)
{
  bool email = channel && !strcmp(channel, "email");
  const struct names any = {NULL, 0};
  subject_template = subject_template ? subject_template : "";
  *subject = *text = *html = NULL;
  detail[0] = '\0';
  struct mustache_set *set = mustache_set_new();
  if (!set)
    return ST_NOMEM;
  int rc =
      compile(&any, set, "body", body_template ? body_template : "", reason, detail, detail_size);
  if (!rc && email)
    rc = compile(&any, set, "subject", subject_template, reason, detail, detail_size);
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
  return rc ? render_failed(rc, subject, text, reason) : ST_OK;
}

/* ---- variables from values ---------------------------------------------------------------- */

/* "YYYY-MM-DD" in the language's words ("115年3月17日", "17 Mar 2026"); other text as it is. */
static json_t *date_text(const char *date, const char *lang)
{
  char out[64];
  struct civil_date d;
  if (civil_parse_iso(str_from(date), &d))
    return json_string(date);
  return json_string(format_date(d.year, d.month, d.day, lang, out, sizeof(out)) ? date : out);
}

static json_t *joined(json_t *items, const char *lang)
{
  const char *sep = strcmp(lang, "en") ? "；" : "; ";
  struct buf b;
  buf_init(&b, RENDER_MAX);
  size_t i;
  json_t *item;
  int rc = buf_puts(&b, "");
  json_array_foreach(items, i, item)
  {
    const char *v = json_string_value(item);
    if (!rc && i)
      rc = buf_puts(&b, sep);
    if (!rc && v)
      rc = buf_puts(&b, v);
  }
  json_t *out = rc ? NULL : json_string(b.data ? b.data : "");
  buf_free(&b);
  return out;
}

json_t *message_vars(json_t *values, const char *lang)
{
  json_t *vars = json_object(), *v;
  const char *key;
  lang = lang ? lang : "zh-TW";
  if (!vars)
    return NULL;
  json_object_foreach(values, key, v)
  {
    json_t *value = NULL;
    bool date = !strcmp(key, "deadline") || !strcmp(key, "new_date") || !strcmp(key, "date");
    if (json_is_array(v))
      value = joined(v, lang);
    else if (json_is_string(v))
      value = date ? date_text(json_string_value(v), lang) : json_incref(v);
    else
      continue;
    if (!value || json_object_set_new(vars, key, value)) {
      json_decref(vars);
      return NULL;
    }
  }
  return vars;
}

int message_layout_load(const char *path, char *err, size_t err_size)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, err_size, "cannot open %s", path);
    return ST_IO;
  }
  char *data = malloc(LAYOUT_FILE_MAX + 1);
  size_t n = data ? fread(data, 1, LAYOUT_FILE_MAX + 1, f) : 0;
  fclose(f);
  if (!data || n > LAYOUT_FILE_MAX) {
    free(data);
    snprintf(err, err_size, "%s: %s", path, data ? "too large" : "out of memory");
    return data ? ST_LIMIT : ST_NOMEM;
  }
  data[n] = '\0';
  while (n && strchr(" \t\r\n", data[n - 1]))
    data[--n] = '\0';
  free(layout_html);
  layout_html = data;
  return ST_OK;
}
