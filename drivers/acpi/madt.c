/*
 * The MADT ("APIC"): the CPUs and the interrupt controllers.
 *
 * After its 44-byte header (the local APIC's 32-bit address and the
 * flags) the MADT is a list of entries, each starting with a type byte
 * and a length byte. The walk trusts neither:
 *
 *   - an entry's 2-byte head and its whole length must lie inside the
 *     table, and a length below 2 could not move the walk forward: either
 *     way the walk stops there, with a warning (nothing after it can be
 *     located);
 *   - an entry of a type decoded here must be at least as long as its
 *     type's structure (longer is accepted: later revisions may append
 *     fields); a shorter one is reported and skipped;
 *   - types not decoded here are skipped by their length.
 *
 * Results go into fixed arrays (struct acpi_madt); valid entries beyond
 * them are counted and reported once. The type-5 entry replaces the
 * 32-bit local APIC address with a 64-bit one.
 */
#include <drivers/acpi/internal.h>
#include <lib/printk.h>
#include <lib/string.h>
#include <lib/vsprintf.h>

static struct acpi_madt kernel_madt;

/* The structure size of each decoded entry type; 0: not decoded. */
static const uint8_t entry_size[] = {
	[ACPI_MADT_TYPE_LAPIC] = sizeof(struct acpi_madt_lapic),
	[ACPI_MADT_TYPE_IOAPIC] = sizeof(struct acpi_madt_ioapic),
	[ACPI_MADT_TYPE_OVERRIDE] = sizeof(struct acpi_madt_override),
	[ACPI_MADT_TYPE_LAPIC_NMI] = sizeof(struct acpi_madt_lapic_nmi),
	[ACPI_MADT_TYPE_LAPIC_OVERRIDE] = sizeof(struct acpi_madt_lapic_override),
	[ACPI_MADT_TYPE_X2APIC] = sizeof(struct acpi_madt_x2apic),
	[ACPI_MADT_TYPE_X2APIC_NMI] = sizeof(struct acpi_madt_x2apic_nmi),
};

static void add_cpu(struct acpi_madt *m, uint32_t apic_id, uint32_t uid,
		    uint32_t flags, bool x2apic, uint32_t off)
{
	struct acpi_cpu *c;

	for (unsigned int i = 0; i < m->ncpus; i++) {
		if (m->cpu[i].apic_id == apic_id) {
			pr_err("acpi: MADT: entry at offset %u lists APIC id %u again; ignored\n",
			       off, apic_id);
			m->bad_entries++;
			return;
		}
	}
	if (m->ncpus == ACPI_MAX_CPUS) {
		m->dropped++;
		return;
	}
	c = &m->cpu[m->ncpus++];
	c->apic_id = apic_id;
	c->uid = uid;
	c->enabled = flags & ACPI_MADT_ENABLED;
	c->online_capable = flags & ACPI_MADT_ONLINE_CAPABLE;
	c->x2apic = x2apic;
}

static void add_ioapic(struct acpi_madt *m, const struct acpi_madt_ioapic *e)
{
	if (m->nioapics == ACPI_MAX_IOAPICS) {
		m->dropped++;
		return;
	}
	m->ioapic[m->nioapics++] = (struct acpi_ioapic){
		.id = e->id, .address = e->address, .gsi_base = e->gsi_base,
	};
}

static void add_override(struct acpi_madt *m, const struct acpi_madt_override *e)
{
	if (m->noverrides == ACPI_MAX_OVERRIDES) {
		m->dropped++;
		return;
	}
	m->override[m->noverrides++] = (struct acpi_irq_override){
		.bus = e->bus, .source_irq = e->source_irq,
		.gsi = e->gsi, .flags = e->flags,
	};
}

static void add_nmi(struct acpi_madt *m, uint32_t uid, uint16_t flags, uint8_t lint)
{
	if (m->nnmis == ACPI_MAX_LAPIC_NMIS) {
		m->dropped++;
		return;
	}
	m->nmi[m->nnmis++] = (struct acpi_lapic_nmi){
		.uid = uid, .flags = flags, .lint = lint,
	};
}

