/*
 * petition_units_test.c - petitions per unit (issue 19, least privilege) against a real
 * `bianmin serve`: staff with a unit (handlers, clerks, supervisors) list, read and answer only
 * their unit's petitions; a petition outside their unit answers 404 to its page and to every
 * action, and nothing changes; accounts without a unit (the office's petition coordinators) and
 * administrators see the whole office; reassigning to another unit needs a reason, moves the
 * petition out of the first unit's sight and into the second's, and its audit row names both
 * units and the reason; another office's staff see none of it.
 *
 * It also pins the public petition pages' JSON answers (the filing form, its refusal, the
 * petition's page by number and check code), which are built as arena views from typed reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#define PASSWORD "bianmin-demo-2026"
#define CIVIL    "民政課" /* niaosong's units in data/demo/offices.json */
#define SOCIAL   "社會課"

enum { CIVIL_HANDLER, CIVIL_CLERK, SOCIAL_BOSS, COORDINATOR, ADMIN, OTHER_OFFICE, PEOPLE };

static struct server server;
static struct client people[PEOPLE];
static char admin_secret[64];
static long long unit_civil, unit_social;

static void add_user(const char *office, const char *username, const char *roles, const char *unit)
{
  const char *args[] = {"user",   "add",  "--office", office, "--username",  username,
                        "--name", "職員", "--roles",  roles,  "--no-expire", unit ? "--unit" : NULL,
                        unit,     NULL};
  const char *env[] = {"BIANMIN_PASSWORD=" PASSWORD, NULL};
  assert_int_equal(server_cli_env(&server, args, env), 0);
}

static int setup(void **state)
{
  (void)state;
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000", "BIANMIN_RATE_LOOKUP=100000",
                       "BIANMIN_RATE_PUBLIC=100000", NULL};
  if (harness_clock_start(time(NULL)) || server_start(&server, env))
    return -1;
  add_user("niaosong", "pu-civil", "handler", "civil-affairs");
  add_user("niaosong", "pu-civil-clerk", "clerk", "civil-affairs");
  add_user("niaosong", "pu-social-boss", "supervisor", "social");
  add_user("niaosong", "pu-coordinator", "handler", NULL);
  add_user("niaosong", "pu-admin", "admin", "civil-affairs"); /* a unit, yet the whole office */
  add_user("xinxing", "pu-other", "handler,supervisor", NULL);
  static const char *const names[] = {"pu-civil",       "pu-civil-clerk", "pu-social-boss",
                                      "pu-coordinator", "pu-admin",       "pu-other"};
  for (int i = 0; i < PEOPLE; i++) {
    client_init(&people[i], &server);
    if (i != ADMIN && client_login(&people[i], names[i], PASSWORD) != 303)
      return -1;
  }
  return client_login_totp(&people[ADMIN], "pu-admin", PASSWORD, admin_secret,
                           sizeof(admin_secret));
}

