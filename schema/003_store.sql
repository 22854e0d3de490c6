-- 003_store: files in the content-addressed store (lib/ts_store.c).  One row
-- per distinct content; documents of every module reference it by sha256.
CREATE TABLE stored_file (
    sha256      CHAR(64)     NOT NULL PRIMARY KEY,
    size        BIGINT UNSIGNED NOT NULL,
    kind        ENUM('jpeg','pdf','png','xlsx') NOT NULL,
    created_at  DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
