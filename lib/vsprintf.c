/*
 * vsnprintf: the kernel's formatter (the conversions are listed in
 * lib/vsprintf.h).
 *
 * Output goes through a `sink` that counts every character the full
 * output would have but stores only what fits, leaving room for the NUL;
 * that count is the C99 return value. A conversion is parsed into a
 * `spec` (flags, width, precision, length), its argument fetched at the
 * width the length modifier names, and then emitted as a field: an
 * optional sign or prefix, the body, and padding to the width.
 *
 * Reentrant and allocation-free: everything lives on the caller's stack.
 */
#include <lib/vsprintf.h>
#include <lib/kallsyms.h>
#include <lib/string.h>

/* --- the output sink ------------------------------------------------- */

struct sink {
	char *buf;
	size_t size;		/* bytes of buf, NUL included */
	size_t len;		/* characters produced, stored or not */
};

static void put_char(struct sink *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_chars(struct sink *o, const char *s, size_t n)
{
	while (n-- > 0)
		put_char(o, *s++);
}

static void put_repeat(struct sink *o, char c, size_t n)
{
	while (n-- > 0)
		put_char(o, c);
}

/* --- conversion specifications --------------------------------------- */

#define F_LEFT	0x01	/* '-': pad on the right */
#define F_ZERO	0x02	/* '0': pad numbers with zeros */
#define F_PLUS	0x04	/* '+': always print a sign */
#define F_SPACE	0x08	/* ' ': a space where a '+' would go */
#define F_ALT	0x10	/* '#': 0x for hex, a leading 0 for octal */

enum length { LEN_INT, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct spec {
	unsigned int flags;
	size_t width;		/* 0: none */
	int precision;		/* < 0: none */
	enum length length;
};

/* Widths and precisions beyond this are clamped (no int overflow). */
#define SPEC_NUMBER_MAX	(1 << 24)

static int parse_decimal(const char **fmt)
{
	int n = 0;

	for (; **fmt >= '0' && **fmt <= '9'; (*fmt)++) {
		if (n < SPEC_NUMBER_MAX)
			n = n * 10 + (**fmt - '0');
	}
	return n < SPEC_NUMBER_MAX ? n : SPEC_NUMBER_MAX;
}

/* Parse what sits between '%' and the conversion character. */
static void parse_spec(const char **fmt, va_list *ap, struct spec *sp)
{
	const char *f = *fmt;
	int n;

	sp->flags = 0;
	for (;; f++) {
		switch (*f) {
		case '-': sp->flags |= F_LEFT;  continue;
		case '0': sp->flags |= F_ZERO;  continue;
		case '+': sp->flags |= F_PLUS;  continue;
		case ' ': sp->flags |= F_SPACE; continue;
		case '#': sp->flags |= F_ALT;   continue;
		}
		break;
	}

	/* A negative '*' width means '-' flag plus the positive width. */
	if (*f == '*') {
		f++;
		n = va_arg(*ap, int);
		if (n < 0) {
			sp->flags |= F_LEFT;
			n = n < -SPEC_NUMBER_MAX ? SPEC_NUMBER_MAX : -n;
		}
		sp->width = (size_t)MIN(n, SPEC_NUMBER_MAX);
	} else {
		sp->width = (size_t)parse_decimal(&f);
	}

	/* A negative '*' precision counts as none. */
	sp->precision = -1;
	if (*f == '.') {
		f++;
		if (*f == '*') {
			f++;
			n = va_arg(*ap, int);
			sp->precision = n < 0 ? -1 : MIN(n, SPEC_NUMBER_MAX);
		} else {
			sp->precision = parse_decimal(&f);
		}
	}

	sp->length = LEN_INT;
	switch (*f) {
	case 'h':
		f++;
		sp->length = LEN_H;
		if (*f == 'h') {
			f++;
			sp->length = LEN_HH;
		}
		break;
	case 'l':
		f++;
		sp->length = LEN_L;
		if (*f == 'l') {
			f++;
			sp->length = LEN_LL;
		}
		break;
	case 'z': f++; sp->length = LEN_Z; break;
	case 't': f++; sp->length = LEN_T; break;
	case 'j': f++; sp->length = LEN_J; break;
	}
	*fmt = f;
}

/* --- fetching integer arguments -------------------------------------- */

/* %zd takes the signed type as wide as size_t; ptrdiff_t is that type. */
_Static_assert(sizeof(ptrdiff_t) == sizeof(size_t), "ptrdiff_t vs size_t");

static intmax_t fetch_signed(va_list *ap, enum length length)
{
	switch (length) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H:  return (short)va_arg(*ap, int);
	case LEN_L:  return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z:  return va_arg(*ap, ptrdiff_t);
	case LEN_T:  return va_arg(*ap, ptrdiff_t);
	case LEN_J:  return va_arg(*ap, intmax_t);
	default:     return va_arg(*ap, int);
	}
}

static uintmax_t fetch_unsigned(va_list *ap, enum length length)
{
	switch (length) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:  return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:  return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z:  return va_arg(*ap, size_t);
	case LEN_T:  return (size_t)va_arg(*ap, ptrdiff_t);
	case LEN_J:  return va_arg(*ap, uintmax_t);
	default:     return va_arg(*ap, unsigned int);
	}
}

