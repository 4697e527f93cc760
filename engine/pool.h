/*
 * pool.h - hand-off of batches between the producer, the workers and the
 * writer.
 *
 * A fixed number of batches exists (the credit): the producer takes a free
 * one, fills it and submits it; a worker takes submitted batches in order
 * of submission, processes one and marks it complete; the writer takes
 * completed batches strictly in submission order, writes them and recycles
 * them.  The producer waits when all batches are in use, which bounds the
 * memory of a run whatever its size, and the writer's strict order makes
 * the output independent of the number of workers.
 *
 * One mutex guards the hand-offs; it is taken a few times per batch of up
 * to BATCH_MAX_JOBS messages, never per message.
 */
#ifndef AUTHSWEEP_ENGINE_POOL_H
#define AUTHSWEEP_ENGINE_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/batch.h"

struct pool;

/* pool_new makes a pool of |num_batches| batches (at least 2), or returns
 * NULL when out of memory. */
struct pool *pool_new(size_t num_batches);

/* pool_free releases the pool and its batches. */
void pool_free(struct pool *p);

/* pool_get_free returns an empty batch for the producer, waiting for one
 * if needed; NULL once the run is aborted. */
struct batch *pool_get_free(struct pool *p);

/* pool_submit gives a filled batch to the workers and numbers it. */
void pool_submit(struct pool *p, struct batch *b);

/* pool_producer_done says no more batches will come. */
void pool_producer_done(struct pool *p);

/* pool_take_work returns the next submitted batch for a worker, waiting if
 * needed; NULL when the producer is done and nothing is left, or the run is
 * aborted. */
struct batch *pool_take_work(struct pool *p);

/* pool_take_work_or_kick is pool_take_work for a worker that holds
 * messages set aside for DNS (|kicks_seen| not NULL): it also returns NULL
 * once pool_kick was called since pool_kicks returned |*kicks_seen|, and
 * it goes on waiting for kicks after the producer is done.  With
 * |kicks_seen| NULL it is pool_take_work. */
struct batch *pool_take_work_or_kick(
    struct pool *p, const uint64_t *kicks_seen);

/* pool_try_work returns a submitted batch if one is waiting, else NULL at
 * once. */
struct batch *pool_try_work(struct pool *p);

/* pool_kick wakes the workers waiting for work or kicks: DNS answers came
 * in.  pool_kicks returns how many kicks there were so far. */
void pool_kick(struct pool *p);
uint64_t pool_kicks(struct pool *p);

/* pool_wait_kick waits until a kick after |kicks_seen|, or an abort. */
void pool_wait_kick(struct pool *p, uint64_t kicks_seen);

/* pool_complete hands a processed batch to the writer. */
void pool_complete(struct pool *p, struct batch *b);

/* pool_next_done returns the next batch in submission order once it is
 * complete, waiting if needed; NULL when every submitted batch has been
 * returned and the producer is done. */
struct batch *pool_next_done(struct pool *p);

/* pool_recycle returns a written batch to the free list. */
void pool_recycle(struct pool *p, struct batch *b);

/* pool_abort stops the run: waiting producers and workers get NULL. */
void pool_abort(struct pool *p);

/* pool_aborted reports whether pool_abort was called. */
bool pool_aborted(struct pool *p);

#endif /* AUTHSWEEP_ENGINE_POOL_H */
