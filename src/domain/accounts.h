/*
 * accounts.h - staff accounts: roles, passwords (argon2id over an HMAC with the installation's
 * key subkey KEYS_PASSWORD, the pepper; older hashes are rehashed at sign-in), sign-in with
 * throttling and an optional TOTP second factor, database sessions, and account
 * administration. Every sign-in, failed sign-in, sign-out and account change is written to the
 * audit trail.
 */
#ifndef BIANMIN_DOMAIN_ACCOUNTS_H
#define BIANMIN_DOMAIN_ACCOUNTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "domain/audit.h"

struct store; /* a connection: web only passes it on (ARCHITECTURE.md, Layers) */

enum role {
  ROLE_CLERK = 1,      /* counter intake */
  ROLE_HANDLER = 2,    /* processes cases */
  ROLE_SUPERVISOR = 4, /* approves, reassigns, sees the unit */
  ROLE_ADMIN = 8,      /* catalogue, users, settings */
  ROLE_ANALYST = 16,   /* reports, no personal data */
  ROLE_ALL = 31
};

/* "clerk,handler" -> mask; ST_INVALID naming nothing for an unknown role or an empty list. */
int roles_parse(const char *list, unsigned *roles);
/* The role names of a mask, comma-separated ("clerk,handler"). */
int roles_format(unsigned roles, char *out, size_t out_size);
/* "clerk" for ROLE_CLERK, ... (NULL for anything else). */
const char *role_name(unsigned role);

enum {
  ACCOUNTS_TOKEN_SIZE = 44,    /* base64url of 32 random bytes + NUL */
  ACCOUNTS_PASSWORD_MIN = 12,  /* characters (ASVS 4.0.3 V2.1.1) */
  ACCOUNTS_PASSWORD_MAX = 128, /* bytes */
  /* an initial password: four groups of four characters from a 31-letter alphabet without
   * look-alikes (about 79 bits), "k7mq-2xpf-..." + NUL */
  ACCOUNTS_INITIAL_PASSWORD_SIZE = 20,
  ACCOUNTS_INITIAL_PASSWORD_SECONDS = 24 * 3600 /* unused this long, it no longer signs in */
};

struct accounts_policy {
  int idle_seconds;      /* a session unused this long ends (default 30 min) */
  int absolute_seconds;  /* a session ends this long after sign-in whatever (default 12 h) */
  int user_lock_after;   /* failures of one username before it is locked (default 5) */
  int ip_lock_after;     /* failures from one address within ip_window before it is (20) */
  int ip_window_seconds; /* (15 min) */
};

extern const struct accounts_policy accounts_default_policy;

/* Checks the password rules (length, not all one character class is fine: length is what
 * counts); ST_INVALID with *reason a translation key. */
int accounts_password_policy(const char *password, const char **reason);

/* LOGIN_INITIAL_EXPIRED: the right password, but one someone else set (expired) and left unused
 * for ACCOUNTS_INITIAL_PASSWORD_SECONDS since it was set: an administrator must give a new one. */
enum login_outcome {
  LOGIN_OK,
  LOGIN_NEEDS_TOTP,
  LOGIN_REFUSED,
  LOGIN_LOCKED,
  LOGIN_INITIAL_EXPIRED
};

struct login_result {
  enum login_outcome outcome;
  int retry_minutes;               /* LOGIN_LOCKED: when to try again */
  char token[ACCOUNTS_TOKEN_SIZE]; /* the new session's cookie value */
};

/* Password step. A wrong username and a wrong password look the same to the caller (and take
 * as long). On success a new session starts (pending the second factor when the user has
 * TOTP on). */
int accounts_login(struct store *store, const struct accounts_policy *policy, const char *username,
                   const char *password, const char *ip, time_t now, struct login_result *out);
/* Second-factor step for a pending session: LOGIN_OK, LOGIN_REFUSED or LOGIN_LOCKED. On
 * LOGIN_OK the session continues under a new token (out->token; the old one no longer works)
 * and a new CSRF token. from gives the client address and language (its other fields are
 * unused). A code already used is refused and its holder told by e-mail (security notices). */
int accounts_login_totp(struct store *store, const struct accounts_policy *policy,
                        const char *token, const char *code, const struct audit_actor *from,
                        time_t now, struct login_result *out);

/* The session behind a cookie token, joined with its user, or ST_NOTFOUND when unknown,
 * expired (then also removed) or its user is disabled. Touches last_seen (at most once a
 * minute). */
