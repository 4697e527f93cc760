/*
 * test_arena.c - the per-message bump allocator (canon/arena.h).
 *
 * The same tests run in both arena modes: chunked (release builds) and one
 * malloc per allocation (AUTHSWEEP_ARENA_MALLOC, sanitizer builds).  Checks
 * that depend on the chunk layout, such as growing in place, run only in
 * the chunked mode.
 */
#include "tests/harness.h"

#include <stdalign.h>
#include <stdlib.h>

#include "canon/arena.h"

static bool
is_aligned(const void *p)
{
	return (uintptr_t)p % alignof(max_align_t) == 0;
}

static void
fill(void *p, size_t n, uint8_t seed)
{
	uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		b[i] = (uint8_t)(seed + i * 7);
	}
}

static bool
check_fill(const void *p, size_t n, uint8_t seed)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		if (b[i] != (uint8_t)(seed + i * 7)) {
			return false;
		}
	}
	return true;
}

/* Every allocation, of any size, is aligned for any object, and
 * allocations do not overlap. */
static void
test_arena_alloc_is_aligned_and_disjoint(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 4096);
	enum { N = 200 };
	void *ptrs[N];
	size_t sizes[N];
	for (size_t i = 0; i < N; i++) {
		sizes[i] = (i * 13) % 97; /* includes 0 */
		ptrs[i] = arena_alloc(&a, sizes[i]);
		assert_non_null(ptrs[i]);
		assert_true(is_aligned(ptrs[i]));
		fill(ptrs[i], sizes[i], (uint8_t)i);
	}
	for (size_t i = 0; i < N; i++) {
		assert_true(check_fill(ptrs[i], sizes[i], (uint8_t)i));
		/* Even zero-byte requests get distinct pointers. */
		if (i > 0) {
			assert_ptr_not_equal(ptrs[i], ptrs[i - 1]);
		}
	}
	assert_true(a.used_total >= N);
	arena_cleanup(&a);
}

/* Allocations far beyond one chunk, both many small ones and single ones
 * larger than a chunk, all succeed and keep their contents. */
static void
test_arena_grows_beyond_one_chunk(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1); /* raised to the minimum chunk size */
	assert_true(a.chunk_size >= 1024);
	enum { N = 300 };
	void *ptrs[N];
	for (size_t i = 0; i < N; i++) {
		size_t n = (i % 10 == 9) ? 5000 + i : 100;
		ptrs[i] = arena_alloc(&a, n);
		assert_non_null(ptrs[i]);
		assert_true(is_aligned(ptrs[i]));
		fill(ptrs[i], n, (uint8_t)i);
	}
	for (size_t i = 0; i < N; i++) {
		size_t n = (i % 10 == 9) ? 5000 + i : 100;
		assert_true(check_fill(ptrs[i], n, (uint8_t)i));
	}
	assert_true(a.used_total >= 100 * N);
	arena_cleanup(&a);
}

/* Growing the newest allocation happens in place when the chunk has room
 * (chunked mode); contents survive either way. */
static void
test_arena_realloc_newest_grows_in_place(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 4096);
	uint8_t *p = arena_alloc(&a, 16);
	assert_non_null(p);
	fill(p, 16, 1);
	uint8_t *q = arena_realloc(&a, p, 16, 256);
	assert_non_null(q);
	assert_true(is_aligned(q));
	assert_true(check_fill(q, 16, 1));
#ifndef AUTHSWEEP_ARENA_MALLOC
	assert_ptr_equal(p, q);
#endif
	fill(q, 256, 2);
	/* Shrinking the newest allocation keeps the prefix. */
	uint8_t *r = arena_realloc(&a, q, 256, 8);
	assert_non_null(r);
	assert_true(check_fill(r, 8, 2));
#ifndef AUTHSWEEP_ARENA_MALLOC
	assert_ptr_equal(q, r);
	/* The space given back by shrinking is reused by the next
	 * allocation. */
	uint8_t *s = arena_alloc(&a, 8);
	assert_non_null(s);
	assert_true(s < q + 256);
