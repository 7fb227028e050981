// CEditLine: the system libedit (BSD editline) through its readline-compatible API, seen
// from Swift. Only reportctl's Shell imports this module.
#ifndef REPORTD_CEDITLINE_SHIM_H
#define REPORTD_CEDITLINE_SHIM_H
#include <stdio.h>
#include <editline/readline.h>

/// Sets libedit's key source (Swift 6 cannot assign a C global it sees as shared mutable state).
static inline void reportctl_set_getc_function(int (*function)(FILE *)) { rl_getc_function = function; }
#endif
