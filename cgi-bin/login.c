/* login — 登录, 退出, 修改密码, 忘记密码.
 *
 * 000 §2.1 / 001 "登录入口": 用户名 + 密码 + 验证码.  002 §2.3: an
 * enterprise may log in with its 海关代码, 纳税人识别号 or 统一社会信用代码
 * instead of the login name; its initial password is the last 8 digits of
 * its bank account and must be changed at first login.  002 §5.1: a
 * forgotten password is reset by the tax bureau (or the enterprise's
 * administrator), not by SMS.
 *
 * 卡介质登录 (000 §2.1, 003 §2.2, 004 §2.3.1): the user picks the reader
 * holding their 电子口岸 IC 卡, types the card's PIN and ticks 已阅读并同意;
 * the card's 卡号 names the user it is bound to, the card must hold the
 * certificate stored at binding, and it must sign a fresh single-use nonce
 * (issued with the form, lib/ts_card) that verifies against that
 * certificate.  The card is reached through signd beside the programs
 * (docs/card.md "The portal"). */
#include "ts_account.h"
#include "ts_app.h"
#include "ts_arena.h"
#include "ts_captcha.h"
#include "ts_card.h"
#include "ts_config.h"
#include "ts_crypto.h"

#include <stdlib.h>
#include <string.h>

#define CAPTCHA_COOKIE "ts_cap"

static bool captcha_enabled(void)
{
    return ts_config_int("captcha.enabled", 1) != 0 || !ts_config_test_mode();
}

/* GET /login/ — the login form; a logged-in user goes to the workbench. */
static enum ts_result login_form(struct ts_ctx *c)
{
    if (c->session)
        return ts_resp_redirect(c, "/workbench/") ? TS_FAIL : TS_OK;
    ts_render_set(c, "Page.Title", "登录");
    ts_render_set(c, "Login.Captcha", captcha_enabled() ? "1" : "");
    return ts_render(c, "login/form.cs") ? TS_FAIL : TS_OK;
}

/* GET /login/captcha — a new challenge: the answer is stored under the
 * hash of a cookie token, the image goes to the browser. */
static enum ts_result captcha_image(struct ts_ctx *c)
{
    char code[TS_CAPTCHA_LEN + 1], token[65], hash[65];
    unsigned char *png = NULL;
    size_t png_len = 0;
    enum ts_result rc = TS_FAIL;
    if (ts_captcha_new_code(code) < 0 || ts_crypto_token_hex(token) < 0 ||
        ts_captcha_png(code, &png, &png_len) < 0)
        goto out;
    ts_crypto_sha256_hex(token, 64, hash);
    if (ts_db_exec(c->db, "DELETE FROM captcha WHERE created_at < NOW() - INTERVAL 10 MINUTE",
                   TS_NOARGS, NULL) < 0 ||
        ts_db_exec(c->db,
                   "INSERT INTO captcha (token_hash, answer, created_at) VALUES (?, ?, NOW())",
                   TS_ARGS(TS_STR(hash), TS_STR(code)), NULL) < 0)
        goto out;
    ts_session_set_cookie(c, CAPTCHA_COOKIE, ts_arena_strdup(c->arena, token), -1);
    ts_resp_send(c, "image/png", png, png_len, NULL);
    rc = TS_OK;
out:
    free(png);
    return rc;
}

/* Check and use up the visitor's captcha challenge. */
static bool captcha_passed(struct ts_ctx *c, const char *answer)
{
    const char *token = ts_session_cookie(c, CAPTCHA_COOKIE);
    char hash[65];
    struct ts_db_rows r;
    if (!captcha_enabled())
        return true;
    if (!token || strlen(token) != 64)
        return false;
    ts_crypto_sha256_hex(token, 64, hash);
    if (ts_db_query(c->db, c->arena,
                    "SELECT answer FROM captcha WHERE token_hash = ?"
                    " AND created_at > NOW() - INTERVAL 10 MINUTE FOR UPDATE",
                    TS_ARGS(TS_STR(hash)), &r) < 0 ||
        r.nrows != 1)
        return false;
    ts_db_exec(c->db, "DELETE FROM captcha WHERE token_hash = ?", TS_ARGS(TS_STR(hash)), NULL);
    return ts_captcha_matches(ts_db_cell_at(&r, 0, 0), answer);
}

