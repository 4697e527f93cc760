/*
 * ingest_uring.c - reading message files with io_uring (see ingest.h).
 *
 * Each worker owns a ring and a fixed table of URING_QD slots, each with a
 * URING_SLOT_BUF buffer allocated up front in one block, and one registered
 * ("direct") file descriptor.  A file is read with one linked chain:
 *
 *     openat into the slot's direct descriptor  --IOSQE_IO_LINK-->
 *     read of the listed size from that descriptor
 *
 * When the open fails the read is cancelled (-ECANCELED) and the open's
 * completion carries the error; the two completions may come in either
 * order.  (IOSQE_CQE_SKIP_SUCCESS on the open would save a completion, but
 * then a failed open's cancelled read posts none at all, which the kernel
 * documentation leaves unclear, so both are counted.)  Then the descriptor
 * is closed (O_CLOEXEC is meaningless for, and refused with, a direct
 * descriptor), and the slot is reused once the close completes.
 * A file larger than the slot buffer is read into a buffer of its own,
 * taken from a small per-worker cache: a fresh buffer costs a page fault
 * per 4 KB as the kernel copies into it, which on virtual machines costs
 * more than the copy.  Such buffers, in flight and cached together, stay
 * within URING_BIG_BUDGET (one file may exceed it alone), so that memory
 * does not grow with the sizes of the next 32 files.
 * -EAGAIN, -EINTR and short reads are resubmitted (liburing's io_uring-cp
 * example does the same); any other negative result becomes the file's
 * error.  Submissions are batched (one io_uring_submit for all the slots
 * started together) and completions reaped in batches
 * (io_uring_for_each_cqe, one io_uring_cq_advance).
 *
 * The file's size and modification time come from the listing (the walker
 * has stat'ed every file), so no statx is needed; both readers read up to
 * the listed size, which keeps their results identical.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "canon/limits.h"
#include "engine/ingest.h"

/* URING_QD is the number of files in flight per worker. */
#define URING_QD 32

/* URING_SLOT_BUF holds most messages whole (the median is about 10 KB);
 * larger ones get a buffer of their own. */
#define URING_SLOT_BUF ((size_t)128 << 10)

/* Buffers for large files: URING_BIG_BUDGET bytes per worker for those in
 * flight and those kept for reuse (up to URING_BIG_SLOTS of them), except
 * that one file is always read whatever its size.  Capacities are
 * multiples of URING_BIG_ROUND, so that a kept buffer fits later files of
 * about the same size. */
#define URING_BIG_BUDGET ((size_t)8 << 20)
#define URING_BIG_SLOTS 8
#define URING_BIG_ROUND ((size_t)256 << 10)

/* URING_MAX_READ bounds one read request: a large file is read in chunks
 * of this size, each submitted when the last completes, so that one huge
 * file does not hold the ring in a single long copy while the small files
 * queued with it wait. */
#define URING_MAX_READ ((size_t)1 << 20)

enum op { OP_OPEN, OP_READ, OP_CLOSE };

enum slot_state {
	S_FREE,  /* unused */
	S_BUSY,  /* reading */
	S_READY, /* read (or failed); waiting for the worker */
	S_DRAIN  /* released by the worker; its close is in flight */
};

struct slot {
	enum slot_state state;
	int error;
	int pending;    /* completions still expected */
	bool opened;    /* the direct descriptor holds the file */
	bool open_done; /* the open's completion has arrived */
	bool cancelled; /* the read was cancelled: the open failed */
	uint8_t *fixed; /* URING_SLOT_BUF bytes, owned by the table */
	uint8_t *big;   /* a buffer for a large file, when needed */
	size_t big_cap;
	uint8_t *buf;
	size_t len, size;
};

struct ingest_uring {
	struct ingest base;
	struct io_uring ring;
	struct batch *batch;
	struct slot slots[URING_QD];
	uint8_t *bufs;
	bool registered; /* |bufs| is registered buffer 0 */
	int slot_of[BATCH_MAX_JOBS];
	size_t next_start;
	size_t big_inflight; /* capacity of the slots' big buffers */
	struct {
		uint8_t *p;
		size_t cap;
	} cache[URING_BIG_SLOTS];
	size_t cache_bytes;
};

static unsigned
index_of(const struct ingest_uring *iu, const struct slot *s)
{
	return (unsigned)(s - iu->slots);
}

static uint64_t
tag(const struct ingest_uring *iu, const struct slot *s, enum op op)
{
	return (uint64_t)index_of(iu, s) << 2 | (uint64_t)op;
}