/* --- fields ---------------------------------------------------------- */

/* Spaces that bring a body of n characters up to the field width. */
static size_t padding(const struct spec *sp, size_t n)
{
	return sp->width > n ? sp->width - n : 0;
}

/* Emit a plain body (string, character) padded with spaces. */
static void put_field(struct sink *o, const struct spec *sp,
		      const char *body, size_t n)
{
	size_t pad = padding(sp, n);

	if (!(sp->flags & F_LEFT))
		put_repeat(o, ' ', pad);
	put_chars(o, body, n);
	if (sp->flags & F_LEFT)
		put_repeat(o, ' ', pad);
}

/* Enough for a uintmax_t in octal, the longest base we print. */
#define DIGITS_MAX	(sizeof(uintmax_t) * 8 / 3 + 1)

/*
 * Write the digits of v in base, most significant first, ending just
 * before `end`; return how many. Zero gives one digit "0".
 */
static size_t format_digits(char *end, uintmax_t v, unsigned int base,
			    bool upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = 0;

	do {
		*--end = set[v % base];
		v /= base;
		n++;
	} while (v);
	return n;
}

/*
 * An integer field: [spaces][sign or 0x][zeros][digits][spaces].
 * `magnitude` is the absolute value; `sign` is '-', '+', ' ' or 0.
 */
static void put_number(struct sink *o, const struct spec *sp,
		       uintmax_t magnitude, char sign, unsigned int base,
		       bool upper)
{
	char digits[DIGITS_MAX];
	char *end = digits + sizeof(digits);
	const char *prefix = "";
	size_t ndigits, zeros = 0, body, pad;

	/* Precision 0 and value 0: no digits at all (C99 7.19.6.1). */
	if (magnitude == 0 && sp->precision == 0)
		ndigits = 0;
	else
		ndigits = format_digits(end, magnitude, base, upper);

	if (sp->precision > 0 && (size_t)sp->precision > ndigits)
		zeros = (size_t)sp->precision - ndigits;
	if (sp->flags & F_ALT) {
		if (base == 16 && magnitude != 0)
			prefix = upper ? "0X" : "0x";
		/* '#' octal: the first digit printed must be a 0. */
		if (base == 8 && zeros == 0 && (ndigits == 0 || end[-ndigits] != '0'))
			zeros = 1;
	}

	body = (sign ? 1 : 0) + strlen(prefix) + zeros + ndigits;
	pad = padding(sp, body);
	/* '0' pads with zeros after the sign, unless '-' or a precision. */
	if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->precision < 0) {
		zeros += pad;
		pad = 0;
	}

	if (!(sp->flags & F_LEFT))
		put_repeat(o, ' ', pad);
	if (sign)
		put_char(o, sign);
	put_chars(o, prefix, strlen(prefix));
	put_repeat(o, '0', zeros);
	put_chars(o, end - ndigits, ndigits);
	if (sp->flags & F_LEFT)
		put_repeat(o, ' ', pad);
}

static void put_signed(struct sink *o, const struct spec *sp, intmax_t v)
{
	char sign = 0;
	/* Negate in unsigned arithmetic: -INTMAX_MIN does not fit. */
	uintmax_t magnitude = v < 0 ? 0 - (uintmax_t)v : (uintmax_t)v;

	if (v < 0)
		sign = '-';
	else if (sp->flags & F_PLUS)
		sign = '+';
	else if (sp->flags & F_SPACE)
		sign = ' ';
	put_number(o, sp, magnitude, sign, 10, false);
}

