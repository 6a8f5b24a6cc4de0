/*
 * totp.h - time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) for staff sign-in:
 * HMAC-SHA1, 6 digits, 30-second steps from T0 = 0, as every authenticator app expects. Secrets
 * are 20 random bytes, shown to the user in base32 (RFC 4648) inside an otpauth:// URI and
 * stored sealed with the KEYS_TOTP_SEAL subkey.
 */
#ifndef BIANMIN_DOMAIN_TOTP_H
#define BIANMIN_DOMAIN_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TOTP_SECRET_BYTES 20
/* RFC 4226 R6 asks for at least 128 bits; HMAC-SHA1 gains nothing beyond its block size. */
#define TOTP_SECRET_MIN 16
#define TOTP_SECRET_MAX 64
#define TOTP_DIGITS     6
#define TOTP_PERIOD     30
/* The largest verification window (steps either side of now) totp_verify accepts. */
#define TOTP_WINDOW_MAX 10
/* Base32 characters of TOTP_SECRET_BYTES bytes (32) and of TOTP_SECRET_MAX bytes, plus NUL. */
#define TOTP_SECRET_B32_SIZE 33
#define TOTP_BASE32_MAX_SIZE ((TOTP_SECRET_MAX * 8 + 4) / 5 + 1)

/* Fills secret with TOTP_SECRET_BYTES random bytes. ST_IO when libsodium cannot start. */
int totp_generate_secret(unsigned char secret[TOTP_SECRET_BYTES]);

/* RFC 4648 base32, uppercase, without padding, NUL-terminated. ST_LIMIT when out_size is too
 * small (it needs (len * 8 + 4) / 5 + 1 bytes). */
int totp_base32_encode(const unsigned char *data, size_t len, char *out, size_t out_size);

/* Decodes base32: case-insensitive, spaces ignored, '=' padding allowed only at the end. Refuses
 * (ST_INVALID) other characters, impossible lengths and non-zero trailing bits; ST_LIMIT when
 * more than out_size bytes would come out. *out_len gets the number of bytes. */
int totp_base32_decode(const char *in, unsigned char *out, size_t out_size, size_t *out_len);

/* The 6-digit code of step (the HOTP counter: unix time / 30) as text with its NUL. ST_INVALID
 * for a secret outside TOTP_SECRET_MIN..TOTP_SECRET_MAX bytes. */
int totp_code(const unsigned char *secret, size_t len, uint64_t step, char out[TOTP_DIGITS + 1]);

/* Checks code (exactly 6 ASCII digits) against the steps now/30 - window .. now/30 + window and
 * accepts only a matching step greater than last_used_step (-1 when none was used yet), so a
 * code cannot be replayed; the caller stores *matched_step as the new last_used_step. Every
 * step in the window is computed and compared with sodium_memcmp, whether or not an earlier one
 * matched. ST_OK on a match, ST_INVALID otherwise (also for now < 0, a window outside
 * 0..TOTP_WINDOW_MAX or a bad secret). matched_step may be NULL. */
int totp_verify(const unsigned char *secret, size_t len, const char *code, time_t now, int window,
                int64_t last_used_step, int64_t *matched_step);

/* "otpauth://totp/ISSUER:ACCOUNT?secret=S&issuer=ISSUER&algorithm=SHA1&digits=6&period=30" with
 * issuer and account percent-encoded (everything but RFC 3986 unreserved characters, so a space
 * is %20). issuer and account must be non-empty valid UTF-8 without controls or ':';
 * secret_b32 uppercase base32 without padding. ST_INVALID, or ST_LIMIT when out_size is too
 * small (out is then ""). */
int totp_uri(const char *issuer, const char *account, const char *secret_b32, char *out,
             size_t out_size);

/* Seals a secret for storage with the KEYS_TOTP_SEAL subkey (format: keys_seal); *sealed is
 * malloc'd. ST_INVALID when no key is loaded or the length is outside the secret limits. */
int totp_seal_secret(const unsigned char *secret, size_t len, char **sealed);

/* Opens totp_seal_secret text into secret (secret_size bytes); *len gets the length.
 * ST_INVALID for a wrong format, key or purpose, tampering or no key loaded; ST_LIMIT when
 * secret_size is too small. */
int totp_open_secret(const char *sealed, unsigned char *secret, size_t secret_size, size_t *len);

#endif
