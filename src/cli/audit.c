/*
 * audit.c - `bianmin audit-verify`: walks the audit trail's hash chain and reports the first
 * row that was changed, removed or added by hand.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "domain/audit.h"
#include "store/store.h"

#include "base/common.h"

const char cli_audit_verify_usage[] =
    "usage: bianmin audit-verify [--db PATH]\n\n"
    "Checks the audit trail's hash chain. Exits 0 when intact, 1 naming the first broken row.\n\n";

int cli_audit_verify(struct config *config, int argc, char **argv)
{
  if (cli_db_options(config, argc, argv))
    return CLI_EXIT_USAGE;
  struct store *store;
  if (cli_open_store(config, &store))
    return 1;
  int64_t checked = 0, broken = 0;
  char msg[512] = "";
  int rc = audit_verify(store, &checked, &broken, msg, sizeof(msg));
  store_close(store);
  if (rc == ST_OK) {
    printf("audit trail intact: %lld rows verified\n", (long long)checked);
    return 0;
  }
  if (rc == ST_CONFLICT)
    printf("audit trail BROKEN at row %lld: %s (%lld rows before it verified)\n", (long long)broken,
           msg, (long long)checked);
  else
    fprintf(stderr, "bianmin: cannot read the audit trail (%s)\n", status_name(rc));
  return 1;
}
