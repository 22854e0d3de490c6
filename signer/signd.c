/* signd — the one program that talks PC/SC to the card readers.
 *
 *   signd [-t seconds] [-n max-clients] SOCKET
 *
 * Answers the line protocol of docs/signd.md on the unix socket SOCKET
 * (mode 0660).  A monitor thread follows readers and cards with
 * SCardGetStatusChange (1 s timeout, so it notices pcscd going and coming
 * back); one thread per client reads its request lines under a deadline
 * (-t, default 10 s: a slow or silent client loses only its own
 * connection); card operations run one at a time under one lock, each in
 * its own connection to the card.  No PIN outlives its request: request
 * lines, parsed requests and APDUs are wiped, and the card is reset after
 * every operation that presented the PIN.  pcscd's socket comes from
 * PCSCLITE_CSOCK_NAME like for any PC/SC client (docs/card.md). */
#include "signd_card.h"
#include "signd_proto.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <pcsclite.h>

#define MAX_READERS 16
#define PNP_READER  "\\\\?PnP?\\Notification"

/* Process-wide state (signd is one small daemon; these are its globals). */
static struct {
    pthread_mutex_t lock;
    bool service; /* pcscd answered the last time we asked */
    int n;
    char name[MAX_READERS][SIGND_READER_MAX + 1];
    bool present[MAX_READERS];
} readers = {.lock = PTHREAD_MUTEX_INITIALIZER};

static pthread_mutex_t card_lock = PTHREAD_MUTEX_INITIALIZER; /* one card operation at a time */
static SCARDCONTEXT card_ctx;                                 /* under card_lock */
static bool card_ctx_ok;                                      /* under card_lock */
static atomic_int nclients;
static volatile sig_atomic_t stopping;
static int line_timeout_ms = 10000;
static int max_clients = 16;

/* One log line on stderr with a UTC time stamp (never a PIN or data). */
__attribute__((format(printf, 1, 2))) static void logmsg(const char *fmt, ...)
{
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    va_list ap;
    va_start(ap, fmt);
    flockfile(stderr);
    fprintf(stderr, "%s signd: ", ts);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    funlockfile(stderr);
    va_end(ap);
}

/* ------------------------------------------------------------ monitor */

/* Record the monitor's view of the readers and log what changed. */
static void monitor_publish(bool service, int n, char (*names)[SIGND_READER_MAX + 1],
                            const bool *present)
{
    pthread_mutex_lock(&readers.lock);
    if (service != readers.service)
        logmsg(service ? "pcscd reachable" : "pcscd not reachable");
    for (int i = 0; i < n; i++) {
        int j = 0;
        while (j < readers.n && strcmp(readers.name[j], names[i]) != 0)
            j++;
        if (j == readers.n)
            logmsg("reader \"%s\" appeared, %s", names[i], present[i] ? "card present" : "empty");
        else if (readers.present[j] != present[i])
            logmsg("reader \"%s\": card %s", names[i], present[i] ? "inserted" : "removed");
    }
    for (int j = 0; j < readers.n; j++) {
        int i = 0;
        while (i < n && strcmp(readers.name[j], names[i]) != 0)
            i++;
        if (i == n)
            logmsg("reader \"%s\" gone", readers.name[j]);
    }
    readers.service = service;
    readers.n = n;
    for (int i = 0; i < n; i++) {
        memcpy(readers.name[i], names[i], sizeof readers.name[i]);
        readers.present[i] = present[i];
    }
    pthread_mutex_unlock(&readers.lock);
}

/* The reader names pcscd lists now (0 when none); -1 when pcscd is gone.
 * Past MAX_READERS or SIGND_READER_MAX bytes a reader is not followed. */
