/*
 * catalog_test.c - the catalogue's rules (domain/catalog.h): checked saves with revisions,
 * publishing, form files by real type, and the JSON export and all-or-nothing import; plus the
 * demo catalogues loading for all five offices.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/arena.h"
#include "base/civil.h"
#include "domain/catalog.h"
#include "domain/demo.h"
#include "domain/directory.h"
#include "store/directory.h"
#include "store/store.h"
#include "base/common.h"

#define DEMO_FILE BIANMIN_SOURCE_DIR "/data/demo/offices.json"
#define FORMS_DIR BIANMIN_SOURCE_DIR "/data/demo/catalog/forms"

static char temp_dir[256];
static int db_counter;

struct fixture {
  struct store *store;
  int64_t office_id, other_id;
};

static int64_t put_office(struct store *store, const char *slug)
{
  json_t *office =
      json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}]}", "slug", slug, "name_zh", "測試地政事務所",
                "kind", "land", "units", "code", "registration", "name_zh", "登記課");
  int64_t id = 0;
  assert_int_equal(store_office_put(store, office, &id), ST_OK);
  assert_int_equal(
      store_unit_put(store, id, json_array_get(json_object_get(office, "units"), 0), NULL), ST_OK);
  json_decref(office);
  return id;
}

static int setup(void **state)
{
  char path[512], err[256] = "";
  struct fixture *f = calloc(1, sizeof(*f));
  snprintf(path, sizeof(path), "%s/c%d.db", temp_dir, ++db_counter);
  if (store_open(path, &f->store, err, sizeof(err)) || store_migrate(f->store, NULL))
    fail_msg("cannot open a store: %s", err);
  f->office_id = put_office(f->store, "one");
  f->other_id = put_office(f->store, "two");
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  store_close(f->store);
  free(f);
  return 0;
}

static json_t *service(const char *slug, int minutes)
{
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:[s, s], s:[s], s:b}", "slug", slug, "unit",
                   "registration", "topic", "registration", "name_zh", "買賣移轉登記", "name_en",
                   "Transfer by sale", "time_limit_minutes", minutes, "documents_zh",
                   "土地登記申請書", "買賣契約書", "steps_zh", "收件", "published", 1);
}

static size_t revision_count(struct store *store, const char *entity, int64_t id)
{
  json_t *list = NULL;
  assert_int_equal(store_revision_list(store, entity, id, &list), ST_OK);
  size_t n = json_array_size(list);
  json_decref(list);
  return n;
}

static void test_save_writes_revisions_once(void **state)
{
  struct fixture *f = *state;
  struct catalog_actor actor = {7, "王小明"};
  char err[256];
  int64_t id = 0, again = 0;
  json_t *s = service("sale", 1440);
  assert_int_equal(catalog_service_save(f->store, f->office_id, s, &actor, &id, err, sizeof(err)),
                   ST_OK);
  assert_int_equal(revision_count(f->store, "service", id), 1);
  assert_int_equal(catalog_service_save(f->store, f->office_id, s, NULL, &again, err, sizeof(err)),
                   ST_OK);
  assert_int_equal(again, id);
  assert_int_equal(revision_count(f->store, "service", id), 1); /* unchanged: no revision */
  json_object_set_new(s, "time_limit_minutes", json_integer(480));
  assert_int_equal(catalog_service_save(f->store, f->office_id, s, NULL, &again, err, sizeof(err)),
                   ST_OK);
  json_t *list = NULL;
  assert_int_equal(store_revision_list(f->store, "service", id, &list), ST_OK);
  assert_int_equal(json_array_size(list), 2);
  json_t *last = json_array_get(list, 0), *first = json_array_get(list, 1);
  assert_string_equal(json_string_value(json_object_get(last, "action")), "update");
  assert_true(json_is_null(json_object_get(last, "actor_id")));
  assert_string_equal(json_string_value(json_object_get(first, "action")), "create");
  assert_int_equal(json_integer_value(json_object_get(first, "actor_id")), 7);
  assert_string_equal(json_string_value(json_object_get(first, "actor")), "王小明");
  assert_int_equal(
      json_integer_value(json_object_get(json_object_get(last, "snapshot"), "time_limit_minutes")),
      480);
  json_decref(list);
  json_decref(s);
}

