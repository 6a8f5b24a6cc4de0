/*
 * search_cache.c - kept search answers (search_cache.h).
 *
 * An answer is one malloc'd block (the entry, its hits, then their strings), never changed once
 * kept; threads share it and count references (a request holds one until its arena is freed).
 * Slots form sets of SEARCH_CACHE_WAYS: a key may sit in any way of its set, and a new answer
 * replaces the one used longest ago (so a few popular queries whose keys share a set do not
 * push each other out). One mutex guards the slots.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "domain/search_cache.h"
#include "store/store.h"

#include "base/common.h"

struct entry {
  atomic_int refs;
  uint64_t serial;
  int64_t office_id;
  int limit;
  const char *query, *today;
  struct office_search_hit *hits;
  size_t hit_count, size;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *slots[SEARCH_CACHE_SLOTS];
static uint64_t used[SEARCH_CACHE_SLOTS]; /* clock_tick when last kept or found; 0: never */
static uint64_t clock_tick;

static void release(void *p)
{
  struct entry *e = p;
  if (e && atomic_fetch_sub(&e->refs, 1) == 1)
    free(e);
}

/* The key's set: FNV-1a over the key (the serial is not hashed: an answer of an older snapshot
 * is replaced in time). */
static size_t set_of(int64_t office_id, const char *query, const char *today, int limit)
{
  uint64_t h = 14695981039346656037ULL;
  const uint64_t prime = 1099511628211ULL;
  h = (h ^ (uint64_t)office_id) * prime;
  h = (h ^ (uint64_t)limit) * prime;
  for (const char *p = today; *p; p++)
    h = (h ^ (unsigned char)*p) * prime;
  for (const char *p = query; *p; p++)
    h = (h ^ (unsigned char)*p) * prime;
  return (size_t)(h % (SEARCH_CACHE_SLOTS / SEARCH_CACHE_WAYS));
}

static bool same_key(const struct entry *e, uint64_t serial, int64_t office_id, const char *query,
                     const char *today, int limit)
{
  return e && e->serial == serial && e->office_id == office_id && e->limit == limit &&
         strcmp(e->today, today) == 0 && strcmp(e->query, query) == 0;
}

/* The kept answer for the key in set, with a reference taken for the caller; NULL when none.
 * Under lock. */
static struct entry *find(size_t set, uint64_t serial, int64_t office_id, const char *query,
                          const char *today, int limit)
{
  pthread_mutex_lock(&lock);
  struct entry *found = NULL;
  for (size_t w = 0; w < SEARCH_CACHE_WAYS && !found; w++) {
    struct entry *e = slots[set * SEARCH_CACHE_WAYS + w];
    if (same_key(e, serial, office_id, query, today, limit)) {
      atomic_fetch_add(&e->refs, 1);
      used[set * SEARCH_CACHE_WAYS + w] = ++clock_tick;
      found = e;
    }
  }
  pthread_mutex_unlock(&lock);
  return found;
}

/* Keeps e in its set (when small enough), in place of the way used longest ago. */
static void keep(size_t set, struct entry *e)
{
  if (e->size > SEARCH_CACHE_ENTRY_MAX)
    return;
  atomic_fetch_add(&e->refs, 1);
  pthread_mutex_lock(&lock);
  size_t victim = set * SEARCH_CACHE_WAYS;
  for (size_t w = 1; w < SEARCH_CACHE_WAYS; w++)
    if (used[set * SEARCH_CACHE_WAYS + w] < used[victim])
      victim = set * SEARCH_CACHE_WAYS + w;
  struct entry *old = slots[victim];
  slots[victim] = e;
  used[victim] = ++clock_tick;
  pthread_mutex_unlock(&lock);
  release(old);
}

static const char *const hit_fields[] = {"kind",     "slug",       "title_zh",
                                         "title_en", "summary_zh", "summary_en"};

static const char *field(const json_t *row, const char *key)
{
  const char *s = json_string_value(json_object_get(row, key));
  return s ? s : "";
}

/* Bytes of the block for rows and the two key strings. */
static size_t block_size(const json_t *rows, const char *query, const char *today)
{
  size_t size = sizeof(struct entry) + json_array_size(rows) * sizeof(struct office_search_hit);
  size += strlen(query) + strlen(today) + 2;
  for (size_t i = 0; i < json_array_size(rows); i++)
    for (size_t f = 0; f < ARRAY_LEN(hit_fields); f++)
      size += strlen(field(json_array_get(rows, i), hit_fields[f])) + 1;
  return size;
}

static const char *put_text(char **next, const char *s)
{
  size_t len = strlen(s) + 1;
  char *copy = memcpy(*next, s, len);
  *next += len;
  return copy;
}

static void fill_hit(struct office_search_hit *h, const json_t *row, char **next)
{
  h->id = json_integer_value(json_object_get(row, "id"));
  h->kind = put_text(next, field(row, "kind"));
  h->slug = put_text(next, field(row, "slug"));
  h->title_zh = put_text(next, field(row, "title_zh"));
  h->title_en = put_text(next, field(row, "title_en"));
  h->summary_zh = put_text(next, field(row, "summary_zh"));
  h->summary_en = put_text(next, field(row, "summary_en"));
}

/* A new entry (one reference) holding rows, NULL when memory runs out. */
static struct entry *entry_of(const json_t *rows, uint64_t serial, int64_t office_id,
                              const char *query, const char *today, int limit)
{
  size_t size = block_size(rows, query, today), n = json_array_size(rows);
  struct entry *e = malloc(size);
  if (!e)
    return NULL;
  *e = (struct entry){.serial = serial, .office_id = office_id, .limit = limit, .size = size};
  atomic_init(&e->refs, 1);
  e->hits = (struct office_search_hit *)(e + 1);
  e->hit_count = n;
  char *next = (char *)(e->hits + n);
  e->query = put_text(&next, query);
  e->today = put_text(&next, today);
  for (size_t i = 0; i < n; i++)
    fill_hit(&e->hits[i], json_array_get(rows, i), &next);
  return e;
}

/* Reads the answer from the store; a query with nothing searchable has none. */
static int read_answer(struct store *store, uint64_t serial, int64_t office_id, const char *query,
                       const char *today, int limit, struct entry **out)
{
  json_t *rows = NULL;
  int rc = store_search(store, office_id, query, today, limit, &rows);
  if (rc == ST_INVALID) {
    rc = ST_OK;
    rows = json_array();
  }
  if (!rc)
    *out = rows ? entry_of(rows, serial, office_id, query, today, limit) : NULL;
  json_decref(rows);
  return rc ? rc : (*out ? ST_OK : ST_NOMEM);
}

int search_cache_hits(struct store *store, struct arena *arena, uint64_t serial, int64_t office_id,
                      const char *query, const char *today, int limit,
                      const struct office_search_hit **hits, size_t *count)
{
  size_t set = set_of(office_id, query, today, limit);
  struct entry *e = find(set, serial, office_id, query, today, limit);
  *hits = NULL;
  *count = 0;
  if (!e) {
    int rc = read_answer(store, serial, office_id, query, today, limit, &e);
    if (rc)
      return rc;
    keep(set, e);
  }
  if (arena_on_free(arena, release, e)) {
    release(e);
    return ST_NOMEM;
  }
  *hits = e->hits;
  *count = e->hit_count;
  return ST_OK;
}

void search_cache_forget(void)
{
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < SEARCH_CACHE_SLOTS; i++) {
    release(slots[i]);
    slots[i] = NULL;
    used[i] = 0;
  }
  pthread_mutex_unlock(&lock);
}
