/*
 * assets.c - the static folder, read once at start (ARCHITECTURE.md, "Static files").
 *
 * Every file of a known type gets a second name that carries the first 8 hex digits of the
 * SHA-256 of its bytes (css/bianmin.css -> css/bianmin.3f2a9c1e.css). A changed file therefore
 * gets a new name, and browsers may keep a named one for a year without asking again. Pages
 * link the hashed names (the template global "asset").
 *
 * scripts/build-assets.sh writes precompressed variants beside the files, called like the
 * hashed name plus ".gz" or ".br". A variant is used only when its name carries the hash of the
 * bytes read here - one left over from an older file is never found - and when it is smaller
 * than the file. Requests are answered from this memory; the folder is not read again.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "http/internal.h"

#include "base/common.h"

enum {
  ASSETS_MAX_FILES = 256,
  ASSETS_MAX_BYTES = 32 * 1024 * 1024, /* every file and variant together */
  ASSETS_MAX_DEPTH = 8,
  ASSETS_PATH_MAX = 1024,
  QVALUE_ONE = 1000 /* q-values are read in thousandths */
};

struct http_assets {
  struct http_asset items[ASSETS_MAX_FILES];
  size_t count;
  size_t bytes;
  bool hashed_urls;
  json_t *urls;
};

static const char *const encoding_names[HTTP_ENCODING_COUNT] = {"identity", "gzip", "br"};
static const char *const encoding_suffixes[HTTP_ENCODING_COUNT] = {"", ".gz", ".br"};

const char *http_encoding_name(enum http_encoding encoding)
{
  return encoding_names[encoding];
}

bool http_static_path_ok(const char *path)
{
  bool segment_start = true;
  for (const char *p = path; *p; p++) {
    char c = *p;
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_';
    if (c == '/' || c == '.') {
      if (segment_start)
        return false;
      segment_start = c == '/';
    } else if (plain) {
      segment_start = false;
    } else {
      return false;
    }
  }
  return !segment_start;
}

const char *http_static_type(const char *path)
{
  static const char *const types[][2] = {{".css", "text/css; charset=utf-8"},
                                         {".js", "text/javascript; charset=utf-8"},
                                         {".svg", "image/svg+xml"},
                                         {".png", "image/png"},
                                         {".woff2", "font/woff2"},
                                         {".ico", "image/x-icon"},
                                         {".txt", "text/plain; charset=utf-8"},
                                         {".pdf", "application/pdf"},
                                         {".odt", "application/vnd.oasis.opendocument.text"}};
  const char *dot = strrchr(path, '.');
  for (size_t i = 0; dot && i < ARRAY_LEN(types); i++)
    if (strcmp(dot, types[i][0]) == 0)
      return types[i][1];
  return NULL;
}

/* Reads the regular file at path whole into *data (malloc'd, NUL-terminated) when it holds at
 * most max bytes. ST_NOTFOUND when there is no such file, ST_LIMIT when it is larger. */
static int read_whole(const char *path, size_t max, char **data, size_t *len)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ST_NOTFOUND;
  struct stat st;
  int rc = ST_OK;
  *data = NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    rc = ST_NOTFOUND;
  else if ((uint64_t)st.st_size > max)
    rc = ST_LIMIT;
  else if (!(*data = malloc((size_t)st.st_size + 1)))
    rc = ST_NOMEM;
  else if (read(fd, *data, (size_t)st.st_size) != st.st_size)
    rc = ST_IO;
  close(fd);
  if (rc) {
    free(*data);
    *data = NULL;
    return rc;
  }
  (*data)[st.st_size] = '\0';
  *len = (size_t)st.st_size;
  return ST_OK;
}

/* "css/bianmin.css" + hash -> "css/bianmin.<hash>.css" (malloc'd). The name has a type, so it
 * has a dot in its last segment. */
static char *hashed_name(const char *path, const char *hash)
{
  const char *dot = strrchr(path, '.');
  size_t size = strlen(path) + HTTP_ASSET_HASH_HEX + 2;
  char *out = malloc(size);
  if (out)
    snprintf(out, size, "%.*s.%s%s", (int)(dot - path), path, hash, dot);
  return out;
}

