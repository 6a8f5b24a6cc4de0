/*
 * booking_pages_test.c - pins the JSON answers of the citizens' booking pages (issue 14's shape:
 * built as arena views from the typed reads booking_offer_read, booking_by_token_read and
 * booking_check_in) against a real server on the fake clock with the demo's booking settings
 * (xinxing): the choices, a visit's days, a chosen day's times and contact form, a refusal at
 * its field, the booking's private page with and without a day chosen, and the kiosk's
 * check-in, refused and done. Members and values are those the jansson pages answered.
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

/* 2026-03-10 08:00 in Taipei, a Tuesday: the whole day's slots are still ahead. */
#define START ((time_t)1773100800)
#define DAY   86400LL

static struct server server;
static struct client citizen;

static int setup(void **state)
{
  (void)state;
  const char *env[] = {"BIANMIN_RATE_LOOKUP=100000", "BIANMIN_RATE_PUBLIC=100000", NULL};
  if (harness_clock_start(START) || server_start(&server, env))
    return -1;
  return client_init(&citizen, &server);
}

static int teardown(void **state)
{
  (void)state;
  client_free(&citizen);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* Every member of view named in keys (dotted paths) is present. */
static void expect_members(json_t *view, const char *const *keys, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!json_at(view, keys[i]))
      fail_msg("the view has no \"%s\": %.2000s", keys[i], json_dumps(view, JSON_COMPACT));
}

#define EXPECT_MEMBERS(view, keys) expect_members(view, keys, sizeof(keys) / sizeof(keys[0]))

/* POSTs form (with the citizen's CSRF token, read from get_path first) asking for JSON: the
 * status, the answer (new reference, NULL for a redirect) and the Location (malloc'd). */
static long post_json(const char *get_path, const char *path, const char *form, json_t **view,
                      char **location)
{
  struct response r;
  char body[1024];
  const char *const accept[] = {"Accept: application/json", NULL};
  assert_int_equal(client_get(&citizen, get_path, &r), 0);
  response_free(&r);
  snprintf(body, sizeof(body), "%s&csrf=%s", form, citizen.csrf);
  assert_int_equal(client_call(&citizen, "POST", path, accept, body, strlen(body), &r), 0);
  long status = r.status;
  *view = r.body && status != 303 ? json_loads(r.body, 0, NULL) : NULL;
  if (location)
    *location = response_header(&r, "Location");
  response_free(&r);
  return status;
}

