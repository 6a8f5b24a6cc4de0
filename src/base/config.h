/*
 * config.h - the program's configuration: secure defaults set in one place, then an INI file,
 * then BIANMIN_* environment variables, then command-line flags, each later source overriding
 * the earlier. All three go through config_set(), the single validating setter, so a value is
 * checked the same way wherever it comes from. docs/config.example.ini lists every key.
 */
#ifndef BIANMIN_BASE_CONFIG_H
#define BIANMIN_BASE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_LISTEN_MAX    128
#define CONFIG_PATH_MAX      1024
#define CONFIG_LOG_LEVEL_MAX 8
#define CONFIG_TEXT_MAX      256
#define CONFIG_CHOICE_MAX    40

struct config {
  char listen[CONFIG_LISTEN_MAX];      /* [server] listen: "127.0.0.1:8080", "[::1]:8080" */
  char db[CONFIG_PATH_MAX];            /* [database] db: SQLite path or PostgreSQL conninfo */
  char read_db[CONFIG_PATH_MAX];       /* [database] read_db: replica for public reads, "" = db */
  char templates_dir[CONFIG_PATH_MAX]; /* [paths] templates */
  char static_dir[CONFIG_PATH_MAX];    /* [paths] static */
  char locale_dir[CONFIG_PATH_MAX];
  char calendar_dir[CONFIG_PATH_MAX];
  /* [paths] calendar: DGPA dgpa-YYYY.csv files */ /* [paths] locale: directory of <lang>.mo
                                                      files */
  char secret_key_file[CONFIG_PATH_MAX];           /* [security] secret_key_file, "" = none */
  int stepup_seconds; /* [security] stepup_seconds: how long a confirmed password lasts */
  char log_level[CONFIG_LOG_LEVEL_MAX]; /* [log] level: debug, info, warn or error */
  int log_access_buffer_bytes;  /* [log] access_buffer_bytes: access lines gathered, 0 = none */
  int log_access_flush_seconds; /* [log] access_flush_seconds: the longest a line waits */
  char trusted_proxies[CONFIG_TEXT_MAX]; /* [server] trusted_proxies: base/netaddr.h, "" = none */
  char metrics_from[CONFIG_TEXT_MAX];    /* [server] metrics_from: who may read /metrics */
  bool dev_reload;                       /* [server] dev_reload: re-read templates per request */
  bool behind_tls;            /* [server] behind_tls: a TLS proxy in front; Secure cookies */
  int threads;                /* [server] threads, 1..64 */
  int max_connections;        /* [server] max_connections, 1..100000 */
  int per_ip_connections;     /* [server] per_ip_connections, 1..10000 */
  int timeout_seconds;        /* [server] timeout_seconds, 1..3600 */
  int max_header_bytes;       /* [server] max_header_bytes, 4096..1048576 */
  int rate_public_per_minute; /* [limits] public_per_minute: public pages per client address */
  int rate_lookup_per_minute; /* [limits] lookup_per_minute: case lookups per client address */
  int rate_login_per_minute;  /* [limits] login_per_minute: sign-in attempts per address */
  /* Notices (README "Notices"; docs/config.example.ini says more). */
  char mail_url[CONFIG_TEXT_MAX];             /* [mail] url: smtp://host:587 or smtps://host:465 */
  char mail_from[CONFIG_TEXT_MAX];            /* [mail] from: the sender address */
  char mail_username[CONFIG_TEXT_MAX];        /* [mail] username, "" = no authentication */
  char mail_password[CONFIG_TEXT_MAX];        /* [mail] password */
  bool mail_starttls;                         /* [mail] starttls: require STARTTLS on smtp:// */
  int mail_timeout_seconds;                   /* [mail] timeout_seconds */
  char sms_url[CONFIG_TEXT_MAX];              /* [sms] url: the gateway's send endpoint */
  char sms_format[CONFIG_CHOICE_MAX];         /* [sms] format: json or form */
  char sms_api_key[CONFIG_TEXT_MAX];          /* [sms] api_key: sent as a Bearer token (json) */
  char sms_username[CONFIG_TEXT_MAX];         /* [sms] username (form) */
  char sms_password[CONFIG_TEXT_MAX];         /* [sms] password (form) */
  char sms_username_field[CONFIG_CHOICE_MAX]; /* [sms] username_field */
  char sms_password_field[CONFIG_CHOICE_MAX]; /* [sms] password_field */
  char sms_to_field[CONFIG_CHOICE_MAX];       /* [sms] to_field */
  char sms_text_field[CONFIG_CHOICE_MAX];     /* [sms] text_field */
  char sms_ref_field[CONFIG_CHOICE_MAX];      /* [sms] ref_field */
  char sms_id_field[CONFIG_CHOICE_MAX];       /* [sms] id_field: the gateway's message id */
  char sms_form_extra[CONFIG_TEXT_MAX];       /* [sms] form_extra: more fields, urlencoded */
  char sms_receipt_token[CONFIG_TEXT_MAX];    /* [sms] receipt_token: the webhook's secret */
  int sms_timeout_seconds;                    /* [sms] timeout_seconds */
  bool notify_worker;                         /* [notify] worker: serve runs the outbox worker */
  char public_url[CONFIG_TEXT_MAX];    /* [notify] public_url: base of every link, "" = not set */
  char quiet_start[CONFIG_CHOICE_MAX]; /* [notify] quiet_start: HH:MM, Asia/Taipei */
  char quiet_end[CONFIG_CHOICE_MAX];   /* [notify] quiet_end: HH:MM (= start: none) */
  int max_attempts;                    /* [notify] max_attempts */
  int retry_base_seconds;              /* [notify] retry_base_seconds: first backoff */
  int claim_timeout_seconds;           /* [notify] claim_timeout_seconds: stale claims */
  int poll_seconds;                    /* [notify] poll_seconds */
  /* Fees paid online (README "Paying fees online"). */
  char payment_provider[CONFIG_CHOICE_MAX];     /* [payment] provider: "" = off, "sandbox", ... */
  char payment_sandbox_secret[CONFIG_TEXT_MAX]; /* [payment] sandbox_secret, "" = derived */
  char payment_callback_url[CONFIG_TEXT_MAX];   /* [payment] callback_url: base for callbacks */
  int payment_expiry_seconds;                   /* [payment] expiry_seconds */
  char payment_ecpay_merchant_id[CONFIG_CHOICE_MAX]; /* [payment] ecpay_merchant_id */
  char payment_ecpay_hash_key[CONFIG_CHOICE_MAX];    /* [payment] ecpay_hash_key (secret) */
  char payment_ecpay_hash_iv[CONFIG_CHOICE_MAX];     /* [payment] ecpay_hash_iv (secret) */
  char payment_ecpay_url[CONFIG_TEXT_MAX]; /* [payment] ecpay_url: the gateway, no trailing / */
};

