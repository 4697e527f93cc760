/*
 * output.c - the results file, checkpoints and resume (see output.h).
 *
 * The checkpoint is a small text file:
 *
 *     authsweep-checkpoint 1
 *     fingerprint <16 hex digits>
 *     records <decimal>
 *     bytes <decimal>
 *
 * It is written to FILE.ckpt.tmp, synced and renamed over FILE.ckpt, so a
 * crash leaves either the old checkpoint or the new one.  It is written only
 * after the partial file is synced up to |bytes|, so it never points past
 * durable data.
 */
#include "engine/output.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

/* OUTPUT_BUF is how much is gathered before a write(2). */
#define OUTPUT_BUF ((size_t)1 << 20)

/* OUTPUT_ZSTD_LEVEL: records are repetitive text; level 3 (zstd's default)
 * compresses them about 8:1 at several hundred MB/s. */
#define OUTPUT_ZSTD_LEVEL 3

struct output {
	int fd;
	bool is_stdout;
	/* is_stream: written as it goes, without FILE.partial, checkpoints or
	 * a final rename: standard output, or a path that is not a regular
	 * file (/dev/null, a FIFO), which renaming over would replace. */
	bool is_stream;
	char *path, *partial, *ckpt, *ckpt_tmp;
	ZSTD_CCtx *cctx; /* NULL for plain text */
	uint8_t *buf;    /* pending bytes for the file */
	size_t len;
	uint64_t fingerprint;
	uint64_t file_bytes; /* bytes written to the file */
};

static char *
with_suffix(const char *path, const char *suffix)
{
	size_t a = strlen(path), b = strlen(suffix);
	char *p = malloc(a + b + 1);
	if (p != NULL) {
		memcpy(p, path, a);
		memcpy(p + a, suffix, b + 1);
	}
	return p;
}

static int
write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t k = write(fd, p, len);
		if (k < 0 && errno == EINTR) {
			continue;
		}
		if (k < 0) {
			return -errno;
		}
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

static int
flush_buf(struct output *o)
{
	int err = write_all(o->fd, o->buf, o->len);
	if (err == 0) {
		o->file_bytes += o->len;
		o->len = 0;
	}
	return err;
}

/* compress feeds |len| bytes to zstd with |mode| (continue or end of
 * frame), writing out what it produces. */
static int
compress(struct output *o, const void *p, size_t len, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = { p, len, 0 };
	for (;;) {
		ZSTD_outBuffer out = { o->buf + o->len, OUTPUT_BUF - o->len,
			0 };
		size_t left = ZSTD_compressStream2(o->cctx, &out, &in, mode);
		if (ZSTD_isError(left)) {
			return -EIO;
		}
		o->len += out.pos;
		if (o->len == OUTPUT_BUF || (mode == ZSTD_e_end && left != 0)) {
			int err = flush_buf(o);
			if (err != 0) {
				return err;
			}
		}
		bool done = mode == ZSTD_e_end ? left == 0 : in.pos == in.size;
		if (done) {
			return 0;
		}
	}
}

int
output_write(struct output *o, const void *p, size_t len)
{
	if (o->cctx != NULL) {
		return compress(o, p, len, ZSTD_e_continue);
	}
	if (len > OUTPUT_BUF - o->len) {
		int err = flush_buf(o);
		if (err != 0) {
			return err;
		}
		if (len >= OUTPUT_BUF) {
			err = write_all(o->fd, p, len);
			o->file_bytes += err == 0 ? len : 0;
			return err;
		}
	}
	memcpy(o->buf + o->len, p, len);
	o->len += len;
	return 0;
}

/* sync_out writes everything pending, ending the zstd frame, and syncs. */
static int
sync_out(struct output *o)
{
	int err = 0;
	if (o->cctx != NULL) {
		err = compress(o, NULL, 0, ZSTD_e_end);
	}
	if (err == 0) {
		err = flush_buf(o);
	}
	if (err == 0 && !o->is_stream && fdatasync(o->fd) != 0) {
		err = -errno;
	}
	return err;
}

int
output_checkpoint(struct output *o, uint64_t records)
{
	if (o->is_stream) {
		return 0;
	}
	int err = sync_out(o);
	if (err != 0) {
		return err;
	}
	char text[160];
	int n = snprintf(text, sizeof(text),
	    "authsweep-checkpoint 1\nfingerprint %016" PRIx64
	    "\nrecords %" PRIu64 "\nbytes %" PRIu64 "\n",
	    o->fingerprint, records, o->file_bytes);
	int fd =
	    open(o->ckpt_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		return -errno;
	}
	err = write_all(fd, (const uint8_t *)text, (size_t)n);
	if (err == 0 && fsync(fd) != 0) {
		err = -errno;
	}
	close(fd);
	if (err == 0 && rename(o->ckpt_tmp, o->ckpt) != 0) {
		err = -errno;
	}
	return err;
}

