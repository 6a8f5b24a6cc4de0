/* event_note_test.c - the timeline note of fee and payment events (web/cases/case_view.h
 * case_event_note): the domain records the amount in the event's data and web puts it in
 * words; events recorded by an older version, whose note holds that text already, read the
 * same; other events keep their note. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/arena.h"
#include "http/http.h"
#include "web/cases/case_view.h"

#include "base/common.h"

static void test_notes(void **state)
{
  (void)state;
  struct arena *arena = arena_new(1 << 16);
  assert_non_null(arena);
  struct http_request req = {.arena = arena};
  const char *due = "{\"amount\":1200}";
  const char *paid = "{\"amount\":1200,\"order_no\":\"BM2026030200000001\",\"provider_ref\":\"x\"}";
  /* recorded now: no note, the amount in data */
  assert_string_equal(case_event_note(&req, "fee_due", "", due), "NT$1,200");
  assert_string_equal(case_event_note(&req, "payment_paid", "", paid),
                      "NT$1,200 · BM2026030200000001");
  assert_string_equal(case_event_note(&req, "payment_expired", "", paid), "NT$1,200");
  assert_string_equal(case_event_note(&req, "payment_refunded", "", paid), "NT$1,200");
  /* recorded by an older version with the text as its note: the same words */
  assert_string_equal(case_event_note(&req, "fee_due", "NT$1,200", due), "NT$1,200");
  assert_string_equal(case_event_note(&req, "payment_paid", "NT$1,200 · BM2026030200000001", paid),
                      "NT$1,200 · BM2026030200000001");
  /* other events, and data without an amount, keep their note */
  assert_string_equal(case_event_note(&req, "payment_atm", "812 · 123 · 2026-03-09", paid),
                      "812 · 123 · 2026-03-09");
  assert_string_equal(case_event_note(&req, "status", "送件", due), "送件");
  assert_string_equal(case_event_note(&req, "fee_due", "NT$5", "not json"), "NT$5");
  assert_string_equal(case_event_note(&req, "fee_due", "NT$5", ""), "NT$5");
  arena_free(arena);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_notes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
