/*
 * users_test.c - the admins' staff accounts pages as they answer today, so a rewrite of their
 * read path shows any change: the office's list (username, name, roles, unit, state, links),
 * the new-account form (units, role boxes), creating an account (its first password generated
 * by the system and shown once: ASVS 2.3.1; it can sign in with its roles and nothing more, once
 * it has replaced that password: issue 21), editing roles and unit, the refusals (each naming
 * its field in zh-TW and English, creating nothing; common, leaked and personal passwords when
 * the person chooses their own), an admin's reset generating a new password that expires at
 * the next sign-in,
 * and another office's accounts: not listed and "not found" for every page and action, whatever
 * id is put in the URL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "harness.h"

#define ADMIN_PASSWORD "admin-password-123"
#define OWN_PASSWORD   "lantern-orchid-4-river" /* one lin.cm chooses */
/* 林志明, urlencoded for a printf format */
#define LIN "%%E6%%9E%%97%%E5%%BF%%97%%E6%%98%%8E"

static struct server server;
static struct client admin, other_admin; /* of xinxing, of hsinchu */
static char totp[64], other_totp[64];

/* POSTs form to path after reading page (for its CSRF token); r gets the answer. */
static void post_from(struct client *c, const char *page, const char *path, const char *form,
                      struct response *r)
{
  struct response p;
  assert_int_equal(client_get(c, page, &p), 0);
  response_free(&p);
  assert_int_equal(client_post(c, path, form, r), 0);
}

static void add_admin(const char *office, const char *username)
{
  harness_add_user(&server, office, username, "admin", ADMIN_PASSWORD);
}

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000", NULL};
  if (server_start(&server, env))
    return -1;
  add_admin("xinxing", "users-admin");
  add_admin("hsinchu", "users-admin-h");
  client_init(&admin, &server);
  client_init(&other_admin, &server);
  return client_login_totp(&admin, "users-admin", ADMIN_PASSWORD, totp, sizeof(totp)) ||
                 client_login_totp(&other_admin, "users-admin-h", ADMIN_PASSWORD, other_totp,
                                   sizeof(other_totp))
             ? -1
             : 0;
}

