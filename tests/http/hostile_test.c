/*
 * hostile_test.c - hostile input to every route. The routes come from `bianmin routes` (the
 * route table itself, so routes added later are covered without editing this file). The test
 * signs in one client per role, crawls the GET pages to learn the forms the application
 * renders (their actions, fields and default values) and the links to concrete records, then
 * sends a corpus of hostile values (markup and script, SQL fragments, path traversal, over-long
 * and empty values, invalid UTF-8, NUL, CR/LF, huge numbers, wrong types) to every route:
 * in every field at once, in each field alone (the others keeping the form's defaults), as a
 * JSON body, as a multipart upload where the route takes one, and in the path's captures.
 *
 * Every answer must arrive (no dropped connection) and be below 500; an HTML answer never
 * contains a markup probe unescaped; no header is injected and no redirect leaves the site; a
 * write answered with 4xx changes no table's row count. At the end every page is read again:
 * a value that was accepted and stored must be shown escaped.
 */
#include <curl/curl.h>
#include <libpq-fe.h>
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

/* Descriptions and paths are cut to their buffers on purpose (long hostile values). */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define PASSWORD "bianmin-demo-2026"
#define OFFICE   "xinxing"
#define BOUNDARY "----bmHostile9c1"

enum {
  MAX_ROUTES = 400,
  MAX_FORMS = 400,
  MAX_FIELDS = 48,
  MAX_PAGES = 400,
  TARGETS_PER_ROUTE = 12,
  PAGES_PER_ROUTE = 3,
  VALUES_PER_FIELD = 2,
  BIG_BODY = 70 * 1024
};

enum role { R_CLERK, R_HANDLER, R_SUPERVISOR, R_ADMIN, R_ANALYST, R_ANON, R_COUNT };
static const char *const role_names[] = {"clerk", "handler", "supervisor",
                                         "admin", "analyst", "anonymous"};

struct route {
  char method[8];
  char pattern[160];
  unsigned roles; /* bit per enum role */
  bool csrf;
  long long body_max;
  char rate[16];
};

struct field {
  char name[64];
  char value[160];
};

struct form {
  char action[400]; /* path only */
  bool post;
  int role; /* the client that saw it */
  struct field fields[MAX_FIELDS];
  int nfields;
};

struct page {
  char path[400];
  int role;
};

static struct server server;
static struct client clients[R_COUNT];
static char admin_secret[64];
static struct route routes[MAX_ROUTES];
static int nroutes;
static struct form forms[MAX_FORMS];
static int nforms;
static struct page pages[MAX_PAGES];
static int npages;
static struct page shown_pages[MAX_PAGES]; /* where accepted writes led */
static int nshown;
static long long case_id, analyst_id;
static char counts_sql[8192];
static int requests, failures, by_class[6];
static bool verbose; /* BIANMIN_HOSTILE_VERBOSE=1: every request and its answer */

/* ---- the hostile corpus --------------------------------------------------------------------- */

struct hostile {
  const char *name;
  const char *value;
  size_t len; /* 0 = strlen */
};

static char overlong[5001], huge_body[BIG_BODY + 1];

static const struct hostile corpus[] = {
    {"script", "<script>alert(1)</script>", 0},
    {"attr-break", "\"><svg onload=alert(1)>", 0},
    {"img", "'><img src=x onerror=alert(1)>", 0},
    {"template", "{{t.home_title}}{{{x}}}{{>layout}}", 0},
    {"sql-or", "' OR '1'='1' --", 0},
    {"sql-drop", "1; DROP TABLE cases; --", 0},
    {"traversal", "../../../../etc/passwd", 0},
    {"encoded-traversal", "..%2F..%2Fetc%2Fpasswd", 0},
    {"empty", "", 0},
    {"overlong", overlong, 0},
    {"invalid-utf8", "\xC3\x28\xA0\xA1", 0},
    {"surrogate", "\xED\xA0\x80", 0},
    {"nul", "a\0b", 3},
    {"crlf", "a\r\nX-Injected: 1", 0},
    {"huge-number", "99999999999999999999999999", 0},
    {"negative", "-1", 0},
    {"float", "1e309", 0},
    {"hex", "0x7fffffffffffffff", 0},
    {"json-object", "{\"$ne\":null}", 0},
    {"bidi", "\xE2\x80\xAE\xE2\x80\x8B\xEF\xBC\x9C", 0},
    {"open-redirect", "//evil.example/", 0},
    {"javascript-url", "javascript:alert(1)", 0},
};
enum { CORPUS = sizeof(corpus) / sizeof(corpus[0]) };

static size_t hostile_len(const struct hostile *h)
{
  return h->len ? h->len : strlen(h->value);
}

/* Markup that must never come back unescaped in an HTML page. */
static const char *const probes[] = {"<script>alert(1)", "<svg onload=alert(1)",
                                     "<img src=x onerror=alert(1)"};

/* ---- small helpers -------------------------------------------------------------------------- */

static void url_encode(const char *s, size_t len, char *out, size_t size)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  for (size_t i = 0; i < len && o + 4 < size; i++) {
    unsigned char c = (unsigned char)s[i];
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '~';
    if (keep) {
      out[o++] = (char)c;
    } else {
      out[o++] = '%';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
    }
  }
  out[o] = '\0';
}

struct text {
  char *data;
  size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t len)
{
  if (t->len + len + 1 > t->cap) {
    t->cap = (t->len + len + 1) * 2;
    t->data = realloc(t->data, t->cap);
    assert_non_null(t->data);
  }
  memcpy(t->data + t->len, s, len);
  t->len += len;
  t->data[t->len] = '\0';
}

