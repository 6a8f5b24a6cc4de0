/* main.c - the bianmin command line (placeholder until the CLI lands). */
#include <stdio.h>

int main(void)
{
  puts("bianmin");
  return 0;
}
