-- 019_import_decl: 进口报关单 as customs publishes them into the portal
-- (manual 004 §4.1: 出口退货信息录入 fills its header and goods from the
-- 出口复进口 declaration; lib/ts_import_decl.h; docs/formats.md
-- "进口报关单").
--
-- Kept like the 出口报关单 of 011: import_decl_head is one published
-- version of a declaration's header, import_decl_list its goods lines.  A
-- number published again gets a new version (数据传输状态 修改); earlier
-- versions stay with current_entry_id NULL.  Only the current version is
-- used.  An import 海关编号 has 1 as its 9th digit.
--
-- The enterprise that may use one is the 境内收货人 or the 消费使用单位,
-- by 统一社会信用代码 or 海关编码 (ts_import_decl_load).  trade_key and
-- owner_key name them as 011's owner_key does ('S' + 统一社会信用代码 when
-- given, else 'C' + 海关编码) for lists by enterprise.
CREATE TABLE import_decl_head (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    entry_id         CHAR(18) CHARACTER SET ascii NOT NULL COMMENT 'EntryId 海关编号 (9th digit 1)',
    version          INT UNSIGNED NOT NULL COMMENT '1, 2, ... per entry_id',
    current_entry_id CHAR(18) CHARACTER SET ascii NULL COMMENT 'entry_id while this is the current version, else NULL',
    trans_status     ENUM('new','modified') NOT NULL COMMENT '数据传输状态 新增 / 修改',
    ie_flag          CHAR(1) CHARACTER SET ascii NOT NULL DEFAULT 'I' COMMENT 'IEFlag',
    custom_master    CHAR(4) CHARACTER SET ascii NOT NULL COMMENT 'CustomMaster 申报地海关 (→ 受理报关机构)',
    ie_port          CHAR(4) CHARACTER SET ascii NOT NULL COMMENT 'IEPort 进境关别',
    ie_date          DATE NOT NULL COMMENT 'IEDate 进口日期 (→ 到港日期)',
    d_date           DATE NOT NULL COMMENT 'DDate 申报日期 (→ 报关日期)',
    agent_code_scc   VARCHAR(18) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'AgentCodeScc 申报单位统一社会信用代码',
    agent_code       VARCHAR(10) CHARACTER SET ascii NOT NULL COMMENT 'AgentCode 申报单位海关编码',
    agent_name       VARCHAR(200) NOT NULL COMMENT 'AgentName 申报单位名称',
    declarant_name   VARCHAR(50) NOT NULL DEFAULT '' COMMENT '报关员 (portal field)',
    trade_co_scc     VARCHAR(18) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'TradeCoScc 境内收货人统一社会信用代码',
    trade_code       VARCHAR(10) CHARACTER SET ascii NOT NULL COMMENT 'TradeCode 境内收货人海关编码',
    trade_name       VARCHAR(200) NOT NULL COMMENT 'TradeName 境内收货人名称',
    receiver_addr    VARCHAR(200) NOT NULL DEFAULT '' COMMENT '收货人所在地: 注册地海关所在地址 (portal field)',
    owner_code_scc   VARCHAR(18) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'OwnerCodeScc 消费使用单位统一社会信用代码',
    owner_code       VARCHAR(10) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'OwnerCode 消费使用单位海关编码',
    owner_name       VARCHAR(200) NOT NULL DEFAULT '' COMMENT 'OwnerName 消费使用单位名称',
    owner_customs    VARCHAR(4) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT '消费使用单位所在地关区 (portal field)',
    trade_country    VARCHAR(3) CHARACTER SET ascii NOT NULL COMMENT 'TradeCountry 启运国(地区) (→ 退货国家(地区))',
    trade_mode       CHAR(4) CHARACTER SET ascii NOT NULL COMMENT 'TradeMode 监管方式 (→ 海关贸易方式)',
    bill_no          VARCHAR(50) NOT NULL DEFAULT '' COMMENT 'BillNo 提运单号',
    dest_customs     VARCHAR(4) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT '目的地海关 (portal field)',
    trade_key        VARCHAR(19) CHARACTER SET ascii AS
                     (IF(trade_co_scc <> '', CONCAT('S', trade_co_scc), CONCAT('C', trade_code))) STORED,
    owner_key        VARCHAR(19) CHARACTER SET ascii AS
                     (IF(owner_code_scc <> '', CONCAT('S', owner_code_scc),
                         IF(owner_code <> '', CONCAT('C', owner_code), NULL))) STORED,
    published_by     BIGINT UNSIGNED NULL COMMENT 'the customs officer',
    published_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY uk_import_decl_version (entry_id, version),
    UNIQUE KEY uk_import_decl_current (current_entry_id),
    KEY ix_import_decl_trade (trade_key, ie_date),
    KEY ix_import_decl_owner (owner_key, ie_date),
    CONSTRAINT fk_import_decl_publisher FOREIGN KEY (published_by) REFERENCES app_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One goods line (DecList) of one version: money DECIMAL(18,2) (int64 fen
-- in C), quantities DECIMAL(19,5) as customs keeps them.
CREATE TABLE import_decl_list (
    head_id         BIGINT UNSIGNED NOT NULL,
    g_no            TINYINT UNSIGNED NOT NULL COMMENT 'GNo 项号 1-99 (→ 序号)',
    code_ts         CHAR(10) CHARACTER SET ascii NOT NULL COMMENT 'CodeTS 商品编号 (→ 货物HS编码)',
    supv_class_name VARCHAR(100) NOT NULL DEFAULT '' COMMENT '监管类别名称 (portal field)',
    g_name          VARCHAR(255) NOT NULL COMMENT 'GName 商品名称',
    g_qty           DECIMAL(19,5) NOT NULL COMMENT 'GQty 成交数量 (→ 退货数量)',
    g_unit          CHAR(3) CHARACTER SET ascii NOT NULL COMMENT 'GUnit 成交计量单位',
    decl_total      DECIMAL(18,2) NOT NULL COMMENT 'DeclTotal 总价 (→ 退货金额)',
    trade_curr      CHAR(3) CHARACTER SET ascii NOT NULL COMMENT 'TradeCurr 币制 (→ 退货金额单位)',
    PRIMARY KEY (head_id, g_no),
    CONSTRAINT fk_import_decl_list_head FOREIGN KEY (head_id) REFERENCES import_decl_head (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
