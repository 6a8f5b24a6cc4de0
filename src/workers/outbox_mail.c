/*
 * outbox_mail.c - e-mail notices: the MIME message (multipart/alternative, UTF-8, RFC 2047
 * subject) and sending it through SMTP with libcurl (STARTTLS or TLS, optional AUTH).
 */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/civil.h"
#include "workers/outbox.h"

#include "base/clock.h"

#include "base/common.h"

enum { B64_LINE = 76, WORD_BYTES = 45 };

/* Appends len bytes as base64, CRLF every 76 characters. */
static int put_base64(struct buf *out, const unsigned char *data, size_t len)
{
  size_t size = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
  char *b64 = malloc(size);
  if (!b64)
    return ST_NOMEM;
  sodium_bin2base64(b64, size, data, len, sodium_base64_VARIANT_ORIGINAL);
  int rc = ST_OK;
  size_t n = strlen(b64);
  for (size_t i = 0; !rc && i < n; i += B64_LINE) {
    rc = buf_append(out, b64 + i, n - i < B64_LINE ? n - i : B64_LINE);
    if (!rc)
      rc = buf_puts(out, "\r\n");
  }
  free(b64);
  return rc;
}

static bool plain_ascii(const char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
      return false;
  return true;
}

int outbox_subject_encode(const char *subject, struct buf *out)
{
  if (plain_ascii(subject) && strlen(subject) <= 900)
    return buf_puts(out, subject);
  const unsigned char *p = (const unsigned char *)subject;
  size_t left = strlen(subject);
  int rc = ST_OK;
  bool first = true;
  while (!rc && left) {
    size_t n = left < WORD_BYTES ? left : WORD_BYTES;
    while (n < left && (p[n] & 0xC0) == 0x80)
      n--; /* never split a UTF-8 sequence */
    char b64[128];
    sodium_bin2base64(b64, sizeof(b64), p, n, sodium_base64_VARIANT_ORIGINAL);
    rc = buf_printf(out, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", b64);
    first = false;
    p += n;
    left -= n;
  }
  return rc;
}

static int put_part(struct buf *out, const char *boundary, const char *type, const char *body)
{
  int rc = buf_printf(out,
                      "--%s\r\nContent-Type: %s; charset=UTF-8\r\n"
                      "Content-Transfer-Encoding: base64\r\n\r\n",
                      boundary, type);
  return rc ? rc : put_base64(out, (const unsigned char *)body, strlen(body));
}

static int put_headers(struct buf *out, const char *from, const char *to, const char *subject,
                       const char *message_id, time_t date)
{
  char when[64];
  struct tm tm;
  time_t local = date + CIVIL_TAIPEI_UTC_OFFSET; /* the "+0800" below */
  gmtime_r(&local, &tm);
  strftime(when, sizeof(when), "%a, %d %b %Y %H:%M:%S +0800", &tm);
  int rc = buf_printf(out, "From: <%s>\r\nTo: <%s>\r\nSubject: ", from, to);
  if (!rc)
    rc = outbox_subject_encode(subject, out);
  if (!rc)
    rc = buf_printf(out,
                    "\r\nDate: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n"
                    "Auto-Submitted: auto-generated\r\n",
                    when, message_id);
  return rc;
}

int outbox_mime_build(const char *from, const char *to, const char *subject, const char *text,
                      const char *html, const char *message_id, time_t date, struct buf *out)
{
  /* "=_" never occurs in base64, so the boundary cannot appear inside a part. */
  char boundary[128];
  snprintf(boundary, sizeof(boundary), "=_bianmin_%s", message_id);
  for (char *b = boundary; *b; b++)
    if (*b == '@' || *b == '"')
      *b = '_';
  int rc = put_headers(out, from, to, subject, message_id, date);
  if (!rc && (!html || !*html)) {
    rc = buf_puts(out, "Content-Type: text/plain; charset=UTF-8\r\n"
                       "Content-Transfer-Encoding: base64\r\n\r\n");
    return rc ? rc : put_base64(out, (const unsigned char *)text, strlen(text));
  }
  if (!rc)
    rc = buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary);
  if (!rc)
    rc = put_part(out, boundary, "text/plain", text);
  if (!rc)
    rc = put_part(out, boundary, "text/html", html);
  return rc ? rc : buf_printf(out, "--%s--\r\n", boundary);
}

int outbox_global_init(void)
{
  return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? ST_OK : ST_IO;
}

struct upload {
  const char *data;
  size_t len, pos;
};

static size_t upload_read(char *ptr, size_t size, size_t nmemb, void *userdata)
{
  struct upload *u = userdata;
  size_t room = size * nmemb, n = u->len - u->pos < room ? u->len - u->pos : room;
  memcpy(ptr, u->data + u->pos, n);
  u->pos += n;
  return n;
}

/* What the SMTP exchange ended with: a 5xx answer is permanent (e.g. no such mailbox);
 * everything else (4xx, refused connection, timeout, TLS or login trouble) is worth retrying. */
static void classify(CURL *curl, CURLcode code, struct outbox_result *result)
{
  long smtp = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &smtp);
  if (code == CURLE_OK) {
    result->outcome = OUTBOX_SENT;
    return;
  }
  result->outcome = smtp >= 500 && smtp < 600 ? OUTBOX_PERMANENT : OUTBOX_TEMPORARY;
  snprintf(result->error, sizeof(result->error), "smtp: %s (%ld)", curl_easy_strerror(code), smtp);
}

static void set_transport(CURL *curl, const struct config *config)
{
  curl_easy_setopt(curl, CURLOPT_URL, config->mail_url);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)config->mail_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)config->mail_timeout_seconds);
  if (config->mail_starttls && !strncmp(config->mail_url, "smtp://", 7))
    curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
  if (config->mail_username[0]) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, config->mail_username);
    curl_easy_setopt(curl, CURLOPT_PASSWORD, config->mail_password);
  }
}

static const char *field(json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

/* bm-<id>@<the sender's domain>: the same for every attempt of one message. */
static void message_id(const struct config *config, json_t *m, char *out, size_t size)
{
  const char *at = strrchr(config->mail_from, '@');
  snprintf(out, size, "bm-%lld@%s", (long long)json_integer_value(json_object_get(m, "id")),
           at && at[1] ? at + 1 : "localhost");
}

int outbox_send_mail(const struct config *config, json_t *m, const char *to,
                     struct outbox_result *result)
{
  char id[192], from[300], rcpt[300];
  struct buf mime;
  buf_init(&mime, OUTBOX_MESSAGE_MAX);
  message_id(config, m, id, sizeof(id));
  memset(result, 0, sizeof(*result));
  int rc = outbox_mime_build(config->mail_from, to, field(m, "subject"), field(m, "body_text"),
                             field(m, "body_html"), id, clock_now(), &mime);
  CURL *curl = rc ? NULL : curl_easy_init();
  if (!curl) {
    buf_free(&mime);
    return rc ? rc : ST_NOMEM;
  }
  snprintf(from, sizeof(from), "<%s>", config->mail_from);
  snprintf(rcpt, sizeof(rcpt), "<%s>", to);
  struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
  struct upload upload = {mime.data, mime.len, 0};
  set_transport(curl, config);
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, upload_read);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  classify(curl, curl_easy_perform(curl), result);
  if (result->outcome == OUTBOX_SENT)
    snprintf(result->provider_id, sizeof(result->provider_id), "%.120s", id);
  curl_slist_free_all(rcpts);
  curl_easy_cleanup(curl);
  buf_free(&mime);
  return ST_OK;
}
