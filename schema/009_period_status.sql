-- 009_period_status: 按所属期备案 未收齐 / 已收齐 (docs/filing.md).
--
-- A 按所属期备案 record is 已收齐 when its 所属期 has declarations and every
-- one of them is 已收齐; it returns to 未收齐 when one is set back (撤销收齐)
-- or an import adds an incomplete declaration to the 所属期.  lib/ts_docs
-- keeps period_filing.status so, in the transaction of the change, with an
-- audit row; completed_by / completed_at say whose 收齐 completed the last
-- declaration, and when, as on customs_decl.
--
-- Existing records get their status from their declarations once here (a
-- migration has no user or request to audit; it is the rule's first
-- application, not a change anyone made).

ALTER TABLE period_filing
    ADD COLUMN completed_by BIGINT UNSIGNED NULL COMMENT 'whose 收齐 completed the last declaration' AFTER status,
    ADD COLUMN completed_at DATETIME NULL COMMENT 'when the record became 已收齐' AFTER completed_by;

UPDATE period_filing p
   SET p.status = 'complete',
       p.completed_at = (SELECT MAX(d.completed_at) FROM customs_decl d
                          WHERE d.ent_id = p.ent_id AND d.period = p.period)
 WHERE EXISTS (SELECT 1 FROM customs_decl d WHERE d.ent_id = p.ent_id AND d.period = p.period)
   AND NOT EXISTS (SELECT 1 FROM customs_decl d WHERE d.ent_id = p.ent_id AND d.period = p.period
                      AND d.status = 'incomplete');
