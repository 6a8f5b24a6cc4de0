/*
 * totp_test.c - RFC 6238 appendix B (SHA1) vectors, the verification window and replay
 * protection, RFC 4648 base32 vectors, otpauth:// URIs, and sealed secrets.
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
#include "domain/totp.h"
#include "base/common.h"

#define TEST_KEY   "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define OTHER_KEY  "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f"
#define RFC_SECRET "12345678901234567890"
#define RFC_B32    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define URI_LEN    512

static const unsigned char *rfc_secret = (const unsigned char *)RFC_SECRET;
static const size_t rfc_len = sizeof(RFC_SECRET) - 1;

static int unload(void **state)
{
  keys_unload();
  return 0;
}

/* RFC 6238 appendix B, SHA1 column; the 6-digit codes are the last 6 of the 8-digit ones. */
static void test_rfc6238_vectors(void **state)
{
  static const struct {
    int64_t time;
    const char *code8;
  } vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
  };
  char code[TOTP_DIGITS + 1];
  for (size_t i = 0; i < ARRAY_LEN(vectors); i++) {
    uint64_t step = (uint64_t)(vectors[i].time / TOTP_PERIOD);
    assert_int_equal(totp_code(rfc_secret, rfc_len, step, code), ST_OK);
    assert_string_equal(code, vectors[i].code8 + 2);
    int64_t matched = -1;
    assert_int_equal(totp_verify(rfc_secret, rfc_len, vectors[i].code8 + 2, (time_t)vectors[i].time,
                                 0, -1, &matched),
                     ST_OK);
    assert_int_equal(matched, (int64_t)step);
  }
}

static void test_code_refuses_bad_secrets(void **state)
{
  unsigned char long_secret[TOTP_SECRET_MAX + 1] = {0};
  char code[TOTP_DIGITS + 1] = "x";
  assert_int_equal(totp_code(rfc_secret, TOTP_SECRET_MIN - 1, 1, code), ST_INVALID);
  assert_string_equal(code, "");
  assert_int_equal(totp_code(NULL, rfc_len, 1, code), ST_INVALID);
  assert_int_equal(totp_code(long_secret, sizeof(long_secret), 1, code), ST_INVALID);
  assert_int_equal(totp_code(long_secret, TOTP_SECRET_MAX, 1, code), ST_OK);
  assert_int_equal(totp_code(rfc_secret, TOTP_SECRET_MIN, UINT64_MAX, code), ST_OK);
  assert_int_equal(strspn(code, "0123456789"), TOTP_DIGITS);
}

static void code_at(int64_t step, char code[TOTP_DIGITS + 1])
{
  assert_int_equal(totp_code(rfc_secret, rfc_len, (uint64_t)step, code), ST_OK);
}

static void test_verify_window_edges(void **state)
{
  const time_t now = 1700000015; /* the middle of a step */
  const int64_t t = (int64_t)now / TOTP_PERIOD;
  char code[TOTP_DIGITS + 1];
  int64_t matched = -1;
  for (int64_t delta = -1; delta <= 1; delta++) {
    code_at(t + delta, code);
    assert_int_equal(totp_verify(rfc_secret, rfc_len, code, now, 1, -1, &matched), ST_OK);
    assert_int_equal(matched, t + delta);
  }
  code_at(t - 2, code);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, now, 1, -1, &matched), ST_INVALID);
  code_at(t + 2, code);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, now, 1, -1, &matched), ST_INVALID);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, now, 2, -1, &matched), ST_OK);
  /* Window 0: only the current step. */
  code_at(t - 1, code);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, now, 0, -1, NULL), ST_INVALID);
  code_at(t, code);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, now, 0, -1, NULL), ST_OK);
  /* The step boundary: at now = 30 * t the code of t - 1 is one step old. */
  code_at(t - 2, code);
  assert_int_equal(
      totp_verify(rfc_secret, rfc_len, code, (time_t)(t * TOTP_PERIOD - 1), 1, -1, &matched),
      ST_OK);
  assert_int_equal(
      totp_verify(rfc_secret, rfc_len, code, (time_t)(t * TOTP_PERIOD), 1, -1, &matched),
      ST_INVALID);
}

