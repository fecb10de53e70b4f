/*
 * CRC-32, one table lookup per byte.
 *
 * table[b] is the CRC register after shifting the byte value b through
 * eight steps of the bitwise algorithm (shift right; xor the polynomial
 * when the bit shifted out was 1). The table is computed by the compiler
 * from the macros below, so it is constant data from the first
 * instruction: no init function, no race, no writable state.
 */
#include <lib/crc32.h>

#define CRC32_POLY	0xEDB88320u

/* One bit step of the reflected algorithm. */
#define CRC_BIT(c)	(((c) >> 1) ^ (((c) & 1u) ? CRC32_POLY : 0u))
#define CRC_BYTE(b)	CRC_BIT(CRC_BIT(CRC_BIT(CRC_BIT(		\
			CRC_BIT(CRC_BIT(CRC_BIT(CRC_BIT((uint32_t)(b)))))))))

/* Entries b, b+1, ... in runs of 4, 16, 64 and 256. */
#define CRC_4(b)	CRC_BYTE(b), CRC_BYTE((b) + 1), CRC_BYTE((b) + 2), CRC_BYTE((b) + 3)
#define CRC_16(b)	CRC_4(b), CRC_4((b) + 4), CRC_4((b) + 8), CRC_4((b) + 12)
#define CRC_64(b)	CRC_16(b), CRC_16((b) + 16), CRC_16((b) + 32), CRC_16((b) + 48)
#define CRC_256		CRC_64(0), CRC_64(64), CRC_64(128), CRC_64(192)

static const uint32_t crc32_table[256] = { CRC_256 };

uint32_t crc32(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	/* The register runs inverted, so a zero start is zlib's ~0. */
	crc = ~crc;
	while (len-- > 0)
		crc = crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
