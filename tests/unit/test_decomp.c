/*
 * test_decomp.c - the transparent gzip (RFC 1952) and zstd (RFC 8878)
 * reader, engine/decomp.c.
 *
 * Compressed inputs are made in memory with zlib and libzstd, written to a
 * temporary file that is unlinked at once (so nothing is left behind, even
 * when a test fails), and read back through decomp_open.  Every stream is
 * read with several buffer sizes, from one byte up, and must give the same
 * bytes each time.
 */
#include "tests/harness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "engine/decomp.h"

/* ---- growable byte buffers ------------------------------------------- */

struct bytes {
	uint8_t *p;
	size_t len;
	size_t cap;
};

static void
bytes_add(struct bytes *b, const void *p, size_t len)
{
	if (b->cap - b->len < len) {
		size_t ncap = b->cap == 0 ? 256 : b->cap;
		while (ncap - b->len < len) {
			ncap *= 2;
		}
		b->p = realloc(b->p, ncap);
		assert_non_null(b->p);
		b->cap = ncap;
	}
	if (len > 0) {
		memcpy(b->p + b->len, p, len);
	}
	b->len += len;
}

static void
bytes_free(struct bytes *b)
{
	free(b->p);
	*b = (struct bytes){ NULL, 0, 0 };
}

/* assert_bytes_equal compares long buffers and names the first byte that
 * differs, which a dump of the first bytes would not show. */
static void
assert_bytes_equal(
    const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
	size_t n = got_len < want_len ? got_len : want_len;
	for (size_t i = 0; i < n; i++) {
		if (got[i] != want[i]) {
			fail_msg(
			    "first difference at byte %zu of %zu", i, want_len);
		}
	}
	assert_int_equal(got_len, want_len);
}

/* ---- making compressed data ------------------------------------------ */

/* add_gzip appends one gzip member holding |len| bytes at |p|. */
static void
add_gzip(struct bytes *b, const void *p, size_t len, int level)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8,
	                     Z_DEFAULT_STRATEGY),
	    Z_OK);
	size_t bound = deflateBound(&zs, (uLong)len);
	uint8_t *out = malloc(bound);
	assert_non_null(out);
	zs.next_in = (Bytef *)(uintptr_t)p;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)bound;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	bytes_add(b, out, zs.total_out);
	assert_int_equal(deflateEnd(&zs), Z_OK);
	free(out);
}

/* add_zstd appends one zstd frame made in one call (content size known). */
static void
add_zstd(struct bytes *b, const void *p, size_t len)
{
	size_t bound = ZSTD_compressBound(len);
	uint8_t *out = malloc(bound);
	assert_non_null(out);
	size_t n = ZSTD_compress(out, bound, p, len, 3);
	assert_false(ZSTD_isError(n));
	bytes_add(b, out, n);
	free(out);
}

/* add_zstd_stream appends one zstd frame made by streaming in 64 KiB
 * steps, so the header carries no content size, with a checksum. */
static void
add_zstd_stream(struct bytes *b, const void *p, size_t len)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	assert_non_null(cc);
	assert_false(ZSTD_isError(
	    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 1)));
	assert_false(
	    ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)));
	uint8_t out[1 << 16];
	size_t pos = 0;
	for (;;) {
		size_t step = len - pos < sizeof(out) ? len - pos : sizeof(out);
		ZSTD_EndDirective mode =
		    pos + step == len ? ZSTD_e_end : ZSTD_e_continue;
		ZSTD_inBuffer in = { (const uint8_t *)p + pos, step, 0 };
		size_t left;
		do {
			ZSTD_outBuffer o = { out, sizeof(out), 0 };
			left = ZSTD_compressStream2(cc, &o, &in, mode);
			assert_false(ZSTD_isError(left));
			bytes_add(b, out, o.pos);
		} while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
		pos += step;
		if (mode == ZSTD_e_end) {
			break;
		}
	}
	ZSTD_freeCCtx(cc);
}

/* add_skippable appends a skippable frame (RFC 8878 §3.1.2) whose user
 * data is |len| bytes at |p|. */
static void
add_skippable(struct bytes *b, const void *p, size_t len)
{
	uint8_t hdr[8] = { 0x5a, 0x2a, 0x4d, 0x18 };
	for (int i = 0; i < 4; i++) {
		hdr[4 + i] = (uint8_t)(len >> (8 * i));
	}
	bytes_add(b, hdr, sizeof(hdr));
	bytes_add(b, p, len);
}

