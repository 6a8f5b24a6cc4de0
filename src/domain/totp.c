/*
 * totp.c - RFC 6238 TOTP with nettle's HMAC-SHA1, RFC 4648 base32 and otpauth:// URIs
 * (totp.h). Intermediate HMAC state and digests are wiped after use.
 */
#include "domain/totp.h"

#include <nettle/hmac.h>
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "base/str.h"
#include "domain/keys.h"
#include "base/common.h"

#define BASE32_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define TOTP_MODULUS    1000000u

/* A caller's fixed buffer being filled; always NUL-terminated. */
struct out {
  char *ptr;
  size_t size;
  size_t len;
};

static int out_put(struct out *o, const char *s, size_t n)
{
  if (o->size - o->len <= n)
    return ST_LIMIT;
  memcpy(o->ptr + o->len, s, n);
  o->len += n;
  o->ptr[o->len] = '\0';
  return ST_OK;
}

static int out_puts(struct out *o, const char *s)
{
  return out_put(o, s, strlen(s));
}

static bool is_secret_size(const unsigned char *secret, size_t len)
{
  return secret && len >= TOTP_SECRET_MIN && len <= TOTP_SECRET_MAX;
}

int totp_generate_secret(unsigned char secret[TOTP_SECRET_BYTES])
{
  if (sodium_init() < 0)
    return ST_IO;
  randombytes_buf(secret, TOTP_SECRET_BYTES);
  return ST_OK;
}

int totp_base32_encode(const unsigned char *data, size_t len, char *out, size_t out_size)
{
  unsigned acc = 0;
  int bits = 0;
  size_t n = 0;
  if (!out || out_size == 0 || len > (SIZE_MAX - 4) / 8 || (len * 8 + 4) / 5 + 1 > out_size) {
    if (out && out_size > 0)
      out[0] = '\0';
    return ST_LIMIT;
  }
  for (size_t i = 0; i < len; i++) {
    acc = (acc << 8 | data[i]) & 0xFFFu;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out[n++] = BASE32_ALPHABET[(acc >> bits) & 31u];
    }
  }
  if (bits > 0)
    out[n++] = BASE32_ALPHABET[(acc << (5 - bits)) & 31u];
  out[n] = '\0';
  return ST_OK;
}

static int base32_value(char c)
{
  if (c >= 'a' && c <= 'z')
    return c - 'a';
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= '2' && c <= '7')
    return c - '2' + 26;
  return -1;
}

int totp_base32_decode(const char *in, unsigned char *out, size_t out_size, size_t *out_len)
{
  unsigned acc = 0;
  int bits = 0;
  bool padding = false;
  *out_len = 0;
  if (!in)
    return ST_INVALID;
  for (; *in; in++) {
    if (*in == ' ')
      continue;
    if (*in == '=') {
      padding = true;
      continue;
    }
    int value = base32_value(*in);
    if (value < 0 || padding)
      return ST_INVALID;
    acc = (acc << 5 | (unsigned)value) & 0xFFFu;
    bits += 5;
    if (bits < 8)
      continue;
    bits -= 8;
    if (*out_len >= out_size)
      return ST_LIMIT;
    out[(*out_len)++] = (unsigned char)(acc >> bits);
  }
  /* A whole leftover character (5+ bits) means an impossible length (1, 3 or 6 mod 8). */
  if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
    return ST_INVALID;
  return ST_OK;
}

int totp_code(const unsigned char *secret, size_t len, uint64_t step, char out[TOTP_DIGITS + 1])
{
  struct hmac_sha1_ctx ctx;
  uint8_t counter[8], digest[SHA1_DIGEST_SIZE];
  out[0] = '\0';
  if (!is_secret_size(secret, len))
    return ST_INVALID;
  for (int i = 0; i < 8; i++)
    counter[7 - i] = (uint8_t)(step >> (8 * i));
  hmac_sha1_set_key(&ctx, len, secret);
  hmac_sha1_update(&ctx, sizeof(counter), counter);
  hmac_sha1_digest(&ctx, SHA1_DIGEST_SIZE, digest);
  /* RFC 4226 5.3 dynamic truncation. */
  unsigned offset = digest[SHA1_DIGEST_SIZE - 1] & 0x0Fu;
  uint32_t binary = (uint32_t)(digest[offset] & 0x7Fu) << 24 | (uint32_t)digest[offset + 1] << 16 |
                    (uint32_t)digest[offset + 2] << 8 | (uint32_t)digest[offset + 3];
  uint32_t code = binary % TOTP_MODULUS;
  for (int i = TOTP_DIGITS - 1; i >= 0; i--) {
    out[i] = (char)('0' + code % 10);
    code /= 10;
  }
  out[TOTP_DIGITS] = '\0';
  sodium_memzero(&ctx, sizeof(ctx));
  sodium_memzero(digest, sizeof(digest));
  return ST_OK;
}

