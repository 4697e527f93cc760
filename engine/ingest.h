/*
 * ingest.h - reading the message files of a batch, one reader per worker.
 *
 * Two backends give the same results:
 *  - io_uring (ingest_uring.c): a fixed table of slots with buffers
 *    allocated up front; openat, statx, read and close are submitted in
 *    batches and completions reaped in batches, so that while the worker
 *    verifies one message the kernel is already reading the next ones.
 *  - pread (ingest_pread.c): open, fstat, read and close, one file at a
 *    time; used when io_uring is unavailable (ENOSYS, EPERM, as in many
 *    containers) or when --io pread asks for it.
 *
 * Both read a file up to the size it had when it was listed (the walker
 * stat'ed it, and only regular files become JOB_FILE jobs), stopping early
 * if it has shrunk, and both report the same errors: the errno of open or
 * read (a file that vanished since its listing gives ENOENT), and EFBIG
 * beyond MSG_MAX_BYTES.
 */
#ifndef AUTHSWEEP_ENGINE_INGEST_H
#define AUTHSWEEP_ENGINE_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "engine/batch.h"
#include "engine/config.h"

/* struct ingest_result is one file as read. */
struct ingest_result {
	const uint8_t *data; /* valid until ingest_put for this job */
	size_t len;
	int error; /* 0 or an errno */
};

struct ingest;

struct ingest_ops {
	void (*start)(struct ingest *in, struct batch *b);
	void (*get)(struct ingest *in, size_t job, struct ingest_result *out);
	void (*put)(struct ingest *in, size_t job);
	void (*finish)(struct ingest *in);
	void (*free)(struct ingest *in);
	const char *name;
};

/* struct ingest is the common head of both backends. */
struct ingest {
	const struct ingest_ops *ops;
};

/* ingest_new makes a reader for |mode|.  IO_AUTO tries io_uring and falls
 * back to pread, storing why in |*why| (a static string, or NULL when
 * io_uring is used).  IO_URING fails with -errno when io_uring cannot be
 * set up.  Returns 0 or -errno. */
int ingest_new(struct ingest **out, enum io_mode mode, const char **why);

/* ingest_uring_new and ingest_pread_new make one backend each. */
int ingest_uring_new(struct ingest **out);
int ingest_pread_new(struct ingest **out);

/* ingest_start begins reading the JOB_FILE jobs of |b|.  Then, for each
 * such job in order, ingest_get waits until it is read and ingest_put
 * releases it; ingest_finish ends the batch. */
static inline void
ingest_start(struct ingest *in, struct batch *b)
{
	in->ops->start(in, b);
}

static inline void
ingest_get(struct ingest *in, size_t job, struct ingest_result *out)
{
	in->ops->get(in, job, out);
}

static inline void
ingest_put(struct ingest *in, size_t job)
{
	in->ops->put(in, job);
}

static inline void
ingest_finish(struct ingest *in)
{
	in->ops->finish(in);
}

/* ingest_free releases |in|; NULL is accepted. */
static inline void
ingest_free(struct ingest *in)
{
	if (in != NULL) {
		in->ops->free(in);
	}
}

/* ingest_name returns "io_uring" or "pread". */
static inline const char *
ingest_name(const struct ingest *in)
{
	return in->ops->name;
}

#endif /* AUTHSWEEP_ENGINE_INGEST_H */