static int teardown(void **state)
{
  (void)state;
  for (int i = 0; i < PEOPLE; i++)
    client_free(&people[i]);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* ---- helpers -------------------------------------------------------------------------- */

/* POSTs form as who (after reading the list for a CSRF token); returns the status and, for a
 * redirect, the Location in where (malloc'd, may be NULL). */
static long post(int who, const char *path, const char *form, char **where)
{
  struct response r;
  assert_int_equal(client_get(&people[who], "/staff/petitions", &r), 0);
  response_free(&r);
  assert_int_equal(client_post(&people[who], path, form, &r), 0);
  long status = r.status;
  if (where)
    *where = response_header(&r, "Location");
  response_free(&r);
  return status;
}

static long act(int who, long long id, const char *action, const char *form, char **where)
{
  char path[96];
  snprintf(path, sizeof(path), "/staff/petitions/%lld/%s", id, action);
  return post(who, path, form, where);
}

/* The coordinator records a petition from the counter (no category: no unit yet). */
static long long record(const char *subject)
{
  char form[256], *where = NULL;
  snprintf(form, sizeof(form),
           "kind=petition&channel=counter&category_id=0&subject=%s&body=%s&name=&contact_kind=",
           subject, subject);
  assert_int_equal(post(COORDINATOR, "/staff/petitions", form, &where), 303);
  assert_non_null(where);
  const char *p = strstr(where, "/staff/petitions/");
  assert_non_null(p);
  long long id = strtoll(p + strlen("/staff/petitions/"), NULL, 10);
  free(where);
  assert_true(id > 0);
  return id;
}

static json_t *page(int who, long long id, long status)
{
  char path[64];
  snprintf(path, sizeof(path), "/staff/petitions/%lld", id);
  return expect_view(&server, &people[who], path, status);
}

/* Whether who's list "all" holds petition id. */
static bool listed(int who, long long id)
{
  json_t *v = expect_view(&server, &people[who], "/staff/petitions?list=all", 200), *p;
  assert_null(json_at(v, "notice"));
  size_t i;
  bool found = false;
  json_array_foreach(json_object_get(v, "petitions"), i, p)
  {
    found = found || json_integer_value(json_object_get(p, "id")) == id;
  }
  json_decref(v);
  return found;
}

static bool has_event(json_t *view, const char *kind)
{
  json_t *e;
  size_t i;
  json_array_foreach(json_at(view, "petition.events"), i, e)
  {
    if (!strcmp(json_string_value(json_object_get(e, "kind")), kind))
      return true;
  }
  return false;
}

/* The office's units by name, from the routing choice of a petition's page. */
static void find_units(long long id)
{
  json_t *v = page(COORDINATOR, id, 200), *u;
  size_t i;
  json_array_foreach(json_object_get(v, "units"), i, u)
  {
    const char *name = json_string_value(json_object_get(u, "name"));
    long long uid = json_integer_value(json_object_get(u, "id"));
    if (name && !strcmp(name, CIVIL))
      unit_civil = uid;
    if (name && !strcmp(name, SOCIAL))
      unit_social = uid;
  }
  json_decref(v);
  assert_true(unit_civil > 0 && unit_social > 0 && unit_civil != unit_social);
}

static void route(int who, long long id, long long unit, const char *note, long expected)
{
  char form[160];
  snprintf(form, sizeof(form), "unit_id=%lld&note=%s", unit, note);
  assert_int_equal(act(who, id, "route", form, NULL), expected);
}

/* ---- the tests ------------------------------------------------------------------------------ */

static void test_each_unit_sees_its_own(void **state)
{
  (void)state;
  long long a = record("road+lights"), b = record("elderly+care"), c = record("not+routed");
  find_units(a);
  route(COORDINATOR, a, unit_civil, "", 303); /* the first routing needs no reason */
  route(COORDINATOR, b, unit_social, "", 303);
  /* lists */
  assert_true(listed(CIVIL_HANDLER, a) && !listed(CIVIL_HANDLER, b) && !listed(CIVIL_HANDLER, c));
  assert_true(listed(CIVIL_CLERK, a) && !listed(CIVIL_CLERK, b) && !listed(CIVIL_CLERK, c));
  assert_true(!listed(SOCIAL_BOSS, a) && listed(SOCIAL_BOSS, b) && !listed(SOCIAL_BOSS, c));
  assert_true(listed(COORDINATOR, a) && listed(COORDINATOR, b) && listed(COORDINATOR, c));
  assert_true(listed(ADMIN, a) && listed(ADMIN, b) && listed(ADMIN, c));
  assert_true(!listed(OTHER_OFFICE, a) && !listed(OTHER_OFFICE, b) && !listed(OTHER_OFFICE, c));
  /* pages: another unit's petition is not found, as another office's is */
  json_decref(page(CIVIL_HANDLER, a, 200));
  json_decref(page(CIVIL_CLERK, a, 200));
  json_decref(page(CIVIL_HANDLER, b, 404));
  json_decref(page(CIVIL_HANDLER, c, 404));
  json_decref(page(SOCIAL_BOSS, a, 404));
  json_decref(page(SOCIAL_BOSS, b, 200));
  json_decref(page(ADMIN, b, 200));
  json_decref(page(OTHER_OFFICE, a, 404));
  /* the letter scans of another unit's petition are not found either */
  char path[80];
  snprintf(path, sizeof(path), "/staff/petitions/%lld/files/1", b);
  free(expect_page(&server, &people[CIVIL_HANDLER], path, 404));
}

static void test_another_units_petition_cannot_be_touched(void **state)
{
  (void)state;
  long long a = record("noise+at+night"), b = record("park+benches");
  find_units(a);
  route(COORDINATOR, a, unit_civil, "", 303);
  route(COORDINATOR, b, unit_social, "", 303);
  /* every action on the other unit's petition is 404 and changes nothing */
  assert_int_equal(act(CIVIL_HANDLER, b, "draft", "answer=done", NULL), 404);
  assert_int_equal(act(CIVIL_CLERK, b, "flag", "flag=unclear&note=x", NULL), 404);
  assert_int_equal(act(CIVIL_HANDLER, b, "transfer", "agency=elsewhere&note=x", NULL), 404);
  route(CIVIL_HANDLER, b, unit_civil, "mine+now", 404);
  assert_int_equal(act(OTHER_OFFICE, b, "draft", "answer=done", NULL), 404);
  json_t *v = page(COORDINATOR, b, 200);
  expect_text_at(v, "petition.answer_state", "");
  expect_text_at(v, "petition.flag", "");
  expect_text_at(v, "petition.status", "open");
  assert_int_equal(json_integer_value(json_at(v, "petition.unit_id")), unit_social);
  assert_false(has_event(v, "draft") || has_event(v, "flag") || has_event(v, "transfer"));
  json_decref(v);
  /* the unit's own staff answer their petition; another unit's supervisor cannot send it */
  assert_int_equal(act(CIVIL_CLERK, a, "draft", "answer=we+fixed+it", NULL), 303);
  v = page(CIVIL_HANDLER, a, 200);
  expect_text_at(v, "petition.answer", "we fixed it");
  json_decref(v);
  assert_int_equal(act(SOCIAL_BOSS, a, "send", "", NULL), 404);
  v = page(CIVIL_HANDLER, a, 200);
  expect_text_at(v, "petition.status", "open");
  json_decref(v);
  assert_int_equal(act(CIVIL_HANDLER, a, "send", "", NULL), 303);
  v = page(CIVIL_HANDLER, a, 200);
  expect_text_at(v, "petition.status", "answered");
  json_decref(v);
}

/* The audit row of the petition's reassignment: its detail (malloc'd) or NULL. */
static char *route_audit(long long id)
{
  json_t *v = expect_view(&server, &people[ADMIN], "/staff/admin/audit?action=petition.route", 200);
  json_t *row;
  size_t i;
  char want[32], *detail = NULL;
  snprintf(want, sizeof(want), "%lld", id);
  json_array_foreach(json_object_get(v, "rows"), i, row)
  {
    const char *object = json_string_value(json_object_get(row, "object_id"));
    const char *d = json_string_value(json_object_get(row, "detail"));
    if (!detail && object && !strcmp(object, want) && d && strstr(d, "not ours"))
      detail = strdup(d);
  }
  json_decref(v);
  return detail;
}

static void test_reassigning_needs_a_reason_and_is_audited(void **state)
{
  (void)state;
  long long a = record("stray+dogs");
  find_units(a);
  route(COORDINATOR, a, unit_civil, "", 303);
  /* to another unit: without a reason refused, nothing changed */
  route(CIVIL_HANDLER, a, unit_social, "", 400);
  json_t *v = page(CIVIL_HANDLER, a, 200);
  assert_int_equal(json_integer_value(json_at(v, "petition.unit_id")), unit_civil);
  json_decref(v);
  /* with one: the petition leaves the unit's sight (back to the list) and reaches the other */
  char form[160], *where = NULL;
  snprintf(form, sizeof(form), "unit_id=%lld&note=not+ours", unit_social);
  assert_int_equal(act(CIVIL_HANDLER, a, "route", form, &where), 303);
  assert_non_null(where);
  expect_contains(where, "/staff/petitions?");
  v = expect_view(&server, &people[CIVIL_HANDLER], where, 200); /* it says where it went */
  assert_non_null(json_text_at(v, "notice"));
  json_decref(v);
  free(where);
  json_decref(page(CIVIL_HANDLER, a, 404));
  assert_false(listed(CIVIL_HANDLER, a));
  v = page(SOCIAL_BOSS, a, 200);
  assert_int_equal(json_integer_value(json_at(v, "petition.unit_id")), unit_social);
  assert_true(has_event(v, "route"));
  json_decref(v);
  assert_true(listed(SOCIAL_BOSS, a));
  /* the audit row names both units and the reason */
  char *detail = route_audit(a), from[48], to[48];
  if (!detail)
    fail_msg("no audit row of the reassignment of petition %lld", a);
  snprintf(from, sizeof(from), "\"from_unit\":%lld", unit_civil);
  snprintf(to, sizeof(to), "\"to_unit\":%lld", unit_social);
  expect_contains(detail, from);
  expect_contains(detail, to);
  free(detail);
}

static void test_recording_for_another_unit_returns_to_the_list(void **state)
{
  (void)state;
  /* a unit's handler records a petition with no category: it waits for the coordinators */
  char *where = NULL;
  assert_int_equal(post(CIVIL_HANDLER, "/staff/petitions",
                        "kind=petition&channel=phone&category_id=0&subject=bus+stop&body=bus+"
                        "stop&name=&contact_kind=",
                        &where),
                   303);
  assert_non_null(where);
  expect_contains(where, "/staff/petitions?done=record");
  json_t *list = expect_view(&server, &people[CIVIL_HANDLER], where, 200);
  assert_non_null(json_text_at(list, "notice"));
  json_decref(list);
  free(where);
  json_t *v = expect_view(&server, &people[COORDINATOR], "/staff/petitions?list=all", 200);
  expect_text_at(v, "petitions.0.subject", "bus stop");
  long long id = json_integer_value(json_at(v, "petitions.0.id"));
  json_decref(v);
  assert_false(listed(CIVIL_HANDLER, id));
}

/* Whether the "earlier" list of the petition's page holds petition other. */
static bool earlier_holds(json_t *view, long long other)
{
  json_t *e;
  size_t i;
  bool found = false;
  json_array_foreach(json_at(view, "petition.earlier"), i, e)
  {
    found = found || json_integer_value(json_object_get(e, "id")) == other;
  }
  return found;
}

static void test_earlier_petitions_of_another_unit_stay_hidden(void **state)
{
  (void)state;
  char form[320], *where = NULL;
  long long ids[2];
  for (int i = 0; i < 2; i++) { /* the same contact twice */
    snprintf(form, sizeof(form),
             "kind=petition&channel=phone&category_id=0&subject=water+pressure+%d&body=low&name=&"
             "contact_kind=email&contact=same.person%%40example.org",
             i);
    assert_int_equal(post(COORDINATOR, "/staff/petitions", form, &where), 303);
    const char *p = where ? strstr(where, "/staff/petitions/") : NULL;
    assert_non_null(p);
    ids[i] = strtoll(p + strlen("/staff/petitions/"), NULL, 10);
    free(where);
  }
  find_units(ids[0]);
  route(COORDINATOR, ids[0], unit_social, "", 303);
  route(COORDINATOR, ids[1], unit_civil, "", 303);
  json_t *v = page(COORDINATOR, ids[1], 200);
  assert_true(earlier_holds(v, ids[0])); /* the coordinators see the contact's history */
  json_decref(v);
  v = page(CIVIL_HANDLER, ids[1], 200);
  assert_false(earlier_holds(v, ids[0])); /* another unit's petition is not shown */
  json_decref(v);
}

/* Every member of view named in keys (dotted paths) is present. */
static void expect_members(json_t *view, const char *const *keys, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!json_at(view, keys[i]))
      fail_msg("the view has no \"%s\": %s", keys[i], json_dumps(view, JSON_COMPACT));
}

