/*
 * case_roles_test.c - every case transition by every role, allowed and refused, against a real
 * server (DOMAIN.md "Case statuses", "Corrections"; src/domain/workflow.c): the land workflow
 * walked by a handler with the public progress page following each step; the whole transition
 * table tried by clerk, handler, supervisor, a handler of another case and an analyst;
 * delegation (代理) with both names on the timeline; corrections (一次補正, a second one only
 * after a supervisor's approval, no rejection before the deadline, rejection after it);
 * rejection reasons, extensions, reassignment, overdue notices, pickup; staff of another
 * office; bad input. Every refusal is checked to have changed nothing.
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

#define DEMO_PASSWORD  "bianmin-demo-2026"
#define OTHER_PASSWORD "another-handler-password"
#define SERVICE_NAME   "買賣移轉登記"

/* Many sign-ins and lookups from one address: lift the per-address limits (limits_test covers
 * them). */
#define RATE_ENV_LOGIN  "BIANMIN_RATE_LOGIN=100000"
#define RATE_ENV_LOOKUP "BIANMIN_RATE_LOOKUP=100000"

static struct server server;

/* The people of the tests. OUTSIDER and DELEGATE are extra handlers of xinxing; FOREIGN is a
 * supervisor of another office. */
enum who { CLERK, HANDLER, SUPERVISOR, ANALYST, OUTSIDER, DELEGATE, FOREIGN, WHO_COUNT };

static const char *const usernames[WHO_COUNT] = {
    "xinxing-clerk",    "xinxing-handler",  "xinxing-supervisor", "xinxing-analyst",
    "xinxing-outsider", "xinxing-delegate", "anle-supervisor"};
static const char *const display_names[WHO_COUNT] = {
    "", "承辦人（示範）", "課長（示範）", "", "其他承辦人", "代理承辦人", ""};

static struct client clients[WHO_COUNT];
static long long user_ids[WHO_COUNT];
static long long service_id;

/* What the tests know of a case. */
struct kase {
  long long id;
  char token[64];
  char key[32];
  char check[8];
};

/* ---- helpers --------------------------------------------------------------------------- */

static void assert_not_contains(const char *haystack, const char *needle)
{
  if (haystack && strstr(haystack, needle))
    fail_msg("did not expect \"%s\" in:\n%.2000s", needle, haystack);
}

static long get(enum who w, const char *path, bool json, struct response *r)
{
  const char *accept[] = {"Accept: application/json", NULL};
  assert_int_equal(client_call(&clients[w], "GET", path, json ? accept : NULL, NULL, 0, r), 0);
  return r->status;
}

static json_t *get_json(enum who w, const char *path, long *status)
{
  struct response r;
  long st = get(w, path, true, &r);
  json_t *v = response_json(&r);
  response_free(&r);
  if (status)
    *status = st;
  if (!v)
    fail_msg("GET %s as %s: no JSON (status %ld)", path, usernames[w], st);
  return v;
}

/* POSTs form plus the client's CSRF token, asking for JSON; *out (if wanted) gets the body. */
static long post(enum who w, const char *path, const char *form, json_t **out)
{
  return harness_post_json(&clients[w], path, form, out);
}

static long act(enum who w, long long id, const char *action, const char *form, json_t **out)
{
  char path[128];
  snprintf(path, sizeof(path), "/staff/cases/%lld/%s", id, action);
  return post(w, path, form, out);
}

/* An action that must succeed (303 back to the case). */
static void act_ok(enum who w, long long id, const char *action, const char *form)
{
  json_t *v = NULL;
  long status = act(w, id, action, form, &v);
  if (status != 303) {
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    fail_msg("%s on case %lld as %s (%s): expected 303, got %ld %.600s", action, id, usernames[w],
             form, status, text ? text : "");
  }
  json_decref(v);
}

/* A refused action: its status, and the message (view errors or error object) when given. */
static void act_refused(enum who w, long long id, const char *action, const char *form,
                        long expected, const char *message)
{
  json_t *v = NULL;
  long status = act(w, id, action, form, &v);
  char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
  if (status != expected)
    fail_msg("%s on case %lld as %s (%s): expected %ld, got %ld %.600s", action, id, usernames[w],
             form, expected, status, text ? text : "");
  if (message)
    expect_contains(text, message);
  free(text);
  json_decref(v);
}

/* The case as the supervisor sees it (a new reference to the "case" object). */
static json_t *case_json(long long id)
{
  char path[64];
  long status;
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  json_t *v = get_json(SUPERVISOR, path, &status);
  assert_int_equal(status, 200);
  json_t *c = json_incref(json_object_get(v, "case"));
  json_decref(v);
  return c;
}

