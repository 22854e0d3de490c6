/* Unit tests of lib/ts_job's wake-up of an idle worker (ts_job_wake,
 * ts_job_wake_listen, ts_job_wake_wait): a real FIFO in a temp folder
 * named by worker.wake_fifo.  A wake ends the worker's wait at once; many
 * wakes are drained by one wait; a wake with no worker listening, with the
 * FIFO missing, or with the key unset neither blocks nor fails; a path
 * that is not a FIFO turns waking off (the worker then just polls) and is
 * never written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ts_config.h"
#include "ts_job.h"

static char base[] = "/tmp/ts-test-wake-XXXXXX";
static char fifo[PATH_MAX];

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A config naming fifo_path as worker.wake_fifo ("" leaves it unset). */
static void use_config(const char *fifo_path)
{
    char conf[PATH_MAX];
    snprintf(conf, sizeof conf, "%s/tuishui.hdf", base);
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f, "mode = test\n");
    if (fifo_path[0])
        fprintf(f, "worker.wake_fifo = %s\n", fifo_path);
    fclose(f);
    ts_config_free();
    assert_int_equal(ts_config_load(conf), 0);
}

/* How long ts_job_wake_wait(fd, timeout_ms) took, in seconds. */
static double wait_took(int fd, int timeout_ms)
{
    double t0 = now();
    ts_job_wake_wait(fd, timeout_ms);
    return now() - t0;
}

static void wake_ends_the_wait(void **state)
{
    (void)state;
    use_config(fifo);
    int fd = ts_job_wake_listen();
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_true(wait_took(fd, 300) >= 0.25); /* nothing written: the full wait */
    ts_job_wake();
    assert_true(wait_took(fd, 5000) < 1.0); /* woken at once */
    for (int i = 0; i < 100; i++)
        ts_job_wake();
    assert_true(wait_took(fd, 5000) < 1.0);
    assert_true(wait_took(fd, 300) >= 0.25); /* the hundred were drained by one wait */
    close(fd);
    /* a second listen finds the FIFO made and uses it */
    fd = ts_job_wake_listen();
    assert_true(fd >= 0);
    ts_job_wake();
    assert_true(wait_took(fd, 5000) < 1.0);
    close(fd);
}

static void wake_without_a_worker(void **state)
{
    (void)state;
    use_config(fifo);
    double t0 = now();
    ts_job_wake(); /* the FIFO is there, nobody reads it: ENXIO, no block */
    unlink(fifo);
    ts_job_wake(); /* no FIFO at all */
    use_config("");
    ts_job_wake(); /* no key */
    assert_true(now() - t0 < 1.0);
    assert_int_equal(ts_job_wake_listen(), -1);
    assert_true(wait_took(-1, 200) >= 0.15); /* no FIFO: the worker just sleeps */
}

static void not_a_fifo(void **state)
{
    (void)state;
    char plain[PATH_MAX];
    snprintf(plain, sizeof plain, "%s/plain", base);
    int fd = open(plain, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    close(fd);
    use_config(plain);
    assert_int_equal(ts_job_wake_listen(), -1);
    ts_job_wake(); /* a plain file is never written */
    struct stat st;
    assert_int_equal(stat(plain, &st), 0);
    assert_int_equal(st.st_size, 0);
    unlink(plain);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(base))
        return -1;
    snprintf(fifo, sizeof fifo, "%s/worker.wake", base);
    return 0;
}

static int teardown(void **state)
{
    char conf[PATH_MAX];
    (void)state;
    snprintf(conf, sizeof conf, "%s/tuishui.hdf", base);
    unlink(fifo);
    unlink(conf);
    ts_config_free();
    return rmdir(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wake_ends_the_wait),
        cmocka_unit_test(wake_without_a_worker),
        cmocka_unit_test(not_a_fifo),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
