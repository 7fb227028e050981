// CEditLine: the system libedit (BSD editline) through its readline-compatible API, seen
// from Swift. Only reportctl's Shell imports this module.
#ifndef REPORTD_CEDITLINE_SHIM_H
#define REPORTD_CEDITLINE_SHIM_H
#include <signal.h>
#include <stdio.h>
#include <sys/select.h>
#include <editline/readline.h>

/// Sets libedit's key source (Swift 6 cannot assign a C global it sees as shared mutable state).
static inline void reportctl_set_getc_function(int (*function)(FILE *)) { rl_getc_function = function; }

/// Waits until `fd` is readable with the signal mask `mask` in effect for the wait only
/// (pselect: a signal blocked outside the wait is delivered inside it, never lost between a
/// check and the wait). -1 with errno EINTR when a signal arrived. FD_SET is a macro Swift
/// cannot call, hence this wrapper.
static inline int reportctl_wait_readable(int fd, const sigset_t *mask) {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    return pselect(fd + 1, &set, NULL, NULL, NULL, mask);
}
#endif
