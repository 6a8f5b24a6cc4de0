/*
 * view.c - the arena view model (view.h): building, looking up, and writing as JSON.
 */
#include "render/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/common.h"
#include "base/str.h"
#include "render/html.h"

enum { VIEW_FIRST_CAP = 8 };

struct view view_text_checked(const char *s, size_t len)
{
  struct view v = view_textn(s, len);
  if (html_plain_prefix(v.u.s, v.len) == v.len)
    v.flags = VIEW_HTML_PLAIN;
  return v;
}

struct view view_force_lazy(struct view v)
{
  struct view_lazy *l = v.u.lazy;
  if (!l->done) {
    l->value = l->fn(l->ctx);
    if (l->value.type == VIEW_LAZY)
      l->value = view_null();
    l->done = true;
  }
  return l->value;
}

int view_done(const struct view_builder *b)
{
  return b->failed ? ST_NOMEM : ST_OK;
}

/* A map and room for its first cap members in one arena block. */
static struct view_map *map_with(struct view_builder *b, uint32_t cap)
{
  size_t size = sizeof(struct view_map) + (size_t)cap * sizeof(struct view_entry);
  struct view_map *m = b->failed ? NULL : arena_alloc(b->arena, size);
  if (!m) {
    b->failed = true;
    return NULL;
  }
  if (cap) {
    m->entries = (struct view_entry *)(void *)(m + 1); /* arena blocks are aligned for any type */
    m->cap = cap;
  }
  return m;
}

struct view_map *view_map(struct view_builder *b)
{
  return map_with(b, VIEW_FIRST_CAP);
}

struct view_list *view_list(struct view_builder *b)
{
  struct view_list *l = b->failed ? NULL : arena_alloc(b->arena, sizeof(*l));
  if (!l)
    b->failed = true;
  return l;
}

/* Room for one more of count items of size bytes at *items (cap of them); doubles in the
 * arena, leaving the old block to die with it. */
static bool grow(struct view_builder *b, void **items, uint32_t count, uint32_t *cap, size_t size)
{
  if (count < *cap)
    return true;
  uint32_t next = *cap ? *cap * 2 : VIEW_FIRST_CAP;
  void *fresh = next > *cap ? arena_alloc(b->arena, (size_t)next * size) : NULL;
  if (!fresh) {
    b->failed = true;
    return false;
  }
  if (count)
    memcpy(fresh, *items, (size_t)count * size);
  *items = fresh;
  *cap = next;
  return true;
}

static void index_put(struct view_map *m, uint32_t i);
static void index_build(struct view_builder *b, struct view_map *m);
static uint32_t slot_of(uint32_t hash, uint32_t mask);

struct view_map *view_map_cap(struct view_builder *b, uint32_t cap)
{
  return map_with(b, cap);
}

void view_add_key(struct view_builder *b, struct view_map *m, const char *key, uint32_t len,
                  uint32_t hash, struct view v)
{
  if (b->failed || !m) {
    b->failed = true;
    return;
  }
  void *items = m->entries;
  if (!grow(b, &items, m->count, &m->cap, sizeof(*m->entries)))
    return;
  m->entries = items;
  m->entries[m->count++] = (struct view_entry){key, len, hash, v};
  m->filter[VIEW_FILTER_WORD(hash)] |= VIEW_FILTER_BIT(hash);
  if (m->slots && m->count * 2u <= m->mask + 1)
    index_put(m, m->count - 1);
  else if (m->slots)
    index_build(b, m);
}

/* Inline in every search: most members are told apart by their hash alone. */
static inline __attribute__((always_inline)) bool entry_is(const struct view_entry *e,
                                                           const struct view_key *key)
{
  return e->hash == key->hash && e->key_len == key->len &&
         view_same_bytes(e->key, key->s, key->len);
}

/* Where m holds k (the first of a repeated name), or NULL: the filter answers most misses (a
 * page adding a member the case view does not have), the index (when m has one) the rest. */
