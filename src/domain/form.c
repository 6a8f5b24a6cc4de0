/*
 * form.c - a service's application form: checking a definition, and checking and normalising
 * answers to it (form.h).
 */
#include "domain/form.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/civil.h"
#include "base/common.h"
#include "base/str.h"
#include "base/text.h"

#define CODE_MAX     40
#define ORDER_MAX    1000
#define NUMBER_MAX   32 /* characters of a normalised number */
#define ANSWER_ARENA (64 * 1024)

const char *const form_datatypes[] = {"string", "number",          "datetime",
                                      "text",   "singlevaluelist", "multivaluelist"};
const size_t form_datatype_count = ARRAY_LEN(form_datatypes);

static const char *const question_fields[] = {
    "code",    "datatype", "required", "variable", "order", "label_zh", "label_en",
    "hint_zh", "hint_en",  "values",   "min",      "max",   "whole"};
static const char *const value_fields[] = {"key", "name_zh", "name_en"};

/* ---- checking a definition --------------------------------------------------------------- */

static bool in_list(const char *s, const char *const *list, size_t n)
{
  for (size_t i = 0; s && i < n; i++)
    if (strcmp(s, list[i]) == 0)
      return true;
  return false;
}

static bool is_code(const char *s, bool allow_upper_dash)
{
  size_t len = s ? strlen(s) : 0;
  if (len == 0 || len > CODE_MAX)
    return false;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              (allow_upper_dash && ((c >= 'A' && c <= 'Z') || c == '-'));
    if (!ok)
      return false;
  }
  return true;
}

static bool is_list_type(const char *datatype)
{
  return datatype && strstr(datatype, "valuelist") != NULL;
}

static int failf(char *err, size_t err_size, const char *path, const char *message)
{
  if (err && err_size)
    snprintf(err, err_size, "%s: %s", path, message);
  return ST_INVALID;
}

/* A one-line label of at most FORM_LABEL_MAX bytes (required: not empty). */
static bool label_ok(const json_t *object, const char *field, bool required)
{
  const json_t *v = json_object_get(object, field);
  if (!v)
    return !required;
  if (!json_is_string(v) || json_string_length(v) > FORM_LABEL_MAX)
    return false;
  struct str s = {json_string_value(v), json_string_length(v)};
  return (!required || str_trim(s).len > 0) && str_valid_text(s, false);
}

static int unknown_field(const json_t *object, const char *const *fields, size_t n,
                         const char **bad)
{
  const char *key;
  const json_t *value;
  json_object_foreach((json_t *)object, key, value)
  {
    if (!in_list(key, fields, n)) {
      *bad = key;
      return 1;
    }
  }
  return 0;
}

static int check_value(const json_t *value, const json_t *values, size_t index, const char *path,
                       char *err, size_t err_size)
{
  char where[160];
  const char *bad;
  snprintf(where, sizeof(where), "%s.values[%zu]", path, index);
  if (!json_is_object(value))
    return failf(err, err_size, where, "must be an object with key, name_zh and name_en");
  if (unknown_field(value, value_fields, ARRAY_LEN(value_fields), &bad))
    return failf(err, err_size, where, "unknown field");
  const char *key = json_string_value(json_object_get(value, "key"));
  if (!is_code(key, true))
    return failf(err, err_size, where, "key must match [A-Za-z0-9_-]{1,40}");
  for (size_t j = 0; j < index; j++)
    if (strcmp(key, json_string_value(json_object_get(json_array_get(values, j), "key"))) == 0)
      return failf(err, err_size, where, "key is used twice");
  if (!label_ok(value, "name_zh", true) || !label_ok(value, "name_en", false))
    return failf(err, err_size, where, "name_zh (required) and name_en must be one line of text");
  return ST_OK;
}

static int check_values(const json_t *q, const char *datatype, const char *path, char *err,
                        size_t err_size)
{
  const json_t *values = json_object_get(q, "values");
  if (!is_list_type(datatype)) {
    bool none = !values || (json_is_array(values) && json_array_size(values) == 0);
    return none ? ST_OK : failf(err, err_size, path, "values are only for list datatypes");
  }
  if (!json_is_array(values) || json_array_size(values) == 0 ||
      json_array_size(values) > FORM_VALUES_MAX)
    return failf(err, err_size, path, "a list question needs 1 to 50 values");
  for (size_t i = 0; i < json_array_size(values); i++) {
    int rc = check_value(json_array_get(values, i), values, i, path, err, err_size);
    if (rc)
      return rc;
  }
  return ST_OK;
}

