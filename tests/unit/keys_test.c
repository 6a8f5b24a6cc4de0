/*
 * keys_test.c - the master key loads from hex or from a private file only, subkeys are derived
 * as documented (crypto_kdf, context "bianmin1", ids 1-4), key files are created 0600 and never
 * overwritten, and sealed text opens only with the same key and purpose, untampered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "domain/keys.h"
#include "base/common.h"

#define TEMP_DIR_MAX 256
#define PATH_LEN     512
#define ERR_LEN      256
#define TEST_KEY     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define OTHER_KEY    "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f"

static char temp_dir[TEMP_DIR_MAX];
static int file_counter;

static void temp_path(char *out, size_t size, const char *name)
{
  int n = snprintf(out, size, "%s/%s", temp_dir, name);
  assert_true(n > 0 && (size_t)n < size);
}

/* A fresh file name in the temp folder for each call. */
static void fresh_path(char *out, size_t size)
{
  char name[32];
  snprintf(name, sizeof(name), "key%d", ++file_counter);
  temp_path(out, size, name);
}

static void write_file(const char *path, const char *content, size_t len, mode_t mode)
{
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(content, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
  assert_int_equal(chmod(path, mode), 0);
}

static int setup_group(void **state)
{
  snprintf(temp_dir, sizeof(temp_dir), "/tmp/bianmin-keys-XXXXXX");
  if (!mkdtemp(temp_dir))
    return -1;
  return sodium_init() < 0 ? -1 : 0;
}

static int teardown_group(void **state)
{
  char path[PATH_LEN];
  for (int i = 1; i <= file_counter; i++) {
    snprintf(path, sizeof(path), "%s/key%d", temp_dir, i);
    unlink(path);
  }
  temp_path(path, sizeof(path), "a-directory");
  rmdir(path);
  return rmdir(temp_dir);
}

static int unload(void **state)
{
  keys_unload();
  return 0;
}

static void test_load_hex_derives_documented_subkeys(void **state)
{
  unsigned char master[KEYS_MASTER_BYTES], expected[KEYS_SUBKEY_BYTES];
  assert_false(keys_loaded());
  assert_null(keys_subkey(KEYS_SEAL));
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  assert_true(keys_loaded());
  assert_int_equal(
      sodium_hex2bin(master, sizeof(master), TEST_KEY, KEYS_HEX_CHARS, NULL, NULL, NULL), 0);
  for (int id = KEYS_SEAL; id <= KEYS_THROTTLE; id++) {
    crypto_kdf_derive_from_key(expected, sizeof(expected), (uint64_t)id, "bianmin1", master);
    assert_non_null(keys_subkey((enum keys_purpose)id));
    assert_memory_equal(keys_subkey((enum keys_purpose)id), expected, sizeof(expected));
  }
  /* Subkeys differ from each other and from the master key. */
  for (int a = KEYS_SEAL; a <= KEYS_PASSWORD; a++) {
    assert_memory_not_equal(keys_subkey((enum keys_purpose)a), master, KEYS_SUBKEY_BYTES);
    for (int b = a + 1; b <= KEYS_PASSWORD; b++)
      assert_memory_not_equal(keys_subkey((enum keys_purpose)a), keys_subkey((enum keys_purpose)b),
                              KEYS_SUBKEY_BYTES);
  }
  assert_null(keys_subkey((enum keys_purpose)0));
  assert_null(keys_subkey((enum keys_purpose)7));
}

static void test_load_hex_accepts_uppercase(void **state)
{
  unsigned char lower[KEYS_SUBKEY_BYTES];
  assert_int_equal(keys_load_hex(OTHER_KEY), ST_OK);
  memcpy(lower, keys_subkey(KEYS_SEAL), sizeof(lower));
  keys_unload();
  assert_int_equal(
      keys_load_hex("F0E1D2C3B4A5968778695A4B3C2D1E0FF0E1D2C3B4A5968778695A4B3C2D1E0F"), ST_OK);
  assert_memory_equal(keys_subkey(KEYS_SEAL), lower, sizeof(lower));
}

static void test_load_hex_refuses_non_keys(void **state)
{
  static const char *const bad[] = {
      "",
      "00",
      /* 63 and 65 characters */
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1",
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0",
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g",
      "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      " 00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
      "0000000000000000000000000000000000000000000000000000000000000000",
  };
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    assert_int_equal(keys_load_hex(bad[i]), ST_INVALID);
    assert_false(keys_loaded());
  }
  assert_int_equal(keys_load_hex(NULL), ST_INVALID);
  assert_false(keys_loaded());
}

