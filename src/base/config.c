/*
 * config.c - configuration defaults, the INI file (through inih), environment overrides and
 * the one validating setter behind all of them. The keys are a table, so the file, the
 * environment and the command line cannot disagree about names, ranges or defaults.
 */
#include "base/config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <errno.h>
#include <ini.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/netaddr.h"
#include "base/str.h"
#include "base/common.h"

/* Largest configuration file we read; ours are a few dozen lines. */
#define CONFIG_MAX_FILE_BYTES (64u * 1024u)

enum config_kind {
  KIND_TEXT,
  KIND_BOOL,
  KIND_INT,
  KIND_LISTEN,
  KIND_LOG_LEVEL,
  KIND_HHMM,
  KIND_SMS_FORMAT,
  KIND_PROXIES
};

struct config_key {
  const char *section;
  const char *key;
  const char *env; /* NULL when there is no environment variable */
  enum config_kind kind;
  size_t offset;
  size_t size;      /* capacity of a text field */
  int min, max;     /* range of an integer */
  bool allow_empty; /* a text field that may be "" */
};

#define TEXT(sec, k, env, field, empty)                                                            \
  {                                                                                                \
    sec, k, env, KIND_TEXT, offsetof(struct config, field), sizeof(((struct config *)0)->field),   \
        0, 0, empty                                                                                \
  }
#define INT(sec, k, env, field, lo, hi)                                                            \
  {                                                                                                \
    sec, k, env, KIND_INT, offsetof(struct config, field), sizeof(int), lo, hi, false              \
  }
#define BOOL(sec, k, env, field)                                                                   \
  {                                                                                                \
    sec, k, env, KIND_BOOL, offsetof(struct config, field), sizeof(bool), 0, 0, false              \
  }

