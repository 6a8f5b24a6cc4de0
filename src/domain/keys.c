/*
 * keys.c - the master key, its purpose subkeys and secretbox sealing with them (keys.h).
 * Key material lives in one static keyring, locked in memory when the system allows it (best
 * effort) and wiped on unload. Error messages never contain key bytes.
 */
#include "domain/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/common.h"

#define KEYS_CONTEXT       "bianmin1"
#define KEYS_PURPOSE_COUNT 6
#define KEYS_SEAL_PREFIX   "v1:"
#define KEYS_B64_VARIANT   sodium_base64_VARIANT_URLSAFE_NO_PADDING
/* The longest acceptable key file: 64 hex characters and "\r\n". Read one byte more to notice. */
#define KEYS_FILE_MAX (KEYS_HEX_CHARS + 2)

static struct keyring {
  unsigned char master[KEYS_MASTER_BYTES];
  unsigned char subkeys[KEYS_PURPOSE_COUNT][KEYS_SUBKEY_BYTES];
  bool loaded;
} keyring;

static void set_err(char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t err_size, const char *fmt, ...)
{
  va_list ap;
  if (!err || err_size == 0)
    return;
  va_start(ap, fmt);
  vsnprintf(err, err_size, fmt, ap);
  va_end(ap);
}

static bool is_hex_text(const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
      return false;
  }
  return true;
}

/* Parses exactly KEYS_HEX_CHARS hex characters (len) and installs them as the key. */
static int install_hex(const char *hex, size_t len)
{
  unsigned char master[KEYS_MASTER_BYTES];
  size_t bin_len = 0;
  int rc = ST_INVALID;
  if (keyring.loaded)
    return ST_CONFLICT;
  if (sodium_init() < 0)
    return ST_IO;
  if (len != KEYS_HEX_CHARS || !is_hex_text(hex, len))
    return ST_INVALID;
  if (sodium_hex2bin(master, sizeof(master), hex, len, NULL, &bin_len, NULL) != 0 ||
      bin_len != sizeof(master) || sodium_is_zero(master, sizeof(master)))
    goto out;
  (void)sodium_mlock(&keyring, sizeof(keyring)); /* best effort: keep it out of swap */
  memcpy(keyring.master, master, sizeof(master));
  for (int i = 0; i < KEYS_PURPOSE_COUNT; i++)
    crypto_kdf_derive_from_key(keyring.subkeys[i], KEYS_SUBKEY_BYTES, (uint64_t)(i + 1),
                               KEYS_CONTEXT, keyring.master);
  keyring.loaded = true;
  rc = ST_OK;
out:
  sodium_memzero(master, sizeof(master));
  return rc;
}

int keys_load_hex(const char *hex)
{
  if (!hex)
    return ST_INVALID;
  return install_hex(hex, strnlen(hex, KEYS_HEX_CHARS + 1));
}

/* Reads at most size bytes of fd into text; *len gets how many. */
static int read_small(int fd, char *text, size_t size, size_t *len)
{
  size_t used = 0;
  while (used < size) {
    ssize_t n = read(fd, text + used, size - used);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return ST_IO;
    if (n == 0)
      break;
    used += (size_t)n;
  }
  *len = used;
  return ST_OK;
}

static int check_key_file_mode(int fd, const char *path, char *err, size_t err_size)
{
  struct stat st;
  if (fstat(fd, &st) != 0) {
    set_err(err, err_size, "%s: cannot stat the key file: %s", path, strerror(errno));
    return ST_IO;
  }
  if (!S_ISREG(st.st_mode)) {
    set_err(err, err_size, "%s: the key file is not a regular file", path);
    return ST_IO;
  }
  if (st.st_mode & 077) {
    set_err(err, err_size,
            "%s: the key file is accessible by group or others (mode %03o); "
            "run chmod 600 on it",
            path, (unsigned)(st.st_mode & 0777));
    return ST_FORBIDDEN;
  }
  return ST_OK;
}

