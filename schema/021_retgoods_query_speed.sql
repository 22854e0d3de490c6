-- 021_retgoods_query_speed: what the 出口退货信息查询 (cgi-bin/retgoods.c,
-- 004 §4.2) needs to answer the result count and one page of 20 in time
-- when an enterprise has thousands of records in the 30 days it may ask
-- for (docs/performance.md "出口退货信息查询").
--
-- 1. ix_retgoods_ent_status (ent_id, status, updated_at): one enterprise's
--    records of one state in a 最近操作时间 range are one range of it, in
--    the list's order (updated_at, then id, which InnoDB keeps in every
--    secondary index), so a 状态 query's COUNT reads only the matching
--    entries, index-only, and its page walks the index backwards and stops
--    after offset + 20 entries.  Before, it went through ix_retgoods_status
--    (status, id) over every enterprise's records of that state and read
--    each row.  Without 状态 the page keeps ix_retgoods_ent_updated
--    (ent_id, updated_at), index-only for the ids.
--
-- 2. retgoods_day_count holds, per enterprise and day of 最近操作时间
--    (DATE(updated_at)), how many records retgoods_head has.  The count of
--    the page's default query (dates only: 当天 / 本周 / 本月 or two dates,
--    always whole days) is the sum of at most 30 rows of it instead of a
--    count over every index entry of the range (5 000 entries: 1.4 ms of
--    MariaDB each time).  The triggers below keep it exact in the same
--    statement (and so the same transaction) as every INSERT, DELETE and
--    UPDATE of retgoods_head; an UPDATE writes it only when the record's
--    day or enterprise changes (a state change on the day the record was
--    last touched writes nothing here).  A decrement below 0 (n is
--    UNSIGNED) or of a missing row fails the write loudly instead of
--    drifting.  A TRUNCATE of retgoods_head fires no trigger: truncate this
--    table with it.  The triggers run as their definer (the administrator
--    who applies this file; INSTALL): that account must stay.
--
-- Apply it with the programs and ts-worker stopped (scripts/stack.sh
-- migrates before it starts them): a write between the fill below and the
-- triggers would not be counted.  The file can be applied again, after a
-- failure half-way or to rebuild the counts (IF [NOT] EXISTS, OR REPLACE,
-- the fill starts from empty).
ALTER TABLE retgoods_head ADD KEY IF NOT EXISTS ix_retgoods_ent_status (ent_id, status, updated_at);

CREATE TABLE IF NOT EXISTS retgoods_day_count (
    ent_id BIGINT UNSIGNED NOT NULL COMMENT 'retgoods_head.ent_id',
    day    DATE NOT NULL COMMENT 'DATE(retgoods_head.updated_at) 最近操作时间',
    n      INT UNSIGNED NOT NULL COMMENT 'records of the enterprise last touched that day',
    PRIMARY KEY (ent_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DELETE FROM retgoods_day_count;
INSERT INTO retgoods_day_count (ent_id, day, n)
SELECT ent_id, DATE(updated_at), COUNT(*) FROM retgoods_head GROUP BY ent_id, DATE(updated_at);

DELIMITER //

CREATE OR REPLACE TRIGGER retgoods_head_count_ins AFTER INSERT ON retgoods_head FOR EACH ROW
BEGIN
    INSERT INTO retgoods_day_count (ent_id, day, n) VALUES (NEW.ent_id, DATE(NEW.updated_at), 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
END//

-- A record leaves its old day's count and joins the new one's only when
-- its day (or enterprise) changes.
CREATE OR REPLACE TRIGGER retgoods_head_count_upd AFTER UPDATE ON retgoods_head FOR EACH ROW
BEGIN
    IF NOT (OLD.ent_id <=> NEW.ent_id AND DATE(OLD.updated_at) <=> DATE(NEW.updated_at)) THEN
        UPDATE retgoods_day_count SET n = n - 1
         WHERE ent_id = OLD.ent_id AND day = DATE(OLD.updated_at);
        IF ROW_COUNT() <> 1 THEN
            SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'retgoods_day_count out of step';
        END IF;
        INSERT INTO retgoods_day_count (ent_id, day, n) VALUES (NEW.ent_id, DATE(NEW.updated_at), 1)
            ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
END//

CREATE OR REPLACE TRIGGER retgoods_head_count_del AFTER DELETE ON retgoods_head FOR EACH ROW
BEGIN
    UPDATE retgoods_day_count SET n = n - 1 WHERE ent_id = OLD.ent_id AND day = DATE(OLD.updated_at);
    IF ROW_COUNT() <> 1 THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'retgoods_day_count out of step';
    END IF;
END//

DELIMITER ;
