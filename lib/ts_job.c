/* ts_job — the job table's state changes (see ts_job.h). */
#include "ts_job.h"

#include "ts_arena.h"
#include "ts_config.h"
#include "ts_db.h"
#include "ts_log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int ts_job_create(struct ts_db *db, int64_t ent_id, const char *kind, int64_t ref_id,
                  int64_t created_by, int64_t *id)
{
    struct ts_db_result res;
    if (ts_db_exec(db, "INSERT INTO job (ent_id, kind, ref_id, created_by) VALUES (?, ?, ?, ?)",
                   TS_ARGS(ent_id > 0 ? TS_I64(ent_id) : TS_NULL, TS_STR(kind),
                           ref_id > 0 ? TS_I64(ref_id) : TS_NULL,
                           created_by > 0 ? TS_I64(created_by) : TS_NULL),
                   &res) < 0)
        return -1;
    *id = (int64_t)res.insert_id;
    return 0;
}

/* Mark the locked row running; the caller commits. */
static int mark_running(struct ts_db *db, int64_t id)
{
    return ts_db_exec(db,
                      "UPDATE job SET status = 'running', started_at = NOW(), worker_pid = ?"
                      " WHERE id = ? AND status = 'queued'",
                      TS_ARGS(TS_I64(getpid()), TS_I64(id)), NULL);
}

/* GET_LOCK on the claiming session; 1 held, 0 another session holds it
 * (the dead worker's session not yet ended), -1 error. */
static int take_lock(struct ts_db *db, struct ts_arena *a, int64_t id)
{
    struct ts_db_rows r;
    if (ts_db_query(db, a, "SELECT IFNULL(GET_LOCK(CONCAT('ts_job_', ?), 0), 0) AS got",
                    TS_ARGS(TS_I64(id)), &r) < 0 ||
        r.nrows != 1)
        return -1;
    return ts_db_cell_i64(&r, 0, "got") == 1;
}

void ts_job_release(struct ts_db *db, int64_t id)
{
    struct ts_arena *a = ts_arena_new(1024);
    struct ts_db_rows r;
    if (a && ts_db_query(db, a, "SELECT RELEASE_LOCK(CONCAT('ts_job_', ?)) AS r",
                         TS_ARGS(TS_I64(id)), &r) < 0)
        ts_log_error("job %lld: releasing its lock failed", (long long)id);
    if (a)
        ts_arena_free(a);
}

int ts_job_recover(struct ts_db *db)
{
    struct ts_db_result res;
    if (ts_db_exec(db,
                   "UPDATE job SET status = 'queued', worker_pid = NULL, started_at = NULL,"
                   " progress_done = 0 WHERE status = 'running'"
                   " AND IS_FREE_LOCK(CONCAT('ts_job_', id)) = 1",
                   TS_NOARGS, &res) < 0)
        return -1;
    return (int)res.affected;
}

int ts_job_requeue(struct ts_db *db, int64_t id)
{
    return ts_db_exec(db,
                      "UPDATE job SET status = 'queued', worker_pid = NULL, started_at = NULL,"
                      " progress_done = 0 WHERE id = ? AND status = 'running' AND worker_pid = ?",
                      TS_ARGS(TS_I64(id), TS_I64(getpid())), NULL) < 0
               ? -1
               : 0;
}

/* SKIP LOCKED: two workers never wait on, or take, the same job.  The
 * named lock is taken before the claim commits, so ts_job_recover (which
 * waits for the row) never sees the job running with its lock free. */