static void expect_refused(struct fixture *f, json_t *s, const char *message)
{
  char err[256] = "";
  json_t *before = NULL, *after = NULL;
  assert_int_equal(store_service_list(f->store, f->office_id, false, &before), ST_OK);
  assert_int_equal(catalog_service_save(f->store, f->office_id, s, NULL, NULL, err, sizeof(err)),
                   ST_INVALID);
  if (!strstr(err, message))
    fail_msg("expected \"%s\" in \"%s\"", message, err);
  assert_int_equal(store_service_list(f->store, f->office_id, false, &after), ST_OK);
  assert_true(json_equal(before, after));
  json_decref(before);
  json_decref(after);
  json_decref(s);
}

static void test_save_refuses_bad_records(void **state)
{
  struct fixture *f = *state;
  expect_refused(f, service("late", 43201),
                 "service.time_limit_minutes: must be a whole number of minutes from 0 to 43200");
  json_t *s = service("x", 60);
  json_object_set_new(s, "colour", json_string("red"));
  expect_refused(f, s, "service.colour: unknown field");
  s = service("x", 60);
  json_object_set_new(s, "unit", json_string("no-such-unit"));
  expect_refused(f, s, "service.unit: not a unit of this office");
  s = service("x", 60);
  json_object_set_new(s, "topic", json_string("cooking"));
  expect_refused(f, s, "service.topic");
  s = service("x", 60);
  json_object_del(s, "name_zh");
  expect_refused(f, s, "name_zh is required");
  s = service("x", 60);
  json_object_set_new(s, "steps_zh", json_string("not a list"));
  expect_refused(f, s, "steps_zh");
  s = service("Bad Slug", 60);
  expect_refused(f, s, "slug");
  s = service("x", 60);
  json_object_set_new(
      s, "questions",
      json_pack("[{s:s, s:s, s:s}]", "code", "a", "datatype", "photo", "label_zh", "照片"));
  expect_refused(f, s, "service: questions[0]: datatype must be");
  s = service("x", 60);
  json_object_set_new(s, "questions", json_string("[]"));
  expect_refused(f, s, "questions");
}

/* A service's application form is kept as given and comes back as a list. */
static void test_questions_round_trip(void **state)
{
  struct fixture *f = *state;
  char err[256] = "";
  int64_t id;
  json_t *s = service("online", 60);
  json_t *questions = json_pack("[{s:s, s:s, s:b, s:s}]", "code", "copies", "datatype", "number",
                                "required", 1, "label_zh", "份數");
  json_object_set(s, "questions", questions);
  assert_int_equal(catalog_service_save(f->store, f->office_id, s, NULL, &id, err, sizeof(err)),
                   ST_OK);
  json_t *got = NULL;
  assert_int_equal(store_service_get(f->store, f->office_id, id, NULL, &got), ST_OK);
  assert_true(json_equal(json_object_get(got, "questions"), questions));
  json_decref(got);
  assert_int_equal(store_service_get(f->store, f->office_id, 0, "online", &got), ST_OK);
  json_decref(got);
  json_decref(questions);
  json_decref(s);
}