static void test_verify_refuses_replay(void **state)
{
  const time_t now = 1700000015;
  const int64_t t = (int64_t)now / TOTP_PERIOD;
  char code[TOTP_DIGITS + 1];
  int64_t matched = -1;
  code_at(t, code);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, now, 1, -1, &matched), ST_OK);
  assert_int_equal(matched, t);
  /* The same code again, even a second later within the same step: refused. */
  matched = -7;
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, now + 1, 1, t, &matched), ST_INVALID);
  assert_int_equal(matched, -7);
  /* An older code after a newer one: refused. */
  code_at(t - 1, code);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, now, 1, t, &matched), ST_INVALID);
  /* The next step's code is fine. */
  code_at(t + 1, code);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, now, 1, t, &matched), ST_OK);
  assert_int_equal(matched, t + 1);
}

static void test_verify_refuses_bad_input(void **state)
{
  static const char *const bad_codes[] = {"",       "12345",  "1234567",
                                          "12345a", " 12345", "１２３４５６"};
  const time_t now = 1700000015;
  char code[TOTP_DIGITS + 1];
  code_at(now / TOTP_PERIOD, code);
  for (size_t i = 0; i < ARRAY_LEN(bad_codes); i++)
    assert_int_equal(totp_verify(rfc_secret, rfc_len, bad_codes[i], now, 1, -1, NULL), ST_INVALID);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, NULL, now, 1, -1, NULL), ST_INVALID);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, -1, 1, -1, NULL), ST_INVALID);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, now, -1, -1, NULL), ST_INVALID);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, now, TOTP_WINDOW_MAX + 1, -1, NULL),
                   ST_INVALID);
  assert_int_equal(totp_verify(rfc_secret, 10, code, now, 1, -1, NULL), ST_INVALID);
  assert_int_equal(totp_verify(NULL, rfc_len, code, now, 1, -1, NULL), ST_INVALID);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, now, TOTP_WINDOW_MAX, -1, NULL), ST_OK);
}

static void test_verify_near_the_epoch(void **state)
{
  char code[TOTP_DIGITS + 1];
  int64_t matched = -1;
  code_at(0, code);
  /* now = 10: steps -1 .. 1, of which -1 does not exist. */
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, 10, 1, -1, &matched), ST_OK);
  assert_int_equal(matched, 0);
  assert_int_equal(totp_verify(rfc_secret, rfc_len, code, 10, 1, 0, &matched), ST_INVALID);
}

static void test_generate_secret(void **state)
{
  unsigned char a[TOTP_SECRET_BYTES], b[TOTP_SECRET_BYTES];
  assert_int_equal(totp_generate_secret(a), ST_OK);
  assert_int_equal(totp_generate_secret(b), ST_OK);
  assert_memory_not_equal(a, b, sizeof(a));
  assert_false(sodium_is_zero(a, sizeof(a)));
}

/* RFC 4648 section 10. */
static const struct {
  const char *data;
  const char *b32;
} rfc4648[] = {
    {"", ""},
    {"f", "MY"},
    {"fo", "MZXQ"},
    {"foo", "MZXW6"},
    {"foob", "MZXW6YQ"},
    {"fooba", "MZXW6YTB"},
    {"foobar", "MZXW6YTBOI"},
};

static void test_base32_encode_vectors(void **state)
{
  char out[32];
  for (size_t i = 0; i < ARRAY_LEN(rfc4648); i++) {
    size_t len = strlen(rfc4648[i].data);
    size_t need = strlen(rfc4648[i].b32) + 1;
    assert_int_equal(
        totp_base32_encode((const unsigned char *)rfc4648[i].data, len, out, sizeof(out)), ST_OK);
    assert_string_equal(out, rfc4648[i].b32);
    assert_int_equal(totp_base32_encode((const unsigned char *)rfc4648[i].data, len, out, need),
                     ST_OK);
    assert_int_equal(totp_base32_encode((const unsigned char *)rfc4648[i].data, len, out, need - 1),
                     ST_LIMIT);
  }
  assert_int_equal(totp_base32_encode(rfc_secret, rfc_len, out, sizeof(out)), ST_LIMIT);
  char secret_b32[TOTP_SECRET_B32_SIZE];
  assert_int_equal(totp_base32_encode(rfc_secret, rfc_len, secret_b32, sizeof(secret_b32)), ST_OK);
  assert_string_equal(secret_b32, RFC_B32);
}

static void check_decodes(const char *in, const char *expected)
{
  unsigned char out[64];
  size_t len = 99;
  if (totp_base32_decode(in, out, sizeof(out), &len) != ST_OK)
    fail_msg("base32 \"%s\" was refused", in);
  assert_int_equal(len, strlen(expected));
  assert_memory_equal(out, expected, len);
}