/* make_text returns |len| bytes of pseudo-random words and lines. */
static uint8_t *
make_text(size_t len, uint64_t seed)
{
	static const char alphabet[] = "etaoinshrdlucmfwypvbgkqjxz";
	uint8_t *p = malloc(len);
	assert_non_null(p);
	uint64_t x = seed | 1;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		unsigned r = (unsigned)(x >> 32) % 64;
		p[i] = r < 52 ? (uint8_t)alphabet[r % 26] : r < 62 ? ' ' : '\n';
	}
	return p;
}

/* ---- reading ------------------------------------------------------------ */

/* open_bytes writes |len| bytes to a new temporary file, unlinks it, and
 * opens it through decomp_open. */
static struct decomp *
open_bytes(const uint8_t *p, size_t len)
{
	char path[] = "/tmp/test_decomp.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(unlink(path), 0);
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, p + off, len - off);
		assert_true(n > 0);
		off += (size_t)n;
	}
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	struct decomp *d = NULL;
	assert_int_equal(decomp_open(&d, fd), 0);
	assert_non_null(d);
	return d;
}

/* read_all reads |d| to its end or error in requests of |cap| bytes, each
 * into a heap buffer of exactly |cap| bytes (so that ASan sees an overrun
 * by decomp.c's own copies), and appends the output to |out|.  It returns 0 or -1, and checks that the
 * end and the error are sticky. */
static int
read_all(struct decomp *d, size_t cap, struct bytes *out, const char **err)
{
	uint8_t *chunk = malloc(cap);
	assert_non_null(chunk);
	*err = NULL;
	ssize_t n;
	while ((n = decomp_read(d, chunk, cap, err)) > 0) {
		assert_true((size_t)n <= cap);
		bytes_add(out, chunk, (size_t)n);
	}
	const char *again = NULL;
	if (n == 0) {
		assert_null(*err);
		assert_int_equal(decomp_read(d, chunk, cap, &again), 0);
	} else {
		assert_int_equal(n, -1);
		assert_non_null(*err);
		assert_int_equal(decomp_read(d, chunk, cap, &again), -1);
		assert_string_equal(again, *err);
	}
	free(chunk);
	return n == 0 ? 0 : -1;
}

static const size_t caps[] = { 1, 7, 4096, (size_t)1 << 20 };

/* ---- streams assembled from parts ------------------------------------- */

enum part_kind {
	P_NONE,   /* the end of the part list */
	P_PLAIN,  /* bytes stored as they are, and read back */
	P_GZIP,   /* a gzip member holding the bytes */
	P_ZSTD,   /* a zstd frame made in one call */
	P_STREAM, /* a zstd frame made by streaming, with a checksum */
	P_SKIP,   /* a zstd skippable frame holding the bytes */
	P_RAW,    /* bytes stored as they are and not part of the output */
	P_OUT,    /* bytes of output that a P_RAW part decodes to */
};

struct part {
	enum part_kind kind;
	const char *p;
	size_t len;
};

#define PART(kind, lit)                                                        \
	{                                                                      \
		kind, lit, sizeof(lit) - 1                                     \
	}

struct stream_case {
	const char *name;
	enum decomp_kind want_kind;
	const char *want_err; /* NULL for a clean end */
	struct part parts[4];
};

/* A zstd frame header with no content size and Window_Descriptor 0x90
 * (exponent 18: a 256 MiB window), then a last raw block of one byte. */
#define ZSTD_WINDOW_256M "\x28\xb5\x2f\xfd\x00\x90\x09\x00\x00x"
/* The same with Window_Descriptor 0x88: a 128 MiB window, the cap. */
#define ZSTD_WINDOW_128M "\x28\xb5\x2f\xfd\x00\x88\x09\x00\x00x"