static const char *text_of(json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static long long int_of(json_t *o, const char *key)
{
  return (long long)json_integer_value(json_object_get(o, key));
}

static void assert_status(long long id, const char *status)
{
  json_t *c = case_json(id);
  if (strcmp(text_of(c, "status"), status) != 0)
    fail_msg("case %lld: expected status %s, got %s", id, status, text_of(c, "status"));
  json_decref(c);
}

/* Everything a refused request must leave as it was (malloc'd, compact JSON). */
static char *snapshot(long long id)
{
  static const char *const keys[] = {"status",
                                     "handler_id",
                                     "due_at",
                                     "extension_minutes",
                                     "correction_count",
                                     "correction_items",
                                     "correction_deadline",
                                     "second_correction_approved",
                                     "overdue_reason",
                                     "overdue_new_date",
                                     "picked_up_at",
                                     "closed_at",
                                     "events"};
  json_t *c = case_json(id), *s = json_object();
  for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
    json_object_set(s, keys[i], json_object_get(c, keys[i]));
  char *text = json_dumps(s, JSON_SORT_KEYS | JSON_COMPACT);
  json_decref(s);
  json_decref(c);
  return text;
}

static void assert_unchanged(long long id, char *before)
{
  char *after = snapshot(id);
  if (strcmp(before, after) != 0)
    fail_msg("case %lld changed:\nbefore %.1500s\nafter  %.1500s", id, before, after);
  free(before);
  free(after);
}

/* The public view of a case by its QR token (new reference to "case"). */
static json_t *public_json(const struct kase *k, long *status)
{
  char path[128];
  struct response r;
  const char *accept[] = {"Accept: application/json", NULL};
  snprintf(path, sizeof(path), "/p/%s", k->token);
  assert_int_equal(http_call(&server, "GET", path, accept, NULL, 0, &r), 0);
  *status = r.status;
  json_t *v = response_json(&r);
  response_free(&r);
  json_t *c = json_incref(json_object_get(v, "case"));
  json_decref(v);
  return c;
}

static char *public_html(const char *path, long *status)
{
  struct response r;
  assert_int_equal(http_get(&server, path, &r), 0);
  *status = r.status;
  char *body = strdup(r.body);
  response_free(&r);
  return body;
}

/* Takes a case in at the counter as the clerk, for the given handler. */
static void intake(struct kase *k, enum who handler)
{
  char form[2048] = "", value[32];
  snprintf(value, sizeof(value), "%lld", service_id);
  harness_field(form, sizeof(form), "service_id", value);
  harness_field(form, sizeof(form), "applicant_name", "王小明");
  harness_field(form, sizeof(form), "applicant_id", "A123456789");
  harness_field(form, sizeof(form), "applicant_phone", "0912-345-678");
  harness_field(form, sizeof(form), "applicant_email", "");
  harness_field(form, sizeof(form), "notify", "sms");
  harness_field(form, sizeof(form), "channel", "counter");
  harness_field(form, sizeof(form), "lang", "zh-TW");
  harness_field(form, sizeof(form), "doc_0", "土地登記申請書");
  snprintf(value, sizeof(value), "%lld", user_ids[handler]);
  harness_field(form, sizeof(form), "handler_id", value);
  k->id = harness_intake(&clients[CLERK], form, k->token, sizeof(k->token));
  json_t *cj = case_json(k->id);
  snprintf(k->key, sizeof(k->key), "%s", text_of(cj, "case_key"));
  snprintf(k->check, sizeof(k->check), "%s", text_of(cj, "check_code"));
  assert_int_equal(int_of(cj, "handler_id"), user_ids[handler]);
  assert_string_equal(text_of(cj, "status"), "received");
  json_decref(cj);
}

static void status_form(char *form, size_t size, const char *to, const char *note)
{
  form[0] = '\0';
  harness_field(form, size, "to", to);
  if (note)
    harness_field(form, size, "note", note);
}

/* How the supervisor brings a new case to each step ("@x" = the action x, else a move). */
static const struct {
  const char *state;
  const char *path[8];
} paths[] = {
    {"received", {NULL}},
    {"first_review", {"first_review", NULL}},
    {"second_review", {"first_review", "second_review", NULL}},
    {"public_notice", {"first_review", "second_review", "public_notice", NULL}},
    {"recording", {"first_review", "second_review", "recording", NULL}},
    {"proofreading", {"first_review", "second_review", "recording", "proofreading", NULL}},
    {"records_updated",
     {"first_review", "second_review", "recording", "proofreading", "records_updated", NULL}},
    {"referred", {"first_review", "referred", NULL}},
    {"correction", {"@correction", NULL}},
    {"closed",
     {"first_review", "second_review", "recording", "proofreading", "records_updated", "closed",
      NULL}},
    {"archived",
     {"first_review", "second_review", "recording", "proofreading", "records_updated", "closed",
      "archived", NULL}},
    {"rejected", {"first_review", "@reject", NULL}},
    {"withdrawn", {"withdrawn", NULL}},
};
#define STATE_COUNT (sizeof(paths) / sizeof(paths[0]))

static void drive(long long id, const char *state)
{
  for (size_t i = 0; i < STATE_COUNT; i++) {
    if (strcmp(paths[i].state, state) != 0)
      continue;
    for (const char *const *step = paths[i].path; *step; step++) {
      char form[512] = "";
      if (!strcmp(*step, "@correction")) {
        harness_field(form, sizeof(form), "items", "請補附印鑑證明");
        act_ok(SUPERVISOR, id, "correction", form);
      } else if (!strcmp(*step, "@reject")) {
        harness_field(form, sizeof(form), "note", "申請人無權申請");
        act_ok(SUPERVISOR, id, "reject", form);
      } else {
        status_form(form, sizeof(form), *step, "依程序辦理");
        act_ok(SUPERVISOR, id, "status", form);
      }
    }
    assert_status(id, state);
    return;
  }
  fail_msg("no path to %s", state);
}

static void sign_in(enum who w)
{
  const char *password = (w == OUTSIDER || w == DELEGATE) ? OTHER_PASSWORD : DEMO_PASSWORD;
  harness_sign_in(&clients[w], &server, usernames[w], password, NULL, 0);
}

static void add_handler(const char *username, const char *name)
{
  const char *args[] = {"user",   "add", "--office", "xinxing", "--username",  username,
                        "--name", name,  "--roles",  "handler", "--no-expire", NULL};
  const char *env[] = {"BIANMIN_PASSWORD=" OTHER_PASSWORD, NULL};
  assert_int_equal(server_cli_env(&server, args, env), 0);
}

/* The service id and the handlers' ids, from the intake form's view model. */
static void learn_ids(void)
{
  json_t *v = get_json(CLERK, "/staff/intake", NULL);
  size_t i;
  json_t *o;
  json_array_foreach(json_object_get(v, "services"), i,
                     o) if (!strcmp(text_of(o, "name"), SERVICE_NAME)) service_id = int_of(o, "id");
  char path[64];
  snprintf(path, sizeof(path), "/staff/intake?service=%lld", service_id);
  json_decref(v);
  v = get_json(CLERK, path, NULL);
  assert_true(json_array_size(json_object_get(v, "documents")) > 0);
  json_array_foreach(json_object_get(v, "handlers"), i, o)
  {
    for (int w = 0; w < WHO_COUNT; w++)
      if (*display_names[w] && !strcmp(text_of(o, "name"), display_names[w]))
        user_ids[w] = int_of(o, "id");
  }
  json_decref(v);
  assert_true(service_id > 0);
  assert_true(user_ids[HANDLER] > 0 && user_ids[SUPERVISOR] > 0);
  assert_true(user_ids[OUTSIDER] > 0 && user_ids[DELEGATE] > 0);
}

static int setup(void **state)
{
  (void)state;
  const char *env[] = {RATE_ENV_LOGIN, RATE_ENV_LOOKUP, NULL};
  if (server_start(&server, env))
    return -1;
  add_handler("xinxing-outsider", "其他承辦人");
  add_handler("xinxing-delegate", "代理承辦人");
  for (int w = 0; w < WHO_COUNT; w++)
    sign_in((enum who)w);
  learn_ids();
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  for (int w = 0; w < WHO_COUNT; w++)
    if (clients[w].curl)
      client_free(&clients[w]);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* ---- the handler's walk along the land workflow --------------------------------------- */

static const char *const walk[] = {"first_review", "second_review",   "recording",
                                   "proofreading", "records_updated", "closed"};
static const char *const walk_labels[] = {"初審中", "複審中",   "登錄中",
                                          "校對中", "異動完成", "已結案"};

/* The public page (JSON and HTML) shows the case at step with every step so far in its
 * history, and no staff names or internal notes. */
static void check_public_step(const struct kase *k, size_t upto)
{
  long status;
  json_t *c = public_json(k, &status);
  assert_int_equal(status, 200);
  assert_string_equal(text_of(c, "status"), walk[upto]);
  assert_string_equal(text_of(c, "status_label"), walk_labels[upto]);
  char *text = json_dumps(c, JSON_COMPACT);
  for (size_t i = 0; i <= upto; i++)
    expect_contains(text, walk_labels[i]); /* the history names each step */
  assert_not_contains(text, "xinxing-");
  assert_not_contains(text, "內部備註");
  assert_not_contains(text, "A123456789");
  free(text);
  json_decref(c);
  char path[128];
  snprintf(path, sizeof(path), "/p/%s", k->token);
  char *html = public_html(path, &status);
  assert_int_equal(status, 200);
  expect_contains(html, walk_labels[upto]);
  expect_contains(html, "王○明");
  assert_not_contains(html, "王小明");
  assert_not_contains(html, "內部備註");
  free(html);
}

static void test_handler_walks_the_land_workflow(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  long status;
  json_t *c = public_json(&k, &status);
  assert_int_equal(status, 200);
  assert_string_equal(text_of(c, "status_label"), "已收件");
  assert_string_equal(text_of(c, "applicant_name_masked"), "王○明");
  json_decref(c);
  for (size_t i = 0; i < sizeof(walk) / sizeof(walk[0]); i++) {
    char form[256];
    /* An internal note, the form's default (the "public" box not ticked). */
    status_form(form, sizeof(form), walk[i], "內部備註：核對謄本");
    act_ok(HANDLER, k.id, "status", form);
    assert_status(k.id, walk[i]);
    check_public_step(&k, i);
  }
  /* The staff timeline names who did each step. */
  c = case_json(k.id);
  json_t *timeline = json_object_get(c, "timeline");
  assert_int_equal(json_array_size(timeline), 7);
  assert_string_equal(text_of(json_array_get(timeline, 6), "actor"), "xinxing-handler");
  assert_string_equal(text_of(json_array_get(timeline, 6), "what"), "已結案");
  assert_true(int_of(c, "closed_at") > 0);
  json_decref(c);
  /* Closed: the clerk records the pickup once, then archives it. */
  act_ok(CLERK, k.id, "pickup", "");
  act_refused(CLERK, k.id, "pickup", "", 400, "只有已結案且尚未領件的案件可記錄領件。");
  c = case_json(k.id);
  assert_true(int_of(c, "picked_up_at") > 0);
  json_decref(c);
  char form[256];
  status_form(form, sizeof(form), "archived", NULL);
  act_ok(CLERK, k.id, "status", form);
  assert_status(k.id, "archived");
}

static void test_public_notice_branch(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  const char *const steps[] = {"first_review", "second_review", "public_notice", "recording"};
  for (size_t i = 0; i < 4; i++) {
    char form[256];
    status_form(form, sizeof(form), steps[i], NULL);
    act_ok(HANDLER, k.id, "status", form);
  }
  assert_status(k.id, "recording");
  long status;
  json_t *c = public_json(&k, &status);
  char *text = json_dumps(c, JSON_COMPACT);
  expect_contains(text, "公告中");
  free(text);
  json_decref(c);
}

/* ---- the transition table x every role ------------------------------------------------- */

enum { C = 1, H = 2, S = 4 };

/* DOMAIN.md "Case statuses" and src/domain/workflow.c, as the tests read them. */
static const struct {
  const char *from, *to;
  unsigned roles;
  bool note_required;
} rules[] = {
    {"received", "first_review", H | S, false},
    {"first_review", "second_review", H | S, false},
    {"first_review", "referred", H | S, true},
    {"second_review", "first_review", H | S, true},
    {"second_review", "public_notice", H | S, false},
    {"second_review", "recording", H | S, false},
    {"referred", "first_review", S, true},
    {"referred", "second_review", S, true},
    {"public_notice", "recording", H | S, false},
    {"recording", "proofreading", H | S, false},
    {"proofreading", "records_updated", H | S, false},
    {"records_updated", "closed", H | S | C, false},
    {"closed", "archived", H | S | C, false},
    {"correction", "first_review", H | S, false},
    {"*", "withdrawn", C | H | S, true},
};

static bool is_final(const char *state)
{
  return !strcmp(state, "closed") || !strcmp(state, "archived") || !strcmp(state, "rejected") ||
         !strcmp(state, "withdrawn");
}

/* Steps whose time does not count (a public notice, a referral to another agency): the case
 * has no deadline while there (domain/workflow.c). */
static bool stops_clock(const char *state)
{
  return !strcmp(state, "public_notice") || !strcmp(state, "referred");
}

/* The rule that lets roles move from -> to with the status action, or -1. */
static int rule_for(const char *from, const char *to, unsigned roles)
{
  for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
    bool from_ok = !strcmp(rules[i].from, from) || (!strcmp(rules[i].from, "*") && !is_final(from));
    if (from_ok && !strcmp(rules[i].to, to) && (rules[i].roles & roles))
      return (int)i;
  }
  return -1;
}

/* The case-role bits of each actor (the supervisor is a handler too); OUTSIDER handles other
 * cases, so the rules never let them act on this one. */
static unsigned roles_of(enum who w)
{
  switch (w) {
  case CLERK:
    return C;
  case HANDLER:
    return H;
  case SUPERVISOR:
    return S | H;
  default:
    return 0;
  }
}

static const enum who matrix_actors[] = {CLERK, HANDLER, SUPERVISOR, OUTSIDER, ANALYST};

/* Every move the rules refuse, by every actor, from one state: 403 (or 400 for the steps that
 * have their own forms), and the case unchanged. */
static void check_refusals_from(const char *from)
{
  struct kase k;
  intake(&k, HANDLER);
  drive(k.id, from);
  char *before = snapshot(k.id);
  for (size_t a = 0; a < sizeof(matrix_actors) / sizeof(matrix_actors[0]); a++) {
    enum who w = matrix_actors[a];
    for (size_t t = 0; t < STATE_COUNT; t++) {
      const char *to = paths[t].state;
      if (rule_for(from, to, roles_of(w)) >= 0)
        continue; /* allowed: tried on a case of its own below */
      bool own_form = !strcmp(to, "correction") || !strcmp(to, "rejected");
      long expected = w == ANALYST ? 403 : (own_form ? 400 : 403);
      char form[256];
      status_form(form, sizeof(form), to, "測試說明");
      json_t *v = NULL;
      long status = act(w, k.id, "status", form, &v);
      json_decref(v);
      if (status != expected)
        fail_msg("%s -> %s by %s: expected %ld, got %ld", from, to, usernames[w], expected, status);
    }
  }
  assert_unchanged(k.id, before);
}

/* Every move the rules allow, each on a fresh case: refused without a note where one is
 * required, done with one; the public page follows. */
static void check_allowed_from(const char *from)
{
  for (size_t a = 0; a < 3; a++) {
    enum who w = matrix_actors[a];
    for (size_t t = 0; t < STATE_COUNT; t++) {
      int r = rule_for(from, paths[t].state, roles_of(w));
      if (r < 0)
        continue;
      struct kase k;
      intake(&k, HANDLER);
      drive(k.id, from);
      char form[256];
      if (rules[r].note_required) {
        char *before = snapshot(k.id);
        status_form(form, sizeof(form), paths[t].state, NULL);
        act_refused(w, k.id, "status", form, 400, "這個步驟需要寫明原因。");
        assert_unchanged(k.id, before);
      }
      status_form(form, sizeof(form), paths[t].state, "依程序辦理");
      act_ok(w, k.id, "status", form);
      json_t *c = case_json(k.id);
      assert_string_equal(text_of(c, "status"), paths[t].state);
      if (stops_clock(paths[t].state))
        assert_string_equal(text_of(c, "due_state"), "paused"); /* the clock stops there */
      else if (!is_final(paths[t].state) && !text_of(c, "due_text")[0])
        fail_msg("%s -> %s by %s: the case has no deadline (due_state %s)", from, paths[t].state,
                 usernames[w], text_of(c, "due_state"));
      json_decref(c);
      long status;
      c = public_json(&k, &status);
      assert_string_equal(text_of(c, "status"), paths[t].state);
      json_decref(c);
    }
  }
}

static void test_transition_table_by_every_role(void **state)
{
  (void)state;
  for (size_t i = 0; i < STATE_COUNT; i++) {
    check_refusals_from(paths[i].state);
    check_allowed_from(paths[i].state);
  }
}

static void test_clerk_cannot_start_the_review(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  char *before = snapshot(k.id);
  char form[256];
  status_form(form, sizeof(form), "first_review", NULL);
  act_refused(CLERK, k.id, "status", form, 403, "案件目前的狀態不能這樣處理，或您的角色無權限。");
  harness_field(form, sizeof(form), "items", "缺件");
  act_refused(CLERK, k.id, "correction", form, 403, NULL);
  /* The clerk's page offers no review step. */
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", k.id);
  json_t *v = get_json(CLERK, path, NULL);
  char *steps = json_dumps(json_object_get(json_object_get(v, "case"), "next_steps"), 0);
  assert_string_equal(steps, "[\"withdrawn\"]");
  free(steps);
  json_decref(v);
  assert_unchanged(k.id, before);
}

static void test_analyst_cannot_open_a_case(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  char *before = snapshot(k.id);
  struct response r;
  char case_path[64], receipt_path[80];
  snprintf(case_path, sizeof(case_path), "/staff/cases/%lld", k.id);
  snprintf(receipt_path, sizeof(receipt_path), "/staff/cases/%lld/receipt", k.id);
  const char *const pages[] = {case_path, receipt_path, "/staff/cases", "/staff/intake",
                               "/staff/delegations"};
  for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
    assert_int_equal(get(ANALYST, pages[i], false, &r), 403);
    assert_not_contains(r.body, "王小明");
    response_free(&r);
  }
  const char *const actions[] = {"status", "correction", "corrected", "approve-correction",
                                 "reject", "extend",     "reassign",  "overdue",
                                 "pickup"};
  for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
    act_refused(ANALYST, k.id, actions[i], "to=first_review&note=x&items=x&days=1", 403, NULL);
  assert_unchanged(k.id, before);
}

