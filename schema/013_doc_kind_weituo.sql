-- 013_doc_kind_weituo: 委托出口协议 as a default 单证种类 (issue 4's list of
-- default kinds; docs/filing.md).
--
-- An exporter that entrusts another enterprise with the export (委托出口)
-- keeps the 委托出口协议 among its 购销合同: the 备案单证 rule's first class
-- (出口企业的购销合同, 公告2026年第5号 第四十四条) names the contracts of
-- the sale, and for a 委托出口 the agreement with the agent is that
-- contract.  Both enterprise types may entrust an export (a 外贸企业 its
-- goods, a 生产企业 its own products), so it applies to 'all'.  Only some
-- exports are 委托出口, so it is not required (required = 0): 收齐 does not
-- ask for it, like 外贸综合服务合同.  Locked like every default kind; in force
-- always (no dates).
--
-- An enterprise that already made a kind of its own with this name keeps
-- it and its files, renamed "委托出口协议（自定义）" so that the list does not
-- show two kinds of one name (doctypes refuses a custom kind named like a
-- default one from now on).

UPDATE doc_kind
   SET name = '委托出口协议（自定义）'
 WHERE ent_id IS NOT NULL AND name = '委托出口协议'
   AND NOT EXISTS (SELECT 1 FROM (SELECT ent_key FROM doc_kind WHERE name = '委托出口协议（自定义）') t
                    WHERE t.ent_key = doc_kind.ent_key);

INSERT INTO doc_kind (ent_id, applies_to, category, name, description, required, locked, sort_order) VALUES
 (NULL, 'all', 'contract', '委托出口协议', '委托出口的，与受托方签订的委托出口协议', 0, 1, 35);