static void test_base32_decode_vectors(void **state)
{
  for (size_t i = 0; i < ARRAY_LEN(rfc4648); i++)
    check_decodes(rfc4648[i].b32, rfc4648[i].data);
  /* Padding at the end, lowercase and spaces are accepted. */
  check_decodes("MY======", "f");
  check_decodes("MZXW6YQ=", "foob");
  check_decodes("mzxw6ytboi", "foobar");
  check_decodes("mzxw 6ytb oi", "foobar");
  check_decodes(" MzXw6 ", "foo");
  check_decodes("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", RFC_SECRET);
}

static void test_base32_decode_refuses(void **state)
{
  static const char *const bad[] = {
      "M",      /* 1 character: 5 bits, no byte */
      "MZX",    /* 3 characters */
      "MZXW6Y", /* 6 characters */
      "MZ",     /* trailing bits not zero (MY is "f") */
      "MZXR",   /* likewise for "fo" */
      "M1",     /* not in the alphabet */
      "M8",     "MY=A", "MY==MY", "MY-", "MY\n", "\xC3\x89", "MY\t",
  };
  unsigned char out[64];
  size_t len = 0;
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    if (totp_base32_decode(bad[i], out, sizeof(out), &len) != ST_INVALID)
      fail_msg("base32 \"%s\" was accepted", bad[i]);
  }
  assert_int_equal(totp_base32_decode(NULL, out, sizeof(out), &len), ST_INVALID);
  assert_int_equal(totp_base32_decode("MZXW6YTBOI", out, 5, &len), ST_LIMIT);
  assert_int_equal(totp_base32_decode("MZXW6YTBOI", out, 6, &len), ST_OK);
  assert_int_equal(len, 6);
}

static void test_base32_round_trips(void **state)
{
  unsigned char data[TOTP_SECRET_MAX], back[TOTP_SECRET_MAX];
  char text[TOTP_BASE32_MAX_SIZE];
  for (size_t len = 0; len <= sizeof(data); len++) {
    size_t back_len = 0;
    randombytes_buf(data, len);
    assert_int_equal(totp_base32_encode(data, len, text, sizeof(text)), ST_OK);
    assert_int_equal(strlen(text), (len * 8 + 4) / 5);
    assert_int_equal(totp_base32_decode(text, back, sizeof(back), &back_len), ST_OK);
    assert_int_equal(back_len, len);
    assert_memory_equal(back, data, len);
  }
}

static void test_uri(void **state)
{
  char uri[URI_LEN];
  assert_int_equal(totp_uri("bianmin", "wang@example.com", RFC_B32, uri, sizeof(uri)), ST_OK);
  assert_string_equal(uri, "otpauth://totp/bianmin:wang%40example.com?secret=" RFC_B32
                           "&issuer=bianmin&algorithm=SHA1&digits=6&period=30");
  assert_int_equal(totp_uri("台北 地政", "a.b-c_d~e", RFC_B32, uri, sizeof(uri)), ST_OK);
  assert_string_equal(uri, "otpauth://totp/%E5%8F%B0%E5%8C%97%20%E5%9C%B0%E6%94%BF:a.b-c_d~e"
                           "?secret=" RFC_B32 "&issuer=%E5%8F%B0%E5%8C%97%20%E5%9C%B0%E6%94%BF"
                           "&algorithm=SHA1&digits=6&period=30");
  assert_int_equal(totp_uri("a&b=c?d/e#f+g%", "x", "AB", uri, sizeof(uri)), ST_OK);
  assert_string_equal(uri,
                      "otpauth://totp/a%26b%3Dc%3Fd%2Fe%23f%2Bg%25:x?secret=AB"
                      "&issuer=a%26b%3Dc%3Fd%2Fe%23f%2Bg%25&algorithm=SHA1&digits=6&period=30");
}