static void test_handler_of_another_case_is_refused(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  char form[512] = "";
  status_form(form, sizeof(form), "first_review", NULL);
  act_ok(HANDLER, k.id, "status", form);
  char *before = snapshot(k.id);
  /* A handler of neither the case nor its unit may not even read it (least privilege for the
   * applicant's personal data). */
  char path[64];
  long status;
  snprintf(path, sizeof(path), "/staff/cases/%lld", k.id);
  json_t *v = get_json(OUTSIDER, path, &status);
  assert_int_equal(status, 403);
  json_decref(v);
  const char *const not_yours = "這件案件不是您承辦或代理的。";
  status_form(form, sizeof(form), "second_review", "x");
  act_refused(OUTSIDER, k.id, "status", form, 403, not_yours);
  act_refused(OUTSIDER, k.id, "correction", "items=x", 403, not_yours);
  act_refused(OUTSIDER, k.id, "extend", "days=1&note=x", 403, not_yours);
  /* whatever was typed: someone else's case is refused as such, not for the input */
  act_refused(OUTSIDER, k.id, "extend", "days=-5&note=", 403, not_yours);
  act_refused(OUTSIDER, k.id, "overdue", "note=x&new_date=2999-01-01", 403, not_yours);
  act_refused(OUTSIDER, k.id, "overdue", "note=&new_date=x", 403, not_yours);
  act_refused(OUTSIDER, k.id, "appointment", "date=x&time=y&place=", 403, not_yours);
  act_refused(OUTSIDER, k.id, "pickup", "", 403, not_yours);
  act_refused(OUTSIDER, k.id, "corrected", "", 403, not_yours);
  act_refused(OUTSIDER, k.id, "approve-correction", "", 403, "只有主管可以這樣做。");
  act_refused(OUTSIDER, k.id, "reassign", "handler_id=1", 403, "只有主管可以這樣做。");
  act_refused(OUTSIDER, k.id, "reject", "note=x", 403, not_yours);
  assert_unchanged(k.id, before);
  /* Nor list the office's cases: a handler's work list is their own and their unit's. */
  v = get_json(OUTSIDER, "/staff/cases?scope=office", &status);
  assert_int_equal(status, 403);
  json_decref(v);
  v = get_json(OUTSIDER, "/staff/cases", &status);
  assert_int_equal(status, 200);
  assert_true(json_is_false(json_object_get(json_object_get(v, "filter"), "may_office")));
  json_decref(v);
  v = get_json(CLERK, "/staff/cases?scope=office", &status);
  assert_int_equal(status, 200);
  json_decref(v);
}