/* Loads the variant called <hashed name><suffix> when it exists and is smaller than the file. */
static int load_variant(struct http_assets *assets, struct http_asset *asset, const char *dir,
                        enum http_encoding encoding)
{
  char path[ASSETS_PATH_MAX];
  int n =
      snprintf(path, sizeof(path), "%s/%s%s", dir, asset->hashed_path, encoding_suffixes[encoding]);
  if (n < 0 || (size_t)n >= sizeof(path))
    return ST_OK;
  char *data;
  size_t len;
  int rc = read_whole(path, asset->len[HTTP_ENCODING_IDENTITY], &data, &len);
  if (rc == ST_NOMEM)
    return rc;
  if (rc)
    return ST_OK; /* absent, or no smaller than the file: the file itself serves */
  if (len >= asset->len[HTTP_ENCODING_IDENTITY] || ASSETS_MAX_BYTES - assets->bytes < len) {
    free(data);
    return ST_OK;
  }
  asset->data[encoding] = data;
  asset->len[encoding] = len;
  assets->bytes += len;
  return ST_OK;
}

static void asset_hash(struct http_asset *asset)
{
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, (const unsigned char *)asset->data[HTTP_ENCODING_IDENTITY],
                     asset->len[HTTP_ENCODING_IDENTITY]);
  char hex[HTTP_ASSET_HASH_HEX + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, HTTP_ASSET_HASH_HEX / 2);
  memcpy(asset->hash, hex, sizeof(hex));
  for (int e = 0; e < HTTP_ENCODING_COUNT; e++)
    snprintf(asset->etags[e], sizeof(asset->etags[e]), "\"%s%s%s\"", hex, e ? "-" : "",
             e ? encoding_names[e] : "");
}

/* Reads one file (rel below dir) into the next slot. Files over the limits are left out with a
 * warning; the handler's disk path then answers them under their plain name. */
static int add_file(struct http_assets *assets, const char *dir, const char *rel, const char *full)
{
  if (assets->count == ASSETS_MAX_FILES) {
    log_warn("static: more than %d files; %s is served from disk", ASSETS_MAX_FILES, rel);
    return ST_OK;
  }
  struct http_asset *asset = &assets->items[assets->count];
  size_t room = ASSETS_MAX_BYTES - assets->bytes;
  size_t max = room < HTTP_STATIC_MAX_BYTES ? room : HTTP_STATIC_MAX_BYTES;
  char *data;
  size_t len;
  int rc = read_whole(full, max, &data, &len);
  if (rc == ST_NOMEM)
    return rc;
  if (rc) {
    log_warn("static: %s left out (%s)", rel, status_name(rc));
    return ST_OK;
  }
  *asset = (struct http_asset){.type = http_static_type(rel)};
  asset->data[HTTP_ENCODING_IDENTITY] = data;
  asset->len[HTTP_ENCODING_IDENTITY] = len;
  assets->bytes += len;
  assets->count++; /* from here on http_assets_free releases it */
  asset_hash(asset);
  asset->path = strdup(rel);
  asset->hashed_path = hashed_name(rel, asset->hash);
  if (!asset->path || !asset->hashed_path)
    return ST_NOMEM;
  for (int e = HTTP_ENCODING_GZIP; !rc && e < HTTP_ENCODING_COUNT; e++)
    rc = load_variant(assets, asset, dir, (enum http_encoding)e);
  return rc;
}

static int walk(struct http_assets *assets, const char *dir, const char *rel, int depth);

/* One directory entry: recurse into folders, read files of a known type with plain names. */
static int visit(struct http_assets *assets, const char *dir, const char *rel, const char *entry,
                 int depth)
{
  char sub[ASSETS_PATH_MAX], full[ASSETS_PATH_MAX];
  struct stat st;
  if (entry[0] == '.')
    return ST_OK;
  int n = snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", entry);
  int m = snprintf(full, sizeof(full), "%s/%s", dir, sub);
  if (n < 0 || m < 0 || (size_t)n >= sizeof(sub) || (size_t)m >= sizeof(full) ||
      !http_static_path_ok(sub) || stat(full, &st) != 0)
    return ST_OK;
  if (S_ISDIR(st.st_mode))
    return walk(assets, dir, sub, depth + 1);
  if (S_ISREG(st.st_mode) && http_static_type(sub))
    return add_file(assets, dir, sub, full);
  return ST_OK;
}

