/*
 * workflow.c - workflows as data (workflow.h): the shipped definitions compiled in from
 * data/workflows/<code>.json, the check of a definition, and the process-wide cache of parsed
 * versions.
 *
 * A parsed workflow holds its JSON (which owns every string) and its arrays in one heap block.
 * Versions never change once stored, so a cached workflow is valid for the life of the process
 * and callers keep plain pointers without counting references; the cache grows only with the
 * versions admins save.
 */
#include "domain/workflow.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "domain/accounts.h"
#include "store/store.h"
#include "store/workflows.h"

#include "base/common.h"
#include "workflows_json.h" /* generated from data/workflows: shipped_workflows[] */

struct owned {
  struct workflow wf; /* first: a struct workflow * is a struct owned * */
  json_t *definition;
  struct workflow_step *steps;
  struct workflow_transition *transitions;
};

static const char *text(const json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static const char *lang_text(const json_t *o, const char *key, const char *lang)
{
  return text(json_object_get(o, key), lang);
}

bool workflow_code_norm(const char *code, char out[WORKFLOW_CODE_MAX + 1])
{
  size_t n = code ? strlen(code) : 0;
  out[0] = '\0';
  if (n == 0 || n > WORKFLOW_CODE_MAX)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = code[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
    out[i] = c == '-' ? '_' : c;
  }
  out[n] = '\0';
  return true;
}

/* ---- checking a definition ------------------------------------------------------------------ */

static void problem(json_t *problems, const char *key, const char *what)
{
  json_array_append_new(problems, json_pack("{s:s, s:s}", "key", key, "what", what ? what : ""));
}

static bool code_ok(const char *code)
{
  char norm[WORKFLOW_CODE_MAX + 1];
  return workflow_code_norm(code, norm) && strcmp(norm, code) == 0;
}

static int kind_of(const char *kind)
{
  static const char *const kinds[] = {"open", "paused", "final"};
  for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
    if (strcmp(kind, kinds[i]) == 0)
      return (int)i;
  return -1;
}

static bool bool_or_absent(const json_t *o, const char *key)
{
  const json_t *v = json_object_get(o, key);
  return !v || json_is_boolean(v);
}

static bool text_ok(const json_t *o, const char *key, size_t max, bool required)
{
  const json_t *pair = json_object_get(o, key);
  const char *zh = text(pair, "zh-TW"), *en = text(pair, "en");
  if (required && (!*zh || !*en))
    return false;
  return text_length(zh) <= max && text_length(en) <= max;
}

static const json_t *find_step(const json_t *steps, const char *code)
{
  size_t i;
  const json_t *s;
  json_array_foreach(steps, i, s)
  {
    if (strcmp(text(s, "code"), code) == 0)
      return s;
  }
  return NULL;
}

static void check_step(const json_t *steps, size_t index, const json_t *s, json_t *problems)
{
  const char *code = text(s, "code");
  const json_t *days = json_object_get(s, "public_notice_days");
  if (!json_is_object(s) || !code_ok(code)) {
    problem(problems, "workflow_err_step_code", code);
    return;
  }
  if (find_step(steps, code) != json_array_get(steps, index))
    problem(problems, "workflow_err_step_twice", code);
  if (kind_of(text(s, "kind")) < 0)
    problem(problems, "workflow_err_step_kind", code);
  if (!text_ok(s, "names", WORKFLOW_NAME_MAX, true))
    problem(problems, "workflow_err_step_names", code);
  if (!text_ok(s, "plain", WORKFLOW_PLAIN_MAX, false))
    problem(problems, "workflow_err_step_plain", code);
  if (days && (!json_is_integer(days) || json_integer_value(days) < 0 ||
               json_integer_value(days) > WORKFLOW_NOTICE_DAYS_MAX))
    problem(problems, "workflow_err_notice_days", code);
  if (!bool_or_absent(s, "completed") || !bool_or_absent(s, "clock_stops") ||
      !bool_or_absent(s, "appointment") || !bool_or_absent(s, "outcome_document"))
    problem(problems, "workflow_err_step_flags", code);
}

/* The ROLE_* bits of a JSON array of role names; 0 when it is empty or names an unknown role. */
static unsigned roles_of(const json_t *list)
{
  unsigned roles = 0;
  size_t i;
  const json_t *r;
  if (!json_is_array(list))
    return 0;
  json_array_foreach(list, i, r)
  {
    unsigned bit = 0;
    for (unsigned b = 1; b & ROLE_ALL; b <<= 1)
      if (role_name(b) && json_string_value(r) && strcmp(role_name(b), json_string_value(r)) == 0)
        bit = b;
    if (!bit)
      return 0;
    roles |= bit;
  }
  return roles;
}

static void check_transition(const json_t *steps, const json_t *t, json_t *problems)
{
  const char *from = text(t, "from"), *to = text(t, "to");
  char what[2 * WORKFLOW_CODE_MAX + 8];
  snprintf(what, sizeof(what), "%.40s → %.40s", from, to);
  if (strcmp(from, "*") != 0 && !find_step(steps, from))
    problem(problems, "workflow_err_unknown_step", from);
  if (!find_step(steps, to))
    problem(problems, "workflow_err_unknown_step", to);
  if (!roles_of(json_object_get(t, "roles")))
    problem(problems, "workflow_err_roles", what);
  if (!bool_or_absent(t, "note_required"))
    problem(problems, "workflow_err_step_flags", what);
}

/* Whether any transition leads into step (from a reached step) not yet reached. */
static bool reach_once(const json_t *steps, const json_t *transitions, bool *reached)
{
  bool more = false;
  size_t i;
  const json_t *t;
  json_array_foreach(transitions, i, t)
  {
    const json_t *to = find_step(steps, text(t, "to"));
    size_t ti = 0;
    for (; to && ti < json_array_size(steps) && json_array_get(steps, ti) != to; ti++)
      ;
    if (!to || reached[ti])
      continue;
    const char *from = text(t, "from");
    for (size_t fi = 0; fi < json_array_size(steps); fi++) {
      const json_t *f = json_array_get(steps, fi);
      bool matches = strcmp(from, "*") == 0 ? kind_of(text(f, "kind")) != 2
                                            : strcmp(from, text(f, "code")) == 0;
      if (reached[fi] && matches) {
        reached[ti] = more = true;
        break;
      }
    }
  }
  return more;
}

static void check_reachable(const json_t *steps, const json_t *transitions, const char *initial,
                            json_t *problems)
{
  size_t n = json_array_size(steps);
  bool reached[WORKFLOW_STEPS_MAX] = {false}, any_final = false;
  for (size_t i = 0; i < n; i++)
    reached[i] = strcmp(text(json_array_get(steps, i), "code"), initial) == 0;
  while (reach_once(steps, transitions, reached))
    ;
  for (size_t i = 0; i < n; i++) {
    const json_t *s = json_array_get(steps, i);
    any_final = any_final || kind_of(text(s, "kind")) == 2;
    if (!reached[i])
      problem(problems, "workflow_err_unreachable", text(s, "code"));
  }
  if (!any_final)
    problem(problems, "workflow_err_no_final", "");
}

static void check_shape(const json_t *def, json_t *problems)
{
  const json_t *steps = json_object_get(def, "steps");
  const json_t *transitions = json_object_get(def, "transitions");
  const json_t *first = find_step(steps, text(def, "initial"));
  size_t i;
  const json_t *v;
  if (!code_ok(text(def, "code")))
    problem(problems, "workflow_err_code", text(def, "code"));
  if (!text_ok(def, "names", WORKFLOW_NAME_MAX, true))
    problem(problems, "workflow_err_names", text(def, "code"));
  if (!json_is_array(steps) || !json_array_size(steps) ||
      json_array_size(steps) > WORKFLOW_STEPS_MAX)
    problem(problems, "workflow_err_steps", "");
  if (!json_is_array(transitions) || json_array_size(transitions) > WORKFLOW_TRANSITIONS_MAX)
    problem(problems, "workflow_err_transitions", "");
  if (!first || kind_of(text(first, "kind")) == 2)
    problem(problems, "workflow_err_initial", text(def, "initial"));
  if (json_array_size(problems))
    return;
  json_array_foreach(steps, i, v) check_step(steps, i, v, problems);
  json_array_foreach(transitions, i, v) check_transition(steps, v, problems);
  if (!json_array_size(problems))
    check_reachable(steps, transitions, text(def, "initial"), problems);
}

int workflow_check(const json_t *definition, json_t **problems)
{
  *problems = json_array();
  if (!*problems)
    return ST_NOMEM;
  if (!json_is_object(definition))
    problem(*problems, "workflow_err_format", "");
  else
    check_shape(definition, *problems);
  return json_array_size(*problems) ? ST_INVALID : ST_OK;
}

/* ---- parsing -------------------------------------------------------------------------------- */

static void fill_step(struct workflow_step *out, const json_t *s)
{
  *out = (struct workflow_step){
      text(s, "code"),
      (enum workflow_kind)kind_of(text(s, "kind")),
      json_is_true(json_object_get(s, "completed")),
      json_is_true(json_object_get(s, "clock_stops")),
      lang_text(s, "names", "zh-TW"),
      lang_text(s, "names", "en"),
      lang_text(s, "plain", "zh-TW"),
      lang_text(s, "plain", "en"),
      json_is_true(json_object_get(s, "appointment")),
      (int)json_integer_value(json_object_get(s, "public_notice_days")),
      json_is_true(json_object_get(s, "outcome_document")),
  };
}

static void fill_transition(struct workflow_transition *out, const json_t *t)
{
  *out = (struct workflow_transition){text(t, "from"), text(t, "to"),
                                      roles_of(json_object_get(t, "roles")),
                                      json_is_true(json_object_get(t, "note_required"))};
}

int workflow_parse(const json_t *definition, int64_t office_id, int64_t version,
                   const struct workflow **out)
{
  json_t *problems = NULL;
  int rc = workflow_check(definition, &problems);
  json_decref(problems);
  if (rc)
    return rc;
  const json_t *steps = json_object_get(definition, "steps");
  const json_t *transitions = json_object_get(definition, "transitions");
  size_t ns = json_array_size(steps), nt = json_array_size(transitions);
  struct owned *o = calloc(1, sizeof(*o));
  json_t *copy = json_deep_copy(definition);
  if (o) {
    o->definition = copy;
    o->steps = calloc(ns, sizeof(*o->steps));
    o->transitions = calloc(nt + 1, sizeof(*o->transitions));
  }
  if (!o || !copy || !o->steps || !o->transitions) {
    if (!o)
      json_decref(copy);
    workflow_free(o ? &o->wf : NULL);
    return ST_NOMEM;
  }
  steps = json_object_get(copy, "steps");
  transitions = json_object_get(copy, "transitions");
  for (size_t i = 0; i < ns; i++)
    fill_step(&o->steps[i], json_array_get(steps, i));
  for (size_t i = 0; i < nt; i++)
    fill_transition(&o->transitions[i], json_array_get(transitions, i));
  o->wf = (struct workflow){text(copy, "code"),
                            text(copy, "initial"),
                            o->steps,
                            ns,
                            o->transitions,
                            nt,
                            lang_text(copy, "names", "zh-TW"),
                            lang_text(copy, "names", "en"),
                            office_id,
                            version,
                            copy};
  *out = &o->wf;
  return ST_OK;
}

void workflow_free(const struct workflow *wf)
{
  struct owned *o = (struct owned *)wf;
  if (!o)
    return;
  json_decref(o->definition);
  free(o->steps);
  free(o->transitions);
  free(o);
}

/* ---- the shipped workflows and the cache of stored versions --------------------------------- */

enum { SHIPPED_MAX = ARRAY_LEN(shipped_workflows) };

static pthread_once_t shipped_once = PTHREAD_ONCE_INIT;
static const struct workflow *shipped[SHIPPED_MAX];
static size_t shipped_count;

/* The shipped files are checked by tests/unit/workflow_data_test.c; one that did not parse
 * would simply be missing (and that test fails). */
static void load_shipped(void)
{
  for (size_t i = 0; i < SHIPPED_MAX; i++) {
    json_t *def = json_loads(shipped_workflows[i].json, 0, NULL);
    const struct workflow *wf = NULL;
    if (def && !workflow_parse(def, 0, 1, &wf))
      shipped[shipped_count++] = wf;
    json_decref(def);
  }
}

const struct workflow *const *workflow_shipped(size_t *count)
{
  pthread_once(&shipped_once, load_shipped);
  *count = shipped_count;
  return shipped;
}

const struct workflow *workflow_find(const char *code)
{
  char norm[WORKFLOW_CODE_MAX + 1];
  size_t n = 0;
  const struct workflow *const *all = workflow_shipped(&n);
  if (!workflow_code_norm(code, norm))
    return NULL;
  for (size_t i = 0; i < n; i++)
    if (strcmp(all[i]->code, norm) == 0)
      return all[i];
  return NULL;
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct workflow **cache;
static size_t cache_count, cache_size;

static const struct workflow *cached(int64_t office_id, const char *code, int64_t version)
{
  const struct workflow *hit = NULL;
  pthread_mutex_lock(&cache_lock);
  for (size_t i = 0; !hit && i < cache_count; i++)
    if (cache[i]->office_id == office_id && cache[i]->version == version &&
        strcmp(cache[i]->code, code) == 0)
      hit = cache[i];
  pthread_mutex_unlock(&cache_lock);
  return hit;
}

/* Adds wf to the cache, or frees it and returns the copy another thread added first. */
static const struct workflow *remember(const struct workflow *wf)
{
  const struct workflow *hit = cached(wf->office_id, wf->code, wf->version);
  if (hit) {
    workflow_free(wf);
    return hit;
  }
  pthread_mutex_lock(&cache_lock);
  if (cache_count == cache_size) {
    size_t size = cache_size ? cache_size * 2 : 16;
    const struct workflow **grown = realloc(cache, size * sizeof(*cache));
    if (grown) {
      cache = grown;
      cache_size = size;
    }
  }
  bool kept = cache_count < cache_size;
  if (kept)
    cache[cache_count++] = wf;
  pthread_mutex_unlock(&cache_lock);
  if (!kept)
    workflow_free(wf); /* out of memory: the caller answers ST_NOMEM */
  return kept ? wf : NULL;
}

static int parse_row(const json_t *row, const struct workflow **out)
{
  json_t *def = json_loads(text(row, "definition"), 0, NULL);
  const struct workflow *wf = NULL;
  int rc = def ? workflow_parse(def, json_integer_value(json_object_get(row, "office_id")),
                                json_integer_value(json_object_get(row, "version")), &wf)
               : ST_INVALID;
  json_decref(def);
  if (!rc) {
    *out = remember(wf);
    rc = *out ? ST_OK : ST_NOMEM;
  }
  return rc;
}

int workflow_load(struct store *store, int64_t office_id, const char *code, int64_t version,
                  const struct workflow **out)
{
  char norm[WORKFLOW_CODE_MAX + 1];
  json_t *row = NULL;
  *out = NULL;
  if (!workflow_code_norm(code, norm))
    return ST_NOTFOUND;
  if (version > 0 && (*out = cached(office_id, norm, version)))
    return ST_OK;
  int rc = store_workflow_get(store, office_id, norm, version, &row);
  if (!rc) {
    int64_t v = json_integer_value(json_object_get(row, "version"));
    *out = cached(office_id, norm, v);
    rc = *out ? ST_OK : parse_row(row, out);
  } else if (rc == ST_NOTFOUND && version <= 1) {
    *out = workflow_find(norm);
    rc = *out ? ST_OK : ST_NOTFOUND;
  }
  json_decref(row);
  return rc;
}

int workflow_install(struct store *store, int64_t office_id, int64_t now)
{
  size_t n = 0;
  const struct workflow *const *all = workflow_shipped(&n);
  int rc = ST_OK;
  for (size_t i = 0; !rc && i < n; i++) {
    json_t *row = NULL;
    rc = store_workflow_get(store, office_id, all[i]->code, 0, &row);
    json_decref(row);
    if (rc != ST_NOTFOUND)
      continue;
    char *text = json_dumps(all[i]->definition, JSON_COMPACT);
    int64_t version = 0;
    rc = text ? store_workflow_add(store, office_id, all[i]->code, text, now, "", &version)
              : ST_NOMEM;
    free(text);
  }
  return rc;
}

/* ---- reading a workflow --------------------------------------------------------------------- */

const struct workflow_step *workflow_step(const struct workflow *wf, const char *code)
{
  for (size_t i = 0; code && i < wf->step_count; i++)
    if (strcmp(wf->steps[i].code, code) == 0)
      return &wf->steps[i];
  return NULL;
}

static bool from_matches(const struct workflow *wf, const char *pattern, const char *from)
{
  if (strcmp(pattern, "*") != 0)
    return strcmp(pattern, from) == 0;
  const struct workflow_step *step = workflow_step(wf, from);
  return step && step->kind != STEP_FINAL;
}

const struct workflow_transition *workflow_transition(const struct workflow *wf, const char *from,
                                                      const char *to, unsigned roles)
{
  for (size_t i = 0; i < wf->transition_count; i++) {
    const struct workflow_transition *t = &wf->transitions[i];
    if (strcmp(t->to, to) == 0 && from_matches(wf, t->from, from) && (t->roles & roles))
      return t;
  }
  return NULL;
}

json_t *workflow_next_steps(const struct workflow *wf, const char *from, unsigned roles)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < wf->transition_count; i++) {
    const struct workflow_transition *t = &wf->transitions[i];
    if (from_matches(wf, t->from, from) && (t->roles & roles))
      json_array_append_new(list, json_string(t->to));
  }
  return list;
}

json_t *workflow_step_names(const struct workflow *wf)
{
  json_t *names = json_object();
  for (size_t i = 0; names && i < wf->step_count; i++)
    json_object_set_new(
        names, wf->steps[i].code,
        json_pack("{s:s, s:s}", "zh-TW", wf->steps[i].name_zh, "en", wf->steps[i].name_en));
  return names;
}

static bool listed(const char **list, size_t n, const char *code)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i], code) == 0)
      return true;
  return false;
}

size_t workflow_open_statuses(const char **out, size_t max)
{
  size_t n = 0, count = 0;
  const struct workflow *const *all = workflow_shipped(&count);
  for (size_t w = 0; w < count; w++)
    for (size_t i = 0; i < all[w]->step_count; i++) {
      const struct workflow_step *step = &all[w]->steps[i];
      if (step->kind == STEP_FINAL || listed(out, n, step->code))
        continue;
      if (n == max)
        return 0;
      out[n++] = step->code;
    }
  return n;
}
