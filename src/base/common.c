/* common.c - names of status codes, for logs and test messages. */
#include "base/common.h"

const char *status_name(enum status st)
{
  static const char *const names[] = {"ok",       "nomem", "invalid", "notfound", "limit",
                                      "conflict", "io",    "db",      "forbidden"};
  if ((size_t)st < ARRAY_LEN(names))
    return names[st];
  return "unknown";
}