static void text_pair(struct text *t, const char *name, const char *value, size_t len)
{
  size_t need = len * 3 + 8;
  char *enc = malloc(need), name_enc[200];
  assert_non_null(enc);
  url_encode(value, len, enc, need);
  url_encode(name, strlen(name), name_enc, sizeof(name_enc));
  if (t->len)
    text_add(t, "&", 1);
  text_add(t, name_enc, strlen(name_enc));
  text_add(t, "=", 1);
  text_add(t, enc, strlen(enc));
  free(enc);
}

/* name=value percent-encoded, appended without a separator. */
static void text_pair_raw(struct text *t, const char *name, const char *value)
{
  struct text one = {0};
  text_pair(&one, name, value, strlen(value));
  text_add(t, one.data, one.len);
  free(one.data);
}

/* True when path (no query) fits pattern ({name} = one non-empty segment, {name...} = rest). */
static bool pattern_matches(const char *pattern, const char *path)
{
  while (*pattern) {
    if (*pattern == '{') {
      const char *close = strchr(pattern, '}');
      bool rest = close - pattern > 4 && memcmp(close - 3, "...", 3) == 0;
      size_t n = rest ? strlen(path) : strcspn(path, "/?");
      if (n == 0)
        return false;
      path += n;
      pattern = close + 1;
      continue;
    }
    if (*pattern++ != *path++)
      return false;
  }
  return *path == '\0' || *path == '?';
}

/* The pattern with its captures filled: plausible values that reach the handler's code. */
static void instantiate(const char *pattern, const char *capture_value, char *out, size_t size)
{
  size_t o = 0;
  for (const char *p = pattern; *p && o + 1 < size;) {
    if (*p != '{') {
      out[o++] = *p++;
      continue;
    }
    const char *close = strchr(p, '}');
    char name[40];
    snprintf(name, sizeof(name), "%.*s", (int)(close - p - 1), p + 1);
    char value[128];
    if (capture_value)
      snprintf(value, sizeof(value), "%s", capture_value);
    else if (!strcmp(name, "office"))
      snprintf(value, sizeof(value), OFFICE);
    else if (!strcmp(name, "id") && !strncmp(pattern, "/staff/cases/", 13))
      snprintf(value, sizeof(value), "%lld", case_id);
    else if (!strcmp(name, "id") && !strncmp(pattern, "/staff/admin/users/", 19))
      snprintf(value, sizeof(value), "%lld", analyst_id);
    else if (!strcmp(name, "kind"))
      snprintf(value, sizeof(value), "services");
    else if (!strcmp(name, "sha256"))
      snprintf(value, sizeof(value), "%064d", 0);
    else if (!strcmp(name, "token"))
      snprintf(value, sizeof(value), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    else if (!strcmp(name, "action"))
      snprintf(value, sizeof(value), "status");
    else
      snprintf(value, sizeof(value), "1");
    o += (size_t)snprintf(out + o, size - o, "%s", value);
    p = close + 1;
  }
  out[o < size ? o : size - 1] = '\0';
}

static int route_role(const struct route *r)
{
  if (!r->roles)
    return R_ANON;
  /* Routes for everyone signed in (sign-out, password, second factor) use the analyst, whom
   * nothing else needs: a sign-out or a locked account does not stop the rest of the test. */
  if (r->roles == (1u << R_ANON) - 1)
    return R_ANALYST;
  static const int preference[] = {R_SUPERVISOR, R_ADMIN, R_CLERK, R_HANDLER, R_ANALYST};
  for (size_t i = 0; i < sizeof(preference) / sizeof(preference[0]); i++)
    if (r->roles & (1u << preference[i]))
      return preference[i];
  return R_ANON;
}

/* ---- signing in ----------------------------------------------------------------------------- */

static void sign_in(int role)
{
  char user[64];
  struct client *c = &clients[role];
  client_free(c);
  client_init(c, &server);
  if (role == R_ANON) {
    /* Hostile sign-ins lock the address they come from: not the one the staff clients use. */
    curl_easy_setopt(c->curl, CURLOPT_INTERFACE, "127.0.0.2");
    return;
  }
  snprintf(user, sizeof(user), OFFICE "-%s", role_names[role]);
  if (role == R_ADMIN)
    assert_int_equal(
        client_login_totp(c, "hostile-admin", PASSWORD, admin_secret, sizeof(admin_secret)), 0);
  else if (client_login(c, user, PASSWORD) != 303)
    /* Only the analyst may have been locked out by the hostile password changes. */
    assert_int_equal(role, R_ANALYST);
  struct response r;
  assert_int_equal(client_get(c, "/staff/", &r), 0); /* the session's CSRF token */
  response_free(&r);
}

/* Signs the client in again when a request (sign-out, a password change) ended its session. */
static void still_signed_in(int role)
{
  struct response r;
  if (role == R_ANON)
    return;
  assert_int_equal(client_get(&clients[role], "/staff/", &r), 0);
  long status = r.status;
  response_free(&r);
  if (status != 200)
    sign_in(role);
}

/* ---- the database snapshot: every table's row count -------------------------------------------
 */

static sqlite3 *open_sqlite(void)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(server.db, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK)
    fail_msg("cannot open %s: %s (errno %d)", server.db, sqlite3_errmsg(db),
             sqlite3_system_errno(db));
  sqlite3_busy_timeout(db, 5000);
  return db;
}

static bool is_pg(void)
{
  return strncmp(server.db, "postgres", 8) == 0;
}