#endif
	arena_cleanup(&a);
}

/* Growing an allocation that is not the newest one copies it and leaves
 * the others intact. */
static void
test_arena_realloc_older_copies(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 4096);
	uint8_t *p1 = arena_alloc(&a, 40);
	uint8_t *p2 = arena_alloc(&a, 40);
	assert_non_null(p1);
	assert_non_null(p2);
	fill(p1, 40, 10);
	fill(p2, 40, 20);
	uint8_t *q = arena_realloc(&a, p1, 40, 100);
	assert_non_null(q);
	assert_ptr_not_equal(q, p1);
	assert_ptr_not_equal(q, p2);
	assert_true(is_aligned(q));
	assert_true(check_fill(q, 40, 10));
	assert_true(check_fill(p2, 40, 20));
	/* The new block is writable to its full size without touching p2. */
	fill(q, 100, 30);
	assert_true(check_fill(p2, 40, 20));
	arena_cleanup(&a);
}

/* Growing the newest allocation past what its chunk can hold moves it to
 * a new chunk, contents included. */
static void
test_arena_realloc_beyond_chunk_copies(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1024);
	uint8_t *p = arena_alloc(&a, 512);
	assert_non_null(p);
	fill(p, 512, 3);
	uint8_t *q = arena_realloc(&a, p, 512, 64 * 1024);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	assert_true(check_fill(q, 512, 3));
	fill(q, 64 * 1024, 4);
	assert_true(check_fill(q, 64 * 1024, 4));
	/* realloc of NULL is an allocation. */
	uint8_t *n = arena_realloc(&a, NULL, 0, 32);
	assert_non_null(n);
	fill(n, 32, 5);
	assert_true(check_fill(q, 64 * 1024, 4));
	arena_cleanup(&a);
}

/* After a reset the arena keeps serving allocations, also after a reset
 * that follows a huge allocation, and after cleanup. */
static void
test_arena_reset_keeps_working(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 2048);
	/* Reset of an unused arena is harmless. */
	arena_reset(&a);
	assert_int_equal(a.used_total, 0);

	for (int round = 0; round < 5; round++) {
		for (size_t i = 0; i < 100; i++) {
			void *p = arena_alloc(&a, 64);
			assert_non_null(p);
			fill(p, 64, (uint8_t)i);
		}
		void *big = arena_alloc(&a, 100000);
		assert_non_null(big);
		fill(big, 100000, 9);
		assert_true(a.used_total >= 100 * 64 + 100000);
		arena_reset(&a);
		assert_int_equal(a.used_total, 0);
	}

#ifndef AUTHSWEEP_ARENA_MALLOC
	/* The first chunk is reused after a reset. */
	arena_reset(&a);
	void *first = arena_alloc(&a, 32);
	arena_reset(&a);
	void *again = arena_alloc(&a, 32);
	assert_ptr_equal(first, again);
#endif

	/* A reset right after a huge first allocation drops that chunk and
	 * the arena still works. */
	arena_cleanup(&a);
	void *huge = arena_alloc(&a, 1 << 20);
	assert_non_null(huge);
	arena_reset(&a);
	void *small = arena_alloc(&a, 16);
	assert_non_null(small);
	fill(small, 16, 1);

	arena_cleanup(&a);
	arena_cleanup(&a); /* twice is harmless */
	void *after = arena_alloc(&a, 16);
	assert_non_null(after);
	arena_cleanup(&a);
}

/* Requests that cannot be satisfied return NULL, without disturbing
 * earlier allocations. */