static const struct stream_case stream_cases[] = {
	/* Plain files, and near misses of the magic numbers. */
	{ "empty file", DECOMP_NONE, NULL, { { P_NONE, NULL, 0 } } },
	{ "plain text", DECOMP_NONE, NULL,
	    { PART(P_PLAIN, "From: a@example.com\r\n\r\nhello\r\n") } },
	{ "plain with NULs", DECOMP_NONE, NULL,
	    { PART(P_PLAIN, "a\0b\0\0c\r\n\0") } },
	{ "1f not followed by 8b", DECOMP_NONE, NULL,
	    { PART(P_PLAIN, "\x1f\x8a\x08\x00rest") } },
	{ "lone 1f byte", DECOMP_NONE, NULL, { PART(P_PLAIN, "\x1f") } },
	{ "three bytes of the zstd magic", DECOMP_NONE, NULL,
	    { PART(P_PLAIN, "\x28\xb5\x2f") } },
	{ "zstd magic with a wrong last byte", DECOMP_NONE, NULL,
	    { PART(P_PLAIN, "\x28\xb5\x2f\xfe....") } },
	/* gzip. */
	{ "gzip single member", DECOMP_GZIP, NULL,
	    { PART(P_GZIP, "Subject: hi\r\n\r\nbody\r\n") } },
	{ "gzip empty payload", DECOMP_GZIP, NULL, { PART(P_GZIP, "") } },
	{ "gzip with NULs", DECOMP_GZIP, NULL, { PART(P_GZIP, "\0\0x\0y\0") } },
	{ "gzip two members", DECOMP_GZIP, NULL,
	    { PART(P_GZIP, "first member\n"),
	        PART(P_GZIP, "second member\n") } },
	{ "gzip empty member between two", DECOMP_GZIP, NULL,
	    { PART(P_GZIP, "one"), PART(P_GZIP, ""), PART(P_GZIP, "two") } },
	{ "gzip zero padding is the end", DECOMP_GZIP, NULL,
	    { PART(P_GZIP, "padded"), PART(P_RAW, "\0\0\0\0\0\0\0\0") } },
	{ "gzip garbage after a member", DECOMP_GZIP,
	    "gzip: incorrect header check",
	    { PART(P_GZIP, "data"), PART(P_RAW, "garbage!") } },
	{ "gzip garbage after zero padding", DECOMP_GZIP,
	    "gzip: trailing garbage after the last member",
	    { PART(P_GZIP, "data"), PART(P_RAW, "\0\0\0x") } },
	{ "gzip raw zlib member after a member", DECOMP_GZIP,
	    "gzip: incorrect header check",
	    { PART(P_GZIP, "data"), PART(P_RAW, "\x78\x9c\x03\x00\x00\x00") } },
	{ "gzip lone 1f after a member", DECOMP_GZIP,
	    "gzip stream is truncated",
	    { PART(P_GZIP, "data"), PART(P_RAW, "\x1f") } },
	/* zstd. */
	{ "zstd single frame", DECOMP_ZSTD, NULL,
	    { PART(P_ZSTD, "Subject: hi\r\n\r\nbody\r\n") } },
	{ "zstd empty payload", DECOMP_ZSTD, NULL, { PART(P_ZSTD, "") } },
	{ "zstd streamed frame with NULs", DECOMP_ZSTD, NULL,
	    { PART(P_STREAM, "\0a\0\0b\0") } },
	{ "zstd two frames and a skippable frame", DECOMP_ZSTD, NULL,
	    { PART(P_ZSTD, "frame one\n"), PART(P_SKIP, "not output"),
	        PART(P_STREAM, "frame two\n") } },
	{ "zstd ends with a skippable frame", DECOMP_ZSTD, NULL,
	    { PART(P_ZSTD, "x"), PART(P_SKIP, "") } },
	{ "zstd truncated skippable frame", DECOMP_ZSTD,
	    "zstd stream is truncated",
	    { PART(P_ZSTD, "x"),
	        PART(P_RAW, "\x50\x2a\x4d\x18\x10\0\0\0ab") } },
	{ "zstd garbage after a frame", DECOMP_ZSTD,
	    "zstd: Unknown frame descriptor",
	    { PART(P_ZSTD, "data"), PART(P_RAW, "garbage!") } },
	{ "zstd window above the cap", DECOMP_ZSTD,
	    "zstd: Frame requires too much memory for decoding",
	    { PART(P_RAW, ZSTD_WINDOW_256M) } },
	{ "zstd window at the cap", DECOMP_ZSTD, NULL,
	    { PART(P_RAW, ZSTD_WINDOW_128M), PART(P_OUT, "x") } },
};

/* build_case assembles |tc|'s file in |file| and the bytes a reader must
 * produce in |want|. */
