/*
 * personal_test.c - ID and business number checks against hand-computed examples, the masking
 * conventions of personal.h, and sealing and lookup hashes with the installation key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "domain/keys.h"
#include "domain/personal.h"
#include "base/common.h"

#define TEST_KEY  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define OTHER_KEY "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f"
#define OUT_LEN   128

static int unload(void **state)
{
  keys_unload();
  return 0;
}

/* --- national ID numbers ------------------------------------------------------------------ */

/* Hand-computed (weights: letter digits 1, 9; then 8 7 6 5 4 3 2 1 1):
 *   A123456789: A=10 -> 1*1 + 0*9 = 1; 1*8+2*7+3*6+4*5+5*4+6*3+7*2+8*1 = 8+14+18+20+20+18+14+8
 *               = 120; + 9*1 -> 1 + 120 + 9 = 130 = 0 mod 10. (The commonly quoted example.)
 *   F200000008: F=15 -> 1 + 5*9 = 46; 2*8 = 16 -> 62; + 8 = 70.
 *   I200000005: I=34 -> 3 + 4*9 = 39; 2*8 = 16 -> 55; + 5 = 60.
 *   O100000004: O=35 -> 3 + 5*9 = 48; 1*8 = 8 -> 56; + 4 = 60 (O100000009 gives 65: invalid).
 *   A800000014: new resident certificate: A -> 1; 8*8 = 64 -> 65; n8 = 1 -> 66; + 4 = 70.
 *   Z900000008: Z=33 -> 3 + 3*9 = 30; 9*8 = 72 -> 102; + 8 = 110 (Z900000001: 103, invalid). */
static void test_id_valid_hand_computed(void **state)
{
  static const char *const valid[] = {
      "A123456789", "F200000008", "I200000005", "O100000004",
      "A800000014", "Z900000008", "a123456789", /* a lowercase letter is accepted */
  };
  static const char *const invalid[] = {
      "O100000009", "A123456788", "A123456780", "B123456789", "A800000015", "Z900000001",
  };
  for (size_t i = 0; i < ARRAY_LEN(valid); i++)
    assert_true(personal_id_valid(valid[i]));
  for (size_t i = 0; i < ARRAY_LEN(invalid); i++)
    assert_false(personal_id_valid(invalid[i]));
}

static void test_id_valid_refuses_shapes(void **state)
{
  static const char *const bad[] = {
      "",
      "A12345678",
      "A1234567890",
      "1123456789",
      "AA23456789",
      "A12345678X",
      " A123456789",
      "A123456789 ",
      "A 123456789",
      "@123456789",
      "[123456789",
      "A023456789",
      "A323456789",
      "A723456789",
      "Ａ123456789",
      "A12345678\n",
  };
  for (size_t i = 0; i < ARRAY_LEN(bad); i++)
    assert_false(personal_id_valid(bad[i]));
  assert_false(personal_id_valid(NULL));
}

/* The last digit has weight 1, so for any letter and first eight digits exactly one check digit
 * works; the second character must be 1, 2, 8 or 9. */
static void test_id_exactly_one_check_digit(void **state)
{
  char id[PERSONAL_ID_LEN + 1] = "A10000000?";
  static const char seconds[] = "0123456789";
  for (char letter = 'A'; letter <= 'Z'; letter++) {
    for (size_t s = 0; s < sizeof(seconds) - 1; s++) {
      int count = 0;
      id[0] = letter;
      id[1] = seconds[s];
      memcpy(id + 2, "3579246", 7);
      for (char check = '0'; check <= '9'; check++) {
        id[9] = check;
        count += personal_id_valid(id);
      }
      bool allowed = strchr("1289", seconds[s]) != NULL;
      assert_int_equal(count, allowed ? 1 : 0);
    }
  }
}