int ts_job_claim(struct ts_db *db, struct ts_job *job)
{
    struct ts_arena *a = ts_arena_new(4096);
    struct ts_db_rows r;
    int rc = -1;
    if (!a || ts_db_begin(db) < 0)
        goto out;
    if (ts_db_query(db, a,
                    "SELECT id, IFNULL(ent_id, 0) AS ent_id, IFNULL(ref_id, 0) AS ref_id,"
                    " IFNULL(created_by, 0) AS created_by, kind FROM job"
                    " WHERE status = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
                    TS_NOARGS, &r) < 0)
        goto rollback;
    if (r.nrows == 0) {
        rc = ts_db_commit(db) < 0 ? -1 : 0;
        goto out;
    }
    *job = (struct ts_job){
        .id = ts_db_cell_i64(&r, 0, "id"),
        .ent_id = ts_db_cell_i64(&r, 0, "ent_id"),
        .ref_id = ts_db_cell_i64(&r, 0, "ref_id"),
        .created_by = ts_db_cell_i64(&r, 0, "created_by"),
    };
    snprintf(job->kind, sizeof job->kind, "%s", ts_db_cell(&r, 0, "kind"));
    int locked = take_lock(db, a, job->id);
    if (locked <= 0) {
        ts_db_rollback(db);
        rc = locked < 0 ? -1 : 0;
        goto out;
    }
    if (mark_running(db, job->id) < 0) {
        ts_job_release(db, job->id);
        goto rollback;
    }
    rc = ts_db_commit(db) < 0 ? -1 : 1;
    goto out;
rollback:
    ts_db_rollback(db);
out:
    if (a)
        ts_arena_free(a);
    return rc;
}

/* Called while the job runs, on a connection outside any transaction:
 * autocommit makes it visible at once. */
int ts_job_progress(struct ts_db *db, int64_t id, int64_t done, int64_t total)
{
    if (ts_db_exec(db, "UPDATE job SET progress_done = ?, progress_total = ? WHERE id = ?",
                   TS_ARGS(TS_I64(done), TS_I64(total), TS_I64(id)), NULL) < 0)
        return -1;
    return 0;
}

int ts_job_finish(struct ts_db *db, int64_t id, bool ok, const char *message)
{
    if (ts_db_exec(db,
                   "UPDATE job SET status = ?, message = LEFT(?, 500), finished_at = NOW(),"
                   " progress_done = IF(? = 'done', progress_total, progress_done)"
                   " WHERE id = ? AND status = 'running' AND worker_pid = ?",
                   TS_ARGS(TS_STR(ok ? "done" : "failed"), TS_STR(message ? message : ""),
                           TS_STR(ok ? "done" : "failed"), TS_I64(id), TS_I64(getpid())),
                   NULL) < 0) {
        ts_log_error("job %lld: recording its end failed", (long long)id);
        return -1;
    }
    return 0;
}

/* One byte into the FIFO; ENXIO (no worker has it open), ENOENT (none
 * made it yet) and EAGAIN (a wake is pending already) are all fine.  A
 * path that is not a FIFO (a misconfiguration) is never written. */
void ts_job_wake(void)
{
    const char *path = ts_config_str("worker.wake_fifo", NULL);
    struct stat st;
    if (!path || !*path)
        return;
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return;
    if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
        ts_log_warn("job: worker.wake_fifo %s is not a FIFO", path);
    else if (write(fd, "j", 1) < 0 && errno != EAGAIN)
        ts_log_warn("job: waking the worker through %s: %s", path, strerror(errno));
    close(fd);
}

/* Made by the worker, not the stack script, so any worker finds it (a
 * stale plain file there is refused, not replaced). */
int ts_job_wake_listen(void)
{
    const char *path = ts_config_str("worker.wake_fifo", NULL);
    struct stat st;
    if (!path || !*path)
        return -1;
    if (mkfifo(path, 0660) < 0 && errno != EEXIST) {
        ts_log_error("job: mkfifo %s: %s", path, strerror(errno));
        return -1;
    }
    if (lstat(path, &st) < 0 || !S_ISFIFO(st.st_mode)) {
        ts_log_error("job: %s is not a FIFO; waking is off", path);
        return -1;
    }
    int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        ts_log_error("job: open %s: %s", path, strerror(errno));
    return fd;
}

/* Drained whole: many wakes while a job ran are one look, not many. */
void ts_job_wake_wait(int fd, int timeout_ms)
{
    char buf[256];
    if (fd < 0) {
        struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        return;
    }
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) > 0)
        while (read(fd, buf, sizeof buf) > 0)
            ;
}
