/*
 * walk.c - deterministic listing of message files (see walk.h).
 */
#include "engine/walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int
push(struct walk_list *list, const char *path, int error)
{
	if (list->num_items == list->cap) {
		size_t ncap = list->cap == 0 ? 256 : list->cap * 2;
		struct walk_item *n = realloc(list->items, ncap * sizeof(*n));
		if (n == NULL) {
			return -ENOMEM;
		}
		list->items = n;
		list->cap = ncap;
	}
	char *copy = strdup(path);
	if (copy == NULL) {
		return -ENOMEM;
	}
	list->items[list->num_items].path = copy;
	list->items[list->num_items].error = error;
	list->num_items++;
	return 0;
}

static char *
join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	bool slash = a > 0 && dir[a - 1] == '/';
	char *p = malloc(a + b + 2);
	if (p == NULL) {
		return NULL;
	}
	memcpy(p, dir, a);
	if (!slash) {
		p[a++] = '/';
	}
	memcpy(p + a, name, b + 1);
	return p;
}

static int
cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* read_sorted returns the entry names of |dir| except "." and "..", sorted
 * bytewise, in |*out| (each and the array malloc'd).  It returns 0 or
 * -errno. */
static int
read_sorted(const char *dir, char ***out, size_t *num)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		return -errno;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int err = 0;
	struct dirent *e;
	errno = 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0) {
			continue;
		}
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (nn == NULL) {
				err = -ENOMEM;
				break;
			}
			names = nn;
		}
		if ((names[n] = strdup(e->d_name)) == NULL) {
			err = -ENOMEM;
			break;
		}
		n++;
	}
	if (err == 0 && errno != 0) {
		err = -errno;
	}
	closedir(d);
	if (err != 0) {
		for (size_t i = 0; i < n; i++) {
			free(names[i]);
		}
		free(names);
		return err;
	}
	if (n > 1) {
		/* qsort must not see the NULL array of an empty directory. */
		qsort(names, n, sizeof(*names), cmp_names);
	}
	*out = names;
	*num = n;
	return 0;
}

static bool
is_dir(const char *dir, const char *name)
{
	char *p = join(dir, name);
	struct stat st;
	bool yes = p != NULL && lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
	free(p);
	return yes;
}

static bool
is_maildir(const char *dir)
{
	return is_dir(dir, "cur") && is_dir(dir, "new");
}

static int walk_dir(struct walk_list *list, const char *dir, int depth);

/* WALK_MAX_DEPTH bounds recursion; deeper trees are listed as errors. */
#define WALK_MAX_DEPTH 64

/* walk_entry lists one directory entry |path|, found while walking. */
static int
walk_entry(struct walk_list *list, const char *path, int depth)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		return push(list, path, errno);
	}
	if (S_ISDIR(st.st_mode)) {
		return walk_dir(list, path, depth + 1);
	}
	if (S_ISLNK(st.st_mode)) {
		if (stat(path, &st) != 0) {
			return push(list, path, errno);
		}
		if (S_ISDIR(st.st_mode)) {
			/* Not followed: links to directories allow loops. */
			return 0;
		}
	}
	return push(list, path, S_ISREG(st.st_mode) ? 0 : EINVAL);
}

static int
walk_files_of(struct walk_list *list, const char *dir, int depth)
{
	char **names;
	size_t n;
	int err = read_sorted(dir, &names, &n);
	if (err == -ENOMEM) {
		return err;
	}
	if (err != 0) {
		return push(list, dir, -err);
	}
	for (size_t i = 0; i < n; i++) {
		char *p = err == 0 ? join(dir, names[i]) : NULL;
		if (err == 0) {
			err = p == NULL ? -ENOMEM : walk_entry(list, p, depth);
		}
		free(p);
		free(names[i]);
	}
	free(names);
	return err;
}

static int
walk_maildir(struct walk_list *list, const char *dir, int depth)
{
	static const char *const subdirs[] = { "cur", "new" };
	for (size_t i = 0; i < 2; i++) {
		char *p = join(dir, subdirs[i]);
		if (p == NULL) {
			return -ENOMEM;
		}
		int err = walk_files_of(list, p, depth);
		free(p);
		if (err != 0) {
			return err;
		}
	}
	/* Maildir++ folders: ".Name" subdirectories that are maildirs. */
	char **names;
	size_t n;
	int err = read_sorted(dir, &names, &n);
	if (err != 0) {
		return err == -ENOMEM ? err : push(list, dir, -err);
	}
	for (size_t i = 0; i < n; i++) {
		if (err == 0 && names[i][0] == '.' && is_dir(dir, names[i])) {
			char *p = join(dir, names[i]);
			if (p == NULL) {
				err = -ENOMEM;
			} else if (is_maildir(p)) {
				err = walk_maildir(list, p, depth + 1);
			}
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return err;
}

static int
walk_dir(struct walk_list *list, const char *dir, int depth)
{
	if (depth > WALK_MAX_DEPTH) {
		return push(list, dir, ELOOP);
	}
	if (is_maildir(dir)) {
		return walk_maildir(list, dir, depth);
	}
	return walk_files_of(list, dir, depth);
}

int
walk_add_input(struct walk_list *list, const char *path)
{
	struct stat st;
	/* Inputs named on the command line are followed even when they are
	 * links to directories. */
	if (stat(path, &st) != 0) {
		return push(list, path, errno);
	}
	if (S_ISDIR(st.st_mode)) {
		return walk_dir(list, path, 0);
	}
	return push(list, path, S_ISREG(st.st_mode) ? 0 : EINVAL);
}

void
walk_list_free(struct walk_list *list)
{
	for (size_t i = 0; i < list->num_items; i++) {
		free(list->items[i].path);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}