static void test_id_normalize(void **state)
{
  static const char *const inputs[] = {
      "A123456789", "a123456789", "  A123456789\r\n", "\tA123456789",
      /* full-width letter and digits (U+FF21, U+FF11..) */
      "\xEF\xBC\xA1\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x96"
      "\xEF\xBC\x97\xEF\xBC\x98\xEF\xBC\x99",
      /* full-width lowercase a (U+FF41) and an ideographic space (U+3000) around */
      "\xE3\x80\x80\xEF\xBD\x81"
      "123456789\xE3\x80\x80",
      "A 1234 56789", /* spaces inside, as copied from a card */
  };
  char out[PERSONAL_ID_LEN + 1];
  for (size_t i = 0; i < ARRAY_LEN(inputs); i++) {
    memset(out, 'x', sizeof(out));
    assert_int_equal(personal_id_normalize(inputs[i], out), ST_OK);
    assert_string_equal(out, "A123456789");
  }
}

/* Old-format resident certificates (two letters, second A-D), computed by hand:
 *   FA12345689: F=15 -> 1 + 5*9 = 46; A=10 -> 0*8 = 0; 1*7+2*6+3*5+4*4+5*3+6*2+8*1 = 85;
 *               + 9 = 140.
 *   AB23456789: A=10 -> 1; B=11 -> 1*8 = 8; 2*7+3*6+4*5+5*4+6*3+7*2+8*1 = 112; + 9 = 130.
 *   AC01234567: A -> 1; C=12 -> 2*8 = 16; 0+6+10+12+12+10+6 = 56; + 7 = 80.
 * Each with another check digit, or with a second letter past D, is refused; normalising gives
 * the upper-case form. */
static void test_id_old_resident_certificate(void **state)
{
  static const char *const valid[] = {"FA12345689", "AB23456789", "AC01234567", "fa12345689"};
  static const char *const invalid[] = {"FA12345680", "AB23456788", "AC01234568",
                                        "FE12345689", "AA23456789", "F@12345689"};
  char out[PERSONAL_ID_LEN + 1];
  for (size_t i = 0; i < ARRAY_LEN(valid); i++)
    assert_true(personal_id_valid(valid[i]));
  for (size_t i = 0; i < ARRAY_LEN(invalid); i++)
    assert_false(personal_id_valid(invalid[i]));
  assert_int_equal(personal_id_normalize("\xEF\xBD\x86\xEF\xBD\x81 12345689", out), ST_OK);
  assert_string_equal(out, "FA12345689");
  assert_int_equal(personal_applicant_id_normalize(" 0459 5257 ", out), ST_OK);
  assert_string_equal(out, "04595257");
}

static void test_id_normalize_refuses(void **state)
{
  static const char *const inputs[] = {
      "",     "   ",           "A123456788",  "AB23456780", "A-123456789",
      "\xFF", "A12345678\xC0", "A123456789A", "AE23456789",
  };
  char out[PERSONAL_ID_LEN + 1];
  for (size_t i = 0; i < ARRAY_LEN(inputs); i++) {
    memset(out, 'x', sizeof(out));
    assert_int_equal(personal_id_normalize(inputs[i], out), ST_INVALID);
    assert_string_equal(out, "");
  }
  assert_int_equal(personal_id_normalize(NULL, out), ST_INVALID);
  /* Absurdly long input is refused before normalising. */
  char long_input[PERSONAL_ID_INPUT_MAX + 20];
  memset(long_input, ' ', sizeof(long_input));
  memcpy(long_input + sizeof(long_input) - 11, "A123456789", 11);
  assert_int_equal(personal_id_normalize(long_input, out), ST_INVALID);
  assert_int_equal(personal_id_normalize(long_input + 30, out), ST_OK);
}

/* --- business numbers --------------------------------------------------------------------- */

/* Hand-computed with weights 1 2 1 2 1 2 4 1 and digit sums of products:
 *   04595257: 0 8 5 18->9 5 4 20->2 7 = 40                    valid
 *   12345675: 1 4 3 8 5 12->3 28->10->1 5 = 30                valid
 *   12345678: 1 4 3 8 5 3 1 8 = 33 (32 with the 7-rule)       invalid
 *   22099131: 2 4 0 18->9 9 2 12->3 1 = 30                    valid
 *   10000073: 1 0 0 0 0 0 28->1 3 = 5                         valid
 *   10000074: 1 + 1 + 4 = 6, but the 7th digit is 7 and 1 + 0 + 4 = 5: valid by the 7-rule
 *   10000075: 7 or 6                                          invalid
 *   10000064: 1 + 24->6 + 4 = 11; (11 - 1 would pass, but the 7th digit is 6)  invalid */