static struct view_entry *entry_of(struct view_map *m, const struct view_key *k)
{
  if (!(m->filter[VIEW_FILTER_WORD(k->hash)] & VIEW_FILTER_BIT(k->hash)))
    return NULL;
  if (m->slots) {
    for (uint32_t at = slot_of(k->hash, m->mask); m->slots[at]; at = (at + 1) & m->mask)
      if (entry_is(&m->entries[m->slots[at] - 1], k))
        return &m->entries[m->slots[at] - 1];
    return NULL;
  }
  for (uint32_t i = 0; i < m->count; i++)
    if (entry_is(&m->entries[i], k))
      return &m->entries[i];
  return NULL;
}

void view_set(struct view_builder *b, struct view_map *m, const char *key, struct view v)
{
  size_t len = strlen(key);
  struct view_key k = view_key(key, len);
  struct view_entry *e = m ? entry_of(m, &k) : NULL;
  if (e)
    e->value = v;
  else
    view_add(b, m, key, v);
}

void view_push(struct view_builder *b, struct view_list *l, struct view v)
{
  if (b->failed || !l) {
    b->failed = true;
    return;
  }
  void *items = l->items;
  if (!grow(b, &items, l->count, &l->cap, sizeof(*l->items)))
    return;
  l->items = items;
  l->items[l->count++] = v;
}

/* A slot for hash in a table of mask + 1 slots. A product's low bits depend only on the low
 * bits of what was multiplied, so the higher, well mixed ones are folded in. */
static uint32_t slot_of(uint32_t hash, uint32_t mask)
{
  return (hash ^ hash >> 16) & mask;
}

/* Puts member i in m's index; of a repeated name the first stays, as a search in order finds. */
static void index_put(struct view_map *m, uint32_t i)
{
  const struct view_entry *e = &m->entries[i];
  const struct view_key k = {e->key, e->key_len, e->hash};
  uint32_t at = slot_of(e->hash, m->mask);
  while (m->slots[at] && !entry_is(&m->entries[m->slots[at] - 1], &k))
    at = (at + 1) & m->mask;
  if (!m->slots[at])
    m->slots[at] = i + 1;
}

/* (Re)builds m's index with at least twice as many slots as members; without memory, m is
 * searched in order from then on. */
static void index_build(struct view_builder *b, struct view_map *m)
{
  uint32_t size = 16;
  while (size < m->count * 4u && size < (1u << 30))
    size *= 2;
  m->slots = arena_alloc(b->arena, (size_t)size * sizeof(*m->slots));
  m->mask = size - 1;
  for (uint32_t i = 0; m->slots && i < m->count; i++)
    index_put(m, i);
}

void view_map_index(struct view_builder *b, struct view_map *m)
{
  index_build(b, m);
}

/* The member key of m; the caller has read m's filter (view_get_key). */
static struct view map_get(const struct view_map *m, const struct view_key *key)
{
  if (m->slots) {
    for (uint32_t at = slot_of(key->hash, m->mask); m->slots[at]; at = (at + 1) & m->mask) {
      const struct view_entry *e = &m->entries[m->slots[at] - 1];
      if (entry_is(e, key))
        return e->value;
    }
    return view_missing();
  }
  for (uint32_t i = 0; i < m->count; i++)
    if (entry_is(&m->entries[i], key))
      return m->entries[i].value;
  return view_missing();
}

struct view view_member(struct view v, const struct view_key *key)
{
  v = view_force(v);
  if (v.type == VIEW_MAP)
    return view_force(map_get(v.u.map, key));
  if (v.type == VIEW_JSON && json_is_object(v.u.json)) {
    json_t *j = json_object_getn(v.u.json, key->s, key->len);
    return j ? view_json(j) : view_missing();
  }
  return view_missing();
}

struct view view_get(struct view v, const char *key, size_t len)
{
  if (len > UINT32_MAX)
    return view_missing();
  struct view_key k = view_key(key, len);
  return view_get_key(v, &k);
}

bool view_is_map(struct view v)
{
  v = view_force(v);
  return v.type == VIEW_MAP || (v.type == VIEW_JSON && json_is_object(v.u.json));
}

