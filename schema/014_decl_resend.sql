-- 014_decl_resend: 重新发往税务总局 (manual 003 §2.1.3, §2.1.7).
--
-- An enterprise asks for one of its published 出口报关单 to be sent to the
-- 税务总局 again (§2.1.1 小提示4: the tax side received wrong data).  One
-- row per declaration per request: who asked, when, and which version of
-- the declaration (head_id / version) was current and so is the one sent.
-- The tax side reads this list (docs/declarations.md "重新发往税务总局");
-- the transfer itself (sent_at) belongs to the interface with the 税务总局,
-- which the portal does not have yet, so every row waits with sent_at NULL.
CREATE TABLE export_decl_resend (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ent_id     BIGINT UNSIGNED NOT NULL COMMENT 'the enterprise that asked (the 境内发货人)',
    head_id    BIGINT UNSIGNED NOT NULL COMMENT 'export_decl_head row: the version resent',
    entry_id   CHAR(18) CHARACTER SET ascii NOT NULL COMMENT '海关编号',
    version    INT UNSIGNED NOT NULL COMMENT 'export_decl_head.version of that row',
    user_id    BIGINT UNSIGNED NOT NULL COMMENT 'who clicked 重新发往税务总局',
    request_id CHAR(16) CHARACTER SET ascii NOT NULL COMMENT 'the request (audit_log.request_id)',
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    sent_at    DATETIME NULL COMMENT 'handed to the 税务总局; NULL while waiting',
    KEY ix_decl_resend_ent (ent_id, created_at),
    KEY ix_decl_resend_entry (entry_id, created_at),
    KEY ix_decl_resend_waiting (sent_at, id),
    CONSTRAINT fk_decl_resend_ent FOREIGN KEY (ent_id) REFERENCES enterprise (id),
    CONSTRAINT fk_decl_resend_head FOREIGN KEY (head_id) REFERENCES export_decl_head (id),
    CONSTRAINT fk_decl_resend_user FOREIGN KEY (user_id) REFERENCES app_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
