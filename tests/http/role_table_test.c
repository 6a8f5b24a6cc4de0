/*
 * role_table_test.c - the whole staff role table, generated from the route table itself
 * (`bianmin routes`, so a route added later is covered without editing this file): every staff
 * route (GET and POST) is tried by every role of the same office (xinxing) and of another
 * office (anle), on records of xinxing (a case of xinxing-handler, a user, a service, a notice,
 * an API key). The demo accounts play the roles; the admins are made here (their second factor
 * is set up on the first sign-in).
 *
 * Expected: a role the route names, in the same office, is not refused (not 401/403, below
 * 500); a role the route does not name is refused with 403 or 404; staff of another office are
 * refused (403/404) on every route that names a record of xinxing. Every refused request is
 * checked to have changed nothing: the content of every table (but the sessions and sign-in
 * throttling) and no new audit rows.
 */
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define PASSWORD      "role-table-password-2026"
#define DEMO_PASSWORD "bianmin-demo-2026"
#define OFFICE_A      "xinxing"
#define OFFICE_B      "anle"

enum { MAX_ROUTES = 200, ROLES = 5, OFFICES = 2 };

static const char *const role_names[ROLES] = {"clerk", "handler", "supervisor", "admin", "analyst"};
static const char *const offices[OFFICES] = {OFFICE_A, OFFICE_B};

struct route {
  char method[8];
  char pattern[160];
  unsigned roles; /* bit per role_names index */
};

static struct server server;
static struct client clients[OFFICES][ROLES];
static char secrets[OFFICES][64];     /* the admins' second factors */
static unsigned held[OFFICES][ROLES]; /* the roles each account holds (the demo supervisor is
                                         also a handler) */
static struct route routes[MAX_ROUTES];
static int nroutes;
/* Records of office A the captures name. */
static long long case_id, victim_id, service_id, outbox_id, apikey_id;
/* The service the catalogue routes edit (unpublish, ...): not the one cases are taken in for. */
static long long catalog_id;

/* ---- the database: a digest of every table's content, and the audit trail ---------------- */

static sqlite3 *open_db(void)
{
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(server.db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    fail_msg("cannot open %s", server.db);
  sqlite3_busy_timeout(db, 10000);
  return db;
}

static long long query_int(const char *sql)
{
  return harness_sql_int(&server, sql);
}

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++)
    h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

/* FNV-1a over every row of every table but those that change on any request by design
 * (sessions: last seen; sign-in throttling) and the audit trail (checked row by row; its head
 * is a setting). */
static uint64_t digest(void)
{
  static const char *const skip = "|sessions|login_throttle|audit_log|";
  sqlite3 *db = open_db();
  sqlite3_stmt *tables, *rows;
  uint64_t h = 1469598103934665603ull;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                      "name NOT LIKE 'sqlite%' AND sql NOT LIKE 'CREATE VIRTUAL%' "
                                      "AND name NOT LIKE '%fts%' ORDER BY 1",
                                      -1, &tables, NULL),
                   SQLITE_OK);
  while (sqlite3_step(tables) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(tables, 0);
    char bar[96], sql[160];
    snprintf(bar, sizeof(bar), "|%s|", name);
    if (strstr(skip, bar))
      continue;
    /* the audit trail's head (a setting) moves with the access.denied rows of refusals */
    snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"%s ORDER BY rowid", name,
             strcmp(name, "settings") ? "" : " WHERE key <> 'audit.head'");
    if (sqlite3_prepare_v2(db, sql, -1, &rows, NULL) != SQLITE_OK) {
      snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", name); /* WITHOUT ROWID tables */
      assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &rows, NULL), SQLITE_OK);
    }
    h = fnv(h, name, strlen(name));
    while (sqlite3_step(rows) == SQLITE_ROW)
      for (int c = 0; c < sqlite3_column_count(rows); c++) {
        const void *v = sqlite3_column_blob(rows, c);
        h = fnv(h, v ? v : "", (size_t)sqlite3_column_bytes(rows, c));
        h = fnv(h, "|", 1);
      }
    sqlite3_finalize(rows);
  }
  sqlite3_finalize(tables);
  sqlite3_close(db);
  return h;
}

/* The last audit row that is not a refusal's own (access.denied: every 403 on a staff route
 * is audited, ASVS 7.2.2). */
static long long audit_last(void)
{
  return query_int("SELECT coalesce(max(id), 0) FROM audit_log WHERE action <> 'access.denied'");
}

/* ---- the route table ------------------------------------------------------------------------ */

