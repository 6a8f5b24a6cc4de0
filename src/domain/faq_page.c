/*
 * faq_page.c - the FAQ page's read model (faq_page.h): each office's published questions kept
 * per directory snapshot, the search's answer from search_cache.c.
 *
 * A kept list is one malloc'd block (the entry, its items, then their strings), never changed
 * once kept, shared by threads with a reference count (a request holds one until its arena is
 * freed). An office's list sits in slot office_id % FAQ_SLOTS; one mutex guards the slots.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "domain/catalog.h"
#include "domain/directory.h"
#include "domain/faq_page.h"
#include "domain/read_model.h"
#include "domain/search_cache.h"
#include "store/store.h"

#include "base/common.h"

/* Slots (by office id) and the largest list kept (a larger one is read on every request), so
 * at most 4 MB are held: with the search's 4 MB (search_cache.h) the server's peak memory
 * stays under the 64 MiB the issue sets, whatever queries it is sent. */
enum { FAQ_SLOTS = 32, FAQ_LIST_KEEP_MAX = 128 * 1024 };

struct faq_list {
  atomic_int refs;
  uint64_t serial;
  int64_t office_id;
  struct faq_item *items;
  size_t count, size;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct faq_list *slots[FAQ_SLOTS];

static void release(void *p)
{
  struct faq_list *l = p;
  if (l && atomic_fetch_sub(&l->refs, 1) == 1)
    free(l);
}

static const char *const item_fields[] = {"category_zh", "category_en", "question_zh",
                                          "question_en", "answer_zh",   "answer_en"};

static const char *field(const json_t *row, const char *key)
{
  const char *s = json_string_value(json_object_get(row, key));
  return s ? s : "";
}

static const char *put_text(char **next, const json_t *row, const char *key)
{
  const char *s = field(row, key);
  size_t len = strlen(s) + 1;
  char *copy = memcpy(*next, s, len);
  *next += len;
  return copy;
}

/* A new list (one reference) holding rows; NULL when memory runs out. */
static struct faq_list *list_of(const json_t *rows, uint64_t serial, int64_t office_id)
{
  size_t n = json_array_size(rows), size = sizeof(struct faq_list) + n * sizeof(struct faq_item);
  for (size_t i = 0; i < n; i++)
    for (size_t f = 0; f < ARRAY_LEN(item_fields); f++)
      size += strlen(field(json_array_get(rows, i), item_fields[f])) + 1;
  struct faq_list *l = malloc(size);
  if (!l)
    return NULL;
  *l = (struct faq_list){.serial = serial, .office_id = office_id, .count = n, .size = size};
  atomic_init(&l->refs, 1);
  l->items = (struct faq_item *)(l + 1);
  char *next = (char *)(l->items + n);
  for (size_t i = 0; i < n; i++) {
    const json_t *row = json_array_get(rows, i);
    l->items[i] = (struct faq_item){.id = read_model_int(row, "id")};
    l->items[i].category_zh = put_text(&next, row, "category_zh");
    l->items[i].category_en = put_text(&next, row, "category_en");
    l->items[i].question_zh = put_text(&next, row, "question_zh");
    l->items[i].question_en = put_text(&next, row, "question_en");
    l->items[i].answer_zh = put_text(&next, row, "answer_zh");
    l->items[i].answer_en = put_text(&next, row, "answer_en");
  }
  return l;
}

/* The list kept in slot for the office and snapshot serial, with a reference for the caller;
 * NULL when none. */
static struct faq_list *kept(size_t slot, uint64_t serial, int64_t office_id)
{
  pthread_mutex_lock(&lock);
  struct faq_list *l = slots[slot];
  if (l && l->serial == serial && l->office_id == office_id)
    atomic_fetch_add(&l->refs, 1);
  else
    l = NULL;
  pthread_mutex_unlock(&lock);
  return l;
}

/* The office's kept list of snapshot serial with a reference for the caller, read from the
 * store (and kept, unless larger than FAQ_LIST_KEEP_MAX) when there is none. */
static int published(struct store *store, uint64_t serial, int64_t office_id, struct faq_list **out)
{
  size_t slot = (size_t)((uint64_t)office_id % FAQ_SLOTS);
  json_t *rows = NULL;
  struct faq_list *l = kept(slot, serial, office_id);
  if (l) {
    *out = l;
    return ST_OK;
  }
  int rc = store_faq_list(store, office_id, true, &rows);
  l = rc ? NULL : list_of(rows, serial, office_id);
  json_decref(rows);
  if (rc || !l)
    return rc ? rc : ST_NOMEM;
  *out = l;
  if (l->size > FAQ_LIST_KEEP_MAX)
    return ST_OK;
  atomic_fetch_add(&l->refs, 1);
  pthread_mutex_lock(&lock);
  struct faq_list *old = slots[slot];
  slots[slot] = l;
  pthread_mutex_unlock(&lock);
  release(old);
  return ST_OK;
}

static const struct faq_item *item_by_id(const struct faq_list *l, int64_t id)
{
  for (size_t i = 0; i < l->count; i++)
    if (l->items[i].id == id)
      return &l->items[i];
  return NULL;
}

/* The search's FAQ hits among the published questions (a hit the list does not hold, as
 * after an edit between the two reads, is left out). */
static int results(struct store *store, struct arena *arena, uint64_t serial,
                   const struct faq_list *l, const char *query, const char *today,
                   struct faq_page *out)
{
  const struct office_search_hit *hits = NULL;
  size_t count = 0;
  int rc = search_cache_hits(store, arena, serial, l->office_id, query, today, STORE_SEARCH_MAX,
                             &hits, &count);
  if (rc)
    return rc;
  out->results = read_model_array(arena, count, sizeof(*out->results));
  if (!out->results)
    return ST_NOMEM;
  for (size_t i = 0; i < count; i++) {
    const struct faq_item *item =
        strcmp(hits[i].kind, "faq") == 0 ? item_by_id(l, hits[i].id) : NULL;
    if (item)
      out->results[out->result_count++] = item;
  }
  return ST_OK;
}

int faq_page_read(struct store *store, struct arena *arena, int64_t office_id, const char *query,
                  const char *today, struct faq_page *out)
{
  const struct directory *dir = NULL;
  struct faq_list *l = NULL;
  *out = (struct faq_page){0};
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = published(store, directory_serial(dir), office_id, &l);
  if (rc)
    return rc;
  if (arena_on_free(arena, release, l)) {
    release(l);
    return ST_NOMEM;
  }
  out->items = l->items;
  out->item_count = l->count;
  if (!query || !*query)
    return ST_OK;
  return results(store, arena, directory_serial(dir), l, query, today, out);
}

/* A question's row into a faq_item whose strings are in arena (read_model_fill). */
static int item_fill(struct arena *arena, const json_t *row, void *element)
{
  struct faq_item *item = element;
  *item = (struct faq_item){read_model_int(row, "id"),
                            read_model_text(arena, row, "category_zh"),
                            read_model_text(arena, row, "category_en"),
                            read_model_text(arena, row, "question_zh"),
                            read_model_text(arena, row, "question_en"),
                            read_model_text(arena, row, "answer_zh"),
                            read_model_text(arena, row, "answer_en")};
  return item->category_zh && item->category_en && item->question_zh && item->question_en &&
                 item->answer_zh && item->answer_en
             ? ST_OK
             : ST_NOMEM;
}

int faq_top_read(struct store *store, struct arena *arena, int64_t office_id, int limit,
                 struct faq_item **out, size_t *count)
{
  json_t *rows = NULL;
  void *items = NULL;
  *out = NULL;
  *count = 0;
  int rc = store_faq_top(store, office_id, limit, &rows);
  if (!rc)
    rc = read_model_rows(arena, rows, sizeof(struct faq_item), item_fill, &items, count);
  json_decref(rows);
  *out = items;
  return rc;
}

int faq_entry_read(struct store *store, struct arena *arena, int64_t office_id, int64_t id,
                   struct faq_entry *out)
{
  json_t *row = NULL;
  *out = (struct faq_entry){{0}};
  int rc = catalog_faq_entry_read(store, office_id, id, &row);
  if (rc)
    return rc;
  rc = item_fill(arena, row, &out->item);
  out->updated_at = read_model_text(arena, row, "updated_at");
  out->helpful = read_model_int(row, "helpful");
  out->not_helpful = read_model_int(row, "not_helpful");
  json_decref(row);
  return rc || out->updated_at ? rc : ST_NOMEM;
}

void faq_page_forget(void)
{
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < FAQ_SLOTS; i++) {
    release(slots[i]);
    slots[i] = NULL;
  }
  pthread_mutex_unlock(&lock);
}
