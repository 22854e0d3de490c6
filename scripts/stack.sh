#!/usr/bin/env bash
# scripts/stack.sh start|stop|status — the local tuishui stack in one folder.
#
#   start   create $VAR, write $VAR/etc/tuishui.hdf, start MariaDB (datadir
#           $VAR/mysql, socket only), create database `tuishui`, apply
#           schema/NNN_*.sql, load the demo data once, start one prefork
#           master per build/bin/<m>.fcgi under spawn-fcgi, start nginx on
#           127.0.0.1:$PORT, wait until /login/ answers, print the URL and the
#           demo accounts.  Idempotent: what already runs is left running (a
#           program whose binary or config changed since it started is
#           restarted; nginx re-reads its config), new migrations are applied.
#   stop    nginx, then every program master, then MariaDB — by pid file only,
#           so stacks in other folders on the same machine are never touched.
#   status  one line per component, and the URL.
#
# Environment (all optional):
#   VAR      state folder                default $REPO/var
#   PORT     nginx port on 127.0.0.1     default 8080
#   TS_MODE  dev | test                  default dev (test: captcha.enabled = 0)
#   B        build folder                default build (relative to $REPO)
#   TS_WRAP  command prefix for every program, e.g. "valgrind --log-file=
#            $VAR/log/valgrind-@MODULE@.%p.log"; @MODULE@ becomes the module
#            name; split on spaces (no quoting inside)
#   TS_WORKERS  app.workers, worker processes per program    default 4 x CPUs
#               (docs/performance.md: 2 workers left the CPUs idle)
#   TS_WAIT  seconds to wait for MariaDB / the login page   default 20
#   TS_STOP_WAIT  seconds a program gets to exit on SIGTERM before SIGKILL
#            default 10
#   TS_TZ    time zone of the programs (TZ) and of MariaDB sessions
#            default Asia/Shanghai (+08:00): dates in the rebate rules are
#            Chinese dates whatever the host's zone is
#   TS_VPCD_PORT  first of the two vpcd ports (card slots) default PORT+10
#
# The card reader (docs/card.md "pcscd, vpcd and the cards in the stack"):
# start also runs a pcscd private to the stack (own mount namespace, socket
# $VAR/run/pcscd/pcscd.comm: clients set PCSCLITE_CSOCK_NAME to it), one vpcd
# reader with two slots on TS_VPCD_PORT and +1, and two virtual cards (the
# demo card and a second one) from $VAR/card; $VAR/etc/card.env says where
# everything is.  Without root (no mount namespace) or without build/signer/
# vcard the card reader is skipped with a message.
#
# Layout of $VAR: docs/architecture.md.  Programs get TUISHUI_CONF=
# $VAR/etc/tuishui.hdf and TZ in their environment, stdin on the FastCGI
# socket, stderr appended to $VAR/log/<m>.log.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR=$(realpath -m -- "${VAR:-$REPO/var}")
PORT=${PORT:-8080}
TS_MODE=${TS_MODE:-dev}
B=${B:-build}
[[ $B == /* ]] || B=$REPO/$B
TS_WRAP=${TS_WRAP:-}
TS_WORKERS=${TS_WORKERS:-$(( $(nproc) * 4 ))}
TS_WAIT=${TS_WAIT:-20}
TS_STOP_WAIT=${TS_STOP_WAIT:-10}
TS_TZ=${TS_TZ:-Asia/Shanghai}

ETC=$VAR/etc
RUN=$VAR/run
LOG=$VAR/log
CONF=$ETC/tuishui.hdf
DATADIR=$VAR/mysql
DB_SOCK=$RUN/mysqld.sock
DB_NAME=tuishui
DEMO=$VAR/demo-accounts.txt
URL=http://127.0.0.1:$PORT/
# The card reader (docs/card.md): pcscd's folder (bind-mounted on /run/pcscd
# in its namespace), pid files of pcscd and the cards, the cards' states.
CARD_RUN=$RUN/card
PCSC_DIR=$RUN/pcscd
PCSC_SOCK=$PCSC_DIR/pcscd.comm
CARD_DIR=$VAR/card
CARD_ENV=$ETC/card.env
VPCD_PORT=${TS_VPCD_PORT:-$((PORT + 10))}
VPCD_READER="tuishui vcard"
DEMO_CARD_NO=1300000000001      # 卡号 of the demo card (slot 0), bound to the demo admin
DEMO_CARD2_NO=1300000000002     # a second card (slot 1), for the 卡号不一致 tests
DEMO_CARD_PIN=123456
STOP_HINT="make stop"
[[ $VAR == "$REPO/var" ]] || STOP_HINT="make stop VAR=$VAR"
COMMAND=${1:-}

say() { printf 'stack: %s\n' "$*"; }
die() {
    printf 'stack: error: %s\n' "$*" >&2
    [[ $COMMAND != start ]] || printf 'stack: whatever had started keeps running; %s stops it\n' "$STOP_HINT" >&2
    exit 1
}

# ---------------------------------------------------------------- processes

# pid_of PIDFILE — the pid written in PIDFILE, or nothing.
pid_of() {
    local pid=""
    if [[ -f $1 ]]; then
        read -r pid <"$1" 2>/dev/null || true
    fi
    if [[ $pid =~ ^[0-9]+$ ]]; then
        printf '%s' "$pid"
    fi
}

# alive PID — the process exists and is not a zombie (a container's init may
# never reap, and kill -0 succeeds on a zombie).
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

# running PIDFILE WORD — true when PIDFILE names a live process whose command
# line (arguments joined by spaces, plus a trailing space) contains WORD:
# guards against a stale pid file whose pid now belongs to someone else.
running() {
    local pid
    pid=$(pid_of "$1")
    [[ -n $pid ]] && alive "$pid" &&
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}

# children_of PID — pids whose parent is PID.
children_of() {
    local f stat rest
    for f in /proc/[0-9]*/stat; do
        stat=$(cat "$f" 2>/dev/null) || continue
        rest=${stat##*) }          # "S ppid pgrp ..."
        rest=${rest#* }
        [[ ${rest%% *} == "$1" ]] && { f=${f#/proc/}; printf '%s\n' "${f%/stat}"; }
    done
    return 0
}

# wait_gone PID SECONDS — wait until PID is gone; false on timeout.
wait_gone() {
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        alive "$1" || return 0
        sleep 0.1
    done
    ! alive "$1"
}

# stop_pidfile NAME PIDFILE WORD SIGNAL SECONDS — send SIGNAL to the process
# of PIDFILE (if it is ours, see running), wait up to SECONDS, then SIGKILL it
# and the children it had (a prefork master's workers).  Removes PIDFILE.
stop_pidfile() {
    local name=$1 pidfile=$2 word=$3 sig=$4 secs=$5 pid kids
    if ! running "$pidfile" "$word"; then
        [[ -f $pidfile ]] && { say "$name: not running (stale pid file removed)"; rm -f "$pidfile"; }
        return 0
    fi
    pid=$(pid_of "$pidfile")
    kill "-$sig" "$pid" 2>/dev/null || true
    if wait_gone "$pid" "$secs"; then
        say "$name: stopped (pid $pid)"
    else
        kids=$(children_of "$pid")
        say "$name: did not exit in ${secs}s, SIGKILL (pid $pid${kids:+, workers ${kids//$'\n'/ }})"
        # shellcheck disable=SC2086  # kids: one pid per word
        kill -KILL "$pid" $kids 2>/dev/null || true
        wait_gone "$pid" 5 || say "$name: pid $pid still there after SIGKILL"
    fi
    rm -f "$pidfile"
}

# tail_log FILE — the end of a log, for error messages.
tail_log() {
    [[ -s $1 ]] || return 0
    printf -- '--- tail of %s\n' "$1" >&2
    tail -n 20 "$1" >&2
}

# ---------------------------------------------------------------- layout

make_tree() {
    mkdir -p "$ETC/nginx.d" "$RUN" "$LOG" "$VAR/store" "$VAR/tmp" \
        "$VAR/nginx/client_body" "$VAR/nginx/proxy" "$VAR/nginx/fastcgi" \
        "$VAR/nginx/uwsgi" "$VAR/nginx/scgi"
    # A unix socket path holds at most 107 bytes.
    local longest=$RUN/mysqld.sock bin
    for bin in "$B"/bin/*.fcgi; do
        [[ -e $bin ]] || continue
        bin=$RUN/$(basename "$bin" .fcgi).sock
        ((${#bin} > ${#longest})) && longest=$bin
    done
    ((${#longest} <= 107)) || die "socket path too long (${#longest} > 107 bytes): $longest; use a shorter VAR"
}

# install_if_changed NEW DEST — move NEW to DEST unless identical; sets
# CHANGED=1 when DEST changed (CHANGED is reset by the caller).
CHANGED=0
install_if_changed() {
    if [[ -f $2 ]] && cmp -s "$1" "$2"; then
        rm -f "$1"
    else
        mv -f "$1" "$2"
        CHANGED=1
    fi
}

# make_portal_key — the portal's SM2 key and self-signed certificate
# (package.sign_key / package.sign_cert): what signs the data packages the
# portal hands out (报关单 XML 文件下载).  Made once, at the first start;
# production uses a certificate from the CA (INSTALL).
make_portal_key() {
    local key=$ETC/portal-sign.key.pem cert=$ETC/portal-sign.cer
    [[ -s $key && -s $cert ]] && return 0
    (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out "$key.new") ||
        die "openssl: cannot make the portal signing key"
    openssl req -new -x509 -key "$key.new" -sm3 -sigopt distid:1234567812345678 -utf8 \
        -subj "/C=CN/O=tuishui/CN=出口退税平台（$TS_MODE）" -days 3650 -outform DER -out "$cert.new" ||
        die "openssl: cannot make the portal signing certificate"
    mv -f "$key.new" "$key" && mv -f "$cert.new" "$cert"
    say "portal signing key: $key, certificate: $cert"
}

# write_config — $VAR/etc/tuishui.hdf (keys: docs/architecture.md).
# tmp.dir is $VAR/tmp: nginx's internal location /_docexport/ aliases
# $VAR/tmp/docexport/ (nginx/tuishui.conf.in), where export jobs' ZIPs are.
write_config() {
    local captcha=1
    [[ $TS_MODE == test ]] && captcha=0
    cat >"$CONF.new" <<EOF
# Generated by scripts/stack.sh — edits are overwritten at the next start.
mode = $TS_MODE
db.socket = $DB_SOCK
db.name = $DB_NAME
db.user = root
db.password =
templates.dir = $REPO/templates
store.root = $VAR/store
tmp.dir = $VAR/tmp
captcha.enabled = $captcha
app.workers = $TS_WORKERS
worker.wake_fifo = $RUN/worker.wake
sign.socket = $RUN/signd.sock
sign.reader = $VPCD_READER 00 00
package.sign_key = $ETC/portal-sign.key.pem
package.sign_cert = $ETC/portal-sign.cer
EOF
    CHANGED=0
    install_if_changed "$CONF.new" "$CONF"
    ((CHANGED == 0)) || say "config: wrote $CONF"
}

# ---------------------------------------------------------------- MariaDB

db() {
    mariadb --no-defaults --socket="$DB_SOCK" --user=root --default-character-set=utf8mb4 "$@"
}

start_mariadb() {
    local pidfile=$RUN/mysqld.pid i
    if running "$pidfile" "--datadir=$DATADIR "; then
        say "mariadb: already running (pid $(pid_of "$pidfile"))"
        return
    fi
    local as_user=()
    # mariadbd refuses to run as root unless told to.
    [[ $(id -u) -ne 0 ]] || as_user=(--user=root)
    if [[ ! -d $DATADIR/mysql ]]; then
        say "mariadb: creating datadir $DATADIR"
        mkdir -p "$DATADIR"
        mariadb-install-db --no-defaults "${as_user[@]}" --datadir="$DATADIR" \
            --auth-root-authentication-method=normal --skip-test-db \
            >"$LOG/mysql-install.log" 2>&1 </dev/null ||
            { tail_log "$LOG/mysql-install.log"; die "mariadb-install-db failed"; }
    fi
    rm -f "$pidfile" "$DB_SOCK"
    # setsid + closed stdin: the server outlives make and the terminal.
    setsid mariadbd --no-defaults "${as_user[@]}" \
        --datadir="$DATADIR" --socket="$DB_SOCK" --skip-networking \
        --pid-file="$pidfile" --log-error="$LOG/mysqld.log" --tmpdir="$VAR/tmp" \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        --sql-mode=STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION \
        --default-time-zone="$(tz_offset)" \
        --innodb-flush-log-at-trx-commit=2 --max-connections=500 \
        --skip-name-resolve --local-infile=1 \
        </dev/null >>"$LOG/mysqld.log" 2>&1 &
    local pid=$!
    for ((i = 0; i < TS_WAIT * 10; i++)); do
        if mariadb-admin --no-defaults --socket="$DB_SOCK" --user=root ping >/dev/null 2>&1; then
            say "mariadb: started (pid $pid, socket $DB_SOCK)"
            return
        fi
        alive "$pid" || break
        sleep 0.1
    done
    tail_log "$LOG/mysqld.log"
    die "mariadb did not come up (log: $LOG/mysqld.log)"
}

# tz_offset — TS_TZ as a fixed "+HH:MM" offset for MariaDB (whose named zones
# need tables we do not load).  China has had no daylight saving since 1991.
tz_offset() {
    local z
    z=$(TZ=$TS_TZ date +%z)
    printf '%s:%s' "${z:0:3}" "${z:3:2}"
}

create_database() {
    db -e "CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
}

# apply_migrations — schema/NNN_name.sql in order, each once.  A file is
# applied with the mariadb client (so DELIMITER, SOURCE and LOAD DATA LOCAL
# INFILE work; the client runs in schema/, so relative paths are from there)
# and recorded in schema_version only when the whole file succeeded.  DDL is
# not transactional in MariaDB: a file that fails halfway leaves what it did,
# so the message says which file to fix.
apply_migrations() {
    db "$DB_NAME" -e "CREATE TABLE IF NOT EXISTS schema_version (
        version INT PRIMARY KEY,
        name VARCHAR(200) NOT NULL,
        applied_at DATETIME NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
    local applied files=() f base ver n=0 seen=" "
    applied=" $(db "$DB_NAME" -N -B -e 'SELECT version FROM schema_version' | tr '\n' ' ') "
    shopt -s nullglob
    files=("$REPO"/schema/[0-9][0-9][0-9]_*.sql)
    shopt -u nullglob
    if [[ ${#files[@]} -eq 0 ]]; then
        say "schema: no schema/NNN_*.sql files yet"
        return
    fi
    for f in "${files[@]}"; do            # refuse two files with one number
        base=$(basename "$f")
        [[ $base =~ ^[0-9]{3}_[A-Za-z0-9_.-]+\.sql$ ]] || die "schema: bad file name $base (NNN_name.sql, name of [A-Za-z0-9_.-])"
        ver=$((10#${base:0:3}))
        [[ $seen != *" $ver "* ]] || die "schema: two files with number ${base:0:3}"
        seen+="$ver "
    done
    for f in "${files[@]}"; do            # the glob sorts them: 001, 002, ...
        base=$(basename "$f")
        ver=$((10#${base:0:3}))
        [[ $applied == *" $ver "* ]] && continue
        say "schema: applying $base"
        if ! (cd "$REPO/schema" && db --local-infile=1 "$DB_NAME" <"$f"); then
            die "schema: $base failed (nothing recorded; fix it, clean up what it did, run start again)"
        fi
        db "$DB_NAME" -e "INSERT INTO schema_version (version, name, applied_at) VALUES ($ver, '$base', NOW())"
        n=$((n + 1))
    done
    say "schema: $n applied, ${#files[@]} in schema/"
}

# seed_demo — demo enterprises and accounts, once per $VAR.  ts-admin writes
# "role login password" lines to $DEMO; its presence marks the demo as loaded.
seed_demo() {
    local admin=$B/tools/ts-admin
    if [[ -s $DEMO ]]; then
        return
    fi
    if [[ ! -x $admin ]]; then
        say "demo: $admin not built yet, no demo data"
        return
    fi
    say "demo: loading demo data"
    if ! TUISHUI_CONF=$CONF TZ=$TS_TZ "$admin" seed-demo "$DEMO" </dev/null; then
        rm -f "$DEMO"
        die "demo: ts-admin seed-demo failed"
    fi
}

# ---------------------------------------------------------------- programs

# modules — the names of the built programs, one a line.
modules() {
    local bin
    for bin in "$B"/bin/*.fcgi; do
        [[ -x $bin ]] && basename "$bin" .fcgi
    done
    return 0
}

# start_program M — one spawn-fcgi'd master for build/bin/M.fcgi.  The master
# (lib/ts_app) forks app.workers workers that accept on fd 0 and re-forks any
# that dies, so spawn-fcgi starts exactly one process (-F 1).  spawn-fcgi
# points stderr at /dev/null; the sh wrapper re-opens it on the module's log
# and execs the program (so the pid file names the program itself).
start_program() {
    local m=$1 bin=$B/bin/$1.fcgi pidfile=$RUN/$1.pid
    if running "$pidfile" "$m.fcgi"; then
        # Templates count too: each worker keeps its parsed templates.
        if [[ $bin -nt $pidfile || $CONF -nt $pidfile ||
              -n $(find "$REPO/templates" -newer "$pidfile" -print -quit) ]]; then
            say "$m: binary, config or templates changed, restarting"
            stop_pidfile "$m" "$pidfile" "$m.fcgi" TERM "$TS_STOP_WAIT"
        else
            say "$m: already running (pid $(pid_of "$pidfile"))"
            return
        fi
    fi
    rm -f "$pidfile" "$RUN/$m.sock"
    local wrap=()
    [[ -n $TS_WRAP ]] && read -r -a wrap <<<"${TS_WRAP//@MODULE@/$m}"
    # Socket mode 0600: only nginx (same user as this script: `user root;`
    # when run as root) may talk FastCGI to the program.  libfcgi still
    # aborts a worker on some oversized PARAMS lengths (tests/http/
    # fastcgi_params.t), so nobody else may connect.
    # shellcheck disable=SC2016,SC2094  # $1/$@ are for the inner sh
    TUISHUI_CONF=$CONF TZ=$TS_TZ spawn-fcgi -s "$RUN/$m.sock" -M 0600 -F 1 \
        -P "$pidfile" -d "$VAR" -- \
        /bin/sh -c 'log=$1; shift; exec "$@" 2>>"$log"' sh "$LOG/$m.log" "${wrap[@]}" "$bin" \
        </dev/null >>"$LOG/$m.log" 2>&1 ||
        { tail_log "$LOG/$m.log"; die "$m: spawn-fcgi failed"; }
    say "$m: started (pid $(pid_of "$pidfile"))"
}

# start_worker — the jobs worker build/tools/ts-worker (long work such as
# large imports): one process, pid file $RUN/worker.pid, stderr appended to
# $LOG/worker.log; restarted when its binary or the config changed.  SIGTERM
# lets it finish the job in hand.
start_worker() {
    local bin=$B/tools/ts-worker pidfile=$RUN/worker.pid
    [[ -x $bin ]] || return 0
    if running "$pidfile" ts-worker; then
        if [[ $bin -nt $pidfile || $CONF -nt $pidfile ]]; then
            say "worker: binary or config changed, restarting"
            stop_pidfile worker "$pidfile" ts-worker TERM "$TS_STOP_WAIT"
        else
            say "worker: already running (pid $(pid_of "$pidfile"))"
            return
        fi
    fi
    TUISHUI_CONF=$CONF TZ=$TS_TZ setsid "$bin" </dev/null >>"$LOG/worker.log" 2>&1 &
    echo $! >"$pidfile"
    say "worker: started (pid $!)"
}

# check_programs — after the wait, every master must still be there.
check_programs() {
    local m bad=0
    while read -r m; do
        [[ -n $m ]] || continue
        if ! running "$RUN/$m.pid" "$m.fcgi"; then
            printf 'stack: error: %s exited after start\n' "$m" >&2
            tail_log "$LOG/$m.log"
            bad=1
        fi
    done < <(modules)
    ((bad == 0)) || die "some programs did not stay up (logs in $LOG)"
}

# ---------------------------------------------------------------- nginx

nginx_cmd() {
    nginx -p "$VAR/nginx" -c "$ETC/nginx.conf" -e "$LOG/nginx-error.log" "$@"
}

# subst FILE [MODULE] — FILE with the @...@ placeholders replaced.
subst() {
    local user_line=""
    # nginx workers must reach the sockets in $VAR/run (a mktemp folder is
    # 0700): as root they run as root too.
    [[ $(id -u) -ne 0 ]] || user_line="user root;"
    sed -e "s|@VAR@|$VAR|g" -e "s|@PORT@|$PORT|g" -e "s|@REPO@|$REPO|g" \
        -e "s|@MODULE@|${2:-}|g" -e "s|@USER@|$user_line|g" "$1"
}

# write_nginx_config — $VAR/etc/nginx.conf and nginx.d/<m>.conf; sets
# CHANGED=1 when any of them changed.
write_nginx_config() {
    local m f
    CHANGED=0
    subst "$REPO/nginx/tuishui.conf.in" >"$ETC/nginx.conf.new"
    install_if_changed "$ETC/nginx.conf.new" "$ETC/nginx.conf"
    # The files nginx.conf includes from nginx/: a copy notices their changes.
    cat "$REPO"/nginx/*.conf "$REPO/nginx/fastcgi_params" >"$ETC/nginx-includes.new"
    install_if_changed "$ETC/nginx-includes.new" "$ETC/nginx-includes.copy"
    # Remove includes of programs that are gone, write one per program.
    for f in "$ETC"/nginx.d/*.conf; do
        [[ -e $f ]] || continue
        m=$(basename "$f" .conf)
        if [[ ! -x $B/bin/$m.fcgi ]]; then
            rm -f "$f"
            CHANGED=1
        fi
    done
    while read -r m; do
        [[ -n $m ]] || continue
        subst "$REPO/nginx/module.conf.in" "$m" >"$ETC/nginx.d/$m.conf.new"
        # An action taking a large file has its own location (body size).
        [[ ! -e $REPO/nginx/large_upload/$m.conf.in ]] ||
            subst "$REPO/nginx/large_upload/$m.conf.in" "$m" >>"$ETC/nginx.d/$m.conf.new"
        install_if_changed "$ETC/nginx.d/$m.conf.new" "$ETC/nginx.d/$m.conf"
    done < <(modules)
}

start_nginx() {
    local pidfile=$RUN/nginx.pid changed
    write_nginx_config
    changed=$CHANGED
    nginx_cmd -t -q 2>"$LOG/nginx-test.log" ||
        { cat "$LOG/nginx-test.log" >&2; die "nginx: bad configuration $ETC/nginx.conf"; }
    if running "$pidfile" "$ETC/nginx.conf "; then
        if ((changed)); then
            kill -HUP "$(pid_of "$pidfile")"
            say "nginx: already running, configuration reloaded"
        else
            say "nginx: already running (pid $(pid_of "$pidfile"))"
        fi
        return
    fi
    rm -f "$pidfile"
    nginx_cmd </dev/null || { tail_log "$LOG/nginx-error.log"; die "nginx did not start"; }
    say "nginx: started on 127.0.0.1:$PORT"
}

# http_code PATH — the status nginx answers for PATH, or 000.
http_code() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$PORT$1" || true
}

# wait_ready — until /login/ answers 200 (or, before the login program
# exists, until nginx answers at all).
wait_ready() {
    local path=/login/ want=200 code i
    [[ -x $B/bin/login.fcgi ]] || { path=/; want=302; }
    for ((i = 0; i < TS_WAIT * 5; i++)); do
        code=$(http_code "$path")
        [[ $code == "$want" ]] && return 0
        sleep 0.2
    done
    tail_log "$LOG/nginx-error.log"
    [[ -x $B/bin/login.fcgi ]] && tail_log "$LOG/login.log"
    die "GET $path answered $code, not $want, after ${TS_WAIT}s"
}

# ---------------------------------------------------------------- card reader

# card_reader_possible — pcscd, vpcd's driver and the vcard binary are there
# and we may make a mount namespace; else say why and fail.
card_reader_possible() {
    local why=""
    if [[ ! -x $B/signer/vcard ]]; then
        why="$B/signer/vcard not built"
    elif ! command -v pcscd >/dev/null || [[ ! -e /usr/lib/pcsc/drivers/serial/libifdvpcd.so ]]; then
        why="pcscd or vsmartcard-vpcd missing (run: make deps)"
    elif ! unshare --mount --propagation private true 2>/dev/null; then
        why="no private mount namespace (needs root), so no private pcscd"
    fi
    [[ -z $why ]] && return 0
    say "card reader: not started: $why (docs/card.md)"
    return 1
}

# write_reader_conf — pcscd's reader.conf.d with one vpcd reader (two
# slots: vpcd listens on VPCD_PORT and VPCD_PORT+1).  Only one vpcd entry:
# vpcd keeps its connections by slot number, so two entries in one pcscd
# would share them.  Sets CHANGED=1 when it changed.
write_reader_conf() {
    mkdir -p "$ETC/reader.conf.d"
    CHANGED=0
    cat >"$ETC/reader.conf.d/vpcd.new" <<EOF
# Generated by scripts/stack.sh (docs/card.md): slots on $VPCD_PORT and $((VPCD_PORT + 1)).
FRIENDLYNAME "$VPCD_READER"
DEVICENAME   /dev/null:$VPCD_PORT
LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID    $VPCD_PORT
EOF
    install_if_changed "$ETC/reader.conf.d/vpcd.new" "$ETC/reader.conf.d/vpcd"
}

# start_pcscd — pcscd in its own mount namespace with $PCSC_DIR on
# /run/pcscd, so its fixed socket path lands in our folder; restarted when
# the reader config changed.
start_pcscd() {
    local pidfile=$CARD_RUN/pcscd.pid word="-c $ETC/reader.conf.d" changed i pid
    write_reader_conf
    changed=$CHANGED
    if running "$pidfile" "$word"; then
        if ((changed == 0)); then
            say "pcscd: already running (pid $(pid_of "$pidfile"))"
            return
        fi
        say "pcscd: reader config changed, restarting"
        stop_pidfile pcscd "$pidfile" "$word" TERM 5
    fi
    for i in 0 1; do
        if (exec 3<>"/dev/tcp/127.0.0.1/$((VPCD_PORT + i))") 2>/dev/null; then
            die "vpcd port $((VPCD_PORT + i)) is in use (another stack? set TS_VPCD_PORT=...)"
        fi
    done
    rm -f "$PCSC_SOCK" "$PCSC_DIR/pcscd.pid"
    # unshare and sh exec, so $! is pcscd itself.
    # shellcheck disable=SC2016  # $1/$2 are for the inner sh
    setsid unshare --mount --propagation private sh -c \
        'mkdir -p /run/pcscd && mount --bind "$1" /run/pcscd && exec pcscd --foreground -c "$2"' \
        sh "$PCSC_DIR" "$ETC/reader.conf.d" </dev/null >>"$LOG/pcscd.log" 2>&1 &
    pid=$!
    echo "$pid" >"$pidfile"
    for ((i = 0; i < TS_WAIT * 10; i++)); do
        if [[ -S $PCSC_SOCK ]]; then
            say "pcscd: started (pid $pid, socket $PCSC_SOCK, vpcd on $VPCD_PORT and $((VPCD_PORT + 1)))"
            return
        fi
        alive "$pid" || break
        sleep 0.1
    done
    tail_log "$LOG/pcscd.log"
    die "pcscd did not come up (log: $LOG/pcscd.log)"
}

# start_vcard NAME CARD_NO PORT — the virtual card $CARD_DIR/NAME (created
# on first start, certificate from the stack's demo CA) in the vpcd slot on
# PORT; restarted when its binary changed.
start_vcard() {
    local name=$1 card_no=$2 port=$3 pidfile=$CARD_RUN/vcard-$1.pid bin=$B/signer/vcard
    local word="--state $CARD_DIR/$name "
    if [[ ! -f $CARD_DIR/$name/state ]]; then
        "$bin" init --state "$CARD_DIR/$name" --card-no "$card_no" --pin "$DEMO_CARD_PIN" \
            --ca "$CARD_DIR/ca" </dev/null >>"$LOG/vcard-$name.log" 2>&1 ||
            { tail_log "$LOG/vcard-$name.log"; die "vcard init $name failed"; }
    fi
    if running "$pidfile" "$word"; then
        if [[ $bin -nt $pidfile ]]; then
            say "vcard $name: binary changed, restarting"
            stop_pidfile "vcard $name" "$pidfile" "$word" TERM 5
        else
            say "vcard $name: already running (pid $(pid_of "$pidfile"))"
            return
        fi
    fi
    setsid "$bin" run --state "$CARD_DIR/$name" --port "$port" </dev/null >>"$LOG/vcard-$name.log" 2>&1 &
    echo $! >"$pidfile"
    say "vcard $name: started (pid $!, 卡号 $card_no, vpcd port $port)"
}

# wait_cards N — until pcscd sees N cards (tests/card/pcsc_apdu --list).
wait_cards() {
    local client=$B/tests/card/pcsc_apdu i n=0
    [[ -x $client ]] || return 0
    for ((i = 0; i < TS_WAIT * 10; i++)); do
        n=$(PCSCLITE_CSOCK_NAME=$PCSC_SOCK "$client" --list 2>/dev/null | grep -c '^present' || true)
        ((n >= $1)) && return 0
        sleep 0.1
    done
    tail_log "$LOG/pcscd.log"
    die "pcscd sees $n of $1 virtual cards after ${TS_WAIT}s (logs: $LOG/vcard-*.log)"
}

# write_card_env — $ETC/card.env: where the reader and the cards are, for
# signd, the tests and people (shell syntax, sourced or parsed).
write_card_env() {
    cat >"$CARD_ENV.new" <<EOF
# Generated by scripts/stack.sh (docs/card.md); edits are overwritten.
PCSCLITE_CSOCK_NAME='$PCSC_SOCK'
TS_VPCD_PORT=$VPCD_PORT
TS_CARD_READER='$VPCD_READER 00 00'
TS_CARD_NO=$DEMO_CARD_NO
TS_CARD2_READER='$VPCD_READER 00 01'
TS_CARD2_NO=$DEMO_CARD2_NO
TS_CARD_PIN=$DEMO_CARD_PIN
TS_CARD_CA='$CARD_DIR/ca/ca.pem'
TS_VCARD='$B/signer/vcard'
EOF
    CHANGED=0
    install_if_changed "$CARD_ENV.new" "$CARD_ENV"
}

# start_card_reader — pcscd, then the two cards, then card.env.
start_card_reader() {
    card_reader_possible || return 0
    mkdir -p "$CARD_RUN" "$PCSC_DIR" "$CARD_DIR"
    start_pcscd
    start_vcard demo "$DEMO_CARD_NO" "$VPCD_PORT"
    start_vcard second "$DEMO_CARD2_NO" "$((VPCD_PORT + 1))"
    wait_cards 2
    write_card_env
}

# stop_card_reader — the cards, then pcscd (its namespace and bind mount go
# with it).
stop_card_reader() {
    local f
    for f in "$CARD_RUN"/vcard-*.pid; do
        [[ -e $f ]] || continue
        f=$(basename "$f" .pid)
        stop_pidfile "$f" "$CARD_RUN/$f.pid" "--state $CARD_DIR/${f#vcard-} " TERM 5
    done
    stop_pidfile pcscd "$CARD_RUN/pcscd.pid" "-c $ETC/reader.conf.d" TERM 5
}

# ---------------------------------------------------------------- signd

# start_signd — signd (docs/signd.md), the one PC/SC client, on
# $RUN/signd.sock (mode 0660; the portal finds it as sign.socket in the
# config), talking to the stack's pcscd; pid file $CARD_RUN/signd.pid, log
# $LOG/signd.log; restarted when its binary changed.  Skipped when the card
# reader was (signd would only answer NO_SERVICE).
start_signd() {
    local bin=$B/signer/signd pidfile=$CARD_RUN/signd.pid sock=$RUN/signd.sock i pid
    if [[ ! -x $bin || ! -S $PCSC_SOCK ]]; then
        say "signd: not started (${bin} not built or no card reader)"
        return 0
    fi
    if running "$pidfile" "$sock "; then
        if [[ $bin -nt $pidfile ]]; then
            say "signd: binary changed, restarting"
            stop_pidfile signd "$pidfile" "$sock " TERM 5
        else
            say "signd: already running (pid $(pid_of "$pidfile"))"
            return
        fi
    fi
    # No signd of ours runs here, so a socket file is a dead one's: remove
    # it first, so the wait below sees only the socket the new signd makes.
    rm -f "$sock"
    PCSCLITE_CSOCK_NAME=$PCSC_SOCK setsid "$bin" "$sock" </dev/null >>"$LOG/signd.log" 2>&1 &
    pid=$!
    echo "$pid" >"$pidfile"
    for ((i = 0; i < TS_WAIT * 10; i++)); do
        if [[ -S $sock ]] && alive "$pid"; then
            say "signd: started (pid $pid, socket $sock)"
            return
        fi
        alive "$pid" || break
        sleep 0.1
    done
    tail_log "$LOG/signd.log"
    die "signd did not come up (log: $LOG/signd.log)"
}

# bind_demo_card — the demo enterprise administrator (ent-admin-production in
# $DEMO) is bound to the demo card in slot 0, read through signd (ts-admin
# bind-card; idempotent), so 卡介质登录 works with the printed PIN.  Skipped
# with a message when there is no card reader or signd; a refusal (say the
# demo card was bound to another user in the portal) is reported, and the
# stack runs on.  Sets DEMO_CARD_LOGIN when the card is bound.
DEMO_CARD_LOGIN=""
bind_demo_card() {
    local admin=$B/tools/ts-admin login
    [[ -s $DEMO && -x $admin ]] || return 0
    if ! running "$CARD_RUN/signd.pid" "$RUN/signd.sock "; then
        say "demo card: not bound to the demo administrator (no card reader or signd, see above)"
        return 0
    fi
    login=$(awk '$1 == "ent-admin-production" { print $2 }' "$DEMO")
    if [[ -z $login ]]; then
        say "demo card: no ent-admin-production in $DEMO, not bound"
        return 0
    fi
    # pipefail: the pipeline fails when ts-admin does.
    if TUISHUI_CONF=$CONF TZ=$TS_TZ "$admin" bind-card "$login" "$VPCD_READER 00 00" </dev/null 2>&1 |
        sed 's/^/stack: demo card: /'; then
        DEMO_CARD_LOGIN=$login
    fi
    [[ -n $DEMO_CARD_LOGIN ]] || say "demo card: not bound (ts-admin bind-card refused, see above)"
}

stop_signd() {
    stop_pidfile signd "$CARD_RUN/signd.pid" "$RUN/signd.sock " TERM 5
}

# ---------------------------------------------------------------- commands

cmd_start() {
    [[ $TS_MODE == dev || $TS_MODE == test ]] || die "TS_MODE must be dev or test, not '$TS_MODE'"
    [[ $PORT =~ ^[0-9]+$ ]] || die "PORT must be a number"
    local tool
    for tool in mariadbd mariadb-install-db mariadb nginx spawn-fcgi curl; do
        command -v "$tool" >/dev/null || die "$tool not found (run: make deps)"
    done
    # Fail before starting anything when another server has our port.
    if ! running "$RUN/nginx.pid" "$ETC/nginx.conf " && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
        die "port $PORT is in use by another server (another stack? set PORT=...)"
    fi
    make_tree
    make_portal_key
    write_config
    start_mariadb
    create_database
    apply_migrations
    seed_demo
    [[ ! -x $B/tools/ts-admin ]] || TUISHUI_CONF=$CONF TZ=$TS_TZ "$B/tools/ts-admin" sync-admin-perms </dev/null || die "ts-admin sync-admin-perms failed"
    local m
    while read -r m; do
        [[ -n $m ]] || continue
        start_program "$m"
    done < <(modules)
    [[ -n $(modules) ]] || say "programs: none built yet in $B/bin"
    start_worker
    start_card_reader
    start_signd
    bind_demo_card
    start_nginx
    wait_ready
    check_programs
    printf '\ntuishui (%s) is running at %s\n' "$TS_MODE" "$URL"
    if [[ -s $DEMO ]]; then
        printf 'demo accounts (%s: role login password):\n' "$DEMO"
        sed 's/^/  /' "$DEMO"
    fi
    if [[ -f $CARD_ENV ]]; then
        printf 'demo cards (电子口岸 IC 卡, PIN %s): 卡号 %s in "%s 00 00" (the demo card), 卡号 %s in "%s 00 01"\n' \
            "$DEMO_CARD_PIN" "$DEMO_CARD_NO" "$VPCD_READER" "$DEMO_CARD2_NO" "$VPCD_READER"
    fi
    if [[ -n $DEMO_CARD_LOGIN ]]; then
        printf '卡介质登录 (%s/login/card): 卡号 %s, 卡密码 %s, bound to %s\n' \
            "${URL%/}" "$DEMO_CARD_NO" "$DEMO_CARD_PIN" "$DEMO_CARD_LOGIN"
    fi
    printf 'logs in %s/log; stop with: %s\n' "$VAR" "$STOP_HINT"
}

cmd_stop() {
    [[ -d $RUN ]] || { say "nothing to stop in $VAR"; return; }
    stop_pidfile nginx "$RUN/nginx.pid" "$ETC/nginx.conf " QUIT 10
    stop_pidfile worker "$RUN/worker.pid" ts-worker TERM "$TS_STOP_WAIT"
    stop_signd
    stop_card_reader
    local f m
    for f in "$RUN"/*.pid; do
        [[ -e $f ]] || continue
        m=$(basename "$f" .pid)
        [[ $m == nginx || $m == mysqld || $m == worker ]] && continue
        stop_pidfile "$m" "$f" "$m.fcgi" TERM "$TS_STOP_WAIT"
        rm -f "$RUN/$m.sock"
    done
    stop_pidfile mariadb "$RUN/mysqld.pid" "--datadir=$DATADIR " TERM 60
}

cmd_status() {
    local f m port=$PORT
    show() {            # show NAME PIDFILE WORD
        if running "$2" "$3"; then
            printf '  %-12s running (pid %s)\n' "$1" "$(pid_of "$2")"
        else
            printf '  %-12s not running\n' "$1"
        fi
    }
    printf 'stack in %s\n' "$VAR"
    show mariadb "$RUN/mysqld.pid" "--datadir=$DATADIR "
    show worker "$RUN/worker.pid" ts-worker
    for f in "$RUN"/*.pid; do
        [[ -e $f ]] || continue
        m=$(basename "$f" .pid)
        [[ $m == nginx || $m == mysqld || $m == worker ]] && continue
        show "$m" "$f" "$m.fcgi"
    done
    while read -r m; do              # built but never started
        if [[ -n $m && ! -e $RUN/$m.pid ]]; then
            printf '  %-12s not running\n' "$m"
        fi
    done < <(modules)
    show pcscd "$CARD_RUN/pcscd.pid" "-c $ETC/reader.conf.d"
    show signd "$CARD_RUN/signd.pid" "$RUN/signd.sock "
    for f in "$CARD_RUN"/vcard-*.pid; do
        [[ -e $f ]] || continue
        m=$(basename "$f" .pid)
        show "$m" "$f" "--state $CARD_DIR/${m#vcard-} "
    done
    show nginx "$RUN/nginx.pid" "$ETC/nginx.conf "
    # The port the stack was started with, whatever PORT says now.
    if [[ -f $ETC/nginx.conf ]]; then
        port=$(sed -n 's/^ *listen 127\.0\.0\.1:\([0-9]*\);.*/\1/p' "$ETC/nginx.conf" | head -n 1)
    fi
    printf 'URL: http://127.0.0.1:%s/\n' "${port:-$PORT}"
}

case ${1:-} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *)
        echo "usage: [VAR=dir] [PORT=n] [TS_MODE=dev|test] [B=build] $0 start|stop|status" >&2
        exit 2
        ;;
esac
