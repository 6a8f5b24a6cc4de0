/*
 * cases_test.c - the cases domain on a real SQLite store with the demo offices and catalogue:
 * numbering, intake checks, handler round robin, the clock, corrections and their rules,
 * rejection, extension, delegation, the deadline scan, and the public lookup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "demo_store.h"
#include "base/arena.h"
#include "domain/accounts.h"
#include "domain/case_read.h"
#include "domain/case_staff_read.h"
#include "domain/cases.h"
#include "domain/catalog.h"
#include "domain/demo.h"
#include "domain/keys.h"
#include "domain/workflow.h"
#include "store/store.h"

#include "base/common.h"

struct fixture {
  char dir[64];
  struct store *store;
  struct case_actor clerk, handler, handler2, supervisor;
  int64_t office_id;
};

static time_t at(int y, int mo, int d, int h, int mi) /* Asia/Taipei wall time */
{
  struct tm tm = {0};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return timegm(&tm) - 8 * 3600;
}

static int64_t user(struct fixture *f, const char *username, unsigned roles, int64_t unit)
{
  struct audit_actor cli = {f->office_id, 0, "test", "cli"};
  struct account_fields a = {f->office_id, unit, username, username, "", roles};
  const char *reason;
  int64_t id = 0;
  assert_int_equal(accounts_create(f->store, &cli, &a, "password-long-enough", &id, &reason), 0);
  return id;
}

static void actor(struct fixture *f, struct case_actor *a, int64_t id, const char *name,
                  unsigned roles)
{
  *a = (struct case_actor){id, f->office_id, 0, roles, name, "127.0.0.1"};
}

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  if (!f || demo_store_open(f->dir, "cases", "niaosong", &f->store, &f->office_id))
    return -1;
  char err[512];
  /* A one-working-day service with the simple workflow. */
  json_t *service =
      json_pack("{s:s, s:s, s:i, s:b, s:s}", "slug", "test-one-day", "name_zh", "測試一日件",
                "time_limit_minutes", 480, "published", 1, "workflow", "simple");
  int rc = catalog_service_save(f->store, f->office_id, service, NULL, NULL, err, sizeof(err));
  json_decref(service);
  if (rc) {
    fprintf(stderr, "setup: %s\n", err);
    return -1;
  }
  actor(f, &f->clerk, user(f, "t-clerk", ROLE_CLERK, 0), "t-clerk", ROLE_CLERK);
  actor(f, &f->handler, user(f, "t-handler", ROLE_HANDLER, 0), "t-handler", ROLE_HANDLER);
  actor(f, &f->handler2, user(f, "t-handler2", ROLE_HANDLER, 0), "t-handler2", ROLE_HANDLER);
  actor(f, &f->supervisor, user(f, "t-super", ROLE_SUPERVISOR, 0), "t-super", ROLE_SUPERVISOR);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  store_close(f->store);
  char cmd[96];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
  int rc = system(cmd);
  free(f);
  return rc;
}

/* A published service of the office with the given time limit in minutes. */
static int64_t service_with_limit(struct fixture *f, int64_t minutes)
{
  json_t *list;
  assert_int_equal(store_service_list(f->store, f->office_id, true, &list), 0);
  size_t i;
  json_t *s;
  int64_t id = 0;
  json_array_foreach(list, i,
                     s) if (!id && json_integer_value(json_object_get(s, "time_limit_minutes")) ==
                                       minutes) id = json_integer_value(json_object_get(s, "id"));
  json_decref(list);
  if (!id)
    fail_msg("no service with a %lld-minute limit", (long long)minutes);
  return id;
}

static int64_t intake(struct fixture *f, time_t now, int64_t service, int64_t handler,
                      struct intake_result *r)
{
  struct case_env env = {f->store, now};
  struct intake_input in = {service, "陳大文",  "A123456789", "0912345678", "",
                            "sms",   "counter", "zh-TW",      NULL,         handler};
  const char *reason = NULL, *field = NULL;
  int rc = cases_intake(&env, &f->clerk, &in, r, &reason, &field);
  if (rc)
    fail_msg("intake: %s (%s)", reason ? reason : status_name(rc), field ? field : "");
  return r->case_id;
}

