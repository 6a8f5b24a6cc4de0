/*
 * survey_build.c - the survey builder's forms (survey.h, survey_edit_apply): one change at a
 * time to a survey's definition, made on its JSON (the same text the JSON editor shows, the
 * export downloads and the import takes) and checked by survey_parse before it is saved, so the
 * builder and the JSON editor refuse the same faults with the same words.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "domain/audit.h"
#include "domain/read_model.h"
#include "domain/survey.h"
#include "store/store.h"
#include "store/survey.h"

#include "base/common.h"

enum { LINE_MAX_BYTES = 600, VALUE_MAX_BYTES = 40 };

static const char *or_empty(const char *s)
{
  return s ? s : "";
}

static int fail(const char **error, const char *key, const char **where, const char *code)
{
  *error = key;
  *where = code ? code : "";
  return ST_INVALID;
}

/* The index of the member of list whose "code" is code; -1 when none. */
static long index_of(json_t *list, const char *code)
{
  json_t *item;
  size_t i;
  json_array_foreach(list, i, item)
  {
    const char *c = json_string_value(json_object_get(item, "code"));
    if (c && !strcmp(c, code))
      return (long)i;
  }
  return -1;
}

/* s without the spaces around it, in a fixed buffer (cut at size - 1 bytes). */
static const char *trimmed(const char *s, size_t len, char *out, size_t size)
{
  while (len && (*s == ' ' || *s == '\t' || *s == '\r'))
    s++, len--;
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
    len--;
  len = len < size - 1 ? len : size - 1;
  memcpy(out, s, len);
  out[len] = '\0';
  return out;
}

/* One option line "code | 中文 | English", "中文 | English" or "中文" (code "o<number>"). */
static json_t *option_of(const char *line, size_t len, size_t number)
{
  char parts[3][LINE_MAX_BYTES];
  size_t count = 0;
  const char *at = line, *end = line + len;
  while (count < 3) {
    const char *bar = memchr(at, '|', (size_t)(end - at));
    const char *stop = bar && count < 2 ? bar : end;
    trimmed(at, (size_t)(stop - at), parts[count++], sizeof(parts[0]));
    if (stop == end)
      break;
    at = stop + 1;
  }
  char code[16];
  snprintf(code, sizeof(code), "o%zu", number);
  if (count == 3)
    return json_pack("{s:s, s:s, s:s}", "code", parts[0], "zh", parts[1], "en", parts[2]);
  return json_pack("{s:s, s:s, s:s}", "code", code, "zh", parts[0], "en",
                   count == 2 ? parts[1] : "");
}

static bool blank(const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
      return false;
  return true;
}

/* The options textarea as a JSON list (blank lines skipped). */
static json_t *options_of(const char *text)
{
  json_t *list = json_array();
  const char *at = text;
  while (list && *at) {
    const char *nl = strchr(at, '\n');
    size_t len = nl ? (size_t)(nl - at) : strlen(at);
    if (!blank(at, len) &&
        json_array_append_new(list, option_of(at, len, json_array_size(list) + 1)))
      return json_decref(list), NULL;
    at = nl ? nl + 1 : at + len;
  }
  return list;
}

/* "1, 2 3" -> ["1", "2", "3"]. */
static json_t *values_of(const char *text)
{
  json_t *list = json_array();
  const char *at = text;
  while (list && *at) {
    size_t len = strcspn(at, ", \t\r\n");
    char value[VALUE_MAX_BYTES + 1];
    if (len && json_array_append_new(list, json_string(trimmed(at, len, value, sizeof(value)))))
      return json_decref(list), NULL;
    at += len + (at[len] ? 1 : 0);
  }
  return list;
}

/* A code for a new question: "q<n>" for the first n no question has. */
static const char *new_code(json_t *questions, char *out, size_t size)
{
  for (size_t n = 1;; n++) {
    snprintf(out, size, "q%zu", n);
    if (index_of(questions, out) < 0)
      return out;
  }
}

