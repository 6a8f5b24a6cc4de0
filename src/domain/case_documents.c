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

/* Whether online is a list of at most required names, none also handed in on paper. */
static bool online_ok(json_t *online, json_t *paper, int64_t required)
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
    if (!name || !str_valid_text(str_from(name), false) || strlen(name) > ONLINE_NAME_MAX ||
        named_in(paper, name))
      return false;
  }
  return true;
}

int case_documents_record(const struct case_env *env, const struct intake_input *in,
                          json_t *service, int64_t office_id, int64_t case_id, const char **reason,
                          const char **field)
{
  int64_t required = required_of(service);
  if (!online_ok(in->documents_online, in->documents, required)) {
    *reason = "case_err_documents_online";
    *field = "documents_online";
    return ST_INVALID;
  }
  int64_t online = in->documents_online ? (int64_t)json_array_size(in->documents_online) : 0;
  bool filed = !strcmp(in->channel, "online") || !strcmp(in->channel, "api");
  int64_t paper = filed ? required - online : (int64_t)json_array_size(in->documents);
  char *names = in->documents_online ? json_dumps(in->documents_online, JSON_COMPACT) : NULL;
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