/* The staff read of case id as actor a sees it, in arena. */
static struct case_staff get(struct fixture *f, const struct case_actor *a, struct arena *arena,
                             int64_t id)
{
  struct case_env env = {f->store, time(NULL)};
  struct case_staff s;
  assert_int_equal(case_staff_read(&env, a, arena, id, &s), 0);
  return s;
}

static void test_numbers_are_sequential_and_formatted(void **state)
{
  struct fixture *f = *state;
  struct intake_result a, b;
  int64_t service = service_with_limit(f, 480);
  time_t now = at(2026, 3, 2, 9, 0);
  intake(f, now, service, f->handler.user_id, &a);
  intake(f, now, service, f->handler.user_id, &b);
  struct case_number na, nb;
  assert_int_equal(case_number_parse(a.case_key, &na), 0);
  assert_int_equal(case_number_parse(b.case_key, &nb), 0);
  assert_int_equal(na.roc_year, 115);
  assert_int_equal(nb.serial, na.serial + 1);
  assert_int_equal(strlen(a.check_code), 6);
  /* typed by a citizen: full-width digits, lower case, spaces */
  char typed[64];
  snprintf(typed, sizeof(typed), "１１５ %s ０００００%lld", na.word_code, (long long)na.serial);
  for (char *p = typed; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p - 'A' + 'a');
  struct case_number back;
  assert_int_equal(case_number_parse(typed, &back), 0);
  assert_int_equal(back.serial, na.serial);
  /* as printed, with the office's Chinese word standing for its code */
  char printed[4][64];
  long long serial = (long long)na.serial;
  snprintf(printed[0], sizeof(printed[0]), "115年 新登字 第%06lld號", serial);
  snprintf(printed[1], sizeof(printed[1]), "115新登字%lld號", serial);
  snprintf(printed[2], sizeof(printed[2]), "115 年新登 字第 %lld 號", serial);
  snprintf(printed[3], sizeof(printed[3]), "115 %s No. %06lld", na.word_code, serial);
  for (size_t i = 0; i < ARRAY_LEN(printed); i++) {
    memset(&back, 0, sizeof(back));
    assert_int_equal(case_number_parse_for(printed[i], "新登", na.word_code, &back), 0);
    assert_int_equal(back.serial, na.serial);
    assert_string_equal(back.word_code, na.word_code);
  }
  /* plain ASCII takes the path without NFKC: lower case and separators read the same, and a
   * control character is still refused */
  char ascii[64];
  snprintf(ascii, sizeof(ascii), "115 / %s_%lld", na.word_code, serial);
  for (char *p = ascii; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p - 'A' + 'a');
  memset(&back, 0, sizeof(back));
  assert_int_equal(case_number_parse(ascii, &back), 0);
  assert_int_equal(back.serial, na.serial);
  assert_string_equal(back.word_code, na.word_code);
  snprintf(ascii, sizeof(ascii), "115-%s-%lld\t", na.word_code, serial);
  assert_int_not_equal(case_number_parse(ascii, &back), 0);
  /* another office's word is not this one's */
  assert_int_not_equal(case_number_parse_for("115年 竹登字 第000001號", "新登", "EB01", &back), 0);
}

/* Case numbers written as the formats "%03d-%s-%06lld", "%d %s No. %06lld" and
 * "%d年 %s字 第%06lld號" write them, for short and long years and serials; a buffer one byte
 * too small is refused. */
