/*
 * i18n.c - gettext .mo catalogues and page-language negotiation.
 *
 * The .mo format (GNU gettext manual, "The Format of GNU MO Files"): a 28-byte header with the
 * magic 0x950412de in the file's byte order, a revision, the string count N, the offsets of
 * two tables of N (length, offset) pairs (original strings, then translations) and an
 * optional hash table we do not use. Every offset and length is checked against the file
 * size before it is read, so a hostile or truncated file yields ST_INVALID and never a read
 * outside the buffer. The header entry (empty msgid) and untranslated entries (empty msgstr)
 * are skipped; for plural entries the key is the singular msgid and the value the first form.
 * Strings must be UTF-8 (they end up in HTML and JSON). Entries are sorted by msgid once (the
 * duplicate check, the translations' view in order) and found through a hash index built with
 * them (pages look labels up per request: a binary search cost some 450 instructions, a dozen
 * strcmp); a catalogue is immutable after parsing, so threads share it.
 *
 * Language choice: we serve Traditional Chinese ("zh-TW") and English ("en"). Every tag whose
 * primary subtag is "zh" maps to zh-TW, including zh-CN, zh-Hans and zh-HK: a Chinese reader
 * is better served by Traditional characters than by English, and we have no Simplified
 * catalogue. Any other language ("fr", "ja", "*") is not served and falls through to the
 * next source and finally to the default zh-TW.
 */
#include "render/i18n.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "base/common.h"

/* Largest .mo file we load: ours are a few tens of kilobytes. */
#define I18N_MAX_MO_BYTES (16u * 1024u * 1024u)
#define MO_MAGIC          0x950412deu
#define MO_HEADER_BYTES   28u

struct i18n_entry {
  const char *msgid;
  const char *msgstr;
  size_t msgstr_len;
  uint32_t hash; /* msgid_hash(msgid) */
};

struct i18n_catalog {
  struct i18n_entry *entries;
  size_t count;
  char *data;      /* a private copy of the file; entries point into it */
  uint32_t *slots; /* open addressing by msgid_hash: entry index + 1, 0 = empty */
  uint32_t mask;   /* slots - 1 (a power of two minus one) */
};

/* FNV-1a of a NUL-terminated msgid. */
static uint32_t msgid_hash(const char *s)
{
  uint32_t h = str_hash(STR_HASH_START, s, strlen(s));
  return h ^ h >> 15;
}

/* A bounds-checked view of the raw file. */
struct mo_reader {
  const unsigned char *data;
  size_t len;
  bool swap;     /* big-endian file */
  size_t budget; /* string bytes the file may still declare (see mo_string) */
  char *err;
  size_t err_size;
};

static int mo_fail(struct mo_reader *r, const char *msg, uint32_t index)
{
  if (r->err && r->err_size)
    snprintf(r->err, r->err_size, "invalid .mo file: %s (entry %lu)", msg, (unsigned long)index);
  return ST_INVALID;
}