static void test_announcement_dates(void **state)
{
  struct fixture *f = *state;
  char err[256];
  json_t *a = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "slug", "notice", "kind",
                        "lost_deed_notice", "title_zh", "書狀補給公告", "starts_on", "2026-03-01",
                        "ends_on", "2026-02-01", "published", 1);
  assert_int_equal(
      catalog_announcement_save(f->store, f->office_id, a, NULL, NULL, err, sizeof(err)),
      ST_INVALID);
  assert_non_null(strstr(err, "announcement.ends_on: must not be before starts_on"));
  json_object_set_new(a, "ends_on", json_string("2026-02-30"));
  assert_int_equal(
      catalog_announcement_save(f->store, f->office_id, a, NULL, NULL, err, sizeof(err)),
      ST_INVALID);
  json_object_set_new(a, "ends_on", json_string("2026-03-30"));
  json_object_set_new(a, "kind", json_string("party"));
  assert_int_equal(
      catalog_announcement_save(f->store, f->office_id, a, NULL, NULL, err, sizeof(err)),
      ST_INVALID);
  json_object_set_new(a, "kind", json_string("lost_deed_notice"));
  int64_t id = 0;
  assert_int_equal(
      catalog_announcement_save(f->store, f->office_id, a, NULL, &id, err, sizeof(err)), ST_OK);
  json_t *current = NULL;
  assert_int_equal(store_announcement_list(f->store, f->office_id, STORE_ANNOUNCEMENTS_CURRENT,
                                           "2026-03-15", &current),
                   ST_OK);
  assert_int_equal(json_array_size(current), 1);
  json_decref(current);
  assert_int_equal(store_announcement_list(f->store, f->office_id, STORE_ANNOUNCEMENTS_ARCHIVE,
                                           "2026-03-31", &current),
                   ST_OK);
  assert_int_equal(json_array_size(current), 1);
  json_decref(current);
  json_decref(a);
}

static void test_publish_and_unpublish(void **state)
{
  struct fixture *f = *state;
  char err[256];
  int64_t id = 0;
  json_t *faq = json_pack("{s:s, s:s, s:s, s:b}", "slug", "q1", "question_zh", "權狀遺失怎麼辦？",
                          "answer_zh", "申請書狀補給。", "published", 0);
  assert_int_equal(catalog_faq_save(f->store, f->office_id, faq, NULL, &id, err, sizeof(err)),
                   ST_OK);
  assert_int_equal(store_faq_vote(f->store, f->office_id, id, true), ST_NOTFOUND);
  assert_int_equal(catalog_faq_publish(f->store, f->office_id, id, true, NULL, err, sizeof(err)),
                   ST_OK);
  assert_int_equal(catalog_faq_publish(f->store, f->office_id, id, true, NULL, err, sizeof(err)),
                   ST_OK); /* no change, no revision */
  assert_int_equal(store_faq_vote(f->store, f->office_id, id, true), ST_OK);
  assert_int_equal(catalog_faq_publish(f->store, f->office_id, id, false, NULL, err, sizeof(err)),
                   ST_OK);
  assert_int_equal(revision_count(f->store, "faq", id), 3); /* create, publish, unpublish */
  assert_int_equal(catalog_faq_publish(f->store, f->other_id, id, true, NULL, err, sizeof(err)),
                   ST_NOTFOUND); /* another office's entry */
  json_decref(faq);
}

/* The directory version (what other nodes read) and this process's count of its own changes. */
static void directory_state(struct store *store, int64_t *version, uint64_t *generation)
{
  assert_int_equal(store_directory_version(store, version), ST_OK);
  *generation = store_directory_generation();
}

/* Migration 18: what the search and the FAQ page keep in memory moves the directory version
 * when it changes (saved, published, unpublished), not when a question is voted on or read. */