static void test_public_pages_keep_their_answers(void **state)
{
  (void)state;
  static const char *const form_keys[] = {"title",
                                          "office.slug",
                                          "office.name",
                                          "office.web",
                                          "action",
                                          "stats_href",
                                          "categories.0.id",
                                          "categories.0.name",
                                          "categories.0.selected",
                                          "mailbox",
                                          "subject",
                                          "body",
                                          "name",
                                          "contact",
                                          "kind_sms",
                                          "confidential"};
  json_t *v = expect_view(&server, NULL, "/o/niaosong/petition?kind=mailbox", 200);
  expect_members(v, form_keys, sizeof(form_keys) / sizeof(form_keys[0]));
  expect_text_at(v, "action", "/o/niaosong/petition");
  expect_text_at(v, "stats_href", "/o/niaosong/petitions/stats");
  expect_text_at(v, "office.slug", "niaosong");
  assert_true(json_is_true(json_at(v, "mailbox")));
  assert_true(json_is_false(json_at(v, "categories.0.selected")));
  long long category = json_integer_value(json_at(v, "categories.1.id"));
  assert_null(json_at(v, "errors"));
  json_decref(v);
  /* a refusal: the form again with what was typed and the message at its field */
  struct client citizen;
  struct response r;
  char form[256];
  client_init(&citizen, &server);
  assert_int_equal(client_get(&citizen, "/o/niaosong/petition", &r), 0);
  response_free(&r);
  snprintf(form, sizeof(form),
           "kind=petition&category_id=%lld&subject=&body=typed+text&name=Lin&contact_kind=sms&"
           "contact=0912&confidential=1",
           category);
  const char *const accept[] = {"Accept: application/json", NULL};
  char body[512];
  snprintf(body, sizeof(body), "%s&csrf=%s", form, citizen.csrf);
  assert_int_equal(
      client_call(&citizen, "POST", "/o/niaosong/petition", accept, body, strlen(body), &r), 0);
  assert_int_equal(r.status, 400);
  v = json_loads(r.body, 0, NULL);
  response_free(&r);
  client_free(&citizen);
  assert_non_null(v);
  expect_members(v, form_keys, sizeof(form_keys) / sizeof(form_keys[0]));
  expect_text_at(v, "body", "typed text");
  expect_text_at(v, "contact", "0912");
  assert_true(json_is_true(json_at(v, "kind_sms")) && json_is_true(json_at(v, "confidential")));
  assert_true(json_is_true(json_at(v, "categories.1.selected")));
  expect_text_at(v, "errors.0.field", "subject");
  assert_non_null(json_text_at(v, "field_errors.subject"));
  assert_true(json_is_true(json_at(v, "has_errors")));
  json_decref(v);
  /* the petition's page by number and check code, answered */
  long long id = record("a+lamp+is+out");
  assert_int_equal(act(COORDINATOR, id, "draft", "answer=first+line%0Asecond+line", NULL), 303);
  assert_int_equal(act(COORDINATOR, id, "send", "", NULL), 303);
  v = page(COORDINATOR, id, 200);
  char path[160], key[24], check[8];
  snprintf(key, sizeof(key), "%s", json_text_at(v, "petition.key"));
  snprintf(check, sizeof(check), "%s", json_text_at(v, "petition.check_code"));
  json_decref(v);
  snprintf(path, sizeof(path), "/o/niaosong/petition/status?number=%s&check=%s&lang=en", key,
           check);
  v = expect_view(&server, NULL, path, 200);
  static const char *const status_keys[] = {"title",
                                            "office.slug",
                                            "petition.key",
                                            "petition.check_code",
                                            "petition.status",
                                            "petition.kind",
                                            "petition.subject",
                                            "petition.category",
                                            "petition.received_at",
                                            "petition.due_at",
                                            "petition.answered_at",
                                            "petition.answer",
                                            "petition.transferred_to",
                                            "petition.rating",
                                            "petition.rated",
                                            "petition.verified",
                                            "petition.status_label",
                                            "petition.received_text",
                                            "petition.due_text",
                                            "petition.answered_text",
                                            "petition.answer_paragraphs",
                                            "petition.answered",
                                            "petition.transferred",
                                            "petition.can_rate",
                                            "rate_action",
                                            "rated_now",
                                            "has_link"};
  expect_members(v, status_keys, sizeof(status_keys) / sizeof(status_keys[0]));
  expect_text_at(v, "petition.key", key);
  expect_text_at(v, "petition.status", "answered");
  expect_text_at(v, "petition.status_label", "Answered");
  expect_text_at(v, "petition.answer", "first line\nsecond line");
  expect_text_at(v, "petition.answer_paragraphs.1", "second line");
  expect_text_at(v, "petition.category", "");
  expect_text_at(v, "rate_action", "");
  assert_true(json_is_true(json_at(v, "petition.answered")) &&
              json_is_true(json_at(v, "petition.can_rate")) &&
              json_is_true(json_at(v, "petition.verified")));
  assert_true(json_is_false(json_at(v, "has_link")) && json_is_false(json_at(v, "petition.rated")));
  assert_true(json_integer_value(json_at(v, "petition.answered_at")) >=
              json_integer_value(json_at(v, "petition.received_at")));
  assert_true(*json_text_at(v, "petition.answered_text"));
  json_decref(v);
  /* a wrong check code: the petition's own "not found" */
  snprintf(path, sizeof(path), "/o/niaosong/petition/status?number=%s&check=%s", key,
           strcmp(check, "000000") ? "000000" : "111111");
  free(expect_page(&server, NULL, path, 404));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_each_unit_sees_its_own),
      cmocka_unit_test(test_another_units_petition_cannot_be_touched),
      cmocka_unit_test(test_reassigning_needs_a_reason_and_is_audited),
      cmocka_unit_test(test_recording_for_another_unit_returns_to_the_list),
      cmocka_unit_test(test_earlier_petitions_of_another_unit_stay_hidden),
      cmocka_unit_test(test_public_pages_keep_their_answers),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