static const char *login_message(enum ts_login_status st)
{
    switch (st) {
    case TS_LOGIN_BAD:
        return "用户名或密码错误。";
    case TS_LOGIN_LOCKED:
        return "连续5次密码错误，账号已锁定，请15分钟后再试。";
    case TS_LOGIN_DISABLED:
        return "该用户已停用，请联系本企业管理员。";
    case TS_LOGIN_ENT_DISABLED:
        return "所属企业已停用，请联系主管税务机关。";
    default:
        return "系统繁忙，请稍后再试。";
    }
}

/* Show the form again with a message at the top; the login id is kept. */
static enum ts_result login_refused(struct ts_ctx *c, const char *message)
{
    ts_render_set(c, "Login.Error", message);
    return login_form(c);
}

/* The 5th wrong password in a row just locked an account: an audit row
 * (nobody is logged in; the row names the account and where the attempt
 * came from), so the operator can see accounts under attack. */
static int audit_lockout(struct ts_ctx *c, const struct ts_login_result *res)
{
    return ts_audit_append(c->db, 0, res->ent_id, c->request_id, "login.locked", "app_user",
                           ts_arena_printf(c->arena, "%lld", (long long)res->user_id),
                           ts_arena_printf(c->arena, "failures=%d locked_minutes=%d remote_addr=%s",
                                           TS_ACCOUNT_MAX_FAILURES, TS_ACCOUNT_LOCK_MINUTES,
                                           c->remote_addr));
}

/* Where to go after a login: next unless it is a login page, the forced
 * password change before anything. */
static enum ts_result logged_in(struct ts_ctx *c, const struct ts_login_result *res)
{
    const char *next = ts_arg_str(c, "next");
    if (res->must_change_password)
        next = "/login/password";
    else if (!next[0] || strncmp(next, "/login/", 7) == 0)
        next = "/workbench/";
    ts_resp_redirect(c, next);
    return TS_OK;
}

/* POST /login/signin — 登录.  Failed attempts are counted and committed
 * (the form is shown again with TS_OK so the count sticks), and so is the
 * audit row of a lockout. */
static enum ts_result login_signin(struct ts_ctx *c)
{
    struct ts_login_result res;
    if (ts_arg_has_errors(c))
        return login_form(c);
    if (!captcha_passed(c, ts_arg_str(c, "captcha"))) {
        ts_arg_error(c, "captcha", "验证码错误或已过期，请重新输入");
        return login_form(c);
    }
    ts_account_login(c->db, c->arena, ts_arg_str(c, "username"), ts_arg_str(c, "password"), &res);
    if (res.status == TS_LOGIN_ERROR || (res.locked_now && audit_lockout(c, &res) < 0))
        return TS_FAIL;
    if (res.status != TS_LOGIN_OK)
        return login_refused(c, login_message(res.status));
    if (ts_session_create(c, res.user_id) < 0 ||
        ts_audit_append(c->db, res.user_id, res.ent_id, c->request_id, "login.signin", "session",
                        NULL, c->remote_addr) < 0)
        return TS_FAIL;
    return logged_in(c, &res);
}

/* ---- 卡介质登录 ----------------------------------------------------- */

/* GET /login/card — 卡介质登录: reader, 卡密码, 已阅读并同意, with a fresh
 * nonce for the card to sign. */
static enum ts_result card_form(struct ts_ctx *c)
{
    char nonce[65];
    if (c->session)
        return ts_resp_redirect(c, "/workbench/") ? TS_FAIL : TS_OK;
    if (ts_card_nonce_issue(c, TS_CARD_LOGIN, 0, nonce) < 0)
        return TS_FAIL;
    ts_card_set_readers(c);
    ts_render_set(c, "Card.Nonce", nonce);
    ts_render_set(c, "Page.Title", "卡介质登录");
    return ts_render(c, "login/card.cs") ? TS_FAIL : TS_OK;
}

/* The card form again with a message at the top; TS_OK, so what the
 * attempt counted (and the form's new nonce) is kept. */
static enum ts_result card_refused(struct ts_ctx *c, const char *message)
{
    ts_render_set(c, "Login.Error", message);
    return card_form(c);
}