static bool is_code_text(const char *code)
{
  if (!code || strnlen(code, TOTP_DIGITS + 1) != TOTP_DIGITS)
    return false;
  for (int i = 0; i < TOTP_DIGITS; i++)
    if (code[i] < '0' || code[i] > '9')
      return false;
  return true;
}

int totp_verify(const unsigned char *secret, size_t len, const char *code, time_t now, int window,
                int64_t last_used_step, int64_t *matched_step)
{
  int64_t found = -1;
  if (!is_code_text(code) || now < 0 || window < 0 || window > TOTP_WINDOW_MAX ||
      !is_secret_size(secret, len))
    return ST_INVALID;
  int64_t now_step = (int64_t)now / TOTP_PERIOD;
  for (int64_t step = now_step - window; step <= now_step + window; step++) {
    char candidate[TOTP_DIGITS + 1];
    if (step < 0 || totp_code(secret, len, (uint64_t)step, candidate) != ST_OK)
      continue;
    bool match = sodium_memcmp(candidate, code, TOTP_DIGITS) == 0;
    if (match && step > last_used_step && found < 0)
      found = step;
    sodium_memzero(candidate, sizeof(candidate));
  }
  if (found < 0)
    return ST_INVALID;
  if (matched_step)
    *matched_step = found;
  return ST_OK;
}

/* Percent-encodes everything but RFC 3986 unreserved characters. */
static int put_encoded(struct out *o, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  int rc = ST_OK;
  for (; *s && rc == ST_OK; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      rc = out_put(o, s, 1);
    } else {
      char triple[3] = {'%', hex[c >> 4], hex[c & 15u]};
      rc = out_put(o, triple, sizeof(triple));
    }
  }
  return rc;
}

static bool is_label_part(const char *s)
{
  return s && *s && str_valid_text(str_from(s), false) && !strchr(s, ':') && !strchr(s, '\t');
}

static bool is_base32_text(const char *s)
{
  if (!s || !*s)
    return false;
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= '2' && *s <= '7')))
      return false;
  return true;
}

int totp_uri(const char *issuer, const char *account, const char *secret_b32, char *out,
             size_t out_size)
{
  struct out o = {out, out_size, 0};
  int rc;
  if (!out || out_size == 0)
    return ST_LIMIT;
  out[0] = '\0';
  if (!is_label_part(issuer) || !is_label_part(account) || !is_base32_text(secret_b32))
    return ST_INVALID;
  rc = out_puts(&o, "otpauth://totp/");
  if (!rc)
    rc = put_encoded(&o, issuer);
  if (!rc)
    rc = out_puts(&o, ":");
  if (!rc)
    rc = put_encoded(&o, account);
  if (!rc)
    rc = out_puts(&o, "?secret=");
  if (!rc)
    rc = out_puts(&o, secret_b32);
  if (!rc)
    rc = out_puts(&o, "&issuer=");
  if (!rc)
    rc = put_encoded(&o, issuer);
  if (!rc)
    rc = out_puts(&o, "&algorithm=SHA1&digits=6&period=30");
  if (rc)
    out[0] = '\0';
  return rc;
}

int totp_seal_secret(const unsigned char *secret, size_t len, char **sealed)
{
  *sealed = NULL;
  if (!is_secret_size(secret, len))
    return ST_INVALID;
  return keys_seal(KEYS_TOTP_SEAL, secret, len, sealed);
}

int totp_open_secret(const char *sealed, unsigned char *secret, size_t secret_size, size_t *len)
{
  unsigned char *data = NULL;
  size_t data_len = 0;
  *len = 0;
  int rc = keys_open(KEYS_TOTP_SEAL, sealed, &data, &data_len);
  if (rc)
    return rc;
  if (data_len < TOTP_SECRET_MIN || data_len > TOTP_SECRET_MAX)
    rc = ST_INVALID;
  else if (data_len > secret_size)
    rc = ST_LIMIT;
  else {
    memcpy(secret, data, data_len);
    *len = data_len;
  }
  keys_wipe_free(data, data_len + 1);
  return rc;
}
