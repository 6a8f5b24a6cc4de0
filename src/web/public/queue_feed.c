/*
 * queue_feed.c - the boards' event stream (placeholder until the stream is built).
 */
#include "web/public/queue.h"

#include "base/common.h"

int queue_events(struct http_request *req, struct http_response *res)
{
  (void)req;
  return http_error(res, 404, NULL);
}
