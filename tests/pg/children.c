/* children.c - helper processes for the multi-node test (children.h). */
#include "children.h"
#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

pid_t child_spawn(const char *const *args, const char *log)
{
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid;
  if (posix_spawn(&pid, args[0], &actions, NULL, (char *const *)args, environ) != 0)
    pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

static bool path_exists(void *path)
{
  return access(path, F_OK) == 0;
}

int child_wait_file(const char *path)
{
  return harness_wait_until(path_exists, (void *)path, path) ? 0 : -1;
}

int child_free_port(void)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof(a);
  int port = 0;
  if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
      !getsockname(fd, (struct sockaddr *)&a, &len))
    port = ntohs(a.sin_port);
  if (fd >= 0)
    close(fd);
  return port;
}

void child_stop(pid_t *pid)
{
  if (*pid > 0) {
    kill(*pid, SIGTERM);
    waitpid(*pid, NULL, 0);
  }
  *pid = 0;
}

bool child_executable(const char *path)
{
  return access(path, X_OK) == 0;
}

bool child_port_open(int port)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                          .sin_port = htons((unsigned short)port)};
  bool open = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
  if (fd >= 0)
    close(fd);
  return open;
}