static int monitor_list(SCARDCONTEXT ctx, char (*names)[SIGND_READER_MAX + 1])
{
    char *list = NULL;
    DWORD len = SCARD_AUTOALLOCATE;
    LONG rv = SCardListReaders(ctx, NULL, (LPSTR)&list, &len);
    if (rv == SCARD_E_NO_READERS_AVAILABLE)
        return 0;
    if (rv != SCARD_S_SUCCESS)
        return -1;
    int n = 0;
    for (const char *p = list; p < list + len && *p && n < MAX_READERS; p += strlen(p) + 1)
        if (strlen(p) <= SIGND_READER_MAX)
            snprintf(names[n++], SIGND_READER_MAX + 1, "%s", p);
    SCardFreeMemory(ctx, list);
    return n;
}

/* One round: list readers, wait up to 1 s for a change, publish.  Returns
 * false when the context must be made again. */
static bool monitor_round(SCARDCONTEXT ctx)
{
    static char names[MAX_READERS][SIGND_READER_MAX + 1];
    static DWORD last[MAX_READERS];
    static char last_names[MAX_READERS][SIGND_READER_MAX + 1];
    static int last_n;
    SCARD_READERSTATE st[MAX_READERS + 1];
    bool present[MAX_READERS];
    int n = monitor_list(ctx, names);
    if (n < 0)
        return false;
    memset(st, 0, sizeof st);
    for (int i = 0; i < n; i++) {
        st[i].szReader = names[i];
        st[i].dwCurrentState = SCARD_STATE_UNAWARE;
        for (int j = 0; j < last_n; j++)
            if (strcmp(last_names[j], names[i]) == 0)
                st[i].dwCurrentState = last[j] & ~(DWORD)SCARD_STATE_CHANGED;
    }
    st[n].szReader = PNP_READER;
    st[n].dwCurrentState = (DWORD)n << 16;
    LONG rv = SCardGetStatusChange(ctx, 1000, st, (DWORD)n + 1);
    if (signd_pcsc_lost_service(rv))
        return false;
    /* The listing worked, so pcscd is reachable whatever the wait says:
     * with no reader at all the wait only ever times out, and STATUS must
     * then say "0 readers", not NO_SERVICE.  Without news the states we
     * already knew are published again. */
    bool news = rv == SCARD_S_SUCCESS;
    for (int i = 0; i < n; i++) {
        DWORD s = news ? st[i].dwEventState : st[i].dwCurrentState;
        present[i] = (s & SCARD_STATE_PRESENT) != 0 && (s & SCARD_STATE_MUTE) == 0;
        if (news) {
            last[i] = s;
            memcpy(last_names[i], names[i], sizeof last_names[i]);
        }
    }
    if (news)
        last_n = n;
    if (news || rv == SCARD_E_TIMEOUT || rv == SCARD_E_NO_READERS_AVAILABLE)
        monitor_publish(true, n, names, present);
    else
        usleep(200 * 1000); /* a reader vanished between list and wait */
    return true;
}

/* The monitor thread: follows readers and cards while signd runs, and
 * keeps retrying pcscd once a second while it is away. */
static void *monitor_main(void *arg)
{
    (void)arg;
    SCARDCONTEXT ctx = 0;
    bool have = false;
    while (!stopping) {
        if (!have && SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) == SCARD_S_SUCCESS)
            have = true;
        if (have && monitor_round(ctx))
            continue;
        if (have)
            SCardReleaseContext(ctx);
        have = false;
        monitor_publish(false, 0, NULL, NULL);
        sleep(1);
    }
    return NULL;
}

/* ------------------------------------------------------------ answers */

/* An ERR answer: code, then detail with anything unprintable blanked. */
static void answer_err(char *ans, size_t size, int err, const char *detail)
{
    int n = snprintf(ans, size, "ERR %s %s", signd_err_code(err), detail && *detail ? detail : "-");
    size_t len = n < 0 ? 0 : (size_t)n < size - 1 ? (size_t)n : size - 2;
    for (size_t i = 4; i < len; i++)
        if ((unsigned char)ans[i] < 0x20 || (unsigned char)ans[i] > 0x7E)
            ans[i] = ' ';
    ans[len] = '\n';
    ans[len + 1] = '\0';
}

