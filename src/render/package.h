/*
 * package.h - zip packages of OpenDocument and Office Open XML files (libzip, an in-memory
 * archive): the entries in the order given, each deflated unless stored (an OpenDocument's
 * "mimetype" comes first and is stored). Shared by render/table.c (ODS, XLSX) and render/odt.c.
 */
#ifndef BIANMIN_RENDER_PACKAGE_H
#define BIANMIN_RENDER_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* A file of an archive: bytes that stay valid until the archive is written. */
struct render_package_entry {
  const char *name;
  const void *data;
  size_t len;
  bool stored; /* not compressed */
};

/* The archive's bytes appended to out; ST_NOMEM, or ST_LIMIT when out is full. */
int render_package_write(const struct render_package_entry *entries, size_t count, struct buf *out);

#endif
