/*
 * workflow_data_test.c - workflows as data (issue 15): every shipped file loads and checks,
 * bad definitions are refused with every fault named, versions are immutable and a case
 * finishes on the version it started on while a new case takes the newest.
 */
#include <dirent.h>
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
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/cases.h"
#include "domain/catalog.h"
#include "domain/demo.h"
#include "domain/keys.h"
#include "domain/workflow.h"
#include "domain/workflow_admin.h"
#include "store/store.h"

#include "base/common.h"

struct fixture {
  char dir[64];
  struct store *store;
  struct case_actor clerk, handler;
  int64_t office_id;
};

static int64_t user(struct fixture *f, const char *username, unsigned roles)
{
  struct audit_actor cli = {f->office_id, 0, "test", "cli"};
  struct account_fields a = {f->office_id, 0, username, username, "", roles};
  const char *reason;
  int64_t id = 0;
  assert_int_equal(accounts_create(f->store, &cli, &a, "password-long-enough", &id, &reason), 0);
  return id;
}

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  if (!f || demo_store_open(f->dir, "wfdata", "niaosong", &f->store, &f->office_id))
    return -1;
  char err[512];
  json_t *service = json_pack("{s:s, s:s, s:i, s:b, s:s}", "slug", "wf-test", "name_zh", "流程測試",
                              "time_limit_minutes", 480, "published", 1, "workflow", "simple");
  int rc = catalog_service_save(f->store, f->office_id, service, NULL, NULL, err, sizeof(err));
  json_decref(service);
  if (rc)
    return -1;
  f->clerk = (struct case_actor){
      user(f, "w-clerk", ROLE_CLERK), f->office_id, 0, ROLE_CLERK, "w-clerk", "127.0.0.1"};
  f->handler = (struct case_actor){
      user(f, "w-handler", ROLE_HANDLER), f->office_id, 0, ROLE_HANDLER, "w-handler", "127.0.0.1"};
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

/* A copy of the shipped definition of code, to change. */
static json_t *shipped_copy(const char *code)
{
  const struct workflow *wf = workflow_find(code);
  assert_non_null(wf);
  return json_deep_copy(wf->definition);
}

static json_t *step_of(json_t *def, const char *code)
{
  size_t i;
  json_t *s;
  json_array_foreach(json_object_get(def, "steps"), i, s)
  {
    if (!strcmp(json_string_value(json_object_get(s, "code")), code))
      return s;
  }
  return NULL;
}

/* Whether problems name key with what. */
static bool names(const json_t *problems, const char *key, const char *what)
{
  size_t i;
  const json_t *p;
  json_array_foreach(problems, i, p)
  {
    if (!strcmp(json_string_value(json_object_get(p, "key")), key) &&
        strstr(json_string_value(json_object_get(p, "what")), what))
      return true;
  }
  return false;
}

static void test_every_shipped_file_loads(void **state)
{
  (void)state;
  size_t n = 0, files = 0;
  const struct workflow *const *all = workflow_shipped(&n);
  DIR *d = opendir(BIANMIN_SOURCE_DIR "/data/workflows");
  assert_non_null(d);
  for (struct dirent *e; (e = readdir(d));)
    files += strlen(e->d_name) > 5 && !strcmp(e->d_name + strlen(e->d_name) - 5, ".json");
  closedir(d);
  assert_int_equal(n, files); /* a file that did not check would be missing here */
  const char *codes[] = {"instant",   "land_registration", "land_survey",
                         "mediation", "rent_subsidy",      "simple"};
  assert_int_equal(n, ARRAY_LEN(codes));
  for (size_t i = 0; i < n; i++) {
    assert_string_equal(all[i]->code, codes[i]);
    assert_int_equal(all[i]->version, 1);
    for (size_t s = 0; s < all[i]->step_count; s++) {
      assert_true(*all[i]->steps[s].name_zh && *all[i]->steps[s].name_en);
      assert_true(*all[i]->steps[s].plain_zh && *all[i]->steps[s].plain_en);
    }
  }
  /* The catalogue's hyphenated codes find them; the steps keep their meaning. */
  const struct workflow *survey = workflow_find("land-survey");
  assert_non_null(survey);
  assert_true(workflow_step(survey, "scheduled")->appointment);
  const struct workflow *land = workflow_find("land_registration");
  assert_int_equal(workflow_step(land, "public_notice")->public_notice_days, 30);
  assert_true(workflow_step(land, "public_notice")->clock_stops);
  assert_non_null(workflow_transition(land, "received", "first_review", ROLE_HANDLER));
  assert_null(workflow_transition(land, "received", "first_review", ROLE_CLERK));
  const struct workflow *med = workflow_find("mediation");
  assert_true(workflow_step(med, "session_scheduled")->appointment);
  assert_non_null(workflow_transition(med, "session_scheduled", "not_settled", ROLE_HANDLER));
  assert_non_null(
      workflow_transition(workflow_find("rent_subsidy"), "review", "approved", ROLE_SUPERVISOR));
}

