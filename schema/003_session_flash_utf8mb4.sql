-- 003: session.flash holds the Chinese one-time message (保存成功。...), but
-- the session table is ascii (001_core.sql), so every flash failed to store
-- ("Incorrect string value").  Only this column needs Chinese; the tokens
-- stay ascii.
ALTER TABLE session
    MODIFY flash VARCHAR(500) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL;
