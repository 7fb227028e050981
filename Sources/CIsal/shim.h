// CIsal: the system ISA-L (Intel's Intelligent Storage Acceleration Library, Debian libisal-dev),
// seen from Swift: its inflater (igzip), which decodes the same raw deflate streams zlib writes,
// with a preset dictionary, about twice as fast as zlib's inflate and with the CRC-32 computed as
// it goes, and its CRC-32 (zlib's polynomial, carry-less-multiply accelerated). Only
// ReportStore/Compression and ReportChecksum import this module.
#ifndef REPORTD_CISAL_SHIM_H
#define REPORTD_CISAL_SHIM_H
#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>
#endif
