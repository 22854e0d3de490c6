/* ts-worker — the jobs worker (design.md "Shape"): takes queued rows of the
 * job table one at a time and runs each by its kind.
 *
 *   TUISHUI_CONF=$VAR/etc/tuishui.hdf ts-worker
 *   TUISHUI_CONF=$VAR/etc/tuishui.hdf ts-worker --sweep-once
 *
 * Started by scripts/stack.sh (pid file $VAR/run/worker.pid, stderr to
 * $VAR/log/worker.log).  Idle, it waits on the FIFO worker.wake_fifo,
 * which a request writes to once it has committed a new job (ts_job_wake),
 * and looks for work at least every second; without the FIFO it looks
 * every 200 ms.  Several workers may run at once (ts_job_claim skips
 * locked rows).
 *
 * Sweeps, between jobs: every worker.sweep_interval seconds (300) the
 * ZIPs of export jobs past their 24 hours are removed and the jobs marked
 * removed (the page says 已过期); every store.sweep_interval seconds
 * (3600, the first one an interval after the start) the store files no
 * row names and tmp-* files, older than store.orphan_age seconds (86400),
 * are removed (ts_store_sweep, docs/uploads.md), and on the same timer the
 * customs import files (tmp.dir/customs-import/<id>.xml) older than
 * customs.import_orphan_age (store.orphan_age) whose import is not queued
 * or running (ts_cdecl_import_sweep, docs/declarations.md).  --sweep-once
 * does all at once, says what it did on stdout and exits (0, or 1 when
 * something failed).
 *
 * A job runs in ONE transaction on the worker's first connection, together
 * with the job's end (done): a job is all done or not done at all, never
 * half-written.  Progress, and the failure or requeue after a rollback,
 * go through a second connection in autocommit, so the page sees the
 * progress while the job's transaction is open.
 *
 * Recovery (lib/ts_job.h): at start and every RECOVER_S seconds the worker
 * puts back to queued the running jobs whose worker died.  SIGTERM or
 * SIGINT stops the job in hand at its next progress report: its
 * transaction is rolled back and the job queued again for the next worker
 * (or the one after a restart); a job past its last report finishes.  Then
 * the worker exits 0. */
#include "ts_arena.h"
#include "ts_config.h"
#include "ts_customs_decl.h"
#include "ts_db.h"
#include "ts_declist.h"
#include "ts_export.h"
#include "ts_job.h"
#include "ts_log.h"
#include "ts_rgaudit.h"
#include "ts_store.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#define IDLE_MS      200  /* between looks for work, without the FIFO */
#define IDLE_WAKE_MS 1000 /* with it: a missed wake costs at most this */
#define RECOVER_S    5
#define MSG_SIZE     500

#define EXPORT_SWEEP_S 300   /* worker.sweep_interval */
#define STORE_SWEEP_S  3600  /* store.sweep_interval */
#define ORPHAN_AGE_S   86400 /* store.orphan_age: a day */

/* What a job's handler says: done (the caller records the end and
 * commits), failed (rolled back, failed with msg), stopped (rolled back,
 * queued again). */
enum job_rc { JOB_DONE, JOB_FAILED, JOB_STOPPED };

/* The worker's two connections: db runs the job's transaction, pdb writes
 * progress and outcomes in autocommit. */
struct conns {
    struct ts_db *db, *pdb;
};

struct job_kind {
    const char *kind;
    enum job_rc (*run)(const struct conns *cn, const struct ts_job *job, char *msg, size_t n);
    /* after the rollback: the job's own rows say failed (or queued) */
    void (*undo)(const struct conns *cn, const struct ts_job *job, enum job_rc rc, const char *msg);
    /* may be NULL; after the commit of a done job: what may go only then */
    void (*committed)(const struct ts_job *job);
};

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
    (void)sig;
    stopping = 1;
}

struct progress_ctx {
    struct ts_db *pdb;
    int64_t job_id;
};

/* Progress through the second connection; non-zero asks the job to stop. */
static int report_progress(void *ctx, int64_t done, int64_t total)
{
    struct progress_ctx *p = ctx;
    if (ts_job_progress(p->pdb, p->job_id, done, total) < 0)
        ts_log_error("worker: job %lld: progress not recorded", (long long)p->job_id);
    return stopping ? 1 : 0;
}

/* declist.import: 生成关单清册 of a large upload (lib/ts_declist), in the
 * job's transaction. */
