/* clockshift.so — LD_PRELOAD'ed into one program run by a test so that
 * its wall clock reads as another day (TS_CLOCK_AT, seconds since the
 * epoch), moving on from there at the real pace.  Used by
 * tests/http/retention.t to run the real jobs worker "on" 2025-12-31 and
 * 2026-01-01: the rules that change with time (retention_rule) are picked
 * by the date the program reads from its clock, and the machine's clock
 * cannot be set back for one test.  Only CLOCK_REALTIME (and time(),
 * gettimeofday()) move; monotonic clocks are left alone.  Built by the
 * test: cc -shared -fPIC -o clockshift.so clockshift.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

/* The real clock_gettime, found once. */
static clock_gettime_fn real_clock_gettime(void)
{
    static clock_gettime_fn fn;
    if (!fn)
        fn = (clock_gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
    return fn;
}

/* Seconds to add to the real time: TS_CLOCK_AT minus the real time at the
 * first call. */
static time_t shift(void)
{
    static int known;
    static time_t delta;
    if (!known) {
        struct timespec now;
        const char *at = getenv("TS_CLOCK_AT");
        real_clock_gettime()(CLOCK_REALTIME, &now);
        delta = at ? (time_t)strtoll(at, NULL, 10) - now.tv_sec : 0;
        known = 1;
    }
    return delta;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
    int rc = real_clock_gettime()(id, ts);
    if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
        ts->tv_sec += shift();
    return rc;
}

time_t time(time_t *out)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (out)
        *out = ts.tv_sec;
    return ts.tv_sec;
}

int gettimeofday(struct timeval *tv, void *tz)
{
    struct timespec ts;
    (void)tz;
    clock_gettime(CLOCK_REALTIME, &ts);
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
    return 0;
}
