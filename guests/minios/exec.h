/* Loading a built-in program into a process. */
#ifndef MINIOS_EXEC_H
#define MINIOS_EXEC_H

#include "proc.h"

#define MAXARG 16   /* arguments, argv[0] included */
#define ARGLEN 64   /* bytes per argument, NUL included */

struct execargs {
  int argc;
  char argv[MAXARG][ARGLEN];
};

/* Replaces p's address space by a fresh copy of the user image with a stack holding args, set to
   start program `name`. 0, or -1 (no such program, out of memory: p is left unchanged). */
int exec_program(struct proc *p, const char *name, const struct execargs *args);
/* The exec syscall: name and argv (a NULL-terminated array of strings) are user pointers. */
int64 exec_from_user(uint64 user_name, uint64 user_argv);

#endif