/* ---- delegation (代理) ------------------------------------------------------------------ */

static void delegation_form(char *form, size_t size, enum who away, enum who delegate,
                            const char *from, const char *to)
{
  char id[32];
  form[0] = '\0';
  snprintf(id, sizeof(id), "%lld", user_ids[away]);
  harness_field(form, size, "user_id", id);
  snprintf(id, sizeof(id), "%lld", user_ids[delegate]);
  harness_field(form, size, "delegate_id", id);
  harness_field(form, size, "starts_on", from);
  harness_field(form, size, "ends_on", to);
  harness_field(form, size, "note", "休假");
}

static void test_delegate_acts_for_the_handler(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  char form[512], today[16];
  status_form(form, sizeof(form), "first_review", NULL);
  act_refused(DELEGATE, k.id, "status", form, 403, "這件案件不是您承辦或代理的。");
  json_t *v = get_json(SUPERVISOR, "/staff/delegations", NULL);
  snprintf(today, sizeof(today), "%s", text_of(v, "today"));
  json_decref(v);
  assert_int_equal(strlen(today), 10);
  /* Only supervisors delegate; a delegate must be another handler; dates in order. */
  delegation_form(form, sizeof(form), HANDLER, DELEGATE, today, today);
  assert_int_equal(post(HANDLER, "/staff/delegations", form, NULL), 403);
  delegation_form(form, sizeof(form), HANDLER, HANDLER, today, today);
  assert_int_equal(post(SUPERVISOR, "/staff/delegations", form, NULL), 400);
  /* refused: the page again with the message at the field and the choices kept */
  json_t *refused = NULL;
  assert_int_equal(harness_post_json(&clients[SUPERVISOR], "/staff/delegations", form, &refused),
                   400);
  assert_string_equal(json_text_at(refused, "field_errors.delegate_id"),
                      "代理人須為另一位承辦人。");
  assert_string_equal(json_text_at(refused, "form.starts_on"), today);
  size_t chosen = 0;
  json_t *option;
  size_t i;
  json_array_foreach(json_at(refused, "delegate_options"), i, option) chosen +=
      json_is_true(json_object_get(option, "selected"));
  assert_int_equal(chosen, 1);
  json_decref(refused);
  delegation_form(form, sizeof(form), HANDLER, DELEGATE, today, "2000-01-01");
  assert_int_equal(post(SUPERVISOR, "/staff/delegations", form, NULL), 400);
  delegation_form(form, sizeof(form), HANDLER, DELEGATE, "9999-01-01", "9999-12-31");
  assert_int_equal(post(SUPERVISOR, "/staff/delegations", form, NULL), 400); /* years ahead */
  status_form(form, sizeof(form), "first_review", NULL);
  act_refused(DELEGATE, k.id, "status", form, 403, NULL); /* still nobody's delegate */

  delegation_form(form, sizeof(form), HANDLER, DELEGATE, today, today);
  assert_int_equal(post(SUPERVISOR, "/staff/delegations", form, NULL), 303);
  v = get_json(SUPERVISOR, "/staff/delegations", NULL);
  char *list = json_dumps(json_object_get(v, "delegations"), 0);
  expect_contains(list, "代理承辦人");
  free(list);
  json_decref(v);
  /* its days as dates of the page's language (they were shown as 2026-03-02) */
  char roc[192];
  long year = strtol(today, NULL, 10) - 1911, month = strtol(today + 5, NULL, 10),
       day = strtol(today + 8, NULL, 10);
  snprintf(roc, sizeof(roc), "%ld年%ld月%ld日 – %ld年%ld月%ld日", year, month, day, year, month,
           day);
  struct response page;
  assert_int_equal(get(SUPERVISOR, "/staff/delegations", false, &page), 200);
  expect_contains(page.body, roc);
  response_free(&page);

  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", k.id);
  v = get_json(DELEGATE, path, NULL);
  json_t *c = json_object_get(v, "case");
  assert_true(json_is_true(json_object_get(c, "may_act")));
  assert_string_equal(text_of(c, "acting_for"), "xinxing-handler");
  json_decref(v);
  status_form(form, sizeof(form), "first_review", NULL);
  act_ok(DELEGATE, k.id, "status", form);
  assert_status(k.id, "first_review");
  c = case_json(k.id);
  json_t *timeline = json_object_get(c, "timeline");
  json_t *last = json_array_get(timeline, json_array_size(timeline) - 1);
  assert_string_equal(text_of(last, "actor"), "xinxing-delegate");
  assert_string_equal(text_of(last, "on_behalf_of"), "xinxing-handler");
  json_decref(c);
  struct response r;
  assert_int_equal(get(SUPERVISOR, path, false, &r), 200);
  expect_contains(r.body, "xinxing-delegate (代理 xinxing-handler)");
  response_free(&r);
  /* The handler can still act; the outsider still cannot. */
  status_form(form, sizeof(form), "second_review", NULL);
  act_refused(OUTSIDER, k.id, "status", form, 403, NULL);
  act_ok(HANDLER, k.id, "status", form);
  /* The public never sees staff names. */
  long status;
  c = public_json(&k, &status);
  char *text = json_dumps(c, JSON_COMPACT);
  assert_not_contains(text, "xinxing-");
  free(text);
  json_decref(c);
}