static void build_counts_sql(void)
{
  const char *list_sql =
      is_pg() ? "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
              : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
                "AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%fts%' ORDER BY 1";
  size_t o = 0;
  counts_sql[0] = '\0';
  /* Tables that change on any request by design: sessions (last seen) and sign-in throttling;
   * the audit trail is checked row by row (audit_since). */
  const char *skip = "|sessions|login_throttle|audit_log|";
  if (is_pg()) {
    PGconn *conn = PQconnectdb(server.db);
    PGresult *res = PQexec(conn, list_sql);
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples(res); i++) {
      char bar[80];
      snprintf(bar, sizeof(bar), "|%s|", PQgetvalue(res, i, 0));
      if (strstr(skip, bar))
        continue;
      o += (size_t)snprintf(counts_sql + o, sizeof(counts_sql) - o,
                            "%sSELECT '%s', count(*) FROM %s", o ? " UNION ALL " : "",
                            PQgetvalue(res, i, 0), PQgetvalue(res, i, 0));
    }
    PQclear(res);
    PQfinish(conn);
  } else {
    sqlite3 *db = open_sqlite();
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, list_sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char *name = (const char *)sqlite3_column_text(st, 0);
      char bar[80];
      snprintf(bar, sizeof(bar), "|%s|", name);
      if (strstr(skip, bar))
        continue;
      o += (size_t)snprintf(counts_sql + o, sizeof(counts_sql) - o,
                            "%sSELECT '%s', count(*) FROM \"%s\"", o ? " UNION ALL " : "", name,
                            name);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  assert_true(o > 0 && o < sizeof(counts_sql) - 1);
}

/* "table=count;..." for every table. */
static char *snapshot(void)
{
  struct text t = {0};
  if (is_pg()) {
    static PGconn *conn;
    if (!conn)
      conn = PQconnectdb(server.db);
    PGresult *res = PQexec(conn, counts_sql);
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples(res); i++) {
      char line[160];
      int n = snprintf(line, sizeof(line), "%s=%s;", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
      text_add(&t, line, (size_t)n);
    }
    PQclear(res);
  } else {
    sqlite3 *db = open_sqlite();
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, counts_sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
      char line[160];
      int n = snprintf(line, sizeof(line), "%s=%lld;", sqlite3_column_text(st, 0),
                       (long long)sqlite3_column_int64(st, 1));
      text_add(&t, line, (size_t)n);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  return t.data ? t.data : calloc(1, 1);
}

/* The actions of the audit rows after id `after` ("a,b,"), and the newest id in *last. */
static char *audit_since(long long after, long long *last)
{
  struct text t = {0};
  char sql[160];
  snprintf(sql, sizeof(sql), "SELECT id, action FROM audit_log WHERE id > %lld ORDER BY id", after);
  *last = after;
  if (is_pg()) {
    static PGconn *conn;
    if (!conn)
      conn = PQconnectdb(server.db);
    PGresult *res = PQexec(conn, sql);
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples(res); i++) {
      *last = strtoll(PQgetvalue(res, i, 0), NULL, 10);
      text_add(&t, PQgetvalue(res, i, 1), strlen(PQgetvalue(res, i, 1)));
      text_add(&t, ",", 1);
    }
    PQclear(res);
  } else {
    sqlite3 *db = open_sqlite();
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
      *last = sqlite3_column_int64(st, 0);
      const char *action = (const char *)sqlite3_column_text(st, 1);
      text_add(&t, action, strlen(action));
      text_add(&t, ",", 1);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  return t.data ? t.data : calloc(1, 1);
}

/* A refused request may leave only these in the audit trail: failed sign-ins, and views of
 * personal data (a refused case action shows the case page again, with the applicant). */
static bool audit_allowed_on_refusal(const char *actions)
{
  /* access.denied: a 403 on a staff route is audited (ASVS 7.2.2, sec4) */
  static const char *const allowed[] = {"auth.login_failed", "auth.totp_failed", "person.view",
                                        "person.search", "access.denied"};
  const char *p = actions;
  while (*p) {
    size_t n = strcspn(p, ",");
    bool ok = false;
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !ok; i++)
      ok = strlen(allowed[i]) == n && !strncmp(p, allowed[i], n);
    if (!ok)
      return false;
    p += n + (p[n] == ',');
  }
  return true;
}

/* ---- reading pages: forms and links ---------------------------------------------------------- */

/* The value of attribute name="..." inside the tag [tag, end), HTML entities of the usual
 * five undone, into out. */
static bool attribute(const char *tag, const char *end, const char *name, char *out, size_t size)
{
  char needle[40];
  snprintf(needle, sizeof(needle), " %s=\"", name);
  const char *p = strstr(tag, needle);
  if (!p || p > end)
    return false;
  p += strlen(needle);
  size_t o = 0;
  while (p < end && *p != '"' && o + 1 < size) {
    static const struct {
      const char *entity;
      char c;
    } entities[] = {{"&amp;", '&'}, {"&quot;", '"'},  {"&#39;", '\''}, {"&lt;", '<'},
                    {"&gt;", '>'},  {"&#x27;", '\''}, {"&#34;", '"'}};
    bool done = false;
    for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]) && !done; i++) {
      size_t n = strlen(entities[i].entity);
      if (!strncmp(p, entities[i].entity, n)) {
        out[o++] = entities[i].c;
        p += n;
        done = true;
      }
    }
    if (!done)
      out[o++] = *p++;
  }
  out[o] = '\0';
  return true;
}

