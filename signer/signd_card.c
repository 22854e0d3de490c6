/* signd_card — the APDU layer of signd (docs/card.md, docs/signd.md).
 * Every APDU header of the applet sits in the table below, so another card
 * with the same operations needs only a new table. */
#include "signd_card.h"

#include <stdio.h>
#include <string.h>

#include <pcsclite.h>

/* The applet's commands (docs/card.md "APDUs"): header bytes only. */
static const struct card_apdus {
    unsigned char select[14]; /* 00 A4 04 00 09 <AID> */
    unsigned char card_no[4];
    unsigned char cert_len[4];
    unsigned char read_cert[2]; /* + offset P1 P2 + Le */
    unsigned char verify[4];
    unsigned char sign[4];
    unsigned char decrypt[4];
} apdus = {
    .select = {0x00, 0xA4, 0x04, 0x00, 0x09, 0xF0, 0x54, 0x55, 0x49, 0x53, 0x48, 0x55, 0x49, 0x01},
    .card_no = {0x80, 0xCA, 0x00, 0x01},
    .cert_len = {0x80, 0xCA, 0x00, 0x02},
    .read_cert = {0x80, 0xB0},
    .verify = {0x00, 0x20, 0x00, 0x01},
    .sign = {0x80, 0x2A, 0x00, 0x00},
    .decrypt = {0x80, 0x2C, 0x00, 0x00},
};

#define RESP_MAX   258 /* 256 data bytes + SW1 SW2 */
#define CERT_CHUNK 0xF0

/* One connected card: the handle, its protocol, and whether the PIN was
 * presented (then the card is reset on disconnect). */
struct card {
    SCARDHANDLE h;
    DWORD proto;
    bool connected; /* from now on a lost card was "removed mid-operation" */
    bool pin_used;
};

/* True when rv means pcscd itself is gone or our context is stale: the
 * caller then drops the context and makes a new one. */
bool signd_pcsc_lost_service(LONG rv)
{
    return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED ||
           rv == SCARD_E_INVALID_HANDLE || rv == SCARD_F_COMM_ERROR;
}

/* Map a PC/SC failure to a signd error; during == the card was already in
 * use (a card that vanishes now was pulled mid-operation). */
static int pcsc_err(LONG rv, bool during, struct signd_card_result *res)
{
    snprintf(res->detail, sizeof res->detail, "%s", pcsc_stringify_error(rv));
    if (signd_pcsc_lost_service(rv))
        return SIGND_E_NO_SERVICE;
    switch (rv) {
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_READER_UNAVAILABLE:
        return during ? SIGND_E_CARD_REMOVED : SIGND_E_NO_READER;
    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_REMOVED_CARD:
        return during ? SIGND_E_CARD_REMOVED : SIGND_E_NO_CARD;
    case SCARD_W_RESET_CARD:
    case SCARD_W_UNPOWERED_CARD:
    case SCARD_W_UNRESPONSIVE_CARD:
    case SCARD_E_NOT_TRANSACTED:
    case SCARD_E_TIMEOUT:
        return during ? SIGND_E_CARD_REMOVED : SIGND_E_CARD_ERROR;
    case SCARD_E_SHARING_VIOLATION:
        return SIGND_E_BUSY;
    default:
        return SIGND_E_CARD_ERROR;
    }
}

/* Send one APDU; *sw gets SW1 SW2 and resp (*rlen bytes of room) the data
 * before them.  No GET RESPONSE: the applet never chains (docs/card.md),
 * so a 61 xx is just a status word the callers refuse. */
static int card_apdu(struct card *c, const unsigned char *apdu, size_t n, unsigned char *resp,
                     size_t *rlen, unsigned *sw, struct signd_card_result *res)
{
    unsigned char buf[RESP_MAX];
    DWORD blen = sizeof buf;
    const SCARD_IO_REQUEST *pci = c->proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    LONG rv = SCardTransmit(c->h, pci, apdu, (DWORD)n, NULL, buf, &blen);
    int rc = SIGND_OK;
    if (rv != SCARD_S_SUCCESS) {
        rc = pcsc_err(rv, c->connected, res);
        goto out;
    }
    if (blen == 0) { /* vpcd's answer when the card went away mid-APDU */
        snprintf(res->detail, sizeof res->detail, "card answered nothing (pulled or silent)");
        rc = SIGND_E_CARD_REMOVED;
        goto out;
    }
    if (blen < 2 || blen - 2 > *rlen) {
        snprintf(res->detail, sizeof res->detail, "card answered %lu bytes", (unsigned long)blen);
        rc = SIGND_E_CARD_ERROR;
        goto out;
    }
    *sw = (unsigned)buf[blen - 2] << 8 | buf[blen - 1];
    *rlen = blen - 2;
    memcpy(resp, buf, *rlen);
out:
    explicit_bzero(buf, sizeof buf);
    return rc;
}