/* STATUS: `OK <n> <reader>:card|empty ...` from the monitor's table. */
static void answer_status(char *ans, size_t size)
{
    pthread_mutex_lock(&readers.lock);
    if (!readers.service) {
        pthread_mutex_unlock(&readers.lock);
        answer_err(ans, size, SIGND_E_NO_SERVICE, "pcscd not reachable");
        return;
    }
    size_t o = (size_t)snprintf(ans, size, "OK %d", readers.n);
    for (int i = 0; i < readers.n; i++) {
        char tok[3 * SIGND_READER_MAX + 1];
        signd_reader_escape(readers.name[i], tok, sizeof tok);
        o += (size_t)snprintf(ans + o, size - o, " %s:%s", tok,
                              readers.present[i] ? "card" : "empty");
    }
    pthread_mutex_unlock(&readers.lock);
    snprintf(ans + o, size - o, "\n");
}

/* The reader a request means: its own name, or for "*" the only reader
 * that holds a card. */
static int resolve_reader(const struct signd_request *req, char *reader, const char **why)
{
    if (!req->any_reader) {
        memcpy(reader, req->reader, sizeof req->reader);
        return SIGND_OK;
    }
    int found = 0, rc = SIGND_OK;
    pthread_mutex_lock(&readers.lock);
    for (int i = 0; i < readers.n; i++)
        if (readers.present[i] && found++ == 0)
            memcpy(reader, readers.name[i], sizeof readers.name[i]);
    if (!readers.service)
        rc = SIGND_E_NO_SERVICE, *why = "pcscd not reachable";
    else if (readers.n == 0)
        rc = SIGND_E_NO_READER, *why = "no card reader";
    else if (found == 0)
        rc = SIGND_E_NO_CARD, *why = "no card in any reader";
    else if (found > 1)
        rc = SIGND_E_MANY_CARDS, *why = "several cards present: name the reader";
    pthread_mutex_unlock(&readers.lock);
    return rc;
}

/* True when the client closed its connection (not just its writing
 * side): a request that waited for the card lock while its client gave up
 * is not run, so no signature is made and no PIN try spent for nobody. */
static bool client_gone(int fd)
{
    struct pollfd p = {.fd = fd, .events = 0};
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR)) != 0;
}

/* Run the card part of req under the card lock, with a fresh PC/SC
 * context when the last one went stale (pcscd restarted). */
static int run_card(int fd, const char *reader, const struct signd_request *req,
                    struct signd_card_result *res)
{
    int rc = SIGND_E_NO_SERVICE;
    pthread_mutex_lock(&card_lock);
    if (client_gone(fd)) {
        snprintf(res->detail, sizeof res->detail, "client gone before its turn at the card");
        pthread_mutex_unlock(&card_lock);
        return SIGND_E_TIMEOUT;
    }
    /* A second attempt only when the first never reached the card (its
     * SCardConnect failed on a stale context): once an APDU went out, a
     * retry could spend a second PIN try or make a second signature. */
    for (int attempt = 0; attempt < 2 && rc == SIGND_E_NO_SERVICE && !res->apdu_sent; attempt++) {
        if (!card_ctx_ok &&
            SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &card_ctx) == SCARD_S_SUCCESS)
            card_ctx_ok = true;
        if (!card_ctx_ok) {
            snprintf(res->detail, sizeof res->detail, "pcscd not reachable");
            break;
        }
        rc = signd_card_run(card_ctx, reader, req, res);
        if (rc == SIGND_E_NO_SERVICE) {
            SCardReleaseContext(card_ctx);
            card_ctx_ok = false;
        }
    }
    pthread_mutex_unlock(&card_lock);
    return rc;
}

