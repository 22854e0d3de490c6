/* libFuzzer target: vcard_apdu, the virtual e-port card's applet
 * (signer/vcard_apdu.c, docs/card.md): whatever a PC/SC client sends
 * through vpcd reaches it.
 *
 * Input: a sequence of frames, each one length byte N then N bytes of APDU
 * (a truncated last frame is sent as it is); N = 0 is a power cycle (vpcd
 * reset).  Every input starts from a fresh card (PIN 123456, 5 tries, a
 * fixed SM2 key so seeds can hold real ciphertexts).  After each APDU: the
 * answer is 2..258 bytes, the counter stays in 0..5, a verified PIN implies
 * a selected applet and an unlocked card, and 9000 to SIGN or DECRYPT is
 * only given with a verified PIN. */
#include "../../signer/vcard_apdu.c"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/pem.h>

static const char fixed_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQg7ysbCxvi6p2BmCgd\n"
    "JKLJFpZVCNWes7MQi3xhSm6cCk6hRANCAAT00oTrN/JeRQM3iyXTDTHOHV+is773\n"
    "cbx2G/RVkzaeca63hxkrOMqU/ou/lKq5hJKDXOulTwZbNfHlvhbIG/cd\n"
    "-----END PRIVATE KEY-----\n";

static EVP_PKEY *key;
static unsigned char cert[600]; /* stands in for the DER: only its length matters */
static unsigned char salt[VCARD_SALT_LEN] = {1, 2, 3};
static unsigned char pin_sm3[VCARD_SM3_LEN];
static int saves;

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_vcard_apdu: invariant broken: %s\n", what);
        abort();
    }
}

/* The save hook: count the writes (the counter must be written on change). */
static int count_save(const struct vcard *card, void *arg)
{
    (void)card;
    (void)arg;
    saves++;
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    BIO *b = BIO_new_mem_buf(fixed_key_pem, -1);
    size_t i;
    (void)argc;
    (void)argv;
    key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    check(key != NULL, "fixed key loads");
    check(vcard_pin_hash(salt, "123456", 6, pin_sm3) == 0, "PIN hash");
    for (i = 0; i < sizeof cert; i++)
        cert[i] = (unsigned char)i;
    return 0;
}

/* Check the card and the answer after one APDU. */
static void check_after(const struct vcard *card, const unsigned char *apdu, size_t len,
                        const unsigned char *resp, size_t rn, int was_verified, int tries_before,
                        int saves_before)
{
    int ok9000 = rn >= 2 && resp[rn - 2] == 0x90 && resp[rn - 1] == 0x00;
    check(rn >= 2 && rn <= VCARD_RESP_MAX, "answer length");
    check(card->tries_left >= 0 && card->tries_left <= VCARD_PIN_TRIES, "counter range");
    check(!card->verified || (card->selected && card->tries_left > 0), "verified implies selected");
    check(card->tries_left == tries_before || saves > saves_before, "counter change saved");
    if (len >= 2 && apdu[0] == 0x80 && (apdu[1] == 0x2A || apdu[1] == 0x2C) && ok9000)
        check(was_verified, "key used without PIN");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vcard card = {.card_no = "1300000000001",
                         .tries_left = VCARD_PIN_TRIES,
                         .key = key,
                         .cert = cert,
                         .cert_len = sizeof cert,
                         .save = count_save};
    unsigned char resp[VCARD_RESP_MAX];
    size_t off = 0;
    memcpy(card.pin_salt, salt, sizeof salt);
    memcpy(card.pin_sm3, pin_sm3, sizeof pin_sm3);
    saves = 0;
    while (off < size) {
        size_t n = data[off++], rn;
        int was_verified = card.verified, tries = card.tries_left, saves_before = saves;
        if (n == 0) {
            vcard_power(&card);
            continue;
        }
        if (n > size - off)
            n = size - off;
        rn = vcard_apdu(&card, data + off, n, resp);
        check_after(&card, data + off, n, resp, rn, was_verified, tries, saves_before);
        off += n;
    }
    return 0;
}
