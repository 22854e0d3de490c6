-- 017_decl_query_speed: what the enterprise's 报关单查询 (cgi-bin/decl.c)
-- needs to answer in time the result count and one page of 20 when an
-- exporter has thousands of declarations in the 30 days it may ask for
-- (issue 6; docs/performance.md "报关单查询").
--
-- 1. ix_export_decl_owner_list replaces ix_export_decl_owner (a prefix of
--    it): with entry_id and current_entry_id in the index, one owner key's
--    current declarations of one type and date range come out of the index
--    alone, in the list's order (出口日期, 报关单号), so a page reads its 20
--    entries and stops, and only those 20 rows are read from the table.
--    Old versions (current_entry_id NULL) are in the index too and are
--    skipped there, without reading their rows.
--
-- 2. export_decl_day_count holds, per owner key, 报关单类型 and 出口日期,
--    how many current versions export_decl_head has.  The result count of
--    a date query is the sum of at most 2 keys x 30 days of it instead of
--    a count over every declaration of the range (5 000 index entries cost
--    MariaDB 2-3 ms each time).  The triggers below keep it exact in the
--    same statement (and so the same transaction) as every INSERT, UPDATE
--    and DELETE of export_decl_head; a count that ever went wrong (a
--    decrement below 0 — n is UNSIGNED — or of a missing row) fails the
--    write loudly instead of drifting.  A
--    TRUNCATE of export_decl_head fires no trigger: truncate this table
--    with it.  The triggers run as their definer (the administrator who
--    applies this file; INSTALL): that account must stay.
--
-- Apply it with the programs and ts-worker stopped (scripts/stack.sh
-- migrates before it starts them): a publish between the fill below and
-- the triggers would not be counted.  The file can be applied again after
-- a failure half-way (IF [NOT] EXISTS, OR REPLACE, the fill starts from
-- empty); `ts-admin recount-decl-days` rebuilds the counts at any time.
ALTER TABLE export_decl_head
    DROP KEY IF EXISTS ix_export_decl_owner,
    ADD KEY IF NOT EXISTS ix_export_decl_owner_list (owner_key, decl_type, ie_date, entry_id, current_entry_id);

CREATE TABLE IF NOT EXISTS export_decl_day_count (
    owner_key VARCHAR(19) CHARACTER SET ascii NOT NULL COMMENT 'export_decl_head.owner_key',
    decl_type ENUM('clear','port') NOT NULL COMMENT 'export_decl_head.decl_type',
    ie_date   DATE NOT NULL COMMENT 'export_decl_head.ie_date 出口日期',
    n         INT UNSIGNED NOT NULL COMMENT 'current versions (current_entry_id NOT NULL)',
    PRIMARY KEY (owner_key, decl_type, ie_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DELETE FROM export_decl_day_count;
INSERT INTO export_decl_day_count (owner_key, decl_type, ie_date, n)
SELECT owner_key, decl_type, ie_date, COUNT(*)
  FROM export_decl_head
 WHERE current_entry_id IS NOT NULL
 GROUP BY owner_key, decl_type, ie_date;

DELIMITER //

CREATE OR REPLACE TRIGGER export_decl_head_count_ins AFTER INSERT ON export_decl_head FOR EACH ROW
BEGIN
    IF NEW.current_entry_id IS NOT NULL THEN
        INSERT INTO export_decl_day_count (owner_key, decl_type, ie_date, n)
        VALUES (NEW.owner_key, NEW.decl_type, NEW.ie_date, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

-- A row counts under its key while it is current: it leaves the old key's
-- count when it stops being current or its key changes, and joins the new
-- key's when it becomes current or its key changes.
CREATE OR REPLACE TRIGGER export_decl_head_count_upd AFTER UPDATE ON export_decl_head FOR EACH ROW
BEGIN
    DECLARE same_key BOOLEAN DEFAULT OLD.owner_key <=> NEW.owner_key
        AND OLD.decl_type <=> NEW.decl_type AND OLD.ie_date <=> NEW.ie_date;
    IF OLD.current_entry_id IS NOT NULL AND (NEW.current_entry_id IS NULL OR NOT same_key) THEN
        UPDATE export_decl_day_count SET n = n - 1
         WHERE owner_key = OLD.owner_key AND decl_type = OLD.decl_type AND ie_date = OLD.ie_date;
        IF ROW_COUNT() <> 1 THEN
            SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'export_decl_day_count out of step';
        END IF;
    END IF;
    IF NEW.current_entry_id IS NOT NULL AND (OLD.current_entry_id IS NULL OR NOT same_key) THEN
        INSERT INTO export_decl_day_count (owner_key, decl_type, ie_date, n)
        VALUES (NEW.owner_key, NEW.decl_type, NEW.ie_date, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

CREATE OR REPLACE TRIGGER export_decl_head_count_del AFTER DELETE ON export_decl_head FOR EACH ROW
BEGIN
    IF OLD.current_entry_id IS NOT NULL THEN
        UPDATE export_decl_day_count SET n = n - 1
         WHERE owner_key = OLD.owner_key AND decl_type = OLD.decl_type AND ie_date = OLD.ie_date;
        IF ROW_COUNT() <> 1 THEN
            SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'export_decl_day_count out of step';
        END IF;
    END IF;
END//

DELIMITER ;