static enum job_rc run_declist_import(const struct conns *cn, const struct ts_job *job, char *msg,
                                      size_t n)
{
    struct progress_ctx p = {cn->pdb, job->id};
    ts_declist_set_status(cn->pdb, job->ref_id, "running", "");
    int rc = ts_declist_import(cn->db, job->ref_id, report_progress, &p, msg, n);
    if (rc == 0)
        return JOB_DONE;
    return rc == TS_DECLIST_STOPPED ? JOB_STOPPED : JOB_FAILED;
}

/* The upload says failed with the reason, or queued when stopped. */
static void undo_declist_import(const struct conns *cn, const struct ts_job *job, enum job_rc rc,
                                const char *msg)
{
    if (ts_declist_set_status(cn->pdb, job->ref_id, rc == JOB_STOPPED ? "queued" : "failed", msg) <
        0)
        ts_log_error("worker: upload %lld: status not recorded", (long long)job->ref_id);
}

/* Remove the ZIPs of export jobs past their expires_at (any enterprise's),
 * in autocommit: not undone with a job.  The file goes first, then the
 * row says removed (the page: 已过期), so a row never says removed while
 * its file is there.  The number removed, or -1 on an error. */
static int remove_expired_exports(struct ts_db *pdb)
{
    struct ts_arena *a = ts_arena_new(16384);
    struct ts_db_rows r;
    char path[PATH_MAX];
    int n = 0;
    if (!a)
        return -1;
    if (ts_db_query(pdb, a,
                    "SELECT id FROM docexport_job WHERE removed_at IS NULL"
                    " AND expires_at <= NOW() ORDER BY id LIMIT 1000",
                    TS_NOARGS, &r) < 0)
        n = -1;
    for (size_t i = 0; n >= 0 && i < r.nrows; i++) {
        int64_t id = ts_db_cell_i64(&r, i, "id");
        if (ts_export_job_file(id, path, sizeof path) < 0 ||
            (unlink(path) < 0 && errno != ENOENT) ||
            ts_db_exec(pdb, "UPDATE docexport_job SET removed_at = NOW() WHERE id = ?",
                       TS_ARGS(TS_I64(id)), NULL) < 0) {
            ts_log_error("worker: export job %lld: expired ZIP not removed", (long long)id);
            n = -1;
            break;
        }
        n++;
    }
    ts_arena_free(a);
    return n;
}

/* docexport.zip: 【导出ZIP】 of a large query (cgi-bin/docexport) with
 * lib/ts_export, the code of a ZIP made in the request, into
 * <tmp.dir>/docexport/job-<id>.zip (kept TS_EXPORT_JOB_KEEP_HOURS hours).
 * The ZIP is written as .part and renamed when whole. */
static enum job_rc run_docexport_zip(const struct conns *cn, const struct ts_job *job, char *msg,
                                     size_t n)
{
    struct progress_ctx p = {cn->pdb, job->id};
    struct ts_arena *a = ts_arena_new(16384);
    struct ts_db_rows r;
    char path[PATH_MAX], part[PATH_MAX + 8];
    enum job_rc rc = JOB_FAILED;
    snprintf(msg, n, "生成ZIP失败，请稍后重新导出");
    if (!a || ts_export_job_file(job->ref_id, path, sizeof path) < 0)
        goto out;
    snprintf(part, sizeof part, "%s.part", path);
    if (ts_db_query(cn->db, a,
                    "SELECT ent_id, status_filter, decl_no, period FROM docexport_job"
                    " WHERE ent_id = ? AND id = ?",
                    TS_ARGS(TS_I64(job->ent_id), TS_I64(job->ref_id)), &r) < 0)
        goto out;
    if (r.nrows != 1) {
        snprintf(msg, n, "导出任务不存在");
        goto out;
    }
    struct ts_export_query q = {
        .ent_id = ts_db_cell_i64(&r, 0, "ent_id"),
        .status = ts_db_cell(&r, 0, "status_filter"),
        .decl_no = ts_db_cell(&r, 0, "decl_no"),
        .period = ts_db_cell(&r, 0, "period"),
    };
    int64_t ndecls = ts_export_zip_query(cn->db, &q, part, ts_config_str("tmp.dir", "/tmp"),
                                         report_progress, &p);
    if (ndecls == TS_EXPORT_STOPPED) {
        rc = JOB_STOPPED;
        goto out;
    }
    if (ndecls == 0)
        snprintf(msg, n, "没有符合条件的报关单，未导出");
    if (ndecls <= 0)
        goto out;
    struct stat st;
    if (stat(part, &st) < 0 || rename(part, path) < 0) {
        ts_log_error("worker: export job %lld: cannot keep %s", (long long)job->ref_id, path);
        goto out;
    }
    if (ts_db_exec(cn->db,
                   "UPDATE docexport_job SET decl_count = ?, zip_bytes = ?,"
                   " expires_at = NOW() + INTERVAL ? HOUR WHERE id = ?",
                   TS_ARGS(TS_I64(ndecls), TS_I64((int64_t)st.st_size),
                           TS_I64(TS_EXPORT_JOB_KEEP_HOURS), TS_I64(job->ref_id)),
                   NULL) < 0) {
        unlink(path);
        goto out;
    }
    snprintf(msg, n, "ZIP已生成：%lld 个报关单", (long long)ndecls);
    rc = JOB_DONE;
out:
    if (rc != JOB_DONE)
        unlink(part);
    if (a)
        ts_arena_free(a);
    return rc;
}