static void load_routes(void)
{
  char *out = NULL;
  const char *args[] = {"routes", "--json", NULL};
  assert_int_equal(server_cli_capture(&server, args, NULL, &out, NULL), 0);
  json_t *list = json_loads(out, 0, NULL);
  free(out);
  assert_true(json_is_array(list));
  size_t i;
  json_t *row;
  json_array_foreach(list, i, row)
  {
    json_t *roles = json_object_get(row, "roles");
    if (json_array_size(roles) == 0)
      continue; /* public (sign-in pages included) */
    assert_true(nroutes < MAX_ROUTES);
    struct route *r = &routes[nroutes++];
    snprintf(r->method, sizeof(r->method), "%s", json_string_value(json_object_get(row, "method")));
    snprintf(r->pattern, sizeof(r->pattern), "%s",
             json_string_value(json_object_get(row, "pattern")));
    size_t k;
    json_t *name;
    json_array_foreach(roles, k, name)
    {
      for (int role = 0; role < ROLES; role++)
        if (!strcmp(json_string_value(name), role_names[role]))
          r->roles |= 1u << role;
    }
  }
  json_decref(list);
  assert_true(nroutes > 30);
}

/* The value of capture name in pattern: a record of office A, or a harmless constant. Sets
 * *record when the capture names office data (another office must not reach it). */
static void capture_value(const char *pattern, const char *name, char *out, size_t size,
                          bool *record)
{
  static const struct {
    const char *prefix;
    long long *id;
  } ids[] = {{"/staff/cases/", &case_id},
             {"/staff/admin/users/", &victim_id},
             {"/staff/admin/catalog/", &catalog_id},
             {"/staff/admin/outbox/", &outbox_id},
             {"/staff/admin/api-keys/", &apikey_id}};
  static const char *const fixed[][2] = {{"kind", "services"},
                                         {"action", "pickup"},
                                         {"event", "received"},
                                         {"channel", "email"},
                                         {"lang", "zh-TW"}};
  for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
    if (!strcmp(name, fixed[i][0])) {
      snprintf(out, size, "%s", fixed[i][1]);
      return;
    }
  *record = true;
  if (!strcmp(name, "sha256")) {
    snprintf(out, size, "%064d", 0);
    return;
  }
  snprintf(out, size, "1");
  if (!strcmp(name, "id"))
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
      if (!strncmp(pattern, ids[i].prefix, strlen(ids[i].prefix)))
        snprintf(out, size, "%lld", *ids[i].id);
}

/* The pattern with its captures filled; *record says whether it names office A's data. */
static void instantiate(const char *pattern, char *out, size_t size, bool *record)
{
  size_t o = 0;
  *record = false;
  for (const char *p = pattern; *p && o + 1 < size;) {
    if (*p != '{') {
      out[o++] = *p++;
      continue;
    }
    const char *close = strchr(p, '}');
    char name[40], value[80];
    snprintf(name, sizeof(name), "%.*s", (int)(close - p - 1), p + 1);
    capture_value(pattern, name, value, sizeof(value), record);
    o += (size_t)snprintf(out + o, size - o, "%s", value);
    p = close + 1;
  }
  out[o < size ? o : size - 1] = '\0';
}

/* ---- signing in ----------------------------------------------------------------------------- */

static void sign_in(int office, int role)
{
  struct client *c = &clients[office][role];
  char user[64];
  client_free(c);
  client_init(c, &server);
  snprintf(user, sizeof(user), "%s%s-%s", role == 3 ? "rt-" : "", offices[office],
           role_names[role]);
  if (role == 3)
    assert_int_equal(client_login_totp(c, user, PASSWORD, secrets[office], sizeof(secrets[office])),
                     0);
  else
    assert_int_equal(client_login(c, user, DEMO_PASSWORD), 303);
  struct response r;
  assert_int_equal(client_get(c, "/staff/", &r), 0); /* the session's CSRF token */
  assert_int_equal(r.status, 200);
  response_free(&r);
  char sql[160];
  snprintf(sql, sizeof(sql), "SELECT roles FROM users WHERE username = '%s'", user);
  held[office][role] = (unsigned)query_int(sql);
  assert_true(held[office][role] & (1u << role));
}

static long long id_after(struct client *c, const char *path, const char *form, const char *prefix)
{
  struct response r;
  assert_int_equal(client_post(c, path, form, &r), 0);
  char *location = response_header(&r, "Location");
  if (!location || strncmp(location, prefix, strlen(prefix)))
    fail_msg("POST %s answered %ld (%s)\n%.800s", path, r.status, location ? location : "", r.body);
  long long id = strtoll(location + strlen(prefix), NULL, 10);
  free(location);
  response_free(&r);
  return id;
}

