/*
 * main.c - the authsweep command line.
 *
 * The only place that may exit.  Bad usage gets one line on stderr and exit
 * status 2; everything else is the run's business (engine/run.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/digest.h"
#include "engine/run.h"
#include "engine/vcache.h"

#define AUTHSWEEP_VERSION "0.1.0"

static const char usage_text[] =
    "usage: authsweep verify [OPTIONS] INPUT...\n"
    "       authsweep canon [--c H/B] [--sig N] [--raw header|body] FILE\n"
    "       authsweep --help | --version\n"
    "\n"
    "INPUT is a message file, a maildir, a directory tree, an mbox (plain,\n"
    ".gz or .zst), or - for paths on standard input.\n"
    "  --keys FILE       DNS records from an RFC 1035 master file "
    "(repeatable);\n"
    "                    alone, it answers every lookup (offline)\n"
    "  --keys-archive DIR  dated snapshots (YYYY-MM-DD*): each lookup is\n"
    "                    answered by the newest one not newer than the "
    "message\n"
    "  --dns SERVER      live DNS through HOST[:PORT], 'system' "
    "(resolv.conf;\n"
    "                    the default without --keys), or 'none' "
    "(offline)\n"
    "  --dns-timeout MS  first timeout of a query (default 2000)\n"
    "  --dns-tries N     tries per query (default 3)\n"
    "  --dns-cache FILE  load the answers of earlier runs, save every "
    "answer\n"
    "  --now UNIXTIME    evaluate at this time instead of each message's\n"
    "                    arrival time (newest Received date, else mtime)\n"
    "  --format F        compact (default) or jsonl\n"
    "  -o FILE           write results to FILE (FILE.zst: compressed)\n"
    "  --resume          continue an interrupted run of the same -o FILE\n"
    "  -j N              worker threads (default: every core)\n"
    "  --io M            auto (default), uring or pread\n"
    "  --mbox-format F   auto (default), mboxrd or mboxo\n"
    "  -0                paths on standard input end in NUL, not newline\n"
    "  --progress        show progress even when stderr is not a terminal\n"
    "  --ingest-only     read every message, verify nothing, write no "
    "records\n"
    "  --no-verify-cache check every copy of a message again (by default\n"
    "                    copies share one public-key check per "
    "signature)\n"
    "  --no-diagnose     do not look for the mistake behind a failed hash\n"
    "  --copy-cache MB   memory for the bodies of copies, whose body hash\n"
    "                    is then reused (default 8; 0: hash every copy)\n";

static void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void
usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("authsweep: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs(" (try --help)\n", stderr);
	va_end(ap);
	exit(RUN_EXIT_USAGE);
}

static int64_t
parse_time(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v < 0) {
		usage_error("--now wants seconds since the epoch, not '%s'", s);
	}
	return (int64_t)v;
}

/* JOBS_MAX bounds -j: more threads than this only cost memory. */
#define JOBS_MAX 256

static unsigned
parse_jobs(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v < 1 ||
	    v > JOBS_MAX) {
		usage_error(
		    "-j wants a number of threads from 1 to %d, not '%s'",
		    JOBS_MAX, s);
	}
	return (unsigned)v;
}

/* parse_range parses a number from |min| to |max| for option |opt|. */
static unsigned
parse_range(const char *opt, const char *s, unsigned min, unsigned max)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v < min ||
	    v > max) {
		usage_error("%s wants a number from %u to %u, not '%s'", opt,
		    min, max, s);
	}
	return (unsigned)v;
}

static unsigned
parse_uint(const char *opt, const char *s, unsigned max)
{
	return parse_range(opt, s, 1, max);
}

static enum io_mode
parse_io(const char *s)
{
	if (strcmp(s, "auto") == 0) {
		return IO_AUTO;
	}
	if (strcmp(s, "uring") == 0 || strcmp(s, "io_uring") == 0) {
		return IO_URING;
	}
	if (strcmp(s, "pread") == 0) {
		return IO_PREAD;
	}
	usage_error("unknown --io '%s' (auto, uring or pread)", s);
}

