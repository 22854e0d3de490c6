#include "ts_card.h"
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_crypto.h"
#include "ts_db.h"
#include "ts_log.h"
#include "ts_sm.h"
#include "ts_ui.h"

#include <stdio.h>
#include <string.h>

static const char *const purpose_names[] = {"login", "bind", "check"};

static const char *purpose_name(enum ts_card_purpose p)
{
    return (unsigned)p < sizeof purpose_names / sizeof purpose_names[0] ? purpose_names[p] : "";
}

/* The reader as signd's client wants it: NULL (the configured one, else
 * the one holding a card) for a blank choice. */
const char *ts_card_reader_arg(const char *reader)
{
    return reader && *reader ? reader : NULL;
}

/* 001 重要提醒, word for word: the card in the reader first, then the one
 * the user is registered with. */
void ts_card_mismatch_message(const char *card_no, const char *bound_no, char *out, size_t n)
{
    snprintf(out, n, "当前卡号 %s 与用户注册信息卡号 %s 不一致，无法进行申报", card_no, bound_no);
}

/* The card bound to a user, by id.  Not tenant-filtered: callers pass the
 * session's own user, or one they loaded through ts_scope, or (卡介质登录)
 * the user ts_card_user_of found.  -1 on a database error or a stored
 * certificate that does not decode. */
int ts_card_binding_load(struct ts_db *db, struct ts_arena *a, int64_t user_id,
                         struct ts_card_binding *b)
{
    struct ts_db_rows r;
    memset(b, 0, sizeof *b);
    if (ts_db_query(db, a,
                    "SELECT card_no, HEX(card_cert) AS cert FROM app_user"
                    " WHERE id = ? AND card_no IS NOT NULL",
                    TS_ARGS(TS_I64(user_id)), &r) < 0)
        return -1;
    if (r.nrows != 1)
        return 0;
    snprintf(b->card_no, sizeof b->card_no, "%s", ts_db_cell(&r, 0, "card_no"));
    const char *hex = ts_db_cell(&r, 0, "cert");
    if (!ts_crypto_unhex(hex, strlen(hex), false, b->cert, sizeof b->cert, &b->cert_len)) {
        ts_log_error("card: user %lld: stored certificate does not decode", (long long)user_id);
        return -1;
    }
    b->bound = true;
    return 0;
}

/* Who a card is bound to, in the whole portal (a card belongs to one
 * user; 卡介质登录 starts from it): *user_id 0 when nobody.  Locks the
 * row, as a login may count a failure on it. */
int ts_card_user_of(struct ts_db *db, struct ts_arena *a, const char *card_no, int64_t *user_id)
{
    struct ts_db_rows r;
    *user_id = 0;
    if (ts_db_query(db, a, "SELECT id FROM app_user WHERE card_no = ? FOR UPDATE",
                    TS_ARGS(TS_STR(card_no)), &r) < 0)
        return -1;
    if (r.nrows == 1)
        *user_id = ts_db_cell_i64(&r, 0, "id");
    return 0;
}

/* SHA-256 of the CSRF token of the browser: what ties a nonce to the
 * browser that got the form (a visitor's double-submit token before
 * login, the session's after). */
static void holder_hash(struct ts_ctx *c, char out[65])
{
    const char *csrf = ts_session_csrf(c);
    ts_crypto_sha256_hex(csrf ? csrf : "", csrf ? strlen(csrf) : 0, out);
}

/* A fresh nonce for a form that will have a card sign it.  Expired nonces
 * of everybody go on the way, and so do this browser's earlier nonces for
 * the same purpose and user: only the form shown last can be signed, and an
 * anonymous visitor reloading /login/card keeps one row, not one per GET. */
int ts_card_nonce_issue(struct ts_ctx *c, enum ts_card_purpose p, int64_t user_id, char nonce[65])
{
    char holder[65];
    holder_hash(c, holder);
    if (ts_crypto_token_hex(nonce) < 0 ||
        ts_db_exec(c->db, "DELETE FROM card_challenge WHERE expires_at < NOW()", TS_NOARGS, NULL) <
            0 ||
        ts_db_exec(
            c->db,
            "DELETE FROM card_challenge WHERE holder_hash = ? AND purpose = ? AND user_id = ?",
            TS_ARGS(TS_STR(holder), TS_STR(purpose_name(p)), TS_I64(user_id)), NULL) < 0)
        return -1;
    return ts_db_exec(
        c->db,
        "INSERT INTO card_challenge (nonce, purpose, holder_hash, user_id, expires_at)"
        " VALUES (?, ?, ?, ?, NOW() + INTERVAL ? MINUTE)",
        TS_ARGS(TS_STR(nonce), TS_STR(purpose_name(p)), TS_STR(holder), TS_I64(user_id),
                TS_I64(TS_CARD_NONCE_MINUTES)),
        NULL);
}

