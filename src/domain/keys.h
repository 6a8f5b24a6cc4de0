/*
 * keys.h - the installation's secret keys. One 32-byte master key (a file of 64 hex characters,
 * or BIANMIN_SECRET_KEY for tests) from which a subkey per purpose is derived with libsodium's
 * crypto_kdf (context "bianmin1"), so a key used for one purpose never serves another.
 *
 * The key is process-global and immutable once loaded: load it once at start, before any thread
 * is started; afterwards every thread may read it without locking. Loading again while a key is
 * loaded is refused (ST_CONFLICT); keys_unload() wipes the key (for shutdown and tests).
 */
#ifndef BIANMIN_DOMAIN_KEYS_H
#define BIANMIN_DOMAIN_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#define KEYS_MASTER_BYTES 32
#define KEYS_SUBKEY_BYTES 32
#define KEYS_HEX_CHARS    (2 * KEYS_MASTER_BYTES)
/* Sealed text longer than this is refused by keys_open (and data whose sealed form would be). */
#define KEYS_SEALED_MAX 65536

/* Subkey ids for crypto_kdf_derive_from_key. Never renumber: stored data depends on them. */
enum keys_purpose {
  KEYS_SEAL = 1,      /* personal data at rest (personal_seal) */
  KEYS_LOOKUP = 2,    /* keyed hashes for exact lookups (personal_lookup_hash) */
  KEYS_TOTP_SEAL = 3, /* TOTP secrets at rest (totp_seal_secret) */
  KEYS_TOKEN = 4,     /* HMAC of case QR tokens */
  KEYS_THROTTLE = 5,  /* keyed hashes of typed user names in sign-in throttling */
  KEYS_PASSWORD = 6   /* the pepper: HMAC-SHA256 of staff passwords before argon2id */
};

/* Loads the master key from path: 64 hex characters, optionally followed by one newline ("\n" or
 * "\r\n"). The file must be a regular file not readable or writable by group or others
 * (mode & 077 == 0). ST_IO when it cannot be read, ST_FORBIDDEN when its mode is too open,
 * ST_INVALID when its content is not a key, ST_CONFLICT when a key is already loaded; err then
 * says why (it never contains key material). */
int keys_load_file(const char *path, char *err, size_t err_size);

/* Creates path with mode 0600 holding a new random key (64 hex characters and a newline). Never
 * overwrites: ST_CONFLICT when path exists, ST_IO on other errors (a partly written file is
 * removed). Does not load the key. */
int keys_create_file(const char *path, char *err, size_t err_size);

/* Loads the master key from exactly 64 hex characters (tests, BIANMIN_SECRET_KEY). ST_INVALID
 * for anything else, including the all-zero key; ST_CONFLICT when a key is already loaded. */
int keys_load_hex(const char *hex);

bool keys_loaded(void);

/* Wipes the master key and every subkey (sodium_memzero). Not thread-safe: only when no other
 * thread can use the keys any more. */
void keys_unload(void);

/* The subkey for purpose (KEYS_SUBKEY_BYTES bytes), or NULL when no key is loaded or purpose is
 * unknown. The memory stays valid until keys_unload(). */
const unsigned char *keys_subkey(enum keys_purpose purpose);

/* Seals data with the purpose's subkey: "v1:" + base64url without padding of
 * (24-byte nonce || crypto_secretbox_easy(data)). *sealed is malloc'd text the caller frees.
 * ST_INVALID when no key is loaded or purpose is unknown, ST_LIMIT when the result would exceed
 * KEYS_SEALED_MAX, ST_NOMEM. */
int keys_seal(enum keys_purpose purpose, const unsigned char *data, size_t len, char **sealed);

/* Opens text made by keys_seal with the same purpose. *data is malloc'd (len bytes plus a NUL
 * byte after them, so text comes back as a C string); the caller should wipe and free it
 * (keys_wipe_free). ST_INVALID for a wrong format, a wrong key or purpose, any tampering, or no
 * key loaded; ST_NOMEM. */
int keys_open(enum keys_purpose purpose, const char *sealed, unsigned char **data, size_t *len);

/* sodium_memzero(p, len) then free(p); NULL is fine. */
void keys_wipe_free(void *p, size_t len);

#endif
