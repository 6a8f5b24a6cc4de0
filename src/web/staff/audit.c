/*
 * audit.c - the audit trail page for admins: their office's rows, newest first, filtered by
 * action and by person, a page of 50 at a time.
 */
#include <string.h>

#include "base/clock.h"
#include "domain/audit.h"
#include "web/app.h"
#include "web/staff/staff.h"

#include "base/common.h"

enum { AUDIT_PAGE = 50 };

/* An action in words ("登入"), or "" when it has none (the code alone is shown then). */
static const char *action_label(struct http_request *req, const char *action)
{
  char *key = arena_printf(req->arena, "audit_action_%s", action);
  const char *label = key ? http_t(req, key) : NULL;
  return label && strcmp(label, key) != 0 ? label : "";
}

/* A row as shown: "at" as stored (UTC, ISO), "at_text" in Taipei time with the ROC date in
 * Chinese, the actor in the page's language. */
static json_t *audit_row(struct http_request *req, const struct audit_row *row)
{
  time_t at = clock_parse_iso(row->at);
  return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)row->id,
                   "at", row->at, "at_text", at > 0 ? web_datetime(req, at) : row->at, "actor",
                   web_actor_label(req, row->actor), "ip", row->ip, "action", row->action,
                   "action_label", action_label(req, row->action), "object_kind", row->object_kind,
                   "object_id", row->object_id, "detail", row->detail);
}

/* The filter of the query string; ST_INVALID for an over-long or malformed one. */
static int read_filter(struct http_request *req, const char **action, const char **actor,
                       int64_t *before)
{
  const char *before_text = http_query(req, "before");
  *action = http_query(req, "action");
  *actor = http_query(req, "actor");
  *action = *action ? *action : "";
  *actor = *actor ? *actor : "";
  *before = 0;
  if (before_text && *before_text && str_to_int64(str_from(before_text), 1, INT64_MAX, before))
    return ST_INVALID;
  return strlen(*action) > 64 || strlen(*actor) > 64 ? ST_INVALID : ST_OK;
}

int staff_audit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_rows rows;
  const char *action, *actor;
  int64_t before;
  if (read_filter(req, &action, &actor, &before))
    return http_error(res, 400, NULL);
  int rc = web_store(req, &store);
  if (!rc)
    rc = audit_search_read(store, req->arena, req->session->office_id, action, actor, before,
                           AUDIT_PAGE, &rows);
  if (rc)
    return rc;
  json_t *list = json_array();
  int64_t last = 0;
  for (size_t i = 0; i < rows.count; i++) {
    json_array_append_new(list, audit_row(req, &rows.rows[i]));
    last = rows.rows[i].id;
  }
  bool more = rows.count == AUDIT_PAGE;
  return http_page(
      res, 200, "staff/audit",
      json_pack("{s:s, s:o, s:{s:s, s:s}, s:s?}", "title", http_t(req, "audit_title"), "rows", list,
                "filter", "action", action ? action : "", "actor", actor ? actor : "", "older_href",
                more
                    ? arena_printf(req->arena, "/staff/admin/audit?action=%s&actor=%s&before=%lld",
                                   http_url_encode(req->arena, action ? action : ""),
                                   http_url_encode(req->arena, actor ? actor : ""), (long long)last)
                    : NULL));
}
