/*
 * progress.c - the live progress line (see progress.h).
 */
#include "engine/progress.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine/source.h"

struct progress {
	const struct run_config *cfg;
	bool tty;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	_Atomic uint64_t messages, bytes, in_bytes, total;
	double t0;
};

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
draw(struct progress *p)
{
	double dt = now_s() - p->t0;
	uint64_t m = atomic_load(&p->messages), b = atomic_load(&p->bytes);
	uint64_t in = atomic_load(&p->in_bytes), total = atomic_load(&p->total);
	char eta[64] = "";
	if (total > 0 && in > 0 && dt > 0.5) {
		double frac = (double)in / (double)total;
		double left = frac < 1 ? dt / frac - dt : 0;
		snprintf(eta, sizeof(eta), ", %.0f%% done, ETA %d:%02d",
		    frac * 100 > 100 ? 100 : frac * 100, (int)(left / 60),
		    (int)left % 60);
	}
	fprintf(stderr, "%sauthsweep: %llu msgs, %.0f msg/s, %.1f MB/s%s%s",
	    p->tty ? "\r\033[K" : "", (unsigned long long)m,
	    dt > 0 ? (double)m / dt : 0.0, dt > 0 ? (double)b / dt / 1e6 : 0.0,
	    eta, p->tty ? "" : "\n");
	fflush(stderr);
}

static void *
progress_main(void *arg)
{
	struct progress *p = arg;
	atomic_store(&p->total, source_count_bytes(p->cfg));
	double period = p->tty ? 0.25 : 5.0;
	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		long ns = ts.tv_nsec + (long)(period * 1e9);
		ts.tv_sec += ns / 1000000000L;
		ts.tv_nsec = ns % 1000000000L;
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
		if (!p->stop) {
			draw(p);
		}
	}
	pthread_mutex_unlock(&p->mu);
	if (p->tty) {
		fputs("\r\033[K", stderr);
	} else {
		draw(p); /* the final state, however short the run */
	}
	return NULL;
}

struct progress *
progress_start(const struct run_config *cfg, bool tty)
{
	if (!tty && !cfg->progress) {
		return NULL;
	}
	struct progress *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		return NULL;
	}
	p->cfg = cfg;
	p->tty = tty;
	p->t0 = now_s();
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->thread, NULL, progress_main, p) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

void
progress_update(
    struct progress *p, uint64_t messages, uint64_t bytes, uint64_t in_bytes)
{
	if (p != NULL) {
		atomic_store(&p->messages, messages);
		atomic_store(&p->bytes, bytes);
		atomic_store(&p->in_bytes, in_bytes);
	}
}

void
progress_stop(struct progress *p)
{
	if (p == NULL) {
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}