/* Sets every field to its default (loopback listener, 4 threads, info logging, ...). */
void config_defaults(struct config *c);

/* Applies the INI file at path. Unknown sections or keys and bad values give ST_INVALID with
 * "path:line: message" in err; an unreadable file gives ST_IO. On failure c is unchanged.
 * Lines longer than inih's line buffer (about 200 bytes) are refused, not truncated. */
int config_load_file(struct config *c, const char *path, char *err, size_t err_size);

/* Applies the BIANMIN_* environment variables that are set (BIANMIN_LISTEN, BIANMIN_DB,
 * BIANMIN_READ_DB, BIANMIN_THREADS, BIANMIN_TEMPLATES, BIANMIN_STATIC, BIANMIN_LOCALE,
 * BIANMIN_LOG_LEVEL, BIANMIN_BEHIND_TLS, BIANMIN_DEV_RELOAD, BIANMIN_SECRET_KEY_FILE,
 * BIANMIN_TRUSTED_PROXIES, ...: see config.c's key table).
 * A bad value gives ST_INVALID with "NAME: message" in err; on failure c is unchanged. */
int config_load_env(struct config *c, char *err, size_t err_size);

/* Validates value and stores it as [section] key. ST_INVALID with a message in err for an
 * unknown key or a bad value (c is then unchanged). Booleans are true/false, yes/no, on/off
 * or 1/0; numbers are decimal integers within the key's range. */
int config_set(struct config *c, const char *section, const char *key, const char *value, char *err,
               size_t err_size);

/* db (a SQLite path or a PostgreSQL URL or conninfo) fit for a log line: a password in the
 * URL's user part ("user:secret@") or given as password=... becomes "[redacted]". */
void config_db_for_log(const char *db, char *out, size_t size);

/* Splits "127.0.0.1:8080" or "[::1]:8080" into an IP literal ("::1" without brackets) and a
 * port 0..65535. Host names are not accepted. ST_INVALID when malformed, ST_LIMIT when the
 * host does not fit in host_size. */
int config_parse_listen(const char *listen, char *host, size_t host_size, int *port);

/* Serving: [notify] public_url, when set, must be an http(s) URL; without it only a loopback
 * listener (127.0.0.0/8, ::1) may serve, so links and QR codes never come from a request's Host
 * header where other computers reach the server. ST_INVALID with a message for the operator. */
int config_check_public_url(const struct config *c, char *err, size_t err_size);

#endif