static const struct config_key config_keys[] = {
    {"server", "listen", "BIANMIN_LISTEN", KIND_LISTEN, offsetof(struct config, listen),
     CONFIG_LISTEN_MAX, 0, 0, false},
    INT("server", "threads", "BIANMIN_THREADS", threads, 1, 64),
    INT("server", "max_connections", NULL, max_connections, 1, 100000),
    INT("server", "per_ip_connections", NULL, per_ip_connections, 1, 10000),
    INT("server", "timeout_seconds", NULL, timeout_seconds, 1, 3600),
    INT("server", "max_header_bytes", NULL, max_header_bytes, 4096, 1048576),
    BOOL("server", "behind_tls", "BIANMIN_BEHIND_TLS", behind_tls),
    BOOL("server", "dev_reload", "BIANMIN_DEV_RELOAD", dev_reload),
    {"server", "trusted_proxies", "BIANMIN_TRUSTED_PROXIES", KIND_PROXIES,
     offsetof(struct config, trusted_proxies), CONFIG_TEXT_MAX, 0, 0, true},
    {"server", "metrics_from", "BIANMIN_METRICS_FROM", KIND_PROXIES,
     offsetof(struct config, metrics_from), CONFIG_TEXT_MAX, 0, 0, true},
    INT("limits", "public_per_minute", "BIANMIN_RATE_PUBLIC", rate_public_per_minute, 1, 1000000),
    INT("limits", "lookup_per_minute", "BIANMIN_RATE_LOOKUP", rate_lookup_per_minute, 1, 1000000),
    INT("limits", "login_per_minute", "BIANMIN_RATE_LOGIN", rate_login_per_minute, 1, 1000000),
    TEXT("database", "db", "BIANMIN_DB", db, false),
    TEXT("database", "read_db", "BIANMIN_READ_DB", read_db, true),
    TEXT("paths", "templates", "BIANMIN_TEMPLATES", templates_dir, false),
    TEXT("paths", "calendar", "BIANMIN_CALENDAR", calendar_dir, false),
    TEXT("paths", "static", "BIANMIN_STATIC", static_dir, false),
    TEXT("paths", "locale", "BIANMIN_LOCALE", locale_dir, false),
    {"log", "level", "BIANMIN_LOG_LEVEL", KIND_LOG_LEVEL, offsetof(struct config, log_level),
     CONFIG_LOG_LEVEL_MAX, 0, 0, false},
    INT("log", "access_buffer_bytes", "BIANMIN_LOG_ACCESS_BUFFER", log_access_buffer_bytes, 0,
        16777216),
    INT("log", "access_flush_seconds", "BIANMIN_LOG_ACCESS_FLUSH", log_access_flush_seconds, 1,
        3600),
    TEXT("security", "secret_key_file", "BIANMIN_SECRET_KEY_FILE", secret_key_file, true),
    INT("security", "stepup_seconds", "BIANMIN_STEPUP_SECONDS", stepup_seconds, 30, 3600),
    TEXT("mail", "url", "BIANMIN_MAIL_URL", mail_url, true),
    TEXT("mail", "from", "BIANMIN_MAIL_FROM", mail_from, false),
    TEXT("mail", "username", "BIANMIN_MAIL_USERNAME", mail_username, true),
    TEXT("mail", "password", "BIANMIN_MAIL_PASSWORD", mail_password, true),
    BOOL("mail", "starttls", "BIANMIN_MAIL_STARTTLS", mail_starttls),
    INT("mail", "timeout_seconds", NULL, mail_timeout_seconds, 1, 600),
    TEXT("sms", "url", "BIANMIN_SMS_URL", sms_url, true),
    {"sms", "format", "BIANMIN_SMS_FORMAT", KIND_SMS_FORMAT, offsetof(struct config, sms_format),
     CONFIG_CHOICE_MAX, 0, 0, false},
    TEXT("sms", "api_key", "BIANMIN_SMS_API_KEY", sms_api_key, true),
    TEXT("sms", "username", "BIANMIN_SMS_USERNAME", sms_username, true),
    TEXT("sms", "password", "BIANMIN_SMS_PASSWORD", sms_password, true),
    TEXT("sms", "username_field", NULL, sms_username_field, false),
    TEXT("sms", "password_field", NULL, sms_password_field, false),
    TEXT("sms", "to_field", NULL, sms_to_field, false),
    TEXT("sms", "text_field", NULL, sms_text_field, false),
    TEXT("sms", "ref_field", NULL, sms_ref_field, true),
    TEXT("sms", "id_field", NULL, sms_id_field, false),
    TEXT("sms", "form_extra", NULL, sms_form_extra, true),
    TEXT("sms", "receipt_token", "BIANMIN_SMS_RECEIPT_TOKEN", sms_receipt_token, true),
    INT("sms", "timeout_seconds", "BIANMIN_SMS_TIMEOUT", sms_timeout_seconds, 1, 600),
    BOOL("notify", "worker", "BIANMIN_NOTIFY_WORKER", notify_worker),
    TEXT("notify", "public_url", "BIANMIN_PUBLIC_URL", public_url, false),
    {"notify", "quiet_start", "BIANMIN_NOTIFY_QUIET_START", KIND_HHMM,
     offsetof(struct config, quiet_start), CONFIG_CHOICE_MAX, 0, 0, false},
    {"notify", "quiet_end", "BIANMIN_NOTIFY_QUIET_END", KIND_HHMM,
     offsetof(struct config, quiet_end), CONFIG_CHOICE_MAX, 0, 0, false},
    INT("notify", "max_attempts", "BIANMIN_NOTIFY_MAX_ATTEMPTS", max_attempts, 1, 100),
    INT("notify", "retry_base_seconds", "BIANMIN_NOTIFY_RETRY_BASE", retry_base_seconds, 1, 86400),
    INT("notify", "claim_timeout_seconds", "BIANMIN_NOTIFY_CLAIM_TIMEOUT", claim_timeout_seconds, 1,
        86400),
    INT("notify", "poll_seconds", "BIANMIN_NOTIFY_POLL", poll_seconds, 1, 3600),
    TEXT("payment", "provider", "BIANMIN_PAYMENT_PROVIDER", payment_provider, true),
    TEXT("payment", "sandbox_secret", "BIANMIN_PAYMENT_SANDBOX_SECRET", payment_sandbox_secret,
         true),
    TEXT("payment", "callback_url", "BIANMIN_PAYMENT_CALLBACK_URL", payment_callback_url, true),
    INT("payment", "expiry_seconds", "BIANMIN_PAYMENT_EXPIRY_SECONDS", payment_expiry_seconds, 1,
        604800),
    /* ECPay (domain/payment_ecpay.c): the merchant's id and keys, never logged. */
    TEXT("payment", "ecpay_merchant_id", "BIANMIN_PAYMENT_ECPAY_MERCHANT_ID",
         payment_ecpay_merchant_id, true),
    TEXT("payment", "ecpay_hash_key", "BIANMIN_PAYMENT_ECPAY_HASH_KEY", payment_ecpay_hash_key,
         true),
    TEXT("payment", "ecpay_hash_iv", "BIANMIN_PAYMENT_ECPAY_HASH_IV", payment_ecpay_hash_iv, true),
    TEXT("payment", "ecpay_url", "BIANMIN_PAYMENT_ECPAY_URL", payment_ecpay_url, false),
};