/* Decode one entry that lies wholly inside the table. */
static void decode_entry(struct acpi_madt *m, const struct acpi_madt_entry *e,
			 uint32_t off)
{
	size_t need = e->type < ARRAY_SIZE(entry_size) ? entry_size[e->type] : 0;

	if (!need)
		return;		/* a type this kernel has no use for */
	if (e->length < need) {
		pr_err("acpi: MADT: entry type %u at offset %u has length %u, its type needs %zu; skipped\n",
		       e->type, off, e->length, need);
		m->bad_entries++;
		return;
	}

	switch (e->type) {
	case ACPI_MADT_TYPE_LAPIC: {
		const struct acpi_madt_lapic *l = (const void *)e;

		add_cpu(m, l->apic_id, l->processor_uid, l->flags, false, off);
		break;
	}
	case ACPI_MADT_TYPE_X2APIC: {
		const struct acpi_madt_x2apic *x = (const void *)e;

		add_cpu(m, x->x2apic_id, x->processor_uid, x->flags, true, off);
		break;
	}
	case ACPI_MADT_TYPE_IOAPIC:
		add_ioapic(m, (const void *)e);
		break;
	case ACPI_MADT_TYPE_OVERRIDE:
		add_override(m, (const void *)e);
		break;
	case ACPI_MADT_TYPE_LAPIC_NMI: {
		const struct acpi_madt_lapic_nmi *n = (const void *)e;

		add_nmi(m, n->processor_uid == 0xff ? ACPI_NMI_ALL_CPUS : n->processor_uid,
			n->flags, n->lint);
		break;
	}
	case ACPI_MADT_TYPE_X2APIC_NMI: {
		const struct acpi_madt_x2apic_nmi *n = (const void *)e;

		add_nmi(m, n->processor_uid, n->flags, n->lint);
		break;
	}
	case ACPI_MADT_TYPE_LAPIC_OVERRIDE: {
		const struct acpi_madt_lapic_override *o = (const void *)e;

		m->lapic_phys = o->address;
		break;
	}
	}
}

int acpi_madt_parse(struct acpi_madt *m, const struct acpi_table_header *apic)
{
	const struct acpi_madt_header *madt = (const struct acpi_madt_header *)apic;
	const uint8_t *base = (const uint8_t *)apic;
	uint32_t len = apic->length;
	uint32_t off;

	memset(m, 0, sizeof(*m));
	if (len < sizeof(*madt)) {
		pr_err("acpi: APIC len %u BAD: shorter than the %zu-byte MADT header\n",
		       len, sizeof(*madt));
		return -EINVAL;
	}
	m->lapic_phys = madt->lapic_address;
	m->flags = madt->flags;
	m->valid = true;

	for (off = sizeof(*madt); off < len; ) {
		const struct acpi_madt_entry *e = (const void *)(base + off);

		if (len - off < sizeof(*e)) {
			pr_warn("acpi: MADT: %u stray byte(s) at offset %u, too few for an entry; parsing stops\n",
				len - off, off);
			break;
		}
		if (e->length < sizeof(*e)) {
			pr_warn("acpi: MADT: entry type %u at offset %u has length %u; parsing stops\n",
				e->type, off, e->length);
			break;
		}
		if (e->length > len - off) {
			pr_warn("acpi: MADT: entry type %u at offset %u (length %u) runs past the table's end at %u; parsing stops\n",
				e->type, off, e->length, len);
			break;
		}
		decode_entry(m, e, off);
		off += e->length;
	}
	if (off < len) {
		m->stopped = true;
		m->bad_entries++;
	}
	if (m->dropped)
		pr_warn("acpi: MADT: %u valid entries ignored: limits are %u CPUs, %u IOAPICs, %u overrides, %u NMIs\n",
			m->dropped, ACPI_MAX_CPUS, ACPI_MAX_IOAPICS,
			ACPI_MAX_OVERRIDES, ACPI_MAX_LAPIC_NMIS);
	return m->bad_entries;
}

