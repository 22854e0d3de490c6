/* ts-worker — the jobs worker (design.md "Shape"): takes queued rows of the
 * job table one at a time and runs each by its kind.
 *
 *   TUISHUI_CONF=$VAR/etc/tuishui.hdf ts-worker
 *
 * Started by scripts/stack.sh (pid file $VAR/run/worker.pid, stderr to
 * $VAR/log/worker.log).  Idle, it looks for work every 200 ms.  SIGTERM or
 * SIGINT lets the job in hand finish, then the worker exits 0.  A handler
 * returns 0 (done) or non-zero (failed) with a Chinese message for the page;
 * several workers may run at once (ts_job_claim skips locked rows). */
#include "ts_config.h"
#include "ts_db.h"
#include "ts_declist.h"
#include "ts_job.h"
#include "ts_log.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IDLE_NS  (200L * 1000 * 1000)
#define MSG_SIZE 500

typedef int (*job_fn)(struct ts_db *db, const struct ts_job *job, char *msg, size_t n);

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
    (void)sig;
    stopping = 1;
}

struct progress_ctx {
    struct ts_db *db;
    int64_t job_id;
};

static int report_progress(void *ctx, int64_t done, int64_t total)
{
    struct progress_ctx *p = ctx;
    return ts_job_progress(p->db, p->job_id, done, total);
}

/* declist.import: 生成关单清册 of a large upload (lib/ts_declist). */
static int run_declist_import(struct ts_db *db, const struct ts_job *job, char *msg, size_t n)
{
    struct progress_ctx p = {db, job->id};
    return ts_declist_import(db, job->ref_id, true, report_progress, &p, msg, n) == 0 ? 0 : -1;
}

static const struct {
    const char *kind;
    job_fn run;
} handlers[] = {
    {"declist.import", run_declist_import},
};

/* Run one claimed job by its kind and record its end. */
static void run_job(struct ts_db *db, const struct ts_job *job)
{
    char msg[MSG_SIZE] = "";
    int rc = -1;
    size_t i;
    for (i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (strcmp(handlers[i].kind, job->kind) == 0)
            break;
    if (i == sizeof handlers / sizeof handlers[0]) {
        ts_log_error("worker: job %lld has unknown kind %s", (long long)job->id, job->kind);
        snprintf(msg, sizeof msg, "未知的任务类型");
    } else {
        ts_log_info("worker: job %lld %s started", (long long)job->id, job->kind);
        rc = handlers[i].run(db, job, msg, sizeof msg);
    }
    if (ts_db_in_transaction(db))
        ts_db_rollback(db);
    ts_job_finish(db, job->id, rc == 0, msg);
    ts_log_info("worker: job %lld %s: %s", (long long)job->id, rc == 0 ? "done" : "failed", msg);
}

int main(void)
{
    struct sigaction sa = {.sa_handler = on_term};
    if (ts_config_load(getenv("TUISHUI_CONF")) < 0) {
        fprintf(stderr, "usage: TUISHUI_CONF=... ts-worker\n");
        return 2;
    }
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    struct ts_db *db = ts_db_open();
    if (!db) {
        ts_log_error("worker: cannot connect to the database");
        return 1;
    }
    ts_log_info("worker: started (pid %d)", (int)getpid());
    while (!stopping) {
        struct ts_job job;
        int got = ts_job_claim(db, &job);
        if (got > 0) {
            run_job(db, &job);
            continue;
        }
        struct timespec ts = {0, got < 0 ? IDLE_NS * 5 : IDLE_NS};
        nanosleep(&ts, NULL);
    }
    ts_log_info("worker: stopping");
    ts_db_close(db);
    ts_config_free();
    return 0;
}