/* One 卡介质登录 attempt, for the prover. */
struct card_login {
    struct ts_ctx *c;
    struct ts_sign_opts opts;
    const char *reader;
    const char *pin;
    const char *nonce;
    const char *card_no;
    int64_t user_id;
    const char *message; /* why the proof failed, Chinese */
};

/* Does the card read from the reader hold the certificate bound to the
 * user, byte for byte?  TS_PROOF_OK yes; else message says why. */
static enum ts_account_proof same_certificate(struct card_login *cl,
                                              const struct ts_card_binding *b)
{
    unsigned char der[TS_SIGN_CERT_MAX];
    size_t len = 0;
    struct ts_sign_error err;
    if (ts_sign_cert(&cl->opts, cl->reader, der, &len, &err) != TS_SIGN_OK) {
        cl->message = ts_arena_strdup(cl->c->arena, err.message);
        return TS_PROOF_NONE;
    }
    if (len != b->cert_len || memcmp(der, b->cert, len) != 0) {
        cl->message =
            "IC卡中的证书与绑定时的证书不一致，请使用用户名密码登录，由企业管理员重新绑定IC卡。";
        return TS_PROOF_WRONG;
    }
    return TS_PROOF_OK;
}

/* The card proves the login: the bound certificate is on it, and it signs
 * this attempt's nonce with the PIN typed, verified against that
 * certificate.  A wrong PIN, another certificate or a bad signature count
 * towards the account's lockout; a card or signd that cannot answer does
 * not. */
static enum ts_account_proof card_proof(void *ctx, const char *password_hash)
{
    struct card_login *cl = ctx;
    struct ts_card_binding b;
    struct ts_card_check chk;
    char msg[TS_CARD_CHALLENGE_MAX];
    unsigned char sig[TS_SIGN_SIG_MAX];
    size_t sig_len, n;
    enum ts_account_proof proof;
    (void)password_hash;
    cl->message = "系统繁忙，请稍后再试。";
    if (ts_card_binding_load(cl->c->db, cl->c->arena, cl->user_id, &b) < 0 || !b.bound)
        return TS_PROOF_NONE;
    if ((proof = same_certificate(cl, &b)) != TS_PROOF_OK)
        return proof;
    n = ts_card_challenge(TS_CARD_LOGIN, cl->nonce, cl->card_no, 0, msg);
    if (ts_card_prove(&cl->opts, cl->reader, cl->card_no, cl->pin, b.cert, b.cert_len, msg, n, sig,
                      &sig_len, &chk) == 0)
        return TS_PROOF_OK;
    cl->message = ts_arena_strdup(cl->c->arena, chk.message);
    if (chk.verdict == TS_CARD_BAD_SIGNATURE ||
        (chk.verdict == TS_CARD_SIGND && chk.sign_err.code == TS_SIGN_E_PIN_WRONG))
        return TS_PROOF_WRONG;
    return TS_PROOF_NONE;
}

/* Is the PIN 6-8 digits (the card contract)?  Checked before the card is
 * asked, so a typo costs no try. */
static bool pin_well_formed(const char *pin)
{
    size_t n = strlen(pin);
    return n >= 6 && n <= 8 && strspn(pin, "0123456789") == n;
}

/* The checks before the card is asked: the nonce (used up whatever
 * follows), 已阅读并同意, the PIN's form.  1 go on, 0 the form is shown
 * again (errors set), -1 database error. */
static int card_precheck(struct ts_ctx *c)
{
    int taken = ts_card_nonce_take(c, TS_CARD_LOGIN, 0, ts_arg_str(c, "nonce"));
    if (taken <= 0) {
        if (taken == 0)
            ts_render_set(c, "Login.Error", "页面已过期，请重新输入卡密码后登录。");
        return taken;
    }
    if (strcmp(ts_arg_str(c, "agree"), "1") != 0)
        ts_arg_error(c, "agree", "请阅读IC卡使用提醒并勾选“已阅读并同意”");
    if (!ts_arg_present(c, "pin") || !pin_well_formed(ts_arg_str(c, "pin")))
        ts_arg_error(c, "pin", "卡密码应为6至8位数字");
    return ts_arg_has_errors(c) ? 0 : 1;
}

