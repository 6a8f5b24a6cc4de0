/*
 * metrics.c - Prometheus text metrics: requests by route and status, a latency histogram per
 * route, and requests in flight. One mutex guards the counters; an observation is a few adds.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "http/internal.h"

#include "base/common.h"

enum { METRICS_STATUSES = 24 };

static const double bucket_bounds[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                       0.25,  0.5,   1.0,  2.5,   5.0,  10.0};
#define BUCKETS ARRAY_LEN(bucket_bounds)

struct route_metrics {
  int statuses[METRICS_STATUSES];
  uint64_t counts[METRICS_STATUSES];
  uint64_t buckets[BUCKETS];
  uint64_t observations;
  double seconds_sum;
};

struct http_metrics {
  pthread_mutex_t lock;
  size_t route_count; /* + 1 slot for requests that matched no route */
  struct route_metrics routes[];
};

struct http_metrics *http_metrics_new(size_t route_count)
{
  struct http_metrics *m = calloc(1, sizeof(*m) + (route_count + 1) * sizeof(struct route_metrics));
  if (!m)
    return NULL;
  pthread_mutex_init(&m->lock, NULL);
  m->route_count = route_count;
  return m;
}

void http_metrics_free(struct http_metrics *metrics)
{
  if (!metrics)
    return;
  pthread_mutex_destroy(&metrics->lock);
  free(metrics);
}

static void count_status(struct route_metrics *r, int status)
{
  for (size_t i = 0; i < METRICS_STATUSES; i++) {
    if (r->statuses[i] == status || r->statuses[i] == 0) {
      r->statuses[i] = status;
      r->counts[i]++;
      return;
    }
  }
}

void http_metrics_observe(struct http_metrics *metrics, size_t route_index, int status,
                          double seconds)
{
  if (route_index > metrics->route_count)
    route_index = metrics->route_count;
  pthread_mutex_lock(&metrics->lock);
  struct route_metrics *r = &metrics->routes[route_index];
  count_status(r, status);
  for (size_t b = 0; b < BUCKETS; b++)
    if (seconds <= bucket_bounds[b])
      r->buckets[b]++;
  r->observations++;
  r->seconds_sum += seconds;
  pthread_mutex_unlock(&metrics->lock);
}

static const char *route_label(const struct http_server *server, size_t index)
{
  const struct http_route *route = http_route_at(server, index);
  return route ? route->pattern : "unmatched";
}

static int render_route(const struct route_metrics *r, const char *label, struct buf *out)
{
  int rc = ST_OK;
  for (size_t i = 0; i < METRICS_STATUSES && r->statuses[i] && !rc; i++)
    rc = buf_printf(out, "bianmin_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n", label,
                    r->statuses[i], (unsigned long long)r->counts[i]);
  if (rc || r->observations == 0)
    return rc;
  for (size_t b = 0; b < BUCKETS && !rc; b++)
    rc = buf_printf(out,
                    "bianmin_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                    label, bucket_bounds[b], (unsigned long long)r->buckets[b]);
  if (!rc)
    rc = buf_printf(out,
                    "bianmin_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
                    "bianmin_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                    "bianmin_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                    label, (unsigned long long)r->observations, label, r->seconds_sum, label,
                    (unsigned long long)r->observations);
  return rc;
}

int http_metrics_render(struct http_metrics *metrics, const struct http_server *server,
                        struct buf *out)
{
  int rc = buf_printf(out,
                      "# HELP bianmin_http_requests_in_flight Requests being processed now.\n"
                      "# TYPE bianmin_http_requests_in_flight gauge\n"
                      "bianmin_http_requests_in_flight %d\n"
                      "# HELP bianmin_http_event_streams Server-Sent Event streams open now.\n"
                      "# TYPE bianmin_http_event_streams gauge\n"
                      "bianmin_http_event_streams %zu\n"
                      "# HELP bianmin_http_requests_total Requests answered, by route and status.\n"
                      "# TYPE bianmin_http_requests_total counter\n"
                      "# HELP bianmin_http_request_duration_seconds Time to answer, by route.\n"
                      "# TYPE bianmin_http_request_duration_seconds histogram\n",
                      atomic_load(&server->in_flight), http_stream_count(server));
  pthread_mutex_lock(&metrics->lock);
  for (size_t i = 0; i <= metrics->route_count && !rc; i++)
    rc = render_route(&metrics->routes[i], route_label(server, i), out);
  pthread_mutex_unlock(&metrics->lock);
  return rc;
}
