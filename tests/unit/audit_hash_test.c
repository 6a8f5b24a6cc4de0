/*
 * audit_hash_test.c - the audit chain link is deterministic, pinned to the documented encoding
 * (known answers computed independently), sensitive to every field and to the previous hash,
 * and unambiguous where fields meet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "domain/audit_hash.h"
#include "base/common.h"

#define HASH_SIZE (AUDIT_HASH_HEX + 1)

static struct audit_entry first_entry(void)
{
  struct audit_entry e = {
      .id = 1,
      .at = "2025-03-01T09:30:00Z",
      .office_id = 7,
      .actor_id = 42,
      .actor = "王小明",
      .ip = "192.0.2.10",
      .action = "personal.view",
      .object_kind = "case",
      .object_id = "113-北地-000123",
      .detail = "viewed applicant ID",
  };
  return e;
}

static void hash_of(const char *prev, const struct audit_entry *e, char out[HASH_SIZE])
{
  assert_int_equal(audit_entry_hash(prev, e, out), ST_OK);
  assert_int_equal(strlen(out), AUDIT_HASH_HEX);
  assert_int_equal(strspn(out, "0123456789abcdef"), AUDIT_HASH_HEX);
}

/* Known answers: SHA-256 of the encoding in audit_hash.h, computed with Python's hashlib. */
static void test_known_answers(void **state)
{
  char h1[HASH_SIZE], h2[HASH_SIZE];
  struct audit_entry e1 = first_entry();
  struct audit_entry e2 = {
      .id = 2,
      .at = "2025-03-01T09:31:00Z",
      .office_id = 7,
      .actor_id = 42,
      .actor = "王小明",
      .ip = "2001:db8::1",
      .action = "case.update",
      .object_kind = NULL,
      .object_id = "",
      .detail = "",
  };
  hash_of(AUDIT_GENESIS, &e1, h1);
  assert_string_equal(h1, "361c6ae27283c312326c3d0dee27202632ff18208b436f72f19c3e7f285241b3");
  hash_of(h1, &e2, h2);
  assert_string_equal(h2, "5c0627f45242bf8c37609346625ce409e88c70a59ae7b7d24e9c78fa05c2b11c");
}

/* The same bytes hashed directly, spelled out as the header documents them. */
static void test_matches_documented_encoding(void **state)
{
  static const char encoding[] =
      "bianmin-audit-v1;64:" AUDIT_GENESIS ";1:1;20:2025-03-01T09:30:00Z;1:7;2:42;9:王小明;"
      "10:192.0.2.10;13:personal.view;4:case;17:113-北地-000123;19:viewed applicant ID;";
  unsigned char digest[crypto_hash_sha256_BYTES];
  char expected[HASH_SIZE], got[HASH_SIZE];
  struct audit_entry e = first_entry();
  crypto_hash_sha256(digest, (const unsigned char *)encoding, sizeof(encoding) - 1);
  sodium_bin2hex(expected, sizeof(expected), digest, sizeof(digest));
  hash_of(AUDIT_GENESIS, &e, got);
  assert_string_equal(got, expected);
}

static void test_deterministic(void **state)
{
  char a[HASH_SIZE], b[HASH_SIZE];
  struct audit_entry e = first_entry();
  struct audit_entry copy = e;
  char detail[] = "viewed applicant ID"; /* equal content at another address */
  copy.detail = detail;
  hash_of(AUDIT_GENESIS, &e, a);
  hash_of(AUDIT_GENESIS, &copy, b);
  assert_string_equal(a, b);
}

static void test_every_field_counts(void **state)
{
  enum { CHANGES = 12 };
  char base[HASH_SIZE], seen[CHANGES][HASH_SIZE];
  const struct audit_entry e = first_entry();
  hash_of(AUDIT_GENESIS, &e, base);
  for (int i = 0; i < CHANGES; i++) {
    struct audit_entry c = e;
    const char *prev = AUDIT_GENESIS;
    switch (i) {
    case 0:
      c.id = 2;
      break;
    case 1:
      c.at = "2025-03-01T09:30:01Z";
      break;
    case 2:
      c.office_id = 8;
      break;
    case 3:
      c.actor_id = -42;
      break;
    case 4:
      c.actor = "王小民";
      break;
    case 5:
      c.ip = "192.0.2.11";
      break;
    case 6:
      c.action = "personal.edit";
      break;
    case 7:
      c.object_kind = "petition";
      break;
    case 8:
      c.object_id = "113-北地-000124";
      break;
    case 9:
      c.detail = "viewed applicant ID ";
      break;
    case 10:
      prev = "0000000000000000000000000000000000000000000000000000000000000001";
      break;
    default:
      c.detail = NULL;
      break;
    }
    hash_of(prev, &c, seen[i]);
    if (strcmp(seen[i], base) == 0)
      fail_msg("change %d did not change the hash", i);
    for (int j = 0; j < i; j++)
      assert_string_not_equal(seen[i], seen[j]);
  }
}

