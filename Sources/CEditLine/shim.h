// CEditLine: the system libedit (BSD editline) through its readline-compatible API, seen
// from Swift. Only reportctl's Shell imports this module.
#ifndef REPORTD_CEDITLINE_SHIM_H
#define REPORTD_CEDITLINE_SHIM_H
#include <stdio.h>
#include <editline/readline.h>
#endif
