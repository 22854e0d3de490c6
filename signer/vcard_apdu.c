/* vcard_apdu — the applet of docs/card.md.  Each command is one short
 * function; vcard_apdu() parses the APDU's cases (ISO 7816-4, short only)
 * and dispatches by CLA/INS.  Status words are named as docs/card.md lists
 * them. */
#include "vcard_apdu.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

const unsigned char vcard_atr[] = {0x3B, 0x8A, 0x80, 0x01, 'T', 'U', 'I', 'S',
                                   'H',  'U',  'I',  '-',  'S', 'M', 0x77};
const size_t vcard_atr_len = sizeof vcard_atr;

const unsigned char vcard_aid[] = {0xF0, 'T', 'U', 'I', 'S', 'H', 'U', 'I', 0x01};
const size_t vcard_aid_len = sizeof vcard_aid;

enum {
    SW_OK = 0x9000,
    SW_WRONG_LENGTH = 0x6700,
    SW_SECURITY = 0x6982,
    SW_PIN_LOCKED = 0x6983,
    SW_NOT_SELECTED = 0x6985,
    SW_WRONG_DATA = 0x6A80,
    SW_NO_APPLET = 0x6A82,
    SW_WRONG_P1P2 = 0x6A86,
    SW_OFFSET = 0x6B00,
    SW_INS = 0x6D00,
    SW_CLA = 0x6E00,
    SW_INTERNAL = 0x6F00,
};

/* A parsed command APDU: header, the command data (Lc bytes) and Le
 * (0 when absent, 256 for Le = 00). */
struct cmd {
    unsigned char cla, ins, p1, p2;
    const unsigned char *data;
    size_t lc;
    size_t le;
    int has_le;
};

/* A response being built: data bytes, then the status word. */
struct resp {
    unsigned char *buf;
    size_t len;
};

/* Finish the response with SW; returns its total length. */
static size_t sw(struct resp *r, unsigned int word)
{
    r->buf[r->len++] = (unsigned char)(word >> 8);
    r->buf[r->len++] = (unsigned char)(word & 0xFF);
    return r->len;
}

/* Answer with only a status word (any data built so far is dropped, and
 * wiped: a half-built answer may hold plaintext). */
static size_t sw_only(struct resp *r, unsigned int word)
{
    OPENSSL_cleanse(r->buf, r->len);
    r->len = 0;
    return sw(r, word);
}

/* Split the raw APDU into header, Lc data and Le; false when its length
 * fits none of the four short cases (extended APDUs included). */
static int parse_cmd(const unsigned char *a, size_t len, struct cmd *c)
{
    memset(c, 0, sizeof *c);
    if (len < 4)
        return 0;
    c->cla = a[0];
    c->ins = a[1];
    c->p1 = a[2];
    c->p2 = a[3];
    if (len == 4)
        return 1;
    if (len == 5) {
        c->has_le = 1;
        c->le = a[4] ? a[4] : 256;
        return 1;
    }
    if (a[4] == 0) /* extended length */
        return 0;
    c->lc = a[4];
    c->data = a + 5;
    if (len == 5 + c->lc)
        return 1;
    if (len == 6 + c->lc) {
        c->has_le = 1;
        c->le = a[5 + c->lc] ? a[5 + c->lc] : 256;
        return 1;
    }
    return 0;
}

void vcard_power(struct vcard *card)
{
    card->selected = 0;
    card->verified = 0;
}

int vcard_pin_well_formed(const unsigned char *pin, size_t len)
{
    size_t i;
    if (len < 6 || len > 8)
        return 0;
    for (i = 0; i < len; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return 0;
    return 1;
}

int vcard_pin_hash(const unsigned char *salt, const char *pin, size_t pin_len, unsigned char *out)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned int n = 0;
    int ok = md && EVP_DigestInit_ex(md, EVP_sm3(), NULL) &&
             EVP_DigestUpdate(md, salt, VCARD_SALT_LEN) && EVP_DigestUpdate(md, pin, pin_len) &&
             EVP_DigestFinal_ex(md, out, &n) && n == VCARD_SM3_LEN;
    EVP_MD_CTX_free(md);
    return ok ? 0 : -1;
}