int accounts_session(struct store *store, const struct accounts_policy *policy, const char *token,
                     time_t now, json_t **session);
int accounts_logout(struct store *store, const char *token, const struct audit_actor *actor);
/* The session behind token continues under a new token (out) and CSRF token; the old token
 * no longer works (a second factor set up: the session gains what it could not do before). */
int accounts_session_renew(struct store *store, const char *token, char out[ACCOUNTS_TOKEN_SIZE]);
/* Ends the session behind a cookie token, if any, without an audit row (signing in again in a
 * browser that still holds a session: the new sign-in gets a new one). */
int accounts_session_drop(struct store *store, const char *token);

/* ---- step-up (ASVS 3.7.1, 4.3.3): re-authentication before sensitive changes -----------------
 * Administrators' account changes need the session to have re-authenticated within the step-up
 * window ([security] stepup_seconds, default 5 minutes): signing in (the password, or the
 * second factor when the account has one) counts, and so does confirming the password (or a
 * TOTP code) on the step-up page. The time is kept on the session row (sessions.stepup_at),
 * never in a page. */
enum { ACCOUNTS_STEPUP_DEFAULT = 300 };
/* Sets the window (seconds > 0); once at start, before any thread. */
void accounts_stepup_configure(int seconds);
int accounts_stepup_seconds(void);
/* Whether the session behind token re-authenticated less than the window ago. */
bool accounts_stepup_fresh(struct store *store, const char *token, time_t now);
enum stepup_outcome { STEPUP_OK, STEPUP_REFUSED, STEPUP_LOCKED };
struct stepup_result {
  enum stepup_outcome outcome;
  int retry_minutes; /* STEPUP_LOCKED: when to try again */
};
/* Checks the session's own password, or a TOTP code (code non-empty, the account has TOTP on;
 * a code is used once), and records the time on the session (audited "auth.stepup"). A wrong
 * one changes nothing but is audited ("auth.stepup_failed") and counts as a failed sign-in of
 * the username and the address (the same locks: STEPUP_LOCKED while either is locked). */
int accounts_stepup(struct store *store, const struct accounts_policy *policy, const char *token,
                    const char *password, const char *code, const struct audit_actor *actor,
                    time_t now, struct stepup_result *out);

/* Security notices (ASVS 2.2.3, 2.5.5, 2.8.5): a changed or reset password, a second factor
 * set up and a reused second-factor code each queue an e-mail to the account's own address
 * (when it has one) through the outbox (notify_subject_event, subject "user"), in the language
 * of actor->lang, inside the transaction of the change.
 *
 * Administration, each recorded in the audit trail by actor. */
struct account_fields {
  int64_t office_id;
  int64_t unit_id; /* 0 = none */
  const char *username;
  const char *display_name;
  const char *email;
  unsigned roles;
  bool password_expired; /* accounts_create: set by someone else, to be changed at first sign-in */
};
/* ST_INVALID with *reason a translation key (bad username, name, e-mail, roles, password: too
 * short, common or leaked, built from the user name or the office's name: domain/password.h);
 * ST_CONFLICT when the username is taken. */
int accounts_create(struct store *store, const struct audit_actor *actor,
                    const struct account_fields *fields, const char *password, int64_t *id,
                    const char **reason);
int accounts_update(struct store *store, const struct audit_actor *actor, int64_t id,
                    const struct account_fields *fields, const char **reason);
/* An administrator sets a new password (checked as accounts_create does): it ends the user's
 * sessions and has expired: they must choose their own at their next sign-in. */
int accounts_set_password(struct store *store, const struct audit_actor *actor, int64_t id,
                          const char *password, const char **reason);
/* A person changing their own password: the current one must match, confirm must equal
 * password and it must differ from the current one. Ends all their sessions; an expired
 * password is then no longer expired. */
int accounts_change_password(struct store *store, const struct audit_actor *actor, int64_t id,
                             const char *current, const char *password, const char *confirm,
                             const char **reason);
int accounts_set_disabled(struct store *store, const struct audit_actor *actor, int64_t id,
                          bool disabled);

/* Initial passwords (ASVS 2.3.1): generated here (libsodium's randombytes), never chosen by an
 * administrator, shown to them once (password receives it), expired at once (the person
 * chooses their own at the first sign-in) and no longer signing in 24 hours after it was set
 * if unused. accounts_create_initial is accounts_create with such a password;
 * accounts_reset_initial is accounts_set_password with one. */