/* ---- corrections (補正) ------------------------------------------------------------------ */

static void check_public_correction(const struct kase *k, const char *deadline_text)
{
  long status;
  json_t *c = public_json(k, &status);
  assert_int_equal(status, 200);
  assert_string_equal(text_of(c, "status"), "correction");
  assert_string_equal(text_of(c, "status_label"), "待補正");
  json_t *items = json_object_get(c, "correction_list");
  assert_int_equal(json_array_size(items), 2);
  assert_string_equal(json_string_value(json_array_get(items, 0)), "請補附義務人印鑑證明");
  assert_string_equal(json_string_value(json_array_get(items, 1)), "買賣契約書應加蓋騎縫章");
  assert_string_equal(text_of(c, "correction_deadline_text"), deadline_text);
  assert_string_equal(text_of(c, "due_text"), ""); /* the clock stops */
  json_decref(c);
  char path[128];
  snprintf(path, sizeof(path), "/p/%s", k->token);
  char *html = public_html(path, &status);
  assert_int_equal(status, 200);
  expect_contains(html, "請補附義務人印鑑證明");
  expect_contains(html, "買賣契約書應加蓋騎縫章");
  expect_contains(html, deadline_text);
  expect_contains(html, "需要補正");
  free(html);
}

/* The correction form: two items, with the blank lines and line ends a textarea sends. */
static const char *two_items(void)
{
  static char form[512];
  form[0] = '\0';
  harness_field(form, sizeof(form), "items",
                "請補附義務人印鑑證明\r\n\r\n 買賣契約書應加蓋騎縫章 \r\n");
  return form;
}

/* Days from today (YYYY-MM-DD, Taipei) to date. */
static long days_until(const char *today, const char *date)
{
  struct tm a = {0}, b = {0};
  a.tm_year = (int)strtol(today, NULL, 10) - 1900;
  a.tm_mon = (int)strtol(today + 5, NULL, 10) - 1;
  a.tm_mday = (int)strtol(today + 8, NULL, 10);
  b.tm_year = (int)strtol(date, NULL, 10) - 1900;
  b.tm_mon = (int)strtol(date + 5, NULL, 10) - 1;
  b.tm_mday = (int)strtol(date + 8, NULL, 10);
  return (long)((timegm(&b) - timegm(&a)) / 86400);
}

static struct kase correction_case; /* left waiting for a correction, for the last test */

static void test_correction_rules(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  json_t *c = case_json(k.id);
  long long due_before = int_of(c, "due_at");
  assert_true(due_before > 0);
  json_decref(c);
  act_refused(HANDLER, k.id, "correction", "items=", 400, "請列出應補正事項");
  act_ok(HANDLER, k.id, "correction", two_items());
  c = case_json(k.id);
  assert_string_equal(text_of(c, "status"), "correction");
  assert_true(json_is_true(json_object_get(c, "in_correction")));
  assert_int_equal(json_array_size(json_object_get(c, "correction_list")), 2);
  assert_string_equal(text_of(c, "due_text"), "");
  assert_int_equal(int_of(c, "correction_count"), 1);
  char deadline[16], deadline_text[64];
  snprintf(deadline, sizeof(deadline), "%s", text_of(c, "correction_deadline"));
  snprintf(deadline_text, sizeof(deadline_text), "%s", text_of(c, "correction_deadline_text"));
  assert_true(deadline_text[0] != '\0');
  json_decref(c);
  json_t *v = get_json(SUPERVISOR, "/staff/delegations", NULL);
  long days = days_until(text_of(v, "today"), deadline);
  json_decref(v);
  assert_true(days >= 15 && days <= 25); /* 15 days, moved past days off */
  check_public_correction(&k, deadline_text);

  /* Waiting for the applicant: no rejection before the deadline, nothing to approve yet. */
  char *before = snapshot(k.id);
  act_refused(SUPERVISOR, k.id, "reject", "note=%E9%80%BE%E6%9C%9F", 403,
              "補正期限尚未屆滿，還不能駁回。");
  act_refused(HANDLER, k.id, "reject", "note=x", 403, NULL);
  act_refused(SUPERVISOR, k.id, "approve-correction", "", 400, "這件案件沒有待核准的補正。");
  act_refused(CLERK, k.id, "corrected", "", 403, NULL);
  act_refused(HANDLER, k.id, "correction", two_items(), 403, "同一案件第二次補正須先經主管核准。");
  assert_unchanged(k.id, before);

  /* The applicant corrects: back to first review, the clock runs again. */
  act_ok(HANDLER, k.id, "corrected", "");
  c = case_json(k.id);
  assert_string_equal(text_of(c, "status"), "first_review");
  assert_true(int_of(c, "due_at") >= due_before);
  assert_true(text_of(c, "due_text")[0] != '\0');
  json_decref(c);
  long status;
  c = public_json(&k, &status);
  assert_int_equal(json_array_size(json_object_get(c, "correction_list")), 0);
  assert_true(text_of(c, "due_text")[0] != '\0');
  json_decref(c);

  /* A second correction needs the supervisor's approval first. */
  before = snapshot(k.id);
  act_refused(HANDLER, k.id, "correction", two_items(), 403, "同一案件第二次補正須先經主管核准。");
  char path[64];
  struct response r;
  snprintf(path, sizeof(path), "/staff/cases/%lld/correction", k.id);
  assert_int_equal(client_post(&clients[HANDLER], path, two_items(), &r), 0);
  assert_int_equal(r.status, 403);
  expect_contains(r.body, "同一案件第二次補正須先經主管核准。"); /* the page says why */
  response_free(&r);
  act_refused(HANDLER, k.id, "approve-correction", "", 403, "只有主管可以這樣做。");
  act_refused(CLERK, k.id, "approve-correction", "", 403, "只有主管可以這樣做。");
  assert_unchanged(k.id, before);
  act_ok(SUPERVISOR, k.id, "approve-correction", "");
  c = case_json(k.id);
  assert_int_equal(int_of(c, "second_correction_approved"), 1);
  json_decref(c);
  act_ok(HANDLER, k.id, "correction", two_items());
  c = case_json(k.id);
  assert_string_equal(text_of(c, "status"), "correction");
  assert_int_equal(int_of(c, "correction_count"), 2);
  json_decref(c);
  check_public_correction(&k, deadline_text);

  /* A third one needs another approval. */
  act_ok(HANDLER, k.id, "corrected", "");
  act_refused(HANDLER, k.id, "correction", two_items(), 403, "同一案件第二次補正須先經主管核准。");
  act_ok(SUPERVISOR, k.id, "approve-correction", "");
  act_ok(HANDLER, k.id, "correction", two_items());
  correction_case = k;
}