/* Notices: no mail server or SMS gateway until configured (messages wait in the outbox);
 * field names of the form format as Taiwanese gateways name them (e.g. Mitake). */
static void notice_defaults(struct config *c)
{
  str_copy(c->mail_from, sizeof(c->mail_from), STR_LIT("bianmin@localhost"));
  str_copy(c->sms_format, sizeof(c->sms_format), STR_LIT("json"));
  str_copy(c->sms_username_field, sizeof(c->sms_username_field), STR_LIT("username"));
  str_copy(c->sms_password_field, sizeof(c->sms_password_field), STR_LIT("password"));
  str_copy(c->sms_to_field, sizeof(c->sms_to_field), STR_LIT("dstaddr"));
  str_copy(c->sms_text_field, sizeof(c->sms_text_field), STR_LIT("smbody"));
  str_copy(c->sms_ref_field, sizeof(c->sms_ref_field), STR_LIT("clientid"));
  str_copy(c->sms_id_field, sizeof(c->sms_id_field), STR_LIT("msgid"));
  str_copy(c->quiet_start, sizeof(c->quiet_start), STR_LIT("21:00"));
  str_copy(c->quiet_end, sizeof(c->quiet_end), STR_LIT("08:00"));
  c->mail_starttls = true;
  c->mail_timeout_seconds = 30;
  c->sms_timeout_seconds = 15;
  c->notify_worker = true;
  c->max_attempts = 8;
  c->retry_base_seconds = 60;
  c->claim_timeout_seconds = 300;
  c->poll_seconds = 2;
  c->stepup_seconds = 300;          /* an admin's confirmed password lasts 5 minutes (ASVS 3.7.1) */
  c->payment_expiry_seconds = 1800; /* no provider until configured: online payment off */
  str_copy(c->payment_ecpay_url, sizeof(c->payment_ecpay_url),
           STR_LIT("https://payment.ecpay.com.tw")); /* production: ecpay_url for the stage */
}

void config_defaults(struct config *c)
{
  memset(c, 0, sizeof(*c));
  /* Loopback only: exposing the server is a deliberate choice made in the configuration. */
  str_copy(c->listen, sizeof(c->listen), STR_LIT("127.0.0.1:8080"));
  /* /metrics for this machine only (a Prometheus elsewhere is listed deliberately). */
  str_copy(c->metrics_from, sizeof(c->metrics_from), STR_LIT("127.0.0.0/8, ::1"));
  str_copy(c->db, sizeof(c->db), STR_LIT("var/bianmin.db"));
  str_copy(c->templates_dir, sizeof(c->templates_dir), STR_LIT("templates"));
  str_copy(c->calendar_dir, sizeof(c->calendar_dir), STR_LIT("data/calendar"));
  str_copy(c->static_dir, sizeof(c->static_dir), STR_LIT("static"));
  str_copy(c->locale_dir, sizeof(c->locale_dir), STR_LIT("build/release/locale"));
  str_copy(c->log_level, sizeof(c->log_level), STR_LIT("info"));
  /* Access lines as nginx's `access_log ... buffer=32k flush=1s`: one write per 32 KiB. */
  c->log_access_buffer_bytes = 32768;
  c->log_access_flush_seconds = 1;
  c->dev_reload = false;
  c->behind_tls = false;
  c->threads = 4;
  c->max_connections = 512;
  c->per_ip_connections = 64;
  c->timeout_seconds = 30;
  c->max_header_bytes = 32768;
  /* Generous for people (a page every 0.1 s), strict where guessing would pay off. */
  c->rate_public_per_minute = 600;
  c->rate_lookup_per_minute = 30;
  c->rate_login_per_minute = 10;
  notice_defaults(c);
}

static const struct config_key *find_key(const char *section, const char *key)
{
  for (size_t i = 0; i < ARRAY_LEN(config_keys); i++)
    if (strcmp(config_keys[i].section, section) == 0 && strcmp(config_keys[i].key, key) == 0)
      return &config_keys[i];
  return NULL;
}

