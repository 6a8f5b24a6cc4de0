/*
 * accounts.c - sign-in, sessions and account administration (accounts.h).
 *
 * Throttling: failed sign-ins are counted per username as typed (whether or not such an
 * account exists, so the answers reveal nothing), kept under a keyed hash of it (never the
 * typed text, which may be a password typed in the wrong field), and per client address. A username
 * is locked after policy->user_lock_after consecutive failures, for 1 minute, then 2, 4, ... up to
 * an hour per further failure; an address after policy->ip_lock_after failures within the window,
 * for the rest of the window.
 */
#include "domain/accounts.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/civil.h"
#include "base/clock.h"
#include "base/str.h"
#include "base/text.h"
#include "domain/keys.h"
#include "domain/lookup.h"
#include "domain/notify.h"
#include "domain/password.h"
#include "domain/totp.h"

#include "base/common.h"

const struct accounts_policy accounts_default_policy = {30 * 60, 12 * 3600, 5, 20, 15 * 60};

enum { USERNAME_MAX = 64, NAME_MAX_CHARS = 100, EMAIL_MAX = 254, LOCK_MAX_SECONDS = 3600 };

static const char *const role_names[] = {"clerk", "handler", "supervisor", "admin", "analyst"};

const char *role_name(unsigned role)
{
  for (size_t i = 0; i < ARRAY_LEN(role_names); i++)
    if (role == (1u << i))
      return role_names[i];
  return NULL;
}

static int role_bit(const char *name, size_t len, unsigned *bit)
{
  for (size_t i = 0; i < ARRAY_LEN(role_names); i++)
    if (strlen(role_names[i]) == len && memcmp(role_names[i], name, len) == 0) {
      *bit = 1u << i;
      return ST_OK;
    }
  return ST_INVALID;
}

int roles_parse(const char *list, unsigned *roles)
{
  unsigned mask = 0;
  const char *p = list;
  while (p && *p) {
    size_t len = strcspn(p, ", ");
    unsigned bit;
    if (len && role_bit(p, len, &bit))
      return ST_INVALID;
    if (len)
      mask |= bit;
    p += len;
    p += strspn(p, ", ");
  }
  if (!mask)
    return ST_INVALID;
  *roles = mask;
  return ST_OK;
}

int roles_format(unsigned roles, char *out, size_t out_size)
{
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < ARRAY_LEN(role_names); i++) {
    if (!(roles & (1u << i)))
      continue;
    int n = snprintf(out + used, out_size - used, "%s%s", used ? "," : "", role_names[i]);
    if (n < 0 || (size_t)n >= out_size - used)
      return ST_LIMIT;
    used += (size_t)n;
  }
  return ST_OK;
}

int accounts_password_policy(const char *password, const char **reason)
{
  size_t bytes = password ? strlen(password) : 0;
  if (!password || !str_valid_text(str_from(password), false)) {
    *reason = "account_err_password_invalid";
    return ST_INVALID;
  }
  if (text_length(password) < ACCOUNTS_PASSWORD_MIN) {
    *reason = "account_err_password_short";
    return ST_INVALID;
  }
  if (bytes > ACCOUNTS_PASSWORD_MAX) {
    *reason = "account_err_password_long";
    return ST_INVALID;
  }
  return ST_OK;
}

