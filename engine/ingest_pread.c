/*
 * ingest_pread.c - the portable reader: open, fstat, read, close, one file
 * at a time (see ingest.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "canon/limits.h"
#include "engine/ingest.h"

struct ingest_pread {
	struct ingest base;
	struct batch *batch;
	uint8_t *buf; /* reused for every file */
	size_t cap;
};

static void
pread_start(struct ingest *in, struct batch *b)
{
	((struct ingest_pread *)in)->batch = b;
}

static bool
reserve(struct ingest_pread *ip, size_t n)
{
	if (n <= ip->cap) {
		return true;
	}
	size_t cap = ip->cap == 0 ? 1 << 16 : ip->cap;
	while (cap < n) {
		cap *= 2;
	}
	uint8_t *nb = realloc(ip->buf, cap);
	if (nb == NULL) {
		return false;
	}
	ip->buf = nb;
	ip->cap = cap;
	return true;
}

/* read_file reads up to |size| bytes of |fd|, resuming after short reads
 * and EINTR/EAGAIN, stopping early at end of file. */
static int
read_file(int fd, uint8_t *buf, size_t size, size_t *out_len)
{
	size_t n = 0;
	while (n < size) {
		ssize_t k = pread(fd, buf + n, size - n, (off_t)n);
		if (k < 0 && (errno == EINTR || errno == EAGAIN)) {
			continue;
		}
		if (k < 0) {
			return errno;
		}
		if (k == 0) {
			break;
		}
		n += (size_t)k;
	}
	*out_len = n;
	return 0;
}

static void
pread_get(struct ingest *in, size_t job, struct ingest_result *out)
{
	struct ingest_pread *ip = (struct ingest_pread *)in;
	const struct job *j = &ip->batch->jobs[job];
	out->data = NULL;
	out->len = 0;
	out->error = 0;
	if (j->size > MSG_MAX_BYTES) {
		out->error = EFBIG;
		return;
	}
	if (!reserve(ip, (size_t)j->size + 1)) {
		out->error = ENOMEM;
		return;
	}
	int fd = open(j->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		out->error = errno;
		return;
	}
	out->error = read_file(fd, ip->buf, (size_t)j->size, &out->len);
	out->data = out->error == 0 ? ip->buf : NULL;
	if (out->error != 0) {
		out->len = 0;
	}
	close(fd);
}

static void
pread_put(struct ingest *in, size_t job)
{
	(void)in;
	(void)job;
}

static void
pread_finish(struct ingest *in)
{
	((struct ingest_pread *)in)->batch = NULL;
}

static void
pread_free(struct ingest *in)
{
	struct ingest_pread *ip = (struct ingest_pread *)in;
	free(ip->buf);
	free(ip);
}

static const struct ingest_ops pread_ops = {
	pread_start,
	pread_get,
	pread_put,
	pread_finish,
	pread_free,
	"pread",
};

int
ingest_pread_new(struct ingest **out)
{
	struct ingest_pread *ip = calloc(1, sizeof(*ip));
	if (ip == NULL) {
		return -ENOMEM;
	}
	ip->base.ops = &pread_ops;
	*out = &ip->base;
	return 0;
}

int
ingest_new(struct ingest **out, enum io_mode mode, const char **why)
{
	*why = NULL;
	if (mode == IO_PREAD) {
		return ingest_pread_new(out);
	}
	int err = ingest_uring_new(out);
	if (err == 0 || mode == IO_URING) {
		return err;
	}
	/* io_uring unavailable: ENOSYS (old kernel), EPERM (seccomp or
	 * io_uring_disabled), ENOMEM (locked-memory limit), ... */
	*why = err == -ENOSYS ? "io_uring not supported by the kernel"
	    : err == -EPERM   ? "io_uring not permitted here"
	                      : "io_uring could not be set up";
	return ingest_pread_new(out);
}