/* The question object the form describes (options only for a choice). */
static json_t *question_of(const struct survey_edit *e, const char *code)
{
  const char *kind = or_empty(e->kind);
  json_t *q =
      json_pack("{s:s, s:s, s:s, s:s, s:b}", "code", code, "kind", kind, "text_zh",
                or_empty(e->text_zh), "text_en", or_empty(e->text_en), "required", e->required);
  bool choice = !strcmp(kind, "single") || !strcmp(kind, "multi");
  if (q && choice && json_object_set_new(q, "options", options_of(or_empty(e->options))))
    return json_decref(q), NULL;
  if (q && *or_empty(e->when_question) &&
      json_object_set_new(q, "when",
                          json_pack("{s:s, s:o}", "question", e->when_question, "in",
                                    values_of(or_empty(e->when_values)))))
    return json_decref(q), NULL;
  return q;
}

/* Conditions naming question from now name to (a question renamed). */
static void rename_conditions(json_t *questions, const char *from, const char *to)
{
  json_t *q;
  size_t i;
  json_array_foreach(questions, i, q)
  {
    json_t *when = json_object_get(q, "when");
    const char *on = json_string_value(json_object_get(when, "question"));
    if (on && !strcmp(on, from))
      json_object_set_new(when, "question", json_string(to));
  }
}

/* An unknown kind is left to survey_parse to name, as in the JSON editor. */
static int edit_question(json_t *questions, const struct survey_edit *e)
{
  char made[16];
  long at = *or_empty(e->target) ? index_of(questions, e->target) : -1;
  if (*or_empty(e->target) && at < 0)
    return ST_NOTFOUND;
  const char *code = *or_empty(e->code) ? e->code
                     : at >= 0          ? e->target
                                        : new_code(questions, made, sizeof(made));
  json_t *q = question_of(e, code);
  if (!q)
    return ST_NOMEM;
  if (at < 0)
    return json_array_append_new(questions, q) ? ST_NOMEM : ST_OK;
  if (strcmp(code, e->target) != 0)
    rename_conditions(questions, e->target, code);
  return json_array_set_new(questions, (size_t)at, q) ? ST_NOMEM : ST_OK;
}

/* Moves the member at of list by one place (step -1 up, +1 down); at an end it stays. */
static int move(json_t *list, long at, int step)
{
  long to = at + step;
  if (to < 0 || (size_t)to >= json_array_size(list))
    return ST_OK;
  json_t *item = json_incref(json_array_get(list, (size_t)at));
  int rc = json_array_remove(list, (size_t)at) || json_array_insert_new(list, (size_t)to, item)
               ? ST_NOMEM
               : ST_OK;
  return rc;
}

static json_t *wave_of(const struct survey_edit *e)
{
  return json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", or_empty(e->code), "name_zh",
                   or_empty(e->name_zh), "name_en", or_empty(e->name_en), "opens",
                   or_empty(e->opens), "closes", or_empty(e->closes));
}

static int edit_wave(json_t *def, const struct survey_edit *e)
{
  json_t *waves = json_object_get(def, "waves");
  if (!waves) {
    waves = json_array();
    if (!waves || json_object_set_new(def, "waves", waves))
      return ST_NOMEM;
  }
  long at = *or_empty(e->target) ? index_of(waves, e->target) : -1;
  if (*or_empty(e->target) && at < 0)
    return ST_NOTFOUND;
  if (e->action == SURVEY_EDIT_WAVE_REMOVE)
    return at < 0 || json_array_remove(waves, (size_t)at) ? ST_NOTFOUND : ST_OK;
  json_t *w = wave_of(e);
  if (!w)
    return ST_NOMEM;
  int failed = at < 0 ? json_array_append_new(waves, w) : json_array_set_new(waves, (size_t)at, w);
  return failed ? ST_NOMEM : ST_OK;
}

static int edit_settings(json_t *def, const struct survey_edit *e)
{
  return json_object_set_new(def, "title_zh", json_string(or_empty(e->title_zh))) ||
                 json_object_set_new(def, "title_en", json_string(or_empty(e->title_en))) ||
                 json_object_set_new(def, "measure", json_string(or_empty(e->measure))) ||
                 json_object_set_new(def, "collect", json_string(or_empty(e->collect)))
             ? ST_NOMEM
             : ST_OK;
}

