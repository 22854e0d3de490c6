-- 004_doc_kinds: 备案单证种类 (000 §2.5.2) and the dated rules around them.
--
-- The default kinds are the documents 税务总局公告2026年第5号 (第四十四—
-- 四十六条) says an exporter must keep within 15 days of declaring, grouped
-- by its three categories; ent_id NULL marks a default kind: locked, shown
-- to every enterprise of the types it applies to, never edited or deleted.
-- An enterprise's own kinds have its ent_id and may be edited and deleted.
-- required = 1: a declaration is not 已收齐 until at least one file of the
-- kind is there (doccheck); "similar documents may stand in" is why most
-- kinds are optional and the categories carry the rule.

CREATE TABLE doc_kind (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ent_id      BIGINT UNSIGNED NULL COMMENT 'NULL: default kind',
    ent_key     BIGINT UNSIGNED AS (IFNULL(ent_id, 0)) PERSISTENT,
    applies_to  ENUM('all','production','trading') NOT NULL DEFAULT 'all' COMMENT '企业类型',
    category    ENUM('contract','transport','customs_agency','other') NOT NULL
                COMMENT '购销合同 / 出口货物的运输单据 / 委托报关的单据 / 其他',
    name        VARCHAR(50)  NOT NULL COMMENT '单证种类名称',
    description VARCHAR(500) NULL COMMENT '说明',
    required    TINYINT(1)   NOT NULL DEFAULT 0 COMMENT '收齐时必须有文件',
    locked      TINYINT(1)   NOT NULL DEFAULT 0 COMMENT '系统默认，不可修改或删除',
    sort_order  INT          NOT NULL DEFAULT 100,
    effective_from DATE      NULL COMMENT 'rule in force from (NULL: always)',
    effective_to   DATE      NULL COMMENT 'rule in force until (NULL: still)',
    status      ENUM('normal','disabled') NOT NULL DEFAULT 'normal',
    created_at  DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY uk_doc_kind_name (ent_key, name),
    KEY ix_doc_kind_ent (ent_key, sort_order),
    CONSTRAINT fk_doc_kind_ent FOREIGN KEY (ent_id) REFERENCES enterprise (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO doc_kind (ent_id, applies_to, category, name, description, required, locked, sort_order) VALUES
 (NULL, 'all',        'contract',  '出口合同', '与境外客户签订的出口合同', 1, 1, 10),
 (NULL, 'trading',    'contract',  '外贸企业购货合同', '外贸企业向供货企业购进出口货物的合同', 1, 1, 20),
 (NULL, 'all',        'contract',  '外贸综合服务合同', '委托外贸综合服务企业出口的服务合同', 0, 1, 30),
 (NULL, 'production', 'contract',  '收购非自产货物的购货合同', '生产企业收购非自产货物出口的购货合同', 0, 1, 40),
 (NULL, 'all',        'transport', '出口货物运输单据', '海运提单、航空运单、铁路运单、货物承运单据、邮政收据等', 1, 1, 50),
 (NULL, 'all',        'transport', '国内运输发票', '纳税人承付运费的国内运输发票', 0, 1, 60),
 (NULL, 'all',        'transport', '国际货物运输代理服务费发票', '国际货物运输代理服务费发票', 0, 1, 70),
 (NULL, 'all',        'customs_agency', '委托报关协议', '委托报关的，与报关企业签订的委托报关协议', 0, 1, 80),
 (NULL, 'all',        'customs_agency', '代理报关服务费发票', '委托报关的，报关企业开具的代理报关服务费发票', 0, 1, 90);

-- 备案单证保存期限: 5 years, 10 years for documents of declarations made
-- since 2026-01-01 (税务总局公告2026年第5号).  Looked up by the date the
-- rule applies to (the declaration's 申报日期 / 所属期); tests cover both
-- sides of the change.
CREATE TABLE retention_rule (
    effective_from DATE NOT NULL PRIMARY KEY,
    years          INT  NOT NULL,
    basis          VARCHAR(200) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO retention_rule (effective_from, years, basis) VALUES
 ('2012-01-01', 5,  '国家税务总局公告2012年第24号'),
 ('2026-01-01', 10, '国家税务总局公告2026年第5号');

-- 电子化管理备案 (000 §2.5.1): one row per enterprise; 管理方式 is
-- 自行制作电子文档 in the manual.  The 备案申请表 is a stored file (sha256,
-- lib/ts_store).
CREATE TABLE efiling (
    ent_id          BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    ent_type        ENUM('production','trading') NOT NULL COMMENT '企业类型',
    tax_bureau_code VARCHAR(11) NOT NULL COMMENT '主管税务局',
    manage_mode     ENUM('self_made') NOT NULL DEFAULT 'self_made' COMMENT '管理方式: 自行制作电子文档',
    form_sha256     CHAR(64)    NULL COMMENT '备案申请表 (stored_file)',
    form_name       VARCHAR(200) NULL COMMENT 'the uploaded file name, for display',
    remark          VARCHAR(500) NULL,
    created_by      BIGINT UNSIGNED NOT NULL,
    created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    CONSTRAINT fk_efiling_ent FOREIGN KEY (ent_id) REFERENCES enterprise (id),
    CONSTRAINT fk_efiling_bureau FOREIGN KEY (tax_bureau_code) REFERENCES tax_bureau (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