/* The correction and reject actions from every step: a correction from received, first or
 * second review (handlers), a rejection from first or second review (supervisors). */
static void test_correction_and_reject_from_every_step(void **state)
{
  (void)state;
  for (size_t i = 0; i < STATE_COUNT; i++) {
    const char *from = paths[i].state;
    bool correctable = !strcmp(from, "received") || !strcmp(from, "first_review") ||
                       !strcmp(from, "second_review");
    bool rejectable = !strcmp(from, "first_review") || !strcmp(from, "second_review");
    struct kase k;
    intake(&k, HANDLER);
    drive(k.id, from);
    char *before = snapshot(k.id);
    act_refused(CLERK, k.id, "correction", two_items(), 403, NULL);
    act_refused(HANDLER, k.id, "reject", "note=x", 403, NULL);
    if (!rejectable)
      act_refused(SUPERVISOR, k.id, "reject", "note=x", 403, NULL);
    if (!correctable)
      act_refused(HANDLER, k.id, "correction", two_items(), 403, NULL);
    assert_unchanged(k.id, before);
    if (correctable) {
      act_ok(HANDLER, k.id, "correction", two_items());
      assert_status(k.id, "correction");
    }
    if (rejectable) {
      intake(&k, HANDLER);
      drive(k.id, from);
      act_ok(SUPERVISOR, k.id, "reject", "note=x");
      assert_status(k.id, "rejected");
    }
  }
}

/* ---- rejection, extension, reassignment, overdue notice ------------------------------- */

static void test_reject_needs_reasons(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  char form[256];
  status_form(form, sizeof(form), "first_review", NULL);
  act_ok(HANDLER, k.id, "status", form);
  char *before = snapshot(k.id);
  act_refused(SUPERVISOR, k.id, "reject", "", 400, "駁回須寫明理由。");
  act_refused(SUPERVISOR, k.id, "reject", "note=", 400, "駁回須寫明理由。");
  act_refused(HANDLER, k.id, "reject", "note=x", 403, "案件目前的狀態不能這樣處理");
  act_refused(CLERK, k.id, "reject", "note=x", 403, NULL);
  assert_unchanged(k.id, before);
  form[0] = '\0';
  harness_field(form, sizeof(form), "note", "依土地登記規則第57條駁回：權利人不符");
  act_ok(SUPERVISOR, k.id, "reject", form);
  assert_status(k.id, "rejected");
  long status;
  json_t *c = public_json(&k, &status);
  assert_string_equal(text_of(c, "status_label"), "已駁回");
  char *text = json_dumps(c, JSON_COMPACT);
  expect_contains(text, "權利人不符"); /* written reasons reach the applicant */
  free(text);
  json_decref(c);
  /* Final: nothing moves it any more. */
  before = snapshot(k.id);
  status_form(form, sizeof(form), "first_review", "x");
  act_refused(SUPERVISOR, k.id, "status", form, 403, NULL);
  act_refused(SUPERVISOR, k.id, "extend", "days=1&note=x", 403, NULL);
  assert_unchanged(k.id, before);
}

static void test_extend_moves_the_date_later(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  json_t *c = case_json(k.id);
  long long due = int_of(c, "due_at");
  json_decref(c);
  char *before = snapshot(k.id);
  const char *const bad_days[] = {"days=abc&note=x", "days=0&note=x",   "days=-1&note=x",
                                  "days=91&note=x",  "days=1.5&note=x", "days=&note=x",
                                  "note=x",          "days=2"};
  for (size_t i = 0; i < sizeof(bad_days) / sizeof(bad_days[0]); i++)
    act_refused(HANDLER, k.id, "extend", bad_days[i], 400, NULL);
  assert_unchanged(k.id, before);
  char form[256] = "";
  harness_field(form, sizeof(form), "days", "2");
  harness_field(form, sizeof(form), "note", "需會同他機關確認");
  act_ok(HANDLER, k.id, "extend", form);
  c = case_json(k.id);
  assert_true(int_of(c, "due_at") > due);
  assert_int_equal(int_of(c, "extension_minutes"), 2 * 480);
  long long extended = int_of(c, "due_at");
  json_decref(c);
  long status;
  c = public_json(&k, &status);
  assert_int_equal(int_of(c, "due_at"), extended);
  char *text = json_dumps(c, JSON_COMPACT);
  expect_contains(text, "需會同他機關確認");
  free(text);
  json_decref(c);
  act_ok(SUPERVISOR, k.id, "extend", form); /* extensions add up */
  c = case_json(k.id);
  assert_true(int_of(c, "due_at") > extended);
  assert_int_equal(int_of(c, "extension_minutes"), 4 * 480);
  json_decref(c);
}

static void test_reassign_only_by_supervisor(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  char *before = snapshot(k.id);
  char form[128];
  snprintf(form, sizeof(form), "handler_id=%lld", user_ids[OUTSIDER]);
  act_refused(HANDLER, k.id, "reassign", form, 403, "只有主管可以這樣做。");
  act_refused(CLERK, k.id, "reassign", form, 403, "只有主管可以這樣做。");
  act_refused(SUPERVISOR, k.id, "reassign", "handler_id=999999", 400, "請選擇本機關的承辦人。");
  act_refused(SUPERVISOR, k.id, "reassign", "handler_id=abc", 400, NULL);
  assert_unchanged(k.id, before);
  act_ok(SUPERVISOR, k.id, "reassign", form);
  json_t *c = case_json(k.id);
  assert_int_equal(int_of(c, "handler_id"), user_ids[OUTSIDER]);
  assert_string_equal(text_of(c, "handler_name"), "其他承辦人");
  json_decref(c);
  /* Now it is the outsider's case, and no longer the handler's. */
  char move[128];
  status_form(move, sizeof(move), "first_review", NULL);
  act_refused(HANDLER, k.id, "status", move, 403, "這件案件不是您承辦或代理的。");
  act_ok(OUTSIDER, k.id, "status", move);
  assert_status(k.id, "first_review");
}