/* The 32-bit word at off; the caller has checked off + 4 <= len. */
static uint32_t mo_word(const struct mo_reader *r, size_t off)
{
  const unsigned char *p = r->data + off;
  if (r->swap)
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
  return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Locates string index of the table at table_off (already checked to lie inside the file):
 * its bytes up to the first NUL (plural forms follow after it). The strings of a real file do
 * not overlap, so all of them together are shorter than the file; a hostile file that points
 * many entries at one long string is refused instead of costing N times its size to scan. */
static int mo_string(struct mo_reader *r, uint32_t table_off, uint32_t index, struct str *out)
{
  size_t entry = (size_t)table_off + (size_t)index * 8u;
  uint32_t length = mo_word(r, entry);
  uint32_t offset = mo_word(r, entry + 4);
  if (offset > r->len || length >= r->len - offset)
    return mo_fail(r, "string outside the file", index);
  if ((size_t)length + 1u > r->budget)
    return mo_fail(r, "strings overlap", index);
  r->budget -= (size_t)length + 1u;
  const char *p = (const char *)r->data + offset;
  if (p[length] != '\0')
    return mo_fail(r, "string not NUL-terminated", index);
  *out = (struct str){p, strnlen(p, length)};
  return ST_OK;
}

/* Reads and checks the header; *count, *ids and *strs receive N and the table offsets. */
static int mo_header(struct mo_reader *r, uint32_t *count, uint32_t *ids, uint32_t *strs)
{
  if (r->len < MO_HEADER_BYTES)
    return mo_fail(r, "shorter than its header", 0);
  r->swap = false;
  if (mo_word(r, 0) != MO_MAGIC) {
    r->swap = true;
    if (mo_word(r, 0) != MO_MAGIC)
      return mo_fail(r, "bad magic number", 0);
  }
  uint32_t major = mo_word(r, 4) >> 16;
  if (major > 1)
    return mo_fail(r, "unsupported major revision", 0);
  *count = mo_word(r, 8);
  *ids = mo_word(r, 12);
  *strs = mo_word(r, 16);
  size_t table_bytes = (size_t)*count * 8u;
  if (*count > (r->len - MO_HEADER_BYTES) / 8u)
    return mo_fail(r, "string count larger than the file", 0);
  if (*ids > r->len || table_bytes > r->len - *ids)
    return mo_fail(r, "original table outside the file", 0);
  if (*strs > r->len || table_bytes > r->len - *strs)
    return mo_fail(r, "translation table outside the file", 0);
  return ST_OK;
}

static int entry_compare(const void *a, const void *b)
{
  const struct i18n_entry *x = a, *y = b;
  return strcmp(x->msgid, y->msgid);
}

/* Adds every translated entry of the file to the catalogue. The strings stay where they are
 * in the catalogue's copy of the file: each ends at a NUL there (checked by mo_string), and
 * entries may share or overlap bytes, so copying them out could cost N times the file size. */
static int mo_collect(struct mo_reader *r, struct i18n_catalog *cat, uint32_t n, uint32_t ids,
                      uint32_t strs)
{
  for (uint32_t i = 0; i < n; i++) {
    struct str id, text;
    int rc = mo_string(r, ids, i, &id);
    if (rc == ST_OK)
      rc = mo_string(r, strs, i, &text);
    if (rc)
      return rc;
    /* Skip the header entry, untranslated entries and entries with a msgctxt (EOT between
     * context and msgid): lookups here never carry a context. */
    if (id.len == 0 || text.len == 0 || memchr(id.ptr, '\x04', id.len))
      continue;
    if (!str_valid_text(id, true) || !str_valid_text(text, true))
      return mo_fail(r, "string is not UTF-8 text", i);
    struct i18n_entry *e = &cat->entries[cat->count++];
    e->msgid = cat->data + (id.ptr - (const char *)r->data);
    e->msgstr = cat->data + (text.ptr - (const char *)r->data);
    e->msgstr_len = text.len;
  }
  return ST_OK;
}

static int sort_and_check(struct mo_reader *r, struct i18n_catalog *cat)
{
  if (cat->count > 1)
    qsort(cat->entries, cat->count, sizeof(cat->entries[0]), entry_compare);
  for (size_t i = 1; i < cat->count; i++)
    if (strcmp(cat->entries[i - 1].msgid, cat->entries[i].msgid) == 0)
      return mo_fail(r, "duplicate msgid", (uint32_t)i);
  return ST_OK;
}

/* The hash index: at least twice as many slots as entries (msgids are unique by now). */
static int index_entries(struct i18n_catalog *cat)
{
  size_t size = 16;
  while (size < cat->count * 2)
    size *= 2;
  cat->slots = calloc(size, sizeof(*cat->slots));
  if (!cat->slots)
    return ST_NOMEM;
  cat->mask = (uint32_t)(size - 1);
  for (size_t i = 0; i < cat->count; i++) {
    struct i18n_entry *e = &cat->entries[i];
    e->hash = msgid_hash(e->msgid);
    uint32_t at = e->hash & cat->mask;
    while (cat->slots[at])
      at = (at + 1) & cat->mask;
    cat->slots[at] = (uint32_t)i + 1;
  }
  return ST_OK;
}

int i18n_parse_mo(const unsigned char *data, size_t len, struct i18n_catalog **out, char *err,
                  size_t err_size)
{
  struct mo_reader r = {data, len, false, len, err, err_size};
  struct i18n_catalog *cat = NULL;
  uint32_t n = 0, ids = 0, strs = 0;
  int rc = ST_INVALID;
  *out = NULL;
  if (!data || len > I18N_MAX_MO_BYTES) {
    rc = mo_fail(&r, "missing or larger than the limit", 0);
    goto out;
  }
  rc = mo_header(&r, &n, &ids, &strs);
  if (rc)
    goto out;
  rc = ST_NOMEM;
  cat = calloc(1, sizeof(*cat));
  if (!cat)
    goto out;
  cat->data = malloc(len);
  cat->entries = calloc(n ? n : 1, sizeof(cat->entries[0]));
  if (!cat->data || !cat->entries)
    goto out;
  memcpy(cat->data, data, len);
  rc = mo_collect(&r, cat, n, ids, strs);
  if (rc == ST_OK)
    rc = sort_and_check(&r, cat);
  if (rc == ST_OK)
    rc = index_entries(cat);
out:
  if (rc == ST_NOMEM && err && err_size)
    snprintf(err, err_size, "out of memory loading a .mo file");
  if (rc) {
    i18n_free(cat);
    return rc;
  }
  *out = cat;
  return ST_OK;
}

/* Reads the whole file at path (at most I18N_MAX_MO_BYTES) into *data. */
static int read_file(const char *path, unsigned char **data, size_t *len, char *err,
                     size_t err_size)
{
  int rc = ST_IO;
  unsigned char *p = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, err_size, "%s: %s", path, strerror(errno));
    return ST_IO;
  }
  p = malloc(I18N_MAX_MO_BYTES + 1u);
  if (!p) {
    rc = ST_NOMEM;
    snprintf(err, err_size, "%s: out of memory", path);
    goto out;
  }
  size_t n = fread(p, 1, I18N_MAX_MO_BYTES + 1u, f);
  if (ferror(f)) {
    snprintf(err, err_size, "%s: read error", path);
    goto out;
  }
  if (n > I18N_MAX_MO_BYTES) {
    rc = ST_LIMIT;
    snprintf(err, err_size, "%s: larger than %u bytes", path, I18N_MAX_MO_BYTES);
    goto out;
  }
  *data = p;
  *len = n;
  p = NULL;
  rc = ST_OK;
