/* audit_hash.c - the canonical encoding and SHA-256 of one audit entry (audit_hash.h). */
#include "domain/audit_hash.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/common.h"

#define AUDIT_VERSION_TAG "bianmin-audit-v1;"
/* "<digits of SIZE_MAX>:" fits easily. */
#define LENGTH_PREFIX_SIZE 32

static void hash_bytes(crypto_hash_sha256_state *state, const char *bytes, size_t len)
{
  char prefix[LENGTH_PREFIX_SIZE];
  int n = snprintf(prefix, sizeof(prefix), "%zu:", len);
  crypto_hash_sha256_update(state, (const unsigned char *)prefix, (unsigned long long)n);
  crypto_hash_sha256_update(state, (const unsigned char *)bytes, len);
  crypto_hash_sha256_update(state, (const unsigned char *)";", 1);
}

static void hash_text(crypto_hash_sha256_state *state, const char *text)
{
  if (!text)
    crypto_hash_sha256_update(state, (const unsigned char *)"-;", 2);
  else
    hash_bytes(state, text, strlen(text));
}

static void hash_int(crypto_hash_sha256_state *state, int64_t value)
{
  char digits[LENGTH_PREFIX_SIZE];
  int n = snprintf(digits, sizeof(digits), "%" PRId64, value);
  hash_bytes(state, digits, (size_t)n);
}

static bool is_lower_hex64(const char *s)
{
  if (!s || strnlen(s, AUDIT_HASH_HEX + 1) != AUDIT_HASH_HEX)
    return false;
  for (size_t i = 0; i < AUDIT_HASH_HEX; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return true;
}

int audit_entry_hash(const char *prev_hash_hex, const struct audit_entry *e,
                     char out[AUDIT_HASH_HEX + 1])
{
  crypto_hash_sha256_state state;
  unsigned char digest[crypto_hash_sha256_BYTES];
  out[0] = '\0';
  if (!e || !is_lower_hex64(prev_hash_hex))
    return ST_INVALID;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, (const unsigned char *)AUDIT_VERSION_TAG,
                            sizeof(AUDIT_VERSION_TAG) - 1);
  hash_bytes(&state, prev_hash_hex, AUDIT_HASH_HEX);
  hash_int(&state, e->id);
  hash_text(&state, e->at);
  hash_int(&state, e->office_id);
  hash_int(&state, e->actor_id);
  hash_text(&state, e->actor);
  hash_text(&state, e->ip);
  hash_text(&state, e->action);
  hash_text(&state, e->object_kind);
  hash_text(&state, e->object_id);
  hash_text(&state, e->detail);
  crypto_hash_sha256_final(&state, digest);
  sodium_bin2hex(out, AUDIT_HASH_HEX + 1, digest, sizeof(digest));
  return ST_OK;
}
