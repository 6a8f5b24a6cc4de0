/*
 * multipart.c - multipart/form-data parsing (RFC 7578) of request bodies. Pure: no
 * libmicrohttpd, so unit tests and a fuzz target drive it directly.
 *
 * Contract: the body must open with the first delimiter (a preamble is refused: browsers send
 * none), every part must have a Content-Disposition of form-data with a name, and the body must
 * end with the close delimiter; anything else is ST_INVALID. At most HTTP_MAX_PARTS parts
 * (ST_LIMIT). Part data points into the body (not copied, not NUL-terminated); names, file names
 * and content types are NUL-terminated arena copies. A file name is reduced to its last path
 * component ("../../x.odt" and "C:\\dir\\x.odt" become "x.odt"); one that reduces to nothing,
 * "." or ".." becomes "upload".
 */
#include <string.h>
#include <strings.h>

#include "http/internal.h"

#include "base/common.h"

enum {
  BOUNDARY_MAX = 70, /* RFC 2046 */
  PART_HEADERS_MAX = 4096,
  PARAM_VALUE_MAX = 1024
};

/* The text between two positions of the body. */
struct span {
  const char *ptr;
  size_t len;
};

/* Finds needle in hay (no memmem in C11). */
static const char *find(const char *hay, size_t hay_len, const char *needle, size_t needle_len)
{
  if (needle_len == 0 || hay_len < needle_len)
    return NULL;
  const char *end = hay + (hay_len - needle_len);
  for (const char *p = hay; p <= end;) {
    const char *hit = memchr(p, needle[0], (size_t)(end - p) + 1);
    if (!hit)
      return NULL;
    if (memcmp(hit, needle, needle_len) == 0)
      return hit;
    p = hit + 1;
  }
  return NULL;
}

/* Reads a parameter value at s (quoted or a token) into out; returns the characters used, or 0
 * when the value is broken. A backslash is kept as it is: browsers send Windows paths raw. */
static size_t param_value(const char *s, size_t len, struct span *out)
{
  if (len && s[0] == '"') {
    const char *close = memchr(s + 1, '"', len - 1);
    if (!close)
      return 0;
    *out = (struct span){s + 1, (size_t)(close - s - 1)};
    return (size_t)(close - s) + 1;
  }
  size_t n = 0;
  while (n < len && s[n] != ';' && s[n] != ' ' && s[n] != '\t')
    n++;
  *out = (struct span){s, n};
  return n;
}

/* Finds parameter name (case-insensitive) in a header value such as
 * `form-data; name="file"; filename="a.odt"`. False when absent or broken. */
static bool header_param(struct span value, const char *name, struct span *out)
{
  size_t name_len = strlen(name);
  size_t i = 0;
  while (i < value.len) {
    const char *semi = memchr(value.ptr + i, ';', value.len - i);
    if (!semi)
      return false;
    i = (size_t)(semi - value.ptr) + 1;
    while (i < value.len && (value.ptr[i] == ' ' || value.ptr[i] == '\t'))
      i++;
    if (value.len - i > name_len && strncasecmp(value.ptr + i, name, name_len) == 0 &&
        value.ptr[i + name_len] == '=') {
      i += name_len + 1;
      return param_value(value.ptr + i, value.len - i, out) > 0;
    }
  }
  return false;
}

/* The boundary of a Content-Type such as `multipart/form-data; boundary=----x`. */
int http_multipart_boundary(const char *content_type, char *out, size_t out_size)
{
  static const char prefix[] = "multipart/form-data";
  if (!content_type || strncasecmp(content_type, prefix, sizeof(prefix) - 1) != 0)
    return ST_INVALID;
  struct span value = {content_type, strlen(content_type)}, b;
  if (!header_param(value, "boundary", &b) || b.len == 0 || b.len > BOUNDARY_MAX ||
      b.len >= out_size)
    return ST_INVALID;
  memcpy(out, b.ptr, b.len);
  out[b.len] = '\0';
  return ST_OK;
}

static const char *base_name(const char *name)
{
  const char *last = name;
  for (const char *p = name; *p; p++)
    if (*p == '/' || *p == '\\')
      last = p + 1;
  if (!*last || strcmp(last, ".") == 0 || strcmp(last, "..") == 0)
    return "upload";
  return last;
}

/* A header parameter as checked one-line text in the arena. */
static int param_text(struct arena *arena, struct span value, const char **out)
{
  if (value.len > PARAM_VALUE_MAX || !str_valid_text((struct str){value.ptr, value.len}, false))
    return ST_INVALID;
  *out = arena_strndup(arena, value.ptr, value.len);
  return *out ? ST_OK : ST_NOMEM;
}

static int disposition(struct arena *arena, struct span value, struct http_part *part)
{
  static const char form_data[] = "form-data";
  struct span name, filename;
  if (value.len < sizeof(form_data) - 1 ||
      strncasecmp(value.ptr, form_data, sizeof(form_data) - 1) != 0 ||
      !header_param(value, "name", &name) || name.len == 0)
    return ST_INVALID;
  int rc = param_text(arena, name, &part->name);
  if (!rc && header_param(value, "filename", &filename)) {
    const char *raw = NULL;
    rc = param_text(arena, filename, &raw);
    if (!rc) {
      part->raw_filename = raw;
      part->filename = base_name(raw);
    }
  }
  return rc;
}

