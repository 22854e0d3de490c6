-- 020_retgoods: 出口退货 (manual 004): the enterprise's 出口退货信息 records,
-- their goods lines and 原出口报关单号, the 回执 of every state change, the
-- sequence of 退货编号, and the 行政区划 code list the 原生产企业
-- is placed in.  docs/retgoods.md has the rules and the states.
--
-- States (004 §4.2): 0 暂存, 1 已提交, 2 提交失败, 3 海关接收成功, 4 海关接收失败,
-- 5 电子审核完成，待人工审核, 6 电子审核退单, 7 人工审核通过, 8 人工审核退单;
-- only lib/ts_retgoods moves a record between them.

-- 行政区划 (GB/T 2260, 6 digits).  The seed below is a realistic subset for
-- the demo, NOT the authoritative list: load the official one before use.
CREATE TABLE admin_region (
    code        CHAR(6) CHARACTER SET ascii NOT NULL PRIMARY KEY COMMENT '行政区划代码',
    name        VARCHAR(100) NOT NULL,
    status      ENUM('normal','disabled') NOT NULL DEFAULT 'normal'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One 出口退货信息 record.  Grey fields (004 §4.1.1 置灰) are written by the
-- system: 统一编号 at the first 暂存, the 采集 fields from the session, the
-- import declaration's fields from lib/ts_import_decl at every 暂存 / 提交,
-- 采集时间 at 提交, 退货编号 by customs (state 7).
CREATE TABLE retgoods_head (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ent_id           BIGINT UNSIGNED NOT NULL,
    seq_no           CHAR(18) CHARACTER SET ascii NULL COMMENT '统一编号: year + the row id in 14 digits (lib/ts_retgoods.c seq_no_of)',
    ret_no           CHAR(12) CHARACTER SET ascii NULL COMMENT '退货编号: 关区 + yy + 6 digits, at state 7',
    status           TINYINT UNSIGNED NOT NULL DEFAULT 0,
    collector_user   BIGINT UNSIGNED NOT NULL COMMENT '采集人 (the user who last saved)',
    collector        VARCHAR(100) NOT NULL COMMENT '采集人 name',
    collector_scc    CHAR(18) NOT NULL COMMENT '采集机构 统一社会信用代码',
    collector_code   CHAR(10) NOT NULL COMMENT '采集机构 海关编码',
    collector_name   VARCHAR(200) NOT NULL COMMENT '采集机构 name',
    collect_time     DATETIME NULL COMMENT '采集时间: at 提交',
    i_entry_id       CHAR(18) CHARACTER SET ascii NOT NULL COMMENT '进口报关单号',
    agent_scc        VARCHAR(18) NOT NULL DEFAULT '' COMMENT '报关单位',
    agent_code       VARCHAR(10) NOT NULL DEFAULT '',
    agent_name       VARCHAR(200) NOT NULL DEFAULT '',
    declarant        VARCHAR(100) NOT NULL DEFAULT '' COMMENT '报关员',
    trade_scc        VARCHAR(18) NOT NULL DEFAULT '' COMMENT '收货人 (境内收货人)',
    trade_code       VARCHAR(10) NOT NULL DEFAULT '',
    trade_name       VARCHAR(200) NOT NULL DEFAULT '',
    receiver_addr    VARCHAR(255) NOT NULL COMMENT '收货人所在地 (editable)',
    receiver_contact VARCHAR(50) NOT NULL COMMENT '收货联系人',
    receiver_phone   VARCHAR(30) NOT NULL COMMENT '联系电话',
    owner_scc        VARCHAR(18) NOT NULL DEFAULT '' COMMENT '消费使用单位',
    owner_code       VARCHAR(10) NOT NULL DEFAULT '',
    owner_name       VARCHAR(200) NOT NULL DEFAULT '',
    owner_district   CHAR(4) NOT NULL COMMENT '消费使用单位所在地关区 (editable)',
    ret_date         DATE NULL COMMENT '退货日期',
    d_date           DATE NULL COMMENT '报关日期 (申报日期)',
    ie_date          DATE NULL COMMENT '到港日期 (进口日期)',
    trade_country    VARCHAR(8) NOT NULL DEFAULT '' COMMENT '退货国家(地区) (启运国)',
    custom_master    VARCHAR(4) NOT NULL DEFAULT '' COMMENT '受理报关机构 (申报地海关)',
    trade_mode       VARCHAR(8) NOT NULL DEFAULT '' COMMENT '海关贸易方式 (监管方式)',
    bill_no          VARCHAR(64) NOT NULL DEFAULT '' COMMENT '提运单号',
    dest_customs     VARCHAR(4) NOT NULL DEFAULT '' COMMENT '目的地海关',
    handle_ways      VARCHAR(20) CHARACTER SET ascii NOT NULL COMMENT '拟处理方式: codes 1-5, comma-separated',
    handle_other     VARCHAR(200) NOT NULL DEFAULT '' COMMENT '拟处理方式 其他 具体内容',
    prod_scc         CHAR(18) NOT NULL COMMENT '原生产企业 统一社会信用代码',
    prod_code        CHAR(10) NOT NULL COMMENT '原生产企业 海关编码',
    prod_name        VARCHAR(200) NOT NULL,
    prod_contact     VARCHAR(50) NOT NULL COMMENT '原生产企业联系人',
    prod_phone       VARCHAR(30) NOT NULL COMMENT '原生产企业联系电话',
    prod_region      CHAR(6) CHARACTER SET ascii NOT NULL COMMENT '原生产企业行政区划',
    prod_district    CHAR(4) NOT NULL COMMENT '原生产企业所属机构 (not a 直属关区)',
    export_inspect   CHAR(1) CHARACTER SET ascii NOT NULL COMMENT '出口是否法检 Y/N',
    orig_trade_mode  VARCHAR(4) CHARACTER SET ascii NOT NULL DEFAULT '0110' COMMENT '关联报关单原出口监管方式: 一般贸易',
    reason_kinds     VARCHAR(20) CHARACTER SET ascii NOT NULL COMMENT '退货原因类别: Q T S O, comma-separated',
    reasons          VARCHAR(200) CHARACTER SET ascii NOT NULL COMMENT '具体退运原因: codes (docs/retgoods.md)',
    reason_note      VARCHAR(1000) NOT NULL DEFAULT '' COMMENT '退货原因具体说明',
    signed_body      MEDIUMTEXT NULL COMMENT 'the canonical bytes the card signed at 提交',
    signature        VARBINARY(128) NULL COMMENT 'SM2 signature (DER) of signed_body',
    sign_cert        VARBINARY(4096) NULL COMMENT 'the bound certificate (DER) that verifies it',
    sign_card_no     VARCHAR(20) NULL,
    created_by       BIGINT UNSIGNED NOT NULL,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT '最近操作时间',
    UNIQUE KEY ux_retgoods_seq_no (seq_no),
    UNIQUE KEY ux_retgoods_ret_no (ret_no),
    KEY ix_retgoods_ent_updated (ent_id, updated_at),
    KEY ix_retgoods_ent_entry (ent_id, i_entry_id),
    KEY ix_retgoods_status (status, id),
    CONSTRAINT fk_retgoods_ent FOREIGN KEY (ent_id) REFERENCES enterprise (id),
    CONSTRAINT ck_retgoods_status CHECK (status <= 8),
    CONSTRAINT ck_retgoods_inspect CHECK (export_inspect IN ('Y','N'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 商品信息: the import declaration's lines as of the last 暂存; only
-- 退货重量 is the enterprise's (重量单位 千克, fixed).
CREATE TABLE retgoods_list (
    head_id          BIGINT UNSIGNED NOT NULL,
    ent_id           BIGINT UNSIGNED NOT NULL,
    g_no             INT NOT NULL COMMENT '序号',
    code_ts          VARCHAR(10) NOT NULL COMMENT '货物HS编码',
    supv_class_name  VARCHAR(100) NOT NULL DEFAULT '' COMMENT '监管类别名称',
    g_name           VARCHAR(255) NOT NULL COMMENT '货物名称',
    decl_total       DECIMAL(19,2) NOT NULL COMMENT '退货金额 (总价)',
    trade_curr       VARCHAR(3) NOT NULL COMMENT '退货金额单位 (币制)',
    g_qty            VARCHAR(24) CHARACTER SET ascii NOT NULL COMMENT '退货数量, decimal text',
    g_unit           VARCHAR(3) NOT NULL COMMENT '数量单位',
    ret_weight       VARCHAR(24) CHARACTER SET ascii NULL COMMENT '退货重量 (千克), decimal text',
    PRIMARY KEY (head_id, g_no),
    KEY ix_retgoods_list_ent (ent_id, head_id),
    CONSTRAINT fk_retgoods_list_head FOREIGN KEY (head_id) REFERENCES retgoods_head (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 原出口报关单号, in the order typed (≤ 50).
CREATE TABLE retgoods_orig (
    head_id          BIGINT UNSIGNED NOT NULL,
    ent_id           BIGINT UNSIGNED NOT NULL,
    seq              INT NOT NULL,
    entry_id         CHAR(18) CHARACTER SET ascii NOT NULL,
    PRIMARY KEY (head_id, seq),
    KEY ix_retgoods_orig_ent (ent_id, entry_id),
    CONSTRAINT fk_retgoods_orig_head FOREIGN KEY (head_id) REFERENCES retgoods_head (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 回执: one row per state change (ts_retgoods_transition), in the same
-- transaction.  Shown newest first.
CREATE TABLE retgoods_receipt (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    head_id          BIGINT UNSIGNED NOT NULL,
    ent_id           BIGINT UNSIGNED NOT NULL,
    from_status      TINYINT UNSIGNED NULL,
    status           TINYINT UNSIGNED NOT NULL COMMENT '审核状态 reached',
    content          VARCHAR(500) NOT NULL COMMENT '回执内容',
    actor_user       BIGINT UNSIGNED NULL COMMENT 'NULL: the system (worker)',
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT '回执时间',
    KEY ix_retgoods_receipt_head (head_id, id),
    KEY ix_retgoods_receipt_ent (ent_id, head_id),
    CONSTRAINT fk_retgoods_receipt_head FOREIGN KEY (head_id) REFERENCES retgoods_head (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 退货编号: one counter per 关区 and year (the 6-digit part).
CREATE TABLE retgoods_no_seq (
    district         CHAR(4) CHARACTER SET ascii NOT NULL,
    yy               CHAR(2) CHARACTER SET ascii NOT NULL,
    last_no          INT UNSIGNED NOT NULL,
    PRIMARY KEY (district, yy)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A few 隶属海关 next to the 直属海关 of 012, so that 所属机构 (which may not
-- be a 直属关区, code ending in "00") has choices outside Chengdu.
INSERT IGNORE INTO customs_district (code, name) VALUES
    ('0101', '机场海关'), ('0102', '京开发区'),
    ('2201', '浦江海关'), ('2202', '吴淞海关'), ('2248', '外港海关'),
    ('5101', '广州新风'), ('5141', '广州机场'),
    ('5301', '皇岗海关'), ('5316', '蛇口海关');

-- 行政区划: demo subset (provinces, Sichuan's cities, a few others).
INSERT INTO admin_region (code, name) VALUES
    ('110000', '北京市'), ('110105', '北京市朝阳区'), ('110108', '北京市海淀区'),
    ('120000', '天津市'), ('310000', '上海市'), ('310115', '上海市浦东新区'),
    ('320000', '江苏省'), ('320500', '江苏省苏州市'), ('330000', '浙江省'),
    ('330100', '浙江省杭州市'), ('330200', '浙江省宁波市'), ('440000', '广东省'),
    ('440100', '广东省广州市'), ('440300', '广东省深圳市'), ('441900', '广东省东莞市'),
    ('500000', '重庆市'), ('510000', '四川省'), ('510100', '四川省成都市'),
    ('510104', '四川省成都市锦江区'), ('510107', '四川省成都市武侯区'),
    ('510116', '四川省成都市双流区'), ('510700', '四川省绵阳市'),
    ('511100', '四川省乐山市'), ('510600', '四川省德阳市');