static void
free_output(struct output *o)
{
	if (o->fd >= 0 && !o->is_stdout) {
		close(o->fd);
	}
	ZSTD_freeCCtx(o->cctx);
	free(o->path);
	free(o->partial);
	free(o->ckpt);
	free(o->ckpt_tmp);
	free(o->buf);
	free(o);
}

int
output_finish(struct output *o)
{
	int err = sync_out(o);
	if (err == 0 && !o->is_stream) {
		if (rename(o->partial, o->path) != 0) {
			err = -errno;
		} else {
			(void)unlink(o->ckpt);
		}
	}
	free_output(o);
	return err;
}

void
output_abandon(struct output *o)
{
	if (o != NULL) {
		free_output(o);
	}
}

bool
output_compressed(const struct output *o)
{
	return o->cctx != NULL;
}

/* read_checkpoint parses FILE.ckpt.  It returns 1 when one was read, 0 when
 * there is none, or -EINVAL for a damaged one. */
static int
read_checkpoint(
    const char *path, uint64_t *fp, uint64_t *records, uint64_t *bytes)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return errno == ENOENT ? 0 : -errno;
	}
	int version = 0;
	int n = fscanf(f,
	    "authsweep-checkpoint %d\nfingerprint %" SCNx64 "\nrecords %" SCNu64
	    "\nbytes %" SCNu64,
	    &version, fp, records, bytes);
	fclose(f);
	return n == 4 && version == 1 ? 1 : -EINVAL;
}

static int
open_resume(struct output *o, uint64_t *skip, const char **why)
{
	uint64_t fp = 0, records = 0, bytes = 0;
	int r = read_checkpoint(o->ckpt, &fp, &records, &bytes);
	if (r < 0) {
		*why = "checkpoint file is damaged";
		return r;
	}
	if (r == 0) {
		/* Nothing durable to continue from: start over. */
		o->fd = open(
		    o->partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		return o->fd < 0 ? -errno : 0;
	}
	if (fp != o->fingerprint) {
		*why =
		    "checkpoint belongs to a run with other inputs or options";
		return -ESTALE;
	}
	o->fd = open(o->partial, O_WRONLY | O_CLOEXEC);
	struct stat st;
	if (o->fd < 0 || fstat(o->fd, &st) != 0) {
		*why = "partial results file is missing";
		return -errno;
	}
	if ((uint64_t)st.st_size < bytes) {
		*why = "partial results file is shorter than its checkpoint";
		return -EINVAL;
	}
	/* Drop whatever was written after the checkpoint. */
	if (ftruncate(o->fd, (off_t)bytes) != 0 ||
	    lseek(o->fd, (off_t)bytes, SEEK_SET) < 0) {
		return -errno;
	}
	o->file_bytes = bytes;
	*skip = records;
	return 0;
}

int
output_open(struct output **out, const char *path, bool resume,
    uint64_t fingerprint, uint64_t *skip, const char **why)
{
	*skip = 0;
	*why = NULL;
	struct output *o = calloc(1, sizeof(*o));
	if (o == NULL) {
		return -ENOMEM;
	}
	o->fd = -1;
	o->fingerprint = fingerprint;
	o->buf = malloc(OUTPUT_BUF);
	size_t plen = path != NULL ? strlen(path) : 0;
	bool zst = plen > 4 && strcmp(path + plen - 4, ".zst") == 0;
	if (zst) {
		o->cctx = ZSTD_createCCtx();
		if (o->cctx != NULL) {
			(void)ZSTD_CCtx_setParameter(o->cctx,
			    ZSTD_c_compressionLevel, OUTPUT_ZSTD_LEVEL);
		}
	}
	int err = 0;
	struct stat st;
	if (o->buf == NULL || (zst && o->cctx == NULL)) {
		err = -ENOMEM;
	} else if (path == NULL) {
		o->is_stdout = true;
		o->is_stream = true;
		o->fd = STDOUT_FILENO;
	} else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (resume) {
			*why = "--resume needs a regular file";
			err = -EINVAL;
		} else {
			o->is_stream = true;
			o->fd = open(path, O_WRONLY | O_CLOEXEC);
			err = o->fd < 0 ? -errno : 0;
		}
	} else {
		o->path = strdup(path);
		o->partial = with_suffix(path, ".partial");
		o->ckpt = with_suffix(path, ".ckpt");
		o->ckpt_tmp = with_suffix(path, ".ckpt.tmp");
		if (o->path == NULL || o->partial == NULL || o->ckpt == NULL ||
		    o->ckpt_tmp == NULL) {
			err = -ENOMEM;
		} else if (resume) {
			err = open_resume(o, skip, why);
		} else {
			(void)unlink(o->ckpt);
			o->fd = open(o->partial,
			    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			err = o->fd < 0 ? -errno : 0;
		}
	}
	if (err != 0) {
		free_output(o);
		return err;
	}
	*out = o;
	return 0;
}
