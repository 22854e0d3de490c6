-- 011_customs_decl: 出口报关单 as customs publishes them into the portal
-- (manual 003 §2.1; lib/ts_customs_decl.h; docs/formats.md "报关单 XML").
--
-- export_decl_head is one published version of a declaration's header
-- (海关总署公告2018年第67号 DecHead), export_decl_list its product lines
-- (DecList).  A declaration published again under the same 海关编号 gets a
-- new version with 数据传输状态 修改; the earlier versions stay, no longer
-- current (current_entry_id NULL).  Only the current version is shown to
-- the enterprise.
--
-- Not to be confused with customs_decl (007): that is a line of an
-- enterprise's own 关单清册 (000 §2.4), built from its 明细申请表 and keyed
-- by the same 报关单号; this is the declaration customs published.  The
-- two meet on decl_no = entry_id.
--
-- Owner: the 境内发货人.  owner_key names it by 统一社会信用代码 when the
-- declaration carries one ('S' + TradeCoScc), else by 海关编码 ('C' +
-- TradeCode); an enterprise sees the declarations whose owner_key is one
-- of its two keys (cgi-bin/decl.c), so a declaration published before the
-- enterprise registered in the portal is there when it does.  (trade_code
-- is VARCHAR, not CHAR: MariaDB refuses a stored generated column over a
-- CHAR, whose value would depend on PAD_CHAR_TO_FULL_LENGTH.)
CREATE TABLE export_decl_head (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    entry_id         CHAR(18) CHARACTER SET ascii NOT NULL COMMENT 'EntryId 海关编号',
    version          INT UNSIGNED NOT NULL COMMENT '1, 2, ... per entry_id',
    current_entry_id CHAR(18) CHARACTER SET ascii NULL COMMENT 'entry_id while this is the current version, else NULL',
    trans_status     ENUM('new','modified') NOT NULL COMMENT '数据传输状态 新增 / 修改',
    decl_type        ENUM('clear','port') NOT NULL DEFAULT 'clear' COMMENT '报关单类型 结关 / 启运港退税',
    seq_no           VARCHAR(18) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'SeqNo 数据中心统一编号',
    pre_entry_id     VARCHAR(18) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'PreEntryId 预录入编号',
    ie_flag          CHAR(1) CHARACTER SET ascii NOT NULL DEFAULT 'E' COMMENT 'IEFlag',
    custom_master    CHAR(4) CHARACTER SET ascii NOT NULL COMMENT 'CustomMaster 申报地海关',
    ie_port          CHAR(4) CHARACTER SET ascii NOT NULL COMMENT 'IEPort 出境关别',
    ie_date          DATE NOT NULL COMMENT 'IEDate 出口日期',
    d_date           DATE NOT NULL COMMENT 'DDate 申报日期',
    clear_date       DATE NULL COMMENT '结关日期',
    trade_co_scc     VARCHAR(18) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'TradeCoScc 境内发货人统一社会信用代码',
    trade_code       VARCHAR(10) CHARACTER SET ascii NOT NULL COMMENT 'TradeCode 境内发货人海关编码',
    trade_name       VARCHAR(200) NOT NULL COMMENT 'TradeName 境内发货人名称',
    owner_code_scc   VARCHAR(18) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'OwnerCodeScc 生产销售单位统一社会信用代码',
    owner_code       VARCHAR(10) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'OwnerCode 生产销售单位海关编码',
    owner_name       VARCHAR(200) NOT NULL DEFAULT '' COMMENT 'OwnerName 生产销售单位名称',
    traf_mode        VARCHAR(1) CHARACTER SET ascii NOT NULL COMMENT 'TrafMode 运输方式',
    bill_no          VARCHAR(50) NOT NULL DEFAULT '' COMMENT 'BillNo 提运单号',
    trade_mode       CHAR(4) CHARACTER SET ascii NOT NULL COMMENT 'TradeMode 监管方式',
    cut_mode         VARCHAR(3) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'CutMode 征免性质',
    trans_mode       VARCHAR(1) CHARACTER SET ascii NOT NULL COMMENT 'TransMode 成交方式',
    fee_mark         VARCHAR(1) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'FeeMark 运费标记 1率 2单价 3总价',
    fee_rate         DECIMAL(19,5) NULL COMMENT 'FeeRate 运费/率',
    fee_curr         VARCHAR(3) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'FeeCurr 运费币制',
    insur_mark       VARCHAR(1) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'InsurMark 保费标记 1率 3总价',
    insur_rate       DECIMAL(19,5) NULL COMMENT 'InsurRate 保费/率',
    insur_curr       VARCHAR(3) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'InsurCurr 保费币制',
    contr_no         VARCHAR(50) NOT NULL DEFAULT '' COMMENT 'ContrNo 合同协议号',
    trade_country    VARCHAR(3) CHARACTER SET ascii NOT NULL COMMENT 'TradeCountry 运抵国(地区)',
    distinate_port   VARCHAR(6) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'DistinatePort 指运港',
    pack_no          INT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'PackNo 件数',
    gross_wet        DECIMAL(19,5) NOT NULL DEFAULT 0 COMMENT 'GrossWet 毛重(千克)',
    net_wt           DECIMAL(19,5) NOT NULL DEFAULT 0 COMMENT 'NetWt 净重(千克)',
    owner_key        VARCHAR(19) CHARACTER SET ascii AS
                     (IF(trade_co_scc <> '', CONCAT('S', trade_co_scc), CONCAT('C', trade_code))) STORED,
    published_by     BIGINT UNSIGNED NULL COMMENT 'the customs officer',
    published_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY uk_export_decl_version (entry_id, version),
    UNIQUE KEY uk_export_decl_current (current_entry_id),
    KEY ix_export_decl_owner (owner_key, decl_type, ie_date),
    CONSTRAINT fk_export_decl_publisher FOREIGN KEY (published_by) REFERENCES app_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One product line (DecList) of one version.  Money DECIMAL(18,2), unit
-- prices DECIMAL(19,4) and quantities DECIMAL(19,5) as customs keeps them.
CREATE TABLE export_decl_list (
    head_id        BIGINT UNSIGNED NOT NULL,
    g_no           TINYINT UNSIGNED NOT NULL COMMENT 'GNo 项号 1-99',
    code_ts        CHAR(10) CHARACTER SET ascii NOT NULL COMMENT 'CodeTS 商品编号',
    g_name         VARCHAR(255) NOT NULL COMMENT 'GName 商品名称',
    g_model        VARCHAR(255) NOT NULL DEFAULT '' COMMENT 'GModel 规格型号',
    g_qty          DECIMAL(19,5) NOT NULL COMMENT 'GQty 成交数量',
    g_unit         CHAR(3) CHARACTER SET ascii NOT NULL COMMENT 'GUnit 成交计量单位',
    first_qty      DECIMAL(19,5) NOT NULL COMMENT 'FirstQty 法定第一数量',
    first_unit     CHAR(3) CHARACTER SET ascii NOT NULL COMMENT 'FirstUnit 法定第一计量单位',
    second_qty     DECIMAL(19,5) NULL COMMENT 'SecondQty 法定第二数量',
    second_unit    VARCHAR(3) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'SecondUnit 法定第二计量单位',
    decl_price     DECIMAL(19,4) NOT NULL COMMENT 'DeclPrice 单价',
    decl_total     DECIMAL(18,2) NOT NULL COMMENT 'DeclTotal 总价',
    trade_curr     CHAR(3) CHARACTER SET ascii NOT NULL COMMENT 'TradeCurr 币制',
    usd_fob        DECIMAL(18,2) NOT NULL COMMENT 'UsdFob 美元离岸价',
    rmb_fob        DECIMAL(18,2) NOT NULL COMMENT 'RmbFob 人民币离岸价',
    origin_country VARCHAR(3) CHARACTER SET ascii NOT NULL COMMENT 'OriginCountry 原产国(地区)',
    destination_country VARCHAR(3) CHARACTER SET ascii NOT NULL COMMENT 'DestinationCountry 最终目的国(地区)',
    district_code  VARCHAR(5) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'DistrictCode 境内货源地',
    duty_mode      VARCHAR(1) CHARACTER SET ascii NOT NULL DEFAULT '' COMMENT 'DutyMode 征免方式',
    PRIMARY KEY (head_id, g_no),
    CONSTRAINT fk_export_decl_list_head FOREIGN KEY (head_id) REFERENCES export_decl_head (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
