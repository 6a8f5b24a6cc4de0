/*
 * app.c - per-thread database connections and small helpers shared by handlers.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "web/app.h"

#include "base/common.h"

static pthread_key_t store_key;
static pthread_once_t store_key_once = PTHREAD_ONCE_INIT;

static void close_thread_store(void *store)
{
  store_close(store);
}

static void make_store_key(void)
{
  pthread_key_create(&store_key, close_thread_store);
}

static int thread_store(struct web_app *app, struct store **out)
{
  pthread_once(&store_key_once, make_store_key);
  struct store *store = pthread_getspecific(store_key);
  if (!store) {
    char err[256];
    int rc = store_open(app->db_url, &store, err, sizeof(err));
    if (rc) {
      log_error("cannot open database: %s", err);
      return rc;
    }
    pthread_setspecific(store_key, store);
  }
  *out = store;
  return ST_OK;
}

int web_store(struct http_request *req, struct store **out)
{
  return thread_store(req->app, out);
}

int web_ready(void *app)
{
  struct store *store;
  int rc = thread_store(app, &store);
  return rc ? rc : store_ping(store);
}

const char *web_field(json_t *record, const char *field, const char *lang)
{
  char key[64];
  if (strcmp(lang, "en") == 0) {
    snprintf(key, sizeof(key), "%s_en", field);
    const char *en = json_string_value(json_object_get(record, key));
    if (en && *en)
      return en;
  }
  snprintf(key, sizeof(key), "%s_zh", field);
  const char *zh = json_string_value(json_object_get(record, key));
  return zh ? zh : "";
}

const char *web_str(json_t *record, const char *field)
{
  const char *s = json_string_value(json_object_get(record, field));
  return s ? s : "";
}
