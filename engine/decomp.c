/*
 * decomp.c - reading a file as a byte stream, decompressing gzip and zstd
 * (see decomp.h).
 *
 * The gzip format is RFC 1952 and the zstd format is RFC 8878.  zlib reads
 * gzip members (inflate with windowBits 15 + 16, which accepts the gzip
 * wrapper only, never a raw zlib or raw deflate stream) and libzstd's
 * streaming decoder reads zstd frames, skippable frames included.  Both
 * decode straight into the caller's buffer: the only buffer this file owns
 * is the compressed input, DECOMP_IN_BUF bytes.
 *
 * Concatenated gzip members and zstd frames form one stream, as in gzip(1)
 * and zstd(1).  After the last gzip member, a run of zero bytes up to the
 * end of the file is padding (tape archives and some copy tools add it) and
 * is ignored, as gzip -d ignores it; gzip only warns about it, and this
 * interface has no warning channel, so the padding is accepted silently.
 * Any other trailing data must be another gzip member, or the stream fails
 * (gzip -d warns "trailing garbage ignored"; a verifier reports it, because
 * a damaged archive should not pass unnoticed).
 */
#include "engine/decomp.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

/* DECOMP_ZSTD_WINDOW_LOG_MAX caps the zstd window at 128 MiB.  A frame
 * header names its own window size, and the decoder allocates that much;
 * without a cap a hostile frame of a few bytes could demand up to 2 GiB
 * (windowLog 31) per open file, for every worker.  zstd(1) itself refuses
 * windows above 128 MiB unless given --long or --memory, so archives made
 * with the default settings stay readable. */
#define DECOMP_ZSTD_WINDOW_LOG_MAX 27

/* The magic numbers: RFC 1952 §2.3.1 (ID1 ID2) and RFC 8878 §3.1.1
 * (0xFD2FB528, little-endian). */
static const uint8_t gzip_magic[2] = { 0x1f, 0x8b };
static const uint8_t zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

struct decomp {
	int fd;
	enum decomp_kind kind;
	bool eof;  /* read(2) has returned 0 */
	bool done; /* the stream ended cleanly */
	const char *err;
	uint64_t consumed;
	bool gz_between; /* after a member's trailer */
	bool zs_ready;   /* zs was set up by inflateInit2 */
	z_stream zs;
	ZSTD_DCtx *zd;
	/* zd_hint is ZSTD_decompressStream's last return: 0 only at a frame
	 * boundary. */
	size_t zd_hint;
	char err_buf[128];
	size_t in_pos;
	size_t in_len;
	uint8_t in[];
};

/* fail records the error message |prefix| followed by |detail| and
 * returns -1; the error is sticky. */
static ssize_t
fail(struct decomp *d, const char *prefix, const char *detail)
{
	(void)snprintf(d->err_buf, sizeof(d->err_buf), "%s%s", prefix,
	    detail != NULL ? detail : "");
	d->err = d->err_buf;
	return -1;
}

/* read_retry reads up to |cap| bytes from |d|'s file into |buf|, retrying
 * on EINTR.  It returns the count (0 at the end of the file, after which it
 * does not read again) or -errno. */
static ssize_t
read_retry(struct decomp *d, uint8_t *buf, size_t cap)
{
	if (d->eof) {
		return 0;
	}
	for (;;) {
		ssize_t n = read(d->fd, buf, cap);
		if (n > 0) {
			d->consumed += (uint64_t)n;
			return n;
		}
		if (n == 0) {
			d->eof = true;
			return 0;
		}
		if (errno != EINTR) {
			return -errno;
		}
	}
}

/* fail_read records a read(2) error |neg_errno| as the stream's error. */
static ssize_t
fail_read(struct decomp *d, ssize_t neg_errno)
{
	char tmp[64];
	/* strerror_r (the GNU form, from _GNU_SOURCE) is thread-safe, and
	 * workers read files in parallel. */
	const char *s = strerror_r((int)-neg_errno, tmp, sizeof(tmp));
	return fail(d, "read error: ", s);
}

/* refill replaces the consumed input buffer with the next bytes of the
 * file.  Call it only when the buffer is empty.  It returns the count (0
 * at the end of the file) or -1 with the error recorded. */
static ssize_t
refill(struct decomp *d)
{
	d->in_pos = 0;
	d->in_len = 0;
	ssize_t n = read_retry(d, d->in, DECOMP_IN_BUF);
	if (n < 0) {
		return fail_read(d, n);
	}
	d->in_len = (size_t)n;
	return n;
}

