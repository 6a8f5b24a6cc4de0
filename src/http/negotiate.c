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

bool http_accept_prefers_json(const char *accept)
{
  if (!accept)
    return false;
  double json_q = 0, html_q = 0;
  const char *p = accept;
  while (*p) {
    while (*p == ' ' || *p == ',')
      p++;
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    const char *semi = memchr(p, ';', len);
    size_t type_len = semi ? (size_t)(semi - p) : len;
    while (type_len && p[type_len - 1] == ' ')
      type_len--;
    double q = semi ? media_q(semi, len - (size_t)(semi - p)) : 1.0;
    if (type_len == 16 && strncasecmp(p, "application/json", 16) == 0 && q > json_q)
      json_q = q;
    if (type_len == 9 && strncasecmp(p, "text/html", 9) == 0 && q > html_q)
      html_q = q;
    p += len;
  }
  return json_q > 0 && json_q >= html_q;
}