static int walk(struct http_assets *assets, const char *dir, const char *rel, int depth)
{
  char path[ASSETS_PATH_MAX];
  if (depth > ASSETS_MAX_DEPTH)
    return ST_OK;
  snprintf(path, sizeof(path), "%s%s%s", dir, rel[0] ? "/" : "", rel);
  DIR *d = opendir(path);
  if (!d) {
    log_warn("static: cannot read the folder %s", path);
    return ST_OK;
  }
  int rc = ST_OK;
  struct dirent *entry;
  while (!rc && (entry = readdir(d)) != NULL)
    rc = visit(assets, dir, rel, entry->d_name, depth);
  closedir(d);
  return rc;
}

/* Sets root.<a>.<b>.<name_ext> = url for path "a/b/name.ext": mustache reads dots as steps
 * into objects, so dots and dashes in names become underscores ({{asset.css.bianmin_css}}). */
static int url_set(json_t *root, const char *path, const char *url)
{
  char key[ASSETS_PATH_MAX];
  json_t *node = root;
  const char *p = path;
  for (const char *slash; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
    snprintf(key, sizeof(key), "%.*s", (int)(slash - p), p);
    json_t *child = json_object_get(node, key);
    if (!json_is_object(child)) {
      child = json_object();
      if (json_object_set_new(node, key, child))
        return ST_NOMEM;
    }
    node = child;
  }
  snprintf(key, sizeof(key), "%s", p);
  for (char *k = key; *k; k++)
    if (*k == '.' || *k == '-')
      *k = '_';
  return json_object_set_new(node, key, json_string(url)) ? ST_NOMEM : ST_OK;
}

static int build_urls(struct http_assets *assets)
{
  assets->urls = json_object();
  if (!assets->urls)
    return ST_NOMEM;
  char url[ASSETS_PATH_MAX];
  int rc = ST_OK;
  for (size_t i = 0; !rc && i < assets->count; i++) {
    const struct http_asset *a = &assets->items[i];
    snprintf(url, sizeof(url), "/static/%s", assets->hashed_urls ? a->hashed_path : a->path);
    rc = url_set(assets->urls, a->path, url);
  }
  return rc;
}

int http_assets_load(const char *dir, bool hashed_urls, struct http_assets **out)
{
  struct http_assets *assets = calloc(1, sizeof(*assets));
  if (!assets)
    return ST_NOMEM;
  assets->hashed_urls = hashed_urls;
  int rc = walk(assets, dir, "", 0);
  if (!rc)
    rc = build_urls(assets);
  if (rc) {
    http_assets_free(assets);
    return rc;
  }
  *out = assets;
  return ST_OK;
}

void http_assets_free(struct http_assets *assets)
{
  if (!assets)
    return;
  for (size_t i = 0; i < assets->count; i++) {
    struct http_asset *a = &assets->items[i];
    for (int e = 0; e < HTTP_ENCODING_COUNT; e++)
      free((char *)a->data[e]);
    free(a->path);
    free(a->hashed_path);
  }
  json_decref(assets->urls);
  free(assets);
}

json_t *http_assets_urls(const struct http_assets *assets)
{
  return assets ? assets->urls : json_null(); /* json_null() is a constant: no reference */
}

/* rel without a hash segment: "css/bianmin.0123abcd.css" -> "css/bianmin.css" in out. False
 * when rel has no such segment before its type. */
static bool strip_hash(const char *rel, char *out, size_t out_size)
{
  const char *type = strrchr(rel, '.');
  size_t stem = type ? (size_t)(type - rel) : 0;
  if (stem < HTTP_ASSET_HASH_HEX + 1 || rel[stem - HTTP_ASSET_HASH_HEX - 1] != '.')
    return false;
  for (size_t i = stem - HTTP_ASSET_HASH_HEX; i < stem; i++)
    if (str_hex_value(rel[i]) < 0 || (rel[i] >= 'A' && rel[i] <= 'F'))
      return false;
  int n = snprintf(out, out_size, "%.*s%s", (int)(stem - HTTP_ASSET_HASH_HEX - 1), rel, type);
  return n > 0 && (size_t)n < out_size;
}

static const struct http_asset *find_plain(const struct http_assets *assets, const char *rel)
{
  for (size_t i = 0; i < assets->count; i++)
    if (strcmp(assets->items[i].path, rel) == 0)
      return &assets->items[i];
  return NULL;
}

