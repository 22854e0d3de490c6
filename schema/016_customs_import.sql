-- 016_customs_import: a 报关单 XML file too large to import inside the
-- request (cgi-bin/customs.c), imported by the jobs worker
-- (tools/ts-worker, job kind customs.import; lib/ts_customs_decl
-- ts_cdecl_import_job).  The file waits in tmp.dir/customs-import/<id>.xml
-- until the job ends.  All or nothing, as in the request: done with the
-- counts, or failed with the message and, when declarations had problems,
-- the report (the first 200 problems, one a line) and nothing stored.
CREATE TABLE customs_import (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    file_name     VARCHAR(255) NOT NULL COMMENT 'as uploaded, display only',
    file_bytes    BIGINT UNSIGNED NOT NULL,
    district      CHAR(2) CHARACTER SET ascii NOT NULL COMMENT 'the officer''s 直属海关 prefix at upload',
    status        ENUM('queued','running','done','failed') NOT NULL DEFAULT 'queued',
    decl_total    INT NOT NULL DEFAULT 0,
    decl_new      INT NOT NULL DEFAULT 0,
    decl_modified INT NOT NULL DEFAULT 0,
    decl_bad      INT NOT NULL DEFAULT 0,
    problems      INT NOT NULL DEFAULT 0 COMMENT 'all problems; report holds the first 200',
    report        MEDIUMTEXT NULL COMMENT 'one problem a line',
    message       VARCHAR(500) NULL,
    job_id        BIGINT UNSIGNED NULL,
    created_by    BIGINT UNSIGNED NOT NULL,
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    finished_at   DATETIME NULL,
    KEY ix_customs_import_user (created_by, id),
    CONSTRAINT fk_customs_import_user FOREIGN KEY (created_by) REFERENCES app_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