/* Nothing of a failed or stopped export is kept (the job says why). */
static void undo_docexport_zip(const struct conns *cn, const struct ts_job *job, enum job_rc rc,
                               const char *msg)
{
    char path[PATH_MAX];
    (void)cn, (void)rc, (void)msg;
    if (ts_export_job_file(job->ref_id, path, sizeof path) == 0)
        unlink(path);
}

/* customs.import: 报关单发布 of a large XML file (lib/ts_customs_decl), in
 * the job's transaction; progress in bytes of the file read. */
static enum job_rc run_customs_import(const struct conns *cn, const struct ts_job *job, char *msg,
                                      size_t n)
{
    struct progress_ctx p = {cn->pdb, job->id};
    int rc = ts_cdecl_import_job(cn->db, cn->pdb, job->ref_id, report_progress, &p, msg, n);
    if (rc == 0)
        return JOB_DONE;
    return rc == TS_CDECL_IMPORT_STOPPED ? JOB_STOPPED : JOB_FAILED;
}

/* The import row says failed (or queued when stopped). */
static void undo_customs_import(const struct conns *cn, const struct ts_job *job, enum job_rc rc,
                                const char *msg)
{
    ts_cdecl_import_undo(cn->pdb, job->ref_id, rc == JOB_STOPPED, msg);
}

/* The imported file goes once the import is committed, never before
 * (a crash in between would leave a queued job without its file). */
static void committed_customs_import(const struct ts_job *job)
{
    ts_cdecl_import_committed(job->ref_id);
}

/* retgoods.receive / retgoods.audit: customs' reception and electronic
 * audit of a submitted 出口退货 record (lib/ts_rgaudit), each one
 * transition in the job's transaction; reception queues the audit. */
static enum job_rc run_retgoods(const struct conns *cn, const struct ts_job *job, char *msg,
                                size_t n)
{
    struct ts_arena *a = ts_arena_new(16384);
    if (!a)
        return JOB_FAILED;
    int rc = strcmp(job->kind, "retgoods.receive") == 0
                 ? ts_rgaudit_receive_job(cn->db, a, job->ref_id, job->created_by, msg, n)
                 : ts_rgaudit_audit_job(cn->db, a, job->ref_id, msg, n);
    ts_arena_free(a);
    if (rc < 0)
        snprintf(msg, n, "数据库错误，海关处理未完成");
    return rc < 0 ? JOB_FAILED : JOB_DONE;
}

/* A failed reception: the record 1 → 2 提交失败 so it can be submitted
 * again (a stopped one stays in 1, its job queued again). */
static void undo_retgoods_receive(const struct conns *cn, const struct ts_job *job, enum job_rc rc,
                                  const char *msg)
{
    if (rc == JOB_FAILED)
        ts_rgaudit_receive_undo(cn->pdb, job->ref_id, msg);
}

/* A failed audit leaves the record in 3 海关接收成功 (it did nothing the
 * enterprise must redo); lib/ts_job has no delayed retry, so the log and
 * the job's row say how to queue it again once the database is back
 * (ts-admin retgoods-requeue, docs/retgoods.md). */
