// CZlib: the system zlib, seen from Swift. zlib's init functions are macros that
// Swift cannot import; these inline wrappers pass the version and stream size the
// macros would. Only ReportStore/Compression imports this module.
#ifndef REPORTD_CZLIB_SHIM_H
#define REPORTD_CZLIB_SHIM_H
#include <zlib.h>

static inline int reportd_deflateInitRaw(z_streamp strm, int level, int memLevel) {
    return deflateInit2(strm, level, Z_DEFLATED, -15, memLevel, Z_DEFAULT_STRATEGY);
}

static inline int reportd_inflateInitRaw(z_streamp strm) {
    return inflateInit2(strm, -15);
}
#endif
