/*
 * common.h - what every bianmin source file shares: status codes, small macros and the
 * poisoned libc calls. Include it after all system headers, last in the include list.
 */
#ifndef BIANMIN_BASE_COMMON_H
#define BIANMIN_BASE_COMMON_H

#include <stddef.h>

/* Status codes for control flow. 0 is success; every fallible function returns one of these. */
enum status {
  ST_OK = 0,
  ST_NOMEM,    /* allocation failed */
  ST_INVALID,  /* input does not satisfy the contract (caller's fault: 4xx) */
  ST_NOTFOUND, /* no such record */
  ST_LIMIT,    /* a named limit would be exceeded */
  ST_CONFLICT, /* uniqueness or state conflict */
  ST_IO,       /* file or socket error */
  ST_DB,       /* database error */
  ST_FORBIDDEN /* the actor may not do this */
};

const char *status_name(enum status st);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED(x)    ((void)(x))

/* Unsafe libc calls. The source gate (scripts/check-source.sh) also refuses them. */
#ifndef BIANMIN_NO_POISON
#pragma GCC poison sprintf vsprintf strcpy strcat strncpy strtok atoi atol sscanf gets
#endif

#endif