/* A plausible value for an empty field, by its name, so that a form's defaults make a valid
 * submission and one hostile field is what decides the answer; others stay empty. */
static const char *plausible(const char *name, const char *value)
{
  static const struct {
    const char *part, *value;
  } guesses[] = {{"phone", "0912345678"}, {"email", "chen@example.tw"},
                 {"date", "2026-12-01"},  {"time", "10:00"},
                 {"days", "1"},           {"name", "王小明"},
                 {"password", ""},        {"slug", "hostile-test"},
                 {"minutes", "60"},       {"items", "身分證影本"},
                 {"note", "測試"},        {"place", "第一會議室"},
                 {"title", "測試標題"},   {"q", "登記"}};
  if (value[0])
    return value;
  for (size_t i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++)
    if (strstr(name, guesses[i].part))
      return guesses[i].value;
  return "";
}

static void add_field(struct form *f, const char *name, const char *value)
{
  if (!name[0] || !strcmp(name, "csrf") || f->nfields == MAX_FIELDS)
    return;
  for (int i = 0; i < f->nfields; i++)
    if (!strcmp(f->fields[i].name, name))
      return;
  snprintf(f->fields[f->nfields].name, sizeof(f->fields[0].name), "%s", name);
  snprintf(f->fields[f->nfields].value, sizeof(f->fields[0].value), "%s", plausible(name, value));
  f->nfields++;
}

/* The fields of one form body [p, end). */
static void read_fields(struct form *f, const char *p, const char *end)
{
  while ((p = strchr(p, '<')) && p < end) {
    const char *close = strchr(p, '>');
    if (!close || close > end)
      break;
    char name[64], value[160] = "";
    bool input = !strncmp(p, "<input", 6), select = !strncmp(p, "<select", 7),
         area = !strncmp(p, "<textarea", 9);
    if ((input || select || area) && attribute(p, close, "name", name, sizeof(name))) {
      if (input)
        attribute(p, close, "value", value, sizeof(value));
      if (select) {
        const char *option = strstr(close, "<option");
        if (option && option < end)
          attribute(option, strchr(option, '>'), "value", value, sizeof(value));
      }
      if (area) {
        const char *stop = strstr(close, "</textarea>");
        size_t n = stop ? (size_t)(stop - close - 1) : 0;
        snprintf(value, sizeof(value), "%.*s", (int)(n < sizeof(value) ? n : 0), close + 1);
      }
      add_field(f, name, value);
    }
    p = close + 1;
  }
}

static void strip_query(char *path)
{
  path[strcspn(path, "?#")] = '\0';
}

/* Records of staff accounts other than the analyst's are left alone: disabling or changing
 * the accounts the test signs in with would end its sessions. */
static bool spared(const char *path)
{
  char mine[64];
  int n = snprintf(mine, sizeof(mine), "/staff/admin/users/%lld", analyst_id);
  if (strncmp(path, "/staff/admin/users/", 19) || !strcmp(path, "/staff/admin/users/new"))
    return false;
  return strncmp(path, mine, (size_t)n) || (path[n] != '\0' && path[n] != '/');
}

static bool page_known(const char *path)
{
  for (int i = 0; i < npages; i++)
    if (!strcmp(pages[i].path, path))
      return true;
  return false;
}

/* Pages already listed for the GET route that path belongs to. */
static int pages_of_route(const char *path)
{
  int n = 0;
  for (int i = 0; i < nroutes; i++) {
    if (strcmp(routes[i].method, "GET") || !pattern_matches(routes[i].pattern, path))
      continue;
    for (int k = 0; k < npages; k++)
      n += pattern_matches(routes[i].pattern, pages[k].path);
    return n;
  }
  return 0;
}

static void add_page(const char *path, int role)
{
  if (npages < MAX_PAGES && !page_known(path) && !spared(path) &&
      pages_of_route(path) < PAGES_PER_ROUTE) {
    snprintf(pages[npages].path, sizeof(pages[0].path), "%s", path);
    pages[npages++].role = role;
  }
}

static void read_forms(const char *body, const char *page_path, int role)
{
  for (const char *p = body; (p = strstr(p, "<form")) && nforms < MAX_FORMS;) {
    const char *close = strchr(p, '>'), *end = strstr(p, "</form>");
    if (!close || !end)
      break;
    struct form *f = &forms[nforms];
    memset(f, 0, sizeof(*f));
    char method[16] = "get";
    attribute(p, close, "method", method, sizeof(method));
    if (!attribute(p, close, "action", f->action, sizeof(f->action)) || !f->action[0])
      snprintf(f->action, sizeof(f->action), "%s", page_path);
    strip_query(f->action);
    f->post = !strcasecmp(method, "post");
    f->role = role;
    read_fields(f, close + 1, end);
    if (f->action[0] == '/' && !spared(f->action)) {
      for (int i = 0; verbose && i < f->nfields; i++)
        printf("form %s %s on %s: %s=%s\n", f->post ? "POST" : "GET", f->action, page_path,
               f->fields[i].name, f->fields[i].value);
      nforms++;
    }
    p = end + 7;
  }
}

static void read_links(const char *body, int role)
{
  for (const char *p = body; (p = strstr(p, " href=\"/")) != NULL; p += 7) {
    char href[400];
    attribute(p, strchr(p, '>') ? strchr(p, '>') : p + strlen(p), "href", href, sizeof(href));
    href[strcspn(href, "#")] = '\0';
    if (strstr(href, "lang="))
      strip_query(href);
    if (strncmp(href, "/static/", 8) && strncmp(href, "//", 2))
      for (int i = 0; i < nroutes; i++)
        if (!strcmp(routes[i].method, "GET") && pattern_matches(routes[i].pattern, href) &&
            route_role(&routes[i]) == role)
          add_page(href, role);
  }
}

