/*
 * parcels.h - `bianmin parcels-import`: a land office's parcels, resurvey mappings and house
 * addresses from CSV files (README, "Land-office tools").
 */
#ifndef BIANMIN_CLI_PARCELS_H
#define BIANMIN_CLI_PARCELS_H

#include "base/config.h"

int cli_parcels_import(struct config *config, int argc, char **argv);

extern const char cli_parcels_import_usage[];

#endif