int survey_definition_edit(json_t *def, const struct survey_edit *e, const char **error,
                           const char **where)
{
  json_t *questions = json_object_get(def, "questions");
  *error = "";
  *where = "";
  if (!json_is_object(def) || (questions && !json_is_array(questions)))
    return fail(error, "survey_err_json", where, NULL);
  long at = index_of(questions, or_empty(e->target));
  switch (e->action) {
  case SURVEY_EDIT_SETTINGS:
    return edit_settings(def, e);
  case SURVEY_EDIT_QUESTION:
    return edit_question(questions, e);
  case SURVEY_EDIT_QUESTION_REMOVE:
    return at < 0 || json_array_remove(questions, (size_t)at) ? ST_NOTFOUND : ST_OK;
  case SURVEY_EDIT_QUESTION_UP:
  case SURVEY_EDIT_QUESTION_DOWN:
    return at < 0 ? ST_NOTFOUND
                  : move(questions, at, e->action == SURVEY_EDIT_QUESTION_UP ? -1 : 1);
  case SURVEY_EDIT_WAVE:
  case SURVEY_EDIT_WAVE_REMOVE:
    return edit_wave(def, e);
  }
  return ST_INVALID;
}

/* ---- saving --------------------------------------------------------------------------------- */

/* Checks def with survey_parse and puts it, inside the caller's transaction. */
static int put_checked(struct store *store, struct arena *arena, const struct audit_actor *who,
                       json_t *def, time_t now, int64_t *id, const char **error, const char **where)
{
  struct survey s;
  int rc = survey_parse(arena, def, &s, error, where);
  char *canonical = rc ? NULL : json_dumps(def, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (!rc && (!canonical || strlen(canonical) > SURVEY_DEFINITION_MAX))
    rc = canonical ? fail(error, "survey_err_json", where, NULL) : ST_NOMEM;
  if (!rc) {
    struct store_survey_put put = {who->office_id, s.slug,     s.measure, s.collect,
                                   s.title_zh,     s.title_en, canonical, (int64_t)now};
    rc = store_survey_put(store, &put, id);
  }
  const char *object = rc ? NULL : arena_printf(arena, "%lld", (long long)*id);
  if (!rc)
    rc = audit_record(store, who, "survey.build", "survey", object ? object : "", NULL);
  free(canonical);
  return rc;
}

/* The stored definition of the office's survey id, and its version. */
static int definition_of(struct store *store, int64_t office_id, int64_t id, json_t **def,
                         int64_t *version)
{
  json_t *row = NULL;
  int rc = store_survey_get(store, office_id, id, NULL, &row);
  const char *text = rc ? NULL : json_string_value(json_object_get(row, "definition"));
  *def = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
  *version = read_model_int(row, "updated_at");
  json_decref(row);
  return rc ? rc : *def ? ST_OK : ST_DB;
}

int survey_edit_apply(struct store *store, struct arena *arena, const struct audit_actor *who,
                      int64_t id, const struct survey_edit *e, time_t now, const char **error,
                      const char **where)
{
  json_t *def = NULL;
  int64_t version = 0, saved = 0;
  *error = "";
  *where = "";
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = definition_of(store, who->office_id, id, &def, &version);
  if (!rc && e->version && e->version != version)
    rc = ST_CONFLICT;
  if (!rc)
    rc = survey_definition_edit(def, e, error, where);
  if (!rc)
    rc = put_checked(store, arena, who, def, now, &saved, error, where);
  rc = rc ? (store_rollback(store), rc) : store_commit(store);
  json_decref(def);
  return rc;
}

int survey_create(struct store *store, struct arena *arena, const struct audit_actor *who,
                  const struct survey_edit *e, time_t now, int64_t *id, const char **error,
                  const char **where)
{
  json_t *row = NULL;
  json_t *def = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:b, s:s, s:s}]}", "slug",
                          or_empty(e->code), "measure", or_empty(e->measure), "collect",
                          or_empty(e->collect), "title_zh", or_empty(e->title_zh), "title_en",
                          or_empty(e->title_en), "questions", "code", "overall", "kind", "scale5",
                          "required", 1, "text_zh", "整體而言，您對本次服務滿意嗎？", "text_en",
                          "Overall, how satisfied are you with the service?");
  *error = "";
  *where = "";
  int rc = def ? store_begin(store) : ST_NOMEM;
  if (rc)
    return json_decref(def), rc;
  rc = store_survey_get(store, who->office_id, 0, or_empty(e->code), &row);
  rc = rc == ST_NOTFOUND ? ST_OK : rc ? rc : ST_CONFLICT;
  if (!rc)
    rc = put_checked(store, arena, who, def, now, id, error, where);
  rc = rc ? (store_rollback(store), rc) : store_commit(store);
  json_decref(row);
  json_decref(def);
  return rc;
}