out:
  free(p);
  fclose(f);
  return rc;
}

int i18n_load_mo(const char *path, struct i18n_catalog **out, char *err, size_t err_size)
{
  unsigned char *data = NULL;
  size_t len = 0;
  char detail[256] = "";
  *out = NULL;
  int rc = read_file(path, &data, &len, err, err_size);
  if (rc)
    return rc;
  rc = i18n_parse_mo(data, len, out, detail, sizeof(detail));
  if (rc && err && err_size)
    snprintf(err, err_size, "%s: %s", path, detail);
  free(data);
  return rc;
}

void i18n_free(struct i18n_catalog *catalog)
{
  if (!catalog)
    return;
  free(catalog->entries);
  free(catalog->data);
  free(catalog->slots);
  free(catalog);
}

const char *i18n_get(const struct i18n_catalog *catalog, const char *msgid)
{
  if (!catalog || !msgid || !catalog->slots)
    return msgid;
  uint32_t hash = msgid_hash(msgid);
  for (uint32_t at = hash & catalog->mask; catalog->slots[at]; at = (at + 1) & catalog->mask) {
    const struct i18n_entry *e = &catalog->entries[catalog->slots[at] - 1];
    if (e->hash == hash && strcmp(e->msgid, msgid) == 0)
      return e->msgstr;
  }
  return msgid;
}

json_t *i18n_to_json(const struct i18n_catalog *catalog)
{
  json_t *obj = json_object();
  if (!obj || !catalog)
    return obj;
  for (size_t i = 0; i < catalog->count; i++) {
    const struct i18n_entry *e = &catalog->entries[i];
    if (json_object_set_new(obj, e->msgid, json_stringn(e->msgstr, e->msgstr_len)) != 0) {
      json_decref(obj);
      return NULL;
    }
  }
  return obj;
}

struct view i18n_to_view(const struct i18n_catalog *catalog, struct view_builder *b)
{
  struct view_map *m = view_map(b);
  for (size_t i = 0; m && catalog && i < catalog->count; i++) {
    const struct i18n_entry *e = &catalog->entries[i];
    view_add(b, m, e->msgid, view_text_checked(e->msgstr, e->msgstr_len));
  }
  if (m)
    view_map_index(b, m);
  return view_of_map(m);
}

size_t i18n_count(const struct i18n_catalog *catalog)
{
  return catalog ? catalog->count : 0;
}

static bool is_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* True when s (after the primary subtag) is empty or a sequence of "-xxx" / "_xxx" subtags of
 * 1 to 8 letters or digits (BCP 47 syntax, loosely: POSIX-style underscores are allowed). */