static void
build_case(const struct stream_case *tc, struct bytes *file, struct bytes *want)
{
	for (size_t i = 0; i < ARRAY_LEN(tc->parts); i++) {
		const struct part *pt = &tc->parts[i];
		switch (pt->kind) {
		case P_NONE:
			return;
		case P_PLAIN:
			bytes_add(file, pt->p, pt->len);
			bytes_add(want, pt->p, pt->len);
			break;
		case P_GZIP:
			add_gzip(file, pt->p, pt->len, 6);
			bytes_add(want, pt->p, pt->len);
			break;
		case P_ZSTD:
			add_zstd(file, pt->p, pt->len);
			bytes_add(want, pt->p, pt->len);
			break;
		case P_STREAM:
			add_zstd_stream(file, pt->p, pt->len);
			bytes_add(want, pt->p, pt->len);
			break;
		case P_SKIP:
			add_skippable(file, pt->p, pt->len);
			break;
		case P_RAW:
			bytes_add(file, pt->p, pt->len);
			break;
		case P_OUT:
			bytes_add(want, pt->p, pt->len);
			break;
		}
	}
}

static void
test_stream_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(stream_cases); i++) {
		const struct stream_case *tc = &stream_cases[i];
		print_message("case: %s\n", tc->name);
		struct bytes file = { 0 }, want = { 0 };
		build_case(tc, &file, &want);
		for (size_t c = 0; c < ARRAY_LEN(caps); c++) {
			struct decomp *d = open_bytes(file.p, file.len);
			assert_int_equal(decomp_get_kind(d), tc->want_kind);
			struct bytes got = { 0 };
			const char *err;
			int rc = read_all(d, caps[c], &got, &err);
			if (tc->want_err == NULL) {
				assert_int_equal(rc, 0);
				assert_int_equal(decomp_consumed(d), file.len);
			} else {
				assert_int_equal(rc, -1);
				assert_string_equal(err, tc->want_err);
				assert_true(decomp_consumed(d) <= file.len);
			}
			assert_bytes_equal(got.p, got.len, want.p, want.len);
			bytes_free(&got);
			decomp_close(d);
		}
		bytes_free(&file);
		bytes_free(&want);
	}
}

/* ---- large streams ------------------------------------------------------ */

#define LARGE_LEN ((size_t)20 << 20)

static void
check_large(
    const struct bytes *file, const uint8_t *text, enum decomp_kind kind)
{
	for (size_t c = 0; c < ARRAY_LEN(caps); c++) {
		print_message("cap %zu\n", caps[c]);
		struct decomp *d = open_bytes(file->p, file->len);
		assert_int_equal(decomp_get_kind(d), kind);
		struct bytes got = { 0 };
		const char *err;
		assert_int_equal(read_all(d, caps[c], &got, &err), 0);
		assert_bytes_equal(got.p, got.len, text, LARGE_LEN);
		assert_int_equal(decomp_consumed(d), file->len);
		bytes_free(&got);
		decomp_close(d);
	}
}

static void
test_large_gzip(void **state)
{
	(void)state;
	uint8_t *text = make_text(LARGE_LEN, 0x1234);
	struct bytes file = { 0 };
	/* Two members, so the boundary falls inside the input buffer. */
	add_gzip(&file, text, LARGE_LEN / 3, 1);
	add_gzip(&file, text + LARGE_LEN / 3, LARGE_LEN - LARGE_LEN / 3, 1);
	check_large(&file, text, DECOMP_GZIP);
	bytes_free(&file);
	free(text);
}

static void
test_large_zstd(void **state)
{
	(void)state;
	uint8_t *text = make_text(LARGE_LEN, 0x5678);
	struct bytes file = { 0 };
	add_zstd_stream(&file, text, LARGE_LEN / 2);
	add_skippable(&file, "skip", 4);
	add_zstd(&file, text + LARGE_LEN / 2, LARGE_LEN - LARGE_LEN / 2);
	check_large(&file, text, DECOMP_ZSTD);
	bytes_free(&file);
	free(text);
}

/* ---- truncation and corruption ---------------------------------------- */

/* check_cut reads the first |cut| bytes of |file| and expects |want_err|,
 * with the output so far a prefix of |text|. */
static void
check_cut(const struct bytes *file, size_t cut, const uint8_t *text,
    size_t text_len, const char *want_err)
{
	assert_true(cut < file->len);
	struct decomp *d = open_bytes(file->p, cut);
	struct bytes got = { 0 };
	const char *err;
	if (read_all(d, 4096, &got, &err) != -1) {
		fail_msg("cut at %zu of %zu: no error", cut, file->len);
	}
	if (strcmp(err, want_err) != 0) {
		fail_msg("cut at %zu: \"%s\"", cut, err);
	}
	assert_true(got.len <= text_len);
	assert_bytes_equal(got.p, got.len, text, got.len);
	assert_int_equal(decomp_consumed(d), cut);
	bytes_free(&got);
	decomp_close(d);
}