static void test_number_texts(void **state)
{
  (void)state;
  static const struct {
    int year;
    const char *code;
    long long serial;
  } numbers[] = {{115, "EB01", 1}, {5, "A", 0}, {99, "OA01", 999999}, {999, "ZZ99", 1234567}};
  for (size_t i = 0; i < ARRAY_LEN(numbers); i++) {
    struct case_number n = {.roc_year = numbers[i].year, .serial = numbers[i].serial};
    snprintf(n.word_code, sizeof(n.word_code), "%s", numbers[i].code);
    char got[96], want[96];
    snprintf(want, sizeof(want), "%03d-%s-%06lld", n.roc_year, n.word_code, (long long)n.serial);
    assert_int_equal(case_number_key(&n, got, sizeof(got)), 0);
    assert_string_equal(got, want);
    assert_int_not_equal(case_number_key(&n, got, strlen(want)), 0);
    snprintf(want, sizeof(want), "%d %s No. %06lld", n.roc_year, n.word_code, (long long)n.serial);
    assert_int_equal(case_number_display(&n, "新登", "en", got, sizeof(got)), 0);
    assert_string_equal(got, want);
    assert_int_not_equal(case_number_display(&n, "新登", "en", got, strlen(want)), 0);
    snprintf(want, sizeof(want), "%d年 %s字 第%06lld號", n.roc_year, "新登", (long long)n.serial);
    assert_int_equal(case_number_display(&n, "新登", "zh-TW", got, sizeof(got)), 0);
    assert_string_equal(got, want);
    assert_int_not_equal(case_number_display(&n, "新登", "zh-TW", got, strlen(want)), 0);
    snprintf(want, sizeof(want), "%d年 %s字 第%06lld號", n.roc_year, n.word_code,
             (long long)n.serial);
    assert_int_equal(case_number_display(&n, "", "zh-TW", got, sizeof(got)), 0);
    assert_string_equal(got, want);
  }
}

static void test_intake_refuses_bad_input_and_writes_nothing(void **state)
{
  struct fixture *f = *state;
  struct case_env env = {f->store, at(2026, 3, 2, 9, 0)};
  struct intake_result r;
  const char *reason, *field;
  int64_t service = service_with_limit(f, 480);
  struct intake_input bad[] = {
      {service, "", "", "", "", "none", "counter", "zh-TW", NULL, 0},
      {service, "王", "A123456788", "", "", "none", "counter", "zh-TW", NULL, 0},
      {service, "王", "", "", "", "sms", "counter", "zh-TW", NULL, 0},
      {service, "王", "", "", "x@", "none", "counter", "zh-TW", NULL, 0},
      {service, "王", "", "", "", "none", "fax", "zh-TW", NULL, 0},
      {999999, "王", "", "", "", "none", "counter", "zh-TW", NULL, 0},
  };
  const char *fields[] = {"applicant_name",  "applicant_id", "notify",
                          "applicant_email", "channel",      "service_id"};
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    assert_int_equal(cases_intake(&env, &f->clerk, &bad[i], &r, &reason, &field), ST_INVALID);
    assert_string_equal(field, fields[i]);
    assert_non_null(reason);
  }
  struct store_case_filter filter = {f->office_id, "office", 0, 0, "2026-03-02", "", "", "", 10};
  json_t *rows;
  assert_int_equal(store_case_list(f->store, &filter, &rows), 0);
  assert_int_equal(json_array_size(rows), 0);
  json_decref(rows);
}

static void test_round_robin_assignment(void **state)
{
  struct fixture *f = *state;
  struct intake_result a, b, c;
  int64_t service = service_with_limit(f, 480);
  intake(f, at(2026, 3, 2, 9, 0), service, 0, &a);
  intake(f, at(2026, 3, 2, 9, 1), service, 0, &b);
  intake(f, at(2026, 3, 2, 9, 2), service, 0, &c);
  struct arena *arena = arena_new(1 << 20);
  int64_t ha = get(f, &f->supervisor, arena, a.case_id).c.handler_id;
  int64_t hb = get(f, &f->supervisor, arena, b.case_id).c.handler_id;
  int64_t hc = get(f, &f->supervisor, arena, c.case_id).c.handler_id;
  assert_true(ha > 0 && hb > 0);
  assert_int_not_equal(ha, hb); /* the next handler, not the same one twice */
  assert_int_equal(ha, hc);     /* two handlers: the third case goes back to the first */
  arena_free(arena);
}

static int64_t due_of(struct fixture *f, int64_t id)
{
  struct arena *arena = arena_new(1 << 20);
  int64_t due = get(f, &f->supervisor, arena, id).c.due_at;
  arena_free(arena);
  return due;
}