static int teardown(void **state)
{
  client_free(&admin);
  client_free(&other_admin);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* The row of username in the list view, or NULL. Borrowed. */
static json_t *row_of(json_t *list, const char *username)
{
  json_t *u;
  size_t i;
  json_array_foreach(json_at(list, "users"), i, u)
  {
    if (strcmp(json_text_at(u, "username"), username) == 0)
      return u;
  }
  return NULL;
}

static void test_list(void **state)
{
  json_t *list = expect_view(&server, &admin, "/staff/admin/users", 200);
  expect_text_at(list, "title", "帳號管理");
  json_t *clerk = row_of(list, "xinxing-clerk");
  json_t *super = row_of(list, "xinxing-supervisor");
  json_t *me = row_of(list, "users-admin");
  assert_non_null(clerk);
  assert_non_null(super);
  assert_non_null(me);
  expect_text_at(clerk, "display_name", "收件櫃台人員（示範）");
  expect_text_at(clerk, "roles", "clerk");
  expect_text_at(clerk, "unit", "");
  assert_false(json_is_true(json_at(clerk, "disabled")));
  assert_false(json_is_true(json_at(clerk, "totp")));
  expect_text_at(super, "roles", "handler,supervisor");
  expect_text_at(me, "roles", "admin");
  assert_true(json_is_true(json_at(me, "totp")));
  char href[64];
  snprintf(href, sizeof(href), "/staff/admin/users/%lld",
           (long long)json_integer_value(json_at(clerk, "id")));
  expect_text_at(clerk, "href", href);
  /* Only this office's accounts, in username order. */
  assert_null(row_of(list, "hsinchu-clerk"));
  assert_null(row_of(list, "users-admin-h"));
  json_t *u;
  size_t i;
  const char *last = "";
  json_array_foreach(json_at(list, "users"), i, u)
  {
    const char *name = json_text_at(u, "username");
    assert_true(strcmp(last, name) < 0);
    last = name;
  }
  json_decref(list);

  char *body = expect_page(&server, &admin, "/staff/admin/users", 200);
  char link[160];
  snprintf(link, sizeof(link), "<a class=\"govuk-link\" href=\"%s\">xinxing-clerk</a>", href);
  expect_contains(body, "<h1 class=\"govuk-heading-xl\">帳號管理</h1>");
  expect_contains(body, "<a class=\"govuk-button\" href=\"/staff/admin/users/new\">");
  expect_contains(body, link);
  expect_contains(body, "<td class=\"govuk-table__cell\" data-label=\"姓名\">"
                        "收件櫃台人員（示範）</td>");
  expect_contains(body, "<td class=\"govuk-table__cell\" data-label=\"角色\">"
                        "承辦人、主管</td>"); /* the roles in the page's language */
  expect_contains(body, "使用中");
  expect_lacks(body, "hsinchu-");
  free(body);
  body = expect_page(&server, &admin, "/staff/admin/users?lang=en", 200);
  expect_contains(body, "<h1 class=\"govuk-heading-xl\">Staff accounts</h1>");
  free(expect_page(&server, &admin, "/staff/admin/users?lang=zh-TW", 200));
  free(body);
}

static void test_new_form(void **state)
{
  json_t *form = expect_view(&server, &admin, "/staff/admin/users/new", 200);
  expect_text_at(form, "title", "新增工作人員帳號");
  expect_text_at(form, "action", "/staff/admin/users");
  assert_true(json_is_true(json_at(form, "is_new")));
  expect_text_at(form, "units.0.name", "登記課");
  expect_text_at(form, "units.1.name", "測量課");
  assert_false(json_is_true(json_at(form, "units.0.selected")));
  static const char *const roles[] = {"clerk", "handler", "supervisor", "admin", "analyst"};
  static const char *const labels[] = {"收件人員", "承辦人", "主管", "系統管理者", "研考分析"};
  char path[48];
  for (size_t i = 0; i < 5; i++) {
    snprintf(path, sizeof(path), "roles.%zu.value", i);
    expect_text_at(form, path, roles[i]);
    snprintf(path, sizeof(path), "roles.%zu.label", i);
    expect_text_at(form, path, labels[i]);
    snprintf(path, sizeof(path), "roles.%zu.checked", i);
    assert_int_equal(json_is_true(json_at(form, path)), i == 0); /* clerk by default */
  }
  json_decref(form);
  char *body = expect_page(&server, &admin, "/staff/admin/users/new", 200);
  static const char *const fields[] = {
      "<form method=\"post\" action=\"/staff/admin/users\" novalidate>",
      "<input type=\"hidden\" name=\"csrf\" value=\"",
      "name=\"username\" type=\"text\"",
      "name=\"display_name\" type=\"text\"",
      "name=\"email\" type=\"email\"",
      "<select class=\"govuk-select\" id=\"unit_id\" name=\"unit_id\">",
      "id=\"role_clerk\" name=\"role_clerk\" type=\"checkbox\" value=\"1\" checked>",
      "id=\"role_admin\" name=\"role_admin\" type=\"checkbox\" value=\"1\">",
      "id=\"initial-password-note\"",
  };
  for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
    expect_contains(body, fields[i]);
  expect_lacks(body, "name=\"password\""); /* the system chooses the first password */
  free(body);
}

/* The id of the unit called name in the new-account form. */
static long long unit_id(const char *name)
{
  json_t *form = expect_view(&server, &admin, "/staff/admin/users/new", 200);
  json_t *u;
  size_t i;
  long long id = 0;
  json_array_foreach(json_at(form, "units"), i, u)
  {
    if (strcmp(json_text_at(u, "name"), name) == 0)
      id = (long long)json_integer_value(json_at(u, "id"));
  }
  json_decref(form);
  assert_true(id > 0);
  return id;
}

/* The generated password of an answer showing one (the JSON view of the page), into out. */
static void generated_password(json_t *view, char out[32])
{
  const char *password = json_text_at(view, "password");
  assert_non_null(password);
  assert_int_equal(strlen(password), 19); /* xxxx-xxxx-xxxx-xxxx */
  snprintf(out, 32, "%s", password);
}

/* POSTs form to path as the admin asking for JSON (after reading page for the CSRF token). */
static json_t *post_json(const char *page, const char *path, const char *form, long status)
{
  static const char *const accept[] = {"Accept: application/json", NULL};
  struct response r;
  char body[600];
  assert_int_equal(client_get(&admin, page, &r), 0);
  response_free(&r);
  snprintf(body, sizeof(body), "%s%scsrf=%s", form, *form ? "&" : "", admin.csrf);
  assert_int_equal(client_call(&admin, "POST", path, accept, body, strlen(body), &r), 0);
  if (r.status != status)
    fail_msg("POST %s answered %ld: %.1500s", path, r.status, r.body);
  json_t *view = response_json(&r);
  response_free(&r);
  assert_non_null(view);
  return view;
}

/* Creates the account; password receives the one the system generated (shown once). */
static long long create(const char *username, long long unit, const char *roles, char password[32])
{
  char form[512];
  snprintf(form, sizeof(form),
           "username=%s&display_name=" LIN "&email=lin%%40example.gov.tw&unit_id=%lld&%s", username,
           unit, roles);
  json_t *view = post_json("/staff/admin/users/new", "/staff/admin/users", form, 200);
  expect_text_at(view, "username", username);
  generated_password(view, password);
  const char *href = json_text_at(view, "href");
  assert_non_null(href);
  assert_int_equal(strncmp(href, "/staff/admin/users/", 19), 0);
  long long id = strtoll(href + 19, NULL, 10);
  if (id <= 0)
    fail_msg("created %s: the page links %s", username, href);
  json_decref(view);
  return id;
}

/* An administrator chose c's password: every page leads to the password page, which says so;
 * the same password again is refused; a new one ends the session and signs in. */
static void choose_own_password(struct client *c, const char *given, const char *own)
{
  struct response r;
  char form[256];
  const char *pages[] = {"/staff/cases", "/staff/", "/staff/admin/users"};
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(client_get(c, pages[i], &r), 0);
    assert_int_equal(r.status, 303);
    char *location = response_header(&r, "Location");
    response_free(&r);
    assert_non_null(location);
    assert_string_equal(location, "/staff/account/password");
    free(location);
  }
  char *page = expect_page(&server, c, "/staff/account/password", 200);
  expect_contains(page, "id=\"password-expired\"");
  expect_contains(page, "您的密碼是由管理員設定的。");
  free(page);
  snprintf(form, sizeof(form), "current=%s&password=%s&confirm=%s", given, given, given);
  assert_int_equal(client_post(c, "/staff/account/password", form, &r), 0);
  assert_int_equal(r.status, 400);
  expect_contains(r.body, "新密碼必須與目前的密碼不同。");
  response_free(&r);
  snprintf(form, sizeof(form), "current=%s&password=%s&confirm=%s", given, own, own);
  assert_int_equal(client_post(c, "/staff/account/password", form, &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  assert_int_equal(client_login(c, "lin.cm", own), 303);
}

static void test_create_and_edit(void **state)
{
  long long survey = unit_id("測量課"), registration = unit_id("登記課");
  char given[32];
  long long id = create("lin.cm", survey, "role_handler=1&role_supervisor=1", given);
  char path[64], form[256];
  snprintf(path, sizeof(path), "/staff/admin/users/%lld", id);
  json_t *view = expect_view(&server, &admin, path, 200);
  expect_text_at(view, "title", "編輯工作人員帳號");
  expect_text_at(view, "action", path);
  assert_false(json_is_true(json_at(view, "is_new")));
  expect_text_at(view, "user.username", "lin.cm");
  expect_text_at(view, "user.display_name", "林志明");
  expect_text_at(view, "user.email", "lin@example.gov.tw");
  assert_int_equal(json_integer_value(json_at(view, "user.unit_id")), survey);
  assert_true(json_is_true(json_at(view, "roles.1.checked")));  /* handler */
  assert_true(json_is_true(json_at(view, "roles.2.checked")));  /* supervisor */
  assert_false(json_is_true(json_at(view, "roles.0.checked"))); /* clerk */
  assert_false(json_is_true(json_at(view, "user.disabled")));
  json_decref(view);
  json_t *list = expect_view(&server, &admin, "/staff/admin/users", 200);
  json_t *row = row_of(list, "lin.cm");
  assert_non_null(row);
  expect_text_at(row, "roles", "handler,supervisor");
  expect_text_at(row, "unit", "測量課");
  expect_text_at(row, "href", path);
  json_decref(list);
  char *body = expect_page(&server, &admin, path, 200);
  expect_contains(body, "<p class=\"govuk-body\">帳號: <strong>lin.cm</strong>");
  expect_lacks(body, "name=\"username\""); /* the username is not edited */
  snprintf(form, sizeof(form), "<form method=\"post\" action=\"%s/password\" novalidate>", path);
  expect_contains(body, form);
  snprintf(form, sizeof(form), "<form method=\"post\" action=\"%s/disable\">", path);
  expect_contains(body, form);
  free(body);

  /* The new account signs in and has what its roles open, not more. */
  struct client lin;
  struct response r;
  client_init(&lin, &server);
  assert_int_equal(client_login(&lin, "lin.cm", given), 303);
  choose_own_password(&lin, given, OWN_PASSWORD);
  free(expect_page(&server, &lin, "/staff/cases", 200));
  free(expect_page(&server, &lin, "/staff/admin/users", 403));

  /* Edit: other roles and unit. */
  snprintf(form, sizeof(form),
           "display_name=" LIN "&email=&unit_id=%lld&role_clerk=1&role_analyst=1", registration);
  post_from(&admin, path, path, form, &r);
  assert_int_equal(r.status, 303);
  char *location = response_header(&r, "Location");
  response_free(&r);
  char saved[96];
  snprintf(saved, sizeof(saved), "%s?saved=1", path);
  assert_non_null(location);
  assert_string_equal(location, saved);
  free(location);
  list = expect_view(&server, &admin, "/staff/admin/users", 200);
  row = row_of(list, "lin.cm");
  expect_text_at(row, "roles", "clerk,analyst");
  expect_text_at(row, "unit", "登記課");
  json_decref(list);
  view = expect_view(&server, &admin, path, 200);
  expect_text_at(view, "user.email", "");
  assert_true(json_is_true(json_at(view, "roles.0.checked")));
  assert_false(json_is_true(json_at(view, "roles.1.checked")));
  assert_true(json_is_true(json_at(view, "roles.4.checked")));
  json_decref(view);
  /* An admin keeps their own admin role. */
  list = expect_view(&server, &admin, "/staff/admin/users", 200);
  char own[64];
  snprintf(own, sizeof(own), "%s", json_text_at(row_of(list, "users-admin"), "href"));
  json_decref(list);
  post_from(&admin, own, own, "display_name=x&role_clerk=1", &r);
  assert_int_equal(r.status, 400);
  expect_contains(r.body, "govuk-error-summary");
  response_free(&r);
  client_free(&lin);
}

static const struct refusal {
  const char *form;
  const char *field;
  const char *zh;
} refusals[] = {
    {"username=xinxing-clerk&display_name=X&role_clerk=1", "username",
     "這個帳號已有人使用，請換一個。"},
    {"username=Bad+Name&display_name=X&role_clerk=1", "username",
     "帳號只能使用小寫英文字母、數字、點、連字號或底線，3 到 64 字元。"},
    {"username=ok.two&display_name=&role_clerk=1", "display_name", "請輸入姓名（最多 100 字）。"},
    {"username=ok.three&display_name=X", "role_clerk", "請至少選擇一個角色。"},
    {"username=ok.four&display_name=X&role_clerk=1&email=nope", "email", "電子郵件格式不正確。"},
};

/* Passwords a person may not choose for themselves (the page of an expired password). */
static const struct own_refusal {
  const char *password;
  const char *zh;
} own_refusals[] = {
    {"short", "密碼太短，至少需要 12 個字元。"},
    /* in cracklib's dictionary of common and leaked passwords */
    {"password123456",
     "這個密碼太常見：它是（或接近）常用密碼或外洩密碼清單中的字詞或密碼。請換一個，例如由幾個詞組"
     "成的長句。"},
    {"ok.seven-2026x", "密碼不可由帳號名稱或機關名稱組成，請換一個。"},
    {"1-Xinxing-2026-plan", "密碼不可由帳號名稱或機關名稱組成，請換一個。"},
    {"%E6%96%B0%E8%88%88%E5%9C%B0%E6%94%BF%E4%BA%8B%E5%8B%99%E6%89%80-2026",
     "密碼不可由帳號名稱或機關名稱組成，請換一個。"},
};

static void test_refusals_create_nothing(void **state)
{
  static const char *const accept[] = {"Accept: application/json", NULL};
  json_t *list = expect_view(&server, &admin, "/staff/admin/users", 200);
  size_t before = json_array_size(json_at(list, "users"));
  json_decref(list);
  struct response r;
  for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
    post_from(&admin, "/staff/admin/users/new", "/staff/admin/users", refusals[i].form, &r);
    if (r.status != 400)
      fail_msg("%s: %ld, expected 400", refusals[i].form, r.status);
    expect_contains(r.body, "govuk-error-summary");
    expect_contains(r.body, refusals[i].zh);
    response_free(&r);
    char form[512];
    snprintf(form, sizeof(form), "%s&csrf=%s", refusals[i].form, admin.csrf);
    assert_int_equal(
        client_call(&admin, "POST", "/staff/admin/users", accept, form, strlen(form), &r), 0);
    json_t *view = response_json(&r);
    response_free(&r);
    expect_text_at(view, "errors.0.field", refusals[i].field);
    expect_text_at(view, "errors.0.message", refusals[i].zh);
    json_decref(view);
  }
  /* A unit of another office; in English. */
  json_t *other = expect_view(&server, &other_admin, "/staff/admin/users/new", 200);
  long long foreign_unit = (long long)json_integer_value(json_at(other, "units.0.id"));
  json_decref(other);
  char form[256];
  snprintf(form, sizeof(form), "username=ok.five&display_name=X&role_clerk=1&unit_id=%lld",
           foreign_unit);
  post_from(&admin, "/staff/admin/users/new?lang=en", "/staff/admin/users", form, &r);
  assert_int_equal(r.status, 400);
  expect_contains(r.body, "There is a problem");
  expect_contains(r.body, "id=\"unit_id-error\"");
  response_free(&r);
  free(expect_page(&server, &admin, "/staff/admin/users?lang=zh-TW", 200));
  list = expect_view(&server, &admin, "/staff/admin/users", 200);
  assert_int_equal(json_array_size(json_at(list, "users")), before);
  assert_null(row_of(list, "ok.five"));
  json_decref(list);
}

/* The passwords a person may not choose, refused on their own password page (in zh-TW, and one
 * in English), each saying why; the account keeps its given password meanwhile. */
static void test_own_password_refusals(void **state)
{
  char given[32], form[400];
  struct response r;
  struct client c;
  create("ok.seven", unit_id("測量課"), "role_clerk=1", given);
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "ok.seven", given), 303);
  free(expect_page(&server, &c, "/staff/account/password", 200));
  for (size_t i = 0; i < sizeof(own_refusals) / sizeof(own_refusals[0]); i++) {
    snprintf(form, sizeof(form), "current=%s&password=%s&confirm=%s", given,
             own_refusals[i].password, own_refusals[i].password);
    assert_int_equal(client_post(&c, "/staff/account/password", form, &r), 0);
    if (r.status != 400)
      fail_msg("%s: %ld, expected 400", own_refusals[i].password, r.status);
    expect_contains(r.body, own_refusals[i].zh);
    response_free(&r);
  }
  snprintf(form, sizeof(form), "current=%s&password=password123456&confirm=password123456", given);
  assert_int_equal(client_post(&c, "/staff/account/password?lang=en", form, &r), 0);
  assert_int_equal(r.status, 400);
  expect_contains(r.body, "This password is too common");
  response_free(&r);
  client_free(&c);
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "ok.seven", given), 303);
  client_free(&c);
}