static void
test_truncated(void **state)
{
	(void)state;
	static const char small[] = "Subject: a short message\r\n\r\nbody\r\n";
	size_t big_len = 300000;
	uint8_t *big = make_text(big_len, 42);
	uint8_t *two_text = malloc(2 * big_len);
	assert_non_null(two_text);
	memcpy(two_text, big, big_len);
	memcpy(two_text + big_len, big, big_len);

	/* A small member or frame, cut at every point after the magic. */
	struct bytes gz = { 0 }, zs = { 0 }, zss = { 0 };
	add_gzip(&gz, small, sizeof(small) - 1, 6);
	add_zstd(&zs, small, sizeof(small) - 1);
	add_zstd_stream(&zss, small, sizeof(small) - 1);
	for (size_t cut = 2; cut < gz.len; cut++) {
		check_cut(&gz, cut, (const uint8_t *)small, sizeof(small) - 1,
		    "gzip stream is truncated");
	}
	for (size_t cut = 4; cut < zs.len; cut++) {
		check_cut(&zs, cut, (const uint8_t *)small, sizeof(small) - 1,
		    "zstd stream is truncated");
	}
	for (size_t cut = 4; cut < zss.len; cut++) {
		check_cut(&zss, cut, (const uint8_t *)small, sizeof(small) - 1,
		    "zstd stream is truncated");
	}
	bytes_free(&gz);
	bytes_free(&zs);
	bytes_free(&zss);

	/* Two large members or frames, cut inside each, at the input buffer
	 * size, and just before the end. */
	add_gzip(&gz, big, big_len, 6);
	size_t first = gz.len;
	add_gzip(&gz, big, big_len, 6);
	add_zstd_stream(&zs, big, big_len);
	size_t first_z = zs.len;
	add_zstd(&zs, big, big_len);
	const size_t gz_cuts[] = { 2, 10, first / 2, first - 1, first + 2,
		first + 20, DECOMP_IN_BUF, gz.len - 8, gz.len - 1 };
	const size_t zs_cuts[] = { 4, 6, first_z / 2, first_z - 1, first_z + 4,
		first_z + 100, DECOMP_IN_BUF, zs.len - 1 };
	for (size_t i = 0; i < ARRAY_LEN(gz_cuts); i++) {
		check_cut(&gz, gz_cuts[i], two_text, 2 * big_len,
		    "gzip stream is truncated");
	}
	for (size_t i = 0; i < ARRAY_LEN(zs_cuts); i++) {
		check_cut(&zs, zs_cuts[i], two_text, 2 * big_len,
		    "zstd stream is truncated");
	}
	bytes_free(&gz);
	bytes_free(&zs);
	free(two_text);
	free(big);
}

/* A corrupt_case flips bits in a compressed file and names the error. */
struct corrupt_case {
	const char *name;
	enum decomp_kind kind;
	long offset; /* from the start, or from the end when negative */
	uint8_t xor ;
	const char *want_err; /* the exact message, or a prefix ending ": " */
};

static const struct corrupt_case corrupt_cases[] = {
	{ "gzip compression method", DECOMP_GZIP, 2, 0x01,
	    "gzip: unknown compression method" },
	{ "gzip reserved flag bits", DECOMP_GZIP, 3, 0xe0,
	    "gzip: unknown header flags set" },
	{ "gzip deflate data", DECOMP_GZIP, 12, 0xff, "gzip: " },
	{ "gzip deflate data, middle", DECOMP_GZIP, 2000, 0x10, "gzip: " },
	{ "gzip CRC-32", DECOMP_GZIP, -8, 0x01, "gzip: incorrect data check" },
	{ "gzip ISIZE", DECOMP_GZIP, -1, 0x01, "gzip: incorrect length check" },
	{ "zstd frame header reserved bit", DECOMP_ZSTD, 4, 0x08, "zstd: " },
	{ "zstd reserved block type", DECOMP_ZSTD, 6, 0x02, "zstd: " },
	{ "zstd block data", DECOMP_ZSTD, 2000, 0x10, "zstd: " },
	{ "zstd checksum", DECOMP_ZSTD, -1, 0x01,
	    "zstd: Restored data doesn't match checksum" },
};

