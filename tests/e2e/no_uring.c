/*
 * no_uring.c - run a command in which io_uring_setup(2) fails, as it does
 * under the default seccomp profiles of container runtimes (EPERM) or on
 * kernels built without io_uring (ENOSYS).
 *
 *     no_uring EPERM|ENOSYS COMMAND [ARG]...
 *
 * It installs a seccomp filter that makes io_uring_setup return the given
 * errno, allows every other system call, and executes COMMAND.  The
 * end-to-end tests use it to show that --io auto falls back to pread and
 * that --io uring then fails with a usage error.  x86-64 only (the
 * project's CI machines); elsewhere it exits 77, which the tests take as
 * a skip.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	if (argc < 3 ||
	    (strcmp(argv[1], "EPERM") != 0 && strcmp(argv[1], "ENOSYS") != 0)) {
		fprintf(
		    stderr, "usage: no_uring EPERM|ENOSYS COMMAND [ARG]...\n");
		return 2;
	}
#if defined(__x86_64__) && defined(__NR_io_uring_setup)
	unsigned err = strcmp(argv[1], "EPERM") == 0 ? EPERM : ENOSYS;
	struct sock_filter filter[] = {
		/* Any other architecture: allow (no io_uring numbers known). */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & 0xffff)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(filter) / sizeof(filter[0]), filter };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		perror("no_uring: seccomp");
		return 77;
	}
	execvp(argv[2], argv + 2);
	perror("no_uring: exec");
	return 127;
#else
	return 77;
#endif
}