/* ---- checking one answer -------------------------------------------------------------------- */

static void check_answer(const char *what, const struct response *r, bool answered)
{
  requests++;
  by_class[r->status >= 100 && r->status < 600 ? r->status / 100 : 0]++;
  if (verbose)
    printf("%ld %s\n", r->status, what);
  if (!answered) {
    failures++;
    fail_msg("%s: no answer (connection dropped)", what);
  }
  if (r->status >= 500 || r->status < 100) {
    failures++;
    fail_msg("%s: answered %ld: %.300s", what, r->status, r->body);
  }
  char *type = response_header(r, "Content-Type");
  bool html = type && strstr(type, "text/html");
  free(type);
  for (size_t i = 0; html && i < sizeof(probes) / sizeof(probes[0]); i++)
    if (strstr(r->body, probes[i]))
      fail_msg("%s: the page shows %s unescaped", what, probes[i]);
  if (r->headers && strstr(r->headers, "X-Injected"))
    fail_msg("%s: a header was injected: %s", what, r->headers);
  char *location = response_header(r, "Location");
  if (location && (location[0] != '/' || location[1] == '/' || location[1] == '\\'))
    fail_msg("%s: redirects off the site to %s", what, location);
  free(location);
}

/* Sends one request as role; a write answered 4xx must leave every table's count as it was. */
static void send_one(int role, const char *method, const char *path, const char *type,
                     const char *body, size_t len, const char *what)
{
  struct client *c = &clients[role];
  char content_type[200], csrf[100];
  snprintf(content_type, sizeof(content_type), "Content-Type: %s", type ? type : "text/plain");
  snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", c->csrf);
  const char *headers[] = {content_type, csrf, NULL};
  bool write = strcmp(method, "GET") != 0;
  static long long audit_last;
  char *before = write ? snapshot() : NULL;
  free(write ? audit_since(audit_last, &audit_last) : NULL);
  struct response r;
  int rc = client_call(c, method, path, type ? headers : headers + 1, body, len, &r);
  check_answer(what, &r, rc == 0);
  if (write && r.status >= 400 && r.status < 500) {
    char *after = snapshot();
    if (strcmp(before, after) != 0)
      fail_msg("%s: answered %ld but the database changed:\n before %s\n after  %s", what, r.status,
               before, after);
    free(after);
    char *actions = audit_since(audit_last, &audit_last);
    if (!audit_allowed_on_refusal(actions))
      fail_msg("%s: answered %ld but was audited as %s", what, r.status, actions);
    free(actions);
  }
  char *location = write && r.status == 303 ? response_header(&r, "Location") : NULL;
  if (location && location[0] == '/' && strncmp(location, "/staff/login", 12)) {
    /* Whatever was accepted is shown on the page it leads to: escaped. */
    struct response shown;
    char where[600];
    snprintf(where, sizeof(where), "%s -> %s", what, location);
    check_answer(where, &shown, client_get(c, location, &shown) == 0);
    response_free(&shown);
    if (nshown < MAX_PAGES) {
      snprintf(shown_pages[nshown].path, sizeof(shown_pages[0].path), "%s", location);
      shown_pages[nshown++].role = role;
    }
  }
  free(location);
  free(before);
  response_free(&r);
}

/* ---- building requests ---------------------------------------------------------------------- */

/* urlencoded fields: all hostile (one = -1) or only field `one` hostile, the rest defaults. */
static void form_body(const struct form *f, const struct hostile *h, int one, const char *csrf,
                      struct text *t)
{
  static const char *const extra[] = {"q", "lang", "next", "page", "id", "name"};
  for (int i = 0; i < f->nfields; i++) {
    bool hostile = one < 0 || one == i;
    text_pair(t, f->fields[i].name, hostile ? h->value : f->fields[i].value,
              hostile ? hostile_len(h) : strlen(f->fields[i].value));
  }
  for (size_t i = 0; one < 0 && i < sizeof(extra) / sizeof(extra[0]); i++)
    text_pair(t, extra[i], h->value, hostile_len(h));
  if (csrf)
    text_pair(t, "csrf", csrf, strlen(csrf));
  if (!t->data)
    text_add(t, "", 0);
}

static void send_form(const struct route *r, const struct form *f, const struct hostile *h, int one)
{
  int role = route_role(r);
  struct text t = {0};
  char what[600];
  snprintf(what, sizeof(what), "%s %s [%s] %s as %s", r->method, f->action, h->name,
           one < 0 ? "in every field" : f->fields[one].name, role_names[role]);
  if (!strcmp(r->method, "GET")) {
    form_body(f, h, one, NULL, &t);
    struct text url = {0};
    text_add(&url, f->action, strlen(f->action));
    text_add(&url, "?", 1);
    text_add(&url, t.data, t.len);
    send_one(role, "GET", url.data, NULL, NULL, 0, what);
    free(url.data);
  } else {
    form_body(f, h, one, clients[role].csrf, &t);
    send_one(role, r->method, f->action, "application/x-www-form-urlencoded", t.data, t.len, what);
  }
  free(t.data);
}