static void
test_corrupt(void **state)
{
	(void)state;
	size_t text_len = 100000;
	uint8_t *text = make_text(text_len, 7);
	for (size_t i = 0; i < ARRAY_LEN(corrupt_cases); i++) {
		const struct corrupt_case *tc = &corrupt_cases[i];
		print_message("case: %s\n", tc->name);
		struct bytes file = { 0 };
		if (tc->kind == DECOMP_GZIP) {
			add_gzip(&file, text, text_len, 6);
		} else {
			add_zstd_stream(&file, text, text_len);
		}
		size_t off = tc->offset >= 0 ? (size_t)tc->offset
		                             : file.len - (size_t)-tc->offset;
		assert_true(off < file.len);
		file.p[off] ^= tc->xor ;
		/* A gzip member has a 10-byte fixed header (RFC 1952 §2.3); a
		 * streamed zstd frame's header here is the magic, the
		 * descriptor and the window byte (RFC 8878 §3.1.1.1). */
		size_t header_len = tc->kind == DECOMP_GZIP ? 10 : 6;
		struct decomp *d = open_bytes(file.p, file.len);
		assert_int_equal(decomp_get_kind(d), tc->kind);
		struct bytes got = { 0 };
		const char *err;
		assert_int_equal(read_all(d, 4096, &got, &err), -1);
		size_t want_len = strlen(tc->want_err);
		if (tc->want_err[want_len - 1] == ' ') {
			assert_true(strncmp(err, tc->want_err, want_len) == 0);
			assert_true(strlen(err) > want_len);
		} else {
			assert_string_equal(err, tc->want_err);
		}
		print_message("  -> %s\n", err);
		/* A damaged header stops the stream before any output.  Damaged
		 * data can decode to wrong bytes before the damage shows (the
		 * checksum at the end is there for that), so no more than the
		 * length is checked. */
		if (off < header_len) {
			assert_int_equal(got.len, 0);
		}
		assert_true(got.len <= text_len);
		bytes_free(&got);
		decomp_close(d);
		bytes_free(&file);
	}
	free(text);
}

/* ---- file handling ------------------------------------------------------ */

/* decomp_open reports a read error and closes the descriptor it was
 * given. */
static void
test_open_read_error_closes_fd(void **state)
{
	(void)state;
	int fd = open("/tmp", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	struct decomp *d = (struct decomp *)&fd;
	assert_int_equal(decomp_open(&d, fd), -EISDIR);
	assert_null(d);
	errno = 0;
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
}

/* decomp_close closes the file, and accepts NULL. */
static void
test_close_closes_fd(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "abcd", 4), 4);
	assert_int_equal(close(fds[1]), 0);
	struct decomp *d = NULL;
	assert_int_equal(decomp_open(&d, fds[0]), 0);
	decomp_close(d);
	errno = 0;
	assert_int_equal(fcntl(fds[0], F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	decomp_close(NULL);
}

/* compress_two compresses |p1| and then |p2| as one gzip member or one
 * zstd frame, flushing after |p1|: the bytes in |a| decode to all of |p1|
 * without the bytes in |b|. */
static void
compress_two(enum decomp_kind kind, const uint8_t *p1, size_t len1,
    const uint8_t *p2, size_t len2, struct bytes *a, struct bytes *b)
{
	size_t cap = 2 * (len1 + len2) + 1024;
	uint8_t *out = malloc(cap);
	assert_non_null(out);
	if (kind == DECOMP_GZIP) {
		z_stream zs;
		memset(&zs, 0, sizeof(zs));
		assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
		                     Z_DEFAULT_STRATEGY),
		    Z_OK);
		zs.next_in = (Bytef *)(uintptr_t)p1;
		zs.avail_in = (uInt)len1;
		zs.next_out = out;
		zs.avail_out = (uInt)cap;
		assert_int_equal(deflate(&zs, Z_SYNC_FLUSH), Z_OK);
		bytes_add(a, out, cap - zs.avail_out);
		zs.next_in = (Bytef *)(uintptr_t)p2;
		zs.avail_in = (uInt)len2;
		zs.next_out = out;
		zs.avail_out = (uInt)cap;
		assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
		bytes_add(b, out, cap - zs.avail_out);
		(void)deflateEnd(&zs);
	} else {
		ZSTD_CCtx *cc = ZSTD_createCCtx();
		assert_non_null(cc);
		ZSTD_inBuffer in = { p1, len1, 0 };
		ZSTD_outBuffer o = { out, cap, 0 };
		assert_int_equal(
		    ZSTD_compressStream2(cc, &o, &in, ZSTD_e_flush), 0);
		bytes_add(a, out, o.pos);
		in = (ZSTD_inBuffer){ p2, len2, 0 };
		o = (ZSTD_outBuffer){ out, cap, 0 };
		assert_int_equal(
		    ZSTD_compressStream2(cc, &o, &in, ZSTD_e_end), 0);
		bytes_add(b, out, o.pos);
		ZSTD_freeCCtx(cc);
	}
	free(out);
}

