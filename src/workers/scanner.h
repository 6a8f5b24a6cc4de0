/*
 * scanner.h - the deadline scanner: a background thread of `bianmin serve` (or `bianmin
 * worker`) that re-evaluates every open case's due state each interval, so cases are marked
 * due soon and overdue and the events their notices will be sent from are recorded.
 */
#ifndef BIANMIN_WORKERS_SCANNER_H
#define BIANMIN_WORKERS_SCANNER_H

struct scanner;

int scanner_start(const char *db_url, int interval_seconds, struct scanner **out);
void scanner_stop(struct scanner *scanner);
/* One pass now, on its own connection; *changed cases moved state. */
int scanner_run_once(const char *db_url, long long *changed);

#endif