void accounts_initial_password(char out[ACCOUNTS_INITIAL_PASSWORD_SIZE]);
int accounts_create_initial(struct store *store, const struct audit_actor *actor,
                            const struct account_fields *fields,
                            char password[ACCOUNTS_INITIAL_PASSWORD_SIZE], int64_t *id,
                            const char **reason);
int accounts_reset_initial(struct store *store, const struct audit_actor *actor, int64_t id,
                           char password[ACCOUNTS_INITIAL_PASSWORD_SIZE]);

/* An account as the users pages show it (typed read model). Strings live in the arena the
 * read was given; unit_name_zh/_en are "" when the account has no unit. */
struct account_row {
  int64_t id;
  int64_t unit_id; /* 0 = none */
  unsigned roles;
  bool disabled;
  bool totp_enabled;
  const char *username, *display_name, *email;
  const char *unit_name_zh, *unit_name_en;
};
struct account_list {
  size_t count;
  struct account_row *rows;
};
struct arena;
/* The office's accounts with their units' names, in one domain read. */
int accounts_list_read(struct store *store, struct arena *arena, int64_t office_id,
                       struct account_list *out);
/* One account of office_id; ST_NOTFOUND for another office's or an unknown id. */
int accounts_read(struct store *store, struct arena *arena, int64_t office_id, int64_t id,
                  struct account_row *out);

/* ---- "Your sessions" (ASVS 3.3.4): a person sees and ends their own sessions ---------------- */

enum { ACCOUNTS_SESSION_HANDLE = 17 }; /* 16 hex characters + NUL */

/* One session as the account page shows it (times unix seconds; ip in the read's arena). */
struct account_session {
  char handle[ACCOUNTS_SESSION_HANDLE]; /* the start of the session's stored hash: names it in
                                           a form without revealing anything that signs in */
  int64_t created_at, last_seen_at;
  const char *ip;
  bool current; /* the session of current_token */
};
struct account_sessions {
  size_t count;
  struct account_session *rows;
};
/* user_id's live sessions (second factor done, neither idle nor too old under policy), most
 * recently used first, the one behind current_token marked. */
int accounts_sessions_read(struct store *store, struct arena *arena,
                           const struct accounts_policy *policy, int64_t user_id,
                           const char *current_token, time_t now, struct account_sessions *out);
/* Ends actor's own session named handle (audited "user.session_end"); ST_NOTFOUND when actor
 * has no such session. */
int accounts_session_end(struct store *store, const struct audit_actor *actor, const char *handle);
/* Ends every session of actor but the one behind current_token (audited
 * "user.sessions_end_others" with the number ended). */
int accounts_sessions_end_others(struct store *store, const struct audit_actor *actor,
                                 const char *current_token);

/* A 403 answered to a signed-in person on a staff route (ASVS 7.2.2): an audit row
 * "access.denied" (object: the route, detail: method and the person's roles) - at most one per
 * person and route a minute (ACCOUNTS_REFUSAL_WINDOW; the refusals in between are counted and
 * the next row says how many), so a crawler cannot fill the audit trail. The window is kept
 * with the sign-in throttling ("deny:<user id>:<method> <route>"). */
enum { ACCOUNTS_REFUSAL_WINDOW = 60 };
int accounts_refusal_record(struct store *store, const struct audit_actor *actor,
                            const char *method, const char *route, unsigned roles, time_t now);

/* TOTP enrolment: a new secret (base32) to show the user; enabling needs a valid code. */
int accounts_totp_begin(char *secret_b32, size_t size);
int accounts_totp_enable(struct store *store, const struct audit_actor *actor, int64_t id,
                         const char *secret_b32, const char *code, time_t now, const char **reason);

/* Lost second factor (ASVS 2.5.7): an administrator of the account's office (actor) turns its
 * TOTP off and removes the secret, ends every session of the account and tells its holder by
 * e-mail (security notice "account_totp_reset"), audited "user.totp_reset", in one transaction.
 * An admin account must then set up a new one at its next sign-in (the web layer's must_enrol).
 * ST_NOTFOUND for another office's or an unknown account, ST_FORBIDDEN for one's own,
 * ST_INVALID when the account has no second factor. The caller requires a step-up. */
int accounts_totp_reset(struct store *store, const struct audit_actor *actor, int64_t id);

/* A random token: base64url of 32 bytes (for sessions and CSRF). */
void accounts_random_token(char out[ACCOUNTS_TOKEN_SIZE]);
/* The hex SHA-256 of a token, as sessions are stored. */
void accounts_token_hash(const char *token, char out[65]);

#endif
