/*
 * fuzz_notify_template.c - libFuzzer target: arbitrary bytes as an edited message template (the
 * checks of domain/notify_template.c and render/message.c, then rendering on sample data as SMS and
 * as e-mail with the first line as the subject). Refusals are expected; crashes, leaks and
 * sanitizer reports are not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/notify.h"
#include "render/message.h"

#include "base/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = malloc(size + 1), detail[128];
  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  char *nl = strchr(text, '\n');
  const char *subject = nl ? text : "", *body = nl ? nl + 1 : text;
  if (nl)
    *nl = '\0';
  json_t *vars = notify_sample_vars("zh-TW");
  const char *channels[] = {"sms", "email"}, *reason;
  for (size_t i = 0; i < 2; i++) {
    char *s = NULL, *t = NULL, *h = NULL;
    size_t count = 0;
    const char *const *names = notify_variables(&count);
    if (notify_template_check(channels[i], subject, body, &reason, detail, sizeof(detail)) ||
        message_check(channels[i], subject, body, names, count, &reason, detail, sizeof(detail)))
      continue;
    if (message_render(channels[i], "zh-TW", subject, body, vars, &s, &t, &h, &reason, detail,
                       sizeof(detail)) == ST_OK) {
      struct notify_sms_count count;
      notify_sms_count(t, &count);
    }
    free(s);
    free(t);
    free(h);
  }
  json_decref(vars);
  free(text);
  return 0;
}
