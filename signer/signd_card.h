/* signd_card — one card operation of signd over PC/SC: connect to the
 * reader, SELECT the applet, send the APDUs of docs/card.md, map every
 * PC/SC failure and status word to a signd error, disconnect (with a card
 * reset after anything that verified the PIN, so the card forgets it).
 * The caller holds signd's card lock: one operation at a time. */
#ifndef SIGND_CARD_H
#define SIGND_CARD_H

#include "signd_proto.h"

#include <winscard.h>

struct signd_card_result {
    unsigned char data[SIGND_CERT_MAX]; /* card number, certificate, signature, plaintext */
    size_t len;
    int tries;      /* PIN tries left after a wrong PIN */
    bool apdu_sent; /* the card was connected: a retry could repeat an APDU */
    char detail[160];
};

int signd_card_run(SCARDCONTEXT ctx, const char *reader, const struct signd_request *req,
                   struct signd_card_result *res);
void signd_card_result_wipe(struct signd_card_result *res);
bool signd_pcsc_lost_service(LONG rv);

#endif