static void test_correction_stops_the_clock_and_needs_approval_twice(void **state)
{
  struct fixture *f = *state;
  struct intake_result r;
  const char *reason;
  int64_t service = service_with_limit(f, 480);
  time_t monday = at(2026, 3, 2, 8, 30);
  intake(f, monday, service, f->handler.user_id, &r);
  assert_int_equal(due_of(f, r.case_id), at(2026, 3, 2, 17, 30));
  /* Monday 11:00: a correction; the applicant answers Wednesday 11:00. */
  struct case_env env = {f->store, at(2026, 3, 2, 11, 0)};
  json_t *items = json_pack("[s, s]", "印鑑證明", "戶籍謄本");
  assert_int_equal(cases_correction(&env, &f->handler, r.case_id, items, "", &reason), 0);
  struct arena *arena = arena_new(1 << 20);
  struct case_staff c = get(f, &f->handler, arena, r.case_id);
  assert_string_equal(c.c.status, "correction");
  assert_int_equal(c.c.due_at, 0);
  assert_string_equal(c.c.correction_deadline, "2026-03-17");
  arena_free(arena);
  env.now = at(2026, 3, 4, 11, 0);
  assert_int_equal(cases_correction_done(&env, &f->handler, r.case_id, "", &reason), 0);
  /* 2.5 h used before the pause (08:30-11:00); the 5.5 h left run from Wednesday 11:00:
   * 11:00-12:30 and 13:30-17:30. */
  assert_int_equal(due_of(f, r.case_id), at(2026, 3, 4, 17, 30));
  /* A second correction needs a supervisor's approval first. */
  assert_int_equal(cases_correction(&env, &f->handler, r.case_id, items, "", &reason),
                   ST_FORBIDDEN);
  assert_string_equal(reason, "case_err_second_correction");
  assert_int_equal(cases_approve_correction(&env, &f->handler, r.case_id, &reason), ST_FORBIDDEN);
  assert_int_equal(cases_approve_correction(&env, &f->supervisor, r.case_id, &reason), 0);
  assert_int_equal(cases_correction(&env, &f->handler, r.case_id, items, "", &reason), 0);
  json_decref(items);
}

static void test_rejection_waits_for_the_correction_deadline(void **state)
{
  struct fixture *f = *state;
  struct intake_result r;
  const char *reason;
  intake(f, at(2026, 3, 2, 9, 0), service_with_limit(f, 480), f->handler.user_id, &r);
  struct case_env env = {f->store, at(2026, 3, 2, 10, 0)};
  json_t *items = json_pack("[s]", "委託書");
  assert_int_equal(cases_correction(&env, &f->handler, r.case_id, items, "", &reason), 0);
  json_decref(items);
  env.now = at(2026, 3, 17, 10, 0); /* the last day to correct */
  assert_int_equal(cases_reject(&env, &f->supervisor, r.case_id, "逾期未補正", &reason),
                   ST_FORBIDDEN);
  assert_string_equal(reason, "case_err_correction_not_expired");
  env.now = at(2026, 3, 18, 10, 0);
  assert_int_equal(cases_reject(&env, &f->supervisor, r.case_id, "", &reason), ST_INVALID);
  assert_int_equal(cases_reject(&env, &f->handler, r.case_id, "逾期未補正", &reason),
                   ST_FORBIDDEN); /* supervisors only */
  assert_int_equal(cases_reject(&env, &f->supervisor, r.case_id, "逾期未補正", &reason), 0);
}

static void test_extension_and_delegation(void **state)
{
  struct fixture *f = *state;
  struct intake_result r;
  const char *reason, *field;
  intake(f, at(2026, 3, 2, 8, 30), service_with_limit(f, 480), f->handler.user_id, &r);
  struct case_env env = {f->store, at(2026, 3, 2, 10, 0)};
  assert_int_equal(cases_extend(&env, &f->handler, r.case_id, 480, "需會辦", &reason), 0);
  assert_int_equal(due_of(f, r.case_id), at(2026, 3, 3, 17, 30));
  /* handler2 may not act on handler's case, until named delegate for today */
  assert_int_equal(
      cases_transition(&env, &f->handler2, r.case_id, "processing", "", false, &reason),
      ST_FORBIDDEN);
  assert_int_equal(cases_delegate(&env, &f->supervisor, f->handler.user_id, f->handler2.user_id,
                                  "2026-03-02", "2026-03-03", "休假", &reason, &field),
                   0);
  assert_int_equal(
      cases_transition(&env, &f->handler2, r.case_id, "processing", "", false, &reason), 0);
  struct arena *arena = arena_new(1 << 20);
  struct case_staff c = get(f, &f->supervisor, arena, r.case_id);
  assert_true(c.event_count > 0);
  assert_string_equal(c.events[c.event_count - 1].on_behalf_of, "t-handler");
  arena_free(arena);
  env.now = at(2026, 3, 4, 10, 0); /* the delegation has ended */
  assert_int_equal(cases_transition(&env, &f->handler2, r.case_id, "closed", "", false, &reason),
                   ST_FORBIDDEN);
}

