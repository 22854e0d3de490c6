/* ts_card — the portal's rules about a user's 电子口岸 IC 卡 (001 重要提醒
 * "关于 IC卡/Ikey"; docs/card.md "The portal").
 *
 * - Binding: a user's 卡号 and the certificate read from the card when it
 *   was bound (app_user.card_no / card_cert, schema/010_card_binding.sql).
 * - Challenges: single-use nonces (card_challenge) a card signs to prove
 *   it is there and its holder knows the PIN: 卡介质登录, binding, IC卡检测.
 *   The signed message is domain-separated (ts_card_challenge), so a
 *   challenge signature can never pass for another purpose's, nor for a
 *   data package's.
 * - The rules of 001 重要提醒 the business modules call before they act:
 *   录入、暂存、查询 of rebate data need a user bound to a card
 *   (ts_card_require_bound, else 「您无权限操作该数据」); 上传随附单据 and
 *   申报 / 提交 also need that card, no other, in the reader
 *   (ts_card_require: else 「当前卡号 XXXX 与用户注册信息卡号 XXXX 不一致，
 *   无法进行申报」, or the reader's own message when no card is there).
 *   ts_card_sign runs the rule, then signs with the card and checks the
 *   signature against the bound certificate.
 *
 * The card is reached only through signd (lib/ts_sign); a reader NULL or
 * "" means the configured one (sign.reader), else the one reader holding a
 * card. */
#ifndef TS_CARD_H
#define TS_CARD_H

#include "ts_sign.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts_arena;
struct ts_ctx;
struct ts_db;

/* 001 重要提醒: a user not bound to a card. */
#define TS_CARD_MSG_UNBOUND "您无权限操作该数据"
/* Room for a challenge message (ts_card_challenge). */
#define TS_CARD_CHALLENGE_MAX 256
/* How long an issued nonce may be used. */
#define TS_CARD_NONCE_MINUTES 5

enum ts_card_purpose {
    TS_CARD_LOGIN, /* 卡介质登录 */
    TS_CARD_BIND,  /* 绑定IC卡: proof of possession */
    TS_CARD_CHECK, /* IC卡检测 */
};

/* A user's binding as stored. */
struct ts_card_binding {
    bool bound;
    char card_no[TS_SIGN_CARD_NO + 1];
    unsigned char cert[TS_SIGN_CERT_MAX]; /* DER, as read from the card at binding */
    size_t cert_len;
};

/* What a check or a signature found. */
enum ts_card_verdict {
    TS_CARD_OK = 0,
    TS_CARD_UNBOUND,       /* the user has no card: 您无权限操作该数据 */
    TS_CARD_MISMATCH,      /* another card in the reader: 当前卡号 … 不一致 */
    TS_CARD_SIGND,         /* signd or the card said no (sign_err: no card, PIN ...) */
    TS_CARD_BAD_CERT,      /* the bound certificate is unusable, or the card's differs */
    TS_CARD_BAD_SIGNATURE, /* the signature does not verify against the certificate */
};

struct ts_card_check {
    enum ts_card_verdict verdict;
    char message[320];                  /* Chinese, for the page; "" when TS_CARD_OK */
    char card_no[TS_SIGN_CARD_NO + 1];  /* the card in the reader ("" not read) */
    char bound_no[TS_SIGN_CARD_NO + 1]; /* the user's bound card ("" none) */
    struct ts_sign_error sign_err;      /* TS_CARD_SIGND: signd's answer */
};

int ts_card_binding_load(struct ts_db *db, struct ts_arena *a, int64_t user_id,
                         struct ts_card_binding *b);
int ts_card_user_of(struct ts_db *db, struct ts_arena *a, const char *card_no, int64_t *user_id);

int ts_card_nonce_issue(struct ts_ctx *c, enum ts_card_purpose p, int64_t user_id, char nonce[65]);
int ts_card_nonce_take(struct ts_ctx *c, enum ts_card_purpose p, int64_t user_id,
                       const char *nonce);
size_t ts_card_challenge(enum ts_card_purpose p, const char *nonce, const char *card_no,
                         int64_t user_id, char out[TS_CARD_CHALLENGE_MAX]);

int ts_card_prove(const struct ts_sign_opts *o, const char *reader, const char *card_no,
                  const char *pin, const unsigned char *cert, size_t cert_len, const void *msg,
                  size_t n, unsigned char sig[TS_SIGN_SIG_MAX], size_t *sig_len,
                  struct ts_card_check *chk);

int ts_card_require_bound(struct ts_ctx *c, struct ts_card_check *chk);
int ts_card_require(struct ts_ctx *c, const char *reader, struct ts_card_check *chk);
int ts_card_sign(struct ts_ctx *c, const char *reader, const char *pin, const void *msg, size_t n,
                 unsigned char sig[TS_SIGN_SIG_MAX], size_t *sig_len, struct ts_card_check *chk);

void ts_card_mismatch_message(const char *card_no, const char *bound_no, char *out, size_t n);
const char *ts_card_reader_arg(const char *reader);
void ts_card_set_readers(struct ts_ctx *c);

#endif
