/*
 * pool.c - batch hand-offs between producer, workers and writer (see
 * pool.h).
 */
#include "engine/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv_free; /* a batch was recycled */
	pthread_cond_t cv_work; /* a batch was submitted */
	pthread_cond_t cv_done; /* a batch was completed */
	struct batch *batches;
	size_t num_batches;
	struct batch *free_list;
	struct batch *work_head, *work_tail;
	struct batch **done; /* by id % num_batches */
	uint64_t next_id;    /* id of the next submitted batch */
	uint64_t next_write; /* id the writer wants next */
	uint64_t kicks;      /* pool_kick calls */
	bool producer_done;
	bool aborted;
};

struct pool *
pool_new(size_t num_batches)
{
	if (num_batches < 2) {
		num_batches = 2;
	}
	struct pool *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		return NULL;
	}
	p->batches = calloc(num_batches, sizeof(*p->batches));
	p->done = calloc(num_batches, sizeof(*p->done));
	if (p->batches == NULL || p->done == NULL) {
		free(p->batches);
		free(p->done);
		free(p);
		return NULL;
	}
	p->num_batches = num_batches;
	for (size_t i = 0; i < num_batches; i++) {
		struct batch *b = &p->batches[i];
		arena_init(&b->mem, (size_t)1 << 20);
		b->next = p->free_list;
		p->free_list = b;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv_free, NULL);
	pthread_cond_init(&p->cv_work, NULL);
	pthread_cond_init(&p->cv_done, NULL);
	return p;
}

void
pool_free(struct pool *p)
{
	if (p == NULL) {
		return;
	}
	for (size_t i = 0; i < p->num_batches; i++) {
		arena_cleanup(&p->batches[i].mem);
		outbuf_free(&p->batches[i].out);
		outbuf_free(&p->batches[i].late);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv_free);
	pthread_cond_destroy(&p->cv_work);
	pthread_cond_destroy(&p->cv_done);
	free(p->batches);
	free(p->done);
	free(p);
}

struct batch *
pool_get_free(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->free_list == NULL && !p->aborted) {
		pthread_cond_wait(&p->cv_free, &p->mu);
	}
	struct batch *b = p->aborted ? NULL : p->free_list;
	if (b != NULL) {
		p->free_list = b->next;
	}
	pthread_mutex_unlock(&p->mu);
	if (b != NULL) {
		/* Reset outside the lock: it may free memory. */
		arena_reset(&b->mem);
		b->num_jobs = 0;
		b->inline_bytes = 0;
		b->in_bytes = 0;
		b->out.len = 0;
		b->out.failed = false;
		b->late.len = 0;
		b->late.failed = false;
		b->num_waiting = 0;
		b->num_splices = 0;
		memset(&b->stats, 0, sizeof(b->stats));
		b->diags.num = 0;
		b->diags.dropped = 0;
		b->next = NULL;
	}
	return b;
}

void
pool_submit(struct pool *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	b->id = p->next_id++;
	b->next = NULL;
	if (p->work_tail == NULL) {
		p->work_head = b;
	} else {
		p->work_tail->next = b;
	}
	p->work_tail = b;
	pthread_cond_signal(&p->cv_work);
	pthread_mutex_unlock(&p->mu);
}

void
pool_producer_done(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->producer_done = true;
	pthread_cond_broadcast(&p->cv_work);
	pthread_cond_broadcast(&p->cv_done);
	pthread_mutex_unlock(&p->mu);
}

/* take_locked unlinks the first submitted batch, if any. */
static struct batch *
take_locked(struct pool *p)
{
	struct batch *b = p->aborted ? NULL : p->work_head;
	if (b != NULL) {
		p->work_head = b->next;
		if (p->work_head == NULL) {
			p->work_tail = NULL;
		}
	}
	return b;
}

struct batch *
pool_take_work_or_kick(struct pool *p, const uint64_t *kicks_seen)
{
	pthread_mutex_lock(&p->mu);
	while (p->work_head == NULL && !p->aborted &&
	    (kicks_seen != NULL ? p->kicks == *kicks_seen
	                        : !p->producer_done)) {
		pthread_cond_wait(&p->cv_work, &p->mu);
	}
	struct batch *b = take_locked(p);
	pthread_mutex_unlock(&p->mu);
	return b;
}

struct batch *
pool_try_work(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	struct batch *b = take_locked(p);
	pthread_mutex_unlock(&p->mu);
	return b;
}

uint64_t
pool_kicks(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	uint64_t k = p->kicks;
	pthread_mutex_unlock(&p->mu);
	return k;
}

void
pool_wait_kick(struct pool *p, uint64_t kicks_seen)
{
	pthread_mutex_lock(&p->mu);
	while (p->kicks == kicks_seen && !p->aborted) {
		pthread_cond_wait(&p->cv_work, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
}

void
pool_kick(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->kicks++;
	pthread_cond_broadcast(&p->cv_work);
	pthread_mutex_unlock(&p->mu);
}

struct batch *
pool_take_work(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->work_head == NULL && !p->producer_done && !p->aborted) {
		pthread_cond_wait(&p->cv_work, &p->mu);
	}
	struct batch *b = p->aborted ? NULL : p->work_head;
	if (b != NULL) {
		p->work_head = b->next;
		if (p->work_head == NULL) {
			p->work_tail = NULL;
		}
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

void
pool_complete(struct pool *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	p->done[b->id % p->num_batches] = b;
	if (b->id == p->next_write) {
		pthread_cond_signal(&p->cv_done);
	}
	pthread_mutex_unlock(&p->mu);
}

struct batch *
pool_next_done(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	struct batch *b;
	for (;;) {
		size_t slot = p->next_write % p->num_batches;
		b = p->done[slot];
		if (b != NULL && b->id == p->next_write) {
			p->done[slot] = NULL;
			p->next_write++;
			break;
		}
		if (p->aborted ||
		    (p->producer_done && p->next_write == p->next_id)) {
			b = NULL;
			break;
		}
		pthread_cond_wait(&p->cv_done, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

void
pool_recycle(struct pool *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	b->next = p->free_list;
	p->free_list = b;
	pthread_cond_signal(&p->cv_free);
	pthread_mutex_unlock(&p->mu);
}

bool
pool_aborted(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	bool a = p->aborted;
	pthread_mutex_unlock(&p->mu);
	return a;
}

void
pool_abort(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->aborted = true;
	pthread_cond_broadcast(&p->cv_free);
	pthread_cond_broadcast(&p->cv_work);
	pthread_cond_broadcast(&p->cv_done);
	pthread_mutex_unlock(&p->mu);
}