static void test_scan_marks_due_soon_and_overdue_once(void **state)
{
  struct fixture *f = *state;
  struct intake_result r;
  int64_t changed;
  intake(f, at(2026, 3, 2, 8, 30), service_with_limit(f, 480), f->handler.user_id, &r);
  struct case_env env = {f->store, at(2026, 3, 2, 14, 0)}; /* 3.5 h left */
  assert_int_equal(cases_scan(&env, &changed), 0);
  assert_int_equal(changed, 1);
  assert_int_equal(cases_scan(&env, &changed), 0);
  assert_int_equal(changed, 0); /* no second event */
  env.now = at(2026, 3, 3, 9, 0);
  assert_int_equal(cases_scan(&env, &changed), 0);
  assert_int_equal(changed, 1);
  struct arena *arena = arena_new(1 << 20);
  assert_string_equal(get(f, &f->supervisor, arena, r.case_id).c.due_state, "overdue");
  arena_free(arena);
}

/* The test service with the simple workflow (received -> closed in one step). */
static int64_t one_day_service(struct fixture *f)
{
  json_t *s;
  assert_int_equal(store_service_get(f->store, f->office_id, 0, "test-one-day", &s), 0);
  int64_t id = json_integer_value(json_object_get(s, "id"));
  json_decref(s);
  return id;
}

/* A case taken in at `taken` and closed at `closed`. */
static int64_t closed_case(struct fixture *f, time_t taken, time_t closed)
{
  struct intake_result r;
  const char *reason;
  intake(f, taken, one_day_service(f), f->handler.user_id, &r);
  struct case_env env = {f->store, closed};
  assert_int_equal(cases_transition(&env, &f->handler, r.case_id, "closed", "", false, &reason), 0);
  return r.case_id;
}

/* How many events of kind the case's timeline holds. */
static size_t events_of(struct fixture *f, int64_t id, const char *kind)
{
  json_t *events, *e;
  size_t i, n = 0;
  assert_int_equal(store_case_events(f->store, id, false, &events), 0);
  json_array_foreach(events, i, e) n +=
      !strcmp(json_string_value(json_object_get(e, "kind")), kind);
  json_decref(events);
  return n;
}

/* The pickup reminder goes out at the first scan after CASE_PICKUP_REMINDER_DAYS have passed
 * since closing (not at that very second), once, through the index of closed cases still
 * waiting (migration 13). A case closed an hour later is not due yet; one picked up and one
 * reminded before the migration (the timeline event without pickup_reminded_at) never are. */