/* The OK answer of a card operation that succeeded. */
static void answer_card_ok(char *ans, size_t size, const struct signd_request *req,
                           const struct signd_card_result *res)
{
    if (req->verb == SIGND_VERIFY) {
        snprintf(ans, size, "OK\n");
    } else if (req->verb == SIGND_CARDNO) {
        snprintf(ans, size, "OK %.*s\n", (int)res->len, (const char *)res->data);
    } else {
        memcpy(ans, "OK ", 3);
        size_t n = signd_hex_encode(res->data, res->len, ans + 3, size - 4);
        memcpy(ans + 3 + n, "\n", 2);
    }
}

/* Answer one request line (len bytes without '\n') of client fd into ans. */
static void handle_line(int fd, const char *line, size_t len, char *ans, size_t size)
{
    struct signd_request req;
    struct signd_card_result res;
    char reader[SIGND_READER_MAX + 1];
    const char *why = "";
    int rc = signd_parse_request(line, len, &req, &why);
    memset(&res, 0, sizeof res);
    if (rc != SIGND_OK) {
        answer_err(ans, size, rc, why);
    } else if (req.verb == SIGND_PING) {
        snprintf(ans, size, "OK signd 1\n");
    } else if (req.verb == SIGND_STATUS) {
        answer_status(ans, size);
    } else if ((rc = resolve_reader(&req, reader, &why)) != SIGND_OK) {
        answer_err(ans, size, rc, why);
    } else if ((rc = run_card(fd, reader, &req, &res)) != SIGND_OK) {
        answer_err(ans, size, rc, res.detail);
        if (rc != SIGND_E_PIN_WRONG && rc != SIGND_E_PIN_LOCKED)
            logmsg("reader \"%s\": %s %s", reader, signd_err_code(rc), res.detail);
    } else {
        answer_card_ok(ans, size, &req, &res);
    }
    signd_request_wipe(&req);
    signd_card_result_wipe(&res);
}

/* ------------------------------------------------------------ clients */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Write all of s before the deadline; false when the client is gone or
 * does not read. */
static bool send_all(int fd, const char *s, size_t n, long long deadline)
{
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) {
            s += w, n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return false;
        long long left = deadline - now_ms();
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return false;
    }
    return true;
}

/* Wait for more bytes of the current line; 1 read, 0 EOF/error, -1 timeout. */
static int recv_more(int fd, char *buf, size_t *used, size_t cap, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0)
            return -1;
        int pr = poll(&p, 1, (int)left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr == 0)
            return -1;
        ssize_t r = recv(fd, buf + *used, cap - *used, MSG_DONTWAIT);
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (r <= 0)
            return 0;
        *used += (size_t)r;
        return 1;
    }
}

/* After a last error answer: stop writing, then read and drop what the
 * client still sends (at most 1 s, 64 KiB) so closing does not reset the
 * connection before the client has read the answer. */
static void drain_input(int fd)
{
    char junk[4096];
    size_t total = 0;
    long long deadline = now_ms() + 1000;
    shutdown(fd, SHUT_WR);
    while (total < 65536) {
        size_t used = 0;
        if (recv_more(fd, junk, &used, sizeof junk, deadline) <= 0)
            break;
        total += used;
    }
    explicit_bzero(junk, sizeof junk); /* may hold the rest of a line with a PIN */
}

/* Serve one connection: request lines until EOF, a timeout, a line over
 * the limit or a write that fails.  The buffer is wiped as it is used. */
static void serve_client(int fd)
{
    static _Thread_local char buf[SIGND_LINE_MAX], ans[SIGND_ANSWER_MAX];
    size_t used = 0;
    long long deadline = now_ms() + line_timeout_ms;
    for (;;) {
        char *nl = memchr(buf, '\n', used);
        if (nl) {
            size_t len = (size_t)(nl - buf);
            handle_line(fd, buf, len, ans, sizeof ans);
            memmove(buf, nl + 1, used - len - 1);
            used -= len + 1;
            explicit_bzero(buf + used, sizeof buf - used);
            bool sent = send_all(fd, ans, strlen(ans), now_ms() + line_timeout_ms);
            explicit_bzero(ans, sizeof ans); /* a decrypted key must not wait for the next line */
            if (!sent)
                break;
            deadline = now_ms() + line_timeout_ms;
            continue;
        }
        if (used == sizeof buf) {
            answer_err(ans, sizeof ans, SIGND_E_TOO_LONG, "request line over 1024 bytes");
            if (send_all(fd, ans, strlen(ans), now_ms() + 1000))
                drain_input(fd);
            break;
        }
        int r = recv_more(fd, buf, &used, sizeof buf, deadline);
        if (r < 0) {
            answer_err(ans, sizeof ans, SIGND_E_TIMEOUT, "no complete request line in time");
            send_all(fd, ans, strlen(ans), now_ms() + 1000);
        }
        if (r <= 0)
            break;
    }
    explicit_bzero(buf, sizeof buf);
    explicit_bzero(ans, sizeof ans);
}

