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
#include "render/message.h"

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

int outbox_templates_load(const char *dir, char *err, size_t err_size)
{
  char path[1024];
  int rc = notify_templates_load_dir(dir, err, err_size);
  snprintf(path, sizeof(path), "%s/layout.html.mustache", dir);
  if (!rc && access(path, F_OK) == 0) /* without it e-mails are text only, as before */
    rc = message_layout_load(path, err, err_size);
  size_t names_count = 0;
  const char *const *names = notify_variables(&names_count);
  for (size_t i = 0; !rc && i < notify_template_default_count(); i++) {
    struct notify_template_key key;
    const char *subject, *body, *reason = "";
    char detail[128] = "";
    rc = notify_template_default_at(i, &key, &subject, &body);
    if (!rc)
      rc = message_check(key.channel, subject, body, names, names_count, &reason, detail,
                         sizeof(detail));
    if (rc)
      snprintf(err, err_size, "%s/%s.%s.%s.mustache: %s %s", dir, key.event, key.channel, key.lang,
               reason, detail);
  }
  return rc;
}

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

static const char *text_of(json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

/* Puts the rendered text in claimed message m, where the senders read it. */
static int set_text(json_t *m, const char *subject, const char *text, const char *html)
{
  return json_object_set_new(m, "subject", json_string(subject ? subject : "")) ||
                 json_object_set_new(m, "body_text", json_string(text ? text : "")) ||
                 json_object_set_new(m, "body_html", json_string(html ? html : ""))
             ? ST_NOMEM
             : ST_OK;
}

/* Renders values into m with tpl (the template in force); a template that cannot be rendered
 * fails the message for good, with the reason. */
static int render_with(json_t *m, json_t *tpl, json_t *values, struct outbox_result *result,
                       bool *failed)
{
  const char *channel = text_of(m, "channel"), *lang = text_of(m, "lang"), *reason = "";
  char *subject = NULL, *text = NULL, *html = NULL, detail[160] = "";
  json_t *vars = message_vars(values, lang);
  int rc = vars ? message_render(channel, lang, text_of(tpl, "subject"), text_of(tpl, "body"), vars,
                                 &subject, &text, &html, &reason, detail, sizeof(detail))
                : ST_NOMEM;
  if (rc == ST_INVALID || rc == ST_LIMIT) {
    *failed = true;
    result->outcome = OUTBOX_PERMANENT;
    snprintf(result->error, sizeof(result->error), "template: %.40s %.120s", reason ? reason : "",
             detail);
    rc = ST_OK;
  } else if (!rc) {
    rc = set_text(m, subject, text, html);
  }
  json_decref(vars);
  free(subject);
  free(text);
  free(html);
  return rc;
}

int outbox_prepare(struct store *store, json_t *m, bool *rendered, bool *failed,
                   struct outbox_result *result)
{
  json_t *values = notify_message_values(text_of(m, "body_html")), *tpl = NULL;
  *rendered = *failed = false;
  memset(result, 0, sizeof(*result));
  if (!values)
    return ST_OK;
  int rc = notify_template_get(store, get_int(m, "office_id"), text_of(m, "event"),
                               text_of(m, "channel"), text_of(m, "lang"), &tpl);
  if (rc == ST_NOTFOUND) {
    *failed = true;
    result->outcome = OUTBOX_PERMANENT;
    snprintf(result->error, sizeof(result->error), "no template for %.40s.%.10s.%.10s",
             text_of(m, "event"), text_of(m, "channel"), text_of(m, "lang"));
    rc = ST_OK;
  } else if (!rc) {
    rc = render_with(m, tpl, values, result, failed);
    *rendered = !rc && !*failed;
  }
  json_decref(tpl);
  json_decref(values);
  return rc;
}

static int record(struct store *store, const struct config *config, const char *node, json_t *m,
                  bool rendered, const struct outbox_result *result)
{
  int64_t id = get_int(m, "id"), attempts = get_int(m, "attempts");
  time_t now = clock_now();
  bool applied = false;
  int rc;
  if (result->outcome == OUTBOX_SENT) {
    /* Logged before it is recorded: the provider took it, and whoever sees it recorded as sent
     * (a test, an operator) finds its log line already there. */
    log_info("outbox: message %lld sent (%s)", (long long)id, result->provider_id);
    const struct notify_rendered text = {text_of(m, "subject"), text_of(m, "body_text"),
                                         text_of(m, "body_html")};
    return notify_outbox_sent_rendered(store, id, node, result->provider_id, now,
                                       rendered ? &text : NULL, &applied);
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
    bool rendered = false, failed = false;
    rc = outbox_prepare(store, m, &rendered, &failed, &result);
    if (!rc && !failed)
      send_one(config, m, &result);
    if (!rc)
      rc = record(store, config, node, m, rendered, &result);
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