static struct io_uring_sqe *
get_sqe(struct ingest_uring *iu)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&iu->ring);
	while (sqe == NULL) {
		/* The submission queue is full: hand it to the kernel. */
		(void)io_uring_submit(&iu->ring);
		sqe = io_uring_get_sqe(&iu->ring);
	}
	return sqe;
}

/* prep_read reads the rest of the file into the slot's buffer.  The slot
 * buffers are registered with the ring when the kernel allows it, so that
 * a read into them skips the pinning and mapping of user pages. */
static void
prep_read(struct ingest_uring *iu, struct slot *s, struct io_uring_sqe *sqe)
{
	size_t want = s->size - s->len;
	if (want > URING_MAX_READ) {
		want = URING_MAX_READ;
	}
	if (s->buf == s->fixed && iu->registered) {
		io_uring_prep_read_fixed(sqe, (int)index_of(iu, s),
		    s->buf + s->len, (unsigned)want, s->len, 0);
	} else {
		io_uring_prep_read(sqe, (int)index_of(iu, s), s->buf + s->len,
		    (unsigned)want, s->len);
	}
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, tag(iu, s, OP_READ));
	s->pending++;
}

/* finish_slot ends the reading of |s|: the data (or error) is ready, and
 * the descriptor, if open, is closed. */
static void
finish_slot(struct ingest_uring *iu, struct slot *s, int error)
{
	s->error = error;
	if (error != 0) {
		s->len = 0;
	}
	if (s->opened) {
		struct io_uring_sqe *sqe = get_sqe(iu);
		io_uring_prep_close_direct(sqe, index_of(iu, s));
		io_uring_sqe_set_data64(sqe, tag(iu, s, OP_CLOSE));
		s->pending++;
		s->opened = false;
	}
	s->state = S_READY;
}

static void
on_read(struct ingest_uring *iu, struct slot *s, int res)
{
	if (res == -ECANCELED) {
		/* Only a failed open cancels the read; its own completion,
		 * before or after this one, carries the error. */
		s->cancelled = true;
		s->opened = false;
		if (s->open_done) {
			finish_slot(iu, s, s->error);
		}
		return;
	}
	if (res == -EAGAIN || res == -EINTR) {
		prep_read(iu, s, get_sqe(iu));
	} else if (res < 0) {
		finish_slot(iu, s, -res);
	} else if (res == 0) {
		finish_slot(iu, s, 0); /* the file shrank since it was listed */
	} else {
		s->len += (size_t)res;
		if (s->len >= s->size) {
			finish_slot(iu, s, 0);
		} else {
			prep_read(iu, s, get_sqe(iu));
		}
	}
}

static void
complete(struct ingest_uring *iu, uint64_t data, int res)
{
	struct slot *s = &iu->slots[data >> 2];
	switch ((enum op)(data & 3)) {
	case OP_OPEN:
		s->pending--;
		s->open_done = true;
		if (res < 0) {
			s->opened = false;
			s->error = -res;
			if (s->cancelled) {
				finish_slot(iu, s, s->error);
			}
		}
		break;
	case OP_READ:
		s->pending--;
		on_read(iu, s, res);
		break;
	case OP_CLOSE:
		s->pending--;
		break;
	}
	if (s->state == S_DRAIN && s->pending == 0) {
		s->state = S_FREE;
	}
}

/* reap submits what is queued, waits for at least one completion and
 * handles every completion available. */
static void
reap(struct ingest_uring *iu)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_submit_and_wait(&iu->ring, 1);
	if (ret < 0 && ret != -EINTR && ret != -EBUSY) {
		/* The ring itself failed; wait for what is in flight. */
		(void)io_uring_wait_cqe(&iu->ring, &cqe);
	}
	unsigned head, n = 0;
	io_uring_for_each_cqe(&iu->ring, head, cqe)
	{
		complete(iu, io_uring_cqe_get_data64(cqe), cqe->res);
		n++;
	}
	io_uring_cq_advance(&iu->ring, n);
}

/* map_populated returns |len| bytes of zeroed memory with every page
 * already mapped (MAP_POPULATE: one system call instead of a page fault
 * per page when the kernel first copies into it), or NULL. */
