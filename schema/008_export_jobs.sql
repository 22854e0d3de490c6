-- 008_export_jobs: 【导出ZIP】 of a large query as a job (000 §2.4.4,
-- design.md: long work never blocks a request beyond a few seconds).
--
-- A query whose documents total more than export.zip_job_bytes (50 MB by
-- default) is kept here with a job (kind docexport.zip) that tools/ts-worker
-- runs through lib/ts_export, the same code as a ZIP made in the request.
-- The ZIP is kept at <tmp.dir>/docexport/job-<id>.zip until expires_at (24
-- hours after it was made); downloads are refused after, and the worker
-- removes the file (removed_at) on its sweep (tools/ts-worker; this comment
-- said "when it runs the next export job" before the sweep had a timer).
CREATE TABLE docexport_job (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ent_id        BIGINT UNSIGNED NOT NULL,
    job_id        BIGINT UNSIGNED NULL,
    status_filter ENUM('incomplete','complete','all') NOT NULL DEFAULT 'all' COMMENT '状态',
    decl_no       VARCHAR(18) NOT NULL DEFAULT '' COMMENT '报关单号 (part of)',
    period        CHAR(6) NOT NULL DEFAULT '' COMMENT '所属期',
    doc_count     INT NOT NULL DEFAULT 0 COMMENT 'documents when queued',
    total_bytes   BIGINT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'their sizes when queued',
    decl_count    INT NULL COMMENT 'declarations in the ZIP',
    zip_bytes     BIGINT UNSIGNED NULL,
    created_by    BIGINT UNSIGNED NOT NULL,
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at    DATETIME NULL COMMENT 'the ZIP is refused and removed after',
    removed_at    DATETIME NULL,
    KEY ix_docexport_job_ent (ent_id, id),
    KEY ix_docexport_job_expiry (removed_at, expires_at),
    CONSTRAINT fk_docexport_job_ent FOREIGN KEY (ent_id) REFERENCES enterprise (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