/* write_all writes |len| bytes to the pipe |fd|. */
static void
write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
}

/* On a pipe, decomp_read returns all that the data written so far decodes
 * to, without waiting to fill its buffer or for the writer to finish, even
 * when the decoder has used all its input and still holds output (a long
 * repetitive first part read in small pieces).  A hang here is a failure;
 * the alarm turns it into one. */
static void
test_pipe_returns_available_output(void **state)
{
	(void)state;
	static const struct {
		enum decomp_kind kind;
		size_t cap;
	} runs[] = {
		{ DECOMP_GZIP, 7 },
		{ DECOMP_GZIP, 65536 },
		{ DECOMP_ZSTD, 7 },
		{ DECOMP_ZSTD, 65536 },
	};
	size_t len1 = 200000, len2 = 1000;
	uint8_t *text = malloc(len1 + len2);
	assert_non_null(text);
	for (size_t i = 0; i < len1 + len2; i++) {
		text[i] = (uint8_t) "abcdefghij\n"[i % 11];
	}
	uint8_t *got = malloc(len1 + len2);
	assert_non_null(got);
	for (size_t i = 0; i < ARRAY_LEN(runs); i++) {
		print_message(
		    "case: kind %d cap %zu\n", (int)runs[i].kind, runs[i].cap);
		struct bytes a = { 0 }, b = { 0 };
		compress_two(
		    runs[i].kind, text, len1, text + len1, len2, &a, &b);
		int fds[2];
		assert_int_equal(pipe(fds), 0);
		/* The first part is far smaller than a pipe's buffer. */
		assert_true(a.len < 4096);
		write_all(fds[1], a.p, a.len);
		(void)alarm(20);
		struct decomp *d = NULL;
		assert_int_equal(decomp_open(&d, fds[0]), 0);
		assert_int_equal(decomp_get_kind(d), runs[i].kind);
		const char *err = NULL;
		size_t n_got = 0;
		while (n_got < len1) {
			size_t want = len1 - n_got;
			ssize_t n = decomp_read(d, got + n_got,
			    want < runs[i].cap ? want : runs[i].cap, &err);
			assert_true(n > 0);
			n_got += (size_t)n;
		}
		write_all(fds[1], b.p, b.len);
		assert_int_equal(close(fds[1]), 0);
		ssize_t n;
		while (
		    (n = decomp_read(d, got + n_got,
		         len1 + len2 - n_got < runs[i].cap ? len1 + len2 - n_got
		                                           : runs[i].cap,
		         &err)) > 0) {
			n_got += (size_t)n;
		}
		(void)alarm(0);
		assert_int_equal(n, 0);
		assert_bytes_equal(got, n_got, text, len1 + len2);
		assert_int_equal(decomp_consumed(d), a.len + b.len);
		decomp_close(d);
		bytes_free(&a);
		bytes_free(&b);
	}
	free(got);
	free(text);
}

/* A read error in the middle of a stream is reported with strerror's
 * text and stays: a socket with a receive timeout fails with EAGAIN once
 * the bytes written so far are used up. */