static void make_records(void)
{
  struct client *clerk = &clients[0][0];
  /* A case of xinxing-handler (the demo's units have no handlers of their own, so any
   * handler of the office is accepted): every case role may act on it. */
  service_id = query_int("SELECT min(s.id) FROM services s JOIN offices o ON o.id = s.office_id "
                         "WHERE o.slug = '" OFFICE_A "' AND s.published = 1");
  long long handler_id = query_int("SELECT id FROM users WHERE username = 'xinxing-handler'");
  catalog_id = query_int("SELECT max(s.id) FROM services s JOIN offices o ON o.id = s.office_id "
                         "WHERE o.slug = '" OFFICE_A "' AND s.published = 1");
  assert_true(service_id > 0 && handler_id > 0 && catalog_id != service_id);
  char path[64], body[512];
  snprintf(path, sizeof(path), "/staff/intake?service=%lld", service_id);
  free(expect_page(&server, clerk, path, 200)); /* a fresh CSRF token */
  snprintf(body, sizeof(body),
           "service_id=%lld&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&applicant_phone="
           "0912345678&notify=sms&channel=counter&lang=zh-TW&handler_id=%lld",
           service_id, handler_id);
  case_id = id_after(clerk, "/staff/intake", body, "/staff/cases/");
  victim_id = query_int("SELECT id FROM users WHERE username = 'rt-victim'");
  char sql[160];
  snprintf(sql, sizeof(sql), "SELECT coalesce(min(id), 1) FROM outbox WHERE case_id = %lld",
           case_id);
  outbox_id = query_int(sql);
  struct client *admin = &clients[0][3];
  free(expect_page(&server, admin, "/staff/admin/api-keys", 200));
  struct response r;
  assert_int_equal(client_post(admin, "/staff/admin/api-keys", "name=role-table", &r), 0);
  response_free(&r);
  apikey_id = query_int("SELECT coalesce(max(id), 1) FROM api_keys WHERE name = 'role-table'");
  assert_true(case_id > 0 && victim_id > 0);
}

