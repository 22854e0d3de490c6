-- 010_card_binding: a user's 电子口岸 IC 卡 (001 重要提醒 "关于 IC卡/Ikey";
-- docs/card.md "The portal").
--
-- app_user.card_no (001_core) is the bound 卡号; binding also keeps the
-- certificate read from the card at that moment (DER), which 卡介质登录 and
-- every card signature are verified against, and when and by whom the card
-- was bound.  A card is bound to at most one user in the whole portal
-- (uk_user_card; NULLs do not collide).  card_no and card_cert are set and
-- cleared together.  card_bound_by has no foreign key: binders are users
-- that may later be removed, and the audit log names them anyway.
--
-- card_challenge: the single-use nonces a card signs (卡介质登录, binding,
-- IC卡检测).  A nonce is issued with the form, tied to the browser that got
-- it (SHA-256 of its CSRF token) and, for binding, to the user being bound;
-- it is deleted when it is used, whatever the outcome, and is good for 5
-- minutes.  Expired rows are removed when new ones are issued.

ALTER TABLE app_user
    ADD COLUMN card_cert VARBINARY(2048) NULL COMMENT '绑定时IC卡上的证书 (DER)' AFTER card_no,
    ADD COLUMN card_bound_at DATETIME NULL COMMENT 'IC卡绑定时间' AFTER card_cert,
    ADD COLUMN card_bound_by BIGINT UNSIGNED NULL COMMENT 'who bound it (NULL: ts-admin bind-card)' AFTER card_bound_at,
    ADD UNIQUE KEY uk_user_card (card_no),
    ADD CONSTRAINT ck_user_card CHECK ((card_no IS NULL) = (card_cert IS NULL));

CREATE TABLE card_challenge (
    nonce       CHAR(64)     NOT NULL PRIMARY KEY COMMENT '32 random bytes, hex',
    purpose     ENUM('login','bind','check') NOT NULL,
    holder_hash CHAR(64)     NOT NULL COMMENT 'SHA-256 of the CSRF token of the browser it was issued to',
    user_id     BIGINT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'bind: the user to bind; check: who checks; login: 0',
    expires_at  DATETIME     NOT NULL,
    KEY ix_card_challenge_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
