/*
 * view.h - the view model a page or JSON answer is made of: a small tree of maps, lists, texts,
 * integers and booleans allocated in the request's arena (ARCHITECTURE.md, "Views").
 *
 * Pages used to hand the renderer jansson objects: every object a hash table with its own
 * allocations, built, walked by name and freed member by member per request. A view is a value
 * (16 bytes, copied freely); maps and lists are arena blocks that grow by doubling, maps keep
 * their members in insertion order and are searched linearly (page maps are small), or
 * through a hash index (view_map_index, for the translations: thousands of keys built once).
 * Texts and keys are not copied: they must live as long as the view (literals, the arena,
 * the directory, a read model's rows).
 *
 * A jansson value can still be part of a view (view_json): the pages not yet written as views
 * and shared documents (the asset list) are walked in place, without conversion.
 *
 * Building never fails half way for the caller: a struct view_builder remembers the first
 * allocation failure, later calls do nothing, and view_done says whether the whole tree was
 * built (ST_NOMEM otherwise). Views are never modified after they are rendered, so a view
 * built once at start (the translations) may be read by every thread.
 */
#ifndef BIANMIN_RENDER_VIEW_H
#define BIANMIN_RENDER_VIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"

enum view_type {
  VIEW_MISSING, /* what a lookup of an absent name gives; renders as nothing, false */
  VIEW_NULL,
  VIEW_FALSE,
  VIEW_TRUE,
  VIEW_INT,
  VIEW_TEXT,
  VIEW_LIST,
  VIEW_MAP,
  VIEW_JSON, /* a jansson value, walked in place */
  VIEW_LAZY  /* computed when first read (view_lazy) */
};

struct view_map;
struct view_list;
struct view_lazy;

/* Flags of a text (struct view's flags). */
enum {
  VIEW_HTML_PLAIN = 1 /* holds no byte that HTML escaping changes: written as it is */
};

struct view {
  uint8_t type;
  uint8_t flags; /* VIEW_TEXT: VIEW_HTML_PLAIN when known (view_text_checked) */
  uint32_t len;  /* VIEW_TEXT: bytes */
  union {
    int64_t i;
    const char *s;
    struct view_map *map;
    struct view_list *list;
    json_t *json;
    struct view_lazy *lazy;
  } u;
};

/* A name to look up, with its hashes computed once: the renderer makes one for every part of
 * every name when it compiles a template, so that rendering hashes nothing. */
struct view_key {
  const char *s;
  uint32_t len;
  uint32_t hash; /* view_key_hash(s, len) */
};

struct view_entry {
  const char *key;
  uint32_t key_len;
  uint32_t hash; /* view_key_hash(key, key_len) */
  struct view value;
};

/* A lookup compares hashes before bytes, and a map's filter (one bit per member's hash, in
 * 256) answers most misses without reading its members: a template name is searched in
 * every context from the top of the stack down, so most lookups in a map are misses. (128
 * bits let a third of the misses in the case view's 50 members through to a full scan.) */
struct view_map {
  struct view_entry *entries;
  uint32_t count, cap;
  uint64_t filter[4]; /* bit VIEW_FILTER_BIT(hash) of word VIEW_FILTER_WORD(hash) per member */
  uint32_t *slots;    /* view_map_index: open addressing, entry index + 1, 0 = empty */
  uint32_t mask;      /* slots - 1 (a power of two minus one) */
};

#define VIEW_FILTER_WORD(hash) ((hash) >> 30)
#define VIEW_FILTER_BIT(hash)  ((uint64_t)1 << (((hash) >> 24) & 63))

/* The hash of a member's name: its length and three of its bytes (first, middle, last),
 * mixed by a multiplication. Cheap enough to compute for every member added to a page's maps
 * (the names are short literals; hashing every byte cost more than the lookups it saved); two
 * names with the same hash are still told apart by their bytes. */
static inline uint32_t view_key_hash(const char *s, size_t len)
{
  if (len == 0)
    return 0x9E3779B9u;
  uint32_t sig = (uint32_t)(len & 0xff) | (uint32_t)(unsigned char)s[0] << 8 |
                 (uint32_t)(unsigned char)s[len / 2] << 16 |
                 (uint32_t)(unsigned char)s[len - 1] << 24;
  sig ^= (uint32_t)(len >> 8) * 0x85EBCA6Bu;
  return sig * 0x9E3779B1u; /* odd: distinct signatures keep distinct hashes */
}