const struct http_asset *http_assets_find(const struct http_assets *assets, const char *rel,
                                          bool *current)
{
  *current = false;
  if (!assets)
    return NULL;
  for (size_t i = 0; i < assets->count; i++)
    if (strcmp(assets->items[i].hashed_path, rel) == 0) {
      *current = true;
      return &assets->items[i];
    }
  const struct http_asset *asset = find_plain(assets, rel);
  char plain[ASSETS_PATH_MAX];
  if (!asset && strip_hash(rel, plain, sizeof(plain)))
    asset = find_plain(assets, plain); /* an older version's name: today's file */
  return asset;
}

/* A qvalue ("0", "0.5", "1.000") in thousandths; -1 when malformed (RFC 9110, 12.4.2). */
static int qvalue(struct str p)
{
  if (!p.len || (p.ptr[0] != '0' && p.ptr[0] != '1') || (p.len > 1 && p.ptr[1] != '.') || p.len > 5)
    return -1;
  int q = (p.ptr[0] - '0') * QVALUE_ONE;
  int scale = QVALUE_ONE / 10;
  for (size_t i = 2; i < p.len; i++, scale /= 10) {
    if (p.ptr[i] < '0' || p.ptr[i] > '9')
      return -1;
    q += (p.ptr[i] - '0') * scale;
  }
  return q <= QVALUE_ONE ? q : -1;
}

/* The q-value of one coding's parameters (";q=0.5", possibly with spaces) in thousandths:
 * QVALUE_ONE when absent, -1 when malformed. */
static int coding_q(struct str params)
{
  struct str p = str_trim(params);
  if (!p.len)
    return QVALUE_ONE;
  if (p.ptr[0] != ';')
    return -1;
  p = str_trim((struct str){p.ptr + 1, p.len - 1});
  if (p.len < 2 || (p.ptr[0] != 'q' && p.ptr[0] != 'Q') || p.ptr[1] != '=')
    return -1;
  return qvalue((struct str){p.ptr + 2, p.len - 2});
}

/* Records one list member ("br;q=0.8") in q (per encoding) or *star; -1 in q means unnamed. */
static void coding_read(struct str member, int q[HTTP_ENCODING_COUNT], int *star)
{
  const char *semi = memchr(member.ptr, ';', member.len);
  size_t name_len = semi ? (size_t)(semi - member.ptr) : member.len;
  struct str name = str_trim((struct str){member.ptr, name_len});
  int value = coding_q((struct str){member.ptr + name_len, member.len - name_len});
  if (value < 0 || !name.len)
    return;
  if (str_eq_cstr(name, "*"))
    *star = value;
  else if (str_case_eq_cstr(name, "x-gzip"))
    q[HTTP_ENCODING_GZIP] = value;
  for (int e = 0; e < HTTP_ENCODING_COUNT; e++)
    if (str_case_eq_cstr(name, encoding_names[e]))
      q[e] = value;
}

enum http_encoding http_encoding_choose(const char *accept_encoding, unsigned available)
{
  int q[HTTP_ENCODING_COUNT] = {-1, -1, -1};
  int star = -1;
  struct str rest = str_from(accept_encoding ? accept_encoding : "");
  while (rest.len) {
    const char *comma = memchr(rest.ptr, ',', rest.len);
    size_t len = comma ? (size_t)(comma - rest.ptr) : rest.len;
    coding_read((struct str){rest.ptr, len}, q, &star);
    rest = comma ? (struct str){comma + 1, rest.len - len - 1} : (struct str){rest.ptr, 0};
  }
  /* Unnamed codings take "*"'s value, or are unacceptable; unnamed identity stays acceptable
   * but below any coding the client named (RFC 9110, 12.5.3). */
  for (int e = HTTP_ENCODING_GZIP; e < HTTP_ENCODING_COUNT; e++)
    if (q[e] < 0)
      q[e] = star >= 0 ? star : 0;
  if (q[HTTP_ENCODING_IDENTITY] < 0)
    q[HTTP_ENCODING_IDENTITY] = star == 0 ? 0 : 1;
  /* Highest q among the variants present; ties go to the smaller (br, then gzip). */
  enum http_encoding best = HTTP_ENCODING_IDENTITY;
  int best_q = 0;
  for (int e = HTTP_ENCODING_COUNT - 1; e >= 0; e--)
    if ((available & (1u << e)) && q[e] > best_q) {
      best = (enum http_encoding)e;
      best_q = q[e];
    }
  return best; /* nothing acceptable: identity all the same (RFC 9110 allows it) */
}