static void test_faq_and_news_edits_move_the_directory_version(void **state)
{
  struct fixture *f = *state;
  char err[256];
  int64_t id = 0, news_id = 0, version[2];
  uint64_t generation[2];
  json_t *faq = json_pack("{s:s, s:s, s:s, s:b}", "slug", "q1", "question_zh", "權狀遺失怎麼辦？",
                          "answer_zh", "申請書狀補給。", "published", 1);
  json_t *news =
      json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "slug", "n1", "kind", "general", "title_zh",
                "停電", "starts_on", "2026-03-01", "ends_on", "2026-03-02", "published", 0);
  directory_state(f->store, &version[0], &generation[0]);
  assert_int_equal(catalog_faq_save(f->store, f->office_id, faq, NULL, &id, err, sizeof(err)),
                   ST_OK);
  directory_state(f->store, &version[1], &generation[1]);
  assert_true(version[1] > version[0] && generation[1] > generation[0]);
  assert_int_equal(store_faq_vote(f->store, f->office_id, id, true), ST_OK);
  assert_int_equal(store_faq_viewed(f->store, f->office_id, id), ST_OK);
  directory_state(f->store, &version[0], &generation[0]);
  assert_true(version[0] == version[1] && generation[0] == generation[1]);
  assert_int_equal(catalog_faq_publish(f->store, f->office_id, id, false, NULL, err, sizeof(err)),
                   ST_OK);
  directory_state(f->store, &version[1], &generation[1]);
  assert_true(version[1] > version[0] && generation[1] > generation[0]);
  assert_int_equal(
      catalog_announcement_save(f->store, f->office_id, news, NULL, &news_id, err, sizeof(err)),
      ST_OK);
  directory_state(f->store, &version[0], &generation[0]);
  assert_true(version[0] > version[1] && generation[0] > generation[1]);
  assert_int_equal(
      catalog_announcement_publish(f->store, f->office_id, news_id, true, NULL, err, sizeof(err)),
      ST_OK);
  directory_state(f->store, &version[1], &generation[1]);
  assert_true(version[1] > version[0] && generation[1] > generation[0]);
  json_decref(faq);
  json_decref(news);
}

static char *read_base64(const char *path)
{
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "base64 -w0 '%s'", path);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  char *text = calloc(1, 64 * 1024);
  size_t n = fread(text, 1, 64 * 1024 - 1, p);
  text[n] = '\0';
  pclose(p);
  return text;
}

static json_t *import_doc(const char *odt_base64, int minutes)
{
  return json_pack("{s:s, s:i, s:[{s:s, s:s, s:s, s:i, s:b, s:[{s:s, s:s, s:s, s:s, s:s}]}], "
                   "s:[{s:s, s:s, s:s, s:b}]}",
                   "format", "bianmin-catalog", "version", 1, "services", "slug", "sale", "unit",
                   "registration", "name_zh", "買賣移轉登記", "time_limit_minutes", minutes,
                   "published", 1, "forms", "kind", "form", "format", "odt", "title_zh",
                   "土地登記申請書", "name", "申請書.odt", "content_base64", odt_base64, "faq",
                   "slug", "q1", "question_zh", "買賣要多久？", "answer_zh", "3個工作天。",
                   "published", 1);
}

static void test_export_import_round_trip(void **state)
{
  struct fixture *f = *state;
  char err[512] = "";
  char *odt = read_base64(FORMS_DIR "/land-registration-application.odt");
  json_t *doc = import_doc(odt, 1440);
  assert_int_equal(catalog_import(f->store, f->office_id, doc, NULL, err, sizeof(err)), ST_OK);
  json_t *exported = NULL, *copy = NULL;
  assert_int_equal(catalog_export(f->store, f->office_id, &exported), ST_OK);
  struct catalog_actor admin = {9, "林管理"};
  if (catalog_import(f->store, f->other_id, exported, &admin, err, sizeof(err)))
    fail_msg("import of the export: %s", err);
  assert_int_equal(catalog_export(f->store, f->other_id, &copy), ST_OK);
  assert_true(json_equal(exported, copy));
  json_t *forms = json_object_get(json_array_get(json_object_get(copy, "services"), 0), "forms");
  assert_int_equal(json_array_size(forms), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(forms, 0), "name")),
                      "申請書.odt");
  /* Importing the same again changes nothing. */
  json_t *service = NULL;
  assert_int_equal(store_service_get(f->store, f->other_id, 0, "sale", &service), ST_OK);
  int64_t id = json_integer_value(json_object_get(service, "id"));
  size_t revisions = revision_count(f->store, "service", id);
  json_t *list = NULL; /* the import's revision names the admin who imported */
  assert_int_equal(store_revision_list(f->store, "service", id, &list), ST_OK);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "actor_id")), 9);
  assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "actor")),
                      "林管理");
  json_decref(list);
  assert_int_equal(catalog_import(f->store, f->other_id, exported, NULL, err, sizeof(err)), ST_OK);
  assert_int_equal(revision_count(f->store, "service", id), revisions);
  json_decref(service);
  json_decref(exported);
  json_decref(copy);
  json_decref(doc);
  free(odt);
}

