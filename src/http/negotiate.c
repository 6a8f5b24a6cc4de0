/*
 * negotiate.c - content negotiation: does the client want the JSON view model?
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/internal.h"

#include "base/common.h"

/* q-value of one media range ("application/json;q=0.5"), 1.0 when absent. */
static double media_q(const char *params, size_t len)
{
  const char *q = NULL;
  for (size_t i = 0; i + 2 <= len; i++)
    if ((params[i] == 'q' || params[i] == 'Q') && params[i + 1] == '=') {
      q = params + i + 2;
      break;
    }
  if (!q)
    return 1.0;
  char tmp[8] = {0};
  size_t n = 0;
  while (n < sizeof(tmp) - 1 && q + n < params + len && strchr("0123456789.", q[n]))
    n++;
  memcpy(tmp, q, n);
  return strtod(tmp, NULL);
}

/* Reads one comma-separated media range at *p: which of the two types it names (1 json,
 * 2 html, 0 other) and its q-value. Advances *p past it. */
static int media_range(const char **p, double *q)
{
  const char *start = *p;
  const char *end = strchr(start, ',');
  size_t len = end ? (size_t)(end - start) : strlen(start);
  const char *semi = memchr(start, ';', len);
  size_t type_len = semi ? (size_t)(semi - start) : len;
  while (type_len && start[type_len - 1] == ' ')
    type_len--;
  *q = semi ? media_q(semi, len - (size_t)(semi - start)) : 1.0;
  *p = start + len;
  if (type_len == 16 && strncasecmp(start, "application/json", 16) == 0)
    return 1;
  if (type_len == 9 && strncasecmp(start, "text/html", 9) == 0)
    return 2;
  return 0;
}

bool http_accept_prefers_json(const char *accept)
{
  if (!accept)
    return false;
  double best[3] = {0, 0, 0};
  const char *p = accept;
  while (*p) {
    while (*p == ' ' || *p == ',')
      p++;
    double q;
    int kind = media_range(&p, &q);
    if (q > best[kind])
      best[kind] = q;
  }
  return best[1] > 0 && best[1] >= best[2];
}