size_t view_count(struct view v)
{
  v = view_force(v);
  if (v.type == VIEW_LIST)
    return v.u.list->count;
  if (v.type == VIEW_JSON && json_is_array(v.u.json))
    return json_array_size(v.u.json);
  return 0;
}

struct view view_item(struct view v, size_t i)
{
  v = view_force(v);
  if (v.type == VIEW_LIST)
    return i < v.u.list->count ? v.u.list->items[i] : view_missing();
  json_t *j = v.type == VIEW_JSON ? json_array_get(v.u.json, i) : NULL;
  return j ? view_json(j) : view_missing();
}

static bool json_truthy(const json_t *j)
{
  switch (json_typeof(j)) {
  case JSON_NULL:
  case JSON_FALSE:
    return false;
  case JSON_ARRAY:
    return json_array_size(j) > 0;
  case JSON_STRING:
    return json_string_length(j) > 0;
  default:
    return true;
  }
}

bool view_truthy(struct view v)
{
  v = view_force(v);
  switch (v.type) {
  case VIEW_MISSING:
  case VIEW_NULL:
  case VIEW_FALSE:
    return false;
  case VIEW_TEXT:
    return v.len > 0;
  case VIEW_LIST:
    return v.u.list->count > 0;
  case VIEW_JSON:
    return json_truthy(v.u.json);
  default:
    return true;
  }
}

/* ---- JSON text -------------------------------------------------------------------------- */