void accounts_random_token(char out[ACCOUNTS_TOKEN_SIZE])
{
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof(bytes));
  sodium_bin2base64(out, ACCOUNTS_TOKEN_SIZE, bytes, sizeof(bytes),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void accounts_token_hash(const char *token, char out[65])
{
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
  sodium_bin2hex(out, 65, digest, sizeof(digest));
}

/* Hashes made with the pepper carry this mark before libsodium's "$argon2id$..." string;
 * hashes without it (made before issue 21, or with no key loaded) are argon2id of the password
 * itself and are rehashed with the pepper at the next successful sign-in (password_upgrade). */
#define PEPPER_MARK     "p1:"
#define PEPPER_MARK_LEN 3

/* The pepper (ASVS 2.4.5): HMAC-SHA256 of the password keyed with the KEYS_PASSWORD subkey,
 * which lives in the master key file, never in the database. false when no key is loaded. */
static bool pepper(const char *password, unsigned char out[crypto_auth_hmacsha256_BYTES])
{
  const unsigned char *key = keys_subkey(KEYS_PASSWORD);
  if (!key)
    return false;
  crypto_auth_hmacsha256(out, (const unsigned char *)password, strlen(password), key);
  return true;
}

static int password_hash(const char *password, char out[crypto_pwhash_STRBYTES])
{
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  char inner[crypto_pwhash_STRBYTES];
  if (!pepper(password, mac)) {
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
      return ST_NOMEM;
    return ST_OK;
  }
  int rc =
      crypto_pwhash_str(inner, (const char *)mac, sizeof(mac), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
          ? ST_OK
          : ST_NOMEM;
  sodium_memzero(mac, sizeof(mac));
  int n = rc ? 0 : snprintf(out, crypto_pwhash_STRBYTES, "%s%s", PEPPER_MARK, inner);
  if (n < 0 || (size_t)n >= crypto_pwhash_STRBYTES)
    rc = ST_LIMIT;
  return rc;
}

static bool peppered(const char *hash)
{
  return strncmp(hash, PEPPER_MARK, PEPPER_MARK_LEN) == 0;
}

/* Whether password matches hash: a peppered one needs this installation's key (a hash copied
 * to an installation with another key never verifies). */
static bool password_verify(const char *hash, const char *password)
{
  if (!peppered(hash))
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  if (!pepper(password, mac))
    return false;
  bool ok = crypto_pwhash_str_verify(hash + PEPPER_MARK_LEN, (const char *)mac, sizeof(mac)) == 0;
  sodium_memzero(mac, sizeof(mac));
  return ok;
}

/* Verifies against the stored hash, or against a fixed dummy hash when there is no account,
 * so that both cases cost the same. */
static bool password_matches(json_t *user, const char *password)
{
  static char dummy[crypto_pwhash_STRBYTES];
  const char *hash = json_string_value(json_object_get(user, "password_hash"));
  if (!hash) {
    if (!dummy[0] && password_hash("bianmin-dummy-password", dummy))
      return false;
    if (password_verify(dummy, password))
      return false; /* cannot happen; the result is discarded either way */
    return false;
  }
  return password_verify(hash, password);
}

/* After a successful sign-in (or step-up) with password: a hash without the pepper is replaced
 * by one with it, when a key is loaded (the same password: its expiry and time stay). */
static int password_upgrade(struct store *store, json_t *user, const char *password)
{
  const char *hash = json_string_value(json_object_get(user, "password_hash"));
  char fresh[crypto_pwhash_STRBYTES];
  if (!hash || peppered(hash) || !keys_subkey(KEYS_PASSWORD))
    return ST_OK;
  int rc = password_hash(password, fresh);
  return rc ? rc
            : store_user_set_hash(store, json_integer_value(json_object_get(user, "id")), hash,
                                  fresh);
}

/* ---- throttling ---------------------------------------------------------------------- */

static int64_t row_int(json_t *row, const char *key)
{
  return json_integer_value(json_object_get(row, key));
}

/* Minutes until key is unlocked (0 = not locked). */
static int throttle_locked(struct store *store, const char *key, time_t now)
{
  json_t *row;
  if (store_throttle_get(store, key, &row))
    return 0;
  int64_t until = row_int(row, "locked_until");
  json_decref(row);
  return until > now ? (int)((until - now + 59) / 60) : 0;
}

static int64_t user_lock_seconds(int64_t failures, int lock_after)
{
  if (failures < lock_after)
    return 0;
  int64_t seconds = 60;
  for (int64_t i = lock_after; i < failures && seconds < LOCK_MAX_SECONDS; i++)
    seconds *= 2;
  return seconds < LOCK_MAX_SECONDS ? seconds : LOCK_MAX_SECONDS;
}

/* Counts one failure for key; window 0 = consecutive failures (usernames). */
static int throttle_fail(struct store *store, const char *key, time_t now, int lock_after,
                         int window)
{
  int64_t failures = 0, start = now;
  json_t *row;
  if (store_throttle_get(store, key, &row) == ST_OK) {
    failures = row_int(row, "failures");
    start = row_int(row, "window_start");
    json_decref(row);
  }
  if (window && now - start > window) {
    failures = 0;
    start = now;
  }
  failures++;
  int64_t lock = window ? (failures >= lock_after ? start + window - now : 0)
                        : user_lock_seconds(failures, lock_after);
  return store_throttle_put(store, key, failures, start, lock ? now + lock : 0);
}

/* hex of a keyed BLAKE2b-128 of a typed user name (unkeyed when no key is loaded: unit tests). */
static void name_hash(const char *username, char out[33])
{
  unsigned char digest[16];
  const unsigned char *key = keys_subkey(KEYS_THROTTLE);
  crypto_generichash(digest, sizeof(digest), (const unsigned char *)username, strlen(username), key,
                     key ? KEYS_SUBKEY_BYTES : 0);
  sodium_bin2hex(out, 33, digest, sizeof(digest));
}

static void throttle_keys(const char *username, const char *ip, char user_key[96], char ip_key[80])
{
  char hash[33];
  name_hash(username, hash);
  snprintf(user_key, 96, "user:%s", hash);
  snprintf(ip_key, 80, "ip:%s", ip);
}

/* ---- security notices ------------------------------------------------------------------ */

/* An e-mail about event to the account's own address (user: a users row), when it has one,
 * through the outbox and inside the caller's transaction when one is open (ASVS 2.2.3, 2.5.5,
 * 2.8.5). Every change sends its own message: the occurrence (which the outbox keeps unique
 * per account and event) is the time in microsecond steps with a random part, so two changes in
 * the same second (an administrator's reset, then the person's own change) are not merged into
 * one. The person reads when it happened and where to look (their account page). */
static int security_notice(struct store *store, json_t *user, const char *event, const char *lang,
                           time_t now)
{
  const char *email = json_string_value(json_object_get(user, "email"));
  if (!email || !*email)
    return ST_OK;
  struct civil_time at = civil_taipei(now);
  char date[CIVIL_ISO_SIZE], hhmm[8], link[NOTIFY_URL_MAX + 32];
  civil_format_iso(at.date, date);
  snprintf(hhmm, sizeof(hhmm), "%02d:%02d", at.hour, at.minute);
  snprintf(link, sizeof(link), "%s/staff/account", notify_settings()->public_url);
  json_t *vars = json_pack("{s:s, s:s, s:s}", "date", date, "time", hhmm, "link", link);
  if (!vars)
    return ST_NOMEM;
  int rc = notify_subject_event(store, now, row_int(user, "office_id"), "user", row_int(user, "id"),
                                "email", email, lang, event,
                                (int64_t)now * 1000000 + randombytes_uniform(1000000), vars);
  json_decref(vars);
  return rc;
}

/* The same for the account id (a reused second-factor code: the session row has no address). */
static int security_notice_to(struct store *store, int64_t user_id, const char *event,
                              const char *lang, time_t now)
{
  json_t *user;
  int rc = store_user_get(store, 0, user_id, &user);
  if (rc)
    return rc;
  rc = security_notice(store, user, event, lang, now);
  json_decref(user);
  return rc;
}

/* ---- sign-in ------------------------------------------------------------------------- */

static int start_session(struct store *store, json_t *user, const char *ip, time_t now,
                         bool pending, struct login_result *out)
{
  char hash[65], csrf[ACCOUNTS_TOKEN_SIZE];
  accounts_random_token(out->token);
  accounts_random_token(csrf);
  accounts_token_hash(out->token, hash);
  return store_session_create(store, hash, row_int(user, "id"), csrf, pending, now, ip);
}

static void login_actor(json_t *user, const char *username, const char *ip,
                        struct audit_actor *actor)
{
  actor->office_id = row_int(user, "office_id");
  actor->user_id = row_int(user, "id");
  actor->name = username;
  actor->ip = ip;
}

/* A failed sign-in's audit row names the account when the typed name is one; otherwise the
 * typed text (perhaps a password in the wrong field) is not written, only "?" + its hash. */
static int login_failed(struct store *store, const struct accounts_policy *policy,
                        const char *username, const char *ip, time_t now, json_t *user,
                        struct login_result *out)
{
  char user_key[96], ip_key[80], hidden[35] = "?";
  struct audit_actor actor;
  throttle_keys(username, ip, user_key, ip_key);
  if (!user) {
    name_hash(username, hidden + 1);
    username = hidden;
  }
  login_actor(user, username, ip, &actor);
  int rc = throttle_fail(store, user_key, now, policy->user_lock_after, 0);
  if (!rc)
    rc = throttle_fail(store, ip_key, now, policy->ip_lock_after, policy->ip_window_seconds);
  if (!rc)
    rc = audit_record(store, &actor, "auth.login_failed", "user", username, NULL);
  out->outcome = LOGIN_REFUSED;
  return rc;
}

static bool login_input_ok(const char *username, const char *password)
{
  return username && password && *username && strlen(username) <= USERNAME_MAX &&
         strlen(password) <= ACCOUNTS_PASSWORD_MAX && str_valid_text(str_from(username), false);
}

static int login_locked(struct store *store, const char *username, const char *ip, time_t now,
                        struct login_result *out)
{
  char user_key[96], ip_key[80];
  throttle_keys(username, ip, user_key, ip_key);
  int user_wait = throttle_locked(store, user_key, now);
  int ip_wait = throttle_locked(store, ip_key, now);
  out->retry_minutes = user_wait > ip_wait ? user_wait : ip_wait;
  if (out->retry_minutes)
    out->outcome = LOGIN_LOCKED;
  return out->retry_minutes > 0;
}

/* The right password, but an initial one (set by someone else, still expired) set more than
 * ACCOUNTS_INITIAL_PASSWORD_SECONDS ago: refused and audited; the caller answers
 * LOGIN_INITIAL_EXPIRED. Passwords set before migration 24 have no time (0) and stay valid. */
static bool initial_expired(struct store *store, json_t *user, const char *username, const char *ip,
                            time_t now, int *rc)
{
  int64_t set_at = row_int(user, "password_set_at");
  if (!row_int(user, "password_expired") || set_at <= 0 ||
      now - set_at <= ACCOUNTS_INITIAL_PASSWORD_SECONDS)
    return false;
  struct audit_actor actor;
  login_actor(user, username, ip, &actor);
  *rc = audit_record(store, &actor, "auth.initial_expired", "user", username, NULL);
  return true;
}

int accounts_login(struct store *store, const struct accounts_policy *policy, const char *username,
                   const char *password, const char *ip, time_t now, struct login_result *out)
{
  memset(out, 0, sizeof(*out));
  out->outcome = LOGIN_REFUSED;
  if (!login_input_ok(username, password) || login_locked(store, username, ip, now, out))
    return ST_OK;
  json_t *user = NULL;
  int rc = store_user_by_username(store, username, &user);
  if (rc && rc != ST_NOTFOUND)
    return rc;
  bool ok = password_matches(user, password) && row_int(user, "disabled") == 0;
  if (!ok) {
    rc = login_failed(store, policy, username, ip, now, user, out);
    json_decref(user);
    if (!rc)
      login_locked(store, username, ip, now, out);
    return rc;
  }
  if (initial_expired(store, user, username, ip, now, &rc)) {
    json_decref(user);
    out->outcome = LOGIN_INITIAL_EXPIRED;
    return rc;
  }
  char user_key[96], ip_key[80];
  throttle_keys(username, ip, user_key, ip_key);
  bool pending = row_int(user, "totp_enabled") != 0;
  struct audit_actor actor;
  login_actor(user, username, ip, &actor);
  rc = password_upgrade(store, user, password);
  if (!rc)
    rc = store_throttle_clear(store, user_key);
  if (!rc)
    rc = start_session(store, user, ip, now, pending, out);
  if (!rc)
    rc = audit_record(store, &actor, pending ? "auth.password_ok" : "auth.login", "user", username,
                      NULL);
  store_session_expire(store, now - policy->idle_seconds, now - policy->absolute_seconds);
  json_decref(user);
  if (!rc)
    out->outcome = pending ? LOGIN_NEEDS_TOTP : LOGIN_OK;
  return rc;
}

/* ---- second factor ---------------------------------------------------------------------- */

static int pending_session(struct store *store, const char *token, json_t **session)
{
  char hash[65];
  accounts_token_hash(token, hash);
  int rc = store_session_get(store, hash, session);
  if (rc)
    return rc;
  if (row_int(*session, "mfa_pending") == 0) {
    json_decref(*session);
    return ST_NOTFOUND;
  }
  return ST_OK;
}

/* Checks code against the user's secret; *step receives the matched time step. ST_CONFLICT
 * when the code is right but its time step was used already (a replay: the holder is told). */
static int check_totp(struct store *store, int64_t user_id, const char *code, time_t now,
                      int64_t *step)
{
  json_t *user;
  int rc = store_user_get(store, 0, user_id, &user);
  if (rc)
    return rc;
  unsigned char secret[TOTP_SECRET_BYTES];
  size_t len = 0;
  rc = totp_open_secret(json_string_value(json_object_get(user, "totp_secret")), secret,
                        sizeof(secret), &len);
  if (!rc)
    rc = totp_verify(secret, len, code, now, 1, row_int(user, "totp_last_step"), step);
  if (rc == ST_INVALID && totp_verify(secret, len, code, now, 1, -1, NULL) == ST_OK)
    rc = ST_CONFLICT;
  sodium_memzero(secret, sizeof(secret));
  json_decref(user);
  return rc;
}

/* The second factor is done: the session gets a new token and CSRF token (the one that
 * carried the pending sign-in is no longer valid) and is pending no more. */
static int session_promote(struct store *store, const char *token, time_t now,
                           struct login_result *out)
{
  char old_hash[65], new_hash[65], csrf[ACCOUNTS_TOKEN_SIZE];
  accounts_token_hash(token, old_hash);
  accounts_random_token(out->token);
  accounts_random_token(csrf);
  accounts_token_hash(out->token, new_hash);
  int rc = store_session_rotate(store, old_hash, new_hash, csrf);
  /* the second factor was just given: that counts as a fresh re-authentication (step-up) */
  return rc ? rc : store_session_stepup(store, new_hash, now);
}

/* Whether code passes for user_id: ST_OK (and its step is now used), ST_CONFLICT for a code
 * used before (also when another request used it a moment ago), else ST_INVALID. */
static int totp_verdict(struct store *store, int64_t user_id, const char *code, time_t now)
{
  int64_t step = 0;
  int rc = code ? check_totp(store, user_id, code, now, &step) : ST_INVALID;
  if (!rc)
    rc = store_user_use_totp_step(store, user_id, step);
  return rc == ST_OK || rc == ST_CONFLICT ? rc : ST_INVALID;
}

int accounts_login_totp(struct store *store, const struct accounts_policy *policy,
                        const char *token, const char *code, const struct audit_actor *from,
                        time_t now, struct login_result *out)
{
  json_t *session;
  memset(out, 0, sizeof(*out));
  enum login_outcome *outcome = &out->outcome;
  *outcome = LOGIN_REFUSED;
  if (!token || pending_session(store, token, &session))
    return ST_OK;
  int64_t user_id = row_int(session, "user_id");
  const char *username = json_string_value(json_object_get(session, "username"));
  char key[48];
  snprintf(key, sizeof(key), "totp:%lld", (long long)user_id);
  struct audit_actor actor = {row_int(session, "office_id"), user_id, username, from->ip,
                              from->lang};
  bool locked = throttle_locked(store, key, now) > 0;
  int rc = ST_OK, verdict = locked ? ST_INVALID : totp_verdict(store, user_id, code, now);
  if (locked) {
    *outcome = LOGIN_LOCKED;
  } else if (verdict == ST_OK) {
    rc = session_promote(store, token, now, out);
    if (!rc)
      rc = store_throttle_clear(store, key);
    if (!rc)
      rc = audit_record(store, &actor, "auth.login", "user", username, NULL);
    *outcome = rc ? LOGIN_REFUSED : LOGIN_OK;
  } else {
    rc = throttle_fail(store, key, now, policy->user_lock_after, 0);
    if (!rc)
      rc = audit_record(store, &actor, "auth.totp_failed", "user", username, NULL);
    if (!rc && verdict == ST_CONFLICT)
      rc = security_notice_to(store, user_id, "account_totp_reused", from->lang, now);
  }
  json_decref(session);
  return rc;
}

/* ---- sessions ------------------------------------------------------------------------- */

static bool session_alive(json_t *session, const struct accounts_policy *policy, time_t now)
{
  return row_int(session, "disabled") == 0 &&
         row_int(session, "last_seen_at") + policy->idle_seconds > now &&
         row_int(session, "created_at") + policy->absolute_seconds > now;
}

int accounts_session(struct store *store, const struct accounts_policy *policy, const char *token,
                     time_t now, json_t **session)
{
  char hash[65];
  if (!token || strlen(token) != ACCOUNTS_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  accounts_token_hash(token, hash);
  json_t *row;
  int rc = store_session_get(store, hash, &row);
  if (rc)
    return rc;
  if (!session_alive(row, policy, now)) {
    store_session_delete(store, hash);
    json_decref(row);
    return ST_NOTFOUND;
  }
  if (now - row_int(row, "last_seen_at") >= 60)
    store_session_touch(store, hash, now);
  *session = row;
  return ST_OK;
}

int accounts_session_renew(struct store *store, const char *token, char out[ACCOUNTS_TOKEN_SIZE])
{
  struct login_result result;
  int rc = session_promote(store, token, clock_now(), &result);
  memcpy(out, result.token, ACCOUNTS_TOKEN_SIZE);
  return rc;
}

int accounts_session_drop(struct store *store, const char *token)
{
  char hash[65];
  if (!token || strlen(token) != ACCOUNTS_TOKEN_SIZE - 1)
    return ST_OK;
  accounts_token_hash(token, hash);
  return store_session_delete(store, hash);
}

int accounts_logout(struct store *store, const char *token, const struct audit_actor *actor)
{
  char hash[65];
  accounts_token_hash(token, hash);
  int rc = store_session_delete(store, hash);
  return rc ? rc : audit_record(store, actor, "auth.logout", "user", actor->name, NULL);
}

/* ---- step-up: re-authentication before sensitive changes (accounts.h) ----------------------- */

static int stepup_window = ACCOUNTS_STEPUP_DEFAULT;

void accounts_stepup_configure(int seconds)
{
  if (seconds > 0)
    stepup_window = seconds;
}

int accounts_stepup_seconds(void)
{
  return stepup_window;
}

bool accounts_stepup_fresh(struct store *store, const char *token, time_t now)
{
  char hash[65];
  json_t *session;
  if (!token || strlen(token) != ACCOUNTS_TOKEN_SIZE - 1)
    return false;
  accounts_token_hash(token, hash);
  if (store_session_get(store, hash, &session))
    return false;
  int64_t at = row_int(session, "stepup_at");
  bool fresh =
      row_int(session, "mfa_pending") == 0 && at > 0 && now >= at && now - at < stepup_window;
  json_decref(session);
  return fresh;
}

/* Whether the password (or, for an account with TOTP on, a code when one is given) is the
 * session's user's. A right password on a hash without the pepper is rehashed with it. */
static bool stepup_matches(struct store *store, json_t *session, const char *password,
                           const char *code, time_t now)
{
  int64_t user_id = row_int(session, "user_id");
  if (code && *code && row_int(session, "totp_enabled"))
    return totp_verdict(store, user_id, code, now) == ST_OK;
  json_t *user;
  if (!password || strlen(password) > ACCOUNTS_PASSWORD_MAX ||
      store_user_get(store, 0, user_id, &user))
    return false;
  bool ok = password_matches(user, password) && password_upgrade(store, user, password) == ST_OK;
  json_decref(user);
  return ok;
}

/* The step-up of session hash: recorded (audited "auth.stepup") or refused (audited
 * "auth.stepup_failed", counted as a failed sign-in of the username and address). */
static int stepup_verdict(struct store *store, const struct accounts_policy *policy,
                          const char *hash, json_t *session, bool ok,
                          const struct audit_actor *actor, time_t now, struct stepup_result *out)
{
  const char *username = json_string_value(json_object_get(session, "username"));
  char user_key[96], ip_key[80];
  struct login_result locked = {0};
  throttle_keys(username, actor->ip, user_key, ip_key);
  int rc;
  if (ok) {
    rc = store_session_stepup(store, hash, now);
    if (!rc)
      rc = store_throttle_clear(store, user_key);
    if (!rc)
      rc = audit_record(store, actor, "auth.stepup", "user", username, NULL);
    out->outcome = rc ? STEPUP_REFUSED : STEPUP_OK;
    return rc;
  }
  rc = throttle_fail(store, user_key, now, policy->user_lock_after, 0);
  if (!rc)
    rc = throttle_fail(store, ip_key, now, policy->ip_lock_after, policy->ip_window_seconds);
  if (!rc)
    rc = audit_record(store, actor, "auth.stepup_failed", "user", username, NULL);
  if (!rc && login_locked(store, username, actor->ip, now, &locked)) {
    out->outcome = STEPUP_LOCKED;
    out->retry_minutes = locked.retry_minutes;
  }
  return rc;
}

int accounts_stepup(struct store *store, const struct accounts_policy *policy, const char *token,
                    const char *password, const char *code, const struct audit_actor *actor,
                    time_t now, struct stepup_result *out)
{
  char hash[65];
  json_t *session;
  struct login_result locked = {0};
  memset(out, 0, sizeof(*out));
  out->outcome = STEPUP_REFUSED;
  if (!token)
    return ST_OK;
  accounts_token_hash(token, hash);
  int rc = store_session_get(store, hash, &session);
  if (rc)
    return rc == ST_NOTFOUND ? ST_OK : rc;
  const char *username = json_string_value(json_object_get(session, "username"));
  if (login_locked(store, username, actor->ip, now, &locked)) {
    out->outcome = STEPUP_LOCKED;
    out->retry_minutes = locked.retry_minutes;
  } else {
    bool ok = stepup_matches(store, session, password, code, now);
    rc = stepup_verdict(store, policy, hash, session, ok, actor, now, out);
  }
  json_decref(session);
  return rc;
}

/* ---- administration -------------------------------------------------------------------- */

static bool username_ok(const char *u)
{
  size_t n = u ? strlen(u) : 0;
  if (n < 3 || n > USERNAME_MAX)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = u[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
      return false;
  }
  return true;
}

static bool email_ok(const char *e)
{
  if (!e || !*e)
    return true;
  const char *at = strchr(e, '@');
  return strlen(e) <= EMAIL_MAX && at && at != e && strchr(at, '.') && !strchr(e, ' ') &&
         str_valid_text(str_from(e), false);
}

static int fields_check(const struct account_fields *f, bool with_username, const char **reason)
{
  *reason = NULL;
  if (with_username && !username_ok(f->username))
    *reason = "account_err_username";
  else if (!f->display_name || !*f->display_name ||
           !str_valid_text(str_from(f->display_name), false) ||
           text_length(f->display_name) > NAME_MAX_CHARS)
    *reason = "account_err_name";
  else if (!email_ok(f->email))
    *reason = "account_err_email";
  else if (f->roles == 0 || (f->roles & ~(unsigned)ROLE_ALL))
    *reason = "account_err_roles";
  return *reason ? ST_INVALID : ST_OK;
}

static struct store_user store_fields(const struct account_fields *f, const char *hash)
{
  return (struct store_user){
      f->office_id, f->unit_id, f->username,         f->display_name,     f->email ? f->email : "",
      f->roles,     hash,       f->password_expired, (int64_t)clock_now()};
}

/* The office's own name inside a full one: "高雄市政府地政局新興地政事務所" -> "新興地政事務所"
 * (after the last 府 or 局 of the bodies above it), "Xinxing Land Office, Land Administration
 * Bureau, ..." -> "Xinxing Land Office" (before the first comma). Written to out. */
static const char *after_last(const char *s, const char *mark)
{
  const char *found;
  while ((found = strstr(s, mark)))
    s = found + strlen(mark);
  return s;
}

static const char *own_name(const char *full, bool chinese, char *out, size_t size)
{
  const char *start = full ? full : "";
  if (chinese)
    start = after_last(after_last(start, "府"), "局");
  size_t len =
      chinese || !strchr(start, ',') ? strlen(start) : (size_t)(strchr(start, ',') - start);
  snprintf(out, size, "%.*s", (int)len, start);
  return out;
}

/* accounts_password_policy, then libpwquality (domain/password.h) with the user name and the
 * office's slug, names and own names (own_name). */
static int password_check(struct store *store, int64_t office_id, const char *username,
                          const char *password, const char **reason)
{
  json_t *office = NULL;
  int rc = accounts_password_policy(password, reason);
  if (!rc)
    rc = lookup_office(store, office_id, &office);
  if (rc == ST_NOTFOUND)
    rc = ST_OK; /* no office, no office words (store tests) */
  if (rc)
    return rc;
  char zh[256], en[256];
  const char *name_zh = json_string_value(json_object_get(office, "name_zh"));
  const char *name_en = json_string_value(json_object_get(office, "name_en"));
  const char *words[] = {json_string_value(json_object_get(office, "slug")), name_zh, name_en,
                         own_name(name_zh, true, zh, sizeof(zh)),
                         own_name(name_en, false, en, sizeof(en))};
  rc = password_quality(password, username ? username : "", words, ARRAY_LEN(words), reason);
  json_decref(office);
  return rc;
}

static json_t *account_detail(const struct account_fields *f)
{
  char roles[64];
  roles_format(f->roles, roles, sizeof(roles));
  return json_pack("{s:s, s:s, s:I}", "display_name", f->display_name, "roles", roles, "unit_id",
                   (json_int_t)f->unit_id);
}

/* Runs the change and its audit row (about an object of kind) in one transaction. */
static int audited_as(struct store *store, int rc_change, const struct audit_actor *actor,
                      const char *action, const char *kind, const char *object_id, json_t *detail)
{
  int rc = rc_change;
  if (!rc)
    rc = audit_record(store, actor, action, kind, object_id, detail);
  json_decref(detail);
  if (rc) {
    store_rollback(store);
    return rc;
  }
  return store_commit(store);
}

static int audited(struct store *store, int rc_change, const struct audit_actor *actor,
                   const char *action, const char *object_id, json_t *detail)
{
  return audited_as(store, rc_change, actor, action, "user", object_id, detail);
}

int accounts_create(struct store *store, const struct audit_actor *actor,
                    const struct account_fields *fields, const char *password, int64_t *id,
                    const char **reason)
{
  char hash[crypto_pwhash_STRBYTES], now[CLOCK_ISO_SIZE];
  int rc = fields_check(fields, true, reason);
  if (!rc)
    rc = password_check(store, fields->office_id, fields->username, password, reason);
  if (!rc)
    rc = password_hash(password, hash);
  if (rc)
    return rc;
  clock_iso(clock_now(), now);
  struct store_user u = store_fields(fields, hash);
  rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_user_create(store, &u, now, id);
  if (rc == ST_CONFLICT)
    *reason = "account_err_username_taken";
  return audited(store, rc, actor, "user.create", fields->username, account_detail(fields));
}

int accounts_update(struct store *store, const struct audit_actor *actor, int64_t id,
                    const struct account_fields *fields, const char **reason)
{
  char now[CLOCK_ISO_SIZE], object[24];
  int rc = fields_check(fields, false, reason);
  if (rc)
    return rc;
  clock_iso(clock_now(), now);
  snprintf(object, sizeof(object), "%lld", (long long)id);
  struct store_user u = store_fields(fields, NULL);
  rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_user_update(store, fields->office_id, id, &u, now);
  return audited(store, rc, actor, "user.update", object, account_detail(fields));
}

/* A new password for user (a row of store_user_get): checked, stored, and every session of the
 * person ended; expired when an administrator chose it. */
static int set_password(struct store *store, const struct audit_actor *actor, json_t *user,
                        const char *password, bool expired, const char **reason)
{
  char hash[crypto_pwhash_STRBYTES], now[CLOCK_ISO_SIZE], object[24];
  int64_t id = row_int(user, "id");
  int rc = password_check(store, row_int(user, "office_id"),
                          json_string_value(json_object_get(user, "username")), password, reason);
  if (!rc)
    rc = password_hash(password, hash);
  if (rc)
    return rc;
  clock_iso(clock_now(), now);
  snprintf(object, sizeof(object), "%lld", (long long)id);
  rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_user_set_password(store, id, hash, now, expired, (int64_t)clock_now());
  if (!rc)
    rc = store_session_delete_user(store, id);
  if (!rc)
    rc = security_notice(store, user, "account_password_changed", actor->lang, clock_now());
  return audited(store, rc, actor, "user.password", object, NULL);
}

int accounts_set_password(struct store *store, const struct audit_actor *actor, int64_t id,
                          const char *password, const char **reason)
{
  json_t *user;
  int rc = store_user_get(store, 0, id, &user);
  if (rc)
    return rc;
  rc = set_password(store, actor, user, password, true, reason);
  json_decref(user);
  return rc;
}

int accounts_change_password(struct store *store, const struct audit_actor *actor, int64_t id,
                             const char *current, const char *password, const char *confirm,
                             const char **reason)
{
  json_t *user;
  int rc = store_user_get(store, 0, id, &user);
  if (rc)
    return rc;
  bool matches =
      current && strlen(current) <= ACCOUNTS_PASSWORD_MAX && password_matches(user, current);
  if (!matches) {
    *reason = "account_err_current_password";
    rc = ST_INVALID;
  } else if (!password || !confirm || strcmp(password, confirm) != 0) {
    *reason = "account_err_password_mismatch";
    rc = ST_INVALID;
  } else if (strcmp(password, current) == 0) {
    *reason = "account_err_password_same";
    rc = ST_INVALID;
  }
  if (!rc)
    rc = set_password(store, actor, user, password, false, reason);
  json_decref(user);
  return rc;
}

int accounts_set_disabled(struct store *store, const struct audit_actor *actor, int64_t id,
                          bool disabled)
{
  char now[CLOCK_ISO_SIZE], object[24];
  clock_iso(clock_now(), now);
  snprintf(object, sizeof(object), "%lld", (long long)id);
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_user_set_disabled(store, id, disabled, now);
  if (!rc && disabled)
    rc = store_session_delete_user(store, id);
  return audited(store, rc, actor, disabled ? "user.disable" : "user.enable", object, NULL);
}

int accounts_totp_begin(char *secret_b32, size_t size)
{
  unsigned char secret[TOTP_SECRET_BYTES];
  int rc = totp_generate_secret(secret);
  if (!rc)
    rc = totp_base32_encode(secret, sizeof(secret), secret_b32, size);
  sodium_memzero(secret, sizeof(secret));
  return rc;
}

int accounts_totp_enable(struct store *store, const struct audit_actor *actor, int64_t id,
                         const char *secret_b32, const char *code, time_t now, const char **reason)
{
  unsigned char secret[TOTP_SECRET_BYTES + 16];
  size_t len = 0;
  int64_t step = 0;
  char *sealed = NULL, stamp[CLOCK_ISO_SIZE], object[24];
  *reason = "account_err_totp_code";
  int rc = totp_base32_decode(secret_b32 ? secret_b32 : "", secret, sizeof(secret), &len);
  if (!rc)
    rc = totp_verify(secret, len, code ? code : "", now, 1, 0, &step);
  if (!rc)
    rc = totp_seal_secret(secret, len, &sealed);
  sodium_memzero(secret, sizeof(secret));
  if (rc)
    return rc == ST_NOMEM ? rc : ST_INVALID;
  clock_iso(clock_now(), stamp);
  snprintf(object, sizeof(object), "%lld", (long long)id);
  rc = store_begin(store);
  if (!rc) {
    rc = store_user_set_totp(store, id, sealed, 1, stamp);
    if (!rc)
      rc = store_user_use_totp_step(store, id, step);
    if (!rc)
      rc = security_notice_to(store, id, "account_totp_enabled", actor->lang, now);
    rc = audited(store, rc, actor, "user.totp_enable", object, NULL);
  }
  free(sealed);
  return rc;
}

int accounts_totp_reset(struct store *store, const struct audit_actor *actor, int64_t id)
{
  char stamp[CLOCK_ISO_SIZE], object[24];
  json_t *user;
  if (id == actor->user_id)
    return ST_FORBIDDEN;
  int rc = store_user_get(store, actor->office_id, id, &user);
  if (rc)
    return rc;
  if (!row_int(user, "totp_enabled")) {
    json_decref(user);
    return ST_INVALID;
  }
  clock_iso(clock_now(), stamp);
  snprintf(object, sizeof(object), "%lld", (long long)id);
  rc = store_begin(store);
  if (!rc) {
    rc = store_user_set_totp(store, id, "", 0, stamp);
    if (!rc)
      rc = store_session_delete_user(store, id);
    if (!rc)
      rc = security_notice(store, user, "account_totp_reset", actor->lang, clock_now());
    rc = audited(store, rc, actor, "user.totp_reset", object, NULL);
  }
  json_decref(user);
  return rc;
}

/* ---- a person ending their own sessions (accounts.h, "Your sessions") ---------------------- */

static bool handle_ok(const char *handle)
{
  if (!handle || strlen(handle) != ACCOUNTS_SESSION_HANDLE - 1)
    return false;
  for (const char *p = handle; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
      return false;
  return true;
}

static void user_object(const struct audit_actor *actor, char object[24])
{
  snprintf(object, 24, "%lld", (long long)actor->user_id);
}

int accounts_session_end(struct store *store, const struct audit_actor *actor, const char *handle)
{
  char object[24];
  if (!handle_ok(handle))
    return ST_NOTFOUND;
  user_object(actor, object);
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_session_delete_prefix(store, actor->user_id, handle);
  return audited(store, rc, actor, "user.session_end", object,
                 json_pack("{s:s}", "session", handle));
}

int accounts_sessions_end_others(struct store *store, const struct audit_actor *actor,
                                 const char *current_token)
{
  char object[24], keep[65];
  int64_t ended = 0;
  accounts_token_hash(current_token ? current_token : "", keep);
  user_object(actor, object);
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_session_delete_others(store, actor->user_id, keep, &ended);
  return audited(store, rc, actor, "user.sessions_end_others", object,
                 json_pack("{s:I}", "ended", (json_int_t)ended));
}

/* ---- refusals in the audit trail (accounts.h) ------------------------------------------------ */

/* A refusal inside the window: counted, no audit row. */
static int refusal_counted(struct store *store, const char *key, int64_t refused, int64_t since)
{
  int rc = store_throttle_put(store, key, refused + 1, since, 0);
  if (rc) {
    store_rollback(store);
    return rc;
  }
  return store_commit(store);
}

int accounts_refusal_record(struct store *store, const struct audit_actor *actor,
                            const char *method, const char *route, unsigned roles, time_t now)
{
  char key[200], role_list[64];
  int64_t since = 0, refused = 0;
  json_t *row;
  snprintf(key, sizeof(key), "deny:%lld:%s %.150s", (long long)actor->user_id, method, route);
  int rc = store_begin(store);
  if (rc)
    return rc;
  if (store_throttle_get(store, key, &row) == ST_OK) {
    since = row_int(row, "window_start");
    refused = row_int(row, "failures");
    json_decref(row);
  }
  if (since && now - since < ACCOUNTS_REFUSAL_WINDOW)
    return refusal_counted(store, key, refused, since);
  roles_format(roles, role_list, sizeof(role_list));
  rc = store_throttle_put(store, key, 1, now, 0);
  return audited_as(store, rc, actor, "access.denied", "route", route,
                    json_pack("{s:s, s:s, s:I}", "method", method, "roles", role_list,
                              "unrecorded_before", (json_int_t)(refused > 1 ? refused - 1 : 0)));
}

/* ---- initial passwords (accounts.h) -----------------------------------------------------------
 */

void accounts_initial_password(char out[ACCOUNTS_INITIAL_PASSWORD_SIZE])
{
  static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789"; /* no i, l, o, 0, 1 */
  size_t n = 0;
  for (int group = 0; group < 4; group++) {
    if (group)
      out[n++] = '-';
    for (int i = 0; i < 4; i++)
      out[n++] = alphabet[randombytes_uniform((uint32_t)(sizeof(alphabet) - 1))];
  }
  out[n] = '\0';
}

/* Whether a refusal was about the password itself (a generated one may, rarely, look like a
 * word of the dictionary: another is drawn). */
static bool password_reason(const char *reason)
{
  return reason && strstr(reason, "password") != NULL;
}

enum { INITIAL_PASSWORD_TRIES = 5 };

int accounts_create_initial(struct store *store, const struct audit_actor *actor,
                            const struct account_fields *fields,
                            char password[ACCOUNTS_INITIAL_PASSWORD_SIZE], int64_t *id,
                            const char **reason)
{
  struct account_fields f = *fields;
  f.password_expired = true;
  int rc = ST_INVALID;
  for (int i = 0; i < INITIAL_PASSWORD_TRIES && rc == ST_INVALID; i++) {
    accounts_initial_password(password);
    *reason = NULL;
    rc = accounts_create(store, actor, &f, password, id, reason);
    if (rc == ST_INVALID && !password_reason(*reason))
      break;
  }
  return rc;
}

int accounts_reset_initial(struct store *store, const struct audit_actor *actor, int64_t id,
                           char password[ACCOUNTS_INITIAL_PASSWORD_SIZE])
{
  const char *reason = NULL;
  int rc = ST_INVALID;
  for (int i = 0; i < INITIAL_PASSWORD_TRIES && rc == ST_INVALID; i++) {
    accounts_initial_password(password);
    rc = accounts_set_password(store, actor, id, password, &reason);
  }
  return rc;
}
