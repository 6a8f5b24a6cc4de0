/*
 * ratelimit.c - per-client-address token buckets, one per (rate class, address). A fixed-size
 * table bounds memory whatever the number of clients: a new address takes the least recently
 * seen slot of its probe window, so under a flood of addresses the oldest are forgotten first.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

#include "base/common.h"
#include "base/str.h"

enum { RATE_SLOTS = 8192, RATE_PROBE = 8, RATE_KEY_MAX = 48 };

struct bucket {
  char key[RATE_KEY_MAX];
  double tokens;
  double updated;
};

struct http_ratelimit {
  pthread_mutex_t lock;
  struct bucket slots[RATE_SLOTS];
};

struct http_ratelimit *http_ratelimit_new(void)
{
  struct http_ratelimit *limiter = calloc(1, sizeof(*limiter));
  if (limiter)
    pthread_mutex_init(&limiter->lock, NULL);
  return limiter;
}

void http_ratelimit_free(struct http_ratelimit *limiter)
{
  if (!limiter)
    return;
  pthread_mutex_destroy(&limiter->lock);
  free(limiter);
}

static uint32_t hash_key(const char *key)
{
  return str_hash(STR_HASH_START, key, strlen(key));
}

static struct bucket *find_slot(struct http_ratelimit *limiter, const char *key, bool *fresh)
{
  uint32_t h = hash_key(key);
  struct bucket *oldest = NULL;
  for (uint32_t i = 0; i < RATE_PROBE; i++) {
    struct bucket *b = &limiter->slots[(h + i) % RATE_SLOTS];
    if (strcmp(b->key, key) == 0) {
      *fresh = false;
      return b;
    }
    if (!oldest || b->updated < oldest->updated)
      oldest = b;
  }
  *fresh = true;
  return oldest;
}

/* "<class>|<address>", cut to RATE_KEY_MAX - 1 bytes (as snprintf cut it; this runs for
 * every rate-limited request, so it is written by hand). */
static void rate_key(enum http_rate_class rate, const char *client_ip, char key[RATE_KEY_MAX])
{
  char digits[12];
  size_t k = 0, n = 0;
  unsigned v = (unsigned)rate;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v && n < sizeof(digits));
  while (n)
    key[k++] = digits[--n];
  key[k++] = '|';
  size_t len = strlen(client_ip);
  if (len > RATE_KEY_MAX - 1 - k)
    len = RATE_KEY_MAX - 1 - k;
  memcpy(key + k, client_ip, len);
  key[k + len] = '\0';
}

bool http_ratelimit_allow(struct http_ratelimit *limiter, enum http_rate_class rate,
                          const char *client_ip, int per_minute, double now)
{
  if (rate == HTTP_RATE_NONE || per_minute <= 0)
    return true;
  char key[RATE_KEY_MAX];
  rate_key(rate, client_ip, key);
  pthread_mutex_lock(&limiter->lock);
  bool fresh;
  struct bucket *b = find_slot(limiter, key, &fresh);
  if (fresh) {
    memcpy(b->key, key, sizeof(key));
    b->tokens = per_minute;
  } else {
    b->tokens += (now - b->updated) * per_minute / 60.0;
    if (b->tokens > per_minute)
      b->tokens = per_minute;
  }
  b->updated = now;
  bool allowed = b->tokens >= 1.0;
  if (allowed)
    b->tokens -= 1.0;
  pthread_mutex_unlock(&limiter->lock);
  return allowed;
}
