/*
 * connection.c - per-thread database connections and the session read (connection.h).
 */
#include <pthread.h>

#include "base/arena.h"
#include "base/log.h"
#include "domain/accounts.h"
#include "domain/connection.h"
#include "domain/read_model.h"
#include "store/directory.h"
#include "store/store.h"

#include "base/common.h"

static void close_thread_store(void *store)
{
  store_close(store);
}

static pthread_key_t primary_key, replica_key;
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static void make_keys(void)
{
  pthread_key_create(&primary_key, close_thread_store);
  pthread_key_create(&replica_key, close_thread_store);
}

/* key is a pointer: the keys exist only once pthread_once has run. */
static int thread_store(const pthread_key_t *key, const char *url, bool replica, struct store **out)
{
  pthread_once(&keys_once, make_keys);
  struct store *store = pthread_getspecific(*key);
  if (!store) {
    char err[256];
    int rc = store_open(url, &store, err, sizeof(err));
    if (rc) {
      if (replica)
        log_warn("cannot open the read database, using the primary: %s", err);
      else
        log_error("cannot open database: %s", err);
      return rc;
    }
    /* A request thread's connection serves many short reads in a row. */
    store_reuse_reads(store);
    pthread_setspecific(*key, store);
  }
  *out = store;
  return ST_OK;
}

int connection_primary(const char *url, struct store **out)
{
  return thread_store(&primary_key, url, false, out);
}

int connection_replica(const char *url, struct store **out)
{
  return thread_store(&replica_key, url, true, out);
}

void connection_read_failed(struct store *store)
{
  log_warn("the read database failed, using the primary: %s", store_last_error(store));
  store_close(store);
  pthread_setspecific(replica_key, NULL);
}

int connection_open(const char *url, struct store **out, char *err, size_t err_size)
{
  return store_open(url, out, err, err_size);
}

void connection_close(struct store *store)
{
  store_close(store);
}

const char *connection_error(struct store *store)
{
  return store_last_error(store);
}

int connection_ready(const char *url)
{
  struct store *store;
  int rc = connection_primary(url, &store);
  return rc ? rc : store_ping(store);
}

int connection_session(struct store *store, struct arena *arena, const char *token, time_t now,
                       struct connection_session *out)
{
  json_t *row;
  int rc = accounts_session(store, &accounts_default_policy, token, now, &row);
  if (rc)
    return rc;
  *out = (struct connection_session){
      read_model_int(row, "user_id"),
      read_model_int(row, "office_id"),
      read_model_int(row, "unit_id"),
      (unsigned)read_model_int(row, "roles"),
      read_model_int(row, "mfa_pending") != 0,
      read_model_int(row, "totp_enabled") != 0,
      read_model_int(row, "password_expired") != 0,
      read_model_text(arena, row, "username"),
      read_model_text(arena, row, "display_name"),
      read_model_text(arena, row, "csrf_token"),
  };
  json_decref(row);
  return out->username && out->display_name && out->csrf_token ? ST_OK : ST_NOMEM;
}