static int check_flags(const json_t *q, const char *path, char *err, size_t err_size)
{
  const json_t *required = json_object_get(q, "required");
  const json_t *variable = json_object_get(q, "variable");
  const json_t *order = json_object_get(q, "order");
  if ((required && !json_is_boolean(required)) || (variable && !json_is_boolean(variable)))
    return failf(err, err_size, path, "required and variable must be true or false");
  if (order && (!json_is_integer(order) || json_integer_value(order) < 1 ||
                json_integer_value(order) > ORDER_MAX))
    return failf(err, err_size, path, "order must be a whole number from 1 to 1000");
  return ST_OK;
}

/* A number question's bounds: "min" and "max" numbers (min <= max), "whole" true or false. */
static int check_bounds(const json_t *q, const char *datatype, const char *path, char *err,
                        size_t err_size)
{
  const json_t *min = json_object_get(q, "min"), *max = json_object_get(q, "max");
  const json_t *whole = json_object_get(q, "whole");
  if ((min || max || whole) && strcmp(datatype, "number") != 0)
    return failf(err, err_size, path, "min, max and whole are only for numbers");
  if ((min && !json_is_number(min)) || (max && !json_is_number(max)))
    return failf(err, err_size, path, "min and max must be numbers");
  if (min && max && json_number_value(min) > json_number_value(max))
    return failf(err, err_size, path, "min must not be above max");
  if (whole && !json_is_boolean(whole))
    return failf(err, err_size, path, "whole must be true or false");
  return ST_OK;
}

static json_int_t order_of(const json_t *questions, size_t i)
{
  const json_t *order = json_object_get(json_array_get(questions, i), "order");
  return order ? json_integer_value(order) : (json_int_t)i + 1;
}

/* Codes and orders must be unique: question i against those before it. */
static int check_unique(const json_t *questions, size_t i, const char *path, char *err,
                        size_t err_size)
{
  const char *code = json_string_value(json_object_get(json_array_get(questions, i), "code"));
  for (size_t j = 0; j < i; j++) {
    const json_t *other = json_array_get(questions, j);
    if (strcmp(code, json_string_value(json_object_get(other, "code"))) == 0)
      return failf(err, err_size, path, "code is used twice");
    if (order_of(questions, i) == order_of(questions, j))
      return failf(err, err_size, path, "order is used twice");
  }
  return ST_OK;
}

static int check_question(const json_t *questions, size_t i, char *err, size_t err_size)
{
  char path[64];
  const char *bad;
  const json_t *q = json_array_get(questions, i);
  snprintf(path, sizeof(path), "questions[%zu]", i);
  if (!json_is_object(q))
    return failf(err, err_size, path, "must be an object");
  if (unknown_field(q, question_fields, ARRAY_LEN(question_fields), &bad)) {
    char where[128];
    snprintf(where, sizeof(where), "%s.%s", path, bad);
    return failf(err, err_size, where, "unknown field");
  }
  if (!is_code(json_string_value(json_object_get(q, "code")), false))
    return failf(err, err_size, path, "code must match [a-z0-9_]{1,40}");
  const char *datatype = json_string_value(json_object_get(q, "datatype"));
  if (!in_list(datatype, form_datatypes, form_datatype_count))
    return failf(err, err_size, path,
                 "datatype must be string, number, datetime, text, singlevaluelist or "
                 "multivaluelist");
  if (!label_ok(q, "label_zh", true) || !label_ok(q, "label_en", false) ||
      !label_ok(q, "hint_zh", false) || !label_ok(q, "hint_en", false))
    return failf(err, err_size, path,
                 "label_zh (required), label_en, hint_zh and hint_en must be one line of at "
                 "most 500 bytes");
  int rc = check_flags(q, path, err, err_size);
  if (!rc)
    rc = check_values(q, datatype, path, err, err_size);
  if (!rc)
    rc = check_bounds(q, datatype, path, err, err_size);
  return rc ? rc : check_unique(questions, i, path, err, err_size);
}