/* Use up a nonce posted with a form: 1 when it was issued to this browser
 * for this purpose and user and has not expired (it is gone now, whatever
 * the card says next), 0 when not, -1 on a database error. */
int ts_card_nonce_take(struct ts_ctx *c, enum ts_card_purpose p, int64_t user_id, const char *nonce)
{
    char holder[65];
    struct ts_db_result res;
    holder_hash(c, holder);
    if (ts_db_exec(c->db,
                   "DELETE FROM card_challenge WHERE nonce = ? AND purpose = ? AND holder_hash = ?"
                   " AND user_id = ? AND expires_at > NOW()",
                   TS_ARGS(TS_STR(nonce), TS_STR(purpose_name(p)), TS_STR(holder), TS_I64(user_id)),
                   &res) < 0)
        return -1;
    return res.affected == 1;
}

/* The message a card signs for a challenge: a fixed first line no data
 * package starts with, the purpose, the nonce, the card and the user, one
 * per line (docs/card.md "The portal").  Returns its length. */
size_t ts_card_challenge(enum ts_card_purpose p, const char *nonce, const char *card_no,
                         int64_t user_id, char out[TS_CARD_CHALLENGE_MAX])
{
    int n = snprintf(out, TS_CARD_CHALLENGE_MAX,
                     "TUISHUI-CARD-CHALLENGE/1\npurpose=%s\nnonce=%s\ncard=%s\nuser=%lld\n",
                     purpose_name(p), nonce, card_no, (long long)user_id);
    return n < 0 ? 0 : (size_t)n >= TS_CARD_CHALLENGE_MAX ? TS_CARD_CHALLENGE_MAX - 1 : (size_t)n;
}

static void check_clear(struct ts_card_check *chk)
{
    memset(chk, 0, sizeof *chk);
    chk->sign_err.tries_left = -1;
}

/* Record a refusal in chk; returns 1 (refused). */
static int refuse(struct ts_card_check *chk, enum ts_card_verdict v, const char *message)
{
    chk->verdict = v;
    snprintf(chk->message, sizeof chk->message, "%s", message);
    return 1;
}

/* Sign msg with the card in reader (PIN pin) and verify the signature
 * against cert (DER): e = SM3(Z_A || msg) is computed from cert, so a card
 * whose key is not cert's yields a signature that does not verify.
 * card_no is the number read from the card a moment before: signd checks
 * it again in the same card connection before the PIN goes out, so a card
 * swapped in between never sees the PIN.
 * 0 signed and verified (sig filled), 1 refused (chk says why). */
int ts_card_prove(const struct ts_sign_opts *o, const char *reader, const char *card_no,
                  const char *pin, const unsigned char *cert, size_t cert_len, const void *msg,
                  size_t n, unsigned char sig[TS_SIGN_SIG_MAX], size_t *sig_len,
                  struct ts_card_check *chk)
{
    X509 *x = ts_sm_cert_load(cert, cert_len);
    EVP_PKEY *pub = x ? ts_sm_cert_pubkey(x) : NULL;
    unsigned char e[TS_SM_E_LEN];
    int rc;
    if (!pub || ts_sm_sm2_e(pub, msg, n, e) < 0) {
        rc = refuse(chk, TS_CARD_BAD_CERT, "绑定的IC卡证书无法使用，请解除绑定后重新绑定IC卡");
    } else if (ts_sign_digest_for(o, ts_card_reader_arg(reader), card_no, pin, e, sig, sig_len,
                                  &chk->sign_err) != TS_SIGN_OK) {
        rc = refuse(chk, TS_CARD_SIGND, chk->sign_err.message);
    } else if (ts_sm_verify(pub, msg, n, sig, *sig_len) < 0) {
        rc = refuse(chk, TS_CARD_BAD_SIGNATURE,
                    "IC卡签名验证失败：卡内密钥与绑定的证书不符，请确认使用的是绑定的IC卡");
    } else {
        rc = 0;
    }
    EVP_PKEY_free(pub);
    X509_free(x);
    return rc;
}

/* The rule with the user's binding left in b (ts_card_sign signs with it). */
static int require_bound(struct ts_ctx *c, const char *reader, struct ts_card_binding *b,
                         struct ts_card_check *chk)
{
    struct ts_sign_opts o;
    check_clear(chk);
    if (ts_card_binding_load(c->db, c->arena, c->session->user_id, b) < 0)
        return -1;
    if (!b->bound)
        return refuse(chk, TS_CARD_UNBOUND, TS_CARD_MSG_UNBOUND);
    memcpy(chk->bound_no, b->card_no, sizeof chk->bound_no);
    ts_sign_opts_from_config(&o);
    if (ts_sign_card_no(&o, ts_card_reader_arg(reader), chk->card_no, &chk->sign_err) !=
        TS_SIGN_OK) {
        chk->card_no[0] = '\0';
        return refuse(chk, TS_CARD_SIGND, chk->sign_err.message);
    }
    if (strcmp(chk->card_no, b->card_no) != 0) {
        chk->verdict = TS_CARD_MISMATCH;
        ts_card_mismatch_message(chk->card_no, b->card_no, chk->message, sizeof chk->message);
        return 1;
    }
    return 0;
}