static void test_overdue_notice(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  char *before = snapshot(k.id);
  char ahead[11], too_far[11], form[256] = "";
  harness_taipei_date(time(NULL), 30, ahead);
  harness_taipei_date(time(NULL), 400, too_far);
  act_refused(HANDLER, k.id, "overdue", "note=x&new_date=2000-01-01", 400, "請輸入今天起一年內");
  act_refused(HANDLER, k.id, "overdue", "note=x&new_date=2099-02-30", 400, NULL);
  /* a slip of the keyboard is not a date to promise the applicant */
  act_refused(HANDLER, k.id, "overdue", "note=x&new_date=9999-12-31", 400, "請輸入今天起一年內");
  snprintf(form, sizeof(form), "note=x&new_date=%s", too_far);
  act_refused(HANDLER, k.id, "overdue", form, 400, "請輸入今天起一年內");
  act_refused(HANDLER, k.id, "overdue", "new_date=2099-01-01", 400, "請寫明逾期原因。");
  assert_unchanged(k.id, before);
  form[0] = '\0';
  harness_field(form, sizeof(form), "note", "等待國稅局核發完稅證明");
  harness_field(form, sizeof(form), "new_date", ahead);
  act_ok(HANDLER, k.id, "overdue", form);
  long status;
  json_t *c = public_json(&k, &status);
  assert_string_equal(text_of(c, "overdue_reason"), "等待國稅局核發完稅證明");
  assert_true(text_of(c, "overdue_new_date_text")[0] != '\0');
  json_decref(c);
}

/* A refused action comes back with its message at its own form and what was typed still in it
 * (an extension refused for its missing reason showed the message under the "next step" form's
 * note, pointed there, and emptied the days typed; an overdue reason was lost to a wrong date). */
static void test_refused_form_comes_back_as_typed(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  char path[128];
  struct response r;
  json_t *v = NULL;
  assert_int_equal(act(HANDLER, k.id, "extend", "days=2&note=", &v), 400);
  expect_text_at(v, "field_errors.extend_note", "這個步驟需要寫明原因。");
  assert_null(json_at(v, "field_errors.note"));
  expect_text_at(v, "typed.extend.days", "2");
  json_decref(v);
  snprintf(path, sizeof(path), "/staff/cases/%lld/extend", k.id);
  assert_int_equal(client_post(&clients[HANDLER], path, "days=2&note=", &r), 0);
  assert_int_equal(r.status, 400);
  expect_contains(r.body, "<a href=\"#extend_note\">");
  expect_contains(r.body, "id=\"days\" name=\"days\" type=\"text\" inputmode=\"numeric\" "
                          "value=\"2\">");
  response_free(&r);
  /* the overdue notice: the reason typed stays when the date is refused */
  snprintf(path, sizeof(path), "/staff/cases/%lld/overdue", k.id);
  assert_int_equal(client_post(&clients[HANDLER], path,
                               "note=%E7%AD%89%E5%BE%85%E8%A3%9C%E4%BB%B6&new_date=2000-01-01", &r),
                   0);
  assert_int_equal(r.status, 400);
  expect_contains(r.body, "<a href=\"#new_date\">");
  expect_contains(r.body, "id=\"overdue_note\" name=\"note\" rows=\"2\">等待補件</textarea>");
  expect_contains(r.body, "value=\"2000-01-01\"");
  response_free(&r);
  assert_int_equal(act(HANDLER, k.id, "overdue", "note=&new_date=2099-01-01", &v), 400);
  expect_text_at(v, "field_errors.overdue_note", "請寫明逾期原因。");
  json_decref(v);
  /* a correction refused for too many items keeps them to shorten */
  char many[1024] = "items=";
  for (int i = 0; i < 21; i++)
    snprintf(many + strlen(many), sizeof(many) - strlen(many), "item%d%%0A", i);
  assert_int_equal(act(HANDLER, k.id, "correction", many, &v), 400);
  expect_contains(json_text_at(v, "typed.correction.items"), "item20");
  json_decref(v);
}

/* The refused answer's HTML (client_post as w). */
static char *refused_page(enum who w, long long id, const char *action, const char *form,
                          long expected)
{
  char path[128];
  struct response r;
  snprintf(path, sizeof(path), "/staff/cases/%lld/%s", id, action);
  assert_int_equal(client_post(&clients[w], path, form, &r), 0);
  if (r.status != expected)
    fail_msg("%s: expected %ld, got %ld", path, expected, r.status);
  char *body = strdup(r.body ? r.body : "");
  response_free(&r);
  return body;
}

/* The error summary links to target and the page has that id once (the link lands). */
static void expect_link_lands(const char *html, const char *target)
{
  char link[128], id[128];
  snprintf(link, sizeof(link), "<a href=\"#%s\">", target);
  snprintf(id, sizeof(id), " id=\"%s\"", target);
  expect_contains(html, link);
  const char *at = strstr(html, id);
  if (!at || strstr(at + 1, id))
    fail_msg("expected one element with%s", id);
}

/* A refused "next step" keeps the step chosen; the forms of one button (pickup, approving a
 * second correction) point their message at their own button, not at the "next step" form's
 * note, and say it where the button is (or was: the refusal of a page drawn earlier). */
static void test_refused_choice_and_buttons(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  char form[256];
  status_form(form, sizeof(form), "withdrawn", NULL);
  char *html = refused_page(HANDLER, k.id, "status", form, 400);
  expect_contains(html, "<option value=\"withdrawn\" selected>");
  expect_lacks(html, "<option value=\"first_review\" selected>");
  expect_link_lands(html, "note");
  free(html);
  /* pickup of a case not closed (a page drawn before it was reopened, or sent twice) */
  json_t *v = NULL;
  assert_int_equal(act(CLERK, k.id, "pickup", "", &v), 400);
  assert_null(json_at(v, "field_errors.note"));
  expect_text_at(v, "field_errors.pickup_button", "只有已結案且尚未領件的案件可記錄領件。");
  json_decref(v);
  html = refused_page(CLERK, k.id, "pickup", "", 400);
  expect_link_lands(html, "pickup_button");
  expect_lacks(html, "<a href=\"#note\">");
  free(html);
  /* approving a second correction when none is asked for */
  assert_int_equal(act(SUPERVISOR, k.id, "approve-correction", "", &v), 400);
  assert_null(json_at(v, "field_errors.note"));
  expect_text_at(v, "field_errors.approve_correction_button", "這件案件沒有待核准的補正。");
  json_decref(v);
  html = refused_page(SUPERVISOR, k.id, "approve-correction", "", 400);
  expect_link_lands(html, "approve_correction_button");
  free(html);
  /* the other forms of one button, the same way */
  html = refused_page(HANDLER, k.id, "corrected", "", 403);
  expect_link_lands(html, "corrected_button");
  free(html);
}

/* ---- other offices, bad input ---------------------------------------------------------- */

