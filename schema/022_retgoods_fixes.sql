-- 022_retgoods_fixes: 出口退货 review (issue 7; docs/retgoods.md).
--
-- 1. One registration (7 人工审核通过) per import declaration, kept by the
--    database: registered_entry_id is the 进口报关单号 while the record is
--    in 7 and NULL otherwise, and its UNIQUE key refuses a second record
--    of the same declaration reaching 7 even when two officers approve at
--    once (the check before the move reads without locks; the key waits
--    for the other transaction and then answers duplicate-key, which
--    cgi-bin/customs.c shows as 「已办理出口退货登记」).  The key is also the
--    index of that check (ts_rgaudit_registered).  Applying it fails if two
--    records of one declaration are in 7 already: move one back first.
--    RTRIM (a no-op on 18 digits) because MariaDB refuses a CHAR column
--    alone in a generated column (its value would depend on the sql_mode
--    PAD_CHAR_TO_FULL_LENGTH).
-- 2. 是否属于工业品 (manual 004 §4.1.1 商品信息, last column), Y/N per
--    goods line, chosen by the enterprise; Y by default (the records go to
--    customs' 出口工业品退运追溯调查管理系统).
ALTER TABLE retgoods_head
    ADD COLUMN registered_entry_id CHAR(18) CHARACTER SET ascii
        AS (IF(status = 7, RTRIM(i_entry_id), NULL)) STORED
        COMMENT '进口报关单号 while 人工审核通过 (7), else NULL: one registration each',
    ADD UNIQUE KEY ux_retgoods_registered (registered_entry_id);

ALTER TABLE retgoods_list
    ADD COLUMN industrial CHAR(1) CHARACTER SET ascii NOT NULL DEFAULT 'Y'
        COMMENT '是否属于工业品 Y/N',
    ADD CONSTRAINT ck_retgoods_list_industrial CHECK (industrial IN ('Y', 'N'));