static void test_key_is_immutable_once_loaded(void **state)
{
  unsigned char before[KEYS_SUBKEY_BYTES];
  char err[ERR_LEN] = "", path[PATH_LEN];
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  memcpy(before, keys_subkey(KEYS_SEAL), sizeof(before));
  assert_int_equal(keys_load_hex(OTHER_KEY), ST_CONFLICT);
  fresh_path(path, sizeof(path));
  write_file(path, OTHER_KEY "\n", KEYS_HEX_CHARS + 1, 0600);
  assert_int_equal(keys_load_file(path, err, sizeof(err)), ST_CONFLICT);
  assert_non_null(strstr(err, "already loaded"));
  assert_memory_equal(keys_subkey(KEYS_SEAL), before, sizeof(before));
}

static void test_unload_wipes_the_key(void **state)
{
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  const unsigned char *subkey = keys_subkey(KEYS_LOOKUP);
  assert_false(sodium_is_zero(subkey, KEYS_SUBKEY_BYTES));
  keys_unload();
  assert_false(keys_loaded());
  assert_null(keys_subkey(KEYS_LOOKUP));
  /* The storage is static: the old pointer still points at it, and it must be all zero now. */
  assert_true(sodium_is_zero(subkey, KEYS_SUBKEY_BYTES));
  keys_unload(); /* twice is fine */
  assert_int_equal(keys_load_hex(OTHER_KEY), ST_OK);
}

static void test_load_file_accepts_private_key_files(void **state)
{
  static const char *const contents[] = {TEST_KEY, TEST_KEY "\n", TEST_KEY "\r\n"};
  char err[ERR_LEN], path[PATH_LEN];
  for (size_t i = 0; i < ARRAY_LEN(contents); i++) {
    fresh_path(path, sizeof(path));
    write_file(path, contents[i], strlen(contents[i]), i == 2 ? 0400 : 0600);
    err[0] = '\0';
    assert_int_equal(keys_load_file(path, err, sizeof(err)), ST_OK);
    assert_string_equal(err, "");
    assert_true(keys_loaded());
    keys_unload();
  }
}

static void test_load_file_refuses_open_modes(void **state)
{
  static const mode_t modes[] = {0640, 0604, 0660, 0644, 0666, 0610, 0601, 0620, 0602};
  char err[ERR_LEN], path[PATH_LEN];
  for (size_t i = 0; i < ARRAY_LEN(modes); i++) {
    fresh_path(path, sizeof(path));
    write_file(path, TEST_KEY "\n", KEYS_HEX_CHARS + 1, modes[i]);
    err[0] = '\0';
    assert_int_equal(keys_load_file(path, err, sizeof(err)), ST_FORBIDDEN);
    assert_non_null(strstr(err, "group or others"));
    assert_non_null(strstr(err, "chmod 600"));
    assert_false(keys_loaded());
  }
}

static void test_load_file_refuses_bad_content(void **state)
{
  static const char *const contents[] = {
      "",
      "\n",
      TEST_KEY "\n\n",
      TEST_KEY " ",
      " " TEST_KEY,
      TEST_KEY "0",
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1\n",
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1z\n",
      "0000000000000000000000000000000000000000000000000000000000000000\n",
      TEST_KEY "\n" TEST_KEY "\n",
  };
  char err[ERR_LEN], path[PATH_LEN];
  for (size_t i = 0; i < ARRAY_LEN(contents); i++) {
    fresh_path(path, sizeof(path));
    write_file(path, contents[i], strlen(contents[i]), 0600);
    err[0] = '\0';
    assert_int_equal(keys_load_file(path, err, sizeof(err)), ST_INVALID);
    assert_non_null(strstr(err, "64 hex characters"));
    assert_null(strstr(err, "0001020304")); /* never echo key material */
    assert_false(keys_loaded());
  }
}