static void test_business_no(void **state)
{
  static const char *const valid[] = {"04595257", "12345675", "22099131", "10000073", "10000074"};
  static const char *const invalid[] = {"12345678", "10000075", "10000064", "0459525",  "045952570",
                                        "0459525a", " 4595257", "",         "1234567５"};
  for (size_t i = 0; i < ARRAY_LEN(valid); i++)
    assert_true(personal_business_no_valid(valid[i]));
  for (size_t i = 0; i < ARRAY_LEN(invalid); i++)
    assert_false(personal_business_no_valid(invalid[i]));
  assert_false(personal_business_no_valid(NULL));
}

/* --- masking ------------------------------------------------------------------------------ */

struct mask_case {
  const char *in;
  const char *out;
};

typedef int (*mask_fn)(const char *, char *, size_t);

/* Checks each case, and that a buffer one byte too small gives ST_LIMIT and "". */
static void check_masks(mask_fn mask, const struct mask_case *cases, size_t count)
{
  char out[OUT_LEN];
  for (size_t i = 0; i < count; i++) {
    size_t need = strlen(cases[i].out) + 1;
    memset(out, 'x', sizeof(out));
    int rc = mask(cases[i].in, out, sizeof(out));
    if (rc != ST_OK || strcmp(out, cases[i].out) != 0)
      fail_msg("mask(\"%s\") = %d \"%s\", expected \"%s\"", cases[i].in, rc, out, cases[i].out);
    assert_int_equal(mask(cases[i].in, out, need), ST_OK);
    assert_string_equal(out, cases[i].out);
    memset(out, 'x', sizeof(out));
    assert_int_equal(mask(cases[i].in, out, need - 1), ST_LIMIT);
    if (need > 1)
      assert_string_equal(out, "");
  }
  assert_int_equal(mask(cases[0].in, out, 0), ST_LIMIT);
  assert_int_equal(mask(cases[0].in, NULL, 10), ST_LIMIT);
}

static void check_refused(mask_fn mask, const char *const *inputs, size_t count)
{
  char out[OUT_LEN];
  for (size_t i = 0; i < count; i++) {
    memset(out, 'x', sizeof(out));
    if (mask(inputs[i], out, sizeof(out)) != ST_INVALID)
      fail_msg("mask(\"%s\") was not refused: \"%s\"", inputs[i], out);
    assert_string_equal(out, "");
  }
  assert_int_equal(mask(NULL, out, sizeof(out)), ST_INVALID);
}

static void test_mask_name(void **state)
{
  static const struct mask_case cases[] = {
      {"王小明", "王○明"},
      {"王明", "王○"},
      {"歐陽小明", "歐陽○明"},
      {"王", "○"},
      {"司馬相如文", "司馬○○文"},
      {"John Smith", "J*** S****"},
      {"John", "J***"},
      {"J", "J"},
      {"Anne-Marie O'Neil", "A********* O*****"},
      {"José  Martí", "J***  M****"}, /* a space makes it word by word; é is one character */
      {"Ünal Özil", "Ü*** Ö***"},
      {"王 小明", "王 小*"}, /* spaced Han names are masked word by word too */
      {"陳林美玉", "陳林○玉"},
      {"", ""},
  };
  check_masks(personal_mask_name, cases, ARRAY_LEN(cases));
}

static void test_mask_name_refuses_invalid_utf8(void **state)
{
  static const char *const bad[] = {
      "\xE7\x8E",         /* truncated 王 */
      "\xE7\x8E\x8B\xFF", /* a stray byte */
      "\xC0\xAF",         /* overlong */
      "\xED\xA0\x80",     /* surrogate */
      "John\nSmith",      /* controls */
      "Wang\x1B[31m",
  };
  check_refused(personal_mask_name, bad, ARRAY_LEN(bad));
}

static void test_mask_name_never_splits_characters(void **state)
{
  char out[OUT_LEN];
  /* 王○明 is 9 bytes: every smaller buffer fails whole instead of cutting a character. */
  for (size_t size = 1; size < 10; size++) {
    assert_int_equal(personal_mask_name("王小明", out, size), ST_LIMIT);
    assert_string_equal(out, "");
  }
}