static int parse_bool(const char *value, bool *out)
{
  static const char *const yes[] = {"true", "yes", "on", "1"};
  static const char *const no[] = {"false", "no", "off", "0"};
  for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
    if (strcmp(value, yes[i]) == 0) {
      *out = true;
      return ST_OK;
    }
    if (strcmp(value, no[i]) == 0) {
      *out = false;
      return ST_OK;
    }
  }
  return ST_INVALID;
}

static bool valid_log_level(const char *value)
{
  static const char *const levels[] = {"debug", "info", "warn", "error"};
  for (size_t i = 0; i < ARRAY_LEN(levels); i++)
    if (strcmp(value, levels[i]) == 0)
      return true;
  return false;
}

static bool valid_hhmm(const char *v)
{
  return strlen(v) == 5 && v[2] == ':' && v[0] >= '0' && v[0] <= '2' && v[1] >= '0' &&
         v[1] <= '9' && (v[0] < '2' || v[1] <= '3') && v[3] >= '0' && v[3] <= '5' && v[4] >= '0' &&
         v[4] <= '9';
}

static const char *check_proxies(const struct config_key *k, struct str s)
{
  struct netaddr_list list;
  if (s.len >= k->size)
    return "is too long";
  return netaddr_list_parse(s.ptr, &list, NULL, 0)
             ? "must be IP addresses or CIDR networks (at most 32), separated by commas"
             : NULL;
}

/* Checks value for key k; for numbers and booleans stores the parsed value in *number or
 * *flag. The message names the problem, not the key (the caller prefixes it). */
static const char *check_value(const struct config_key *k, const char *value, int64_t *number,
                               bool *flag)
{
  char host[CONFIG_LISTEN_MAX];
  int port;
  struct str s = str_from(value);
  if (!str_valid_text(s, false))
    return "not valid UTF-8 text on one line";
  switch (k->kind) {
  case KIND_BOOL:
    return parse_bool(value, flag) ? "must be true or false" : NULL;
  case KIND_INT:
    return str_to_int64(s, k->min, k->max, number) ? "must be an integer in range" : NULL;
  case KIND_LOG_LEVEL:
    return valid_log_level(value) ? NULL : "must be debug, info, warn or error";
  case KIND_HHMM:
    return valid_hhmm(value) ? NULL : "must be a time HH:MM (00:00 to 23:59)";
  case KIND_SMS_FORMAT:
    return !strcmp(value, "json") || !strcmp(value, "form") ? NULL : "must be json or form";
  case KIND_PROXIES:
    return check_proxies(k, s);
  case KIND_LISTEN:
    if (s.len >= k->size || config_parse_listen(value, host, sizeof(host), &port))
      return "must be IPv4:port or [IPv6]:port with a port from 0 to 65535";
    return NULL;
  case KIND_TEXT:
    if (s.len == 0 && !k->allow_empty)
      return "must not be empty";
    return s.len >= k->size ? "is too long" : NULL;
  }
  return "unknown kind";
}

static void store_value(struct config *c, const struct config_key *k, const char *value,
                        int64_t number, bool flag)
{
  char *field = (char *)c + k->offset;
  if (k->kind == KIND_INT) {
    int v = (int)number;
    memcpy(field, &v, sizeof(v));
  } else if (k->kind == KIND_BOOL) {
    memcpy(field, &flag, sizeof(flag));
  } else {
    str_copy(field, k->size, str_from(value)); /* length checked in check_value */
  }
}

int config_set(struct config *c, const char *section, const char *key, const char *value, char *err,
               size_t err_size)
{
  const struct config_key *k = find_key(section ? section : "", key ? key : "");
  if (!k) {
    snprintf(err, err_size, "unknown key [%s] %s", section ? section : "", key ? key : "");
    return ST_INVALID;
  }
  int64_t number = 0;
  bool flag = false;
  const char *problem = value ? check_value(k, value, &number, &flag) : "missing value";
  if (problem) {
    if (k->kind == KIND_INT)
      snprintf(err, err_size, "[%s] %s: %s %d..%d", k->section, k->key, problem, k->min, k->max);
    else
      snprintf(err, err_size, "[%s] %s: %s", k->section, k->key, problem);
    return ST_INVALID;
  }
  store_value(c, k, value, number, flag);
  return ST_OK;
}

/* The state of one file load: inih reads lines through file_reader and reports pairs to
 * file_handler; both share the line number, so messages can name the line. */
