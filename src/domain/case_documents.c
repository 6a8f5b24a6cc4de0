/*
 * case_documents.c - documents checked online instead of on paper (case_documents.h).
 */
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "domain/case_documents.h"
#include "domain/cases.h"
#include "store/case_documents.h"
#include "store/store.h"

#include "base/common.h"

enum { ONLINE_NAME_MAX = 200 };

/* How many documents the service lists (a JSON array, or its text). */
static int64_t required_of(json_t *service)
{
  json_t *docs = json_object_get(service, "documents_zh");
  if (json_is_array(docs))
    return (int64_t)json_array_size(docs);
  json_t *parsed = json_loads(json_string_value(docs) ? json_string_value(docs) : "[]", 0, NULL);
  int64_t n = json_is_array(parsed) ? (int64_t)json_array_size(parsed) : 0;
  json_decref(parsed);
  return n;
}

static bool named_in(json_t *list, const char *name)
{
  size_t i;
  json_t *d;
  json_array_foreach(list, i, d) if (json_string_value(d) &&
                                     !strcmp(json_string_value(d), name)) return true;
  return false;
}

/* Whether online is a list of at most required names of valid text. */
static bool online_ok(json_t *online, int64_t required)
{
  if (!online)
    return true;
  if (!json_is_array(online) || (int64_t)json_array_size(online) > required)
    return false;
  size_t i;
  json_t *d;
  json_array_foreach(online, i, d)
  {
    const char *name = json_string_value(d);
    if (!name || !str_valid_text(str_from(name), false) || strlen(name) > ONLINE_NAME_MAX)
      return false;
  }
  return true;
}

/* The names checked online that were not also handed in on paper: a document ticked both ways
 * was handed in, so it counts on paper (the clerk holds it) and the intake goes on. */
static json_t *online_only(json_t *online, json_t *paper)
{
  json_t *out = json_array();
  size_t i;
  json_t *d;
  json_array_foreach(online, i, d) if (out && !named_in(paper, json_string_value(d)))
      json_array_append(out, d);
  return out;
}

int case_documents_record(const struct case_env *env, const struct intake_input *in,
                          json_t *service, int64_t office_id, int64_t case_id, const char **reason,
                          const char **field)
{
  int64_t required = required_of(service);
  if (!online_ok(in->documents_online, required)) {
    *reason = "case_err_documents_online";
    *field = "documents_online";
    return ST_INVALID;
  }
  json_t *checked = in->documents_online ? online_only(in->documents_online, in->documents) : NULL;
  if (in->documents_online && !checked)
    return ST_NOMEM;
  int64_t online = checked ? (int64_t)json_array_size(checked) : 0;
  bool filed = !strcmp(in->channel, "online") || !strcmp(in->channel, "api");
  int64_t paper = filed ? required - online : (int64_t)json_array_size(in->documents);
  char *names = checked ? json_dumps(checked, JSON_COMPACT) : NULL;
  json_decref(checked);
  struct store_case_documents d = {case_id,
                                   office_id,
                                   (int64_t)env->now,
                                   json_integer_value(json_object_get(service, "unit_id")),
                                   json_integer_value(json_object_get(service, "id")),
                                   in->channel,
                                   required,
                                   paper,
                                   online,
                                   names ? names : "[]"};
  int rc = store_case_documents_insert(env->store, &d);
  free(names);
  return rc;
}