/* A status word that is not 90 00 as a signd error (PIN ones included). */
static int sw_err(unsigned sw, const char *what, struct signd_card_result *res)
{
    if ((sw & 0xFFF0) == 0x63C0) {
        res->tries = (int)(sw & 0x0F);
        if (res->tries == 0) {
            snprintf(res->detail, sizeof res->detail, "wrong PIN, the card is now locked");
            return SIGND_E_PIN_LOCKED;
        }
        snprintf(res->detail, sizeof res->detail, "%d wrong PIN, %d tries left", res->tries,
                 res->tries);
        return SIGND_E_PIN_WRONG;
    }
    if (sw == 0x6983) {
        snprintf(res->detail, sizeof res->detail, "the card's PIN is locked");
        return SIGND_E_PIN_LOCKED;
    }
    snprintf(res->detail, sizeof res->detail, "%s: card answered status %04X", what, sw);
    return SIGND_E_CARD_ERROR;
}

/* Send an APDU and demand 90 00. */
static int card_cmd(struct card *c, const unsigned char *apdu, size_t n, unsigned char *resp,
                    size_t *rlen, const char *what, struct signd_card_result *res)
{
    unsigned sw = 0;
    int rc = card_apdu(c, apdu, n, resp, rlen, &sw, res);
    if (rc == SIGND_OK && sw != 0x9000)
        rc = sw_err(sw, what, res);
    return rc;
}

/* Connect (T=1 preferred, as docs/card.md says) and SELECT the applet. */
static int card_open(SCARDCONTEXT ctx, const char *reader, struct card *c,
                     struct signd_card_result *res)
{
    LONG rv = SCardConnect(ctx, reader, SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T1, &c->h, &c->proto);
    if (rv == SCARD_E_PROTO_MISMATCH)
        rv = SCardConnect(ctx, reader, SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                          &c->h, &c->proto);
    if (rv != SCARD_S_SUCCESS)
        return pcsc_err(rv, false, res);
    c->connected = true;
    res->apdu_sent = true;
    unsigned char resp[RESP_MAX];
    size_t rlen = sizeof resp;
    unsigned sw = 0;
    int rc = card_apdu(c, apdus.select, sizeof apdus.select, resp, &rlen, &sw, res);
    if (rc == SIGND_OK && sw != 0x9000) {
        snprintf(res->detail, sizeof res->detail,
                 "not a tuishui e-port card (SELECT answered %04X)", sw);
        rc = SIGND_E_CARD_ERROR;
    }
    return rc;
}

/* Disconnect; reset the card when the PIN was used so it is not left
 * verified for whoever comes next. */
static void card_close(struct card *c)
{
    SCardDisconnect(c->h, c->pin_used ? SCARD_RESET_CARD : SCARD_LEAVE_CARD);
}

/* READ CARD NUMBER: ASCII digits (13 on our cards). */
static int op_card_no(struct card *c, struct signd_card_result *res)
{
    unsigned char apdu[5];
    memcpy(apdu, apdus.card_no, 4);
    apdu[4] = 0x00;
    res->len = sizeof res->data;
    int rc = card_cmd(c, apdu, sizeof apdu, res->data, &res->len, "READ CARD NUMBER", res);
    if (rc != SIGND_OK)
        return rc;
    bool digits = res->len >= 1 && res->len <= 32;
    for (size_t i = 0; digits && i < res->len; i++)
        digits = res->data[i] >= '0' && res->data[i] <= '9';
    if (!digits) {
        snprintf(res->detail, sizeof res->detail, "card number is not digits");
        return SIGND_E_CARD_ERROR;
    }
    return SIGND_OK;
}

/* CERTIFICATE LENGTH, then READ CERTIFICATE chunk by chunk. */
static int op_cert(struct card *c, struct signd_card_result *res)
{
    unsigned char apdu[5], resp[RESP_MAX];
    size_t rlen = sizeof resp;
    memcpy(apdu, apdus.cert_len, 4);
    apdu[4] = 0x00;
    int rc = card_cmd(c, apdu, sizeof apdu, resp, &rlen, "CERTIFICATE LENGTH", res);
    if (rc != SIGND_OK)
        return rc;
    size_t total = rlen == 2 ? (size_t)resp[0] << 8 | resp[1] : 0;
    if (total == 0 || total > sizeof res->data) {
        snprintf(res->detail, sizeof res->detail, "certificate length %zu not usable", total);
        return SIGND_E_CARD_ERROR;
    }
    for (res->len = 0; res->len < total;) {
        size_t want = total - res->len < CERT_CHUNK ? total - res->len : CERT_CHUNK;
        unsigned char rd[5] = {apdus.read_cert[0], apdus.read_cert[1],
                               (unsigned char)(res->len >> 8), (unsigned char)(res->len & 0xFF),
                               (unsigned char)want};
        rlen = sizeof resp;
        rc = card_cmd(c, rd, sizeof rd, resp, &rlen, "READ CERTIFICATE", res);
        if (rc != SIGND_OK)
            return rc;
        if (rlen == 0 || rlen > want) {
            snprintf(res->detail, sizeof res->detail, "certificate chunk of %zu bytes", rlen);
            return SIGND_E_CARD_ERROR;
        }
        memcpy(res->data + res->len, resp, rlen);
        res->len += rlen;
    }
    return SIGND_OK;
}