static void
test_arena_huge_request_returns_null(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 4096);
	uint8_t *p = arena_alloc(&a, 64);
	assert_non_null(p);
	fill(p, 64, 7);
	const size_t sizes[] = {
		SIZE_MAX,
		SIZE_MAX - 1,
		SIZE_MAX / 2,
		((size_t)1 << 40) + 1,
		SIZE_MAX - sizeof(max_align_t),
	};
	for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
		assert_null(arena_alloc(&a, sizes[i]));
		/* realloc to an absurd size fails and leaves |p| valid. */
		assert_null(arena_realloc(&a, p, 64, sizes[i]));
		assert_true(check_fill(p, 64, 7));
	}
	/* The arena is still usable afterwards. */
	void *q = arena_alloc(&a, 64);
	assert_non_null(q);
	arena_cleanup(&a);
}

struct calloc_case {
	const char *name;
	size_t num;
	size_t size;
	bool ok;
};

static void
test_arena_calloc_cases(void **state)
{
	(void)state;
	const struct calloc_case cases[] = {
		{ "small", 10, 8, true },
		{ "zero count", 0, 8, true },
		{ "zero size", 8, 0, true },
		{ "zero both", 0, 0, true },
		{ "product overflows size_t", SIZE_MAX / 2, 4, false },
		{ "product wraps to small", SIZE_MAX / 2 + 2, 2, false },
		{ "each factor fine, product absurd", (size_t)1 << 21,
		    (size_t)1 << 20, false },
		{ "SIZE_MAX count", SIZE_MAX, 1, false },
		{ "SIZE_MAX size", 1, SIZE_MAX, false },
	};
	struct arena a;
	arena_init(&a, 1024);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct calloc_case *tc = &cases[i];
		print_message("case: %s\n", tc->name);
		/* Dirty the memory the next allocation will likely reuse. */
		arena_reset(&a);
		uint8_t *d = arena_alloc(&a, 128);
		assert_non_null(d);
		memset(d, 0xaa, 128);
		arena_reset(&a);
		uint8_t *p = arena_calloc(&a, tc->num, tc->size);
		if (!tc->ok) {
			assert_null(p);
			continue;
		}
		assert_non_null(p);
		assert_true(is_aligned(p));
		for (size_t k = 0; k < tc->num * tc->size; k++) {
			assert_int_equal(p[k], 0);
		}
	}
	arena_cleanup(&a);
}

/* arena_fail_after(n) fails exactly the nth allocation from now; those
 * before and after succeed. */
static void
test_arena_fail_after_hits_exactly_nth(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 1024);
	for (size_t n = 1; n <= 6; n++) {
		arena_fail_after(&a, n);
		for (size_t k = 1; k <= 8; k++) {
			void *p = (k % 2) ? arena_alloc(&a, 24)
			                  : arena_calloc(&a, 3, 8);
			if (k == n) {
				assert_null(p);
			} else {
				assert_non_null(p);
			}
		}
		arena_reset(&a);
	}
	/* 0 disarms the injector. */
	arena_fail_after(&a, 2);
	arena_fail_after(&a, 0);
	for (size_t k = 0; k < 10; k++) {
		assert_non_null(arena_alloc(&a, 8));
	}
	/* A realloc that has to copy is an allocation and can fail; the old
	 * block stays valid. */
	uint8_t *p1 = arena_alloc(&a, 16);
	uint8_t *p2 = arena_alloc(&a, 16);
	assert_non_null(p1);
	assert_non_null(p2);
	fill(p1, 16, 4);
	arena_fail_after(&a, 1);
	assert_null(arena_realloc(&a, p1, 16, 64));
	assert_true(check_fill(p1, 16, 4));
	arena_cleanup(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_alloc_is_aligned_and_disjoint),
		cmocka_unit_test(test_arena_grows_beyond_one_chunk),
		cmocka_unit_test(test_arena_realloc_newest_grows_in_place),
		cmocka_unit_test(test_arena_realloc_older_copies),
		cmocka_unit_test(test_arena_realloc_beyond_chunk_copies),
		cmocka_unit_test(test_arena_reset_keeps_working),
		cmocka_unit_test(test_arena_huge_request_returns_null),
		cmocka_unit_test(test_arena_calloc_cases),
		cmocka_unit_test(test_arena_fail_after_hits_exactly_nth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
