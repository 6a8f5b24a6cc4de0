/*
 * directory.c - offices, units and services in memory (directory.h).
 *
 * A snapshot is built from the store's records (kept as they are, so the typed fields point
 * into them) and never changed afterwards; threads share it read-only and count references.
 * One mutex guards which snapshot is current and when the version was last checked.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/text.h"
#include "domain/directory.h"
#include "store/directory.h"
#include "store/store.h"

#include "base/common.h"

/* The units' search texts of a whole directory (a city: thousands of units of a few hundred
 * bytes each). */
enum { DIRECTORY_ARENA_MAX = 64 * 1024 * 1024 };

struct directory {
  struct arena *arena; /* the units' search texts */
  atomic_int refs;
  int64_t version;
  uint64_t serial;     /* directory_serial: unique per snapshot loaded in this process */
  uint64_t generation; /* store_directory_generation() when last found current (under lock) */
  json_t *records;     /* [offices, units..., services...]: owns every string */
  struct dir_office *offices;
  size_t office_count;
  struct dir_unit *units; /* grouped by office (ascending), then by sort and id */
  size_t unit_count;
  struct dir_service *services; /* grouped by office (ascending), then catalogue order */
  size_t service_count;
  const struct dir_unit **units_by_id;
  const struct dir_service **services_by_id;
  const struct dir_service **services_by_slug; /* by office_id, slug */
  struct dir_word *words;                      /* grouped by office (ascending) */
  size_t word_count;
  struct dir_form *forms; /* grouped by service (ascending id), each group as listed */
  size_t form_count;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct directory *current;
static int64_t last_check_ms;
static atomic_uint_least64_t serials;

static int64_t monotonic_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *text(const json_t *record, const char *key)
{
  const char *s = json_string_value(json_object_get(record, key));
  return s ? s : "";
}

static int64_t integer(const json_t *record, const char *key)
{
  return json_integer_value(json_object_get(record, key));
}

static void free_directory(struct directory *d)
{
  if (!d)
    return;
  json_decref(d->records);
  arena_free(d->arena);
  free(d->offices);
  free(d->units);
  free(d->services);
  free(d->units_by_id);
  free(d->services_by_id);
  free(d->services_by_slug);
  free(d->words);
  free(d->forms);
  free(d);
}

static void release(void *p)
{
  struct directory *d = p;
  if (d && atomic_fetch_sub(&d->refs, 1) == 1)
    free_directory(d);
}

static void fill_office(struct dir_office *o, const json_t *r)
{
  *o = (struct dir_office){integer(r, "id"),          text(r, "slug"),
                           text(r, "name_zh"),        text(r, "name_en"),
                           text(r, "kind"),           text(r, "city_zh"),
                           text(r, "city_en"),        text(r, "address_zh"),
                           text(r, "address_en"),     text(r, "phone"),
                           text(r, "email"),          text(r, "hours_zh"),
                           text(r, "hours_en"),       text(r, "case_word_zh"),
                           text(r, "case_word_code"), r};
}

static void fill_unit(struct dir_unit *u, const json_t *r)
{
  *u = (struct dir_unit){integer(r, "id"),
                         integer(r, "office_id"),
                         integer(r, "sort"),
                         text(r, "code"),
                         text(r, "name_zh"),
                         text(r, "name_en"),
                         text(r, "floor_zh"),
                         text(r, "floor_en"),
                         text(r, "counter"),
                         text(r, "phone"),
                         text(r, "duties_zh"),
                         text(r, "duties_en"),
                         r};
}

static void fill_service(struct dir_service *s, const json_t *r)
{
  const json_t *fee = json_object_get(r, "fee_amount");
  *s = (struct dir_service){integer(r, "id"),
                            integer(r, "office_id"),
                            integer(r, "unit_id"),
                            text(r, "slug"),
                            text(r, "name_zh"),
                            text(r, "name_en"),
                            text(r, "fee_zh"),
                            text(r, "fee_en"),
                            text(r, "workflow"),
                            text(r, "case_word_code"),
                            json_is_integer(fee),
                            json_integer_value(fee),
                            integer(r, "time_limit_minutes"),
                            json_is_true(json_object_get(r, "published")),
                            json_is_true(json_object_get(r, "online_capable")),
                            r};
}

/* A list column's lines (the store decodes it to an array of strings), in the arena. */
static int lines(struct arena *arena, const json_t *r, const char *key, struct dir_lines *out)
{
  const json_t *list = json_object_get(r, key);
  size_t n = json_array_size(list), count = 0;
  const char **items = arena_alloc(arena, (n + 1) * sizeof(*items));
  if (!items)
    return ST_NOMEM;
  for (size_t i = 0; i < n; i++) {
    const char *line = json_string_value(json_array_get(list, i));
    if (line) /* the store keeps non-empty one-line texts only */
      items[count++] = line;
  }
  *out = (struct dir_lines){items, count};
  return ST_OK;
}

static int fill_service_info(struct arena *arena, struct dir_service_info *i, const json_t *r)
{
  *i = (struct dir_service_info){
      .unit_code = text(r, "unit"),
      .topic = text(r, "topic"),
      .summary_zh = text(r, "summary_zh"),
      .summary_en = text(r, "summary_en"),
      .eligibility_zh = text(r, "eligibility_zh"),
      .eligibility_en = text(r, "eligibility_en"),
      .where_zh = text(r, "where_zh"),
      .where_en = text(r, "where_en"),
      .floor_zh = text(r, "floor_zh"),
      .floor_en = text(r, "floor_en"),
      .counter = text(r, "counter"),
      .hours_zh = text(r, "hours_zh"),
      .hours_en = text(r, "hours_en"),
      .online_url = text(r, "online_url"),
      .updated_at = text(r, "updated_at"),
      .channel_counter = json_is_true(json_object_get(r, "channel_counter")),
      .channel_online = json_is_true(json_object_get(r, "channel_online")),
      .channel_mail = json_is_true(json_object_get(r, "channel_mail")),
      .has_fee_schedule = json_array_size(json_object_get(r, "fee_schedule")) > 0,
      .remote_instant_minutes = integer(r, "remote_instant_minutes")};
  int rc = lines(arena, r, "steps_zh", &i->steps_zh);
  if (!rc)
    rc = lines(arena, r, "steps_en", &i->steps_en);
  if (!rc)
    rc = lines(arena, r, "documents_zh", &i->documents_zh);
  if (!rc)
    rc = lines(arena, r, "documents_en", &i->documents_en);
  return rc;
}

static void fill_word(struct dir_word *w, const json_t *r)
{
  *w = (struct dir_word){integer(r, "office_id"), text(r, "code"), text(r, "word_zh"),
                         text(r, "word_en")};
}

static int by_unit_id(const void *a, const void *b)
{
  int64_t x = (*(const struct dir_unit *const *)a)->id,
          y = (*(const struct dir_unit *const *)b)->id;
  return (x > y) - (x < y);
}

static int by_service_id(const void *a, const void *b)
{
  int64_t x = (*(const struct dir_service *const *)a)->id;
  int64_t y = (*(const struct dir_service *const *)b)->id;
  return (x > y) - (x < y);
}

static int by_service_slug(const void *a, const void *b)
{
  const struct dir_service *x = *(const struct dir_service *const *)a;
  const struct dir_service *y = *(const struct dir_service *const *)b;
  if (x->office_id != y->office_id)
    return (x->office_id > y->office_id) - (x->office_id < y->office_id);
  return strcmp(x->slug, y->slug);
}

/* Appends every element of list to all; the records stay owned by all. */
static int keep(json_t *all, json_t *list)
{
  int rc = json_array_extend(all, list) ? ST_NOMEM : ST_OK;
  json_decref(list);
  return rc;
}

/* An office's words as stored, plus the office's own word when no row names its code. */
static int office_words(struct store *store, const json_t *office, json_t *words)
{
  json_t *list = NULL, *w;
  size_t i;
  const char *own = text(office, "case_word_code");
  bool found = !*own || !*text(office, "case_word_zh");
  int rc = store_case_word_list(store, integer(office, "id"), &list);
  json_array_foreach(list, i, w)
  {
    if (strcmp(text(w, "code"), own) == 0)
      found = true;
  }
  if (!rc && !found &&
      json_array_append_new(
          list, json_pack("{s:I, s:s, s:s, s:s}", "office_id", (json_int_t)integer(office, "id"),
                          "code", own, "word_zh", text(office, "case_word_zh"), "word_en", "")))
    rc = ST_NOMEM;
  if (rc) {
    json_decref(list);
    return rc;
  }
  return keep(words, list);
}

/* Reads every office, then each office's units, services and words, then every service's
 * form links, into d->records as [offices, units, services, words, forms]. */
static int read_records(struct store *store, struct directory *d)
{
  json_t *offices = NULL, *units = json_array(), *services = json_array(), *list, *o;
  json_t *words = json_array();
  int rc = units && services && words ? store_office_list(store, &offices) : ST_NOMEM;
  size_t i;
  json_array_foreach(offices, i, o)
  {
    int64_t id = integer(o, "id");
    if (!rc && !(rc = store_unit_list(store, id, &list)))
      rc = keep(units, list);
    if (!rc && !(rc = store_service_list(store, id, false, &list)))
      rc = keep(services, list);
    if (!rc)
      rc = office_words(store, o, words);
  }
  json_t *forms = NULL;
  if (!rc)
    rc = store_service_forms_all(store, &forms);
  d->records = rc ? NULL : json_pack("[O, O, O, O, o]", offices, units, services, words, forms);
  if (rc)
    json_decref(forms);
  json_decref(offices);
  json_decref(units);
  json_decref(services);
  json_decref(words);
  return rc ? rc : (d->records ? ST_OK : ST_NOMEM);
}

static const char *search_text(struct arena *arena, const char *name, const char *duties)
{
  char *text = arena_printf(arena, "%s %s", name, duties);
  return text ? text_normalize(arena, text, true) : NULL;
}

static int unit_search_texts(struct arena *arena, struct dir_unit *u)
{
  u->search_zh = search_text(arena, u->name_zh, u->duties_zh);
  u->search_en = search_text(arena, directory_pick(u->name_zh, u->name_en, "en"),
                             directory_pick(u->duties_zh, u->duties_en, "en"));
  return u->search_zh && u->search_en ? ST_OK : ST_NOMEM;
}

static void fill_form(struct dir_form *f, const json_t *r)
{
  *f = (struct dir_form){text(r, "sha256"),   text(r, "kind"),     text(r, "format"),
                         text(r, "title_zh"), text(r, "title_en"), text(r, "name"),
                         integer(r, "size")};
}

/* Gives each service its run of form links (rows come by service_id); links of a service the
 * snapshot does not hold are skipped. After services_by_id is sorted. */
static int index_forms(struct directory *d, const json_t *rows)
{
  d->form_count = json_array_size(rows);
  d->forms = calloc(d->form_count + 1, sizeof(*d->forms));
  if (!d->forms)
    return ST_NOMEM;
  for (size_t i = 0; i < d->form_count;) {
    int64_t service_id = integer(json_array_get(rows, i), "service_id");
    size_t start = i;
    for (; i < d->form_count && integer(json_array_get(rows, i), "service_id") == service_id; i++)
      fill_form(&d->forms[i], json_array_get(rows, i));
    struct dir_service *s = (struct dir_service *)directory_service(d, service_id);
    if (s) {
      s->forms = &d->forms[start];
      s->form_count = i - start;
    }
  }
  return ST_OK;
}

static int index_services(struct directory *d, const json_t *services)
{
  for (size_t i = 0; i < d->service_count; i++) {
    fill_service(&d->services[i], json_array_get(services, i));
    d->services_by_id[i] = d->services_by_slug[i] = &d->services[i];
    if (fill_service_info(d->arena, &d->services[i].info, json_array_get(services, i)))
      return ST_NOMEM;
  }
  return ST_OK;
}

static int index_records(struct directory *d)
{
  json_t *offices = json_array_get(d->records, 0), *units = json_array_get(d->records, 1);
  json_t *services = json_array_get(d->records, 2);
  d->office_count = json_array_size(offices);
  d->unit_count = json_array_size(units);
  d->service_count = json_array_size(services);
  d->offices = calloc(d->office_count + 1, sizeof(*d->offices));
  d->units = calloc(d->unit_count + 1, sizeof(*d->units));
  d->services = calloc(d->service_count + 1, sizeof(*d->services));
  d->word_count = json_array_size(json_array_get(d->records, 3));
  d->words = calloc(d->word_count + 1, sizeof(*d->words));
  d->units_by_id = calloc(d->unit_count + 1, sizeof(*d->units_by_id));
  d->services_by_id = calloc(d->service_count + 1, sizeof(*d->services_by_id));
  d->services_by_slug = calloc(d->service_count + 1, sizeof(*d->services_by_slug));
  d->arena = arena_new(DIRECTORY_ARENA_MAX);
  if (!d->arena || !d->offices || !d->units || !d->services || !d->units_by_id ||
      !d->services_by_id || !d->services_by_slug || !d->words)
    return ST_NOMEM;
  for (size_t i = 0; i < d->word_count; i++)
    fill_word(&d->words[i], json_array_get(json_array_get(d->records, 3), i));
  for (size_t i = 0; i < d->office_count; i++) {
    fill_office(&d->offices[i], json_array_get(offices, i));
    d->offices[i].path = arena_printf(d->arena, "/o/%s/", d->offices[i].slug);
    if (!d->offices[i].path)
      return ST_NOMEM;
  }
  for (size_t i = 0; i < d->unit_count; i++) {
    fill_unit(&d->units[i], json_array_get(units, i));
    d->units_by_id[i] = &d->units[i];
    if (unit_search_texts(d->arena, &d->units[i]))
      return ST_NOMEM;
  }
  if (index_services(d, services))
    return ST_NOMEM;
  qsort(d->units_by_id, d->unit_count, sizeof(*d->units_by_id), by_unit_id);
  qsort(d->services_by_id, d->service_count, sizeof(*d->services_by_id), by_service_id);
  qsort(d->services_by_slug, d->service_count, sizeof(*d->services_by_slug), by_service_slug);
  return index_forms(d, json_array_get(d->records, 4));
}

static int load(struct store *store, int64_t version, uint64_t generation, struct directory **out)
{
  struct directory *d = calloc(1, sizeof(*d));
  if (!d)
    return ST_NOMEM;
  atomic_init(&d->refs, 1);
  d->version = version;
  d->serial = atomic_fetch_add(&serials, 1) + 1;
  d->generation = generation;
  int rc = read_records(store, d);
  if (!rc)
    rc = index_records(d);
  if (rc) {
    free_directory(d);
    return rc;
  }
  *out = d;
  return ST_OK;
}

/* Under lock: makes `current` match the database when it may be out of date. The generation is
 * read before the version, and the version before the records, so a snapshot never claims a
 * newer state than the records it holds. */
static int refresh(struct store *store)
{
  uint64_t generation = store_directory_generation();
  int64_t now = monotonic_ms(), version = 0;
  if (current && current->generation == generation && now - last_check_ms < DIRECTORY_CHECK_MS)
    return ST_OK;
  int rc = store_directory_version(store, &version);
  if (!rc)
    last_check_ms = now;
  if (!rc && current && current->version == version) {
    current->generation = generation;
    return ST_OK;
  }
  struct directory *fresh = NULL;
  if (!rc)
    rc = load(store, version, generation, &fresh);
  if (rc)
    return current ? ST_OK : rc; /* keep serving the last snapshot */
  release(current);
  current = fresh;
  return ST_OK;
}

int directory_acquire(struct store *store, struct arena *arena, const struct directory **out)
{
  pthread_mutex_lock(&lock);
  int rc = refresh(store);
  struct directory *d = rc ? NULL : current;
  if (d)
    atomic_fetch_add(&d->refs, 1);
  pthread_mutex_unlock(&lock);
  if (!d)
    return rc;
  if (arena_on_free(arena, release, d)) {
    release(d);
    return ST_NOMEM;
  }
  *out = d;
  return ST_OK;
}

void directory_forget(void)
{
  pthread_mutex_lock(&lock);
  release(current);
  current = NULL;
  pthread_mutex_unlock(&lock);
}

uint64_t directory_serial(const struct directory *dir)
{
  return dir->serial;
}

const struct dir_office *directory_office(const struct directory *dir, int64_t id)
{
  size_t lo = 0, hi = dir->office_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (dir->offices[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < dir->office_count && dir->offices[lo].id == id ? &dir->offices[lo] : NULL;
}

const struct dir_office *directory_office_by_slug(const struct directory *dir, const char *slug)
{
  for (size_t i = 0; slug && i < dir->office_count; i++)
    if (strcmp(dir->offices[i].slug, slug) == 0)
      return &dir->offices[i];
  return NULL;
}

const struct dir_unit *directory_unit(const struct directory *dir, int64_t id)
{
  struct dir_unit key = {.id = id};
  const struct dir_unit *k = &key, **hit;
  hit = bsearch(&k, dir->units_by_id, dir->unit_count, sizeof(*hit), by_unit_id);
  return hit ? *hit : NULL;
}

const struct dir_service *directory_service(const struct directory *dir, int64_t id)
{
  struct dir_service key = {.id = id};
  const struct dir_service *k = &key, **hit;
  hit = bsearch(&k, dir->services_by_id, dir->service_count, sizeof(*hit), by_service_id);
  return hit ? *hit : NULL;
}

const struct dir_service *directory_service_by_slug(const struct directory *dir, int64_t office_id,
                                                    const char *slug)
{
  if (!slug)
    return NULL;
  struct dir_service key = {.office_id = office_id, .slug = slug};
  const struct dir_service *k = &key, **hit;
  hit = bsearch(&k, dir->services_by_slug, dir->service_count, sizeof(*hit), by_service_slug);
  return hit ? *hit : NULL;
}

const struct dir_office *directory_offices(const struct directory *dir, size_t *count)
{
  *count = dir->office_count;
  return dir->offices;
}

/* The run of records of one office in an array grouped by office_id; stride is the element
 * size and office_at reads an element's office id. */
#define OFFICE_RANGE(array, n, office, first, count)                                               \
  do {                                                                                             \
    size_t lo_ = 0, hi_ = (n);                                                                     \
    while (lo_ < hi_) {                                                                            \
      size_t mid_ = lo_ + (hi_ - lo_) / 2;                                                         \
      if ((array)[mid_].office_id < (office))                                                      \
        lo_ = mid_ + 1;                                                                            \
      else                                                                                         \
        hi_ = mid_;                                                                                \
    }                                                                                              \
    (first) = lo_;                                                                                 \
    while (lo_ < (n) && (array)[lo_].office_id == (office))                                        \
      lo_++;                                                                                       \
    (count) = lo_ - (first);                                                                       \
  } while (0)

const struct dir_unit *directory_units(const struct directory *dir, int64_t office_id,
                                       size_t *count)
{
  size_t first;
  OFFICE_RANGE(dir->units, dir->unit_count, office_id, first, *count);
  return dir->units + first;
}

const struct dir_service *directory_services(const struct directory *dir, int64_t office_id,
                                             size_t *count)
{
  size_t first;
  OFFICE_RANGE(dir->services, dir->service_count, office_id, first, *count);
  return dir->services + first;
}

const struct dir_word *directory_words(const struct directory *dir, int64_t office_id,
                                       size_t *count)
{
  size_t first;
  OFFICE_RANGE(dir->words, dir->word_count, office_id, first, *count);
  return dir->words + first;
}

const struct dir_word *directory_word(const struct directory *dir, const struct dir_office *office,
                                      const char *code)
{
  size_t count = 0;
  const struct dir_word *words = office ? directory_words(dir, office->id, &count) : NULL;
  for (size_t i = 0; code && i < count; i++)
    if (strcmp(words[i].code, code) == 0)
      return &words[i];
  return NULL;
}

const char *directory_word_zh(const struct directory *dir, const struct dir_office *office,
                              const char *code)
{
  const struct dir_word *w = directory_word(dir, office, code);
  return w ? w->word_zh : "";
}

const struct dir_word *directory_printed_word(const struct directory *dir,
                                              const struct dir_office *office, const char *text)
{
  size_t count = 0;
  const struct dir_word *words = office ? directory_words(dir, office->id, &count) : NULL;
  const struct dir_word *best = NULL;
  for (size_t i = 0; text && i < count; i++)
    if (*words[i].word_zh && strstr(text, words[i].word_zh) &&
        (!best || strlen(words[i].word_zh) > strlen(best->word_zh)))
      best = &words[i];
  return best;
}

const char *directory_pick(const char *zh, const char *en, const char *lang)
{
  return lang && strcmp(lang, "en") == 0 && en && *en ? en : (zh ? zh : "");
}

const struct dir_lines *directory_pick_lines(const struct dir_lines *zh, const struct dir_lines *en,
                                             const char *lang)
{
  return lang && strcmp(lang, "en") == 0 && en->count ? en : zh;
}
