/* ts_job — long work as rows of the job table (design.md "Shape").
 *
 * A page that has long work to do (a large import) creates a job and
 * returns at once; tools/ts-worker claims queued jobs one at a time, runs
 * the handler of the job's kind and records progress while it runs, so
 * the page can show a progress bar.  States: queued → running → done |
 * failed; nothing else moves a job.
 *
 * ts_job_claim runs in its own short transaction; ts_job_progress is
 * meant for a second connection of the worker, in autocommit, so progress
 * is visible to the page while the job's own transaction is still open.
 *
 * Recovery: the claiming connection holds the MariaDB named lock
 * "ts_job_<id>" (GET_LOCK) for as long as it runs the job.  The server
 * releases a named lock when its session ends, so a worker that died (kill
 * -9, crash, lost host) leaves a running job whose lock is free, whichever
 * host it ran on; ts_job_recover puts such jobs back to queued.  Its open
 * transaction was rolled back by the server in the same moment, so the
 * job starts again from nothing.  A worker that hangs while connected is
 * ended by the server's wait_timeout, with the same effect.
 *
 * Waking: MariaDB has no LISTEN/NOTIFY, so an idle worker would only see a
 * new job at its next look.  The worker makes a FIFO at worker.wake_fifo
 * (config; scripts/stack.sh: $VAR/run/worker.wake) and waits on it between
 * looks; a request that created a job sets ts_ctx.wake_jobs and, once its
 * transaction has committed (never before: the worker would find nothing),
 * lib/ts_app calls ts_job_wake, which writes one byte without blocking.
 * Only a hint: with no FIFO, no reader or a full pipe nothing happens and
 * the worker's own looks (every second when it has the FIFO, else every
 * 200 ms) find the job all the same. */
#ifndef TS_JOB_H
#define TS_JOB_H

#include <stdbool.h>
#include <stdint.h>

struct ts_db;

struct ts_job {
    int64_t id;
    int64_t ent_id; /* 0: no enterprise */
    int64_t ref_id; /* 0: none */
    int64_t created_by;
    char kind[33];
};

/* A queued job; in the caller's transaction (the request's).  -1 on a
 * database error. */
int ts_job_create(struct ts_db *db, int64_t ent_id, const char *kind, int64_t ref_id,
                  int64_t created_by, int64_t *id);
/* Take the oldest queued job, marked running with this process's pid, and
 * its named lock (held by db's session until ts_job_release).  1 taken, 0
 * none queued, -1 database error. */
int ts_job_claim(struct ts_db *db, struct ts_job *job);
/* Let go of the job's named lock once the job is finished or requeued. */
void ts_job_release(struct ts_db *db, int64_t id);
/* Put back to queued every running job whose worker is gone (its named lock
 * is free).  The number of jobs requeued, or -1 on a database error. */
int ts_job_recover(struct ts_db *db);
/* This worker gives the job back (stopping): queued again, progress reset. */
int ts_job_requeue(struct ts_db *db, int64_t id);
/* done of total units finished; committed at once. */
int ts_job_progress(struct ts_db *db, int64_t id, int64_t done, int64_t total);
/* Wake an idle worker (see above): never blocks, never fails the caller. */
void ts_job_wake(void);
/* The worker's end of the FIFO, made if missing and opened for reading
 * without blocking (O_RDWR, so it never reads end-of-file): the fd, or -1
 * when worker.wake_fifo is unset or unusable (logged). */
int ts_job_wake_listen(void);
/* Wait up to timeout_ms for a wake on fd (-1: just sleep), then drain it. */
void ts_job_wake_wait(int fd, int timeout_ms);

/* The job's end: done or failed, with a Chinese message for the page.  Only
 * while this process holds it (status running, worker_pid ours); a worker
 * may call it inside the job's transaction so the end commits with the
 * work. */
int ts_job_finish(struct ts_db *db, int64_t id, bool ok, const char *message);

#endif