int keys_load_file(const char *path, char *err, size_t err_size)
{
  char text[KEYS_FILE_MAX + 1];
  size_t len = 0;
  int rc;
  if (keyring.loaded) {
    set_err(err, err_size, "a secret key is already loaded");
    return ST_CONFLICT;
  }
  /* O_NONBLOCK: a FIFO in place of the key must fail the S_ISREG check, not hang the start. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    set_err(err, err_size, "%s: cannot open the key file: %s", path, strerror(errno));
    return ST_IO;
  }
  rc = check_key_file_mode(fd, path, err, err_size);
  if (rc)
    goto out;
  rc = read_small(fd, text, sizeof(text), &len);
  if (rc) {
    set_err(err, err_size, "%s: cannot read the key file: %s", path, strerror(errno));
    goto out;
  }
  if (len > 0 && text[len - 1] == '\n')
    len--;
  if (len > 0 && text[len - 1] == '\r')
    len--;
  rc = install_hex(text, len);
  if (rc == ST_INVALID)
    set_err(err, err_size, "%s: the key file must hold exactly %d hex characters (not all zero)",
            path, KEYS_HEX_CHARS);
  else if (rc)
    set_err(err, err_size, "%s: the key cannot be loaded (%s)", path, status_name(rc));
out:
  sodium_memzero(text, sizeof(text));
  close(fd);
  return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return ST_IO;
    data += n;
    len -= (size_t)n;
  }
  return ST_OK;
}

int keys_create_file(const char *path, char *err, size_t err_size)
{
  unsigned char key[KEYS_MASTER_BYTES];
  char hex[KEYS_HEX_CHARS + 2];
  int rc = ST_IO;
  if (sodium_init() < 0) {
    set_err(err, err_size, "libsodium cannot be initialised");
    return ST_IO;
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
  if (fd < 0) {
    set_err(err, err_size, "%s: cannot create the key file: %s", path, strerror(errno));
    return errno == EEXIST ? ST_CONFLICT : ST_IO;
  }
  do
    randombytes_buf(key, sizeof(key));
  while (sodium_is_zero(key, sizeof(key)));
  sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
  hex[KEYS_HEX_CHARS] = '\n';
  if (fchmod(fd, 0600) == 0 && write_all(fd, hex, sizeof(hex) - 1) == ST_OK && fsync(fd) == 0)
    rc = ST_OK;
  else
    set_err(err, err_size, "%s: cannot write the key file: %s", path, strerror(errno));
  if (close(fd) != 0 && rc == ST_OK) {
    set_err(err, err_size, "%s: cannot write the key file: %s", path, strerror(errno));
    rc = ST_IO;
  }
  if (rc)
    unlink(path);
  sodium_memzero(key, sizeof(key));
  sodium_memzero(hex, sizeof(hex));
  return rc;
}

bool keys_loaded(void)
{
  return keyring.loaded;
}

void keys_unload(void)
{
  bool was_loaded = keyring.loaded;
  sodium_memzero(&keyring, sizeof(keyring));
  if (was_loaded)
    (void)sodium_munlock(&keyring, sizeof(keyring));
}

const unsigned char *keys_subkey(enum keys_purpose purpose)
{
  if (!keyring.loaded || purpose < KEYS_SEAL || purpose > KEYS_PURPOSE_COUNT)
    return NULL;
  return keyring.subkeys[purpose - 1];
}

int keys_seal(enum keys_purpose purpose, const unsigned char *data, size_t len, char **sealed)
{
  const unsigned char *key = keys_subkey(purpose);
  size_t prefix = sizeof(KEYS_SEAL_PREFIX) - 1;
  unsigned char *raw = NULL;
  int rc = ST_INVALID;
  *sealed = NULL;
  if (!key || (!data && len > 0))
    return ST_INVALID;
  if (len > KEYS_SEALED_MAX)
    return ST_LIMIT;
  size_t raw_len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
  size_t text_size = prefix + sodium_base64_ENCODED_LEN(raw_len, KEYS_B64_VARIANT);
  if (text_size - 1 > KEYS_SEALED_MAX)
    return ST_LIMIT;
  raw = malloc(raw_len);
  char *text = malloc(text_size);
  if (!raw || !text) {
    free(text);
    rc = ST_NOMEM;
    goto out;
  }
  randombytes_buf(raw, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, data, len, raw, key);
  memcpy(text, KEYS_SEAL_PREFIX, prefix);
  sodium_bin2base64(text + prefix, text_size - prefix, raw, raw_len, KEYS_B64_VARIANT);
  *sealed = text;
  rc = ST_OK;
out:
  free(raw);
  return rc;
}

/* Decodes the base64url part of sealed text into a malloc'd *raw of *raw_len bytes. */
static int decode_sealed(const char *sealed, unsigned char **raw, size_t *raw_len)
{
  size_t prefix = sizeof(KEYS_SEAL_PREFIX) - 1;
  size_t len = strnlen(sealed, KEYS_SEALED_MAX + 1);
  *raw = NULL;
  if (len > KEYS_SEALED_MAX || len < prefix || memcmp(sealed, KEYS_SEAL_PREFIX, prefix) != 0)
    return ST_INVALID;
  size_t b64_len = len - prefix;
  size_t max = b64_len / 4 * 3 + 3;
  unsigned char *bin = malloc(max);
  if (!bin)
    return ST_NOMEM;
  if (sodium_base642bin(bin, max, sealed + prefix, b64_len, NULL, raw_len, NULL,
                        KEYS_B64_VARIANT) != 0 ||
      *raw_len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    free(bin);
    return ST_INVALID;
  }
  *raw = bin;
  return ST_OK;
}

int keys_open(enum keys_purpose purpose, const char *sealed, unsigned char **data, size_t *len)
{
  const unsigned char *key = keys_subkey(purpose);
  unsigned char *raw = NULL, *plain = NULL;
  size_t raw_len = 0;
  int rc;
  *data = NULL;
  *len = 0;
  if (!key || !sealed)
    return ST_INVALID;
  rc = decode_sealed(sealed, &raw, &raw_len);
  if (rc)
    return rc;
  size_t plain_len = raw_len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
  plain = malloc(plain_len + 1);
  if (!plain) {
    rc = ST_NOMEM;
    goto out;
  }
  if (crypto_secretbox_open_easy(plain, raw + crypto_secretbox_NONCEBYTES,
                                 raw_len - crypto_secretbox_NONCEBYTES, raw, key) != 0) {
    keys_wipe_free(plain, plain_len + 1);
    rc = ST_INVALID;
    goto out;
  }
  plain[plain_len] = '\0';
  *data = plain;
  *len = plain_len;
out:
  free(raw);
  return rc;
}

void keys_wipe_free(void *p, size_t len)
{
  if (!p)
    return;
  sodium_memzero(p, len);
  free(p);
}