struct file_load {
  struct config config; /* a copy; committed only when the whole file is valid */
  const char *path;
  const char *data;
  size_t len, pos;
  int lineno;
  int error_line; /* first line with an error we found, 0 when none */
  char message[256];
};

static void file_error(struct file_load *fl, const char *message)
{
  if (fl->error_line)
    return;
  fl->error_line = fl->lineno;
  snprintf(fl->message, sizeof(fl->message), "%s", message);
}

/* Hands inih one whole line. Leading blanks are removed, so an indented line is a key of its
 * own rather than a continuation of the previous value. A line that is not valid text or does
 * not fit inih's buffer is recorded as an error and handed over as a comment. */
static char *file_reader(char *line, int size, void *stream)
{
  struct file_load *fl = stream;
  if (fl->pos >= fl->len || size < 3)
    return NULL;
  const char *start = fl->data + fl->pos;
  const char *nl = memchr(start, '\n', fl->len - fl->pos);
  struct str s = {start, nl ? (size_t)(nl - start) : fl->len - fl->pos};
  fl->pos += s.len + (nl ? 1 : 0);
  fl->lineno++;
  if (s.len && s.ptr[s.len - 1] == '\r')
    s.len--;
  while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
    s.ptr++;
    s.len--;
  }
  if (!str_valid_text(s, false)) {
    file_error(fl, "not valid UTF-8 text");
    s = STR_LIT(";");
  } else if (s.len >= (size_t)size - 1) {
    file_error(fl, "line too long");
    s = STR_LIT(";");
  }
  str_copy(line, (size_t)size, s);
  return line;
}

static int file_handler(void *user, const char *section, const char *name, const char *value)
{
  struct file_load *fl = user;
  char message[256];
  if (fl->error_line)
    return 0; /* report the first error only */
  if (config_set(&fl->config, section, name, value, message, sizeof(message)) == ST_OK)
    return 1;
  file_error(fl, message);
  return 0;
}

/* Reads at most CONFIG_MAX_FILE_BYTES of path into a NUL-terminated malloc'd buffer. */
static int read_small_file(const char *path, char **data, size_t *len, char *err, size_t err_size)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, err_size, "%s: %s", path, strerror(errno));
    return ST_IO;
  }
  int rc = ST_NOMEM;
  char *p = malloc(CONFIG_MAX_FILE_BYTES + 1u);
  if (!p) {
    snprintf(err, err_size, "%s: out of memory", path);
    goto out;
  }
  size_t n = fread(p, 1, CONFIG_MAX_FILE_BYTES + 1u, f);
  rc = ferror(f) ? ST_IO : n > CONFIG_MAX_FILE_BYTES ? ST_LIMIT : ST_OK;
  if (rc) {
    snprintf(err, err_size, "%s: %s", path, rc == ST_IO ? "read error" : "file too large");
    goto out;
  }
  p[n] = '\0';
  *data = p;
  *len = n;
  p = NULL;
out:
  free(p);
  fclose(f);
  return rc;
}

int config_load_file(struct config *c, const char *path, char *err, size_t err_size)
{
  char *data = NULL;
  size_t len = 0;
  int rc = read_small_file(path, &data, &len, err, err_size);
  if (rc)
    return rc;
  struct file_load *fl = calloc(1, sizeof(*fl));
  if (!fl) {
    snprintf(err, err_size, "%s: out of memory", path);
    rc = ST_NOMEM;
    goto out;
  }
  *fl = (struct file_load){.config = *c, .path = path, .data = data, .len = len};
  int line = ini_parse_stream(file_reader, fl, file_handler, fl);
  rc = ST_INVALID;
  if (line < 0) {
    snprintf(err, err_size, "%s: out of memory", path);
    rc = ST_NOMEM;
  } else if (line > 0 && (fl->error_line == 0 || line < fl->error_line)) {
    snprintf(err, err_size, "%s:%d: expected [section] or key = value", path, line);
  } else if (fl->error_line) {
    snprintf(err, err_size, "%s:%d: %s", path, fl->error_line, fl->message);
  } else {
    *c = fl->config;
    rc = ST_OK;
  }
out:
  free(fl);
  free(data);
  return rc;
}