static void test_other_office_gets_not_found(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  char *before = snapshot(k.id);
  char path[160];
  struct response r;
  snprintf(path, sizeof(path), "/staff/cases/%lld", k.id);
  assert_int_equal(get(FOREIGN, path, false, &r), 404);
  assert_not_contains(r.body, "王小明");
  response_free(&r);
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt?t=%s", k.id, k.token);
  assert_int_equal(get(FOREIGN, path, false, &r), 404);
  response_free(&r);
  const char *const actions[] = {"status",  "correction", "corrected", "extend",
                                 "overdue", "pickup",     "reject"};
  for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
    act_refused(FOREIGN, k.id, actions[i],
                "to=first_review&note=x&items=x&days=1&new_date=2099-01-01", 404, NULL);
  act_refused(FOREIGN, k.id, "approve-correction", "", 404, NULL);
  snprintf(path, sizeof(path), "handler_id=%lld", user_ids[HANDLER]);
  act_refused(FOREIGN, k.id, "reassign", path, 404, NULL);
  /* Not in their work list either, even when searched for by number. */
  snprintf(path, sizeof(path), "/staff/cases?scope=office&q=%s", k.key);
  json_t *v = get_json(FOREIGN, path, NULL);
  assert_int_equal(json_array_size(json_object_get(v, "rows")), 0);
  json_decref(v);
  /* Nor found through the other office's public lookup. */
  long status;
  snprintf(path, sizeof(path), "/o/anle/progress?number=%s&check=%s", k.key, k.check);
  free(public_html(path, &status));
  assert_int_equal(status, 404);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", k.key, k.check);
  free(public_html(path, &status));
  assert_int_equal(status, 200);
  assert_unchanged(k.id, before);
}

static void test_bad_input_changes_nothing(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  char *before = snapshot(k.id);
  act_refused(HANDLER, k.id, "explode", "to=first_review", 404, NULL);
  act_refused(HANDLER, k.id, "correction", "items=", 400, "請列出應補正事項");
  act_refused(HANDLER, k.id, "correction", "items=%0D%0A%20%20%0D%0A", 400, NULL);
  act_refused(HANDLER, k.id, "correction", "", 400, NULL);
  char many[1024] = "items=";
  for (int i = 0; i < 21; i++)
    snprintf(many + strlen(many), sizeof(many) - strlen(many), "item%d%%0A", i);
  act_refused(HANDLER, k.id, "correction", many, 400, NULL);
  act_refused(HANDLER, k.id, "extend", "days=x1&note=x", 400, NULL);
  act_refused(HANDLER, k.id, "extend", "days=%EF%BC%91%EF%BC%91%EF%BC%91&note=x", 400, NULL);
  act_refused(HANDLER, k.id, "status", "", 400, NULL);
  act_refused(HANDLER, k.id, "status", "to=bogus", 403, NULL);
  act_refused(HANDLER, k.id, "status", "to=processing", 403, NULL); /* another workflow's */
  char *long_note = calloc(1, 8192);
  snprintf(long_note, 8192, "to=first_review&note=");
  for (int i = 0; i < 1001; i++)
    snprintf(long_note + strlen(long_note), 8192 - strlen(long_note), "a");
  act_refused(HANDLER, k.id, "status", long_note, 400, NULL);
  free(long_note);
  /* Unknown, malformed and foreign ids; a missing CSRF token. */
  assert_int_equal(post(HANDLER, "/staff/cases/999999/status", "to=first_review", NULL), 404);
  assert_int_equal(post(HANDLER, "/staff/cases/abc/status", "to=first_review", NULL), 404);
  assert_int_equal(post(HANDLER, "/staff/cases/0/status", "to=first_review", NULL), 404);
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld/status", k.id);
  const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  struct response r;
  assert_int_equal(client_call(&clients[HANDLER], "POST", path, headers, "to=first_review", 15, &r),
                   0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  assert_unchanged(k.id, before);
}

static void test_public_lookup_by_number_and_check_code(void **state)
{
  (void)state;
  struct kase k;
  intake(&k, HANDLER);
  char path[256], wide[64] = "";
  long status;
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", k.key, k.check);
  char *html = public_html(path, &status);
  assert_int_equal(status, 200);
  expect_contains(html, "已收件");
  expect_contains(html, "王○明");
  free(html);
  /* Full-width digits (０-９: EF BC 90 + d) as a phone keyboard may type them. */
  for (const char *p = k.check; *p; p++)
    snprintf(wide + strlen(wide), sizeof(wide) - strlen(wide), "%%EF%%BC%%%02X", 0x90 + (*p - '0'));
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", k.key, wide);
  free(public_html(path, &status));
  assert_int_equal(status, 200);
  char wrong[8];
  snprintf(wrong, sizeof(wrong), "%s", k.check);
  wrong[5] = wrong[5] == '9' ? '0' : (char)(wrong[5] + 1);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", k.key, wrong);
  html = public_html(path, &status);
  assert_int_equal(status, 404);
  expect_contains(html, "查無符合的案件");
  assert_not_contains(html, "王○明");
  free(html);
  free(public_html("/p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &status));
  assert_int_equal(status, 404);
}

/* Last: moves the clock past the correction deadline (restarting the server). */
static void test_reject_after_the_correction_deadline(void **state)
{
  (void)state;
  assert_true(correction_case.id > 0);
  char later[64];
  snprintf(later, sizeof(later), "BIANMIN_FAKE_NOW=%lld", (long long)time(NULL) + 40LL * 86400);
  const char *env_later[] = {later, RATE_ENV_LOGIN, RATE_ENV_LOOKUP, NULL};
  const char *env_real[] = {RATE_ENV_LOGIN, RATE_ENV_LOOKUP, NULL};
  assert_int_equal(server_restart(&server, env_later), 0);
  client_free(&clients[SUPERVISOR]);
  client_free(&clients[HANDLER]);
  sign_in(SUPERVISOR);
  sign_in(HANDLER);
  act_refused(HANDLER, correction_case.id, "reject", "note=x", 403, NULL); /* still supervisors' */
  act_refused(SUPERVISOR, correction_case.id, "reject", "", 400, "駁回須寫明理由。");
  char form[256] = "";
  harness_field(form, sizeof(form), "note", "逾期未補正，依土地登記規則第57條駁回");
  act_ok(SUPERVISOR, correction_case.id, "reject", form);
  assert_status(correction_case.id, "rejected");
  long status;
  json_t *c = public_json(&correction_case, &status);
  assert_string_equal(text_of(c, "status_label"), "已駁回");
  assert_int_equal(json_array_size(json_object_get(c, "correction_list")), 0);
  json_decref(c);
  assert_int_equal(server_restart(&server, env_real), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_handler_walks_the_land_workflow),
      cmocka_unit_test(test_public_notice_branch),
      cmocka_unit_test(test_clerk_cannot_start_the_review),
      cmocka_unit_test(test_analyst_cannot_open_a_case),
      cmocka_unit_test(test_handler_of_another_case_is_refused),
      cmocka_unit_test(test_transition_table_by_every_role),
      cmocka_unit_test(test_delegate_acts_for_the_handler),
      cmocka_unit_test(test_correction_rules),
      cmocka_unit_test(test_correction_and_reject_from_every_step),
      cmocka_unit_test(test_reject_needs_reasons),
      cmocka_unit_test(test_extend_moves_the_date_later),
      cmocka_unit_test(test_refused_form_comes_back_as_typed),
      cmocka_unit_test(test_refused_choice_and_buttons),
      cmocka_unit_test(test_reassign_only_by_supervisor),
      cmocka_unit_test(test_overdue_notice),
      cmocka_unit_test(test_other_office_gets_not_found),
      cmocka_unit_test(test_bad_input_changes_nothing),
      cmocka_unit_test(test_public_lookup_by_number_and_check_code),
      cmocka_unit_test(test_reject_after_the_correction_deadline),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