static void test_scan_reminds_pickup_when_due_only(void **state)
{
  struct fixture *f = *state;
  const char *reason;
  int64_t changed = 0;
  time_t closed = at(2026, 3, 2, 10, 0), wait = CASE_PICKUP_REMINDER_DAYS * 86400;
  int64_t due = closed_case(f, at(2026, 3, 2, 9, 0), closed);
  int64_t later = closed_case(f, at(2026, 3, 2, 9, 0), closed + 3600);
  int64_t picked = closed_case(f, at(2026, 3, 2, 9, 0), closed);
  int64_t old = closed_case(f, at(2026, 3, 2, 9, 0), closed);
  struct case_env env = {f->store, closed};
  assert_int_equal(cases_pickup(&env, &f->clerk, picked, &reason), 0);
  json_t *event =
      json_pack("{s:I, s:I, s:s, s:s}", "case_id", (json_int_t)old, "at",
                (json_int_t)(closed + wait + 60), "actor", "scanner", "kind", "not_picked_up");
  assert_int_equal(store_case_event_add(f->store, event), 0);
  json_decref(event);
  env.now = closed + wait; /* exactly the waiting time: not yet */
  assert_int_equal(cases_scan(&env, &changed), 0);
  assert_int_equal(changed, 0);
  assert_int_equal(events_of(f, due, "not_picked_up"), 0);
  env.now = closed + wait + 1; /* due: the first case only */
  assert_int_equal(cases_scan(&env, &changed), 0);
  assert_int_equal(changed, 1);
  assert_int_equal(events_of(f, due, "not_picked_up"), 1);
  assert_int_equal(events_of(f, later, "not_picked_up"), 0);
  env.now = closed + wait + 3600; /* the second case's moment has not passed yet */
  assert_int_equal(cases_scan(&env, &changed), 0);
  assert_int_equal(changed, 0);
  env.now = closed + wait + 3601;
  assert_int_equal(cases_scan(&env, &changed), 0);
  assert_int_equal(changed, 1);
  env.now = closed + 2 * wait; /* never twice, and never for the other two */
  assert_int_equal(cases_scan(&env, &changed), 0);
  assert_int_equal(changed, 0);
  assert_int_equal(events_of(f, due, "not_picked_up"), 1);
  assert_int_equal(events_of(f, later, "not_picked_up"), 1);
  assert_int_equal(events_of(f, picked, "not_picked_up"), 0);
  assert_int_equal(events_of(f, old, "not_picked_up"), 1);
}

static int writer(void *ctx, struct store **out)
{
  struct fixture *f = ctx;
  *out = f->store;
  return ST_OK;
}

static void test_public_lookup_reveals_nothing_for_wrong_codes(void **state)
{
  struct fixture *f = *state;
  struct intake_result r;
  struct case_public v;
  struct arena *arena = arena_new(1 << 20);
  time_t now = time(NULL);
  intake(f, at(2026, 3, 2, 9, 0), service_with_limit(f, 480), f->handler.user_id, &r);
  assert_int_equal(case_public_by_number(f->store, arena, now, f->office_id, r.case_key,
                                         r.check_code, writer, f, &v),
                   0);
  assert_string_equal(v.applicant_name_masked, "陳○文");
  char other[7];
  memcpy(other, r.check_code, 7);
  other[0] = other[0] == '9' ? '0' : (char)(other[0] + 1);
  assert_int_equal(
      case_public_by_number(f->store, arena, now, f->office_id, r.case_key, other, writer, f, &v),
      ST_NOTFOUND);
  assert_int_equal(case_public_by_number(f->store, arena, now, f->office_id, "115-ZZ-000001",
                                         r.check_code, writer, f, &v),
                   ST_NOTFOUND);
  assert_int_equal(case_public_by_token(f->store, arena, now, r.token, &v), 0);
  assert_string_equal(v.applicant_name_masked, "陳○文");
  assert_int_equal(case_public_by_token(f->store, arena, now, "x", &v), ST_NOTFOUND);
  arena_free(arena);
}

/* The work list's per-scope statements (partial indexes of migration 11) answer exactly what the
 * plain query does, for every scope and filter, with open and closed cases, from any offset. */
static void ids_of(struct fixture *f, struct store_case_filter *filter, bool indexed, char *out,
                   size_t size)
{
  const char *open[STORE_OPEN_STATUSES_MAX];
  filter->open_count = indexed ? workflow_open_statuses(open, ARRAY_LEN(open)) : 0;
  filter->open_statuses = open;
  json_t *rows;
  assert_int_equal(store_case_list(f->store, filter, &rows), 0);
  size_t i, used = 0;
  json_t *r;
  out[0] = '\0';
  json_array_foreach(rows, i, r) used += (size_t)snprintf(
      out + used, size - used, "%lld,", (long long)json_integer_value(json_object_get(r, "id")));
  json_decref(rows);
}