/* in_empty is true when the input buffer holds no unread byte. */
static bool
in_empty(const struct decomp *d)
{
	return d->in_pos == d->in_len;
}

/* gzip_skip_padding consumes zero bytes after the last member.  It returns
 * 0 at the end of the file (a clean end), or -1 when a non-zero byte
 * follows or reading fails. */
static ssize_t
gzip_skip_padding(struct decomp *d)
{
	for (;;) {
		while (!in_empty(d)) {
			if (d->in[d->in_pos] != 0) {
				return fail(d, "gzip: ",
				    "trailing garbage after the last member");
			}
			d->in_pos++;
		}
		ssize_t n = refill(d);
		if (n <= 0) {
			return n;
		}
	}
}

/* gzip_next_member is called after a member's trailer.  It returns 1
 * when another member follows (inflate is reset for it), 0 at a clean end
 * of the stream, or -1 on an error. */
static int
gzip_next_member(struct decomp *d)
{
	if (in_empty(d) && refill(d) < 0) {
		return -1;
	}
	if (in_empty(d)) {
		return 0;
	}
	if (d->in[d->in_pos] == 0) {
		return gzip_skip_padding(d) < 0 ? -1 : 0;
	}
	/* RFC 1952 §2.2: a gzip file is a series of members. */
	if (inflateReset(&d->zs) != Z_OK) {
		return (int)fail(d, "gzip: ", "cannot reset inflate");
	}
	d->gz_between = false;
	return 1;
}

/* gzip_read inflates into |buf|, crossing member boundaries, and returns
 * as soon as some output exists.  It calls inflate before reading more of
 * the file, because inflate may hold output from an earlier call whose
 * buffer was full, and on a pipe the read could wait. */
static ssize_t
gzip_read(struct decomp *d, uint8_t *buf, size_t cap)
{
	z_stream *zs = &d->zs;
	zs->next_out = buf;
	/* zlib counts in uInt; a larger request is simply served in part. */
	zs->avail_out = cap > UINT_MAX ? UINT_MAX : (uInt)cap;
	uInt avail_out_start = zs->avail_out;
	for (;;) {
		if (d->gz_between) {
			int r = gzip_next_member(d);
			if (r <= 0) {
				d->done = r == 0;
				return r;
			}
		}
		size_t in_avail = d->in_len - d->in_pos;
		zs->next_in = d->in + d->in_pos;
		zs->avail_in = (uInt)in_avail;
		int ret = inflate(zs, Z_NO_FLUSH);
		d->in_pos += in_avail - zs->avail_in;
		if (ret == Z_STREAM_END) {
			d->gz_between = true;
		} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			/* Z_BUF_ERROR only means that no progress was
			 * possible; anything else is damage. */
			return fail(d,
			    "gzip: ", zs->msg != NULL ? zs->msg : zError(ret));
		}
		size_t produced = avail_out_start - zs->avail_out;
		if (produced > 0) {
			return (ssize_t)produced;
		}
		if (ret != Z_STREAM_END && in_empty(d)) {
			/* inflate has used all the input and wants more. */
			if (d->eof) {
				return fail(
				    d, "gzip stream is truncated", NULL);
			}
			if (refill(d) < 0) {
				return -1;
			}
		}
	}
}

/* zstd_read decompresses into |buf|, crossing frame boundaries and
 * skipping skippable frames, and returns as soon as some output exists.
 * As in gzip_read, the decoder runs before the file is read, to flush
 * what it holds. */
static ssize_t
zstd_read(struct decomp *d, uint8_t *buf, size_t cap)
{
	ZSTD_outBuffer out = { buf, cap, 0 };
	for (;;) {
		if (in_empty(d) && d->zd_hint == 0) {
			/* At a frame boundary: the stream may end here. */
			if (refill(d) < 0) {
				return -1;
			}
			if (in_empty(d)) {
				d->done = true;
				return 0;
			}
		}
		ZSTD_inBuffer in = { d->in, d->in_len, d->in_pos };
		size_t r = ZSTD_decompressStream(d->zd, &out, &in);
		d->in_pos = in.pos;
		if (ZSTD_isError(r)) {
			return fail(d, "zstd: ", ZSTD_getErrorName(r));
		}
		d->zd_hint = r;
		if (out.pos > 0) {
			return (ssize_t)out.pos;
		}
		if (r != 0 && in_empty(d)) {
			/* Inside a frame, the decoder has used all the input
			 * and has nothing to flush. */
			if (d->eof) {
				return fail(
				    d, "zstd stream is truncated", NULL);
			}
			if (refill(d) < 0) {
				return -1;
			}
		}
	}
}

