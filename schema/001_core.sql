-- 001_core: the portal's core — jurisdictions, enterprises, users, roles,
-- permissions, sessions, login throttling, captcha, audit log.
-- Conventions (design.md "Data conventions"): utf8mb4, InnoDB, every
-- enterprise-owned table has ent_id and an index starting with it.

-- 主管税务局 (tax bureaus) and 海关 (customs districts): reference data the
-- operator maintains; officers belong to one of them.
CREATE TABLE tax_bureau (
    code        VARCHAR(11)  NOT NULL PRIMARY KEY COMMENT '税务机关代码',
    name        VARCHAR(100) NOT NULL,
    status      ENUM('normal','disabled') NOT NULL DEFAULT 'normal'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE customs_district (
    code        CHAR(4)      NOT NULL PRIMARY KEY COMMENT '关区代码',
    name        VARCHAR(100) NOT NULL,
    status      ENUM('normal','disabled') NOT NULL DEFAULT 'normal'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 出口企业.  ent_type: 生产企业 (production) or 外贸企业 (trading).
CREATE TABLE enterprise (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name            VARCHAR(200) NOT NULL COMMENT '企业名称',
    uscc            CHAR(18)     NOT NULL COMMENT '统一社会信用代码',
    customs_code    CHAR(10)     NOT NULL COMMENT '海关编码',
    taxpayer_id     VARCHAR(20)  NOT NULL COMMENT '纳税人识别号',
    ent_type        ENUM('production','trading') NOT NULL COMMENT '企业类型',
    tax_bureau_code VARCHAR(11)  NOT NULL COMMENT '主管税务局',
    customs_district_code CHAR(4) NULL COMMENT '主管海关',
    bank_name       VARCHAR(100) NOT NULL COMMENT '开户银行',
    bank_account    VARCHAR(32)  NOT NULL COMMENT '银行账号',
    contact         VARCHAR(50)  NULL,
    phone           VARCHAR(20)  NULL,
    status          ENUM('normal','disabled') NOT NULL DEFAULT 'normal',
    created_at      DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    UNIQUE KEY uk_enterprise_uscc (uscc),
    UNIQUE KEY uk_enterprise_customs (customs_code),
    UNIQUE KEY uk_enterprise_taxpayer (taxpayer_id),
    KEY ix_enterprise_bureau (tax_bureau_code),
    CONSTRAINT fk_enterprise_bureau FOREIGN KEY (tax_bureau_code) REFERENCES tax_bureau (code),
    CONSTRAINT fk_enterprise_customs FOREIGN KEY (customs_district_code) REFERENCES customs_district (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 用户.  scope says which side of the portal the user works on; exactly one
-- of ent_id / tax_bureau_code / customs_district_code is set to match it
-- (operator: none).
CREATE TABLE app_user (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    scope           ENUM('enterprise','tax','customs','operator') NOT NULL,
    ent_id          BIGINT UNSIGNED NULL,
    tax_bureau_code VARCHAR(11) NULL,
    customs_district_code CHAR(4) NULL,
    login_name      VARCHAR(32)  NOT NULL COMMENT '登录名称',
    nickname        VARCHAR(50)  NOT NULL COMMENT '用户昵称',
    user_type       ENUM('admin','operator','officer') NOT NULL COMMENT '用户类型',
    phone           VARCHAR(11)  NULL COMMENT '手机号',
    remark          VARCHAR(500) NULL COMMENT '备注',
    password_hash   VARCHAR(200) NOT NULL,
    must_change_password TINYINT(1) NOT NULL DEFAULT 1,
    is_ent_admin    TINYINT(1)   NOT NULL DEFAULT 0 COMMENT 'the account created with the enterprise',
    card_no         VARCHAR(32)  NULL COMMENT '绑定的IC卡号',
    status          ENUM('normal','disabled') NOT NULL DEFAULT 'normal',
    failed_logins   INT          NOT NULL DEFAULT 0,
    locked_until    DATETIME     NULL,
    last_login_at   DATETIME     NULL,
    created_at      DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    -- ent_key: the tenant — the enterprise, or 0 for the portal's own staff;
    -- lib/ts_scope filters every user query on it
    ent_key         BIGINT UNSIGNED AS (IFNULL(ent_id, 0)) PERSISTENT,
    UNIQUE KEY uk_user_login (login_name),
    KEY ix_user_ent (ent_key, id),
    CONSTRAINT fk_user_ent FOREIGN KEY (ent_id) REFERENCES enterprise (id),
    CONSTRAINT fk_user_bureau FOREIGN KEY (tax_bureau_code) REFERENCES tax_bureau (code),
    CONSTRAINT fk_user_customs FOREIGN KEY (customs_district_code) REFERENCES customs_district (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 角色.  Enterprise roles have ent_id; the portal's own roles (tax officer,
-- customs officer, operator) have ent_id NULL and a scope.  is_admin marks
-- 企业管理员, created with each enterprise and never deleted.
CREATE TABLE role (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    scope       ENUM('enterprise','tax','customs','operator') NOT NULL,
    ent_id      BIGINT UNSIGNED NULL,
    name        VARCHAR(50)  NOT NULL COMMENT '角色名称',
    status      ENUM('normal','disabled') NOT NULL DEFAULT 'normal',
    is_admin    TINYINT(1)   NOT NULL DEFAULT 0,
    remark      VARCHAR(500) NULL,
    created_at  DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- ent_key makes names unique per enterprise, and per scope for portal roles
    ent_key     BIGINT UNSIGNED AS (IFNULL(ent_id, 0)) PERSISTENT,
    UNIQUE KEY uk_role_name (ent_key, scope, name),
    KEY ix_role_ent (ent_key, id),
    CONSTRAINT fk_role_ent FOREIGN KEY (ent_id) REFERENCES enterprise (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 菜单权限: the permission codes a role grants (codes are defined in
-- lib/ts_perm.c, one per menu function and action).
CREATE TABLE role_perm (
    role_id     BIGINT UNSIGNED NOT NULL,
    perm        VARCHAR(64) NOT NULL,
    PRIMARY KEY (role_id, perm),
    CONSTRAINT fk_role_perm_role FOREIGN KEY (role_id) REFERENCES role (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 分配角色
CREATE TABLE user_role (
    user_id     BIGINT UNSIGNED NOT NULL,
    role_id     BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (user_id, role_id),
    KEY ix_user_role_role (role_id),
    CONSTRAINT fk_user_role_user FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE,
    CONSTRAINT fk_user_role_role FOREIGN KEY (role_id) REFERENCES role (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Sessions: the cookie holds a 256-bit random token; only its SHA-256 is
-- stored, so a leaked table does not hand out sessions.
CREATE TABLE session (
    token_hash  CHAR(64)     NOT NULL PRIMARY KEY,
    user_id     BIGINT UNSIGNED NOT NULL,
    csrf_token  CHAR(64)     NOT NULL,
    created_at  DATETIME     NOT NULL,
    last_seen   DATETIME     NOT NULL,
    flash       VARCHAR(500) CHARACTER SET utf8mb4 NULL COMMENT 'one-time message, Chinese',
    remote_addr VARCHAR(45)  NULL,
    KEY ix_session_user (user_id),
    KEY ix_session_seen (last_seen),
    CONSTRAINT fk_session_user FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- Captcha challenges, keyed by a pre-login cookie token (hashed), one use.
CREATE TABLE captcha (
    token_hash  CHAR(64)     NOT NULL PRIMARY KEY,
    answer      CHAR(4)      NOT NULL,
    created_at  DATETIME     NOT NULL,
    KEY ix_captcha_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- 审计日志: append-only.  Each row's hash = SM3(prev_hash | fields), so an
-- edited or deleted row breaks the chain at that row (make audit-verify).
-- audit_head holds the newest hash and serialises writers.
CREATE TABLE audit_log (
    id          BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    at          DATETIME(6)  NOT NULL,
    user_id     BIGINT UNSIGNED NULL,
    ent_id      BIGINT UNSIGNED NULL,
    request_id  CHAR(16)     NOT NULL,
    action      VARCHAR(64)  NOT NULL COMMENT 'module.action',
    object      VARCHAR(64)  NOT NULL COMMENT 'table or kind of thing changed',
    object_id   VARCHAR(64)  NULL,
    detail      VARCHAR(2000) NULL COMMENT 'before/after, as key=value text',
    prev_hash   CHAR(64)     NOT NULL,
    hash        CHAR(64)     NOT NULL,
    KEY ix_audit_ent (ent_id, at),
    KEY ix_audit_at (at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE audit_head (
    id          TINYINT UNSIGNED NOT NULL PRIMARY KEY,
    last_id     BIGINT UNSIGNED NOT NULL,
    last_hash   CHAR(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

INSERT INTO audit_head (id, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The portal's own roles (税务人员, 海关, 运维); their permissions are
-- granted by ts-admin seed from the code table in lib/ts_perm.c.
INSERT INTO role (scope, ent_id, name, is_admin, remark) VALUES
    ('tax',      NULL, '税务人员', 1, '主管税务机关工作人员'),
    ('customs',  NULL, '海关人员', 1, '海关审核人员'),
    ('operator', NULL, '运维管理员', 1, '门户运维');
