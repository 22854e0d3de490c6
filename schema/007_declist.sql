-- 007_declist: 生成关单清册 (000 §2.4.1), the declarations and documents of
-- 上传备案单证 / 单证收齐审核 (§2.4.2–2.4.3), and the jobs that run long work.
--
-- An enterprise uploads its 外贸企业出口退税出口明细申请表 or 生产企业出口货物
-- 劳务免抵退税申请明细表 (.xlsx).  The upload is parsed (as a job when
-- large) into the 关单清册: one customs_decl per 报关单号 with its product
-- lines keyed by 申报关联号 + 商品序号, and one period_filing (按所属期备案)
-- per 所属期.  Documents are filed against a declaration, one of its lines
-- (申报关联号专属单证), or a period_filing.

-- Long work (imports, exports) as rows a worker takes (design.md "Shape").
CREATE TABLE job (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ent_id        BIGINT UNSIGNED NULL,
    kind          VARCHAR(32)  NOT NULL COMMENT 'declist.import, docexport.zip, ...',
    ref_id        BIGINT UNSIGNED NULL COMMENT 'the row the job works on (e.g. declist_upload.id)',
    status        ENUM('queued','running','done','failed') NOT NULL DEFAULT 'queued',
    progress_done BIGINT UNSIGNED NOT NULL DEFAULT 0,
    progress_total BIGINT UNSIGNED NOT NULL DEFAULT 0,
    message       VARCHAR(500) NULL COMMENT 'Chinese, shown to the user',
    created_by    BIGINT UNSIGNED NULL,
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    started_at    DATETIME NULL,
    finished_at   DATETIME NULL,
    worker_pid    INT NULL,
    KEY ix_job_queue (status, id),
    KEY ix_job_ent (ent_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One uploaded 明细申请表.  (ent_id, sha256) is unique: the same file again
-- is recognised, not imported twice.
CREATE TABLE declist_upload (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ent_id        BIGINT UNSIGNED NOT NULL,
    sha256        CHAR(64) CHARACTER SET ascii NOT NULL,
    file_name     VARCHAR(255) NOT NULL COMMENT 'as uploaded, display only',
    table_kind    ENUM('trading','production') NOT NULL COMMENT '外贸企业出口明细申请表 / 生产企业免抵退税申请明细表',
    period        CHAR(6) NULL COMMENT '所属期 YYYYMM',
    status        ENUM('queued','running','done','failed') NOT NULL DEFAULT 'queued',
    rows_total    INT NOT NULL DEFAULT 0,
    rows_ok       INT NOT NULL DEFAULT 0,
    rows_bad      INT NOT NULL DEFAULT 0,
    errors_sha256 CHAR(64) CHARACTER SET ascii NULL COMMENT 'xlsx of the bad rows with reasons',
    message       VARCHAR(500) NULL,
    job_id        BIGINT UNSIGNED NULL,
    created_by    BIGINT UNSIGNED NOT NULL,
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    finished_at   DATETIME NULL,
    UNIQUE KEY uk_declist_upload (ent_id, sha256),
    KEY ix_declist_upload_ent (ent_id, id),
    CONSTRAINT fk_declist_upload_ent FOREIGN KEY (ent_id) REFERENCES enterprise (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 按所属期备案: documents that belong to a period rather than one
-- declaration (month-end freight invoices).  due_date: documents are due
-- within 15 days of declaring; retention_until: from retention_rule by the
-- declaring date (10 years since 2026-01-01, 5 before).
CREATE TABLE period_filing (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ent_id          BIGINT UNSIGNED NOT NULL,
    period          CHAR(6) NOT NULL COMMENT '所属期 YYYYMM',
    declared_on     DATE NOT NULL COMMENT '申报日期',
    due_date        DATE NOT NULL COMMENT '备案期限',
    retention_until DATE NOT NULL COMMENT '保存期限',
    status          ENUM('incomplete','complete') NOT NULL DEFAULT 'incomplete',
    upload_id       BIGINT UNSIGNED NULL,
    created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY uk_period_filing (ent_id, period),
    CONSTRAINT fk_period_filing_ent FOREIGN KEY (ent_id) REFERENCES enterprise (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 关单清册: one row per 报关单号.  status 未收齐 / 已收齐 (单证收齐审核).
CREATE TABLE customs_decl (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ent_id        BIGINT UNSIGNED NOT NULL,
    decl_no       CHAR(18) CHARACTER SET ascii NOT NULL COMMENT '报关单号',
    period        CHAR(6) NOT NULL COMMENT '所属期',
    period_filing_id BIGINT UNSIGNED NULL,
    export_date   DATE NULL COMMENT '出口日期',
    fob_usd       DECIMAL(18,2) NOT NULL DEFAULT 0 COMMENT '美元离岸价 (sum of lines)',
    line_count    INT NOT NULL DEFAULT 0,
    status        ENUM('incomplete','complete') NOT NULL DEFAULT 'incomplete',
    completed_by  BIGINT UNSIGNED NULL,
    completed_at  DATETIME NULL,
    upload_id     BIGINT UNSIGNED NULL,
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY uk_customs_decl (ent_id, decl_no),
    KEY ix_customs_decl_status (ent_id, status, id),
    KEY ix_customs_decl_period (ent_id, period),
    CONSTRAINT fk_customs_decl_ent FOREIGN KEY (ent_id) REFERENCES enterprise (id),
    CONSTRAINT fk_customs_decl_period FOREIGN KEY (period_filing_id) REFERENCES period_filing (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A product line of a declaration: 申报关联号 + 商品序号.
CREATE TABLE customs_decl_line (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ent_id        BIGINT UNSIGNED NOT NULL,
    decl_id       BIGINT UNSIGNED NOT NULL,
    link_no       VARCHAR(30) NOT NULL COMMENT '申报关联号',
    item_no       INT NOT NULL COMMENT '商品序号',
    hs_code       CHAR(10) CHARACTER SET ascii NULL COMMENT '商品代码',
    goods_name    VARCHAR(200) NULL COMMENT '商品名称',
    unit          VARCHAR(20) NULL COMMENT '计量单位',
    quantity      DECIMAL(18,4) NULL COMMENT '数量',
    fob_usd       DECIMAL(18,2) NULL COMMENT '美元离岸价',
    invoice_no    VARCHAR(30) NULL COMMENT '出口发票号',
    source_row    INT NULL COMMENT 'row of the uploaded sheet',
    UNIQUE KEY uk_customs_decl_line (ent_id, decl_id, link_no, item_no),
    KEY ix_customs_decl_line_decl (ent_id, decl_id),
    CONSTRAINT fk_customs_decl_line_decl FOREIGN KEY (decl_id) REFERENCES customs_decl (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 备案单证: a stored file filed under a kind, for a declaration (optionally
-- one of its lines: 申报关联号专属单证) or for a period_filing.
CREATE TABLE decl_document (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ent_id        BIGINT UNSIGNED NOT NULL,
    decl_id       BIGINT UNSIGNED NULL,
    line_id       BIGINT UNSIGNED NULL COMMENT '专属单证 of this product line',
    period_filing_id BIGINT UNSIGNED NULL,
    doc_kind_id   BIGINT UNSIGNED NOT NULL,
    sha256        CHAR(64) CHARACTER SET ascii NOT NULL,
    file_name     VARCHAR(255) NOT NULL COMMENT 'as uploaded, display only',
    size          BIGINT UNSIGNED NOT NULL,
    kind          ENUM('jpeg','pdf','png','xlsx') NOT NULL,
    uploaded_by   BIGINT UNSIGNED NOT NULL,
    uploaded_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    KEY ix_decl_document_decl (ent_id, decl_id),
    KEY ix_decl_document_period (ent_id, period_filing_id),
    CONSTRAINT fk_decl_document_decl FOREIGN KEY (decl_id) REFERENCES customs_decl (id),
    CONSTRAINT fk_decl_document_line FOREIGN KEY (line_id) REFERENCES customs_decl_line (id),
    CONSTRAINT fk_decl_document_period FOREIGN KEY (period_filing_id) REFERENCES period_filing (id),
    CONSTRAINT fk_decl_document_kind FOREIGN KEY (doc_kind_id) REFERENCES doc_kind (id),
    CONSTRAINT fk_decl_document_file FOREIGN KEY (sha256) REFERENCES stored_file (sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
