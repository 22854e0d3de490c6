-- 006_efiling: 电子化管理备案 (000 §2.5.1) as the efiling program keeps it.
--
-- Saving the form again updates the enterprise's one row; updated_by says
-- who saved it last (created_by who filed first), both shown on the page.
-- The 备案申请表 names a stored file: the column takes stored_file's
-- character set so it can reference it, and a row can never name content
-- the store does not hold.
ALTER TABLE efiling
    ADD COLUMN updated_by BIGINT UNSIGNED NULL COMMENT '最后保存人' AFTER created_by,
    MODIFY form_sha256 CHAR(64) CHARACTER SET ascii NULL COMMENT '备案申请表 (stored_file)',
    ADD CONSTRAINT fk_efiling_created_by FOREIGN KEY (created_by) REFERENCES app_user (id),
    ADD CONSTRAINT fk_efiling_updated_by FOREIGN KEY (updated_by) REFERENCES app_user (id),
    ADD CONSTRAINT fk_efiling_form FOREIGN KEY (form_sha256) REFERENCES stored_file (sha256);
