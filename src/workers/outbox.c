/* outbox.c - the outbox worker thread: claim, send, record, retry (outbox.h). */
#include "workers/outbox.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "domain/connection.h"
#include "domain/notify.h"
#include "domain/personal.h"

#include "base/common.h"

enum { OUTBOX_BATCH = 50 }; /* messages per pass, so a stop request is seen between passes */

struct outbox_worker {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  bool stop;
  struct config config;
  char node[128];
};

long outbox_backoff(long base, long attempts)
{
  long delay = base;
  for (long i = 1; i < attempts && delay < OUTBOX_BACKOFF_MAX_SECONDS; i++)
    delay *= 2;
  return delay < OUTBOX_BACKOFF_MAX_SECONDS ? delay : OUTBOX_BACKOFF_MAX_SECONDS;
}

static int64_t get_int(json_t *m, const char *key)
{
  return json_integer_value(json_object_get(m, key));
}

/* Sends claimed message m over its channel; the recipient is opened only for the send. */
static void send_one(const struct config *config, json_t *m, struct outbox_result *result)
{
  char *to = NULL;
  const char *channel = json_string_value(json_object_get(m, "channel"));
  memset(result, 0, sizeof(*result));
  if (personal_open(json_string_value(json_object_get(m, "recipient")), &to)) {
    result->outcome = OUTBOX_PERMANENT;
    snprintf(result->error, sizeof(result->error), "the recipient cannot be opened (key?)");
    return;
  }
  int rc = channel && !strcmp(channel, "email") ? outbox_send_mail(config, m, to, result)
                                                : outbox_send_sms(config, m, to, result);
  if (rc) {
    result->outcome = OUTBOX_TEMPORARY;
    snprintf(result->error, sizeof(result->error), "not sent: %s", status_name(rc));
  }
  personal_free(to);
}

static int record(struct store *store, const struct config *config, const char *node, json_t *m,
                  const struct outbox_result *result)
{
  int64_t id = get_int(m, "id"), attempts = get_int(m, "attempts");
  time_t now = clock_now();
  bool applied = false;
  int rc;
  if (result->outcome == OUTBOX_SENT) {
    /* Logged before it is recorded: the provider took it, and whoever sees it recorded as sent
     * (a test, an operator) finds its log line already there. */
    log_info("outbox: message %lld sent (%s)", (long long)id, result->provider_id);
    return notify_outbox_sent(store, id, node, result->provider_id, now, &applied);
  }
  time_t retry = now + outbox_backoff(config->retry_base_seconds, attempts);
  if (!get_int(m, "urgent"))
    retry = notify_daytime(retry);
  int64_t max = result->outcome == OUTBOX_PERMANENT ? 0 : config->max_attempts;
  rc = notify_outbox_failed(store, id, node, result->error, retry, max, &applied);
  log_warn("outbox: message %lld attempt %lld failed%s: %s", (long long)id, (long long)attempts,
           max && attempts < max ? ", will retry" : ", given up", result->error);
  return rc;
}

int outbox_run_once(struct store *store, const struct config *config, const char *node,
                    int *handled)
{
  bool sms = config->sms_url[0] != '\0', email = config->mail_url[0] != '\0';
  *handled = 0;
  while ((sms || email) && *handled < OUTBOX_BATCH) {
    json_t *m;
    time_t now = clock_now();
    int rc =
        notify_outbox_claim(store, node, now, now - config->claim_timeout_seconds, sms, email, &m);
    if (rc == ST_NOTFOUND)
      return ST_OK;
    if (rc)
      return rc;
    struct outbox_result result;
    send_one(config, m, &result);
    rc = record(store, config, node, m, &result);
    json_decref(m);
    if (rc)
      return rc;
    (*handled)++;
  }
  return ST_OK;
}

static void wait_poll(struct outbox_worker *w)
{
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += w->config.poll_seconds;
  while (!w->stop && pthread_cond_timedwait(&w->wake, &w->lock, &until) == 0)
    ;
}

static void *worker_main(void *arg)
{
  struct outbox_worker *w = arg;
  struct store *store = NULL;
  char err[256];
  pthread_mutex_lock(&w->lock);
  while (!w->stop) {
    pthread_mutex_unlock(&w->lock);
    int handled = 0, rc = store ? ST_OK : connection_open(w->config.db, &store, err, sizeof(err));
    if (!rc)
      rc = outbox_run_once(store, &w->config, w->node, &handled);
    if (rc)
      log_error("outbox worker: %s", store ? connection_error(store) : err);
    pthread_mutex_lock(&w->lock);
    if (!handled)
      wait_poll(w);
  }
  pthread_mutex_unlock(&w->lock);
  connection_close(store);
  return NULL;
}

int outbox_worker_start(const struct config *config, struct outbox_worker **out)
{
  static int counter;
  struct outbox_worker *w = calloc(1, sizeof(*w));
  if (!w)
    return ST_NOMEM;
  w->config = *config;
  char host[64] = "host";
  gethostname(host, sizeof(host) - 1);
  snprintf(w->node, sizeof(w->node), "%s:%ld:%d", host, (long)getpid(), ++counter);
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->wake, NULL);
  if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    free(w);
    return ST_IO;
  }
  *out = w;
  return ST_OK;
}

void outbox_worker_stop(struct outbox_worker *w)
{
  if (!w)
    return;
  pthread_mutex_lock(&w->lock);
  w->stop = true;
  pthread_cond_signal(&w->wake);
  pthread_mutex_unlock(&w->lock);
  pthread_join(w->thread, NULL);
  pthread_mutex_destroy(&w->lock);
  pthread_cond_destroy(&w->wake);
  free(w);
}