static void test_load_file_refuses_missing_files_and_directories(void **state)
{
  char err[ERR_LEN] = "", path[PATH_LEN];
  temp_path(path, sizeof(path), "no-such-file");
  assert_int_equal(keys_load_file(path, err, sizeof(err)), ST_IO);
  assert_non_null(strstr(err, "cannot open"));
  temp_path(path, sizeof(path), "a-directory");
  assert_int_equal(mkdir(path, 0700), 0);
  assert_int_equal(keys_load_file(path, err, sizeof(err)), ST_IO);
  assert_non_null(strstr(err, "not a regular file"));
  assert_int_equal(keys_load_file(path, NULL, 0), ST_IO); /* no room for a message is fine */
  /* A FIFO is refused at once instead of blocking until someone writes to it. */
  fresh_path(path, sizeof(path));
  assert_int_equal(mkfifo(path, 0600), 0);
  assert_int_equal(keys_load_file(path, err, sizeof(err)), ST_IO);
  assert_non_null(strstr(err, "not a regular file"));
  assert_false(keys_loaded());
}

static void read_back(const char *path, char *content, size_t size, size_t *len)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  *len = fread(content, 1, size - 1, f);
  content[*len] = '\0';
  fclose(f);
}

static void test_create_file_makes_a_private_new_key(void **state)
{
  char err[ERR_LEN] = "", path[PATH_LEN], second[PATH_LEN], a[128], b[128];
  size_t len_a = 0, len_b = 0;
  struct stat st;
  mode_t old_mask = umask(0); /* even a permissive umask must give 0600 */
  fresh_path(path, sizeof(path));
  int rc = keys_create_file(path, err, sizeof(err));
  umask(old_mask);
  assert_int_equal(rc, ST_OK);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  read_back(path, a, sizeof(a), &len_a);
  assert_int_equal(len_a, KEYS_HEX_CHARS + 1);
  assert_int_equal(a[KEYS_HEX_CHARS], '\n');
  assert_false(keys_loaded()); /* creating does not load */
  assert_int_equal(keys_load_file(path, err, sizeof(err)), ST_OK);
  /* A second key is different. */
  fresh_path(second, sizeof(second));
  assert_int_equal(keys_create_file(second, err, sizeof(err)), ST_OK);
  read_back(second, b, sizeof(b), &len_b);
  assert_int_equal(len_b, KEYS_HEX_CHARS + 1);
  assert_memory_not_equal(a, b, KEYS_HEX_CHARS);
}

static void test_create_file_never_overwrites(void **state)
{
  char err[ERR_LEN] = "", path[PATH_LEN], before[128], after[128], link_path[PATH_LEN];
  size_t len_before = 0, len_after = 0;
  fresh_path(path, sizeof(path));
  assert_int_equal(keys_create_file(path, err, sizeof(err)), ST_OK);
  read_back(path, before, sizeof(before), &len_before);
  assert_int_equal(keys_create_file(path, err, sizeof(err)), ST_CONFLICT);
  assert_non_null(strstr(err, "cannot create"));
  read_back(path, after, sizeof(after), &len_after);
  assert_int_equal(len_before, len_after);
  assert_memory_equal(before, after, len_before);
  /* Nor through a symbolic link, even a dangling one. */
  fresh_path(link_path, sizeof(link_path));
  assert_int_equal(symlink("/nonexistent/bianmin-key", link_path), 0);
  assert_int_not_equal(keys_create_file(link_path, err, sizeof(err)), ST_OK);
  /* Nor in a folder that does not exist. */
  temp_path(path, sizeof(path), "no-such-folder/key");
  assert_int_equal(keys_create_file(path, err, sizeof(err)), ST_IO);
}

