/* scanner.c - the deadline scanner thread (scanner.h). */
#include "workers/scanner.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "domain/booking.h"
#include "domain/petition.h"
#include "domain/cases.h"
#include "domain/connection.h"
#include "domain/kpi.h"
#include "domain/payment.h"
#include "domain/plan.h"

#include "base/common.h"

struct scanner {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  bool stop;
  int interval;
  char *db_url;
};

int scanner_run_once(const char *db_url, long long *changed)
{
  struct store *store;
  char err[256];
  int rc = connection_open(db_url, &store, err, sizeof(err));
  if (rc)
    return rc;
  struct case_env env = {store, clock_now()};
  int64_t n = 0;
  rc = cases_scan(&env, &n);
  int64_t expired = 0;
  if (!rc)
    rc = payment_expire_due(&env, &expired); /* payments started and never finished */
  n += expired;
  size_t reminded = 0;
  if (!rc)
    rc = booking_scan(store, env.now, &reminded); /* booked visits: no-shows, reminders */
  n += (int64_t)reminded;
  int64_t petitions_reminded = 0;
  if (!rc)
    rc = petition_remind(store, env.now, &petitions_reminded); /* due within a working day */
  n += petitions_reminded;
  int64_t notices_ended = 0;
  if (!rc)
    rc = cases_public_notices_end_due(&env, &notices_ended); /* notices past their period */
  n += notices_ended;
  if (!rc)
    rc = kpi_update(store, env.now, NULL); /* the indicators count what the log gained */
  if (!rc)
    rc = plan_remind(store, env.now, NULL); /* plan control: units that owe this month's entry */
  connection_close(store);
  *changed = n;
  return rc;
}

static void *scanner_main(void *arg)
{
  struct scanner *s = arg;
  pthread_mutex_lock(&s->lock);
  while (!s->stop) {
    pthread_mutex_unlock(&s->lock);
    long long changed = 0;
    int rc = scanner_run_once(s->db_url, &changed);
    if (rc)
      log_error("deadline scan failed: %s", status_name(rc));
    else if (changed)
      log_info("deadline scan: %lld cases changed state", changed);
    pthread_mutex_lock(&s->lock);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += s->interval;
    while (!s->stop && pthread_cond_timedwait(&s->wake, &s->lock, &until) == 0)
      ;
  }
  pthread_mutex_unlock(&s->lock);
  return NULL;
}

int scanner_start(const char *db_url, int interval_seconds, struct scanner **out)
{
  struct scanner *s = calloc(1, sizeof(*s));
  if (!s)
    return ST_NOMEM;
  s->interval = interval_seconds;
  s->db_url = malloc(strlen(db_url) + 1);
  if (!s->db_url) {
    free(s);
    return ST_NOMEM;
  }
  memcpy(s->db_url, db_url, strlen(db_url) + 1);
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->wake, NULL);
  if (pthread_create(&s->thread, NULL, scanner_main, s) != 0) {
    free(s->db_url);
    free(s);
    return ST_IO;
  }
  *out = s;
  return ST_OK;
}

void scanner_stop(struct scanner *s)
{
  if (!s)
    return;
  pthread_mutex_lock(&s->lock);
  s->stop = true;
  pthread_cond_signal(&s->wake);
  pthread_mutex_unlock(&s->lock);
  pthread_join(s->thread, NULL);
  pthread_mutex_destroy(&s->lock);
  pthread_cond_destroy(&s->wake);
  free(s->db_url);
  free(s);
}
