/*
 * outbox_direct.c - a message sent at once, outside the outbox table: the online
 * application's one-time codes and resume links (domain/apply.h says why). The same SMTP and
 * SMS transports as the outbox, with a random reference so a gateway's duplicate guard never
 * mistakes one code for another.
 */
#include <sodium.h>
#include <string.h>

#include "base/log.h"
#include "workers/outbox.h"

#include "base/common.h"

int outbox_send_now(void *ctx, const char *channel, const char *to, const char *subject,
                    const char *text)
{
  const struct config *config = ctx;
  struct outbox_result result;
  memset(&result, 0, sizeof(result));
  /* references of direct messages live above 2^40, far from outbox row ids */
  json_int_t ref = ((json_int_t)1 << 40) + (json_int_t)randombytes_uniform(0x7fffffff);
  json_t *m = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", ref, "channel", channel, "subject",
                        subject ? subject : "", "body_text", text ? text : "", "body_html", "");
  if (!m || !config || !to)
    return json_decref(m), ST_NOMEM;
  int rc = strcmp(channel, "sms") == 0 ? outbox_send_sms(config, m, to, &result)
                                       : outbox_send_mail(config, m, to, &result);
  json_decref(m);
  if (rc || result.outcome != OUTBOX_SENT) {
    log_warn("direct %s message not sent: %s", channel, result.error);
    return ST_IO;
  }
  return ST_OK;
}
