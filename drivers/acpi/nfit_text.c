/*
 * NFIT values as people read them: sub-table type names, the address
 * range GUIDs (compared and printed from their on-table bytes), memory
 * attributes and sizes. No state; used by the parser's reports, the boot
 * summary and the `nfit` command alike, so they all say the same thing.
 */
#include <drivers/acpi/nfit_internal.h>
#include <lib/string.h>
#include <lib/vsprintf.h>

static const char *const type_names[ACPI_NFIT_TYPE_COUNT] = {
	[ACPI_NFIT_TYPE_SPA] = "SPA range",
	[ACPI_NFIT_TYPE_MEMDEV] = "memory device map",
	[ACPI_NFIT_TYPE_INTERLEAVE] = "interleave",
	[ACPI_NFIT_TYPE_SMBIOS] = "SMBIOS information",
	[ACPI_NFIT_TYPE_DCR] = "control region",
	[ACPI_NFIT_TYPE_BDW] = "block data window",
	[ACPI_NFIT_TYPE_FLUSH] = "flush hint address",
	[ACPI_NFIT_TYPE_CAPS] = "platform capabilities",
};

const char *nfit_type_name(uint16_t type)
{
	return type < ACPI_NFIT_TYPE_COUNT ? type_names[type] : "unknown";
}

/* --- range GUIDs ------------------------------------------------------------- */

static const struct {
	uint8_t guid[16];
	enum nfit_range_kind kind;
} range_guids[] = {
	{ ACPI_NFIT_GUID_VOLATILE, NFIT_RANGE_VOLATILE },
	{ ACPI_NFIT_GUID_PM, NFIT_RANGE_PM },
	{ ACPI_NFIT_GUID_DCR, NFIT_RANGE_DCR },
	{ ACPI_NFIT_GUID_BDW, NFIT_RANGE_BDW },
};

enum nfit_range_kind nfit_range_kind_of(const uint8_t guid[16])
{
	for (size_t i = 0; i < ARRAY_SIZE(range_guids); i++)
		if (!memcmp(guid, range_guids[i].guid, 16))
			return range_guids[i].kind;
	return NFIT_RANGE_UNKNOWN;
}

const char *nfit_range_kind_name(enum nfit_range_kind kind)
{
	switch (kind) {
	case NFIT_RANGE_VOLATILE:	return "volatile memory";
	case NFIT_RANGE_PM:		return "persistent memory";
	case NFIT_RANGE_DCR:		return "control region";
	case NFIT_RANGE_BDW:		return "block data window";
	default:			return "unknown type";
	}
}

void nfit_guid_text(const uint8_t g[16], char out[37])
{
	/* The first three fields are little-endian on the table. */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6],
		 g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

/* --- attributes and sizes ---------------------------------------------------- */

static const struct {
	uint64_t bit;
	const char *name;
} attr_names[] = {		/* caching modes first, weakest to strongest */
	{ EFI_MEMORY_UC, "UC" }, { EFI_MEMORY_WC, "WC" }, { EFI_MEMORY_WT, "WT" },
	{ EFI_MEMORY_WB, "WB" }, { EFI_MEMORY_UCE, "UCE" }, { EFI_MEMORY_WP, "WP" },
	{ EFI_MEMORY_RP, "RP" }, { EFI_MEMORY_XP, "XP" }, { EFI_MEMORY_NV, "NV" },
	{ EFI_MEMORY_MORE_RELIABLE, "MR" }, { EFI_MEMORY_RO, "RO" },
	{ EFI_MEMORY_SP, "SP" },
};

const char *nfit_attr_text(uint64_t attributes, char *buf, size_t size)
{
	uint64_t rest = attributes;
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(attr_names); i++) {
		if (!(attributes & attr_names[i].bit))
			continue;
		n += scnprintf(buf + n, size - n, "%s%s", n ? " " : "", attr_names[i].name);
		rest &= ~attr_names[i].bit;
	}
	if (rest)
		n += scnprintf(buf + n, size - n, "%s0x%llx", n ? " " : "",
			       (unsigned long long)rest);
	if (!n)
		scnprintf(buf, size, "none");
	return buf;
}

void nfit_size_text(uint64_t bytes, char *buf, size_t size)
{
	if (bytes && !(bytes & ((1ULL << 30) - 1)))
		snprintf(buf, size, "%llu GiB", (unsigned long long)(bytes >> 30));
	else if (bytes && !(bytes & ((1ULL << 20) - 1)))
		snprintf(buf, size, "%llu MiB", (unsigned long long)(bytes >> 20));
	else if (!(bytes & ((1ULL << 10) - 1)))
		snprintf(buf, size, "%llu KiB", (unsigned long long)(bytes >> 10));
	else
		snprintf(buf, size, "%llu bytes", (unsigned long long)bytes);
}