static void test_uri_refuses(void **state)
{
  char uri[URI_LEN];
  static const struct {
    const char *issuer, *account, *secret;
  } bad[] = {
      {"", "wang", RFC_B32},           {"bianmin", "", RFC_B32},    {"bian:min", "wang", RFC_B32},
      {"bianmin", "wa:ng", RFC_B32},   {"bianmin", "wang", ""},     {"bianmin", "wang", "gezdgnbv"},
      {"bianmin", "wang", "MY======"}, {"bianmin", "wang", "MY 1"}, {"bian\nmin", "wang", RFC_B32},
      {"bianmin", "w\xFF", RFC_B32},   {NULL, "wang", RFC_B32},     {"bianmin", NULL, RFC_B32},
      {"bianmin", "wang", NULL},
  };
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    memset(uri, 'x', sizeof(uri));
    assert_int_equal(totp_uri(bad[i].issuer, bad[i].account, bad[i].secret, uri, sizeof(uri)),
                     ST_INVALID);
    assert_string_equal(uri, "");
  }
  /* Too small at every size up to the full length. */
  char full[URI_LEN];
  assert_int_equal(totp_uri("bianmin", "wang", RFC_B32, full, sizeof(full)), ST_OK);
  for (size_t size = 0; size <= strlen(full); size++) {
    memset(uri, 'x', sizeof(uri));
    assert_int_equal(totp_uri("bianmin", "wang", RFC_B32, uri, size), ST_LIMIT);
    if (size > 0)
      assert_string_equal(uri, "");
  }
  assert_int_equal(totp_uri("bianmin", "wang", RFC_B32, uri, strlen(full) + 1), ST_OK);
  assert_string_equal(uri, full);
}

static void test_seal_secret(void **state)
{
  unsigned char secret[TOTP_SECRET_BYTES], back[TOTP_SECRET_MAX];
  char *sealed = NULL, *plain = NULL;
  size_t len = 0;
  assert_int_equal(totp_generate_secret(secret), ST_OK);
  assert_int_equal(totp_seal_secret(secret, sizeof(secret), &sealed), ST_INVALID); /* no key */
  assert_null(sealed);
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  assert_int_equal(totp_seal_secret(secret, TOTP_SECRET_MIN - 1, &sealed), ST_INVALID);
  assert_int_equal(totp_seal_secret(secret, sizeof(secret), &sealed), ST_OK);
  assert_true(strncmp(sealed, "v1:", 3) == 0);
  assert_int_equal(totp_open_secret(sealed, back, sizeof(back), &len), ST_OK);
  assert_int_equal(len, sizeof(secret));
  assert_memory_equal(back, secret, sizeof(secret));
  assert_int_equal(totp_open_secret(sealed, back, sizeof(secret) - 1, &len), ST_LIMIT);
  assert_int_equal(len, 0);
  /* Not openable as personal data (another subkey), nor the other way round. */
  assert_int_equal(personal_open(sealed, &plain), ST_INVALID);
  char *personal = NULL;
  assert_int_equal(personal_seal("01234567890123456789", &personal), ST_OK);
  assert_int_equal(totp_open_secret(personal, back, sizeof(back), &len), ST_INVALID);
  free(personal);
  /* Tampered, or under another key. */
  sealed[5] = sealed[5] == 'A' ? 'B' : 'A';
  assert_int_equal(totp_open_secret(sealed, back, sizeof(back), &len), ST_INVALID);
  sealed[5] = sealed[5] == 'A' ? 'B' : 'A';
  keys_unload();
  assert_int_equal(keys_load_hex(OTHER_KEY), ST_OK);
  assert_int_equal(totp_open_secret(sealed, back, sizeof(back), &len), ST_INVALID);
  free(sealed);
}

static void test_open_secret_refuses_wrong_lengths(void **state)
{
  unsigned char back[TOTP_SECRET_MAX];
  char *sealed = NULL;
  size_t len = 0;
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  /* Sealed with the right subkey but too short to be a secret. */
  assert_int_equal(keys_seal(KEYS_TOTP_SEAL, (const unsigned char *)"short", 5, &sealed), ST_OK);
  assert_int_equal(totp_open_secret(sealed, back, sizeof(back), &len), ST_INVALID);
  free(sealed);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rfc6238_vectors),
      cmocka_unit_test(test_code_refuses_bad_secrets),
      cmocka_unit_test(test_verify_window_edges),
      cmocka_unit_test(test_verify_refuses_replay),
      cmocka_unit_test(test_verify_refuses_bad_input),
      cmocka_unit_test(test_verify_near_the_epoch),
      cmocka_unit_test(test_generate_secret),
      cmocka_unit_test(test_base32_encode_vectors),
      cmocka_unit_test(test_base32_decode_vectors),
      cmocka_unit_test(test_base32_decode_refuses),
      cmocka_unit_test(test_base32_round_trips),
      cmocka_unit_test(test_uri),
      cmocka_unit_test(test_uri_refuses),
      cmocka_unit_test_teardown(test_seal_secret, unload),
      cmocka_unit_test_teardown(test_open_secret_refuses_wrong_lengths, unload),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
