/*
 * arena.c - per-message bump allocator (see arena.h).
 *
 * Chunks form a list, newest first.  Allocation bumps an offset in the head
 * chunk; a request that does not fit gets a new chunk of at least the
 * default size.  Reset frees all chunks but the oldest one.  With
 * AUTHSWEEP_ARENA_MALLOC every allocation is its own chunk, which lets
 * AddressSanitizer check the bounds of each object.
 */
#include "canon/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN alignof(max_align_t)

/* ARENA_MAX_ALLOC rejects requests that cannot be satisfied anyway and keeps
 * size arithmetic below far from overflow. */
#define ARENA_MAX_ALLOC ((size_t)1 << 40)

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap;
	size_t used;
	size_t last; /* offset of the newest allocation, for arena_realloc */
	alignas(max_align_t) unsigned char data[];
};

static size_t
align_up(size_t n)
{
	return (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
}

void
arena_init(struct arena *a, size_t chunk_size)
{
	memset(a, 0, sizeof(*a));
	a->chunk_size = chunk_size < 1024 ? 1024 : chunk_size;
}

static void
free_chunks(struct arena_chunk *c, struct arena_chunk *stop)
{
	while (c != stop) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
}

void
arena_cleanup(struct arena *a)
{
	free_chunks(a->head, NULL);
	a->head = NULL;
	a->used_total = 0;
}

void
arena_reset(struct arena *a)
{
	a->used_total = 0;
	if (a->head == NULL) {
		return;
	}
#ifdef AUTHSWEEP_ARENA_MALLOC
	free_chunks(a->head, NULL);
	a->head = NULL;
#else
	struct arena_chunk *oldest = a->head;
	while (oldest->next != NULL) {
		oldest = oldest->next;
	}
	free_chunks(a->head, oldest);
	a->head = oldest;
	/* Keep only a default-sized chunk: one enormous message must not pin
	 * its memory for the rest of the run. */
	if (oldest->cap > a->chunk_size) {
		free(oldest);
		a->head = NULL;
		return;
	}
	oldest->used = 0;
	oldest->last = 0;
#endif
}

void
arena_fail_after(struct arena *a, size_t n)
{
	a->fail_after = n;
	a->num_allocs = 0;
}

static struct arena_chunk *
new_chunk(struct arena *a, size_t need)
{
	size_t cap = need;
#ifndef AUTHSWEEP_ARENA_MALLOC
	if (cap < a->chunk_size) {
		cap = a->chunk_size;
	}
#endif
	struct arena_chunk *c = malloc(sizeof(*c) + cap);
	if (c == NULL) {
		return NULL;
	}
	c->cap = cap;
	c->used = 0;
	c->last = 0;
	c->next = a->head;
	a->head = c;
	return c;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	if (n > ARENA_MAX_ALLOC) {
		return NULL;
	}
	if (a->fail_after != 0 && ++a->num_allocs == a->fail_after) {
		return NULL;
	}
	size_t need = align_up(n == 0 ? 1 : n);
	struct arena_chunk *c = a->head;
#ifdef AUTHSWEEP_ARENA_MALLOC
	c = NULL;
#endif
	if (c == NULL || c->cap - c->used < need) {
		c = new_chunk(a, need);
		if (c == NULL) {
			return NULL;
		}
	}
	void *p = c->data + c->used;
	c->last = c->used;
	c->used += need;
	a->used_total += need;
	return p;
}

void *
arena_calloc(struct arena *a, size_t num, size_t size)
{
	if (size != 0 && num > ARENA_MAX_ALLOC / size) {
		return NULL;
	}
	void *p = arena_alloc(a, num * size);
	if (p != NULL) {
		memset(p, 0, num * size);
	}
	return p;
}

void *
arena_realloc(struct arena *a, void *p, size_t old_n, size_t new_n)
{
	if (p == NULL) {
		return arena_alloc(a, new_n);
	}
	if (new_n > ARENA_MAX_ALLOC) {
		return NULL;
	}
	struct arena_chunk *c = a->head;
#ifndef AUTHSWEEP_ARENA_MALLOC
	/* Grow in place when |p| is the newest allocation of the head chunk. */
	if (c != NULL && (unsigned char *)p == c->data + c->last) {
		size_t need = align_up(new_n == 0 ? 1 : new_n);
		if (c->cap - c->last >= need) {
			a->used_total += need - (c->used - c->last);
			c->used = c->last + need;
			return p;
		}
	}
#else
	(void)c;
#endif
	void *q = arena_alloc(a, new_n);
	if (q != NULL) {
		memcpy(q, p, old_n < new_n ? old_n : new_n);
	}
	return q;
}