/* The user the card in the reader is bound to; 0 with the reason shown
 * when none (or the card cannot be read), -1 database error. */
static int card_user(struct ts_ctx *c, struct card_login *cl)
{
    char no[TS_SIGN_CARD_NO + 1];
    struct ts_sign_error err;
    if (ts_sign_card_no(&cl->opts, cl->reader, no, &err) != TS_SIGN_OK) {
        ts_render_set(c, "Login.Error", err.message);
        return 0;
    }
    cl->card_no = ts_arena_strdup(c->arena, no);
    if (ts_card_user_of(c->db, c->arena, no, &cl->user_id) < 0)
        return -1;
    if (!cl->user_id)
        ts_render_set(c, "Login.Error",
                      ts_arena_printf(c->arena,
                                      "该IC卡（卡号 %s）未绑定用户。请先使用用户名密码登录，"
                                      "由本企业管理员在“用户管理”中为您绑定IC卡。",
                                      no));
    return cl->user_id ? 1 : 0;
}

/* POST /login/card — 卡介质登录.  Like the password: failures counted and
 * committed (the form is shown again with TS_OK), a lockout audited, a new
 * session on success with an audit row naming the card. */
static enum ts_result card_signin(struct ts_ctx *c)
{
    struct card_login cl = {.c = c,
                            .reader = ts_arg_str(c, "reader"),
                            .pin = ts_arg_str(c, "pin"),
                            .nonce = ts_arg_str(c, "nonce")};
    struct ts_login_result res;
    int go;
    ts_sign_opts_from_config(&cl.opts);
    if ((go = card_precheck(c)) <= 0 || (go = card_user(c, &cl)) <= 0)
        return go < 0 ? TS_FAIL : card_form(c);
    ts_account_login_proven(c->db, c->arena, cl.user_id, card_proof, &cl, &res);
    if (res.status == TS_LOGIN_ERROR || (res.locked_now && audit_lockout(c, &res) < 0))
        return TS_FAIL;
    if ((res.status == TS_LOGIN_BAD || res.status == TS_LOGIN_UNPROVEN) && cl.message)
        return card_refused(c, cl.message);
    if (res.status != TS_LOGIN_OK)
        return card_refused(c, login_message(res.status));
    if (ts_session_create(c, res.user_id) < 0 ||
        ts_audit_append(
            c->db, res.user_id, res.ent_id, c->request_id, "login.card", "session", NULL,
            ts_arena_printf(c->arena, "card_no=%s remote_addr=%s", cl.card_no, c->remote_addr)) < 0)
        return TS_FAIL;
    return logged_in(c, &res);
}

/* POST /login/logout — 退出. */
static enum ts_result login_logout(struct ts_ctx *c)
{
    if (ts_audit_log(c, "session", 0, NULL) < 0 || ts_session_destroy(c) < 0)
        return TS_FAIL;
    ts_resp_redirect(c, "/login/");
    return TS_OK;
}

/* GET /login/password — 修改密码 (also the forced change after an initial
 * or reset password). */
static enum ts_result password_form(struct ts_ctx *c)
{
    ts_render_set(c, "Page.Title", "修改密码");
    ts_render_set(c, "Password.Forced", c->session->must_change_password ? "1" : "");
    ts_render_set_int(c, "Password.Min", (int64_t)ts_account_password_min(c->session->scope));
    return ts_render(c, "login/password.cs") ? TS_FAIL : TS_OK;
}

/* After a password change the user's other sessions end — whoever was
 * logged in with the old password is out — and this browser gets a new
 * session (new token, new CSRF token).  The message for the next page goes
 * on that session, now the user's only one. */
static int restart_sessions(struct ts_ctx *c, int64_t user_id, const char *message)
{
    if (ts_session_destroy_user(c, user_id) < 0 || ts_session_create(c, user_id) < 0)
        return -1;
    return ts_db_exec(c->db, "UPDATE session SET flash = ? WHERE user_id = ?",
                      TS_ARGS(TS_STR(message), TS_I64(user_id)), NULL);
}

/* POST /login/password — check the old password and the policy, store the
 * new one, lift the forced change, and end the user's other sessions. */