/* A key for s (len bytes, living as long as the key). */
static inline struct view_key view_key(const char *s, size_t len)
{
  if (len > UINT32_MAX)
    len = 0; /* as view_add stores such a name */
  return (struct view_key){s, (uint32_t)len, view_key_hash(s, len)};
}

struct view_list {
  struct view *items;
  uint32_t count, cap;
};

/* A value computed only if a template reads it, once: what has a cost or a side effect when
 * computed (the anonymous CSRF token sets a cookie and makes the answer uncompressible), so
 * that pages which never show it do not pay for it. fn must not return VIEW_LAZY. */
struct view_lazy {
  struct view (*fn)(void *ctx);
  void *ctx;
  bool done;
  struct view value;
};

struct view_builder {
  struct arena *arena;
  bool failed;
};

static inline struct view view_missing(void)
{
  return (struct view){.type = VIEW_MISSING};
}
static inline struct view view_null(void)
{
  return (struct view){.type = VIEW_NULL};
}
static inline struct view view_bool(bool b)
{
  return (struct view){.type = b ? VIEW_TRUE : VIEW_FALSE};
}
static inline struct view view_int(int64_t i)
{
  return (struct view){.type = VIEW_INT, .u.i = i};
}
/* A text of len bytes at s (NULL reads as ""). s must live as long as the view. */
static inline struct view view_textn(const char *s, size_t len)
{
  if (len > UINT32_MAX)
    len = 0; /* nothing on a page is 4 GiB; an impossible length renders as "" */
  return (struct view){.type = VIEW_TEXT, .len = (uint32_t)len, .u.s = s ? s : ""};
}
/* A NUL-terminated text: NULL reads as "". Inline, so that a literal's length is known when
 * compiling. */
static inline struct view view_text(const char *s)
{
  return view_textn(s, s ? __builtin_strlen(s) : 0);
}
/* The same, scanned once for bytes HTML escaping changes (VIEW_HTML_PLAIN when it has none):
 * for texts built once and rendered often (the translations). */
struct view view_text_checked(const char *s, size_t len);
/* A text its maker knows holds none of those bytes (a date or an amount it formatted):
 * VIEW_HTML_PLAIN without a scan. */
static inline struct view view_text_plain(const char *s)
{
  struct view v = view_text(s);
  v.flags = VIEW_HTML_PLAIN;
  return v;
}
static inline struct view view_of_map(struct view_map *m)
{
  return (struct view){.type = m ? VIEW_MAP : VIEW_NULL, .u.map = m};
}
static inline struct view view_of_list(struct view_list *l)
{
  return (struct view){.type = l ? VIEW_LIST : VIEW_NULL, .u.list = l};
}
/* A jansson value walked in place (NULL is null); the caller keeps its reference alive. */
static inline struct view view_json(json_t *j)
{
  return (struct view){.type = j ? VIEW_JSON : VIEW_NULL, .u.json = j};
}
static inline struct view view_of_lazy(struct view_lazy *l)
{
  return (struct view){.type = l ? VIEW_LAZY : VIEW_NULL, .u.lazy = l};
}
struct view view_force_lazy(struct view v);
/* v itself, or for VIEW_LAZY the value it computes (computed on the first call). */
static inline struct view view_force(struct view v)
{
  return v.type == VIEW_LAZY ? view_force_lazy(v) : v;
}
/* An integer, or null when 0 (ids and instants that may be absent). */
static inline struct view view_id(int64_t i)
{
  return i ? view_int(i) : view_null();
}

static inline struct view_builder view_builder(struct arena *arena)
{
  return (struct view_builder){arena, false};
}
/* ST_OK when everything asked of b was built, else ST_NOMEM. */
int view_done(const struct view_builder *b);

/* A new empty map (with room for a few members, in the same block) or list; NULL (and b
 * failed) when the arena is exhausted. */
struct view_map *view_map(struct view_builder *b);
struct view_list *view_list(struct view_builder *b);

/* A new empty map with room for cap members before it grows: for the maps known to be large
 * (the case view), which would otherwise be copied as they double. */
struct view_map *view_map_cap(struct view_builder *b, uint32_t cap);

/* view_add's slow path: the first member, a full map (doubled), an indexed map, a failure. */
void view_add_key(struct view_builder *b, struct view_map *m, const char *key, uint32_t len,
                  uint32_t hash, struct view v);
/* Appends key (NUL-terminated, living as long as the view) without looking for it first.
 * Inline: for a literal key (nearly every call) the compiler computes its length and hash, and
 * a map with room takes the member in a few stores, without a call. */