int form_check(const json_t *questions, char *err, size_t err_size)
{
  if (!questions)
    return ST_OK;
  if (!json_is_array(questions) || json_array_size(questions) > FORM_QUESTIONS_MAX)
    return failf(err, err_size, "questions", "must be a list of at most 40 questions");
  for (size_t i = 0; i < json_array_size(questions); i++) {
    int rc = check_question(questions, i, err, err_size);
    if (rc)
      return rc;
  }
  return ST_OK;
}

static int by_order(const void *a, const void *b)
{
  json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "order"));
  json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "order"));
  return (x > y) - (x < y);
}

json_t *form_normalise(const json_t *questions)
{
  size_t n = json_is_array(questions) ? json_array_size(questions) : 0;
  json_t **items = calloc(n ? n : 1, sizeof(*items));
  json_t *out = json_array();
  if (!items || !out) {
    free(items);
    json_decref(out);
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    json_t *q = json_deep_copy(json_array_get(questions, i));
    if (!q)
      continue;
    if (!json_object_get(q, "required"))
      json_object_set_new(q, "required", json_false());
    if (!json_object_get(q, "variable"))
      json_object_set_new(q, "variable", json_true());
    json_object_set_new(q, "order", json_integer(order_of(questions, i)));
    items[i] = q;
  }
  qsort(items, n, sizeof(*items), by_order);
  for (size_t i = 0; i < n; i++)
    if (items[i])
      json_array_append_new(out, items[i]);
  free(items);
  return out;
}

const json_t *form_question(const json_t *questions, const char *code)
{
  size_t i;
  const json_t *q;
  if (!code)
    return NULL;
  json_array_foreach((json_t *)questions, i, q)
  {
    const char *c = json_string_value(json_object_get(q, "code"));
    if (c && strcmp(c, code) == 0)
      return q;
  }
  return NULL;
}

/* ---- answers ----------------------------------------------------------------------------- */

static bool refuse(struct form_error *why, const char *key, const char *reason)
{
  why->key = key;
  why->reason = reason;
  return false;
}

/* A number typed by a person: full-width digits (already NFKC-normalised), thousands commas and
 * surrounding spaces accepted; at most 15 significant digits. Writes plain decimal. */
static bool parse_number(const char *s, char out[NUMBER_MAX])
{
  size_t n = 0, digits = 0;
  bool dot = false;
  if (*s == '-' || *s == '+') {
    if (*s == '-')
      out[n++] = '-';
    s++;
  }
  for (; *s; s++) {
    if (*s == ',' && !dot)
      continue;
    if (*s == '.' && !dot && digits > 0) {
      dot = true;
    } else if (!isdigit((unsigned char)*s) || ++digits > 15) {
      return false;
    }
    out[n++] = *s;
  }
  out[n] = '\0';
  return digits > 0 && out[n - 1] != '.';
}

static bool read_fixed(const char **s, int width, int *out)
{
  int v = 0;
  for (int i = 0; i < width; i++) {
    if (!isdigit((unsigned char)(*s)[i]))
      return false;
    v = v * 10 + ((*s)[i] - '0');
  }
  *s += width;
  *out = v;
  return true;
}

/* The year: four digits (western) or two or three (民國 years, e.g. 115 = 2026). */
static bool read_year(const char **s, int *year)
{
  size_t len = strspn(*s, "0123456789");
  if (len < 2 || len > 4 || !read_fixed(s, (int)len, year))
    return false;
  if (len < 4)
    *year = civil_gregorian_year(*year);
  return *year >= CIVIL_ROC_FIRST_YEAR && *year <= 2200;
}

/* "+08:00", "-05:30" or "Z": seconds east of UTC. */
static bool read_zone(const char **s, long *offset)
{
  int hh, mm;
  if (**s == 'Z' || **s == 'z') {
    (*s)++;
    *offset = 0;
    return true;
  }
  char sign = **s;
  if (sign != '+' && sign != '-')
    return false;
  (*s)++;
  if (!read_fixed(s, 2, &hh) || *(*s)++ != ':' || !read_fixed(s, 2, &mm) || hh > 14 || mm > 59)
    return false;
  *offset = (sign == '-' ? -1 : 1) * (hh * 3600L + mm * 60L);
  return true;
}