/* Every field (and every known field name) as one JSON object of the hostile value. */
static void send_json(const struct route *r, const struct form *f, const struct hostile *h)
{
  int role = route_role(r);
  json_t *doc = json_object();
  json_t *value = json_stringn_nocheck(h->value, hostile_len(h));
  static const char *const names[] = {"status", "ref", "id", "format", "services"};
  for (int i = 0; i < f->nfields; i++)
    json_object_set(doc, f->fields[i].name, value);
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    json_object_set(doc, names[i], value);
  json_decref(value);
  char *text = json_dumps(doc, JSON_ENSURE_ASCII);
  json_decref(doc);
  char what[600];
  snprintf(what, sizeof(what), "%s %s [%s] as a JSON body", r->method, f->action, h->name);
  send_one(role, r->method, f->action, "application/json", text, strlen(text), what);
  free(text);
}

/* An upload route: the hostile value as the file (name and content) beside the form's fields. */
static void send_multipart(const struct route *r, const struct form *f, const struct hostile *h)
{
  int role = route_role(r);
  struct text t = {0};
  char part[600];
  for (int i = 0; i < f->nfields; i++) {
    snprintf(part, sizeof(part),
             "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
             f->fields[i].name, f->fields[i].value);
    text_add(&t, part, strlen(part));
  }
  snprintf(part, sizeof(part),
           "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
           "--" BOUNDARY
           "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%.200s\"\r\n"
           "Content-Type: application/json\r\n\r\n",
           clients[role].csrf, h->value);
  text_add(&t, part, strlen(part));
  text_add(&t, h->value, hostile_len(h));
  text_add(&t, "\r\n--" BOUNDARY "--\r\n", strlen("\r\n--" BOUNDARY "--\r\n"));
  char what[600];
  snprintf(what, sizeof(what), "%s %s [%s] as an upload", r->method, f->action, h->name);
  send_one(role, r->method, f->action, "multipart/form-data; boundary=" BOUNDARY, t.data, t.len,
           what);
  free(t.data);
}

/* ---- the crawl --------------------------------------------------------------------------------
 */

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
    assert_true(nroutes < MAX_ROUTES);
    struct route *r = &routes[nroutes++];
    snprintf(r->method, sizeof(r->method), "%s", json_string_value(json_object_get(row, "method")));
    snprintf(r->pattern, sizeof(r->pattern), "%s",
             json_string_value(json_object_get(row, "pattern")));
    snprintf(r->rate, sizeof(r->rate), "%s", json_string_value(json_object_get(row, "rate")));
    r->csrf = json_is_true(json_object_get(row, "csrf"));
    r->body_max = json_integer_value(json_object_get(row, "body_max"));
    size_t k;
    json_t *name;
    json_array_foreach(json_object_get(row, "roles"), k,
                       name) for (int role = 0; role < R_ANON;
                                  role++) if (!strcmp(json_string_value(name), role_names[role]))
        r->roles |= 1u << role;
  }
  json_decref(list);
  assert_true(nroutes > 30);
}

static void crawl_page(const char *path, int role)
{
  struct response r;
  assert_int_equal(client_get(&clients[role], path, &r), 0);
  char what[500];
  snprintf(what, sizeof(what), "GET %s as %s", path, role_names[role]);
  check_answer(what, &r, true);
  if (r.status == 200) {
    read_forms(r.body, path, role);
    read_links(r.body, role);
  }
  response_free(&r);
}

static void crawl(void)
{
  char path[400];
  for (int i = 0; i < nroutes; i++) {
    if (strcmp(routes[i].method, "GET") || strstr(routes[i].pattern, "qr.svg") ||
        strstr(routes[i].pattern, "/files/") || strstr(routes[i].pattern, "/export"))
      continue;
    instantiate(routes[i].pattern, NULL, path, sizeof(path));
    add_page(path, route_role(&routes[i]));
  }
  /* Pages link to more pages (records with real ids), and their GET forms submitted with their
   * defaults lead to more (the intake form for a chosen service); read those too, once. */
  for (int i = 0; i < npages; i++) {
    int before = nforms;
    crawl_page(pages[i].path, pages[i].role);
    for (int k = before; k < nforms; k++) {
      if (forms[k].post || !forms[k].nfields)
        continue;
      struct text q = {0};
      text_add(&q, forms[k].action, strlen(forms[k].action));
      for (int f = 0; f < forms[k].nfields; f++) {
        text_add(&q, f ? "&" : "?", 1);
        text_pair_raw(&q, forms[k].fields[f].name, forms[k].fields[f].value);
      }
      if (q.len < sizeof(pages[0].path))
        add_page(q.data, forms[k].role);
      free(q.data);
    }
  }
}

/* True when two paths differ only in record ids (all digits) or the office: one of them is
 * enough. Paths that differ in a word (the case action, the template's channel) both count. */
static bool same_shape(const char *a, const char *b)
{
  int segment = 0;
  bool office = false;
  while (*a || *b) {
    size_t na = strcspn(a, "/"), nb = strcspn(b, "/");
    bool digits = na && nb && strspn(a, "0123456789") == na && strspn(b, "0123456789") == nb;
    if (!(na == nb && !strncmp(a, b, na)) && !digits && !office)
      return false;
    office = segment == 1 && na == 1 && *a == 'o';
    a += na + (a[na] == '/');
    b += nb + (b[nb] == '/');
    segment++;
  }
  return true;
}

/* The forms the application renders for route r (at most TARGETS_PER_ROUTE), or one made up
 * from the route's own path when no page shows such a form. */