static bool valid_subtags(const char *s, size_t len)
{
  size_t i = 0;
  while (i < len) {
    if (s[i] != '-' && s[i] != '_')
      return false;
    size_t start = ++i;
    while (i < len && is_alnum(s[i]))
      i++;
    if (i == start || i - start > 8)
      return false;
  }
  return true;
}

const char *i18n_normalize(const char *tag, size_t len)
{
  if (!tag || len < 2)
    return NULL;
  if (!valid_subtags(tag + 2, len - 2))
    return NULL;
  if (strncasecmp(tag, "zh", 2) == 0)
    return "zh-TW";
  if (strncasecmp(tag, "en", 2) == 0)
    return "en";
  return NULL;
}

int i18n_supported(const char *lang)
{
  return lang && i18n_normalize(lang, strlen(lang)) != NULL;
}

/* Parses an RFC 9110 qvalue ("0", "0.8", "1.000") into thousandths; -1 when malformed. */
static int parse_qvalue(struct str s)
{
  if (s.len == 0 || s.len > 5 || (s.ptr[0] != '0' && s.ptr[0] != '1'))
    return -1;
  int q = (s.ptr[0] - '0') * 1000;
  if (s.len == 1)
    return q;
  if (s.ptr[1] != '.')
    return -1;
  int scale = 100;
  for (size_t i = 2; i < s.len; i++, scale /= 10) {
    if (s.ptr[i] < '0' || s.ptr[i] > '9')
      return -1;
    q += (s.ptr[i] - '0') * scale;
  }
  return q > 1000 ? -1 : q;
}

/* The weight of one Accept-Language parameter list (";q=0.8"), in thousandths: 1000 when
 * there is no q parameter, -1 when a parameter is malformed. */
static int item_weight(struct str params)
{
  int q = 1000;
  while (params.len) {
    const char *semi = memchr(params.ptr, ';', params.len);
    size_t n = semi ? (size_t)(semi - params.ptr) : params.len;
    struct str p = str_trim((struct str){params.ptr, n});
    params.ptr += n + (semi ? 1 : 0);
    params.len -= n + (semi ? 1 : 0);
    if (p.len == 0)
      continue;
    const char *eq = memchr(p.ptr, '=', p.len);
    if (!eq)
      return -1;
    struct str name = str_trim((struct str){p.ptr, (size_t)(eq - p.ptr)});
    struct str value = str_trim((struct str){eq + 1, p.len - (size_t)(eq - p.ptr) - 1});
    if (str_case_eq_cstr(name, "q"))
      q = parse_qvalue(value);
    if (q < 0)
      return -1;
  }
  return q;
}

/* The served language Accept-Language asks for most (highest q, earliest on ties), or NULL. */
static const char *negotiate_accept(const char *header)
{
  const char *best = NULL;
  int best_q = 0;
  struct str rest = str_from(header);
  while (rest.len) {
    const char *comma = memchr(rest.ptr, ',', rest.len);
    size_t n = comma ? (size_t)(comma - rest.ptr) : rest.len;
    struct str item = {rest.ptr, n};
    rest.ptr += n + (comma ? 1 : 0);
    rest.len -= n + (comma ? 1 : 0);
    const char *semi = memchr(item.ptr, ';', item.len);
    size_t tag_len = semi ? (size_t)(semi - item.ptr) : item.len;
    struct str tag = str_trim((struct str){item.ptr, tag_len});
    struct str params = {item.ptr + tag_len, item.len - tag_len};
    const char *lang = i18n_normalize(tag.ptr, tag.len);
    int q = lang ? item_weight(params) : -1;
    if (q > best_q) {
      best = lang;
      best_q = q;
    }
  }
  return best;
}

static const char *normalize_cstr(const char *s)
{
  if (!s)
    return NULL;
  struct str t = str_trim(str_from(s));
  return i18n_normalize(t.ptr, t.len);
}

const char *i18n_negotiate(const char *query_lang, const char *cookie_lang,
                           const char *accept_language)
{
  const char *lang = normalize_cstr(query_lang);
  if (!lang)
    lang = normalize_cstr(cookie_lang);
  if (!lang && accept_language)
    lang = negotiate_accept(accept_language);
  return lang ? lang : I18N_DEFAULT_LANG;
}

const char *i18n_html_lang(const char *lang)
{
  const char *served = normalize_cstr(lang);
  if (served && strcmp(served, "en") == 0)
    return "en";
  return "zh-Hant-TW";
}