struct when {
  struct civil_time at; /* as written, at offset (Taipei when there is no zone) */
  bool has_time;
  long offset;
};

static bool read_time(const char **s, struct when *w)
{
  struct civil_time *at = &w->at;
  if (!read_fixed(s, 2, &at->hour) || *(*s)++ != ':' || !read_fixed(s, 2, &at->minute))
    return false;
  if (**s == ':') {
    (*s)++;
    if (!read_fixed(s, 2, &at->second))
      return false;
  }
  w->has_time = true;
  if (**s && !read_zone(s, &w->offset))
    return false; /* at once: a zone cut short ("+08") leaves *s past the NUL */
  return at->hour <= 23 && at->minute <= 59 && at->second <= 59;
}

/* ISO 8601 date or date-time ("2026-11-20", "2026/11/20", "115-11-20", "2026-11-20T09:15",
 * "2026-11-20 09:15:00+08:00", "...Z"). */
static bool parse_when(const char *s, struct when *w)
{
  memset(w, 0, sizeof(*w));
  w->offset = CIVIL_TAIPEI_UTC_OFFSET;
  struct civil_date *date = &w->at.date;
  if (!read_year(&s, &date->year))
    return false;
  char sep = *s;
  if ((sep != '-' && sep != '/') || !s++ || !read_fixed(&s, 2, &date->month) || *s++ != sep ||
      !read_fixed(&s, 2, &date->day))
    return false;
  if (!civil_valid(*date))
    return false;
  if (*s == 'T' || *s == ' ') {
    s++;
    if (!read_time(&s, w))
      return false;
  }
  return *s == '\0';
}

static json_t *format_when(const struct when *w)
{
  char out[40];
  if (!w->has_time) {
    snprintf(out, sizeof(out), "%04d-%02d-%02d", w->at.date.year, w->at.date.month, w->at.date.day);
    return json_string(out);
  }
  /* Stored as Taipei wall-clock time, whatever zone it was written in. */
  civil_taipei_iso_datetime(civil_unix(w->at, w->offset), out);
  return json_string(out);
}

/* A number answer (normalised) within the question's bounds: a whole number when it says so,
 * from min to max. */
static bool number_in_bounds(const json_t *q, const char *number, struct form_error *why)
{
  const json_t *min = json_object_get(q, "min"), *max = json_object_get(q, "max");
  double v = strtod(number, NULL);
  if (json_is_true(json_object_get(q, "whole")) && strchr(number, '.'))
    return refuse(why, "form_err_whole", "must be a whole number");
  if ((min && v < json_number_value(min)) || (max && v > json_number_value(max)))
    return refuse(why, "form_err_range", "outside the question's min and max");
  return true;
}

static bool answer_scalar(const json_t *q, const char *datatype, const char *text, json_t **out,
                          struct form_error *why)
{
  size_t chars = text_length(text);
  if (strcmp(datatype, "text") == 0) {
    if (chars > FORM_TEXT_MAX)
      return refuse(why, "form_err_too_long", "longer than 4000 characters");
    if (!str_valid_text(str_from(text), true))
      return refuse(why, "form_err_text", "contains control characters");
  } else if (chars > FORM_STRING_MAX || !str_valid_text(str_from(text), false)) {
    return refuse(why, chars > FORM_STRING_MAX ? "form_err_too_long" : "form_err_text",
                  chars > FORM_STRING_MAX ? "longer than 200 characters"
                                          : "must be one line of text");
  }
  if (strcmp(datatype, "number") == 0) {
    char number[NUMBER_MAX];
    if (!parse_number(text, number))
      return refuse(why, "form_err_number", "not a number");
    if (!number_in_bounds(q, number, why))
      return false;
    *out = json_string(number);
  } else if (strcmp(datatype, "datetime") == 0) {
    struct when w;
    if (!parse_when(text, &w))
      return refuse(why, "form_err_datetime", "not a date (YYYY-MM-DD) or date and time");
    *out = format_when(&w);
  } else {
    *out = json_string(text);
  }
  return true;
}