static uint8_t *
map_populated(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* big_cap is the capacity given for a file of |size| bytes. */
static size_t
big_cap(size_t size)
{
	return (size + URING_BIG_ROUND - 1) / URING_BIG_ROUND * URING_BIG_ROUND;
}

/* big_evict unmaps kept buffer |i|. */
static void
big_evict(struct ingest_uring *iu, int i)
{
	munmap(iu->cache[i].p, iu->cache[i].cap);
	iu->cache_bytes -= iu->cache[i].cap;
	iu->cache[i].p = NULL;
}

/* big_get takes the smallest kept buffer of capacity *cap or more, or
 * maps a new one of *cap bytes, first unmapping kept buffers as the budget
 * needs; *cap becomes the capacity of the buffer returned. */
static uint8_t *
big_get(struct ingest_uring *iu, size_t *cap_inout)
{
	size_t cap = *cap_inout;
	int best = -1;
	for (int i = 0; i < URING_BIG_SLOTS; i++) {
		if (iu->cache[i].p != NULL && iu->cache[i].cap >= cap &&
		    (best < 0 || iu->cache[i].cap < iu->cache[best].cap)) {
			best = i;
		}
	}
	if (best >= 0) {
		uint8_t *p = iu->cache[best].p;
		*cap_inout = iu->cache[best].cap;
		iu->cache_bytes -= iu->cache[best].cap;
		iu->cache[best].p = NULL;
		return p;
	}
	for (int i = 0; i < URING_BIG_SLOTS &&
	     iu->big_inflight + iu->cache_bytes + cap > URING_BIG_BUDGET;
	     i++) {
		if (iu->cache[i].p != NULL) {
			big_evict(iu, i);
		}
	}
	return map_populated(cap);
}

/* big_put keeps |p| for reuse if the budget allows, else unmaps it. */
static void
big_put(struct ingest_uring *iu, uint8_t *p, size_t cap)
{
	if (iu->big_inflight + iu->cache_bytes + cap <= URING_BIG_BUDGET) {
		for (int i = 0; i < URING_BIG_SLOTS; i++) {
			if (iu->cache[i].p == NULL) {
				iu->cache[i].p = p;
				iu->cache[i].cap = cap;
				iu->cache_bytes += cap;
				return;
			}
		}
	}
	munmap(p, cap);
}

static void
start_slot(struct ingest_uring *iu, struct slot *s, size_t job)
{
	const struct job *j = &iu->batch->jobs[job];
	s->state = S_BUSY;
	s->error = 0;
	s->cancelled = false;
	s->open_done = false;
	s->len = 0;
	s->size = (size_t)j->size;
	s->big = NULL;
	s->buf = s->fixed;
	iu->slot_of[job] = (int)index_of(iu, s);
	if (j->size > MSG_MAX_BYTES) {
		finish_slot(iu, s, EFBIG);
		return;
	}
	if (s->size > URING_SLOT_BUF) {
		s->big_cap = big_cap(s->size);
		s->big = big_get(iu, &s->big_cap);
		if (s->big == NULL) {
			finish_slot(iu, s, ENOMEM);
			return;
		}
		iu->big_inflight += s->big_cap;
		s->buf = s->big;
	}
	struct io_uring_sqe *open = get_sqe(iu);
	io_uring_prep_openat_direct(open, AT_FDCWD, j->path,
	    O_RDONLY | O_NOCTTY | O_NONBLOCK, 0, index_of(iu, s));
	open->flags |= IOSQE_IO_LINK;
	io_uring_sqe_set_data64(open, tag(iu, s, OP_OPEN));
	s->pending++;
	s->opened = true;
	/* Get the read's SQE right after the open's: a full queue must not
	 * split the link across submissions. */
	if (io_uring_sq_space_left(&iu->ring) == 0) {
		(void)io_uring_submit(&iu->ring);
	}
	prep_read(iu, s, get_sqe(iu));
}

/* fill starts as many file jobs, in order, as there are free slots. */
static void
fill(struct ingest_uring *iu)
{
	struct batch *b = iu->batch;
	size_t k = 0;
	while (iu->next_start < b->num_jobs) {
		if (b->jobs[iu->next_start].kind != JOB_FILE) {
			iu->next_start++;
			continue;
		}
		while (k < URING_QD && iu->slots[k].state != S_FREE) {
			k++;
		}
		if (k == URING_QD) {
			break;
		}
		uint64_t size = b->jobs[iu->next_start].size;
		if (size > URING_SLOT_BUF && size <= MSG_MAX_BYTES &&
		    iu->big_inflight > 0 &&
		    iu->big_inflight + big_cap((size_t)size) >
		        URING_BIG_BUDGET) {
			/* Wait until the earlier large files are released;
			 * the worker releases files in order, so the next
			 * one it asks for never waits on a later one. */
			break;
		}
		start_slot(iu, &iu->slots[k], iu->next_start++);
	}
	(void)io_uring_submit(&iu->ring);
}

static void
uring_start(struct ingest *in, struct batch *b)
{
	struct ingest_uring *iu = (struct ingest_uring *)in;
	iu->batch = b;
	iu->next_start = 0;
	for (size_t i = 0; i < BATCH_MAX_JOBS; i++) {
		iu->slot_of[i] = -1;
	}
	fill(iu);
}

static void
uring_get(struct ingest *in, size_t job, struct ingest_result *out)
{
	struct ingest_uring *iu = (struct ingest_uring *)in;
	while (iu->slot_of[job] < 0 ||
	    iu->slots[iu->slot_of[job]].state != S_READY) {
		if (iu->slot_of[job] < 0) {
			fill(iu);
			if (iu->slot_of[job] >= 0) {
				continue;
			}
		}
		reap(iu);
	}
	struct slot *s = &iu->slots[iu->slot_of[job]];
	out->data = s->error == 0 ? s->buf : NULL;
	out->len = s->len;
	out->error = s->error;
}

static void
uring_put(struct ingest *in, size_t job)
{
	struct ingest_uring *iu = (struct ingest_uring *)in;
	struct slot *s = &iu->slots[iu->slot_of[job]];
	if (s->big != NULL) {
		iu->big_inflight -= s->big_cap;
		big_put(iu, s->big, s->big_cap);
		s->big = NULL;
	}
	s->buf = NULL;
	s->state = s->pending == 0 ? S_FREE : S_DRAIN;
	fill(iu);
}

static void
uring_finish(struct ingest *in)
{
	((struct ingest_uring *)in)->batch = NULL;
}

static void
uring_free(struct ingest *in)
{
	struct ingest_uring *iu = (struct ingest_uring *)in;
	/* Let in-flight closes complete before the ring goes. */
	for (size_t i = 0; i < URING_QD; i++) {
		while (iu->slots[i].pending > 0) {
			reap(iu);
		}
		if (iu->slots[i].big != NULL) {
			munmap(iu->slots[i].big, iu->slots[i].big_cap);
		}
	}
	for (size_t i = 0; i < URING_BIG_SLOTS; i++) {
		if (iu->cache[i].p != NULL) {
			munmap(iu->cache[i].p, iu->cache[i].cap);
		}
	}
	io_uring_queue_exit(&iu->ring);
	munmap(iu->bufs, URING_QD * URING_SLOT_BUF);
	free(iu);
}

static const struct ingest_ops uring_ops = {
	uring_start,
	uring_get,
	uring_put,
	uring_finish,
	uring_free,
	"io_uring",
};

int
ingest_uring_new(struct ingest **out)
{
	struct ingest_uring *iu = calloc(1, sizeof(*iu));
	if (iu == NULL) {
		return -ENOMEM;
	}
	iu->bufs = map_populated(URING_QD * URING_SLOT_BUF);
	if (iu->bufs == NULL) {
		free(iu);
		return -ENOMEM;
	}
	/* The ring belongs to one worker thread; ask for the flags that
	 * make that cheaper and retry without them on older kernels. */
	int err = io_uring_queue_init(URING_QD * 4, &iu->ring,
	    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN);
	if (err == -EINVAL) {
		err = io_uring_queue_init(URING_QD * 4, &iu->ring, 0);
	}
	if (err == 0) {
		/* One direct descriptor per slot (Linux 5.19 and later). */
		err = io_uring_register_files_sparse(&iu->ring, URING_QD);
		if (err != 0) {
			io_uring_queue_exit(&iu->ring);
		}
	}
	if (err < 0) {
		munmap(iu->bufs, URING_QD * URING_SLOT_BUF);
		free(iu);
		return err;
	}
	for (size_t i = 0; i < URING_QD; i++) {
		iu->slots[i].fixed = iu->bufs + i * URING_SLOT_BUF;
	}
	/* Registered buffers count against RLIMIT_MEMLOCK on older kernels;
	 * without them, reads work as well, only a little slower. */
	struct iovec iov = { iu->bufs, URING_QD * URING_SLOT_BUF };
	iu->registered = io_uring_register_buffers(&iu->ring, &iov, 1) == 0;
	iu->base.ops = &uring_ops;
	*out = &iu->base;
	return 0;
}
