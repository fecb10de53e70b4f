/*
 * The trace rings: recording, reading, and which events are on
 * (lib/trace.h tells their life).
 *
 * A slot's sequence number is the handshake between a writer and the
 * readers, as in a seqcount. The writer stores 0 (the slot is being
 * written), then each field with a release store, then index + 1 with
 * release. A reader loads the sequence number (acquire), each field
 * (acquire), then the sequence number again. Had it copied a field of a
 * newer writer, that field's release would have carried the newer
 * writer's 0 along, and the second load could not return the first
 * one's value: so a reader that sees index + 1 twice copied that one
 * record, whole. (On x86 release stores and acquire loads are plain
 * moves; unlike fences, ThreadSanitizer understands them.) The one
 * case left out: a writer stalled for a whole lap of its ring while a
 * newer one reuses its slot; rings of thousands of entries make it moot.
 */
#include <asm/cpu.h>
#include <asm/percpu.h>
#include <lib/errno.h>
#include <lib/glob.h>
#include <lib/string.h>
#include <lib/trace.h>

uint64_t trace_mask;
struct trace_ring trace_rings[NR_CPUS];
void (*trace_read_window)(void);

static const char *const event_names[] = {
#define TRACE_NAME(name, fmt) #name,
	TRACE_EVENTS(TRACE_NAME)
#undef TRACE_NAME
};

static const char *const event_formats[] = {
#define TRACE_FORMAT(name, fmt) fmt,
	TRACE_EVENTS(TRACE_FORMAT)
#undef TRACE_FORMAT
};

static const char *const phase_names[] = {
#define TRACE_PHASE_NAME(name) #name,
	TRACE_PHASES(TRACE_PHASE_NAME)
#undef TRACE_PHASE_NAME
};

const char *trace_event_name(unsigned int id)
{
	return id < TRACE_NR_EVENTS ? event_names[id] : "?";
}

const char *trace_event_format(unsigned int id)
{
	return id < TRACE_NR_EVENTS ? event_formats[id] : "";
}

const char *trace_phase_name(unsigned int phase)
{
	return phase < TRACE_NR_PHASES ? phase_names[phase] : "?";
}

uint64_t trace_pack_name(const char *s)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < 8 && s && s[i]; i++)
		v |= (uint64_t)(unsigned char)s[i] << (8 * i);
	return v;
}

void trace_attach(unsigned int cpu, struct trace_entry *buf, uint32_t size)
{
	struct trace_ring *r = &trace_rings[cpu];

	r->size = size;
	__atomic_store_n(&r->buf, buf, __ATOMIC_RELEASE);
}

void __trace_event(enum trace_id id, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
		   uint64_t e5)
{
	unsigned int cpu = smp_processor_id();
	struct trace_ring *r = &trace_rings[cpu];
	struct trace_entry *buf = __atomic_load_n(&r->buf, __ATOMIC_ACQUIRE);
	struct trace_entry *e;
	uint64_t index;

	if (!buf)
		return;
	index = __atomic_fetch_add(&r->head, 1, __ATOMIC_RELAXED);
	e = &buf[index & (r->size - 1)];
	__atomic_store_n(&e->seq, 0, __ATOMIC_RELAXED);
	/* release: each field store keeps seq = 0 before it (see above) */
	__atomic_store_n(&e->ts, arch_cycles(), __ATOMIC_RELEASE);
	__atomic_store_n(&e->id, (uint16_t)id, __ATOMIC_RELEASE);
	__atomic_store_n(&e->cpu, (uint16_t)cpu, __ATOMIC_RELEASE);
	__atomic_store_n(&e->arg[0], a, __ATOMIC_RELEASE);
	__atomic_store_n(&e->arg[1], b, __ATOMIC_RELEASE);
	__atomic_store_n(&e->arg[2], c, __ATOMIC_RELEASE);
	__atomic_store_n(&e->arg[3], d, __ATOMIC_RELEASE);
	__atomic_store_n(&e->arg[4], e5, __ATOMIC_RELEASE);
	__atomic_store_n(&e->seq, index + 1, __ATOMIC_RELEASE);
}

int trace_read(unsigned int cpu, uint64_t index, struct trace_entry *out)
{
	struct trace_ring *r = &trace_rings[cpu];
	struct trace_entry *buf = __atomic_load_n(&r->buf, __ATOMIC_ACQUIRE);
	struct trace_entry *e;
	uint64_t seq;

	if (!buf || index >= __atomic_load_n(&r->head, __ATOMIC_RELAXED))
		return -ENOENT;
	e = &buf[index & (r->size - 1)];
	seq = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
	if (seq != index + 1)
		return seq > index + 1 ? -ENOENT : -EAGAIN;
	/* acquire: a field from a newer writer brings its seq = 0 with it */
	out->ts = __atomic_load_n(&e->ts, __ATOMIC_ACQUIRE);
	out->id = __atomic_load_n(&e->id, __ATOMIC_ACQUIRE);
	out->cpu = __atomic_load_n(&e->cpu, __ATOMIC_ACQUIRE);
	for (int i = 0; i < 5; i++)
		out->arg[i] = __atomic_load_n(&e->arg[i], __ATOMIC_ACQUIRE);
	if (unlikely(trace_read_window))
		trace_read_window();
	if (__atomic_load_n(&e->seq, __ATOMIC_RELAXED) != seq)
		return -EBUSY;		/* overwritten while copied */
	out->seq = seq;
	return 0;
}

void trace_clear(void)
{
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		__atomic_store_n(&trace_rings[cpu].start,
				 __atomic_load_n(&trace_rings[cpu].head, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
}

/* The next comma-separated pattern of *s into pat; false at the end. */
static bool next_pattern(const char **s, char *pat, size_t size)
{
	const char *p = *s, *end;
	size_t len;

	while (*p == ',')
		p++;
	if (!*p)
		return false;
	end = strchr(p, ',');
	len = end ? (size_t)(end - p) : strlen(p);
	if (len >= size)
		len = size - 1;
	memcpy(pat, p, len);
	pat[len] = '\0';
	*s = p + (end ? (size_t)(end - p) : strlen(p));
	return true;
}

int trace_mask_weight(uint64_t mask)
{
	int n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

int trace_mask_of(const char *globs, uint64_t *mask)
{
	uint64_t bits = 0;
	const char *s = globs;
	char pat[64];

	while (next_pattern(&s, pat, sizeof(pat))) {
		uint64_t these = 0;

		for (unsigned int id = 0; id < TRACE_NR_EVENTS; id++)
			if (glob_match(pat, event_names[id]))
				these |= 1ULL << id;
		if (!these)
			return -EINVAL;
		bits |= these;
	}
	if (!bits)
		return -EINVAL;
	*mask = bits;
	return trace_mask_weight(bits);
}

int trace_set(const char *globs, bool on)
{
	uint64_t bits;
	int n = trace_mask_of(globs, &bits);

	if (n < 0)
		return n;
	if (on)
		__atomic_fetch_or(&trace_mask, bits, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&trace_mask, ~bits, __ATOMIC_RELAXED);
	return n;
}
