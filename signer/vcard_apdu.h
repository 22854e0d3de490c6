/* vcard_apdu — the e-port card applet (电子口岸 IC 卡) of docs/card.md: one
 * function that answers one command APDU, and the card's state.  No I/O:
 * signer/vcard.c feeds it from vpcd and persists the retry counter through
 * the save hook; tests/fuzz/fuzz_vcard_apdu.c feeds it garbage. */
#ifndef VCARD_APDU_H
#define VCARD_APDU_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define VCARD_CARD_NO_LEN 13 /* 卡号: 13 ASCII digits */
#define VCARD_PIN_TRIES   5
#define VCARD_SALT_LEN    16
#define VCARD_SM3_LEN     32
#define VCARD_RESP_MAX    (256 + 2) /* short APDU: 256 data bytes + SW1 SW2 */
#define VCARD_MAX_PLAIN   64        /* DECRYPT: a session key, not a document */

/* The ATR of docs/card.md and its length. */
extern const unsigned char vcard_atr[];
extern const size_t vcard_atr_len;

/* The applet's AID (F0 'TUISHUI' 01). */
extern const unsigned char vcard_aid[];
extern const size_t vcard_aid_len;

struct vcard;

/* Called after the retry counter changed, before the card answers; a
 * non-zero return makes the card answer 6F 00 (it must not forget a wrong
 * try it could not write down). */
typedef int (*vcard_save_fn)(const struct vcard *card, void *arg);

/* One card: what is on it for good (card number, PIN check value, counter,
 * key, certificate) and what power off forgets (selected, verified). */
struct vcard {
    char card_no[VCARD_CARD_NO_LEN + 1];
    unsigned char pin_salt[VCARD_SALT_LEN];
    unsigned char pin_sm3[VCARD_SM3_LEN]; /* SM3(salt || PIN) */
    int tries_left;                       /* 0 = locked */
    EVP_PKEY *key;                        /* SM2 private key (owned by the caller) */
    const unsigned char *cert;            /* DER X.509 (owned by the caller) */
    size_t cert_len;
    int selected;
    int verified;
    vcard_save_fn save;
    void *save_arg;
};

/* Power on, power off or reset: the applet is deselected and the PIN is
 * forgotten (card contract: SIGN needs a VERIFY since power on / reset). */
void vcard_power(struct vcard *card);

/* Answer the command APDU `apdu` (len bytes) into resp (at least
 * VCARD_RESP_MAX bytes): data then SW1 SW2.  Returns the response length
 * (always >= 2).  Never fails: every bad input is a status word. */
size_t vcard_apdu(struct vcard *card, const unsigned char *apdu, size_t len, unsigned char *resp);

/* SM3(salt || pin) into out (32 bytes); 0 on success. */
int vcard_pin_hash(const unsigned char *salt, const char *pin, size_t pin_len, unsigned char *out);

/* True when pin is 6 to 8 ASCII digits. */
int vcard_pin_well_formed(const unsigned char *pin, size_t len);

#endif
