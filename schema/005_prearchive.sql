-- 005_prearchive: 单证预归档 (000 §2.3).  Before a declaration exists an
-- enterprise opens a 业务跟踪号 for a deal (§2.3.1) and files its documents
-- under it as they come in (§2.3.2); 单证采集备案 later finds them by 报关单号
-- / 合同协议号.
--
-- prearchive_item: one 业务跟踪号.  内部跟踪号 is the enterprise's own number
-- for the deal, unique within the enterprise.  出口月份 is YYYYMM like a 所属期.
CREATE TABLE prearchive_item (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ent_id       BIGINT UNSIGNED NOT NULL,
    contract_no  VARCHAR(50)  NOT NULL COMMENT '合同协议号',
    tracking_no  VARCHAR(50)  NOT NULL COMMENT '内部跟踪号',
    decl_no      CHAR(18)     NULL COMMENT '报关单号 (18 digits)',
    bl_no        VARCHAR(50)  NULL COMMENT '提运单号',
    export_date  DATE         NULL COMMENT '出口日期',
    export_month CHAR(6)      NULL COMMENT '出口月份 YYYYMM',
    remark       VARCHAR(500) NULL COMMENT '备注',
    created_by   BIGINT UNSIGNED NOT NULL,
    created_at   DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY uk_prearchive_tracking (ent_id, tracking_no),
    KEY ix_prearchive_item_ent (ent_id, id),
    CONSTRAINT fk_prearchive_item_ent FOREIGN KEY (ent_id) REFERENCES enterprise (id),
    CONSTRAINT fk_prearchive_item_user FOREIGN KEY (created_by) REFERENCES app_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- prearchive_file: one uploaded document of an item, of one 单证种类.  The
-- content is in the store (stored_file, by sha256); file_name is the name
-- the browser sent, for display only — never part of a path.  The same
-- content is kept once per item and kind (uk_prearchive_file_content).
CREATE TABLE prearchive_file (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ent_id       BIGINT UNSIGNED NOT NULL,
    item_id      BIGINT UNSIGNED NOT NULL,
    doc_kind_id  BIGINT UNSIGNED NOT NULL COMMENT '单证种类',
    sha256       CHAR(64) CHARACTER SET ascii NOT NULL COMMENT 'stored_file',
    file_name    VARCHAR(255) NOT NULL COMMENT 'as uploaded, UTF-8, display only',
    size         BIGINT UNSIGNED NOT NULL,
    kind         ENUM('jpeg','pdf','png','xlsx') NOT NULL,
    uploaded_by  BIGINT UNSIGNED NOT NULL,
    uploaded_at  DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY uk_prearchive_file_content (item_id, doc_kind_id, sha256),
    KEY ix_prearchive_file_ent (ent_id, item_id),
    CONSTRAINT fk_prearchive_file_ent FOREIGN KEY (ent_id) REFERENCES enterprise (id),
    CONSTRAINT fk_prearchive_file_item FOREIGN KEY (item_id) REFERENCES prearchive_item (id),
    CONSTRAINT fk_prearchive_file_kind FOREIGN KEY (doc_kind_id) REFERENCES doc_kind (id),
    CONSTRAINT fk_prearchive_file_content FOREIGN KEY (sha256) REFERENCES stored_file (sha256),
    CONSTRAINT fk_prearchive_file_user FOREIGN KEY (uploaded_by) REFERENCES app_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