static void expect_import_refused(struct fixture *f, json_t *doc, const char *message)
{
  char err[512] = "";
  json_t *before = NULL, *after = NULL;
  assert_int_equal(catalog_export(f->store, f->office_id, &before), ST_OK);
  assert_int_not_equal(catalog_import(f->store, f->office_id, doc, NULL, err, sizeof(err)), ST_OK);
  if (!strstr(err, message))
    fail_msg("expected \"%s\" in \"%s\"", message, err);
  assert_int_equal(catalog_export(f->store, f->office_id, &after), ST_OK);
  assert_true(json_equal(before, after));
  json_decref(before);
  json_decref(after);
  json_decref(doc);
}

static void test_bad_import_changes_nothing(void **state)
{
  struct fixture *f = *state;
  char *odt = read_base64(FORMS_DIR "/land-registration-application.odt");
  char *pdf = read_base64(FORMS_DIR "/land-registration-application-example.pdf");
  json_t *doc = import_doc(odt, 1440);
  json_array_append_new(
      json_object_get(doc, "services"),
      json_pack("{s:s, s:s, s:i}", "slug", "b", "name_zh", "乙", "time_limit_minutes", -1));
  expect_import_refused(f, doc,
                        "services[1].time_limit_minutes: must be a whole number of minutes from 0 "
                        "to 43200");
  /* A PDF named as an ODT is refused by its real type. */
  expect_import_refused(f, import_doc(pdf, 60), "services[0].forms[0]: the file is not");
  expect_import_refused(f, import_doc("@@@", 60), "services[0].forms[0].content_base64");
  doc = import_doc(odt, 60);
  json_object_set_new(doc, "extra", json_true());
  expect_import_refused(f, doc, "extra: unknown field");
  doc = import_doc(odt, 60);
  json_object_set_new(doc, "version", json_integer(2));
  expect_import_refused(f, doc, "version: must be 1");
  doc = import_doc(odt, 60);
  json_object_set_new(json_array_get(json_object_get(doc, "faq"), 0), "views", json_integer(9));
  expect_import_refused(f, doc, "faq[0].views: unknown field");
  /* A form file by path is only for the CLI and demo (catalog_import_dir). */
  doc = import_doc(odt, 60);
  json_t *form = json_array_get(
      json_object_get(json_array_get(json_object_get(doc, "services"), 0), "forms"), 0);
  json_object_del(form, "content_base64");
  json_object_set_new(form, "file", json_string("/etc/passwd"));
  expect_import_refused(f, doc, "file: only content_base64 is accepted here");
  free(odt);
  free(pdf);
}

static void test_form_sniffing(void **state)
{
  assert_null(catalog_form_mime("%PDF-1.4", 8, "odt"));
  assert_string_equal(catalog_form_mime("%PDF-1.4", 8, "pdf"), "application/pdf");
  assert_null(catalog_form_mime("PK\3\4 not really", 15, "odt"));
  assert_null(catalog_form_mime("<html>", 6, "pdf"));
  assert_null(catalog_form_mime("%PDF-", 5, "doc"));
}