static const char *cpu_state(const struct acpi_cpu *c)
{
	return c->enabled ? "enabled" : c->online_capable ? "online-capable" : "disabled";
}

/* madt: LAPIC at 0xfee00000, 2 CPUs: apic 0 (enabled), ...; IOAPIC ...; 5 overrides */
static void print_madt(const struct acpi_madt *m)
{
	char line[400];
	size_t n = 0, room = 48;	/* enough for any one item below */
	unsigned int i;

	n += scnprintf(line + n, sizeof(line) - n, "LAPIC at 0x%llx, %u CPU%s:",
		       (unsigned long long)m->lapic_phys, m->ncpus,
		       m->ncpus == 1 ? "" : "s");
	for (i = 0; i < m->ncpus && sizeof(line) - n > room; i++)
		n += scnprintf(line + n, sizeof(line) - n, "%s apic %u (%s)",
			       i ? "," : "", m->cpu[i].apic_id,
			       cpu_state(&m->cpu[i]));
	if (i < m->ncpus)
		n += scnprintf(line + n, sizeof(line) - n, " ...");
	for (i = 0; i < m->nioapics && sizeof(line) - n > room; i++)
		n += scnprintf(line + n, sizeof(line) - n,
			       "; IOAPIC %u at 0x%x gsi %u", m->ioapic[i].id,
			       m->ioapic[i].address, m->ioapic[i].gsi_base);
	n += scnprintf(line + n, sizeof(line) - n, "; %u override%s",
		       m->noverrides, m->noverrides == 1 ? "" : "s");
	if (m->nnmis)
		scnprintf(line + n, sizeof(line) - n, "; %u NMI%s", m->nnmis,
			  m->nnmis == 1 ? "" : "s");
	pr_info("madt: %s\n", line);

	for (i = 0; i < m->noverrides; i++)
		pr_debug("madt: override bus %u IRQ %u -> GSI %u flags 0x%x\n",
			 m->override[i].bus, m->override[i].source_irq,
			 m->override[i].gsi, m->override[i].flags);
}

int acpi_madt_init(void)
{
	const struct acpi_table_header *apic = acpi_find_table("APIC", 0);
	int ret;

	if (!apic) {
		pr_err("acpi: no valid APIC table (MADT): CPUs and IOAPICs unknown\n");
		return -ENODEV;
	}
	ret = acpi_madt_parse(&kernel_madt, apic);
	if (ret < 0)
		return ret;
	print_madt(&kernel_madt);
	return 0;
}

/* --- the kernel's MADT ------------------------------------------------------- */

unsigned int acpi_cpu_count(void)
{
	return kernel_madt.ncpus;
}

const struct acpi_cpu *acpi_cpu_at(unsigned int i)
{
	return i < kernel_madt.ncpus ? &kernel_madt.cpu[i] : NULL;
}

uint64_t acpi_lapic_phys(void)
{
	return kernel_madt.lapic_phys;
}

unsigned int acpi_ioapic_count(void)
{
	return kernel_madt.nioapics;
}

const struct acpi_ioapic *acpi_ioapic_at(unsigned int i)
{
	return i < kernel_madt.nioapics ? &kernel_madt.ioapic[i] : NULL;
}

unsigned int acpi_irq_override_count(void)
{
	return kernel_madt.noverrides;
}

const struct acpi_irq_override *acpi_irq_override_at(unsigned int i)
{
	return i < kernel_madt.noverrides ? &kernel_madt.override[i] : NULL;
}

unsigned int acpi_lapic_nmi_count(void)
{
	return kernel_madt.nnmis;
}

const struct acpi_lapic_nmi *acpi_lapic_nmi_at(unsigned int i)
{
	return i < kernel_madt.nnmis ? &kernel_madt.nmi[i] : NULL;
}
