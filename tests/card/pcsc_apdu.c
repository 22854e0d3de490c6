/* pcsc_apdu — a tiny PC/SC client for the card tests (tests/http/card.t):
 * it sends APDUs through the real pcscd to a card and prints the answers,
 * so the tests exercise reader, driver and card without signd.
 *
 *   pcsc_apdu --list
 *   pcsc_apdu [--reader NAME] [--wait SECONDS] APDU|RESET ...
 *
 * --list prints one line per reader: "present NAME" or "empty NAME".
 * Otherwise it connects to the reader NAME (exact; default: the first
 * reader with a card), waiting up to SECONDS for a card, and sends each
 * APDU (hex, spaces allowed inside one argument) in order on one
 * connection, printing each answer as upper-case hex on its own line.
 * RESET reconnects with SCARD_RESET_CARD (the card forgets its PIN).
 * Exit 0 when every APDU got an answer, 1 otherwise (the reason on stderr).
 * pcscd's socket comes from PCSCLITE_CSOCK_NAME (docs/card.md). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#define READERS_MAX 4096

static int fail(const char *what, LONG rc)
{
    fprintf(stderr, "pcsc_apdu: %s: %s\n", what, pcsc_stringify_error(rc));
    return 1;
}

/* Parse hex (spaces ignored) into out; returns the byte count or -1. */
static long parse_hex(const char *s, unsigned char *out, size_t max)
{
    size_t n = 0;
    int hi = -1;
    for (; *s; s++) {
        int v;
        if (isspace((unsigned char)*s))
            continue;
        if (!isxdigit((unsigned char)*s))
            return -1;
        v = isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10);
        if (hi < 0) {
            hi = v;
            continue;
        }
        if (n >= max)
            return -1;
        out[n++] = (unsigned char)(hi << 4 | v);
        hi = -1;
    }
    return hi < 0 ? (long)n : -1;
}

/* The readers as a multi-string; 0 or the PC/SC error. */
static LONG list_readers(SCARDCONTEXT ctx, char *buf, DWORD *len)
{
    *len = READERS_MAX;
    return SCardListReaders(ctx, NULL, buf, len);
}

/* Print every reader with whether a card is in it. */
static int cmd_list(SCARDCONTEXT ctx)
{
    char buf[READERS_MAX];
    DWORD len;
    LONG rc = list_readers(ctx, buf, &len);
    const char *r;
    if (rc != SCARD_S_SUCCESS)
        return fail("SCardListReaders", rc);
    for (r = buf; *r; r += strlen(r) + 1) {
        SCARD_READERSTATE st = {.szReader = r, .dwCurrentState = SCARD_STATE_UNAWARE};
        rc = SCardGetStatusChange(ctx, 0, &st, 1);
        printf("%s %s\n",
               rc == SCARD_S_SUCCESS && (st.dwEventState & SCARD_STATE_PRESENT) ? "present"
                                                                                : "empty",
               r);
    }
    return 0;
}

/* Wait up to secs for a card in reader (or in any reader when reader is
 * empty, then copy its name into reader). */
static int wait_card(SCARDCONTEXT ctx, char *reader, size_t cap, int secs)
{
    int tick;
    for (tick = 0; tick <= secs * 10; tick++) {
        char buf[READERS_MAX];
        DWORD len;
        const char *r;
        if (list_readers(ctx, buf, &len) == SCARD_S_SUCCESS) {
            for (r = buf; *r; r += strlen(r) + 1) {
                SCARD_READERSTATE st = {.szReader = r, .dwCurrentState = SCARD_STATE_UNAWARE};
                if (reader[0] && strcmp(reader, r) != 0)
                    continue;
                if (SCardGetStatusChange(ctx, 0, &st, 1) == SCARD_S_SUCCESS &&
                    (st.dwEventState & SCARD_STATE_PRESENT)) {
                    snprintf(reader, cap, "%s", r);
                    return 0;
                }
            }
        }
        usleep(100000);
    }
    fprintf(stderr, "pcsc_apdu: no card in %s after %d s\n", reader[0] ? reader : "any reader",
            secs);
    return 1;
}

/* Send one APDU and print its answer. */
static int transmit(SCARDHANDLE card, DWORD proto, const char *hex)
{
    unsigned char apdu[65550], resp[65550];
    DWORD rlen = sizeof resp, i;
    long n = parse_hex(hex, apdu, sizeof apdu);
    const SCARD_IO_REQUEST *pci = proto == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
    LONG rc;
    if (n < 0) {
        fprintf(stderr, "pcsc_apdu: not hex: %s\n", hex);
        return 1;
    }
    rc = SCardTransmit(card, pci, apdu, (DWORD)n, NULL, resp, &rlen);
    if (rc != SCARD_S_SUCCESS)
        return fail("SCardTransmit", rc);
    for (i = 0; i < rlen; i++)
        printf("%02X", resp[i]);
    printf("\n");
    fflush(stdout);
    return 0;
}

/* Connect to the reader and run the APDUs / RESETs of argv in order. */
static int run_apdus(SCARDCONTEXT ctx, const char *reader, char **apdus, int n)
{
    SCARDHANDLE card;
    DWORD proto;
    LONG rc = SCardConnect(ctx, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                           &card, &proto);
    int i, bad = 0;
    if (rc != SCARD_S_SUCCESS)
        return fail("SCardConnect", rc);
    for (i = 0; i < n && !bad; i++) {
        if (strcmp(apdus[i], "RESET") == 0) {
            rc = SCardReconnect(card, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                                SCARD_RESET_CARD, &proto);
            bad = rc != SCARD_S_SUCCESS ? fail("SCardReconnect", rc) : 0;
        } else {
            bad = transmit(card, proto, apdus[i]);
        }
    }
    SCardDisconnect(card, SCARD_RESET_CARD);
    return bad;
}

int main(int argc, char **argv)
{
    char reader[READERS_MAX] = "";
    int i = 1, secs = 0, rc;
    SCARDCONTEXT ctx;
    LONG r;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i], "--list") != 0;
         i += 2) {
        if (strcmp(argv[i], "--reader") == 0)
            snprintf(reader, sizeof reader, "%s", argv[i + 1]);
        else if (strcmp(argv[i], "--wait") == 0)
            secs = atoi(argv[i + 1]);
        else
            break;
    }
    r = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
    if (r != SCARD_S_SUCCESS)
        return fail("SCardEstablishContext", r);
    if (i < argc && strcmp(argv[i], "--list") == 0)
        rc = cmd_list(ctx);
    else if (i >= argc)
        rc = (fprintf(stderr, "usage: pcsc_apdu --list | [--reader R] [--wait S] APDU...\n"), 2);
    else
        rc = wait_card(ctx, reader, sizeof reader, secs) ||
             run_apdus(ctx, reader, argv + i, argc - i);
    SCardReleaseContext(ctx);
    return rc;
}
