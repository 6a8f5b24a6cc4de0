/*
 * outbox_sms.c - SMS notices through an HTTP gateway: the documented JSON format
 * ({"to", "text", "ref"} with a Bearer key) or an urlencoded form with configurable field
 * names, as Taiwanese gateways take it. The reference is the same on every attempt of one
 * message, so a gateway that guards against duplicates (e.g. by clientid) sends it once.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workers/outbox.h"

#include "base/common.h"

enum { ANSWER_MAX = 16 * 1024 };

static size_t answer_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
  struct buf *b = userdata;
  size_t n = size * nmemb;
  return buf_append(b, ptr, n) == ST_OK ? n : 0;
}

static int json_body(const char *to, const char *text, const char *ref, struct buf *out)
{
  json_t *body = json_pack("{s:s, s:s, s:s}", "to", to, "text", text, "ref", ref);
  char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;
  int rc = s ? buf_puts(out, s) : ST_NOMEM;
  free(s);
  json_decref(body);
  return rc;
}

static int form_pair(CURL *curl, struct buf *out, const char *name, const char *value)
{
  if (!name[0])
    return ST_OK;
  char *escaped = curl_easy_escape(curl, value, 0);
  int rc = escaped ? buf_printf(out, "%s%s=%s", out->len ? "&" : "", name, escaped) : ST_NOMEM;
  curl_free(escaped);
  return rc;
}

static int form_body(CURL *curl, const struct config *c, const char *to, const char *text,
                     const char *ref, struct buf *out)
{
  int rc =
      c->sms_username[0] ? form_pair(curl, out, c->sms_username_field, c->sms_username) : ST_OK;
  if (!rc && c->sms_password[0])
    rc = form_pair(curl, out, c->sms_password_field, c->sms_password);
  if (!rc)
    rc = form_pair(curl, out, c->sms_to_field, to);
  if (!rc)
    rc = form_pair(curl, out, c->sms_text_field, text);
  if (!rc)
    rc = form_pair(curl, out, c->sms_ref_field, ref);
  if (!rc && c->sms_form_extra[0])
    rc = buf_printf(out, "&%s", c->sms_form_extra);
  return rc;
}

/* The gateway's message id in its answer: a JSON member ("id" or id_field) or a
 * "id_field=value" line. */
static void provider_id(const struct config *c, const struct buf *answer, char *out, size_t size)
{
  out[0] = '\0';
  if (!answer->len)
    return;
  json_t *doc = json_loadb(answer->data, answer->len, 0, NULL);
  json_t *id = json_object_get(doc, "id");
  id = id ? id : json_object_get(doc, c->sms_id_field);
  if (json_is_string(id))
    snprintf(out, size, "%s", json_string_value(id));
  else if (json_is_integer(id))
    snprintf(out, size, "%lld", (long long)json_integer_value(id));
  json_decref(doc);
  char needle[64];
  snprintf(needle, sizeof(needle), "%s=", c->sms_id_field);
  const char *p = out[0] ? NULL : strstr(answer->data, needle);
  if (p && (p == answer->data || p[-1] == '\n' || p[-1] == '&'))
    snprintf(out, size, "%.*s", (int)strcspn(p + strlen(needle), "\r\n&"), p + strlen(needle));
}

/* 2xx sent; 408, 429 and 5xx (and no answer at all) are temporary; other answers permanent. */
static void classify(CURLcode code, long status, struct outbox_result *result)
{
  if (code == CURLE_OK && status >= 200 && status < 300) {
    result->outcome = OUTBOX_SENT;
    return;
  }
  bool temporary = code != CURLE_OK || status == 408 || status == 429 || status >= 500;
  result->outcome = temporary ? OUTBOX_TEMPORARY : OUTBOX_PERMANENT;
  if (code != CURLE_OK)
    snprintf(result->error, sizeof(result->error), "sms gateway: %s", curl_easy_strerror(code));
  else
    snprintf(result->error, sizeof(result->error), "sms gateway answered %ld", status);
}

int outbox_send_sms(const struct config *config, json_t *m, const char *to,
                    struct outbox_result *result)
{
  char ref[32];
  const char *text = json_string_value(json_object_get(m, "body_text"));
  bool json = !strcmp(config->sms_format, "json");
  struct buf body, answer;
  memset(result, 0, sizeof(*result));
  snprintf(ref, sizeof(ref), "bm-%lld", (long long)json_integer_value(json_object_get(m, "id")));
  buf_init(&body, OUTBOX_MESSAGE_MAX);
  buf_init(&answer, ANSWER_MAX);
  CURL *curl = curl_easy_init();
  int rc = !curl  ? ST_NOMEM
           : json ? json_body(to, text ? text : "", ref, &body)
                  : form_body(curl, config, to, text ? text : "", ref, &body);
  struct curl_slist *headers = NULL;
  char auth[300];
  headers = curl_slist_append(headers, json ? "Content-Type: application/json"
                                            : "Content-Type: application/x-www-form-urlencoded");
  if (json && config->sms_api_key[0]) {
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", config->sms_api_key);
    headers = curl_slist_append(headers, auth);
  }
  if (!rc) {
    curl_easy_setopt(curl, CURLOPT_URL, config->sms_url);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)config->sms_timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data ? body.data : "");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body.len);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, answer_write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    classify(code, status, result);
    if (result->outcome == OUTBOX_SENT)
      provider_id(config, &answer, result->provider_id, sizeof(result->provider_id));
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  buf_free(&body);
  buf_free(&answer);
  return rc;
}