static void test_booking_pages_keep_their_answers(void **state)
{
  (void)state;
  static const char *const choice_keys[] = {"title",
                                            "office.slug",
                                            "office.name",
                                            "office.web",
                                            "choices.services.0.name",
                                            "choices.services.0.href",
                                            "choices.has_services",
                                            "choices.consult.title",
                                            "choices.consult.when",
                                            "choices.consult.href",
                                            "choices.pickup",
                                            "choices.nothing",
                                            "choices.action"};
  json_t *v = expect_view(&server, NULL, "/o/xinxing/book", 200);
  EXPECT_MEMBERS(v, choice_keys);
  expect_text_at(v, "choices.action", "/o/xinxing/book");
  expect_text_at(v, "choices.consult.href", "/o/xinxing/book?kind=consult");
  assert_null(json_at(v, "days"));
  char visit[128];
  snprintf(visit, sizeof(visit), "%s", json_text_at(v, "choices.services.0.href"));
  json_decref(v);
  /* a visit: its days, no times or form yet */
  static const char *const day_keys[] = {"what",        "days.0.day",  "days.0.label",
                                         "days.0.free", "days.0.href", "days.0.chosen",
                                         "has_days",    "times",       "form"};
  v = expect_view(&server, NULL, visit, 200);
  EXPECT_MEMBERS(v, day_keys);
  assert_true(json_is_null(json_at(v, "times")) && json_is_null(json_at(v, "form")));
  long long today = (long long)(START + 8 * 3600) / DAY;
  assert_int_equal(json_integer_value(json_at(v, "days.0.day")), today);
  assert_true(json_is_false(json_at(v, "days.0.chosen")));
  char chosen[192];
  snprintf(chosen, sizeof(chosen), "%s", json_text_at(v, "days.0.href"));
  json_decref(v);
  /* a chosen day: its times (on the day too) and the contact form */
  static const char *const time_keys[] = {"days.0.slots.0.start", "days.0.slots.0.label",
                                          "days.0.slots.0.free",  "days.0.slots.0.full",
                                          "days.0.slots.0.id",    "times.0.start",
                                          "times.0.label",        "times.0.free",
                                          "times.0.full",         "times.0.id",
                                          "form.action",          "form.kind",
                                          "form.service",         "form.number",
                                          "form.check",           "form.day",
                                          "form.day_label",       "form.back"};
  v = expect_view(&server, NULL, chosen, 200);
  EXPECT_MEMBERS(v, day_keys);
  EXPECT_MEMBERS(v, time_keys);
  assert_true(json_is_true(json_at(v, "days.0.chosen")));
  expect_text_at(v, "form.kind", "visit");
  assert_int_equal(json_integer_value(json_at(v, "form.day")), today);
  long long service = json_integer_value(json_at(v, "form.service"));
  char back[96]; /* back to the visit's days: no stray separator at the end */
  snprintf(back, sizeof(back), "/o/xinxing/book?kind=visit&service=%lld", service);
  expect_text_at(v, "form.back", back);
  int slot = (int)json_integer_value(json_at(v, "times.0.start"));
  char id[32];
  snprintf(id, sizeof(id), "slot-%d", slot);
  expect_text_at(v, "times.0.id", id);
  json_decref(v);
  /* a refusal: the same step with the message at its field */
  char form[512], *location = NULL;
  snprintf(form, sizeof(form), "kind=visit&service=%lld&day=%lld&slot=%d&name=Lee", service, today,
           slot);
  assert_int_equal(post_json(chosen, "/o/xinxing/book", form, &v, NULL), 400);
  EXPECT_MEMBERS(v, time_keys);
  expect_text_at(v, "errors.0.field", "phone");
  assert_non_null(json_text_at(v, "field_errors.phone"));
  assert_true(json_is_true(json_at(v, "has_errors")));
  json_decref(v);
  /* no time, no name and a bad phone: every refusal at once, each at its field and describing
   * it, with what was typed kept */
  struct response page;
  assert_int_equal(client_get(&citizen, chosen, &page), 0);
  response_free(&page);
  snprintf(form, sizeof(form), "kind=visit&service=%lld&day=%lld&name=&phone=0912x", service,
           today);
  assert_int_equal(client_post(&citizen, "/o/xinxing/book", form, &page), 0);
  assert_int_equal(page.status, 400);
  expect_contains(page.body, "<a href=\"#slot\">");
  expect_contains(page.body, "<a href=\"#name\">");
  expect_contains(page.body, "<a href=\"#phone\">");
  expect_contains(page.body, "aria-describedby=\"slot-hint slot-error\"");
  expect_contains(page.body, "govuk-input--error\" id=\"name\"");
  expect_contains(page.body, "aria-describedby=\"name-error\"");
  expect_contains(page.body, "value=\"0912x\" aria-describedby=\"contact-hint phone-error\"");
  response_free(&page);
  /* a time chosen and a good phone, no name: the time and the phone come back */
  assert_int_equal(client_get(&citizen, chosen, &page), 0);
  response_free(&page);
  snprintf(form, sizeof(form), "kind=visit&service=%lld&day=%lld&slot=%d&name=&phone=0912345678",
           service, today, slot);
  assert_int_equal(client_post(&citizen, "/o/xinxing/book", form, &page), 0);
  assert_int_equal(page.status, 400);
  snprintf(id, sizeof(id), "value=\"%d\" checked>", slot);
  expect_contains(page.body, id);
  expect_contains(page.body, "value=\"0912345678\"");
  expect_lacks(page.body, "slot-error");
  response_free(&page);
  /* a number no text message reaches, an address no mail reaches: refused at their field */
  static const char *const unreachable[] = {"phone=12345", "phone=&email=lee%40localhost"};
  for (size_t i = 0; i < sizeof(unreachable) / sizeof(unreachable[0]); i++) {
    snprintf(form, sizeof(form), "kind=visit&service=%lld&day=%lld&slot=%d&name=Lee&%s", service,
             today, slot, unreachable[i]);
    assert_int_equal(post_json(chosen, "/o/xinxing/book", form, &v, NULL), 400);
    expect_text_at(v, "errors.0.field", i ? "email" : "phone");
    json_decref(v);
  }
  /* booked: the private page */
  snprintf(form, sizeof(form),
           "kind=visit&service=%lld&day=%lld&slot=%d&name=Lee+Wei&phone=0912345678", service, today,
           slot);
  assert_int_equal(post_json(chosen, "/o/xinxing/book", form, &v, &location), 303);
  assert_non_null(location);
  assert_int_equal(strncmp(location, "/b/", 3), 0);
  static const char *const manage_keys[] = {"title",        "booking.number", "booking.what",
                                            "booking.date", "booking.time",   "booking.status",
                                            "booking.name", "booking.office", "booking.changeable",
                                            "booking.late", "days",           "made",
                                            "qr",           "cancel_action",  "move_action",
                                            "day",          "has_days"};
  v = expect_view(&server, NULL, location, 200);
  EXPECT_MEMBERS(v, manage_keys);
  assert_true(json_is_true(json_at(v, "made")) && json_is_true(json_at(v, "booking.changeable")));
  assert_null(json_at(v, "times"));
  char number[32], base[96], path[160];
  snprintf(number, sizeof(number), "%s", json_text_at(v, "booking.number"));
  snprintf(base, sizeof(base), "%.*s", (int)strcspn(location, "?"), location);
  json_decref(v);
  free(location);
  snprintf(path, sizeof(path), "%s?day=%lld", base, today);
  v = expect_view(&server, NULL, path, 200);
  EXPECT_MEMBERS(v, manage_keys);
  assert_true(json_is_true(json_at(v, "has_times")) && json_at(v, "times.0.start"));
  assert_int_equal(json_integer_value(json_at(v, "day")), today);
  snprintf(path, sizeof(path), "%s/qr.svg", base);
  expect_text_at(v, "qr", path);
  json_decref(v);
  /* moving without a time: the day's times come back, the message describing their fieldset */
  snprintf(path, sizeof(path), "%s?day=%lld", base, today);
  assert_int_equal(client_get(&citizen, path, &page), 0);
  response_free(&page);
  snprintf(path, sizeof(path), "%s/move", base);
  snprintf(form, sizeof(form), "day=%lld", today);
  assert_int_equal(client_post(&citizen, path, form, &page), 0);
  assert_int_equal(page.status, 400);
  expect_contains(page.body, "name=\"slot\" type=\"radio\"");
  expect_contains(page.body, "govuk-form-group--error");
  expect_contains(page.body, "<fieldset class=\"govuk-fieldset\" aria-describedby=\"slot-error\">");
  response_free(&page);
  /* the kiosk: an unknown number refused, the booking's checked in */
  static const char *const kiosk_keys[] = {"title", "office.slug", "action", "arrived"};
  v = expect_view(&server, NULL, "/o/xinxing/book/checkin", 200);
  EXPECT_MEMBERS(v, kiosk_keys);
  assert_true(json_is_null(json_at(v, "arrived")));
  json_decref(v);
  assert_int_equal(
      post_json("/o/xinxing/book/checkin", "/o/xinxing/book/checkin", "number=nope", &v, NULL),
      404);
  EXPECT_MEMBERS(v, kiosk_keys);
  expect_text_at(v, "errors.0.field", "number");
  json_decref(v);
  snprintf(form, sizeof(form), "number=%s", number);
  assert_int_equal(post_json("/o/xinxing/book/checkin", "/o/xinxing/book/checkin", form, &v, NULL),
                   200);
  EXPECT_MEMBERS(v, kiosk_keys);
  expect_text_at(v, "arrived.number", number);
  assert_true(*json_text_at(v, "arrived_time"));
  assert_null(json_at(v, "errors"));
  json_decref(v);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_booking_pages_keep_their_answers),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