static void undo_retgoods_audit(const struct conns *cn, const struct ts_job *job, enum job_rc rc,
                                const char *msg)
{
    (void)cn, (void)rc;
    ts_log_error("worker: retgoods %lld: electronic audit failed: %s; the record stays in 3,"
                 " queue it again with: ts-admin retgoods-requeue %lld",
                 (long long)job->ref_id, msg, (long long)job->ref_id);
}

static const struct job_kind kinds[] = {
    {"declist.import", run_declist_import, undo_declist_import, NULL},
    {"docexport.zip", run_docexport_zip, undo_docexport_zip, NULL},
    {"customs.import", run_customs_import, undo_customs_import, committed_customs_import},
    {"retgoods.receive", run_retgoods, undo_retgoods_receive, NULL},
    {"retgoods.audit", run_retgoods, undo_retgoods_audit, NULL},
};

static const struct job_kind *kind_of(const struct ts_job *job)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].kind, job->kind) == 0)
            return &kinds[i];
    return NULL;
}

/* The handler in the job's transaction, with the job's end in it when
 * done.  Returns what happened; msg says it in Chinese. */
static enum job_rc run_in_transaction(const struct conns *cn, const struct job_kind *k,
                                      const struct ts_job *job, char *msg, size_t n)
{
    if (ts_db_begin(cn->db) < 0) {
        snprintf(msg, n, "任务未能开始，请稍后重试");
        return JOB_FAILED;
    }
    enum job_rc rc = k->run(cn, job, msg, n);
    if (rc == JOB_DONE &&
        (ts_job_finish(cn->db, job->id, true, msg) < 0 || ts_db_commit(cn->db) < 0)) {
        snprintf(msg, n, "保存导入结果失败，本次导入已全部撤销，请稍后重试");
        rc = JOB_FAILED;
    }
    if (ts_db_in_transaction(cn->db))
        ts_db_rollback(cn->db);
    else if (rc == JOB_DONE && k->committed)
        k->committed(job);
    return rc;
}

/* Run one claimed job by its kind and record its end. */
static void run_job(const struct conns *cn, const struct ts_job *job)
{
    char msg[MSG_SIZE] = "";
    enum job_rc rc = JOB_FAILED;
    const struct job_kind *k = kind_of(job);
    if (!k) {
        ts_log_error("worker: job %lld has unknown kind %s", (long long)job->id, job->kind);
        snprintf(msg, sizeof msg, "未知的任务类型");
    } else {
        ts_log_info("worker: job %lld %s started", (long long)job->id, job->kind);
        rc = run_in_transaction(cn, k, job, msg, sizeof msg);
    }
    if (rc != JOB_DONE && k)
        k->undo(cn, job, rc, msg);
    if (rc == JOB_STOPPED)
        ts_job_requeue(cn->pdb, job->id);
    else if (rc == JOB_FAILED)
        ts_job_finish(cn->pdb, job->id, false, msg);
    ts_job_release(cn->db, job->id);
    ts_log_info("worker: job %lld %s: %s", (long long)job->id,
                rc == JOB_DONE      ? "done"
                : rc == JOB_STOPPED ? "requeued"
                                    : "failed",
                msg);
}

/* The store sweep's stop check: SIGTERM ends a long walk too. */
static bool is_stopping(void)
{
    return stopping != 0;
}

/* The store sweep (ts_store_sweep) with the configured age; logged.  -1
 * when it failed or skipped something. */
static int sweep_store(struct ts_db *pdb)
{
    struct ts_store_sweep s = {
        .min_age_s = ts_config_int("store.orphan_age", ORPHAN_AGE_S),
        .stop = is_stopping,
    };
    int rc = ts_store_sweep(pdb, &s);
    if (rc < 0 || s.removed || s.temps)
        ts_log_info("worker: store sweep: %zu orphan(s) and %zu temp file(s) removed, %zu named,"
                    " %zu young, %zu error(s)",
                    s.removed, s.temps, s.named, s.young, s.errors);
    return rc;
}

/* The sweep of customs import files no queued or running import needs
 * (ts_cdecl_import_sweep), older than customs.import_orphan_age (by
 * default store.orphan_age); logged when it did something.  -1 on a
 * failure. */
static int sweep_customs_imports(struct ts_db *pdb, struct ts_cdecl_import_sweep *s)
{
    *s = (struct ts_cdecl_import_sweep){
        .min_age_s = ts_config_int("customs.import_orphan_age",
                                   ts_config_int("store.orphan_age", ORPHAN_AGE_S)),
        .stop = is_stopping,
    };
    int rc = ts_cdecl_import_sweep(pdb, s);
    if (rc < 0 || s->removed)
        ts_log_info("worker: customs import sweep: %zu file(s) removed, %zu of queued imports,"
                    " %zu young, %zu error(s)",
                    s->removed, s->waiting, s->young, s->errors);
    return rc;
}