static int setup(void **state)
{
  (void)state;
  const char *env[] = {"BIANMIN_RATE_LOGIN=1000000", "BIANMIN_RATE_PUBLIC=1000000",
                       "BIANMIN_RATE_LOOKUP=1000000", NULL};
  if (server_start(&server, env))
    return -1;
  for (int o = 0; o < OFFICES; o++) {
    char user[64];
    snprintf(user, sizeof(user), "rt-%s-admin", offices[o]);
    harness_add_user(&server, offices[o], user, "admin", PASSWORD);
  }
  harness_add_user(&server, OFFICE_A, "rt-victim", "analyst", PASSWORD);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  for (int o = 0; o < OFFICES; o++)
    for (int role = 0; role < ROLES; role++)
      client_free(&clients[o][role]);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* ---- the walk ------------------------------------------------------------------------------- */

static int failures;

static long call(int office, int role, const struct route *r, const char *path,
                 struct response *out)
{
  struct client *c = &clients[office][role];
  if (!strcmp(r->method, "GET"))
    assert_int_equal(client_get(c, path, out), 0);
  else
    assert_int_equal(client_post(c, path, "", out), 0);
  return out->status;
}

static void try_refused(int office, int role, const struct route *r, const char *path)
{
  uint64_t before = digest();
  long long audit_before = audit_last();
  struct response res;
  long status = call(office, role, r, path, &res);
  if (status != 403 && status != 404) {
    fprintf(stderr, "REFUSAL EXPECTED: %s %s as %s-%s answered %ld\n", r->method, path,
            offices[office], role_names[role], status);
    failures++;
  }
  if (digest() != before || audit_last() != audit_before) {
    fprintf(stderr, "REFUSED REQUEST CHANGED DATA: %s %s as %s-%s (%ld)\n", r->method, path,
            offices[office], role_names[role], status);
    failures++;
  }
  response_free(&res);
}

static void try_allowed(int office, int role, const struct route *r, const char *path)
{
  struct response res;
  long status = call(office, role, r, path, &res);
  char *location = response_header(&res, "Location");
  bool to_signin = location && strstr(location, "/staff/login?next=");
  if (status == 401 || status == 403 || status >= 500 || to_signin) {
    fprintf(stderr, "ALLOWED BUT REFUSED: %s %s as %s-%s answered %ld\n%.300s\n", r->method, path,
            offices[office], role_names[role], status, res.body ? res.body : "");
    failures++;
  }
  free(location);
  response_free(&res);
}

static void walk(const struct route *r)
{
  char path[256];
  bool record;
  instantiate(r->pattern, path, sizeof(path), &record);
  for (int o = 0; o < OFFICES; o++)
    for (int role = 0; role < ROLES; role++) {
      bool allowed = (r->roles & held[o][role]) && !(o == 1 && record);
      if (allowed)
        try_allowed(o, role, r, path);
      else
        try_refused(o, role, r, path);
    }
}

static void test_every_staff_route_as_every_role(void **state)
{
  (void)state;
  load_routes();
  for (int o = 0; o < OFFICES; o++)
    for (int role = 0; role < ROLES; role++)
      sign_in(o, role);
  make_records();
  const struct route *logout = NULL;
  for (int i = 0; i < nroutes; i++) {
    if (!strcmp(routes[i].pattern, "/staff/logout"))
      logout = &routes[i]; /* last: it ends the sessions the rest of the walk uses */
    else
      walk(&routes[i]);
  }
  assert_non_null(logout);
  walk(logout);
  if (failures)
    fail_msg("%d role table violations (listed above)", failures);
}

/* The defect this test was written for: handlers do not take cases in. */
static void test_handler_cannot_take_in(void **state)
{
  (void)state;
  struct client *handler = &clients[0][1];
  sign_in(0, 1);
  long long before = query_int("SELECT count(*) FROM cases");
  char path[64];
  snprintf(path, sizeof(path), "/staff/intake?service=%lld", service_id);
  free(expect_page(&server, handler, path, 403));
  free(expect_page(&server, handler, "/staff/", 200));
  struct response r;
  char body[256];
  snprintf(body, sizeof(body), "service_id=%lld&applicant_name=x&notify=none", service_id);
  assert_int_equal(client_post(handler, "/staff/intake", body, &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  assert_int_equal(query_int("SELECT count(*) FROM cases"), before);
  char *home = expect_page(&server, handler, "/staff/", 200);
  expect_lacks(home, "href=\"/staff/intake\"");
  free(home);
  char *list = expect_page(&server, handler, "/staff/cases", 200);
  expect_lacks(list, "href=\"/staff/intake\"");
  free(list);
  sign_in(0, 0);
  list = expect_page(&server, &clients[0][0], "/staff/cases", 200);
  expect_contains(list, "href=\"/staff/intake\"");
  free(list);
}

/* Forms that would answer 403 are not shown: a clerk may open the case (and record pickup)
 * but not extend it, give the overdue notice or set an appointment; its handler may. */
static void test_case_page_offers_only_what_the_person_may_do(void **state)
{
  (void)state;
  char path[64], action[80];
  snprintf(path, sizeof(path), "/staff/cases/%lld", case_id);
  sign_in(0, 0);
  sign_in(0, 1);
  json_t *clerk = expect_view(&server, &clients[0][0], path, 200);
  json_t *handler = expect_view(&server, &clients[0][1], path, 200);
  static const char *const forms[] = {"extend", "overdue", "appointment"};
  char *page = expect_page(&server, &clients[0][0], path, 200);
  for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
    char key[40];
    snprintf(key, sizeof(key), "case.offers.%s", forms[i]);
    assert_true(json_is_false(json_at(clerk, key)));
    assert_true(json_is_true(json_at(handler, key)));
    snprintf(action, sizeof(action), "action=\"%s/%s\"", path, forms[i]);
    expect_lacks(page, action);
  }
  free(page);
  json_decref(clerk);
  json_decref(handler);
  /* and what the page does not offer the clerk is indeed refused */
  struct response r;
  snprintf(action, sizeof(action), "%s/extend", path);
  free(expect_page(&server, &clients[0][0], path, 200));
  assert_int_equal(client_post(&clients[0][0], action, "days=1&note=x", &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
}

/* The messages of office A (queued or failed: no gateway is configured). */
static json_t *outbox_messages(struct client *c)
{
  json_t *all = json_array();
  static const char *const paths[] = {"/staff/admin/outbox?status=queued",
                                      "/staff/admin/outbox?status=failed", "/staff/admin/outbox"};
  for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
    json_t *v = expect_view(&server, c, paths[i], 200);
    json_array_extend(all, json_object_get(v, "messages"));
    json_decref(v);
  }
  return all;
}

/* The admin outbox links to a case only for someone who may open it. */
static void test_outbox_links_only_cases_the_admin_may_open(void **state)
{
  (void)state;
  struct client both;
  char secret[64] = "";
  harness_add_user(&server, OFFICE_A, "rt-admin-clerk", "admin,clerk", PASSWORD);
  client_init(&both, &server);
  assert_int_equal(client_login_totp(&both, "rt-admin-clerk", PASSWORD, secret, sizeof(secret)), 0);
  sign_in(0, 3);
  json_t *admin_only = outbox_messages(&clients[0][3]), *admin_clerk = outbox_messages(&both);
  char href[64];
  snprintf(href, sizeof(href), "/staff/cases/%lld", case_id);
  size_t i, seen = 0;
  json_t *m;
  json_array_foreach(admin_only, i, m)
  {
    assert_null(json_object_get(m, "case_href"));
    seen += json_integer_value(json_object_get(m, "case_id")) == case_id;
  }
  assert_true(seen > 0);
  seen = 0;
  json_array_foreach(admin_clerk, i, m)
  {
    if (json_integer_value(json_object_get(m, "case_id")) != case_id)
      continue;
    seen++;
    assert_string_equal(json_string_value(json_object_get(m, "case_href")), href);
  }
  assert_true(seen > 0);
  json_decref(admin_only);
  json_decref(admin_clerk);
  char *page = expect_page(&server, &clients[0][3], "/staff/admin/outbox?status=queued", 200);
  expect_lacks(page, "href=\"/staff/cases/");
  free(page);
  client_free(&both);
}

/* The intake form offers exactly the handlers intake accepts: once the service's unit has
 * handlers of its own, only those; another handler of the office is refused with the reason. */
static void test_intake_offers_the_handlers_it_accepts(void **state)
{
  (void)state;
  char sql[256], path[80], body[512];
  snprintf(sql, sizeof(sql), "SELECT unit_id FROM services WHERE id = %lld", service_id);
  long long unit = query_int(sql);
  snprintf(sql, sizeof(sql), "SELECT code FROM units WHERE id = %lld", unit);
  sqlite3 *db = open_db();
  sqlite3_stmt *st;
  char code[64] = "";
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  if (sqlite3_step(st) == SQLITE_ROW)
    snprintf(code, sizeof(code), "%s", sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  assert_true(code[0]);
  const char *args[] = {
      "user",   "add",        "--office", OFFICE_A,  "--username", "rt-unit-handler",
      "--name", "單位承辦人", "--roles",  "handler", "--unit",     code,
      NULL};
  const char *env[] = {"BIANMIN_PASSWORD=" PASSWORD, NULL};
  assert_int_equal(server_cli_env(&server, args, env), 0);
  long long own = query_int("SELECT id FROM users WHERE username = 'rt-unit-handler'");
  long long other = query_int("SELECT id FROM users WHERE username = 'xinxing-handler'");
  struct client *clerk = &clients[0][0];
  sign_in(0, 0);
  snprintf(path, sizeof(path), "/staff/intake?service=%lld", service_id);
  json_t *form = expect_view(&server, clerk, path, 200);
  json_t *handlers = json_object_get(form, "handlers");
  if (json_array_size(handlers) != 1)
    fail_msg("handlers offered: %s", json_dumps(handlers, 0));
  assert_int_equal(json_integer_value(json_at(form, "handlers.0.id")), own);
  json_decref(form);
  long long before = query_int("SELECT count(*) FROM cases");
  free(expect_page(&server, clerk, path, 200));
  snprintf(body, sizeof(body),
           "service_id=%lld&applicant_name=x&notify=none&channel=counter&lang=en&handler_id=%lld",
           service_id, other);
  struct response r;
  assert_int_equal(client_post(clerk, "/staff/intake", body, &r), 0);
  assert_int_equal(r.status, 400);
  expect_contains(r.body, "請從清單中選擇");
  response_free(&r);
  assert_int_equal(query_int("SELECT count(*) FROM cases"), before);
  snprintf(body, sizeof(body),
           "service_id=%lld&applicant_name=x&notify=none&channel=counter&lang=en&handler_id=%lld",
           service_id, own);
  assert_int_equal(client_post(clerk, "/staff/intake", body, &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  assert_int_equal(query_int("SELECT count(*) FROM cases"), before + 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_staff_route_as_every_role),
      cmocka_unit_test(test_handler_cannot_take_in),
      cmocka_unit_test(test_case_page_offers_only_what_the_person_may_do),
      cmocka_unit_test(test_outbox_links_only_cases_the_admin_may_open),
      /* last: it gives a unit handlers of its own */
      cmocka_unit_test(test_intake_offers_the_handlers_it_accepts),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