static void test_worklist_by_open_statuses(void **state)
{
  struct fixture *f = *state;
  struct intake_result a, b, c;
  int64_t service = service_with_limit(f, 480);
  intake(f, at(2026, 3, 2, 9, 0), service, f->handler.user_id, &a);
  intake(f, at(2026, 3, 2, 9, 1), service, f->handler.user_id, &b);
  intake(f, at(2026, 3, 2, 9, 2), service, 0, &c);
  assert_int_equal(store_case_set_status(f->store, b.case_id, "closed", at(2026, 3, 3, 9, 0), true),
                   0);
  bool moved = false;
  assert_int_equal(store_case_set_due_state(f->store, c.case_id, "on_time", "overdue", &moved), 0);
  assert_true(moved);
  const char *scopes[] = {"mine", "unit", "office"};
  const char *filters[] = {"", "due_soon", "overdue", "correction", "closed"};
  for (size_t s = 0; s < ARRAY_LEN(scopes); s++)
    for (size_t i = 0; i < ARRAY_LEN(filters); i++) {
      struct store_case_filter filter = {
          f->office_id, scopes[s], f->handler.user_id, 0, "2026-03-02", filters[i], "", "", 50};
      char plain[256], indexed[256];
      for (filter.offset = 0; filter.offset < 3; filter.offset++) { /* and paged */
        ids_of(f, &filter, false, plain, sizeof(plain));
        ids_of(f, &filter, true, indexed, sizeof(indexed));
        assert_string_equal(plain, indexed);
      }
      int64_t total = -1;
      size_t listed = 0;
      filter.offset = 0;
      ids_of(f, &filter, false, plain, sizeof(plain));
      for (const char *p = plain; *p; p++)
        listed += *p == ',';
      assert_int_equal(store_case_count(f->store, &filter, &total), 0);
      assert_int_equal(total, (int64_t)listed);
    }
  struct store_case_filter all = {f->office_id, "office", 0, 0, "2026-03-02", "", "", "", 50};
  char ids[256], want[64];
  ids_of(f, &all, true, ids, sizeof(ids));
  snprintf(want, sizeof(want), "%lld,", (long long)b.case_id);
  assert_null(strstr(ids, want)); /* the closed case is not in the open list */
  assert_true(strlen(ids) > 0);
}

static void test_workflow_table(void **state)
{
  const struct workflow *land = workflow_find("land_registration");
  assert_non_null(land);
  assert_non_null(workflow_transition(land, "received", "first_review", ROLE_HANDLER));
  assert_null(workflow_transition(land, "received", "first_review", ROLE_CLERK));
  assert_null(workflow_transition(land, "received", "closed", ROLE_HANDLER | ROLE_SUPERVISOR));
  assert_non_null(workflow_transition(land, "recording", "withdrawn", ROLE_CLERK));
  assert_null(workflow_transition(land, "closed", "withdrawn", ROLE_SUPERVISOR));
  assert_null(workflow_transition(land, "correction", "rejected", ROLE_HANDLER));
  const char *open[STORE_OPEN_STATUSES_MAX];
  size_t n = workflow_open_statuses(open, ARRAY_LEN(open));
  bool received = false, correction = false, processing = false;
  for (size_t i = 0; i < n; i++) {
    assert_true(strcmp(open[i], "closed") && strcmp(open[i], "archived") &&
                strcmp(open[i], "withdrawn") && strcmp(open[i], "rejected"));
    received |= !strcmp(open[i], "received");
    correction |= !strcmp(open[i], "correction");
    processing |= !strcmp(open[i], "processing");
  }
  assert_true(received && correction && processing);
  assert_int_equal(workflow_open_statuses(open, 2), 0); /* does not fit: none */
}

/* The staff read's typed case is the store's row, column by column, with the applicant
 * unsealed, the whole timeline, what the reader may do and the notices; a reader without a
 * staff role is refused. */