static enum ts_result password_save(struct ts_ctx *c)
{
    const char *old_pw = ts_arg_str(c, "old_password");
    const char *new_pw = ts_arg_str(c, "new_password");
    const char *err = NULL;
    if (ts_arg_has_errors(c))
        return password_form(c);
    if (!ts_account_password_matches(c->db, c->arena, c->session->user_id, old_pw))
        ts_arg_error(c, "old_password", "原密码不正确");
    else if (!ts_account_password_ok(c->session->scope, new_pw, &err))
        ts_arg_error(c, "new_password", err);
    else if (strcmp(new_pw, old_pw) == 0)
        ts_arg_error(c, "new_password", "新密码不能与原密码相同");
    else if (strcmp(new_pw, ts_arg_str(c, "confirm_password")) != 0)
        ts_arg_error(c, "confirm_password", "两次输入的新密码不一致");
    if (ts_arg_has_errors(c))
        return password_form(c);
    int64_t user_id = c->session->user_id;
    if (ts_account_set_password(c->db, user_id, new_pw, false) < 0 ||
        ts_audit_log(c, "app_user", user_id, "password changed; other sessions ended") < 0 ||
        restart_sessions(c, user_id, "密码已修改。") < 0)
        return TS_FAIL;
    ts_resp_redirect(c, "/workbench/");
    return TS_OK;
}

/* GET /login/forgot — 忘记密码: who can reset it (002 §5.1). */
static enum ts_result forgot_page(struct ts_ctx *c)
{
    ts_render_set(c, "Page.Title", "忘记密码");
    return ts_render(c, "login/forgot.cs") ? TS_FAIL : TS_OK;
}

static const struct ts_param form_params[] = {
    ts_param_str("next", "跳转页面", 0, 0, 200),
    TS_PARAMS_END,
};

static const struct ts_param signin_params[] = {
    ts_param_str("username", "用户名", TS_REQ, 1, 32),
    ts_param_str("password", "密码", TS_REQ | TS_SECRET, 1, 128),
    ts_param_str("captcha", "验证码", 0, 0, 8),
    ts_param_str("next", "跳转页面", 0, 0, 200),
    TS_PARAMS_END,
};

static const struct ts_param card_form_params[] = {
    ts_param_str("next", "跳转页面", 0, 0, 200),
    ts_param_str("reader", "读卡器", 0, 0, TS_SIGN_READER_MAX),
    TS_PARAMS_END,
};

static const struct ts_param card_params[] = {
    ts_param_str("reader", "读卡器", TS_REQ, 1, TS_SIGN_READER_MAX),
    ts_param_str("pin", "卡密码", TS_REQ | TS_SECRET, 1, 16),
    ts_param_str("agree", "已阅读并同意", 0, 0, 1),
    ts_param_str("nonce", "页面校验码", 0, 0, 64),
    ts_param_str("next", "跳转页面", 0, 0, 200),
    TS_PARAMS_END,
};

static const struct ts_param password_params[] = {
    ts_param_str("old_password", "原密码", TS_REQ | TS_SECRET, 1, 128),
    ts_param_str("new_password", "新密码", TS_REQ | TS_SECRET, 1, 128),
    ts_param_str("confirm_password", "确认新密码", TS_REQ | TS_SECRET, 1, 128),
    TS_PARAMS_END,
};

static const struct ts_action actions[] = {
    {"", TS_GET, TS_PUBLIC, form_params, login_form, 0},
    {"captcha", TS_GET, TS_PUBLIC, NULL, captcha_image, 0},
    {"signin", TS_POST, TS_PUBLIC, signin_params, login_signin, 0},
    {"card", TS_GET, TS_PUBLIC, card_form_params, card_form, 0},
    {"card", TS_POST, TS_PUBLIC, card_params, card_signin, 0},
    {"logout", TS_POST, TS_USER, NULL, login_logout, TS_ALLOW_PW_CHANGE},
    {"password", TS_GET, TS_USER, NULL, password_form, TS_ALLOW_PW_CHANGE},
    {"password", TS_POST, TS_USER, password_params, password_save, TS_ALLOW_PW_CHANGE},
    {"forgot", TS_GET, TS_PUBLIC, NULL, forgot_page, 0},
    {NULL, 0, NULL, NULL, NULL, 0},
};

static const struct ts_module module = {"login", "登录", actions};

int main(void)
{
    return ts_app_main(&module);
}