/* An admin's reset generates a new password, shown once, that expires too: lin.cm must choose
 * again at the next sign-in; the old one no longer works. */
static void test_admin_reset_expires(void **state)
{
  struct client lin;
  char path[96], given[32];
  json_t *list = expect_view(&server, &admin, "/staff/admin/users", 200);
  json_t *row = row_of(list, "lin.cm");
  assert_non_null(row);
  snprintf(path, sizeof(path), "%s/password", json_text_at(row, "href"));
  char page[64];
  snprintf(page, sizeof(page), "%s", json_text_at(row, "href"));
  json_decref(list);
  json_t *view = post_json(page, path, "", 200);
  expect_text_at(view, "username", "lin.cm");
  expect_text_at(view, "href", page);
  generated_password(view, given);
  json_decref(view);
  client_init(&lin, &server);
  assert_int_equal(client_login(&lin, "lin.cm", OWN_PASSWORD), 401);
  assert_int_equal(client_login(&lin, "lin.cm", given), 303);
  choose_own_password(&lin, given, "quiet-harbour-9-maple");
  free(expect_page(&server, &lin, "/staff/", 200));
  client_free(&lin);
  /* the page that showed it is HTML too, with the password in it */
  struct response r;
  post_from(&admin, page, path, "", &r);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "id=\"initial-password\"");
  char *cache = response_header(&r, "Cache-Control");
  assert_non_null(cache);
  expect_contains(cache, "no-store");
  free(cache);
  response_free(&r);
}