static void test_bad_definitions_are_refused_with_every_fault(void **state)
{
  (void)state;
  json_t *problems = NULL;
  json_t *def = shipped_copy("simple");
  assert_int_equal(workflow_check(def, &problems), ST_OK);
  json_decref(problems);
  /* A transition to a step that does not exist, one with a role nobody has, a step nothing
   * leads to. */
  json_array_append_new(
      json_object_get(def, "transitions"),
      json_pack("{s:s, s:s, s:[s]}", "from", "received", "to", "nowhere", "roles", "handler"));
  json_array_append_new(
      json_object_get(def, "transitions"),
      json_pack("{s:s, s:s, s:[s]}", "from", "received", "to", "processing", "roles", "janitor"));
  assert_int_equal(workflow_check(def, &problems), ST_INVALID);
  assert_true(names(problems, "workflow_err_unknown_step", "nowhere"));
  assert_true(names(problems, "workflow_err_roles", "received"));
  json_decref(problems);
  json_decref(def);

  def = shipped_copy("simple");
  json_array_append_new(json_object_get(def, "steps"),
                        json_pack("{s:s, s:s, s:{s:s, s:s}}", "code", "limbo", "kind", "open",
                                  "names", "zh-TW", "懸置", "en", "Limbo"));
  assert_int_equal(workflow_check(def, &problems), ST_INVALID);
  assert_true(names(problems, "workflow_err_unreachable", "limbo"));
  json_decref(problems);
  json_object_set_new(def, "initial", json_string("missing"));
  assert_int_equal(workflow_check(def, &problems), ST_INVALID);
  assert_true(names(problems, "workflow_err_initial", "missing"));
  json_decref(problems);
  json_decref(def);

  /* No final step: every final step made open. */
  def = shipped_copy("instant");
  size_t i;
  json_t *s;
  json_array_foreach(json_object_get(def, "steps"), i, s)
      json_object_set_new(s, "kind", json_string("open"));
  assert_int_equal(workflow_check(def, &problems), ST_INVALID);
  assert_true(names(problems, "workflow_err_no_final", ""));
  json_decref(problems);
  json_decref(def);
}

static int64_t intake(struct fixture *f, const char *slug)
{
  json_t *s;
  assert_int_equal(store_service_get(f->store, f->office_id, 0, slug, &s), 0);
  int64_t service = json_integer_value(json_object_get(s, "id"));
  json_decref(s);
  struct case_env env = {f->store, time(NULL)};
  struct intake_input in = {service, "陳大文", "A123456789", "0912345678", "",
                            "sms",   "online", "zh-TW",      NULL,         f->handler.user_id};
  struct intake_result r;
  const char *reason = NULL, *field = NULL;
  assert_int_equal(cases_intake(&env, &f->clerk, &in, &r, &reason, &field), 0);
  return r.case_id;
}

static int64_t version_of(struct fixture *f, int64_t id)
{
  json_t *c;
  assert_int_equal(store_case_get(f->store, f->office_id, id, &c), 0);
  int64_t v = json_integer_value(json_object_get(c, "workflow_version"));
  json_decref(c);
  return v;
}