/* The first rule of 001 重要提醒 ("录入、暂存、查询"): the session's user
 * must be bound to a card; no card is asked.  0 allowed, 1 refused
 * (「您无权限操作该数据」 in chk->message), -1 on a database error. */
int ts_card_require_bound(struct ts_ctx *c, struct ts_card_check *chk)
{
    struct ts_card_binding b;
    check_clear(chk);
    if (ts_card_binding_load(c->db, c->arena, c->session->user_id, &b) < 0)
        return -1;
    if (!b.bound)
        return refuse(chk, TS_CARD_UNBOUND, TS_CARD_MSG_UNBOUND);
    memcpy(chk->bound_no, b.card_no, sizeof chk->bound_no);
    return 0;
}

/* The rule of 001 重要提醒 for the session's user, before any 申报 / 提交
 * (上传随附单据, 申报): bound to a card, and that card — no other — in the
 * reader.  0 allowed, 1 refused (chk->message is what the page says), -1
 * on a database error. */
int ts_card_require(struct ts_ctx *c, const char *reader, struct ts_card_check *chk)
{
    struct ts_card_binding b;
    return require_bound(c, reader, &b, chk);
}

/* The rule, then a signature of msg by the bound card with its PIN,
 * verified against the certificate stored at binding: what a 申报 signs
 * with.  0 signed, 1 refused (chk), -1 on a database error. */
int ts_card_sign(struct ts_ctx *c, const char *reader, const char *pin, const void *msg, size_t n,
                 unsigned char sig[TS_SIGN_SIG_MAX], size_t *sig_len, struct ts_card_check *chk)
{
    struct ts_card_binding b;
    struct ts_sign_opts o;
    int rc = require_bound(c, reader, &b, chk);
    if (rc != 0)
        return rc;
    ts_sign_opts_from_config(&o);
    return ts_card_prove(&o, reader, b.card_no, pin, b.cert, b.cert_len, msg, n, sig, sig_len, chk);
}

/* One 读卡器 choice: its PC/SC name, and whether a card is in it. */
static void set_reader_option(struct ts_ctx *c, int i, const struct ts_sign_reader *r)
{
    ts_ui_option(
        c, "Options.Readers", i, r->name,
        ts_arena_printf(c->arena, "%s（%s）", r->name, r->card_present ? "已插卡" : "未插卡"));
}

/* The reader to preselect: the one posted, else the configured one
 * (sign.reader) if it is there, else the only one holding a card. */
static const char *preselect(struct ts_ctx *c, const struct ts_sign_opts *o,
                             const struct ts_sign_reader *r, int n)
{
    const char *posted = ts_arg_present(c, "reader") ? ts_arg_str(c, "reader") : "";
    const char *with_card = NULL;
    int cards = 0;
    if (posted[0])
        return posted;
    for (int i = 0; i < n; i++)
        if (o->reader && strcmp(o->reader, r[i].name) == 0)
            return o->reader;
    for (int i = 0; i < n; i++)
        if (r[i].card_present && cards++ == 0)
            with_card = r[i].name;
    return cards == 1 ? with_card : "";
}

/* The 读卡器 choices of a card form, from signd (Options.Readers, the
 * preselected one in Form.reader); when signd cannot be asked or sees no
 * reader, its reason in Card.Unavailable.  The action must declare a
 * "reader" parameter. */
void ts_card_set_readers(struct ts_ctx *c)
{
    struct ts_sign_opts o;
    struct ts_sign_reader r[TS_SIGN_READERS];
    struct ts_sign_error err;
    int n = 0;
    ts_sign_opts_from_config(&o);
    if (ts_sign_status(&o, r, TS_SIGN_READERS, &n, &err) != TS_SIGN_OK) {
        ts_render_set(c, "Card.Unavailable", err.message);
        return;
    }
    if (n == 0)
        ts_render_set(c, "Card.Unavailable", ts_sign_message(TS_SIGN_E_NO_READER));
    for (int i = 0; i < n; i++)
        set_reader_option(c, i, &r[i]);
    ts_render_set(c, "Form.reader", ts_arena_strdup(c->arena, preselect(c, &o, r, n)));
}
