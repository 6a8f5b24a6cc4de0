/*
 * refusals.c - the security headers on libmicrohttpd's own refusals (issue 21: every answer
 * carries them).
 *
 * libmicrohttpd answers some requests itself, before any handler of ours runs: a request line
 * or header block larger than the connection's memory (414, 431), a malformed request (400),
 * an HTTP version it does not speak (505). It builds such an answer from a static buffer and
 * hands it to MHD_queue_response, and it offers no hook to add headers to it. Debian's build
 * (0.9.75) makes that call through its procedure linkage table, so a definition of
 * MHD_queue_response in the executable (exported: CMakeLists.txt) is the one the dynamic linker
 * binds it to. This one adds the headers every answer of ours carries (http_security_headers:
 * the same set, with a policy that allows nothing, since these answers are static text) when
 * the response has none yet, and passes the response on to libmicrohttpd's own
 * MHD_queue_response. Our own answers already have them and pass through unchanged.
 * tests/http/limits_test checks a 431, a 414, a 505 and a 400 for the headers: should a build
 * of the library ever bind its own call internally, that test fails.
 */
#include <dlfcn.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "base/common.h"

typedef enum MHD_Result (*queue_fn)(struct MHD_Connection *, unsigned int, struct MHD_Response *);

static queue_fn library_queue;
static pthread_once_t found = PTHREAD_ONCE_INIT;

static void find_library_queue(void)
{
  void *fn = dlsym(RTLD_NEXT, "MHD_queue_response");
  /* POSIX guarantees a function's address survives the trip through void *. */
  memcpy(&library_queue, &fn, sizeof(library_queue));
}

/* The headers of http_security_headers for an answer that is libmicrohttpd's static text. */
static void refusal_headers(struct MHD_Response *r)
{
  static const char *const headers[][2] = {
      {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "same-origin"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
      {"Cache-Control", "no-store"},
  };
  for (size_t i = 0; i < ARRAY_LEN(headers); i++)
    MHD_add_response_header(r, headers[i][0], headers[i][1]);
  if (!MHD_get_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE))
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
                                   struct MHD_Response *response)
{
  pthread_once(&found, find_library_queue);
  if (!library_queue)
    return MHD_NO;
  if (response && !MHD_get_response_header(response, "X-Content-Type-Options"))
    refusal_headers(response);
  return library_queue(connection, status_code, response);
}