static void test_demo_catalogues_load(void **state)
{
  struct fixture *f = *state;
  char err[1024] = "";
  if (demo_load(f->store, DEMO_FILE, err, sizeof(err)))
    fail_msg("demo_load: %s", err);
  static const struct {
    const char *slug;
    size_t min_services, min_faq;
  } offices[] = {{"xinxing", 12, 10},
                 {"hsinchu", 12, 10},
                 {"anle", 12, 10},
                 {"kh-udd", 3, 3},
                 {"niaosong", 4, 3}};
  for (size_t i = 0; i < ARRAY_LEN(offices); i++) {
    json_t *office = NULL, *services = NULL, *faq = NULL;
    assert_int_equal(store_office_get(f->store, offices[i].slug, &office), ST_OK);
    int64_t id = json_integer_value(json_object_get(office, "id"));
    assert_int_equal(store_service_list(f->store, id, true, &services), ST_OK);
    assert_int_equal(store_faq_list(f->store, id, true, &faq), ST_OK);
    assert_true(json_array_size(services) >= offices[i].min_services);
    assert_true(json_array_size(faq) >= offices[i].min_faq);
    json_decref(office);
    json_decref(services);
    json_decref(faq);
  }
  /* Xinxing has a current lost-deed notice and an ended one. */
  json_t *office = NULL, *current = NULL, *archive = NULL;
  char today[11];
  civil_taipei_iso(time(NULL), today);
  assert_int_equal(store_office_get(f->store, "xinxing", &office), ST_OK);
  int64_t id = json_integer_value(json_object_get(office, "id"));
  assert_int_equal(
      store_announcement_list(f->store, id, STORE_ANNOUNCEMENTS_CURRENT, today, &current), ST_OK);
  assert_int_equal(
      store_announcement_list(f->store, id, STORE_ANNOUNCEMENTS_ARCHIVE, today, &archive), ST_OK);
  char *text = json_dumps(current, 0);
  assert_non_null(strstr(text, "lost_deed_notice"));
  free(text);
  assert_int_equal(json_array_size(archive), 1);
  json_decref(office);
  json_decref(current);
  json_decref(archive);
  /* Loading again changes nothing. */
  json_t *before = NULL, *after = NULL;
  assert_int_equal(catalog_export(f->store, id, &before), ST_OK);
  assert_int_equal(demo_load(f->store, DEMO_FILE, err, sizeof(err)), ST_OK);
  assert_int_equal(catalog_export(f->store, id, &after), ST_OK);
  assert_true(json_equal(before, after));
  json_decref(before);
  json_decref(after);
}

/* A typed list holds the record's list, line for line. */
static void assert_lines(const struct dir_lines *lines, const json_t *record, const char *key)
{
  const json_t *list = json_object_get(record, key);
  assert_int_equal(lines->count, json_array_size(list));
  for (size_t i = 0; i < lines->count; i++)
    assert_string_equal(lines->items[i], json_string_value(json_array_get(list, i)));
}

static void assert_text(const char *typed, const json_t *record, const char *key)
{
  const char *stored = json_string_value(json_object_get(record, key));
  assert_string_equal(typed, stored ? stored : "");
}