static void test_seal_round_trip_binary(void **state)
{
  static const unsigned char data[] = {0, 1, 2, 0, 255, 'a', 0};
  char *sealed = NULL, *again = NULL;
  unsigned char *opened = NULL;
  size_t len = 99;
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  assert_int_equal(keys_seal(KEYS_SEAL, data, sizeof(data), &sealed), ST_OK);
  assert_true(strncmp(sealed, "v1:", 3) == 0);
  /* base64url without padding: only A-Z a-z 0-9 - _ */
  assert_int_equal(strspn(sealed + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789-_"),
                   strlen(sealed + 3));
  assert_int_equal(keys_open(KEYS_SEAL, sealed, &opened, &len), ST_OK);
  assert_int_equal(len, sizeof(data));
  assert_memory_equal(opened, data, sizeof(data));
  assert_int_equal(opened[len], 0);
  keys_wipe_free(opened, len);
  /* A fresh nonce every time. */
  assert_int_equal(keys_seal(KEYS_SEAL, data, sizeof(data), &again), ST_OK);
  assert_string_not_equal(sealed, again);
  free(sealed);
  free(again);
  /* Empty data seals too. */
  assert_int_equal(keys_seal(KEYS_SEAL, NULL, 0, &sealed), ST_OK);
  assert_int_equal(keys_open(KEYS_SEAL, sealed, &opened, &len), ST_OK);
  assert_int_equal(len, 0);
  keys_wipe_free(opened, 1);
  free(sealed);
  keys_wipe_free(NULL, 10);
}

static void test_open_refuses_tampering(void **state)
{
  char *sealed = NULL;
  unsigned char *opened = NULL;
  size_t len = 0;
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  assert_int_equal(keys_seal(KEYS_SEAL, (const unsigned char *)"A123456789", 10, &sealed), ST_OK);
  size_t sealed_len = strlen(sealed);
  for (size_t i = 0; i < sealed_len; i++) {
    char saved = sealed[i];
    sealed[i] = saved == 'A' ? 'B' : 'A';
    assert_int_equal(keys_open(KEYS_SEAL, sealed, &opened, &len), ST_INVALID);
    assert_null(opened);
    sealed[i] = saved;
  }
  /* Truncated at every length. */
  for (size_t cut = 0; cut < sealed_len; cut++) {
    char *copy = strndup(sealed, cut);
    assert_non_null(copy);
    assert_int_equal(keys_open(KEYS_SEAL, copy, &opened, &len), ST_INVALID);
    free(copy);
  }
  assert_int_equal(keys_open(KEYS_SEAL, sealed, &opened, &len), ST_OK);
  keys_wipe_free(opened, len);
  free(sealed);
}

static void test_open_refuses_bad_formats(void **state)
{
  static const char *const bad[] = {
      "",
      "v1:",
      "v1",
      "v2:AAAA",
      "V1:AAAA",
      "v1:!!!!",
      "v1:AAAA=",
      "v1:AA AA",
      "v1:AAAA\n",
      /* 40 zero bytes: long enough, not a box */
      "v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  };
  unsigned char *opened = NULL;
  size_t len = 0;
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  for (size_t i = 0; i < ARRAY_LEN(bad); i++)
    assert_int_equal(keys_open(KEYS_SEAL, bad[i], &opened, &len), ST_INVALID);
  assert_int_equal(keys_open(KEYS_SEAL, NULL, &opened, &len), ST_INVALID);
  /* Longer than the limit is refused before decoding. */
  char *huge = malloc(KEYS_SEALED_MAX + 2);
  assert_non_null(huge);
  memcpy(huge, "v1:", 3);
  memset(huge + 3, 'A', KEYS_SEALED_MAX - 1);
  huge[KEYS_SEALED_MAX + 1] = '\0';
  assert_int_equal(keys_open(KEYS_SEAL, huge, &opened, &len), ST_INVALID);
  free(huge);
}

static void test_seal_is_bound_to_key_and_purpose(void **state)
{
  char *sealed = NULL;
  unsigned char *opened = NULL;
  size_t len = 0;
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  assert_int_equal(keys_seal(KEYS_SEAL, (const unsigned char *)"secret", 6, &sealed), ST_OK);
  assert_int_equal(keys_open(KEYS_TOTP_SEAL, sealed, &opened, &len), ST_INVALID);
  assert_int_equal(keys_open(KEYS_LOOKUP, sealed, &opened, &len), ST_INVALID);
  assert_int_equal(keys_open((enum keys_purpose)9, sealed, &opened, &len), ST_INVALID);
  keys_unload();
  assert_int_equal(keys_open(KEYS_SEAL, sealed, &opened, &len), ST_INVALID); /* no key */
  assert_int_equal(keys_load_hex(OTHER_KEY), ST_OK);
  assert_int_equal(keys_open(KEYS_SEAL, sealed, &opened, &len), ST_INVALID); /* other key */
  keys_unload();
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  assert_int_equal(keys_open(KEYS_SEAL, sealed, &opened, &len), ST_OK); /* same key again */
  assert_memory_equal(opened, "secret", 6);
  keys_wipe_free(opened, len);
  free(sealed);
}

static void test_seal_refuses_without_key_and_past_the_limit(void **state)
{
  char *sealed = (char *)"untouched";
  unsigned char *big = NULL;
  assert_int_equal(keys_seal(KEYS_SEAL, (const unsigned char *)"x", 1, &sealed), ST_INVALID);
  assert_null(sealed);
  assert_int_equal(keys_load_hex(TEST_KEY), ST_OK);
  assert_int_equal(keys_seal((enum keys_purpose)0, (const unsigned char *)"x", 1, &sealed),
                   ST_INVALID);
  assert_int_equal(keys_seal(KEYS_SEAL, NULL, 1, &sealed), ST_INVALID);
  big = calloc(1, KEYS_SEALED_MAX + 1);
  assert_non_null(big);
  assert_int_equal(keys_seal(KEYS_SEAL, big, KEYS_SEALED_MAX + 1, &sealed), ST_LIMIT);
  /* Base64 grows data by 4/3: the largest data whose sealed text still fits is about 3/4. */
  assert_int_equal(keys_seal(KEYS_SEAL, big, KEYS_SEALED_MAX / 4 * 3, &sealed), ST_LIMIT);
  assert_int_equal(keys_seal(KEYS_SEAL, big, KEYS_SEALED_MAX / 2, &sealed), ST_OK);
  unsigned char *opened = NULL;
  size_t len = 0;
  assert_int_equal(keys_open(KEYS_SEAL, sealed, &opened, &len), ST_OK);
  assert_int_equal(len, KEYS_SEALED_MAX / 2);
  keys_wipe_free(opened, len);
  free(sealed);
  free(big);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_load_hex_derives_documented_subkeys, unload),
      cmocka_unit_test_teardown(test_load_hex_accepts_uppercase, unload),
      cmocka_unit_test_teardown(test_load_hex_refuses_non_keys, unload),
      cmocka_unit_test_teardown(test_key_is_immutable_once_loaded, unload),
      cmocka_unit_test_teardown(test_unload_wipes_the_key, unload),
      cmocka_unit_test_teardown(test_load_file_accepts_private_key_files, unload),
      cmocka_unit_test_teardown(test_load_file_refuses_open_modes, unload),
      cmocka_unit_test_teardown(test_load_file_refuses_bad_content, unload),
      cmocka_unit_test_teardown(test_load_file_refuses_missing_files_and_directories, unload),
      cmocka_unit_test_teardown(test_create_file_makes_a_private_new_key, unload),
      cmocka_unit_test_teardown(test_create_file_never_overwrites, unload),
      cmocka_unit_test_teardown(test_seal_round_trip_binary, unload),
      cmocka_unit_test_teardown(test_open_refuses_tampering, unload),
      cmocka_unit_test_teardown(test_open_refuses_bad_formats, unload),
      cmocka_unit_test_teardown(test_seal_is_bound_to_key_and_purpose, unload),
      cmocka_unit_test_teardown(test_seal_refuses_without_key_and_past_the_limit, unload),
  };
  return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