static void put_string(struct sink *o, const struct spec *sp, const char *s)
{
	size_t max = sp->precision < 0 ? (size_t)-1 : (size_t)sp->precision;

	if (!s)
		s = "(null)";
	/* The precision bounds what is read, so s need not be terminated. */
	put_field(o, sp, s, strnlen(s, max));
}

/* "0x" and every hex digit of a pointer (16 on a 64-bit machine). */
#define POINTER_DIGITS	(sizeof(void *) * 2)

static void put_pointer(struct sink *o, const struct spec *sp, uintptr_t p)
{
	char text[2 + POINTER_DIGITS];
	char *end = text + sizeof(text);
	size_t n = format_digits(end, p, 16, false);

	memset(text + 2, '0', POINTER_DIGITS - n);
	text[0] = '0';
	text[1] = 'x';
	put_field(o, sp, text, sizeof(text));
}

/*
 * %pS: "name+0xoff/0xsize", %ps: "name". An address kallsyms does not
 * know is printed as %p would. The text is written twice, once to
 * measure it for the padding and once for real.
 */
static void put_symbol_text(struct sink *o, const char *name,
			    unsigned long offset, unsigned long size,
			    bool with_offset)
{
	char digits[DIGITS_MAX];
	char *end = digits + sizeof(digits);
	size_t n;

	put_chars(o, name, strlen(name));
	if (!with_offset)
		return;
	put_chars(o, "+0x", 3);
	n = format_digits(end, offset, 16, false);
	put_chars(o, end - n, n);
	put_chars(o, "/0x", 3);
	n = format_digits(end, size, 16, false);
	put_chars(o, end - n, n);
}

static void put_symbol(struct sink *o, const struct spec *sp, uintptr_t p,
		       bool with_offset)
{
	unsigned long offset, size;
	const char *name = kallsyms_lookup(p, &offset, &size);
	struct sink measure = { NULL, 0, 0 };
	size_t pad;

	if (!name) {
		put_pointer(o, sp, p);
		return;
	}
	put_symbol_text(&measure, name, offset, size, with_offset);
	pad = padding(sp, measure.len);
	if (!(sp->flags & F_LEFT))
		put_repeat(o, ' ', pad);
	put_symbol_text(o, name, offset, size, with_offset);
	if (sp->flags & F_LEFT)
		put_repeat(o, ' ', pad);
}

/* --- the driver ------------------------------------------------------ */

/* Format one conversion; *fmt points at its conversion character. */
static void convert(struct sink *o, const char **fmt, const char *start,
		    const struct spec *sp, va_list *ap)
{
	char c = **fmt;
	uintptr_t p;

	(*fmt)++;
	switch (c) {
	case 'd':
	case 'i':
		put_signed(o, sp, fetch_signed(ap, sp->length));
		break;
	case 'u':
		put_number(o, sp, fetch_unsigned(ap, sp->length), 0, 10, false);
		break;
	case 'x':
	case 'X':
		put_number(o, sp, fetch_unsigned(ap, sp->length), 0, 16, c == 'X');
		break;
	case 'o':
		put_number(o, sp, fetch_unsigned(ap, sp->length), 0, 8, false);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_field(o, sp, &c, 1);
		break;
	case 's':
		put_string(o, sp, va_arg(*ap, const char *));
		break;
	case 'p':
		p = (uintptr_t)va_arg(*ap, void *);
		if (**fmt == 'S' || **fmt == 's')
			put_symbol(o, sp, p, *(*fmt)++ == 'S');
		else
			put_pointer(o, sp, p);
		break;
	case '%':
		put_char(o, '%');
		break;
	default:
		/* Unknown (or a format ending in '%'): show it as written. */
		if (c == '\0')
			(*fmt)--;
		put_chars(o, start, (size_t)(*fmt - start));
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink o = { buf, size, 0 };
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			put_char(&o, *fmt++);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &args, &sp);
		convert(&o, &fmt, start, &sp, &args);
	}
	va_end(args);

	if (size > 0)
		buf[MIN(o.len, size - 1)] = '\0';
	return o.len > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (size == 0)
		return 0;
	return (size_t)n < size ? n : (int)(size - 1);
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