static void test_versions_and_open_cases(void **state)
{
  struct fixture *f = *state;
  struct audit_actor admin = {f->office_id, 0, "w-admin", "127.0.0.1"};
  const struct workflow *wf = NULL;
  /* The demo installed the shipped definitions as version 1. */
  assert_int_equal(workflow_load(f->store, f->office_id, "simple", 0, &wf), 0);
  assert_int_equal(wf->version, 1);
  int64_t old_case = intake(f, "wf-test");
  assert_int_equal(version_of(f, old_case), 1);

  /* Version 2: "processing" renamed and a review step added between it and closing (the
   * direct received -> closed and processing -> closed moves removed). */
  json_t *def = shipped_copy("simple"), *problems = NULL;
  json_object_set_new(json_object_get(step_of(def, "processing"), "names"), "zh-TW",
                      json_string("審核中"));
  json_array_append_new(json_object_get(def, "steps"),
                        json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}}", "code", "checked",
                                  "kind", "open", "names", "zh-TW", "已查核", "en", "Checked",
                                  "plain", "zh-TW", "已查核完成。", "en", "Checked."));
  json_t *t = json_object_get(def, "transitions");
  for (size_t i = json_array_size(t); i > 0; i--)
    if (!strcmp(json_string_value(json_object_get(json_array_get(t, i - 1), "to")), "closed"))
      json_array_remove(t, i - 1);
  json_array_append_new(
      t, json_pack("{s:s, s:s, s:[s]}", "from", "processing", "to", "checked", "roles", "handler"));
  json_array_append_new(
      t, json_pack("{s:s, s:s, s:[s]}", "from", "checked", "to", "closed", "roles", "handler"));
  int64_t version = 0;
  assert_int_equal(
      workflow_admin_save(f->store, &admin, f->office_id, def, time(NULL), &version, &problems), 0);
  json_decref(problems);
  assert_int_equal(version, 2);
  assert_int_equal(workflow_load(f->store, f->office_id, "simple", 0, &wf), 0);
  assert_int_equal(wf->version, 2);
  assert_string_equal(workflow_step(wf, "processing")->name_zh, "審核中");
  assert_int_equal(workflow_load(f->store, f->office_id, "simple", 1, &wf), 0);
  assert_string_equal(workflow_step(wf, "processing")->name_zh, "辦理中"); /* unchanged */

  /* The open case finishes on version 1 (received -> closed is still allowed for it); a new
   * case takes version 2, where it is not. */
  struct case_env env = {f->store, time(NULL)};
  const char *reason = NULL;
  int64_t new_case = intake(f, "wf-test");
  assert_int_equal(version_of(f, new_case), 2);
  assert_int_equal(cases_transition(&env, &f->handler, new_case, "closed", "", false, &reason),
                   ST_FORBIDDEN);
  assert_int_equal(cases_transition(&env, &f->handler, old_case, "closed", "", false, &reason), 0);
  assert_int_equal(cases_transition(&env, &f->handler, new_case, "processing", "", false, &reason),
                   0);
  assert_int_equal(cases_transition(&env, &f->handler, new_case, "checked", "", false, &reason), 0);

  /* A bad save changes nothing. */
  json_object_set_new(def, "initial", json_string("nowhere"));
  assert_int_equal(
      workflow_admin_save(f->store, &admin, f->office_id, def, time(NULL), &version, &problems),
      ST_INVALID);
  assert_true(names(problems, "workflow_err_initial", "nowhere"));
  json_decref(problems);
  assert_int_equal(workflow_load(f->store, f->office_id, "simple", 0, &wf), 0);
  assert_int_equal(wf->version, 2);
  json_decref(def);
}

static void test_export_import_round_trip(void **state)
{
  struct fixture *f = *state;
  struct audit_actor admin = {f->office_id, 0, "w-admin", "127.0.0.1"};
  json_t *doc = NULL, *problems = NULL;
  size_t saved = 0;
  assert_int_equal(workflow_admin_export(f->store, &admin, f->office_id, &doc), 0);
  assert_int_equal(json_array_size(json_object_get(doc, "workflows")), 6);
  assert_int_equal(
      workflow_admin_import(f->store, &admin, f->office_id, doc, time(NULL), &saved, &problems), 0);
  json_decref(problems);
  assert_int_equal(saved, 6);
  const struct workflow *wf = NULL;
  assert_int_equal(workflow_load(f->store, f->office_id, "mediation", 0, &wf), 0);
  assert_int_equal(wf->version, 2);
  assert_true(
      json_equal((json_t *)wf->definition, (json_t *)workflow_find("mediation")->definition));
  /* One bad definition refuses the whole import. */
  json_object_set_new(json_array_get(json_object_get(doc, "workflows"), 5), "initial",
                      json_string("nowhere"));
  assert_int_equal(
      workflow_admin_import(f->store, &admin, f->office_id, doc, time(NULL), &saved, &problems),
      ST_INVALID);
  assert_true(names(problems, "workflow_err_initial", "simple: nowhere"));
  json_decref(problems);
  assert_int_equal(workflow_load(f->store, f->office_id, "mediation", 0, &wf), 0);
  assert_int_equal(wf->version, 2);
  json_decref(doc);
}

int main(void)
{
  if (demo_keys_and_calendar())
    return 1;
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_shipped_file_loads),
      cmocka_unit_test(test_bad_definitions_are_refused_with_every_fault),
      T(test_versions_and_open_cases),
      T(test_export_import_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