static void test_mask_id(void **state)
{
  static const struct mask_case cases[] = {
      {"A123456789", "A12345****"}, {"a123456789", "a12345****"}, {"A800000014", "A80000****"},
      {"AB12345678", "AB1234****"}, /* old-format resident certificate */
      {"A123456788", "A12345****"}, /* a bad checksum is still masked */
  };
  static const char *const bad[] = {
      "", "A12345678", "A1234567890", "A12345678 ", "A1234-6789", "Ａ123456789", "A12345678\xFF",
  };
  check_masks(personal_mask_id, cases, ARRAY_LEN(cases));
  check_refused(personal_mask_id, bad, ARRAY_LEN(bad));
}

static void test_mask_phone(void **state)
{
  static const struct mask_case cases[] = {
      {"0912345678", "0912***678"},
      {"0912-345-678", "0912-***-678"},
      {"0223456789", "0223***789"},
      {"02-2345-6789", "02-23**-*789"},
      {"(02) 2345-6789", "(02) 23**-*789"},
      {"037123456", "037***456"}, /* 9 digits: the head shrinks so 3 stay hidden */
      {"2345-6789", "234*-**89"},
      {"+886 912 345 678", "+886 9** *** 678"},
      {"12345", "1***5"},
      {"1234", "1***"},
      {"123", "***"},
      {"7", "*"},
  };
  static const char *const bad[] = {
      "",
      "---",
      "abc",
      "0912-345-678 ext 1",
      "0912345678#1",
      "０９１２３４５６７８",
      "0912\n345678",
      "123456789012345678901234567890123",
  };
  check_masks(personal_mask_phone, cases, ARRAY_LEN(cases));
  check_refused(personal_mask_phone, bad, ARRAY_LEN(bad));
}

static void test_mask_email(void **state)
{
  static const struct mask_case cases[] = {
      {"wang@example.com", "w***@example.com"},     {"w@example.com", "w***@example.com"},
      {"xiaoming.wang+case@gov.tw", "x***@gov.tw"}, {"王小明@例子.台灣", "王***@例子.台灣"},
      {"\"a@b\"@example.com", "\"***@example.com"}, /* the domain follows the last @ */
  };
  static const char *const bad[] = {
      "wang",
      "@example.com",
      "wang@",
      "wang @example.com",
      "wang@exa mple.com",
      "wang@example.com\n",
      "w\xFF@example.com",
      "",
  };
  check_masks(personal_mask_email, cases, ARRAY_LEN(cases));
  check_refused(personal_mask_email, bad, ARRAY_LEN(bad));
}

/* --- sealing and lookup hashes ------------------------------------------------------------ */

static void test_seal_round_trip(void **state)
{
  static const char *const texts[] = {"A123456789", "王小明", "", "台北市中正區重慶南路一段122號"};
  char *sealed = NULL, *plain = NULL;
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
    assert_int_equal(personal_seal(texts[i], &sealed), ST_OK);
    assert_true(strncmp(sealed, "v1:", 3) == 0);
    assert_null(strstr(sealed, texts[i][0] ? texts[i] : "never"));
    assert_int_equal(personal_open(sealed, &plain), ST_OK);
    assert_string_equal(plain, texts[i]);
    personal_free(plain);
    free(sealed);
  }
  personal_free(NULL);
}

static void test_seal_refuses_without_key(void **state)
{
  char *sealed = NULL, *plain = NULL;
  assert_false(keys_loaded());
  assert_int_equal(personal_seal("A123456789", &sealed), ST_INVALID);
  assert_null(sealed);
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  assert_int_equal(personal_seal("A123456789", &sealed), ST_OK);
  assert_int_equal(personal_seal(NULL, &plain), ST_INVALID);
  keys_unload();
  assert_int_equal(personal_open(sealed, &plain), ST_INVALID);
  assert_null(plain);
  free(sealed);
}