int config_load_env(struct config *c, char *err, size_t err_size)
{
  struct config next = *c;
  char message[256];
  for (size_t i = 0; i < ARRAY_LEN(config_keys); i++) {
    const struct config_key *k = &config_keys[i];
    const char *value = k->env ? getenv(k->env) : NULL;
    if (!value)
      continue;
    if (config_set(&next, k->section, k->key, value, message, sizeof(message))) {
      snprintf(err, err_size, "%s: %s", k->env, message);
      return ST_INVALID;
    }
  }
  *c = next;
  return ST_OK;
}

/* Splits listen at the port separator: the host part (brackets removed) and the port text. */
static int split_listen(struct str listen, struct str *host, struct str *port)
{
  const char *colon;
  if (listen.len && listen.ptr[0] == '[') {
    const char *close = memchr(listen.ptr, ']', listen.len);
    if (!close || (size_t)(close - listen.ptr) + 1 >= listen.len || close[1] != ':')
      return ST_INVALID;
    *host = (struct str){listen.ptr + 1, (size_t)(close - listen.ptr) - 1};
    colon = close + 1;
  } else {
    colon = memchr(listen.ptr, ':', listen.len);
    if (!colon)
      return ST_INVALID;
    *host = (struct str){listen.ptr, (size_t)(colon - listen.ptr)};
  }
  *port = (struct str){colon + 1, listen.len - (size_t)(colon + 1 - listen.ptr)};
  return ST_OK;
}

int config_parse_listen(const char *listen, char *host, size_t host_size, int *port)
{
  struct str h, p;
  char literal[INET6_ADDRSTRLEN];
  unsigned char addr[sizeof(struct in6_addr)];
  int64_t number;
  if (!listen || split_listen(str_from(listen), &h, &p))
    return ST_INVALID;
  bool ipv6 = listen[0] == '[';
  if (p.len == 0 || p.ptr[0] < '0' || p.ptr[0] > '9' || str_to_int64(p, 0, 65535, &number))
    return ST_INVALID;
  if (str_copy(literal, sizeof(literal), h) ||
      inet_pton(ipv6 ? AF_INET6 : AF_INET, literal, addr) != 1)
    return ST_INVALID;
  if (str_copy(host, host_size, h))
    return ST_LIMIT;
  *port = (int)number;
  return ST_OK;
}

/* True for 127.0.0.0/8 and ::1 (a listener only this machine reaches). */
static bool loopback(const char *host)
{
  return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0;
}

int config_check_public_url(const struct config *c, char *err, size_t err_size)
{
  char host[INET6_ADDRSTRLEN];
  int port;
  const char *url = c->public_url;
  if (*url && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) {
    snprintf(err, err_size, "[notify] public_url must start with https:// (or http://): %s", url);
    return ST_INVALID;
  }
  if (*url || config_parse_listen(c->listen, host, sizeof(host), &port) || loopback(host))
    return ST_OK;
  snprintf(err, err_size,
           "serving on %s, an address other computers reach, needs [notify] public_url (or "
           "BIANMIN_PUBLIC_URL): the address citizens use, e.g. https://service.example.gov.tw; "
           "links and QR codes are never built from the request's Host header",
           c->listen);
  return ST_INVALID;
}

/* Appends n bytes of s to out, cutting at the end. */
static void log_put(char *out, size_t size, size_t *used, const char *s, size_t n)
{
  if (*used + n >= size)
    n = size - 1 - *used;
  memcpy(out + *used, s, n);
  *used += n;
  out[*used] = '\0';
}

void config_db_for_log(const char *db, char *out, size_t size)
{
  static const char hidden[] = "[redacted]";
  size_t used = 0;
  if (!size)
    return;
  out[0] = '\0';
  const char *scheme = strstr(db, "://");
  const char *auth = scheme ? scheme + 3 : NULL;
  const char *at = auth ? strchr(auth, '@') : NULL;
  const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
  if (at && memchr(auth, '/', (size_t)(at - auth)))
    colon = NULL; /* an '@' past the host is not a user part */
  for (const char *p = db; *p;) {
    if (p == colon) {
      log_put(out, size, &used, ":", 1);
      log_put(out, size, &used, hidden, sizeof(hidden) - 1);
      p = at;
      continue;
    }
    if (strncasecmp(p, "password=", 9) == 0) {
      log_put(out, size, &used, p, 9);
      log_put(out, size, &used, hidden, sizeof(hidden) - 1);
      p += 9;
      p += strcspn(p, "& ");
      continue;
    }
    log_put(out, size, &used, p++, 1);
  }
}