static void
test_read_error_is_sticky(void **state)
{
	(void)state;
	static const char text[] = "bytes before the error\n";
	for (int gz = 0; gz < 2; gz++) {
		struct bytes file = { 0 };
		if (gz) {
			/* A member without its end: more input is needed. */
			struct bytes rest = { 0 };
			compress_two(DECOMP_GZIP, (const uint8_t *)text,
			    sizeof(text) - 1, NULL, 0, &file, &rest);
			bytes_free(&rest);
		} else {
			bytes_add(&file, text, sizeof(text) - 1);
		}
		int fds[2];
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
		struct timeval tv = { 0, 20000 };
		assert_int_equal(setsockopt(fds[0], SOL_SOCKET, SO_RCVTIMEO,
		                     &tv, sizeof(tv)),
		    0);
		write_all(fds[1], file.p, file.len);
		struct decomp *d = NULL;
		assert_int_equal(decomp_open(&d, fds[0]), 0);
		assert_int_equal(
		    decomp_get_kind(d), gz ? DECOMP_GZIP : DECOMP_NONE);
		struct bytes got = { 0 };
		const char *err;
		assert_int_equal(read_all(d, 4096, &got, &err), -1);
		char want[128];
		(void)snprintf(
		    want, sizeof(want), "read error: %s", strerror(EAGAIN));
		assert_string_equal(err, want);
		assert_bytes_equal(
		    got.p, got.len, (const uint8_t *)text, sizeof(text) - 1);
		decomp_close(d);
		assert_int_equal(close(fds[1]), 0);
		bytes_free(&got);
		bytes_free(&file);
	}
}

static volatile sig_atomic_t num_alarms;

static void
on_alarm(int sig)
{
	(void)sig;
	num_alarms++;
}

/* Reads interrupted by a signal are retried: a child process writes a
 * gzip file slowly into a pipe while an interval timer interrupts the
 * reader's blocking reads, which have no SA_RESTART. */
static void
test_read_retries_after_eintr(void **state)
{
	(void)state;
	size_t len = 300000;
	uint8_t *text = make_text(len, 99);
	struct bytes file = { 0 };
	add_gzip(&file, text, len, 6);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		(void)close(fds[0]);
		const struct timespec pause = { 0, 20 * 1000 * 1000 };
		for (size_t off = 0; off < file.len; off += 16384) {
			size_t n =
			    file.len - off < 16384 ? file.len - off : 16384;
			(void)nanosleep(&pause, NULL);
			if (write(fds[1], file.p + off, n) != (ssize_t)n) {
				_exit(1);
			}
		}
		_exit(0);
	}
	assert_int_equal(close(fds[1]), 0);
	struct sigaction sa, old_sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	assert_int_equal(sigemptyset(&sa.sa_mask), 0);
	sa.sa_flags = 0;
	assert_int_equal(sigaction(SIGALRM, &sa, &old_sa), 0);
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
	num_alarms = 0;
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);

	struct decomp *d = NULL;
	int rc = decomp_open(&d, fds[0]);
	struct bytes got = { 0 };
	const char *err = NULL;
	if (rc == 0) {
		rc = read_all(d, 65536, &got, &err);
	}

	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	assert_int_equal(setitimer(ITIMER_REAL, &off, NULL), 0);
	assert_int_equal(sigaction(SIGALRM, &old_sa, NULL), 0);
	if (rc != 0) {
		/* Close the pipe first, so that the child cannot block. */
		char msg[160];
		(void)snprintf(msg, sizeof(msg), "%s",
		    err != NULL ? err : "decomp_open failed");
		decomp_close(d);
		(void)waitpid(pid, NULL, 0);
		fail_msg("rc %d: %s", rc, msg);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(num_alarms > 0);
	assert_int_equal(decomp_get_kind(d), DECOMP_GZIP);
	assert_bytes_equal(got.p, got.len, text, len);
	assert_int_equal(decomp_consumed(d), file.len);
	decomp_close(d);
	bytes_free(&got);
	bytes_free(&file);
	free(text);
}

/* A request for zero bytes reads nothing and leaves the stream as it was. */
static void
test_zero_cap(void **state)
{
	(void)state;
	struct bytes file = { 0 };
	add_gzip(&file, "abc", 3, 6);
	struct decomp *d = open_bytes(file.p, file.len);
	uint8_t buf[8];
	const char *err = NULL;
	assert_int_equal(decomp_read(d, buf, 0, &err), 0);
	struct bytes got = { 0 };
	assert_int_equal(read_all(d, sizeof(buf), &got, &err), 0);
	assert_bytes_equal(got.p, got.len, (const uint8_t *)"abc", 3);
	bytes_free(&got);
	decomp_close(d);
	bytes_free(&file);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_cases),
		cmocka_unit_test(test_large_gzip),
		cmocka_unit_test(test_large_zstd),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_open_read_error_closes_fd),
		cmocka_unit_test(test_close_closes_fd),
		cmocka_unit_test(test_pipe_returns_available_output),
		cmocka_unit_test(test_read_error_is_sticky),
		cmocka_unit_test(test_read_retries_after_eintr),
		cmocka_unit_test(test_zero_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