static void test_other_office_not_reachable(void **state)
{
  json_t *list = expect_view(&server, &other_admin, "/staff/admin/users", 200);
  json_t *clerk = row_of(list, "hsinchu-clerk");
  assert_non_null(clerk);
  char path[64], action[96];
  snprintf(path, sizeof(path), "%s", json_text_at(clerk, "href"));
  json_decref(list);
  struct response r;
  /* Every page and action on that account: "not found" for this office's admin. */
  free(expect_page(&server, &admin, path, 404));
  json_t *view = expect_view(&server, &admin, path, 404);
  expect_text_at(view, "code", "not_found");
  json_decref(view);
  static const char *const actions[] = {"", "/password", "/disable", "/enable"};
  static const char *const forms[] = {"display_name=x&role_admin=1", "", "", ""};
  for (size_t i = 0; i < 4; i++) {
    snprintf(action, sizeof(action), "%s%s", path, actions[i]);
    post_from(&admin, "/staff/admin/users", action, forms[i], &r);
    if (r.status != 404)
      fail_msg("POST %s: %ld, expected 404", action, r.status);
    response_free(&r);
  }
  /* Nothing changed there: the account still signs in with its password and role. */
  list = expect_view(&server, &other_admin, "/staff/admin/users", 200);
  clerk = row_of(list, "hsinchu-clerk");
  expect_text_at(clerk, "roles", "clerk");
  assert_false(json_is_true(json_at(clerk, "disabled")));
  json_decref(list);
  struct client c;
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "hsinchu-clerk", "bianmin-demo-2026"), 303);
  client_free(&c);
  /* Ids that are nobody's, or no number. */
  free(expect_page(&server, &admin, "/staff/admin/users/999999", 404));
  free(expect_page(&server, &admin, "/staff/admin/users/abc", 404));
  /* Not an admin: refused. */
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "xinxing-supervisor", "bianmin-demo-2026"), 303);
  free(expect_page(&server, &c, "/staff/admin/users", 403));
  free(expect_page(&server, &c, "/staff/admin/users/new", 403));
  client_free(&c);
}