/* One service's typed record against the store's JSON record of it. */
static void assert_service_typed(const struct dir_service *s, const json_t *r)
{
  static const char *const texts[] = {
      "topic",    "summary_zh", "summary_en", "eligibility_zh", "eligibility_en",
      "where_zh", "where_en",   "floor_zh",   "floor_en",       "counter",
      "hours_zh", "hours_en",   "online_url", "updated_at",     "unit"};
  const char *typed[] = {s->info.topic,          s->info.summary_zh,     s->info.summary_en,
                         s->info.eligibility_zh, s->info.eligibility_en, s->info.where_zh,
                         s->info.where_en,       s->info.floor_zh,       s->info.floor_en,
                         s->info.counter,        s->info.hours_zh,       s->info.hours_en,
                         s->info.online_url,     s->info.updated_at,     s->info.unit_code};
  for (size_t i = 0; i < ARRAY_LEN(texts); i++)
    assert_text(typed[i], r, texts[i]);
  assert_lines(&s->info.steps_zh, r, "steps_zh");
  assert_lines(&s->info.steps_en, r, "steps_en");
  assert_lines(&s->info.documents_zh, r, "documents_zh");
  assert_lines(&s->info.documents_en, r, "documents_en");
  assert_int_equal(s->info.channel_counter, json_is_true(json_object_get(r, "channel_counter")));
  assert_int_equal(s->info.channel_online, json_is_true(json_object_get(r, "channel_online")));
  assert_int_equal(s->info.channel_mail, json_is_true(json_object_get(r, "channel_mail")));
  assert_int_equal(s->info.has_fee_schedule,
                   json_array_size(json_object_get(r, "fee_schedule")) > 0);
}

/* The directory types every service's catalogue record once (the pages read its fields, not
 * JSON keys): every demo service, published or not, field for field; and a list left empty in
 * English is shown in Chinese. */
static void test_directory_types_service_records(void **state)
{
  struct fixture *f = *state;
  char err[1024] = "";
  if (demo_load(f->store, DEMO_FILE, err, sizeof(err)))
    fail_msg("demo_load: %s", err);
  json_t *only_zh = service("only-chinese", 60);
  int64_t only_zh_id = 0;
  assert_int_equal(
      catalog_service_save(f->store, f->office_id, only_zh, NULL, &only_zh_id, err, sizeof(err)),
      ST_OK);
  json_decref(only_zh);
  directory_forget(); /* the snapshot of an earlier test's database */
  struct arena *arena = arena_new(1 << 20);
  const struct directory *dir = NULL;
  assert_int_equal(directory_acquire(f->store, arena, &dir), ST_OK);
  size_t office_count = 0, checked = 0;
  const struct dir_office *offices = directory_offices(dir, &office_count);
  for (size_t o = 0; o < office_count; o++) {
    json_t *records = NULL;
    size_t count = 0;
    const struct dir_service *services = directory_services(dir, offices[o].id, &count);
    assert_int_equal(store_service_list(f->store, offices[o].id, false, &records), ST_OK);
    assert_int_equal(count, json_array_size(records));
    for (size_t i = 0; i < count; i++, checked++) {
      const json_t *r = json_array_get(records, i);
      assert_int_equal(services[i].id, json_integer_value(json_object_get(r, "id")));
      assert_service_typed(&services[i], r);
    }
    json_decref(records);
  }
  assert_true(checked >= 40);
  const struct dir_service *s = directory_service(dir, only_zh_id);
  assert_non_null(s);
  assert_int_equal(s->info.steps_en.count, 0);
  assert_ptr_equal(directory_pick_lines(&s->info.steps_zh, &s->info.steps_en, "en"),
                   &s->info.steps_zh);
  assert_int_equal(directory_pick_lines(&s->info.documents_zh, &s->info.documents_en, "en")->count,
                   2);
  assert_string_equal(s->info.documents_zh.items[1], "買賣契約書");
  arena_free(arena);
}

int main(void)
{
  snprintf(temp_dir, sizeof(temp_dir), "/tmp/bianmin-catalog-XXXXXX");
  if (!mkdtemp(temp_dir))
    return 1;
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_save_writes_revisions_once),
      T(test_save_refuses_bad_records),
      T(test_questions_round_trip),
      T(test_announcement_dates),
      T(test_publish_and_unpublish),
      T(test_faq_and_news_edits_move_the_directory_version),
      T(test_faq_and_news_edits_move_the_directory_version),
      T(test_export_import_round_trip),
      T(test_bad_import_changes_nothing),
      T(test_form_sniffing),
      T(test_demo_catalogues_load),
      T(test_directory_types_service_records),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", temp_dir);
  if (system(cmd) != 0)
    return 1;
  return failed;
}