static bool is_value_key(const json_t *q, const char *key)
{
  size_t i;
  const json_t *v;
  json_array_foreach(json_object_get(q, "values"), i, v)
  {
    const char *k = json_string_value(json_object_get(v, "key"));
    if (key && k && strcmp(k, key) == 0)
      return true;
  }
  return false;
}

/* The chosen keys of a multivaluelist, deduplicated, in definition order. */
static bool answer_multi(const json_t *q, const json_t *chosen, json_t **out,
                         struct form_error *why)
{
  size_t i;
  const json_t *item;
  json_array_foreach((json_t *)chosen, i, item)
  {
    if (!is_value_key(q, json_string_value(item)))
      return refuse(why, "form_err_choice", "not one of the listed values");
  }
  json_t *keys = json_array();
  const json_t *v;
  json_array_foreach(json_object_get(q, "values"), i, v)
  {
    const char *key = json_string_value(json_object_get(v, "key"));
    size_t j;
    json_array_foreach((json_t *)chosen, j, item)
    {
      if (strcmp(json_string_value(item), key) == 0) {
        json_array_append_new(keys, json_string(key));
        break;
      }
    }
  }
  *out = keys;
  return true;
}

/* The submitted value as trimmed, NFKC-normalised text in the arena. */
enum scalar { SCALAR_EMPTY, SCALAR_TEXT, SCALAR_BAD };
static enum scalar trimmed(struct arena *arena, const json_t *value, const char **text)
{
  *text = NULL;
  if (json_is_integer(value) || json_is_real(value)) { /* a JSON API client's 2 for "2" */
    *text = json_is_integer(value)
                ? arena_printf(arena, "%lld", (long long)json_integer_value(value))
                : arena_printf(arena, "%.15g", json_real_value(value));
    return *text ? SCALAR_TEXT : SCALAR_BAD;
  }
  if (!json_is_string(value)) /* not given (NULL, null), or true, false, an object */
    return !value || json_is_null(value) ? SCALAR_EMPTY : SCALAR_BAD;
  struct str s = str_trim((struct str){json_string_value(value), json_string_length(value)});
  if (s.len == 0)
    return SCALAR_EMPTY;
  if (memchr(s.ptr, '\0', s.len)) /* a NUL inside the JSON string */
    return SCALAR_BAD;
  char *copy = arena_strndup(arena, s.ptr, s.len);
  *text = copy ? text_normalize(arena, copy, false) : NULL; /* NULL: not valid UTF-8 */
  return *text ? SCALAR_TEXT : SCALAR_BAD;
}

static bool answer_single(const json_t *q, const json_t *key, json_t **out, struct form_error *why)
{
  if (!is_value_key(q, json_string_value(key)))
    return refuse(why, "form_err_choice", "not one of the listed values");
  *out = json_incref((json_t *)key);
  return true;
}

static bool answer_list(const json_t *q, const char *datatype, const json_t *value, json_t **out,
                        struct form_error *why)
{
  json_t *chosen = json_is_array(value) ? json_incref((json_t *)value) : json_array();
  if (json_is_string(value) && json_string_length(value) > 0)
    json_array_append(chosen, (json_t *)value);
  size_t i;
  const json_t *item;
  bool ok = true;
  json_array_foreach(chosen, i, item)
  {
    ok = ok && json_is_string(item);
  }
  if (!ok || (strcmp(datatype, "singlevaluelist") == 0 && json_array_size(chosen) > 1))
    ok = refuse(why, "form_err_choice", "choose one of the listed values");
  else if (json_array_size(chosen) == 0)
    *out = NULL;
  else if (strcmp(datatype, "singlevaluelist") == 0)
    ok = answer_single(q, json_array_get(chosen, 0), out, why);
  else
    ok = answer_multi(q, chosen, out, why);
  json_decref(chosen);
  return ok;
}

/* Text, a list, nothing (NULL, null), or a JSON number for a number question (an API
 * client's 2 for "2"); not true, false or an object. */