#define PEPPER_PASSWORD "amber-violin-crossing-73"
#define KEY_A           "8f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
#define KEY_B           "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809"

/* How many of username's hashes on srv match the SQL LIKE pattern (0 or 1). */
static long long hash_like(struct server *srv, const char *username, const char *pattern)
{
  char sql[600];
  snprintf(sql, sizeof(sql),
           "SELECT count(*) FROM users WHERE username = '%s' AND password_hash LIKE '%s'", username,
           pattern);
  return harness_sql_int(srv, sql);
}

static void set_hash(struct server *srv, const char *username, const char *hash)
{
  char sql[400];
  snprintf(sql, sizeof(sql), "UPDATE users SET password_hash = '%s' WHERE username = '%s'", hash,
           username);
  harness_sql_exec(srv, sql);
}

static void add_account(struct server *srv, const char *username, const char *key_env)
{
  const char *args[] = {"user",   "add",  "--office", "xinxing", "--username",  username,
                        "--name", "胡椒", "--roles",  "clerk",   "--no-expire", NULL};
  const char *env[] = {"BIANMIN_PASSWORD=" PEPPER_PASSWORD, key_env, NULL};
  assert_int_equal(server_cli_env(srv, args, env), 0);
}

/* A peppered hash of PEPPER_PASSWORD as an installation with master key hex makes it
 * (domain/keys.h: subkey KEYS_PASSWORD = 6 of context "bianmin1"; "p1:" + argon2id of the
 * HMAC-SHA256). */
