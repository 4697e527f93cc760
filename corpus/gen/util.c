/*
 * util.c - corpusgen's PRNG, growable byte buffers and RFC 5322 dates.
 *
 * The PRNG is xoshiro256** (Blackman and Vigna), seeded through splitmix64;
 * both are written here from their published definitions.  Dates are
 * converted with the days-from-civil arithmetic, so no time zone database
 * or C library time function is involved and output does not depend on TZ.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/gen/gen.h"

/* ---- PRNG ---------------------------------------------------------------- */

static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
rng_init(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t st = seed ^ (stream * 0xd1342543de82ef95ULL);
	/* Mix the stream in twice so that neighbouring streams of one seed
	 * do not start from neighbouring splitmix states. */
	st = splitmix64(&st) ^ stream;
	for (size_t i = 0; i < 4; i++) {
		r->s[i] = splitmix64(&st);
	}
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t
rng_below(struct rng *r, uint32_t n)
{
	/* Lemire's multiply-shift; the bias for n < 2^32 from a 64-bit draw
	 * is below 2^-32 and irrelevant here. */
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

uint32_t
rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

bool
rng_permille(struct rng *r, unsigned pm)
{
	return rng_below(r, 1000) < pm;
}

double
rng_normal(struct rng *r)
{
	/* Irwin-Hall: the sum of 12 uniforms on [0,1) has mean 6 and
	 * variance 1.  Integer sums keep it exact. */
	uint64_t sum = 0;
	for (int i = 0; i < 12; i++) {
		sum += rng_next(r) >> 40; /* 24-bit uniforms */
	}
	return (double)sum / 16777216.0 - 6.0;
}

double
gen_exp(double x)
{
	/* e^x = 2^k * e^f with f = x - k ln 2 in [-0.35, 0.35]; the Taylor
	 * series of e^f converges to double precision in 20 terms.  Only
	 * +, -, * and / are used: they are exactly rounded everywhere. */
	const double ln2 = 0.69314718055994530942;
	double kd = x / ln2;
	long k = (long)(kd < 0 ? kd - 0.5 : kd + 0.5);
	double f = x - (double)k * ln2;
	double term = 1.0, sum = 1.0;
	for (int i = 1; i < 20; i++) {
		term = term * f / (double)i;
		sum += term;
	}
	while (k > 0) {
		sum *= 2.0;
		k--;
	}
	while (k < 0) {
		sum /= 2.0;
		k++;
	}
	return sum;
}

/* ---- byte buffers -------------------------------------------------------- */

bool
gbuf_reserve(struct gbuf *b, size_t extra)
{
	if (b->failed) {
		return false;
	}
	if (SIZE_MAX - b->len < extra) {
		b->failed = true;
		return false;
	}
	size_t need = b->len + extra;
	if (need <= b->cap) {
		return true;
	}
	size_t cap = b->cap < 256 ? 256 : b->cap;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	uint8_t *p = realloc(b->p, cap);
	if (p == NULL) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void
gbuf_put(struct gbuf *b, const void *p, size_t n)
{
	if (n == 0 || !gbuf_reserve(b, n)) {
		return;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void
gbuf_putc(struct gbuf *b, uint8_t c)
{
	if (!gbuf_reserve(b, 1)) {
		return;
	}
	b->p[b->len++] = c;
}

void
gbuf_puts(struct gbuf *b, const char *s)
{
	gbuf_put(b, s, strlen(s));
}

void
gbuf_printf(struct gbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	/* One more byte for the NUL vsnprintf writes; it is not counted. */
	if (!gbuf_reserve(b, (size_t)n + 1)) {
		return;
	}
	va_start(ap, fmt);
	(void)vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
gbuf_insert(struct gbuf *b, size_t off, const void *p, size_t n)
{
	if (off > b->len || n == 0 || !gbuf_reserve(b, n)) {
		if (off > b->len) {
			b->failed = true;
		}
		return;
	}
	memmove(b->p + off + n, b->p + off, b->len - off);
	memcpy(b->p + off, p, n);
	b->len += n;
}

void
gbuf_clear(struct gbuf *b)
{
	b->len = 0;
	b->failed = false;
}

void
gbuf_free(struct gbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = false;
}

void
message_prepend_field(struct message *m, const void *text, size_t len)
{
	if (!gbuf_reserve(&m->head, len + 2)) {
		return;
	}
	gbuf_insert(&m->head, 0, "\r\n", 2);
	gbuf_insert(&m->head, 0, text, len);
}

/* ---- dates --------------------------------------------------------------- */

/* civil_from_days converts days since 1970-01-01 to a proleptic Gregorian
 * date (the era-based algorithm: 400-year eras of 146097 days). */
static void
civil_from_days(int64_t z, int64_t *out_y, unsigned *out_m, unsigned *out_d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	*out_y = (int64_t)yoe + era * 400 + (m <= 2);
	*out_m = m;
	*out_d = d;
}

void
gbuf_date(struct gbuf *b, int64_t t, int zone_min, bool weekday,
    const char *zone_comment)
{
	static const char *const days[7] = { "Thu", "Fri", "Sat", "Sun", "Mon",
		"Tue", "Wed" };
	static const char *const months[12] = { "Jan", "Feb", "Mar", "Apr",
		"May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t local = t + (int64_t)zone_min * 60;
	int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	int64_t sec = local - day * 86400;
	int64_t y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	if (weekday) {
		int64_t wd = day % 7;
		if (wd < 0) {
			wd += 7;
		}
		gbuf_printf(b, "%s, ", days[wd]);
	}
	int za = zone_min < 0 ? -zone_min : zone_min;
	gbuf_printf(b, "%u %s %lld %02d:%02d:%02d %c%02d%02d", d, months[m - 1],
	    (long long)y, (int)(sec / 3600), (int)(sec / 60 % 60),
	    (int)(sec % 60), zone_min < 0 ? '-' : '+', za / 60, za % 60);
	if (zone_comment != NULL) {
		gbuf_printf(b, " (%s)", zone_comment);
	}
}