/* plain_read serves the bytes read for detection first, then reads the
 * file straight into |buf|. */
static ssize_t
plain_read(struct decomp *d, uint8_t *buf, size_t cap)
{
	size_t left = d->in_len - d->in_pos;
	if (left > 0) {
		size_t n = left < cap ? left : cap;
		memcpy(buf, d->in + d->in_pos, n);
		d->in_pos += n;
		return (ssize_t)n;
	}
	ssize_t n = read_retry(d, buf, cap);
	if (n < 0) {
		return fail_read(d, n);
	}
	if (n == 0) {
		d->done = true;
	}
	return n;
}

/* detect reads until the longest magic number fits in the buffer (short
 * reads are normal on pipes) or the file ends, then picks the kind.  It
 * returns 0 or -errno. */
static int
detect(struct decomp *d)
{
	while (d->in_len < sizeof(zstd_magic) && !d->eof) {
		ssize_t n =
		    read_retry(d, d->in + d->in_len, DECOMP_IN_BUF - d->in_len);
		if (n < 0) {
			return (int)n;
		}
		d->in_len += (size_t)n;
	}
	if (d->in_len >= sizeof(gzip_magic) &&
	    memcmp(d->in, gzip_magic, sizeof(gzip_magic)) == 0) {
		d->kind = DECOMP_GZIP;
	} else if (d->in_len >= sizeof(zstd_magic) &&
	    memcmp(d->in, zstd_magic, sizeof(zstd_magic)) == 0) {
		d->kind = DECOMP_ZSTD;
	} else {
		d->kind = DECOMP_NONE;
	}
	return 0;
}

/* setup_decoder creates the library state for |d|'s kind.  It returns 0
 * or -ENOMEM. */
static int
setup_decoder(struct decomp *d)
{
	if (d->kind == DECOMP_GZIP) {
		/* 15 + 16: a 32 KiB window, gzip wrapper only (RFC 1952). */
		if (inflateInit2(&d->zs, 15 + 16) != Z_OK) {
			return -ENOMEM;
		}
		d->zs_ready = true;
	} else if (d->kind == DECOMP_ZSTD) {
		d->zd = ZSTD_createDCtx();
		if (d->zd == NULL) {
			return -ENOMEM;
		}
		if (ZSTD_isError(ZSTD_DCtx_setParameter(d->zd,
		        ZSTD_d_windowLogMax, DECOMP_ZSTD_WINDOW_LOG_MAX))) {
			return -EINVAL;
		}
		/* The file starts with a frame, so the stream is not at a
		 * frame boundary until the decoder says so. */
		d->zd_hint = 1;
	}
	return 0;
}

int
decomp_open(struct decomp **out, int fd)
{
	*out = NULL;
	struct decomp *d = malloc(sizeof(*d) + DECOMP_IN_BUF);
	if (d == NULL) {
		(void)close(fd);
		return -ENOMEM;
	}
	memset(d, 0, sizeof(*d));
	d->fd = fd;
	int err = detect(d);
	if (err == 0) {
		err = setup_decoder(d);
	}
	if (err != 0) {
		decomp_close(d);
		return err;
	}
	*out = d;
	return 0;
}

enum decomp_kind
decomp_get_kind(const struct decomp *d)
{
	return d->kind;
}

ssize_t
decomp_read(struct decomp *d, uint8_t *buf, size_t cap, const char **err)
{
	if (d->err != NULL) {
		*err = d->err;
		return -1;
	}
	/* As with read(2), an empty request reads nothing; it is not the end
	 * of the stream, and callers must not take it as one. */
	if (d->done || cap == 0) {
		return 0;
	}
	/* ssize_t must be able to carry the count. */
	if (cap > SSIZE_MAX) {
		cap = SSIZE_MAX;
	}
	ssize_t n;
	if (d->kind == DECOMP_GZIP) {
		n = gzip_read(d, buf, cap);
	} else if (d->kind == DECOMP_ZSTD) {
		n = zstd_read(d, buf, cap);
	} else {
		n = plain_read(d, buf, cap);
	}
	if (n < 0) {
		*err = d->err;
	}
	return n;
}

uint64_t
decomp_consumed(const struct decomp *d)
{
	return d->consumed;
}

void
decomp_close(struct decomp *d)
{
	if (d == NULL) {
		return;
	}
	if (d->zs_ready) {
		(void)inflateEnd(&d->zs);
	}
	ZSTD_freeDCtx(d->zd);
	(void)close(d->fd);
	free(d);
}
