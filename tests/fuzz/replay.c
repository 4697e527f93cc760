/*
 * replay.c - run every fuzz corpus through its target without libFuzzer.
 *
 * Usage: fuzz_replay DIR.  For each target in the table below, every
 * regular file in DIR/<name>_corpus/ is read and passed to the target once.
 * A crash or sanitizer report fails the run; a missing corpus directory is
 * an error too, so that a target cannot silently lose its corpus.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TARGET(name) int fuzz_##name(const uint8_t *data, size_t size);
#include "tests/fuzz/targets.def"
#undef TARGET

struct target {
	const char *name;
	int (*fn)(const uint8_t *, size_t);
};

static const struct target targets[] = {
#define TARGET(name) { #name, fuzz_##name },
#include "tests/fuzz/targets.def"
#undef TARGET
};

static int
run_file(const struct target *t, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (buf == NULL) {
			fclose(f);
			return -1;
		}
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap) {
			break;
		}
		cap *= 2;
		uint8_t *nb = realloc(buf, cap);
		if (nb == NULL) {
			free(buf);
		}
		buf = nb;
	}
	fclose(f);
	/* Copy into an exact-size allocation so ASan sees overreads. */
	uint8_t *exact = malloc(n == 0 ? 1 : n);
	if (exact == NULL) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, n);
	free(buf);
	t->fn(exact, n);
	free(exact);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_replay DIR\n");
		return 2;
	}
	int failed = 0;
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		const struct target *t = &targets[i];
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s/%s_corpus", argv[1], t->name);
		DIR *d = opendir(dir);
		if (d == NULL) {
			fprintf(stderr, "fuzz_replay: no corpus %s\n", dir);
			failed = 1;
			continue;
		}
		size_t count = 0;
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			char path[8192];
			struct stat st;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
				continue;
			}
			if (run_file(t, path) != 0) {
				failed = 1;
			}
			count++;
		}
		closedir(d);
		printf("  %-12s %zu inputs\n", t->name, count);
		if (count == 0) {
			fprintf(stderr, "fuzz_replay: empty corpus %s\n", dir);
			failed = 1;
		}
	}
	return failed;
}