static bool value_kind_ok(const json_t *value, const char *datatype)
{
  if (!value || json_is_string(value) || json_is_array(value) || json_is_null(value))
    return true;
  return json_is_number(value) && strcmp(datatype, "number") == 0;
}

bool form_answer(const json_t *q, const json_t *value, json_t **out, struct form_error *why)
{
  const char *datatype = json_string_value(json_object_get(q, "datatype"));
  bool required = json_is_true(json_object_get(q, "required"));
  *out = NULL;
  if (json_is_false(json_object_get(q, "variable")) || !datatype)
    return true;
  if (!value_kind_ok(value, datatype))
    return refuse(why, "form_err_text", "must be text");
  bool ok;
  if (is_list_type(datatype)) {
    ok = answer_list(q, datatype, value, out, why);
  } else if (json_is_array(value)) {
    ok = refuse(why, "form_err_text", "must be one value");
  } else {
    const char *text = NULL;
    struct arena *arena = arena_new(ANSWER_ARENA);
    enum scalar got = arena ? trimmed(arena, value, &text) : SCALAR_BAD;
    if (got == SCALAR_BAD)
      ok = refuse(why, "form_err_text", "not valid text");
    else
      ok = got == SCALAR_EMPTY || answer_scalar(q, datatype, text, out, why);
    arena_free(arena);
  }
  if (ok && !*out && required)
    return refuse(why, "form_err_required", "required");
  return ok;
}

bool form_answers(const json_t *questions, const json_t *answers, json_t **out,
                  const char **bad_code, struct form_error *why)
{
  const char *code;
  const json_t *value;
  size_t i;
  const json_t *q;
  *out = NULL;
  json_object_foreach((json_t *)answers, code, value)
  {
    if (!form_question(questions, code)) {
      *bad_code = code;
      return refuse(why, "form_err_unknown", "not a question of this service");
    }
  }
  json_t *result = json_object();
  json_array_foreach((json_t *)questions, i, q)
  {
    json_t *normalised;
    const char *qcode = json_string_value(json_object_get(q, "code"));
    if (!form_answer(q, json_object_get(answers, qcode), &normalised, why)) {
      *bad_code = qcode;
      json_decref(result);
      return false;
    }
    if (normalised)
      json_object_set_new(result, qcode, normalised);
  }
  *out = result;
  return true;
}

/* ---- display ----------------------------------------------------------------------------- */

const char *form_label(const json_t *q, const char *field, const char *lang)
{
  char key[32];
  if (!q || !field)
    return NULL;
  bool en = lang && strcmp(lang, "en") == 0;
  snprintf(key, sizeof(key), "%s_%s", field, en ? "en" : "zh");
  const char *text = json_string_value(json_object_get(q, key));
  if (!text || !*text) {
    snprintf(key, sizeof(key), "%s_zh", field);
    text = json_string_value(json_object_get(q, key));
  }
  return text ? text : "";
}

static const char *value_name(const json_t *q, const char *key, const char *lang)
{
  size_t i;
  const json_t *v;
  json_array_foreach(json_object_get(q, "values"), i, v)
  {
    const char *k = json_string_value(json_object_get(v, "key"));
    if (k && strcmp(k, key) == 0)
      return form_label(v, "name", lang);
  }
  return key;
}

char *form_answer_text(const json_t *q, const json_t *value, const char *lang)
{
  if (json_is_string(value)) {
    const char *datatype = json_string_value(json_object_get(q, "datatype"));
    return strdup(is_list_type(datatype) ? value_name(q, json_string_value(value), lang)
                                         : json_string_value(value));
  }
  if (!json_is_array(value))
    return strdup("");
  bool en = lang && strcmp(lang, "en") == 0;
  struct buf b;
  buf_init(&b, (size_t)FORM_VALUES_MAX * (FORM_LABEL_MAX + 4));
  size_t i;
  const json_t *item;
  json_array_foreach((json_t *)value, i, item)
  {
    if (i)
      buf_puts(&b, en ? ", " : "、");
    buf_puts(&b, value_name(q, json_string_value(item), lang));
  }
  char *text = buf_detach(&b, NULL);
  return text ? text : strdup("");
}
