/*
 * odt_pdf.c - an ODT converted to PDF by LibreOffice headless (odt.h, render_odt_pdf): in a
 * private temporary directory with its own LibreOffice profile (two conversions at once must
 * not share one), which is removed afterwards. ST_IO when soffice is not installed or the
 * conversion fails.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "render/odt.h"

#include "base/common.h"

extern char **environ;

static int write_file(const char *path, const char *data, size_t len)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return ST_IO;
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += (size_t)n;
  }
  return close(fd) == 0 && done == len ? ST_OK : ST_IO;
}

/* The file appended to out (whose limit caps it). */
static int read_file(const char *path, struct buf *out)
{
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &st) || st.st_size <= 0) {
    if (fd >= 0)
      close(fd);
    return ST_IO;
  }
  char *bytes = buf_extend(out, (size_t)st.st_size);
  size_t done = 0;
  while (bytes && done < (size_t)st.st_size) {
    ssize_t n = read(fd, bytes + done, (size_t)st.st_size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += (size_t)n;
  }
  close(fd);
  return !bytes ? ST_LIMIT : done == (size_t)st.st_size ? ST_OK : ST_IO;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st, (void)flag, (void)ftw;
  remove(path);
  return 0;
}

/* Runs soffice on dir/report.odt; ST_IO when it cannot run or fails. */
static int convert(const char *dir)
{
  char profile[600], odt[600];
  snprintf(profile, sizeof(profile), "-env:UserInstallation=file://%s/profile", dir);
  snprintf(odt, sizeof(odt), "%s/report.odt", dir);
  char *argv[] = {"soffice", "--headless", "--norestore", profile, "--convert-to",
                  "pdf",     "--outdir",   (char *)dir,   odt,     NULL};
  posix_spawn_file_actions_t actions;
  pid_t pid;
  int status = 0;
  if (posix_spawn_file_actions_init(&actions))
    return ST_NOMEM;
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  int err = posix_spawnp(&pid, "soffice", &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err)
    return ST_IO;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ST_OK : ST_IO;
}

int render_odt_pdf(const void *odt, size_t len, struct buf *out)
{
  const char *tmp = getenv("TMPDIR");
  char dir[512], path[600];
  snprintf(dir, sizeof(dir), "%s/bianmin-odt-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
  if (!mkdtemp(dir))
    return ST_IO;
  snprintf(path, sizeof(path), "%s/report.odt", dir);
  int rc = write_file(path, odt, len);
  if (!rc)
    rc = convert(dir);
  snprintf(path, sizeof(path), "%s/report.pdf", dir);
  if (!rc)
    rc = read_file(path, out);
  nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  return rc;
}