/* Bytes a JSON string cannot hold as they are: control characters, quote, backslash. */
static const bool json_special[256] = {
    [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
    [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1,
    [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1,
    [0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1,
    [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, ['"'] = 1,  ['\\'] = 1};

#if defined(__SSE2__)
/* Where in the 16 bytes c the first byte a JSON string cannot hold is, or 16: a control
 * character (at most 0x1f: the unsigned minimum with 0x1f is the byte itself), '"' or '\\'.
 * The callers load c, so the short-string load is made where AddressSanitizer does not look. */
static unsigned json_block_first(__m128i c)
{
  __m128i hit = _mm_cmpeq_epi8(_mm_min_epu8(c, _mm_set1_epi8(0x1f)), c);
  hit = _mm_or_si128(hit, _mm_cmpeq_epi8(c, _mm_set1_epi8('"')));
  hit = _mm_or_si128(hit, _mm_cmpeq_epi8(c, _mm_set1_epi8('\\')));
  unsigned mask = (unsigned)_mm_movemask_epi8(hit);
  return mask ? (unsigned)__builtin_ctz(mask) : 16;
}
#endif

/* How many bytes at s need no escape: 16 at a time where the machine has SSE2, else (and for
 * the tail) through the table. */
#if defined(__SSE2__) && defined(__has_attribute)
#if __has_attribute(no_sanitize)
#define SHORT_SCAN_OK 1
#endif
#endif

#ifdef SHORT_SCAN_OK
/* A string shorter than 16 bytes, scanned in one block when the 16 bytes at s lie in one page
 * (reading past its end then cannot fault; the bytes after it are not looked at), else -1.
 * Most keys and values of an answer are this short. AddressSanitizer would report the read
 * past the end, so it does not look here. */
__attribute__((no_sanitize("address"))) static ptrdiff_t short_prefix(const char *s, size_t len)
{
  /* An empty string's pointer may be one past the end of its buffer, on an unreadable page:
   * nothing is read for it. */
  if (!len)
    return 0;
  if (((uintptr_t)s & 4095) > 4096 - 16)
    return -1;
  unsigned at = json_block_first(_mm_loadu_si128((const __m128i *)(const void *)s));
  return at < len ? (ptrdiff_t)at : (ptrdiff_t)len;
}
#endif

static size_t plain_prefix(const char *s, size_t len)
{
  size_t i = 0;
#ifdef SHORT_SCAN_OK
  if (len < 16) {
    ptrdiff_t at = short_prefix(s, len);
    if (at >= 0)
      return (size_t)at;
  }
#endif
#if defined(__SSE2__)
  for (; len - i >= 16; i += 16) {
    unsigned at = json_block_first(_mm_loadu_si128((const __m128i *)(const void *)(s + i)));
    if (at < 16)
      return i + at;
  }
#endif
  const unsigned char *u = (const unsigned char *)s;
  for (; len - i >= 4; i += 4)
    if (json_special[u[i]] | json_special[u[i + 1]] | json_special[u[i + 2]] |
        json_special[u[i + 3]])
      break;
  while (i < len && !json_special[u[i]])
    i++;
  return i;
}

static int put_escape(struct buf *out, unsigned char c)
{
  static const char hex[] = "0123456789ABCDEF"; /* as jansson writes them */
  char esc[6] = {'\\', (char)c};
  size_t n = 2;
  switch (c) {
  case '"':
  case '\\':
    break;
  case '\b':
    esc[1] = 'b';
    break;
  case '\f':
    esc[1] = 'f';
    break;
  case '\n':
    esc[1] = 'n';
    break;
  case '\r':
    esc[1] = 'r';
    break;
  case '\t':
    esc[1] = 't';
    break;
  default:
    memcpy(esc + 1, "u00", 3);
    esc[4] = hex[c >> 4];
    esc[5] = hex[c & 15];
    n = 6;
  }
  return buf_append(out, esc, n);
}

/* "s" with JSON escapes, with one byte before it and one after it when those are not 0 (a
 * member's ",", its ":"), so a member's key is one write. */
static int put_json_string(struct buf *out, char before, const char *s, size_t len, char after)
{
  size_t plain = plain_prefix(s, len);
  if (plain == len) { /* the usual case: one write */
    char *p = buf_extend(out, len + 2 + (before != 0) + (after != 0));
    if (!p)
      return ST_LIMIT;
    if (before)
      *p++ = before;
    *p++ = '"';
    memcpy(p, s, len);
    p[len] = '"';
    if (after)
      p[len + 1] = after;
    return ST_OK;
  }
  int rc = before ? buf_putc(out, before) : ST_OK;
  if (!rc)
    rc = buf_putc(out, '"');
  while (!rc && len) {
    plain = plain_prefix(s, len);
    rc = buf_append(out, s, plain);
    if (!rc && plain < len)
      rc = put_escape(out, (unsigned char)s[plain]);
    plain += plain < len;
    s += plain;
    len -= plain;
  }
  if (!rc)
    rc = buf_putc(out, '"');
  return rc || !after ? rc : buf_putc(out, after);
}

/* ---- the writer's fast paths -----------------------------------------------------------
 * A case answer is some 360 short strings (half of them keys) and 40 integers. Each is written
 * straight into the buffer's room, not through buf_append: a key with its ',', quotes and ':',
 * a string shorter than 16 bytes in the scan's own 16-byte load and one store, an integer
 * through str_decimal into place. What the fast paths refuse (an escape, a string near a page's
 * end, a buffer near its maximum) takes put_json_string, the exact path, and writes the same
 * bytes. out->len moves as bytes are written; the NUL is written once, by view_write_json. */

enum { JSON_SLACK = 16 }; /* room past the bytes written, for the short copy's 16-byte store */

/* Where the next n bytes go, with JSON_SLACK bytes more and the NUL after them in the buffer's
 * room (grown when needed); NULL when it cannot have that room (its maximum is near, or memory
 * ran out): the caller takes the exact path. out->len is not moved. */
static inline char *json_room(struct buf *out, size_t n)
{
  n += JSON_SLACK;
  if (out->cap - out->len <= n || out->max - out->len <= n) {
    if (!buf_extend_grow(out, n))
      return NULL;
    out->len -= n;
  }
  return out->data + out->len;
}

#ifdef SHORT_SCAN_OK
/* Copies the len (< 16) bytes at s to p (which has room for 16) when none needs an escape and
 * the 16 bytes at s lie in one page: one load, read past the end (not looked at; where
 * AddressSanitizer does not look), and one store. False otherwise, p's bytes then meaning
 * nothing. */
__attribute__((no_sanitize("address"))) static bool short_copy(char *p, const char *s, size_t len)
{
  if (!len) /* nothing to read: s may be one past the end of its buffer */
    return true;
  if (((uintptr_t)s & 4095) > 4096 - 16)
    return false;
  __m128i c = _mm_loadu_si128((const __m128i *)(const void *)s);
  if (json_block_first(c) < len)
    return false;
  _mm_storeu_si128((__m128i *)(void *)p, c);
  return true;
}
#endif

/* "s" at p (room for len + 2 + JSON_SLACK) when no byte of s needs an escape: returns the end;
 * NULL otherwise. */
static inline char *put_plain(char *p, const char *s, size_t len)
{
  *p++ = '"';
#ifdef SHORT_SCAN_OK
  if (len < 16 && short_copy(p, s, len)) {
    p[len] = '"';
    return p + len + 1;
  }
#endif
  if (plain_prefix(s, len) != len)
    return NULL;
  memcpy(p, s, len);
  p[len] = '"';
  return p + len + 1;
}

/* A member's name: ',' unless first, the quoted key and ':'. */
static inline int put_key(struct buf *out, const struct view_entry *e, bool first)
{
  char *start = json_room(out, (size_t)e->key_len + 4), *p = start;
  if (p && !first)
    *p++ = ',';
  p = p ? put_plain(p, e->key, e->key_len) : NULL;
  if (!p)
    return put_json_string(out, first ? 0 : ',', e->key, e->key_len, ':');
  *p++ = ':';
  out->len += (size_t)(p - start);
  return ST_OK;
}

static inline int put_text(struct buf *out, const char *s, size_t len)
{
  char *start = json_room(out, len + 2);
  char *p = start ? put_plain(start, s, len) : NULL;
  if (!p)
    return put_json_string(out, 0, s, len, 0);
  out->len += (size_t)(p - start);
  return ST_OK;
}

/* One of the words true, false, null (n bytes of w), or a bracket. */
static inline int put_word(struct buf *out, const char *w, size_t n)
{
  char *p = json_room(out, n);
  if (!p)
    return buf_append(out, w, n);
  memcpy(p, w, n);
  out->len += n;
  return ST_OK;
}

/* An integer in decimal, as jansson writes it; 0 to 9 (flags, counts) without the writer. */
static inline int put_int(struct buf *out, int64_t i)
{
  char *p = json_room(out, STR_DECIMAL_SIZE);
  if (!p)
    return buf_put_int(out, i);
  if (i >= 0 && i < 10) {
    *p = (char)('0' + i);
    out->len++;
    return ST_OK;
  }
  out->len += str_decimal(i, 0, p);
  return ST_OK;
}

static int dump_to_buf(const char *data, size_t size, void *out)
{
  return buf_append(out, data, size) ? -1 : 0;
}

static int put_value(struct buf *out, struct view v);

/* A text, an integer, true, false or null (missing) in place; anything else through put_value
 * (a call, for the few maps and lists of an answer). */
static inline __attribute__((always_inline)) int put_item(struct buf *out, struct view v)
{
  switch (v.type) {
  case VIEW_TEXT:
    return put_text(out, v.u.s, v.len);
  case VIEW_INT:
    return put_int(out, v.u.i);
  case VIEW_FALSE:
    return put_word(out, "false", 5);
  case VIEW_TRUE:
    return put_word(out, "true", 4);
  case VIEW_MISSING:
  case VIEW_NULL:
    return put_word(out, "null", 4);
  default:
    return put_value(out, v);
  }
}

/* A member whose value is a text (most are): its name and value in one room, the bytes
 * put_key and put_text write; either needing an escape, or no room, takes their paths. */
static inline int put_text_member(struct buf *out, const struct view_entry *e, bool first)
{
  const char *s = e->value.u.s;
  size_t len = e->value.len;
  char *start = json_room(out, (size_t)e->key_len + len + 6), *p = start;
  if (p && !first)
    *p++ = ',';
  p = p ? put_plain(p, e->key, e->key_len) : NULL;
  if (!p) {
    int rc = put_key(out, e, first);
    return rc ? rc : put_text(out, s, len);
  }
  *p++ = ':';
  char *end = put_plain(p, s, len);
  out->len += (size_t)((end ? end : p) - start); /* the name is written either way */
  return end ? ST_OK : put_json_string(out, 0, s, len, 0);
}

static int put_json_map(struct buf *out, const struct view_map *m)
{
  int rc = put_word(out, "{", 1);
  for (uint32_t i = 0; i < m->count && !rc; i++) {
    const struct view_entry *e = &m->entries[i];
    if (e->value.type == VIEW_TEXT) {
      rc = put_text_member(out, e, i == 0);
      continue;
    }
    rc = put_key(out, e, i == 0);
    if (!rc)
      rc = put_item(out, e->value);
  }
  return rc ? rc : put_word(out, "}", 1);
}

static int put_json_list(struct buf *out, const struct view_list *l)
{
  int rc = put_word(out, "[", 1);
  for (uint32_t i = 0; i < l->count && !rc; i++) {
    if (i)
      rc = put_word(out, ",", 1);
    if (!rc)
      rc = put_item(out, l->items[i]);
  }
  return rc ? rc : put_word(out, "]", 1);
}

/* Maps, lists, jansson and lazy values, and put_item's scalars for a value written alone. */
static int put_value(struct buf *out, struct view v)
{
  switch (v.type) {
  case VIEW_TEXT:
  case VIEW_INT:
  case VIEW_FALSE:
  case VIEW_TRUE:
    return put_item(out, v);
  case VIEW_MAP:
    return put_json_map(out, v.u.map);
  case VIEW_LIST:
    return put_json_list(out, v.u.list);
  case VIEW_JSON:
    return json_dump_callback(v.u.json, dump_to_buf, out, JSON_COMPACT | JSON_ENCODE_ANY) ? ST_LIMIT
                                                                                          : ST_OK;
  case VIEW_LAZY:
    return put_value(out, view_force_lazy(v));
  default:
    return put_word(out, "null", 4);
  }
}

/* An answer's first bytes: room for a case answer (3 to 5 KB) at once, not grown from 1 KB
 * by doubling and copying; without it (a small maximum) the buffer grows as it goes. */
static void json_first_room(struct buf *out)
{
  enum { JSON_FIRST_ROOM = 8 * 1024 - 1 }; /* as the HTML renderer: 8 KB with the NUL */
  if (!out->cap && buf_extend_grow(out, JSON_FIRST_ROOM))
    out->len -= JSON_FIRST_ROOM;
}

int view_write_json(struct buf *out, struct view v)
{
  json_first_room(out);
  int rc = put_value(out, v);
  if (out->data) /* the fast paths leave it to here */
    out->data[out->len] = '\0';
  return rc;
}

static json_t *map_to_json(const struct view_map *m)
{
  json_t *o = json_object();
  for (uint32_t i = 0; o && i < m->count; i++) {
    json_t *child = view_to_json(m->entries[i].value);
    if (!child ||
        json_object_setn_new_nocheck(o, m->entries[i].key, m->entries[i].key_len, child)) {
      json_decref(o);
      o = NULL;
    }
  }
  return o;
}

static json_t *list_to_json(const struct view_list *l)
{
  json_t *a = json_array();
  for (uint32_t i = 0; a && i < l->count; i++)
    if (json_array_append_new(a, view_to_json(l->items[i]))) {
      json_decref(a);
      a = NULL;
    }
  return a;
}

json_t *view_to_json(struct view v)
{
  v = view_force(v);
  switch (v.type) {
  case VIEW_FALSE:
    return json_false();
  case VIEW_TRUE:
    return json_true();
  case VIEW_INT:
    return json_integer(v.u.i);
  case VIEW_TEXT:
    return json_stringn_nocheck(v.u.s, v.len);
  case VIEW_LIST:
    return list_to_json(v.u.list);
  case VIEW_MAP:
    return map_to_json(v.u.map);
  case VIEW_JSON:
    return json_incref(v.u.json);
  default:
    return json_null();
  }
}
