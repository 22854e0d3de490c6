/* ts_job — long work as rows of the job table (design.md "Shape").
 *
 * A page that has long work to do (a large import) creates a job and
 * returns at once; tools/ts-worker claims queued jobs one at a time, runs
 * the handler of the job's kind and records progress while it runs, so
 * the page can show a progress bar.  States: queued → running → done |
 * failed; nothing else moves a job.
 *
 * ts_job_claim and ts_job_progress run in their own short transactions
 * (the worker's connection, no request around it): progress is committed
 * at once and visible to the page while the job runs. */
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
/* Take the oldest queued job, marked running with this process's pid.
 * 1 taken, 0 none queued, -1 database error. */
int ts_job_claim(struct ts_db *db, struct ts_job *job);
/* done of total units finished; committed at once. */
int ts_job_progress(struct ts_db *db, int64_t id, int64_t done, int64_t total);
/* The job's end: done or failed, with a Chinese message for the page. */
int ts_job_finish(struct ts_db *db, int64_t id, bool ok, const char *message);

#endif
