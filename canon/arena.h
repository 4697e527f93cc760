/*
 * arena.h - per-message bump allocator.
 *
 * Everything parsed from one message lives in its worker's arena and dies
 * together when the arena is reset: nothing is freed one by one.  The arena
 * takes large chunks from malloc (jemalloc in release builds) and keeps the
 * first chunk across resets so that steady-state work does not allocate.
 *
 * In sanitizer builds (AUTHSWEEP_ARENA_MALLOC defined) every allocation is
 * its own malloc() and reset frees them all, so AddressSanitizer sees each
 * object's bounds and any use after reset.
 *
 * The arena lives in canon/ because it needs libc only and every layer above
 * uses it; it is not shared between threads.
 */
#ifndef AUTHSWEEP_CANON_ARENA_H
#define AUTHSWEEP_CANON_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct arena_chunk;

/* struct arena is caller-provided storage; see arena_init/arena_cleanup. */
struct arena {
	struct arena_chunk *head; /* newest chunk first */
	size_t chunk_size;        /* default size of a new chunk */
	size_t used_total;        /* bytes handed out since the last reset */
	/* fail_after, when nonzero, makes the allocation with that number
	 * (counting from 1 after arena_init or arena_fail_after) fail.  Tests
	 * use it to inject allocation failures. */
	size_t fail_after;
	size_t num_allocs;
};

/* arena_init prepares |a|; no memory is allocated until first use. */
void arena_init(struct arena *a, size_t chunk_size);

/* arena_cleanup releases all memory of |a|. */
void arena_cleanup(struct arena *a);

/* arena_reset forgets every allocation made from |a|.  The first chunk is
 * kept for reuse; pointers handed out before become invalid. */
void arena_reset(struct arena *a);

/* arena_alloc returns |n| bytes aligned for any object, or NULL when memory
 * is exhausted or |n| is absurd.  The memory is not zeroed. */
void *arena_alloc(struct arena *a, size_t n);

/* arena_calloc returns |num| * |size| zeroed bytes, or NULL on exhaustion
 * or multiplication overflow. */
void *arena_calloc(struct arena *a, size_t num, size_t size);

/* arena_realloc grows an allocation |p| of |old_n| bytes to |new_n| bytes,
 * in place when it is the newest allocation, otherwise by copying.  It
 * returns NULL on failure, leaving |p| valid. */
void *arena_realloc(struct arena *a, void *p, size_t old_n, size_t new_n);

/* arena_fail_after arms the failure injector: allocation number |n| from
 * now (1 = the next one) fails.  0 disarms it. */
void arena_fail_after(struct arena *a, size_t n);

#endif /* AUTHSWEEP_CANON_ARENA_H */
