/*
 * CRC-32 as in IEEE 802.3, zlib, gzip and PNG: reflected polynomial
 * 0xEDB88320, initial value and final xor ~0. The result equals zlib's
 * crc32(): start with crc = 0 and chain calls to checksum data that
 * arrives in pieces, crc32(crc32(0, a, na), b, nb) == crc32(0, a||b).
 */
#ifndef LIB_CRC32_H
#define LIB_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32(uint32_t crc, const void *buf, size_t len);

#endif /* LIB_CRC32_H */