static enum mbox_format
parse_mbox_format(const char *s)
{
	if (strcmp(s, "auto") == 0) {
		return MBOX_AUTO;
	}
	if (strcmp(s, "mboxrd") == 0) {
		return MBOX_RD;
	}
	if (strcmp(s, "mboxo") == 0) {
		return MBOX_O;
	}
	usage_error("unknown --mbox-format '%s' (auto, mboxrd or mboxo)", s);
}

static int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "now", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "resume", no_argument, NULL, 'r' },
		{ "io", required_argument, NULL, 'i' },
		{ "mbox-format", required_argument, NULL, 'm' },
		{ "progress", no_argument, NULL, 'p' },
		{ "ingest-only", no_argument, NULL, 'g' },
		{ "no-verify-cache", no_argument, NULL, 'V' },
		{ "copy-cache", required_argument, NULL, 'B' },
		{ "no-diagnose", no_argument, NULL, 'D' },
		{ "keys-archive", required_argument, NULL, 'K' },
		{ "dns", required_argument, NULL, 'd' },
		{ "dns-timeout", required_argument, NULL, 'T' },
		{ "dns-tries", required_argument, NULL, 'R' },
		{ "dns-cache", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.copy_cache_mb = VCACHE_BODY_MB;
	cfg.keys = calloc((size_t)argc, sizeof(*cfg.keys));
	if (cfg.keys == NULL) {
		fputs("authsweep: out of memory\n", stderr);
		return RUN_EXIT_USAGE;
	}
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	cfg.jobs = cpus > 0 ? (unsigned)cpus : 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+o:j:0h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			cfg.keys[cfg.num_keys++] = optarg;
			break;
		case 'K':
			cfg.keys_archive = optarg;
			break;
		case 'd':
			if (optarg[0] == '\0') {
				usage_error("--dns wants HOST[:PORT], system "
				            "or none");
			}
			cfg.dns = optarg;
			break;
		case 'T':
			cfg.dns_timeout_ms =
			    parse_uint("--dns-timeout", optarg, 600000);
			break;
		case 'R':
			cfg.dns_tries = parse_uint("--dns-tries", optarg, 20);
			break;
		case 'C':
			cfg.dns_cache = optarg;
			break;
		case 'n':
			cfg.have_now = true;
			cfg.now = parse_time(optarg);
			break;
		case 'f':
			if (strcmp(optarg, "compact") == 0) {
				cfg.format = FORMAT_COMPACT;
			} else if (strcmp(optarg, "jsonl") == 0) {
				cfg.format = FORMAT_JSONL;
			} else {
				usage_error("unknown --format '%s'", optarg);
			}
			break;
		case 'o':
			cfg.output = optarg;
			break;
		case 'j':
			cfg.jobs = parse_jobs(optarg);
			break;
		case '0':
			cfg.stdin_nul = true;
			break;
		case 'r':
			cfg.resume = true;
			break;
		case 'p':
			cfg.progress = true;
			break;
		case 'g':
			cfg.ingest_only = true;
			break;
		case 'V':
			cfg.no_verify_cache = true;
			break;
		case 'D':
			cfg.no_diagnose = true;
			break;
		case 'B':
			cfg.copy_cache_mb =
			    parse_range("--copy-cache", optarg, 0, 65536);
			break;
		case 'i':
			cfg.io = parse_io(optarg);
			break;
		case 'm':
			cfg.mbox_format = parse_mbox_format(optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case '?':
		default:
			usage_error("bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		usage_error("verify needs at least one INPUT");
	}
	if (cfg.resume && cfg.output == NULL) {
		usage_error("--resume needs -o FILE");
	}
	if (cfg.resume && cfg.ingest_only) {
		usage_error("--resume makes no sense with --ingest-only");
	}
	cfg.inputs = (const char **)argv + optind;
	cfg.num_inputs = (size_t)(argc - optind);
	if (!crypto_init()) {
		fputs("authsweep: OpenSSL lacks SHA-1 or SHA-256\n", stderr);
		return RUN_EXIT_USAGE;
	}
	int rc = run_verify(&cfg);
	crypto_cleanup();
	free(cfg.keys);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage_error("a command is needed: verify or canon");
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("authsweep " AUTHSWEEP_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "verify") == 0) {
		return cmd_verify(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "canon") == 0) {
		return cmd_canon(argc - 1, argv + 1);
	}
	usage_error("unknown command '%s'", argv[1]);
}