/* VERIFY PIN; the APDU holding the PIN is wiped before returning. */
static int op_verify(struct card *c, const char *pin, struct signd_card_result *res)
{
    unsigned char apdu[5 + SIGND_PIN_MAX], resp[RESP_MAX];
    size_t n = strlen(pin), rlen = sizeof resp;
    memcpy(apdu, apdus.verify, 4);
    apdu[4] = (unsigned char)n;
    memcpy(apdu + 5, pin, n);
    c->pin_used = true;
    int rc = card_cmd(c, apdu, 5 + n, resp, &rlen, "VERIFY", res);
    explicit_bzero(apdu, sizeof apdu);
    return rc;
}

/* SIGN or DECRYPT: header + Lc + data + Le 00, answer data into res. */
static int op_with_data(struct card *c, const unsigned char *hdr, const struct signd_request *req,
                        const char *what, struct signd_card_result *res)
{
    unsigned char apdu[5 + SIGND_CIPHER_MAX + 1];
    memcpy(apdu, hdr, 4);
    apdu[4] = (unsigned char)req->data_len;
    memcpy(apdu + 5, req->data, req->data_len);
    apdu[5 + req->data_len] = 0x00;
    res->len = sizeof res->data;
    int rc = card_cmd(c, apdu, 6 + req->data_len, res->data, &res->len, what, res);
    explicit_bzero(apdu, sizeof apdu);
    if (rc == SIGND_OK && req->verb == SIGND_SIGN && (res->len < 8 || res->len > SIGND_SIG_MAX)) {
        snprintf(res->detail, sizeof res->detail, "signature of %zu bytes", res->len);
        rc = SIGND_E_CARD_ERROR;
    }
    if (rc == SIGND_OK && req->verb == SIGND_DECRYPT && res->len > SIGND_PLAIN_MAX) {
        snprintf(res->detail, sizeof res->detail, "plaintext of %zu bytes", res->len);
        rc = SIGND_E_CARD_ERROR;
    }
    return rc;
}

/* The card in the reader is the one the client means (req->card_no, when
 * given), read in the same exclusive connection as the PIN will be sent:
 * a card swapped since the client looked never sees that PIN. */
static int check_card_no(struct card *c, const struct signd_request *req,
                         struct signd_card_result *res)
{
    if (!req->card_no[0])
        return SIGND_OK;
    int rc = op_card_no(c, res);
    if (rc != SIGND_OK)
        return rc;
    if (res->len != strlen(req->card_no) || memcmp(res->data, req->card_no, res->len) != 0) {
        snprintf(res->detail, sizeof res->detail, "expected card %s, the reader holds card %.*s",
                 req->card_no, (int)res->len, (const char *)res->data);
        return SIGND_E_CARD_MISMATCH;
    }
    res->len = 0;
    return SIGND_OK;
}

/* The operation of req on the opened card. */
static int card_dispatch(struct card *c, const struct signd_request *req,
                         struct signd_card_result *res)
{
    int rc;
    if ((req->verb == SIGND_VERIFY || req->verb == SIGND_SIGN || req->verb == SIGND_DECRYPT) &&
        (rc = check_card_no(c, req, res)) != SIGND_OK)
        return rc;
    switch (req->verb) {
    case SIGND_CARDNO:
        return op_card_no(c, res);
    case SIGND_CERT:
        return op_cert(c, res);
    case SIGND_VERIFY:
        return op_verify(c, req->pin, res);
    case SIGND_SIGN:
        rc = op_verify(c, req->pin, res);
        return rc != SIGND_OK ? rc : op_with_data(c, apdus.sign, req, "SIGN", res);
    case SIGND_DECRYPT:
        rc = op_verify(c, req->pin, res);
        return rc != SIGND_OK ? rc : op_with_data(c, apdus.decrypt, req, "DECRYPT", res);
    default:
        snprintf(res->detail, sizeof res->detail, "not a card operation");
        return SIGND_E_INTERNAL;
    }
}

/* Run one card operation of req on reader: connect, SELECT, the APDUs,
 * disconnect.  SIGN and DECRYPT present the PIN in the same connection
 * (no other client can slip in between) and the card is reset afterwards. */
int signd_card_run(SCARDCONTEXT ctx, const char *reader, const struct signd_request *req,
                   struct signd_card_result *res)
{
    struct card c = {0};
    memset(res, 0, sizeof *res);
    int rc = card_open(ctx, reader, &c, res);
    if (rc == SIGND_OK)
        rc = card_dispatch(&c, req, res);
    if (c.connected)
        card_close(&c);
    if (rc != SIGND_OK)
        res->len = 0;
    return rc;
}

/* Forget a result: a decrypted session key must not stay in memory. */
void signd_card_result_wipe(struct signd_card_result *res)
{
    explicit_bzero(res, sizeof *res);
}