/* One header line "Name: value" of a part. Unknown headers are ignored. */
static int part_header(struct arena *arena, struct span line, struct http_part *part)
{
  const char *colon = memchr(line.ptr, ':', line.len);
  if (!colon)
    return ST_INVALID;
  size_t name_len = (size_t)(colon - line.ptr);
  struct span value = {colon + 1, line.len - name_len - 1};
  while (value.len && (value.ptr[0] == ' ' || value.ptr[0] == '\t')) {
    value.ptr++;
    value.len--;
  }
  if (name_len == 19 && strncasecmp(line.ptr, "Content-Disposition", 19) == 0)
    return disposition(arena, value, part);
  if (name_len == 12 && strncasecmp(line.ptr, "Content-Type", 12) == 0)
    return param_text(arena, value, &part->content_type);
  return ST_OK;
}

/* The header block of a part (without its closing blank line). */
static int part_headers(struct arena *arena, struct span block, struct http_part *part)
{
  size_t i = 0;
  while (i < block.len) {
    const char *eol = find(block.ptr + i, block.len - i, "\r\n", 2);
    size_t line_len = eol ? (size_t)(eol - block.ptr) - i : block.len - i;
    int rc = part_header(arena, (struct span){block.ptr + i, line_len}, part);
    if (rc)
      return rc;
    i += line_len + 2;
  }
  return part->name ? ST_OK : ST_INVALID;
}

/* Parses the part that starts at *pos (just after a delimiter line) and advances *pos past the
 * next delimiter; *last is set when that delimiter is the close delimiter. */
static int next_part(struct arena *arena, struct span body, const char *delim, size_t delim_len,
                     size_t *pos, struct http_part *part, bool *last)
{
  struct span rest = {body.ptr + *pos, body.len - *pos};
  const char *blank =
      find(rest.ptr, rest.len < PART_HEADERS_MAX ? rest.len : PART_HEADERS_MAX, "\r\n\r\n", 4);
  if (!blank)
    return ST_INVALID;
  memset(part, 0, sizeof(*part));
  int rc = part_headers(arena, (struct span){rest.ptr, (size_t)(blank - rest.ptr)}, part);
  if (rc)
    return rc;
  const char *data = blank + 4;
  size_t data_room = rest.len - (size_t)(data - rest.ptr);
  const char *end = find(data, data_room, delim, delim_len);
  if (!end)
    return ST_INVALID; /* no further delimiter: the body was cut short */
  part->data = data;
  part->len = (size_t)(end - data);
  size_t after = (size_t)(end - body.ptr) + delim_len;
  if (body.len - after >= 2 && memcmp(body.ptr + after, "--", 2) == 0) {
    *last = true;
    *pos = after + 2;
    return ST_OK;
  }
  while (after < body.len && (body.ptr[after] == ' ' || body.ptr[after] == '\t'))
    after++;
  if (body.len - after < 2 || memcmp(body.ptr + after, "\r\n", 2) != 0)
    return ST_INVALID;
  *pos = after + 2;
  return ST_OK;
}

/* The opening delimiter "--boundary" and its line end; returns where the first part starts. */
static int first_part(struct span body, const char *delim, size_t delim_len, size_t *pos)
{
  /* delim is "\r\n--boundary"; the first one has no line break before it. */
  size_t open_len = delim_len - 2;
  if (body.len < open_len + 2 || memcmp(body.ptr, delim + 2, open_len) != 0)
    return ST_INVALID;
  size_t i = open_len;
  while (i < body.len && (body.ptr[i] == ' ' || body.ptr[i] == '\t'))
    i++;
  if (body.len - i < 2 || memcmp(body.ptr + i, "\r\n", 2) != 0)
    return ST_INVALID;
  *pos = i + 2;
  return ST_OK;
}

int http_multipart_parse(struct arena *arena, const char *content_type, const char *data,
                         size_t len, struct http_part **out, size_t *count)
{
  char boundary[BOUNDARY_MAX + 1], delim[BOUNDARY_MAX + 5];
  struct span body = {data, len};
  size_t pos = 0, n = 0;
  bool last = false;
  int rc = http_multipart_boundary(content_type, boundary, sizeof(boundary));
  if (rc)
    return rc;
  size_t delim_len = strlen(boundary) + 4;
  memcpy(delim, "\r\n--", 4);
  memcpy(delim + 4, boundary, delim_len - 4);
  struct http_part *parts = arena_alloc(arena, sizeof(*parts) * HTTP_MAX_PARTS);
  if (!parts)
    return ST_NOMEM;
  rc = first_part(body, delim, delim_len, &pos);
  while (!rc && !last) {
    if (n == HTTP_MAX_PARTS)
      return ST_LIMIT;
    rc = next_part(arena, body, delim, delim_len, &pos, &parts[n], &last);
    n += rc == ST_OK;
  }
  if (rc)
    return rc;
  *out = parts;
  *count = n;
  return ST_OK;
}