static void test_open_refuses_tamper_wrong_key_and_purpose(void **state)
{
  char *sealed = NULL, *plain = NULL, *other = NULL;
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  assert_int_equal(personal_seal("A123456789", &sealed), ST_OK);
  sealed[10] = sealed[10] == 'x' ? 'y' : 'x';
  assert_int_equal(personal_open(sealed, &plain), ST_INVALID);
  assert_null(plain);
  assert_int_equal(personal_open("v1:", &plain), ST_INVALID);
  assert_int_equal(personal_open("A123456789", &plain), ST_INVALID);
  assert_int_equal(personal_open(NULL, &plain), ST_INVALID);
  free(sealed);
  /* Sealed for TOTP secrets: a different subkey. */
  assert_int_equal(keys_seal(KEYS_TOTP_SEAL, (const unsigned char *)"abc", 3, &other), ST_OK);
  assert_int_equal(personal_open(other, &plain), ST_INVALID);
  free(other);
  /* Bytes with a NUL inside are not text this module sealed. */
  assert_int_equal(keys_seal(KEYS_SEAL, (const unsigned char *)"a\0b", 3, &other), ST_OK);
  assert_int_equal(personal_open(other, &plain), ST_INVALID);
  free(other);
  /* Another installation's key. */
  assert_int_equal(personal_seal("A123456789", &sealed), ST_OK);
  keys_unload();
  assert_int_equal(keys_load_hex(OTHER_KEY), ST_OK);
  assert_int_equal(personal_open(sealed, &plain), ST_INVALID);
  free(sealed);
}

static void test_lookup_hash(void **state)
{
  char a[PERSONAL_HASH_HEX + 1], b[PERSONAL_HASH_HEX + 1], other[PERSONAL_HASH_HEX + 1];
  unsigned char master[KEYS_MASTER_BYTES], subkey[KEYS_SUBKEY_BYTES], hash[32];
  char expected[PERSONAL_HASH_HEX + 1];
  assert_int_equal(personal_lookup_hash("A123456789", a), ST_INVALID); /* no key */
  assert_string_equal(a, "");
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  assert_int_equal(personal_lookup_hash("A123456789", a), ST_OK);
  assert_int_equal(personal_lookup_hash("A123456789", b), ST_OK);
  assert_string_equal(a, b);
  assert_int_equal(strlen(a), PERSONAL_HASH_HEX);
  assert_int_equal(strspn(a, "0123456789abcdef"), PERSONAL_HASH_HEX);
  assert_int_equal(personal_lookup_hash("A123456788", b), ST_OK);
  assert_string_not_equal(a, b);
  assert_int_equal(personal_lookup_hash(NULL, b), ST_INVALID);
  /* As documented: BLAKE2b-256 keyed with the subkey derived with id 2. */
  assert_int_equal(
      sodium_hex2bin(master, sizeof(master), TEST_KEY, KEYS_HEX_CHARS, NULL, NULL, NULL), 0);
  crypto_kdf_derive_from_key(subkey, sizeof(subkey), 2, "bianmin1", master);
  crypto_generichash(hash, sizeof(hash), (const unsigned char *)"A123456789", 10, subkey,
                     sizeof(subkey));
  sodium_bin2hex(expected, sizeof(expected), hash, sizeof(hash));
  assert_string_equal(a, expected);
  /* Unkeyed BLAKE2b would be guessable: the key must matter. */
  keys_unload();
  assert_int_equal(keys_load_hex(OTHER_KEY), ST_OK);
  assert_int_equal(personal_lookup_hash("A123456789", other), ST_OK);
  assert_string_not_equal(a, other);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_id_valid_hand_computed),
      cmocka_unit_test(test_id_valid_refuses_shapes),
      cmocka_unit_test(test_id_exactly_one_check_digit),
      cmocka_unit_test(test_id_normalize),
      cmocka_unit_test(test_id_normalize_refuses),
      cmocka_unit_test(test_id_old_resident_certificate),
      cmocka_unit_test(test_business_no),
      cmocka_unit_test(test_mask_name),
      cmocka_unit_test(test_mask_name_refuses_invalid_utf8),
      cmocka_unit_test(test_mask_name_never_splits_characters),
      cmocka_unit_test(test_mask_id),
      cmocka_unit_test(test_mask_phone),
      cmocka_unit_test(test_mask_email),
      cmocka_unit_test_teardown(test_seal_round_trip, unload),
      cmocka_unit_test_teardown(test_seal_refuses_without_key, unload),
      cmocka_unit_test_teardown(test_open_refuses_tamper_wrong_key_and_purpose, unload),
      cmocka_unit_test_teardown(test_lookup_hash, unload),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