static int targets_of(const struct route *r, const struct form **out, struct form *made_up)
{
  int n = 0;
  bool post = strcmp(r->method, "GET") != 0;
  for (int i = 0; i < nforms && n < TARGETS_PER_ROUTE; i++) {
    if (forms[i].post != post || !pattern_matches(r->pattern, forms[i].action))
      continue;
    bool seen = false;
    for (int k = 0; k < n; k++)
      seen = seen || same_shape(out[k]->action, forms[i].action);
    if (!seen)
      out[n++] = &forms[i];
  }
  if (n == 0) {
    memset(made_up, 0, sizeof(*made_up));
    instantiate(r->pattern, NULL, made_up->action, sizeof(made_up->action));
    made_up->post = post;
    add_field(made_up, "value", "1");
    add_field(made_up, "note", "x");
    out[n++] = made_up;
  }
  return n;
}

static void attack_route(const struct route *r)
{
  const struct form *targets[TARGETS_PER_ROUTE];
  struct form made_up;
  int role = route_role(r);
  bool get = !strcmp(r->method, "GET");
  int n = targets_of(r, targets, &made_up);
  /* A GET route without fields takes nothing but its path and the query's common names. */
  for (int t = 0; t < n; t++) {
    const struct form *f = targets[t];
    /* A route no page has a form for gets every third value in its made-up fields. */
    int step = f == &made_up ? 3 : 1;
    still_signed_in(role);
    for (int v = 0; v < CORPUS; v += step) {
      send_form(r, f, &corpus[v], -1);
      if (!get && (v % 4 == 0))
        send_json(r, f, &corpus[v]);
      if (r->body_max > 64 * 1024 && v % 2 == 0)
        send_multipart(r, f, &corpus[v]);
    }
    for (int i = 0; i < f->nfields; i++)
      for (int k = 0; k < VALUES_PER_FIELD; k++)
        send_form(r, f, &corpus[(i * VALUES_PER_FIELD + k + t) % CORPUS], i);
  }
  if (!get) {
    /* Over the route's body cap: refused before reading (413), nothing stored. */
    char what[600];
    snprintf(what, sizeof(what), "%s %s with a body over its cap", r->method, targets[0]->action);
    if (r->body_max < BIG_BODY)
      send_one(role, r->method, targets[0]->action, "application/x-www-form-urlencoded", huge_body,
               BIG_BODY, what);
  }
  /* The path's captures themselves hostile. */
  if (strchr(r->pattern, '{'))
    for (int v = 0; v < CORPUS; v += 3) {
      char enc[16000], path[16400], what[600];
      size_t len = hostile_len(&corpus[v]);
      url_encode(corpus[v].value, len < 2000 ? len : 2000, enc, sizeof(enc));
      instantiate(r->pattern, enc[0] ? enc : "%20", path, sizeof(path));
      snprintf(what, sizeof(what), "%s %s [%s] in the path", r->method, r->pattern, corpus[v].name);
      struct text body = {0};
      if (!get) {
        text_pair(&body, "csrf", clients[role].csrf, strlen(clients[role].csrf));
      }
      send_one(role, r->method, path, get ? NULL : "application/x-www-form-urlencoded", body.data,
               body.len, what);
      free(body.data);
    }
}

/* ---- the test ---------------------------------------------------------------------------------
 */

/* Hostile request headers (what a client may send raw: no control characters) on the first
 * pages: languages, content negotiation, cookies, the CSRF header. */
static void attack_headers(void)
{
  for (int i = 0; i < npages && i < 40; i++)
    for (int v = i % 3; v < CORPUS; v += 3) {
      const struct hostile *h = &corpus[v];
      bool raw_ok = hostile_len(h) < 2000 && strlen(h->value) == hostile_len(h);
      for (const char *c = h->value; raw_ok && *c; c++)
        raw_ok = (unsigned char)*c >= 0x20 && *c != 0x7f;
      if (!raw_ok)
        continue;
      char language[2100], accept[2100], cookie[2100], csrf[2100], what[600];
      snprintf(language, sizeof(language), "Accept-Language: %s", h->value);
      snprintf(accept, sizeof(accept), "Accept: %s", h->value);
      snprintf(cookie, sizeof(cookie), "Cookie: lang=%s; bm_csrf=%s", h->value, h->value);
      snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", h->value);
      const char *headers[] = {language, accept, cookie, csrf, NULL};
      struct response r;
      snprintf(what, sizeof(what), "GET %s [%s] in the headers", pages[i].path, h->name);
      int rc = client_call(&clients[pages[i].role], "GET", pages[i].path, headers, NULL, 0, &r);
      check_answer(what, &r, rc == 0);
      response_free(&r);
    }
}

/* Reads the pages again, and every page they link to (records made on the way, such as the
 * cases the hostile intakes created), checking each answer. */
static void sweep(const struct page *list, int count)
{
  static char seen[4 * MAX_PAGES][400];
  static int nseen;
  for (int i = 0; i < count; i++) {
    struct response r;
    char what[1000];
    int role = list[i].role;
    snprintf(what, sizeof(what), "GET %s as %s afterwards", list[i].path, role_names[role]);
    check_answer(what, &r, client_get(&clients[role], list[i].path, &r) == 0);
    for (const char *p = r.body; r.status == 200 && (p = strstr(p, " href=\"/")); p += 7) {
      char href[400];
      const char *close = strchr(p, '>');
      attribute(p, close ? close : p + strlen(p), "href", href, sizeof(href));
      href[strcspn(href, "#")] = '\0';
      bool known = !strncmp(href, "/static/", 8) || strstr(href, "lang=") || spared(href) ||
                   strstr(href, "qr.svg") || strstr(href, "/files/") || nseen == 4 * MAX_PAGES;
      for (int k = 0; k < nseen && !known; k++)
        known = !strcmp(seen[k], href);
      if (known)
        continue;
      snprintf(seen[nseen++], sizeof(seen[0]), "%s", href);
      struct response linked;
      snprintf(what, sizeof(what), "GET %s (linked from %s) as %s afterwards", href, list[i].path,
               role_names[role]);
      check_answer(what, &linked, client_get(&clients[role], href, &linked) == 0);
      response_free(&linked);
    }
    response_free(&r);
  }
}