static inline void view_add(struct view_builder *b, struct view_map *m, const char *key,
                            struct view v)
{
  size_t n = __builtin_strlen(key);
  uint32_t len = n > UINT32_MAX ? 0 : (uint32_t)n; /* no name is 4 GiB long: found as "" */
  uint32_t hash = view_key_hash(key, len);
  if (m && !b->failed && m->count < m->cap && !m->slots) {
    m->entries[m->count++] = (struct view_entry){key, len, hash, v};
    m->filter[VIEW_FILTER_WORD(hash)] |= VIEW_FILTER_BIT(hash);
    return;
  }
  view_add_key(b, m, key, len, hash, v);
}
/* Replaces key's value when m has it, else appends. */
void view_set(struct view_builder *b, struct view_map *m, const char *key, struct view v);
static inline void view_add_text(struct view_builder *b, struct view_map *m, const char *key,
                                 const char *s)
{
  view_add(b, m, key, view_text(s));
}
static inline void view_add_int(struct view_builder *b, struct view_map *m, const char *key,
                                int64_t i)
{
  view_add(b, m, key, view_int(i));
}
static inline void view_add_bool(struct view_builder *b, struct view_map *m, const char *key,
                                 bool v)
{
  view_add(b, m, key, view_bool(v));
}
void view_push(struct view_builder *b, struct view_list *l, struct view v);

/* Adds a hash index to m, for maps with many keys looked up often (the translations); members
 * added afterwards are indexed too. Without memory m stays usable, searched in order. (Every
 * page map indexed as it grew cost more to build than its lookups saved.) */
void view_map_index(struct view_builder *b, struct view_map *m);

/* The member key (len bytes) of a map or a jansson object; VIEW_MISSING otherwise. */
struct view view_get(struct view v, const char *key, size_t len);
/* The same for a key made by view_key (its hash already computed). */
struct view view_member(struct view v, const struct view_key *key);
static inline uint64_t view_load64(const char *p)
{
  uint64_t v;
  memcpy(&v, p, sizeof(v)); /* one unaligned load */
  return v;
}

static inline uint32_t view_load32(const char *p)
{
  uint32_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}

/* memcmp(a, b, n) == 0 for the short names of views, without a call: words at both ends
 * (overlapping when n is not a multiple of the word) and whole words between. */
static inline __attribute__((always_inline)) bool view_same_bytes(const char *a, const char *b,
                                                                  size_t n)
{
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8)
      if (view_load64(a + i) != view_load64(b + i))
        return false;
    return view_load64(a + n - 8) == view_load64(b + n - 8);
  }
  if (n >= 4)
    return view_load32(a) == view_load32(b) && view_load32(a + n - 4) == view_load32(b + n - 4);
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i])
      return false;
  return true;
}

/* view_member, with a map's filter read inline: most names a template looks up in a context
 * are not there (they are found further down the stack), and are refused here in a few
 * instructions, without a call; a map without an index (a page's) is searched here too. */
static inline struct view view_get_key(struct view v, const struct view_key *key)
{
  if (v.type != VIEW_MAP)
    return view_member(v, key);
  const struct view_map *m = v.u.map;
  if (!(m->filter[VIEW_FILTER_WORD(key->hash)] & VIEW_FILTER_BIT(key->hash)))
    return view_missing();
  if (m->slots)
    return view_member(v, key);
  for (uint32_t i = 0; i < m->count; i++) {
    const struct view_entry *e = &m->entries[i];
    if (e->hash == key->hash && e->key_len == key->len && view_same_bytes(e->key, key->s, key->len))
      return view_force(e->value);
  }
  return view_missing();
}
/* Whether v is a map or a jansson object (a context that names can be looked up in). */
bool view_is_map(struct view v);
/* Items of a list or a jansson array (0 for anything else), and item i of them. */
size_t view_count(struct view v);
struct view view_item(struct view v, size_t i);
/* The mustache sense of true: missing, null, false, the empty list and "" are false. */
bool view_truthy(struct view v);

/* Appends v as compact JSON (members in order, UTF-8 as is, as jansson writes it); an empty
 * buffer is first given 8 KB (a case answer's size, within its maximum). ST_LIMIT past the
 * buffer's maximum, the buffer then holding a NUL-terminated prefix of the text. */
int view_write_json(struct buf *out, struct view v);
/* v as a new jansson value (for callers that still edit jansson); NULL on failure. */
json_t *view_to_json(struct view v);

#endif
