/*
 * outbox.h - the outbox worker (ARCHITECTURE.md "Background work"): a thread of `bianmin
 * serve`, or of `bianmin worker` alone, that claims due messages, sends e-mail through SMTP
 * (libcurl) and SMS through an HTTP gateway, records the outcome, retries temporary failures
 * with exponential backoff (non-urgent retries wait for daytime) and gives up after
 * [notify] max_attempts. Claims are rows in the database, so any number of workers on any
 * number of nodes send each message once; a claim left by a worker that died is taken over
 * after [notify] claim_timeout_seconds and sent again with the same reference (SMS "ref",
 * e-mail Message-ID), which lets the gateway drop a duplicate.
 */
#ifndef BIANMIN_WORKERS_OUTBOX_H
#define BIANMIN_WORKERS_OUTBOX_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "base/buf.h"
#include "base/config.h"

struct store;

enum { OUTBOX_BACKOFF_MAX_SECONDS = 6 * 3600, OUTBOX_MESSAGE_MAX = 256 * 1024 };

enum outbox_outcome { OUTBOX_SENT, OUTBOX_TEMPORARY, OUTBOX_PERMANENT };

struct outbox_result {
  enum outbox_outcome outcome;
  char provider_id[128];
  char error[256];
};

struct outbox_worker;

/* Starts a worker thread with its own connection to config->db; config is copied. */
int outbox_worker_start(const struct config *config, struct outbox_worker **out);
void outbox_worker_stop(struct outbox_worker *worker);

/* Loads the message templates of dir (templates/messages) once at start, before threads: the
 * shipped ones (domain/notify.h notify_templates_load_dir), each checked for syntax and known
 * variables (render/message.h), and the e-mails' layout.html.mustache. */
int outbox_templates_load(const char *dir, char *err, size_t err_size);

/* Once per process before any thread (libcurl's global state). */
int outbox_global_init(void);

/* Sends the messages due now (at most a batch), one at a time, as worker node; *handled
 * counts them. */
int outbox_run_once(struct store *store, const struct config *config, const char *node,
                    int *handled);

/* Readies claimed message m (a row of notify_outbox_claim) for sending: a message queued as
 * data (domain/notify.h notify_message_values) is rendered now with the template in force for
 * its office, event, channel and language (so an edit made after it was queued applies), its
 * subject, body_text and body_html set in m (*rendered); a row holding its text (queued by an
 * older version) is left as it is. *failed: it cannot be sent (no template, or one that does
 * not render: result says why, a permanent failure). */
int outbox_prepare(struct store *store, json_t *m, bool *rendered, bool *failed,
                   struct outbox_result *result);

/* The delay before retry number attempts (1 = after the first failure): base, doubling, at
 * most OUTBOX_BACKOFF_MAX_SECONDS. */
long outbox_backoff(long base_seconds, long attempts);

/* The e-mail as sent: headers (Subject as RFC 2047 UTF-8 encoded words), and a
 * multipart/alternative body with a text/plain and a text/html part (base64, UTF-8); only the
 * text part when html is NULL or "". message_id without angle brackets. */
int outbox_mime_build(const char *from, const char *to, const char *subject, const char *text,
                      const char *html, const char *message_id, time_t date, struct buf *out);
/* Subject text as a header value: ASCII as it is, else "=?UTF-8?B?...?=" words of at most 75
 * characters, folded, never splitting a character. */
int outbox_subject_encode(const char *subject, struct buf *out);

/* One message over each channel; to is the opened recipient. */
int outbox_send_mail(const struct config *config, json_t *message, const char *to,
                     struct outbox_result *result);
int outbox_send_sms(const struct config *config, json_t *message, const char *to,
                    struct outbox_result *result);

/* Sends one message at once (no outbox row), for domain/apply.h's apply_send_fn; ctx is the
 * struct config. ST_OK when the provider accepted it, ST_IO otherwise. */
int outbox_send_now(void *ctx, const char *channel, const char *to, const char *subject,
                    const char *text);

#endif
