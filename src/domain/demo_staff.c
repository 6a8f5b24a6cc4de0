/*
 * demo_staff.c - demo staff accounts for every demo office, one per role, so that a person
 * trying bianmin can sign in at once. Admins need a second factor: theirs is set up here and
 * its secret printed with the logins (add it to any authenticator app).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/accounts.h"
#include "domain/demo.h"
#include "domain/totp.h"
#include "store/store.h"

#include "base/common.h"

static const struct {
  const char *suffix;
  const char *name_zh;
  unsigned roles;
} demo_roles[] = {
    {"clerk", "收件櫃台人員", ROLE_CLERK},
    {"handler", "承辦人", ROLE_HANDLER},
    {"supervisor", "課長", ROLE_SUPERVISOR | ROLE_HANDLER},
    {"admin", "系統管理員", ROLE_ADMIN},
    {"analyst", "研考人員", ROLE_ANALYST},
};

static int enrol_admin(struct store *store, const struct audit_actor *actor, int64_t id,
                       char secret_b32[TOTP_SECRET_B32_SIZE])
{
  unsigned char secret[TOTP_SECRET_BYTES];
  char *sealed = NULL;
  int rc = totp_generate_secret(secret);
  if (!rc)
    rc = totp_base32_encode(secret, sizeof(secret), secret_b32, TOTP_SECRET_B32_SIZE);
  if (!rc)
    rc = totp_seal_secret(secret, sizeof(secret), &sealed);
  sodium_memzero(secret, sizeof(secret));
  if (!rc)
    rc = store_user_set_totp(store, id, sealed, 1, "1970-01-01T00:00:00Z");
  free(sealed);
  return rc ? rc : audit_record(store, actor, "user.totp_enable", "user", "demo", NULL);
}

static int add_one(struct store *store, json_t *office, size_t role, const char *password,
                   FILE *out)
{
  const char *slug = json_string_value(json_object_get(office, "slug"));
  char username[64], name[128], secret[TOTP_SECRET_B32_SIZE] = "";
  snprintf(username, sizeof(username), "%s-%s", slug, demo_roles[role].suffix);
  snprintf(name, sizeof(name), "%s（示範）", demo_roles[role].name_zh);
  json_t *existing;
  if (store_user_by_username(store, username, &existing) == ST_OK) {
    json_decref(existing);
    return ST_OK;
  }
  struct audit_actor actor = {json_integer_value(json_object_get(office, "id")), 0, "demo", "cli"};
  struct account_fields f = {actor.office_id, 0, username, name, "", demo_roles[role].roles};
  const char *reason = NULL;
  int64_t id = 0;
  int rc = accounts_create(store, &actor, &f, password, &id, &reason);
  if (!rc && (demo_roles[role].roles & ROLE_ADMIN))
    rc = enrol_admin(store, &actor, id, secret);
  if (!rc)
    fprintf(out, "  %-22s %s%s%s\n", username, password, *secret ? "  TOTP secret: " : "", secret);
  return rc;
}

int demo_staff_load(struct store *store, const char *password, FILE *out)
{
  json_t *offices;
  int rc = store_office_list(store, &offices);
  if (rc)
    return rc;
  size_t i;
  json_t *office;
  json_array_foreach(offices, i, office)
  {
    for (size_t r = 0; r < ARRAY_LEN(demo_roles) && !rc; r++)
      rc = add_one(store, office, r, password, out);
  }
  json_decref(offices);
  return rc;
}