/* The sweeps that are due, now and then: expired export ZIPs, and the
 * store's files without rows and the customs import files of no import. */
static void sweep_due(struct ts_db *pdb, time_t *last_exports, time_t *last_store)
{
    time_t now = time(NULL);
    if (now - *last_exports >= ts_config_int("worker.sweep_interval", EXPORT_SWEEP_S)) {
        *last_exports = now;
        int n = remove_expired_exports(pdb);
        if (n > 0)
            ts_log_info("worker: %d expired export ZIP(s) removed", n);
    }
    if (now - *last_store >= ts_config_int("store.sweep_interval", STORE_SWEEP_S)) {
        *last_store = now;
        sweep_store(pdb);
        struct ts_cdecl_import_sweep cs;
        sweep_customs_imports(pdb, &cs);
    }
}

/* --sweep-once: both sweeps now, what they did on stdout. */
static int sweep_once(struct ts_db *pdb)
{
    struct ts_store_sweep s = {
        .min_age_s = ts_config_int("store.orphan_age", ORPHAN_AGE_S),
        .stop = is_stopping,
    };
    struct ts_cdecl_import_sweep cs;
    int exports = remove_expired_exports(pdb);
    int rc = ts_store_sweep(pdb, &s);
    int crc = sweep_customs_imports(pdb, &cs);
    printf("exports=%d orphans=%zu temps=%zu named=%zu young=%zu errors=%zu\n", exports, s.removed,
           s.temps, s.named, s.young, s.errors);
    printf("customs-import removed=%zu waiting=%zu young=%zu errors=%zu\n", cs.removed, cs.waiting,
           cs.young, cs.errors);
    return exports < 0 || rc < 0 || crc < 0 ? 1 : 0;
}

/* Running jobs of dead workers back to queued; now and then. */
static void recover(struct ts_db *pdb, time_t *last)
{
    time_t now = time(NULL);
    if (*last && now - *last < RECOVER_S)
        return;
    *last = now;
    int n = ts_job_recover(pdb);
    if (n > 0)
        ts_log_info("worker: %d job(s) of a worker that died queued again", n);
}

int main(int argc, char **argv)
{
    struct sigaction sa = {.sa_handler = on_term};
    struct conns cn;
    time_t last_recover = 0, last_exports = 0, last_store = 0;
    int wake = -1;
    bool once = argc == 2 && strcmp(argv[1], "--sweep-once") == 0;
    if ((argc > 1 && !once) || ts_config_load(getenv("TUISHUI_CONF")) < 0) {
        fprintf(stderr, "usage: TUISHUI_CONF=... ts-worker [--sweep-once]\n");
        return 2;
    }
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    cn.db = ts_db_open();
    cn.pdb = cn.db ? ts_db_open() : NULL;
    if (!cn.pdb) {
        ts_log_error("worker: cannot connect to the database");
        if (cn.db)
            ts_db_close(cn.db);
        return 1;
    }
    if (once) {
        int rc = sweep_once(cn.pdb);
        ts_db_close(cn.pdb);
        ts_db_close(cn.db);
        ts_config_free();
        return rc;
    }
    wake = ts_job_wake_listen();
    last_store = time(NULL); /* a restart does not walk a large store before its first job */
    ts_log_info("worker: started (pid %d)%s", (int)getpid(),
                wake >= 0 ? ", woken by its FIFO" : "");
    while (!stopping) {
        struct ts_job job;
        recover(cn.pdb, &last_recover);
        sweep_due(cn.pdb, &last_exports, &last_store);
        int got = ts_job_claim(cn.db, &job);
        if (got > 0) {
            run_job(&cn, &job);
            continue;
        }
        int idle = wake >= 0 ? IDLE_WAKE_MS : IDLE_MS;
        ts_job_wake_wait(got < 0 ? -1 : wake, got < 0 ? 5 * IDLE_MS : idle);
    }
    ts_log_info("worker: stopping");
    if (wake >= 0)
        close(wake);
    ts_db_close(cn.pdb);
    ts_db_close(cn.db);
    ts_config_free();
    return 0;
}