static void peppered_hash(const char *hex, char out[crypto_pwhash_STRBYTES + 3])
{
  unsigned char master[32], subkey[32], mac[crypto_auth_hmacsha256_BYTES];
  char inner[crypto_pwhash_STRBYTES];
  assert_int_equal(sodium_hex2bin(master, sizeof(master), hex, 64, NULL, NULL, NULL), 0);
  assert_int_equal(crypto_kdf_derive_from_key(subkey, sizeof(subkey), 6, "bianmin1", master), 0);
  crypto_auth_hmacsha256(mac, (const unsigned char *)PEPPER_PASSWORD, strlen(PEPPER_PASSWORD),
                         subkey);
  assert_int_equal(crypto_pwhash_str(inner, (const char *)mac, sizeof(mac),
                                     crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                     crypto_pwhash_MEMLIMIT_INTERACTIVE),
                   0);
  snprintf(out, crypto_pwhash_STRBYTES + 3, "p1:%s", inner);
}

/* The pepper (ASVS 2.4.5): new hashes (`bianmin user add`, `user passwd`) are marked "p1:"; a
 * hash made before the pepper (argon2id of the password itself) still signs in and is replaced
 * by a peppered one; a peppered hash made under another key (copied from another installation)
 * does not verify, the same made under this installation's key does. */