static long long id_from_location(struct client *c, const char *path, const char *form,
                                  const char *prefix)
{
  struct response r;
  assert_int_equal(client_get(c, path, &r), 0);
  response_free(&r);
  assert_int_equal(client_post(c, path, form, &r), 0);
  char *location = response_header(&r, "Location");
  long long id = location && !strncmp(location, prefix, strlen(prefix))
                     ? strtoll(location + strlen(prefix), NULL, 10)
                     : 0;
  free(location);
  response_free(&r);
  return id;
}

static long long user_id(const char *username)
{
  struct response r;
  const char *accept[] = {"Accept: application/json", NULL};
  assert_int_equal(client_call(&clients[R_ADMIN], "GET", "/staff/admin/users", accept, NULL, 0, &r),
                   0);
  json_t *view = response_json(&r);
  if (!view)
    fprintf(stderr, "users page answered %ld: %.300s\n", r.status, r.body);
  response_free(&r);
  long long id = 0;
  size_t i;
  json_t *u;
  json_array_foreach(json_object_get(view, "users"), i,
                     u) if (!strcmp(json_string_value(json_object_get(u, "username"))
                                        ? json_string_value(json_object_get(u, "username"))
                                        : "",
                                    username)) id = json_integer_value(json_object_get(u, "id"));
  if (!id)
    fprintf(stderr, "no %s in %s\n", username, json_dumps(view, 0));
  json_decref(view);
  return id;
}

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_RATE_LOGIN=1000000", "BIANMIN_RATE_PUBLIC=1000000",
                       "BIANMIN_RATE_LOOKUP=1000000", NULL};
  memset(overlong, 'A', sizeof(overlong) - 1);
  memset(huge_body, 'a', sizeof(huge_body) - 1);
  huge_body[0] = 'x';
  huge_body[1] = '=';
  return server_start(&server, env);
}

static int teardown(void **state)
{
  for (int i = 0; i < R_COUNT; i++)
    client_free(&clients[i]);
  return server_stop(&server) == 0 ? 0 : -1;
}

static void test_hostile_input_everywhere(void **state)
{
  /* An admin of our own: the demo admins' second factor is set up already. */
  const char *add[] = {"user",       "add",           "--office",    OFFICE,
                       "--username", "hostile-admin", "--name",      "Hostile Admin",
                       "--roles",    "admin",         "--no-expire", NULL};
  const char *password[] = {"BIANMIN_PASSWORD=" PASSWORD, NULL};
  assert_int_equal(server_cli_env(&server, add, password), 0);
  verbose = getenv("BIANMIN_HOSTILE_VERBOSE") != NULL;
  load_routes();
  for (int role = 0; role < R_COUNT; role++)
    sign_in(role);
  case_id = id_from_location(&clients[R_CLERK], "/staff/intake",
                             "service_id=1&applicant_name=%E6%9E%97%E5%B0%8F%E8%8A%B3"
                             "&applicant_phone=0912345678&notify=sms&doc_0=x",
                             "/staff/cases/");
  assert_true(case_id > 0);
  analyst_id = user_id(OFFICE "-analyst");
  assert_true(analyst_id > 0);
  build_counts_sql();
  crawl();
  int attacked = 0;
  /* BIANMIN_HOSTILE_ONLY=/staff/intake attacks only the routes whose pattern contains it. */
  const char *only = getenv("BIANMIN_HOSTILE_ONLY");
  /* Admins' routes last: what they accept (an unpublished service, a changed unit) may turn
   * the others' valid submissions into refusals, and fewer would reach deep validation. */
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < nroutes; i++) {
      bool admin = route_role(&routes[i]) == R_ADMIN;
      if ((only && !strstr(routes[i].pattern, only)) || admin != (pass == 1))
        continue;
      attack_route(&routes[i]);
      attacked++;
    }
  attack_headers();
  /* Whatever was accepted on the way is shown escaped wherever it appears. */
  for (int role = 0; role < R_COUNT; role++)
    still_signed_in(role);
  sweep(pages, npages);
  sweep(shown_pages, nshown);
  printf("hostile: %d routes, %d forms, %d pages, %d requests: %d 2xx, %d 3xx, %d 4xx\n", attacked,
         nforms, npages, requests, by_class[2], by_class[3], by_class[4]);
}

/* Regression: a %00 in the path cut it short (libmicrohttpd kept the NUL), so
 * /o/xin%00xing/ was answered as /o/xin (a 308 to /o/xin/). Now a NUL anywhere is a 400. */
static void test_nul_in_the_path_is_refused(void **state)
{
  static const char *const paths[] = {"/o/xin%00xing/", "/staff/admin/users%00/x",
                                      "/o/xinxing/search?q=a%00b", "/o/xinxing/search?q%00=1"};
  for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
    struct response r;
    assert_int_equal(http_get(&server, paths[i], &r), 0);
    if (r.status != 400)
      fail_msg("GET %s answered %ld, not 400", paths[i], r.status);
    response_free(&r);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nul_in_the_path_is_refused),
      cmocka_unit_test(test_hostile_input_everywhere),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