/* SELECT by AID: ours selects the applet (and drops a verified PIN, as a
 * fresh selection does on real cards); any other AID deselects. */
static size_t do_select(struct vcard *card, const struct cmd *c, struct resp *r)
{
    if (c->p1 != 0x04 || c->p2 != 0x00)
        return sw(r, SW_WRONG_P1P2);
    if (c->lc == 0)
        return sw(r, SW_WRONG_LENGTH);
    card->verified = 0;
    if (c->lc != vcard_aid_len || memcmp(c->data, vcard_aid, vcard_aid_len) != 0) {
        card->selected = 0;
        return sw(r, SW_NO_APPLET);
    }
    card->selected = 1;
    r->buf[r->len++] = 0x01; /* applet version 1.0 */
    r->buf[r->len++] = 0x00;
    return sw(r, SW_OK);
}

/* GET DATA: P2 01 the card number (卡号), P2 02 the certificate's length. */
static size_t do_get_data(struct vcard *card, const struct cmd *c, struct resp *r)
{
    if (c->p1 != 0x00 || (c->p2 != 0x01 && c->p2 != 0x02))
        return sw(r, SW_WRONG_P1P2);
    if (c->lc != 0)
        return sw(r, SW_WRONG_LENGTH);
    if (c->p2 == 0x01) {
        memcpy(r->buf, card->card_no, VCARD_CARD_NO_LEN);
        r->len = VCARD_CARD_NO_LEN;
    } else {
        r->buf[0] = (unsigned char)(card->cert_len >> 8);
        r->buf[1] = (unsigned char)(card->cert_len & 0xFF);
        r->len = 2;
    }
    return sw(r, SW_OK);
}

/* READ CERTIFICATE: up to Le bytes of the DER certificate from the 15-bit
 * offset in P1 P2. */
static size_t do_read_cert(struct vcard *card, const struct cmd *c, struct resp *r)
{
    size_t off, n;
    if (c->p1 & 0x80)
        return sw(r, SW_WRONG_P1P2);
    if (c->lc != 0)
        return sw(r, SW_WRONG_LENGTH);
    off = ((size_t)c->p1 << 8) | c->p2;
    if (off >= card->cert_len)
        return sw(r, SW_OFFSET);
    n = c->has_le ? c->le : 256;
    if (n > card->cert_len - off)
        n = card->cert_len - off;
    memcpy(r->buf, card->cert + off, n);
    r->len = n;
    return sw(r, SW_OK);
}

/* The retry counter changed: write it down before answering. */
static int save_counter(struct vcard *card)
{
    return card->save ? card->save(card, card->save_arg) : 0;
}

/* VERIFY PIN: without data it reports the counter; with data it checks the
 * PIN, counting a wrong one down to the lock (63 Cx, then 69 83). */
static size_t do_verify(struct vcard *card, const struct cmd *c, struct resp *r)
{
    unsigned char h[VCARD_SM3_LEN];
    int match;
    if (c->p1 != 0x00 || c->p2 != 0x01)
        return sw(r, SW_WRONG_P1P2);
    if (card->tries_left <= 0)
        return sw(r, SW_PIN_LOCKED);
    if (c->lc == 0)
        return sw(r, card->verified ? SW_OK : 0x63C0u | (unsigned)card->tries_left);
    if (!vcard_pin_well_formed(c->data, c->lc))
        return sw(r, SW_WRONG_DATA);
    if (vcard_pin_hash(card->pin_salt, (const char *)c->data, c->lc, h) != 0)
        return sw(r, SW_INTERNAL);
    match = CRYPTO_memcmp(h, card->pin_sm3, sizeof h) == 0;
    OPENSSL_cleanse(h, sizeof h);
    if (match) {
        card->verified = 1;
        if (card->tries_left != VCARD_PIN_TRIES) {
            card->tries_left = VCARD_PIN_TRIES;
            if (save_counter(card) != 0)
                return sw(r, SW_INTERNAL);
        }
        return sw(r, SW_OK);
    }
    card->verified = 0;
    card->tries_left--;
    if (save_counter(card) != 0)
        return sw(r, SW_INTERNAL);
    return sw(r, 0x63C0u | (unsigned)card->tries_left);
}

