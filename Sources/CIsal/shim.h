// CIsal: the system ISA-L (Intel's Intelligent Storage Acceleration Library, Debian libisal-dev),
// seen from Swift: its inflater (igzip), which decodes the same raw deflate streams zlib writes,
// with a preset dictionary, about twice as fast as zlib's inflate and with the CRC-32 computed as
// it goes, and its CRC-32 (zlib's polynomial, carry-less-multiply accelerated). Only
// ReportStore/Compression and ReportChecksum import this module, and they call ISA-L's inflate
// and CRC-32 only through the two wrappers below.
//
// Why wrappers: ISA-L 2.30's AVX-512 code returns without VZEROUPPER, leaving the upper halves of
// the vector registers dirty. Swift compiles floating point to legacy (non-VEX) SSE, and every
// such instruction on a thread with dirty upper state waits on the register's previous value: a
// search's BM25 loops ran 6x slower per element on any thread that had computed a CRC or
// inflated a report (measured: 1.3 -> 7.4 ns). The wrappers clear the upper state on return.
#ifndef REPORTD_CISAL_SHIM_H
#define REPORTD_CISAL_SHIM_H
#include <stdint.h>
#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>

#if defined(__x86_64__)
/// Whether the CPU and the OS support AVX (VZEROUPPER faults otherwise; without AVX, ISA-L ran its
/// SSE code and there is nothing to clear). Computed once; racing first calls compute the same.
static inline int reportd_isal_has_avx(void) {
    static int known = -1;
    int value = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (value < 0) {
        unsigned a, b, c, d;
        __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
        value = 0;
        if ((c & (1u << 27)) && (c & (1u << 28))) {   // OSXSAVE and AVX
            unsigned lo, hi;
            __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            value = (lo & 6u) == 6u;                  // the OS saves XMM and YMM state
        }
        __atomic_store_n(&known, value, __ATOMIC_RELAXED);
    }
    return value;
}

static inline void reportd_isal_clear_upper(void) {
    if (reportd_isal_has_avx()) __asm__ volatile("vzeroupper" ::: "memory");
}

/// Whether the upper halves of the vector registers are in use (XINUSE bits 2 and 6: YMM and ZMM
/// upper state), or -1 when the CPU cannot say (no XGETBV with ECX=1). For tests.
static inline int reportd_isal_upper_state_dirty(void) {
    if (!reportd_isal_has_avx()) return 0;
    unsigned a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0xd), "c"(1));
    if (!(a & (1u << 2))) return -1;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(1));
    return (lo & ((1u << 2) | (1u << 6))) != 0;
}
#else
static inline void reportd_isal_clear_upper(void) {}
static inline int reportd_isal_upper_state_dirty(void) { return -1; }
#endif

/// ISA-L's CRC-32 (gzip's, which is zlib's), leaving the vector registers clean.
static inline uint32_t reportd_crc32(uint32_t crc, const unsigned char *bytes, uint64_t count) {
    uint32_t result = crc32_gzip_refl(crc, bytes, count);
    reportd_isal_clear_upper();
    return result;
}

/// What isal_inflate_set_dict does but its 32 KiB copy, for a state whose tmp_out_buffer still
/// begins with that dictionary, `dict_len` bytes as set_dict left it (after isal_inflate_reset).
/// Valid while every call since set_dict ended with its stream finished: ISA-L decodes after the
/// dictionary and rewrites the buffer's start only to save history when a call ends mid-stream
/// (igzip_inflate.c, isal_inflate). Inflater keeps to that rule; its tests check the texts.
static inline void reportd_isal_keep_dict(struct inflate_state *state, uint32_t dict_len) {
    state->tmp_out_processed = (int32_t)dict_len;
    state->tmp_out_valid = (int32_t)dict_len;
    state->dict_length = dict_len;
}

/// isal_inflate, leaving the vector registers clean.
static inline int reportd_isal_inflate(struct inflate_state *state) {
    int status = isal_inflate(state);
    reportd_isal_clear_upper();
    return status;
}
#endif