static void test_staff_read_types_the_case(void **state)
{
  struct fixture *f = *state;
  struct intake_result r;
  const char *reason;
  time_t t0 = at(2026, 3, 2, 9, 0);
  intake(f, t0, service_with_limit(f, 480), f->handler.user_id, &r);
  struct case_env env = {f->store, at(2026, 3, 2, 10, 0)};
  assert_int_equal(
      cases_transition(&env, &f->handler, r.case_id, "processing", "收件完成", true, &reason), 0);
  struct arena *arena = arena_new(1 << 20);
  struct case_staff s;
  assert_non_null(arena);
  assert_int_equal(case_staff_read(&env, &f->handler, arena, r.case_id, &s), 0);
  json_t *row = NULL, *events = NULL, *outbox = NULL;
  assert_int_equal(store_case_get(f->store, f->office_id, r.case_id, &row), 0);
  const struct {
    int64_t typed;
    const char *key;
  } ints[] = {{s.c.id, "id"},
              {s.c.office_id, "office_id"},
              {s.c.service_id, "service_id"},
              {s.c.roc_year, "roc_year"},
              {s.c.serial, "serial"},
              {s.c.handler_id, "handler_id"},
              {s.c.received_at, "received_at"},
              {s.c.due_at, "due_at"},
              {s.c.time_limit_minutes, "time_limit_minutes"},
              {s.c.updated_at, "updated_at"},
              {s.c.workflow_version, "workflow_version"}};
  for (size_t i = 0; i < ARRAY_LEN(ints); i++)
    if (ints[i].typed != json_integer_value(json_object_get(row, ints[i].key)))
      fail_msg("%s: %lld", ints[i].key, (long long)ints[i].typed);
  const struct {
    const char *typed, *key;
  } texts[] = {{s.c.case_key, "case_key"},   {s.c.check_code, "check_code"},
               {s.c.status, "status"},       {s.c.channel, "channel"},
               {s.c.workflow, "workflow"},   {s.c.word_code, "word_code"},
               {s.c.due_state, "due_state"}, {s.c.applicant_name_masked, "applicant_name_masked"},
               {s.c.notify, "notify"},       {s.c.lang, "lang"},
               {s.c.documents, "documents"}};
  for (size_t i = 0; i < ARRAY_LEN(texts); i++)
    assert_string_equal(texts[i].typed, json_string_value(json_object_get(row, texts[i].key)));
  assert_int_equal(s.c.closed_at, 0); /* NULL columns read as 0 */
  assert_int_equal(s.c.picked_up_at, 0);
  assert_string_equal(s.c.status, "processing");
  assert_string_equal(s.applicant.name, "陳大文");
  assert_string_equal(s.applicant.id, "A123456789");
  assert_string_equal(s.applicant.phone, "0912345678");
  assert_string_equal(s.handler_name, "t-handler");
  assert_string_equal(s.clerk_name, "t-clerk");
  assert_true(s.may_act);
  assert_non_null(s.wf);
  assert_true(s.next_step_count > 0);
  assert_int_equal(store_case_events(f->store, r.case_id, false, &events), 0);
  assert_int_equal(s.event_count, json_array_size(events));
  const struct case_staff_event *last = &s.events[s.event_count - 1];
  assert_string_equal(last->kind, "status");
  assert_string_equal(last->to_status, "processing");
  assert_string_equal(last->note, "收件完成");
  assert_string_equal(last->actor, "t-handler");
  assert_true(last->public);
  assert_int_equal(store_outbox_for_case(f->store, r.case_id, &outbox), 0);
  assert_true(json_array_size(outbox) > 0); /* the SMS notices of intake and the move */
  assert_int_equal(s.messages.count, json_array_size(outbox));
  assert_false(s.online.upload_count);
  json_decref(row);
  json_decref(events);
  json_decref(outbox);
  struct case_actor analyst = f->clerk;
  analyst.roles = ROLE_ANALYST;
  assert_int_equal(case_staff_read(&env, &analyst, arena, r.case_id, &s), ST_FORBIDDEN);
  assert_int_equal(case_staff_read(&env, &f->handler, arena, r.case_id + 1000, &s), ST_NOTFOUND);
  arena_free(arena);
}

int main(void)
{
  if (demo_keys_and_calendar())
    return 1;
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_numbers_are_sequential_and_formatted),
      T(test_intake_refuses_bad_input_and_writes_nothing),
      T(test_round_robin_assignment),
      T(test_correction_stops_the_clock_and_needs_approval_twice),
      T(test_rejection_waits_for_the_correction_deadline),
      T(test_extension_and_delegation),
      T(test_scan_marks_due_soon_and_overdue_once),
      T(test_scan_reminds_pickup_when_due_only),
      T(test_public_lookup_reveals_nothing_for_wrong_codes),
      T(test_worklist_by_open_statuses),
      T(test_staff_read_types_the_case),
      cmocka_unit_test(test_workflow_table),
      cmocka_unit_test(test_number_texts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