static void test_pepper(void **state)
{
  char old[crypto_pwhash_STRBYTES];
  struct client c;
  assert_true(sodium_init() >= 0);
  add_account(&server, "pep.old", NULL);
  assert_int_equal(hash_like(&server, "pep.old", "p1:$argon2id$%"), 1);
  /* a hash as it was made before the pepper */
  assert_int_equal(crypto_pwhash_str(old, PEPPER_PASSWORD, strlen(PEPPER_PASSWORD),
                                     crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                     crypto_pwhash_MEMLIMIT_INTERACTIVE),
                   0);
  set_hash(&server, "pep.old", old);
  assert_int_equal(hash_like(&server, "pep.old", "$argon2id$%"), 1);
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "pep.old", "not-the-password-1"), 401);
  assert_int_equal(hash_like(&server, "pep.old", old), 1); /* a failure upgrades nothing */
  assert_int_equal(client_login(&c, "pep.old", PEPPER_PASSWORD), 303);
  client_free(&c);
  assert_int_equal(hash_like(&server, "pep.old", "p1:$argon2id$%"), 1); /* upgraded */
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "pep.old", PEPPER_PASSWORD), 303); /* and still signs in */
  client_free(&c);
  /* `user passwd` peppers too */
  const char *passwd[] = {"user", "passwd", "pep.old", NULL};
  const char *given[] = {"BIANMIN_PASSWORD=Quartz-Willow-6630-b", NULL};
  set_hash(&server, "pep.old", old);
  assert_int_equal(server_cli_env(&server, passwd, given), 0);
  assert_int_equal(hash_like(&server, "pep.old", "p1:$argon2id$%"), 1);

  /* an installation with key B: a hash made under key A does not sign in, one under B does */
  struct server other;
  const char *env[] = {"BIANMIN_SECRET_KEY=" KEY_B, NULL};
  char hash_a[crypto_pwhash_STRBYTES + 3], hash_b[crypto_pwhash_STRBYTES + 3];
  peppered_hash(KEY_A, hash_a);
  peppered_hash(KEY_B, hash_b);
  assert_int_equal(server_start(&other, env), 0);
  add_account(&other, "pep.copy", env[0]);
  set_hash(&other, "pep.copy", hash_a);
  client_init(&c, &other);
  assert_int_equal(client_login(&c, "pep.copy", PEPPER_PASSWORD), 401);
  set_hash(&other, "pep.copy", hash_b);
  assert_int_equal(client_login(&c, "pep.copy", PEPPER_PASSWORD), 303);
  client_free(&c);
  assert_int_equal(hash_like(&other, "pep.copy", hash_b), 1); /* already peppered: kept */
  assert_int_equal(server_stop(&other), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_list),
      cmocka_unit_test(test_new_form),
      cmocka_unit_test(test_create_and_edit),
      cmocka_unit_test(test_refusals_create_nothing),
      cmocka_unit_test(test_own_password_refusals),
      cmocka_unit_test(test_admin_reset_expires),
      cmocka_unit_test(test_other_office_not_reachable),
      cmocka_unit_test(test_pepper),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