/* The checks SIGN and DECRYPT share: P1 P2 00 00, not locked, verified.
 * Returns 0 when the command may go on, else the status word. */
static unsigned int key_use_refused(const struct vcard *card, const struct cmd *c)
{
    if (c->p1 != 0x00 || c->p2 != 0x00)
        return SW_WRONG_P1P2;
    if (card->tries_left <= 0)
        return SW_PIN_LOCKED;
    if (!card->verified)
        return SW_SECURITY;
    return 0;
}

/* SIGN: the SM2 signature of e = SM3(Z_A || M) as given, DER (r, s). */
static size_t do_sign(struct vcard *card, const struct cmd *c, struct resp *r)
{
    unsigned int refused = key_use_refused(card, c);
    EVP_PKEY_CTX *ctx;
    size_t n = VCARD_RESP_MAX - 2;
    int ok;
    if (refused)
        return sw(r, refused);
    if (c->lc != VCARD_SM3_LEN)
        return sw(r, SW_WRONG_LENGTH);
    ctx = EVP_PKEY_CTX_new(card->key, NULL);
    ok = ctx && EVP_PKEY_sign_init(ctx) > 0 &&
         EVP_PKEY_sign(ctx, r->buf, &n, c->data, VCARD_SM3_LEN) > 0;
    EVP_PKEY_CTX_free(ctx);
    if (!ok)
        return sw_only(r, SW_INTERNAL);
    r->len = n;
    return sw(r, SW_OK);
}

/* DECRYPT: the plaintext of an SM2 ciphertext (GM/T 0009 DER) holding a
 * session key of at most 64 bytes. */
static size_t do_decrypt(struct vcard *card, const struct cmd *c, struct resp *r)
{
    unsigned int refused = key_use_refused(card, c);
    unsigned char plain[256];
    EVP_PKEY_CTX *ctx;
    size_t n = sizeof plain;
    int ok;
    if (refused)
        return sw(r, refused);
    if (c->lc == 0)
        return sw(r, SW_WRONG_LENGTH);
    ctx = EVP_PKEY_CTX_new(card->key, NULL);
    ok = ctx && EVP_PKEY_decrypt_init(ctx) > 0 &&
         EVP_PKEY_decrypt(ctx, plain, &n, c->data, c->lc) > 0 && n <= VCARD_MAX_PLAIN;
    EVP_PKEY_CTX_free(ctx);
    if (ok) {
        memcpy(r->buf, plain, n);
        r->len = n;
    }
    OPENSSL_cleanse(plain, sizeof plain);
    return ok ? sw(r, SW_OK) : sw_only(r, SW_WRONG_DATA);
}

typedef size_t (*handler_fn)(struct vcard *, const struct cmd *, struct resp *);

/* The applet's commands by CLA and INS (docs/card.md "APDUs"). */
static const struct {
    unsigned char cla, ins;
    handler_fn fn;
} commands[] = {
    {0x00, 0xA4, do_select}, {0x80, 0xCA, do_get_data}, {0x80, 0xB0, do_read_cert},
    {0x00, 0x20, do_verify}, {0x80, 0x2A, do_sign},     {0x80, 0x2C, do_decrypt},
};

size_t vcard_apdu(struct vcard *card, const unsigned char *apdu, size_t len, unsigned char *resp)
{
    struct resp r = {resp, 0};
    struct cmd c;
    size_t i;
    if (!parse_cmd(apdu, len, &c))
        return sw(&r, SW_WRONG_LENGTH);
    if (c.cla != 0x00 && c.cla != 0x80)
        return sw(&r, SW_CLA);
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (commands[i].cla != c.cla || commands[i].ins != c.ins)
            continue;
        if (!card->selected && c.ins != 0xA4)
            return sw(&r, SW_NOT_SELECTED);
        return commands[i].fn(card, &c, &r);
    }
    return sw(&r, SW_INS);
}