static void test_no_ambiguity(void **state)
{
  char a[HASH_SIZE], b[HASH_SIZE];
  struct audit_entry x = first_entry(), y = first_entry();
  /* ("ab", "c") against ("a", "bc") in neighbouring fields. */
  x.object_kind = "ab";
  x.object_id = "c";
  y.object_kind = "a";
  y.object_id = "bc";
  hash_of(AUDIT_GENESIS, &x, a);
  hash_of(AUDIT_GENESIS, &y, b);
  assert_string_not_equal(a, b);
  /* A field cannot fake the separators and length of the next one. */
  x = first_entry();
  y = first_entry();
  x.object_id = "c;19:viewed applicant ID";
  x.detail = "";
  y.object_id = "c";
  hash_of(AUDIT_GENESIS, &x, a);
  hash_of(AUDIT_GENESIS, &y, b);
  assert_string_not_equal(a, b);
  /* Integers and text do not blur: id 12 + at "3" against id 1 + at "23". */
  x = first_entry();
  y = first_entry();
  x.id = 12;
  x.at = "3";
  y.id = 1;
  y.at = "23";
  hash_of(AUDIT_GENESIS, &x, a);
  hash_of(AUDIT_GENESIS, &y, b);
  assert_string_not_equal(a, b);
  /* NULL and "" are different values. */
  x = first_entry();
  y = first_entry();
  x.detail = NULL;
  y.detail = "";
  hash_of(AUDIT_GENESIS, &x, a);
  hash_of(AUDIT_GENESIS, &y, b);
  assert_string_not_equal(a, b);
  /* A string "-" is not NULL either. */
  y.detail = "-";
  hash_of(AUDIT_GENESIS, &y, b);
  assert_string_not_equal(a, b);
}

static void test_chain(void **state)
{
  char h1[HASH_SIZE], h2[HASH_SIZE], h1_changed[HASH_SIZE], h2_after[HASH_SIZE];
  struct audit_entry e1 = first_entry(), e2 = first_entry();
  e2.id = 2;
  hash_of(AUDIT_GENESIS, &e1, h1);
  hash_of(h1, &e2, h2);
  /* Editing entry 1 breaks entry 2's link as well. */
  e1.detail = "nothing to see";
  hash_of(AUDIT_GENESIS, &e1, h1_changed);
  hash_of(h1_changed, &e2, h2_after);
  assert_string_not_equal(h2, h2_after);
  /* Extreme integers encode fine. */
  e2.id = INT64_MIN;
  e2.office_id = INT64_MAX;
  hash_of(h1, &e2, h2_after);
}

static void test_refuses_bad_prev_hash(void **state)
{
  static const char *const bad[] = {
      "",
      "000000000000000000000000000000000000000000000000000000000000000",   /* 63 */
      "00000000000000000000000000000000000000000000000000000000000000000", /* 65 */
      "000000000000000000000000000000000000000000000000000000000000000A",  /* uppercase */
      "000000000000000000000000000000000000000000000000000000000000000g",
      " 000000000000000000000000000000000000000000000000000000000000000",
  };
  char out[HASH_SIZE];
  struct audit_entry e = first_entry();
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    memset(out, 'x', sizeof(out));
    assert_int_equal(audit_entry_hash(bad[i], &e, out), ST_INVALID);
    assert_string_equal(out, "");
  }
  assert_int_equal(audit_entry_hash(NULL, &e, out), ST_INVALID);
  assert_int_equal(audit_entry_hash(AUDIT_GENESIS, NULL, out), ST_INVALID);
  assert_int_equal(strlen(AUDIT_GENESIS), AUDIT_HASH_HEX);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known_answers),
      cmocka_unit_test(test_matches_documented_encoding),
      cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_every_field_counts),
      cmocka_unit_test(test_no_ambiguity),
      cmocka_unit_test(test_chain),
      cmocka_unit_test(test_refuses_bad_prev_hash),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