/* A client's thread: serve the connection, close it, give its slot back
 * (accept_client counted it before the thread started). */
static void *client_main(void *arg)
{
    int fd = (int)(intptr_t)arg;
    serve_client(fd);
    close(fd);
    atomic_fetch_sub(&nclients, 1);
    return NULL;
}

/* Hand a new connection to its own thread, or answer BUSY when full. */
static void accept_client(int lfd)
{
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    if (atomic_fetch_add(&nclients, 1) >= max_clients) {
        char ans[128];
        answer_err(ans, sizeof ans, SIGND_E_BUSY, "too many clients, try again");
        send(fd, ans, strlen(ans), MSG_NOSIGNAL | MSG_DONTWAIT);
        close(fd);
        atomic_fetch_sub(&nclients, 1);
        return;
    }
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, client_main, (void *)(intptr_t)fd) != 0) {
        close(fd);
        atomic_fetch_sub(&nclients, 1);
    }
    pthread_attr_destroy(&attr);
}

/* ------------------------------------------------------------ main */

/* Bind the listening socket at path, mode 0660.  A socket file left by a
 * dead signd is replaced; one a live signd answers on is not, and nothing
 * that is not a socket is ever removed (a wrong path in a unit file must
 * not cost a file). */
static int listen_on(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        logmsg("socket path too long: %s", path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        logmsg("another signd answers on %s", path);
        close(fd);
        return -1;
    }
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
        logmsg("%s exists and is not a socket: not replaced", path);
        close(fd);
        return -1;
    }
    if (lstat(path, &st) == 0 && unlink(path) != 0) {
        logmsg("cannot remove the stale socket %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    mode_t old = umask(0117);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0 || chmod(path, 0660) != 0 || listen(fd, 64) != 0) {
        logmsg("cannot listen on %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

static void usage(void)
{
    fprintf(stderr, "usage: signd [-t seconds] [-n max-clients] SOCKET\n");
    exit(2);
}

/* Options: -t the per-line client deadline, -n the client limit. */
static const char *parse_args(int argc, char **argv)
{
    int c;
    while ((c = getopt(argc, argv, "t:n:")) != -1) {
        char *end;
        long v = strtol(optarg, &end, 10);
        if (*end || v < 1 || v > 3600)
            usage();
        if (c == 't')
            line_timeout_ms = (int)v * 1000;
        else if (c == 'n')
            max_clients = (int)v;
        else
            usage();
    }
    if (optind != argc - 1)
        usage();
    return argv[optind];
}

int main(int argc, char **argv)
{
    const char *path = parse_args(argc, argv);
    struct sigaction sa = {.sa_handler = on_stop};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int lfd = listen_on(path);
    if (lfd < 0)
        return 1;
    pthread_t mon;
    if (pthread_create(&mon, NULL, monitor_main, NULL) != 0)
        return 1;
    logmsg("listening on %s (pid %d)", path, (int)getpid());
    while (!stopping) {
        struct pollfd p = {.fd = lfd, .events = POLLIN};
        if (poll(&p, 1, 500) > 0)
            accept_client(lfd);
    }
    close(lfd);
    unlink(path);
    logmsg("stopped");
    return 0;
}
