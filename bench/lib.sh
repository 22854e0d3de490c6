# bench/lib.sh — what every bench script shares; sourced, never run:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   bench_init declist              # REPO (cwd), B, BUILD, OUT, KEEP, say, die
#   bench_stack_start               # a private stack; stopped on exit
#   session=$(bench_login_as ent-admin-trading /declist/)   # "ts_sid csrf"
#
# bench_init NAME
#   cd to the repository; sets REPO, B (exported, default build), BUILD (B as
#   an absolute path), OUT (BENCH_OUT, default build/bench, created), KEEP
#   (BENCH_KEEP); say and die print "bench-NAME: ..." (bench/run.sh's NAME
#   is "" and prints "bench: ...").
#
# bench_stack_start [VAR=VALUE...]
#   scripts/stack.sh start (TS_MODE=test, plus the given environment, e.g.
#   TS_WORKERS=8) in a fresh `mktemp -d /tmp/ts-bench-NAME.XXXXXX` on
#   BENCH_PORT or else a free port; sets VAR PORT URL ETC RUN WORK (WORK =
#   $VAR/bench, scratch space) and exports VAR PORT TS_MODE.  Its output goes
#   to $OUT/NAME-stack-start.log.  On exit (also INT/TERM) the stack is
#   stopped and VAR removed, unless BENCH_KEEP=1, which leaves it running
#   and says how to stop it.  A script's own cleanup goes in bench_on_exit
#   (a function it may define; called first).
#
# bench_db ARGS...            mariadb on the stack's socket, database tuishui,
#                             -N -B (tab-separated, no header)
# bench_csrf_of FILE          the first _csrf hidden field of a saved page
# bench_account ROLE          "login password" of a demo account
#                             ($VAR/demo-accounts.txt, e.g. ent-admin-trading)
# bench_login LOGIN PASSWORD PAGE
#                             log in through the real login form (GET /login/
#                             for its CSRF token, POST /login/signin → 303),
#                             then GET PAGE for the session's CSRF token;
#                             prints "ts_sid csrf"
# bench_login_as ROLE PAGE    bench_login with a demo account
# bench_post SESSION PATH FIELD=VALUE...
#                             urlencoded POST with the session's cookie and
#                             _csrf (SESSION: a "ts_sid csrf" line); the
#                             body goes to $WORK/last-post.html; prints
#                             "status redirect_url"
# bench_now                   seconds since the epoch with nanoseconds
# bench_machine               one line: CPU model, CPUs, memory, kernel, Debian
# bench_loadavg               the three load averages
# bench_commit                the short commit, "+ uncommitted changes" if any
# bench_hwm_kb PID / bench_rss_kb PID
#                             VmHWM / VmRSS of a process in KiB (0 if gone)
#
# shellcheck shell=bash

bench_init() {
    BENCH_NAME=$1
    REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    cd "$REPO" || exit 1
    export B=${B:-build}
    BUILD=$B
    [[ $BUILD == /* ]] || BUILD=$REPO/$BUILD
    OUT=${BENCH_OUT:-$REPO/build/bench}
    KEEP=${BENCH_KEEP:-0}
    mkdir -p "$OUT"
}

say() { printf 'bench%s: %s\n' "${BENCH_NAME:+-$BENCH_NAME}" "$*"; }
die() {
    printf 'bench%s: error: %s\n' "${BENCH_NAME:+-$BENCH_NAME}" "$*" >&2
    exit 1
}

# bench_free_port — a port on 127.0.0.1 nobody listens on now (20000-32000,
# away from the ports the helpers' stacks are given).
bench_free_port() {
    python3 - <<'EOF'
import random, socket
while True:
    p = random.randint(20000, 32000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        print(p)
        break
    except OSError:
        pass
    finally:
        s.close()
EOF
}

# bench_stop_stack — the EXIT trap: the script's own cleanup, then the stack.
bench_stop_stack() {
    local rc=$?
    trap - EXIT INT TERM
    if declare -F bench_on_exit >/dev/null; then
        bench_on_exit || true
    fi
    if [[ -n ${VAR:-} && -d $VAR ]]; then
        if [[ $KEEP == 1 ]]; then
            say "stack left running: VAR=$VAR $URL (stop: VAR=$VAR scripts/stack.sh stop)"
        else
            scripts/stack.sh stop </dev/null >/dev/null 2>&1 || true
            rm -rf "$VAR"
        fi
    fi
    exit "$rc"
}

bench_stack_start() {
    local log=$OUT/${BENCH_NAME:-bench}-stack-start.log
    VAR=$(mktemp -d "/tmp/ts-bench${BENCH_NAME:+-$BENCH_NAME}.XXXXXX")
    PORT=${BENCH_PORT:-$(bench_free_port)}
    export VAR PORT TS_MODE=test
    URL=http://127.0.0.1:$PORT
    # shellcheck disable=SC2034  # for the scripts that source this file
    ETC=$VAR/etc
    RUN=$VAR/run
    WORK=$VAR/bench
    mkdir -p "$WORK"
    trap bench_stop_stack EXIT
    trap 'exit 130' INT TERM
    say "stack in $VAR on port $PORT"
    env "$@" scripts/stack.sh start </dev/null >"$log" 2>&1 ||
        { tail -n 30 "$log" >&2; die "scripts/stack.sh start failed (log: $log)"; }
}

bench_db() {
    mariadb --no-defaults --socket="$RUN/mysqld.sock" --user=root -N -B tuishui "$@"
}

bench_csrf_of() {
    grep -o 'name="_csrf" value="[0-9a-f]*"' "$1" | head -n 1 | sed 's/.*value="//; s/"$//'
}

bench_account() {
    local role user pw
    read -r role user pw < <(grep "^$1 " "$VAR/demo-accounts.txt") || true
    [[ -n ${user:-} && $role == "$1" ]] || die "no demo account $1"
    printf '%s %s\n' "$user" "$pw"
}

bench_login() {
    local user=$1 pw=$2 page_path=$3
    local jar=$WORK/jar.$BASHPID.$RANDOM page=$WORK/page.$BASHPID.$RANDOM.html code sid csrf
    curl -s -c "$jar" -b "$jar" -o "$page" "$URL/login/"
    code=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' \
        --data-urlencode "username=$user" --data-urlencode "password=$pw" \
        --data-urlencode "_csrf=$(bench_csrf_of "$page")" "$URL/login/signin")
    [[ $code == 303 ]] || die "login as $user answered $code"
    sid=$(awk '$6 == "ts_sid" { print $7 }' "$jar")
    [[ -n $sid ]] || die "login as $user: no ts_sid cookie"
    curl -s -b "ts_sid=$sid" -o "$page" "$URL$page_path"
    csrf=$(bench_csrf_of "$page")
    [[ -n $csrf ]] || die "login as $user: no CSRF token on $page_path"
    rm -f "$jar" "$page"
    printf '%s %s\n' "$sid" "$csrf"
}

bench_login_as() {
    local account
    account=$(bench_account "$1") || exit 1
    bench_login "${account%% *}" "${account#* }" "$2"
}

bench_post() {
    local sid=${1%% *} csrf=${1#* } path=$2 args=() f
    shift 2
    for f in "$@"; do args+=(--data-urlencode "$f"); done
    curl -s -o "$WORK/last-post.html" -w '%{http_code} %{redirect_url}\n' -b "ts_sid=$sid" \
        --data-urlencode "_csrf=$csrf" "${args[@]}" "$URL$path"
}

bench_now() { date +%s.%N; }

bench_machine() {
    printf '%s, %s CPUs, %s GB, kernel %s, Debian %s\n' \
        "$(lscpu | sed -n 's/^Model name: *//p')" "$(nproc)" \
        "$(free -g | awk '/^Mem:/ { print $2 }')" "$(uname -r)" "$(cat /etc/debian_version)"
}

bench_loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

bench_commit() {
    printf '%s%s\n' "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')" \
        "$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' (+ uncommitted changes)')"
}

bench_hwm_kb() { bench_status_kb "$1" VmHWM; }
bench_rss_kb() { bench_status_kb "$1" VmRSS; }

# bench_status_kb PID FIELD — a "FIELD: N kB" line of /proc/PID/status; 0
# when the process is gone.
bench_status_kb() {
    local v
    v=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null) || true
    echo "${v:-0}"
}

# The reference reader of bench/declist.sh and bench/xlsx.sh: python3-openpyxl
# read-only mode merely reading every row (run with /usr/bin/python3, where
# Debian's python3-openpyxl imports); prints "rows=N cells=N".
# shellcheck disable=SC2034  # used by the scripts that source this file
BENCH_OPENPYXL_READ='
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
rows = cells = 0
for row in wb.worksheets[0].iter_rows(values_only=True):
    n = sum(1 for v in row if v is not None and v != "")
    if n:
        rows += 1
        cells += n
print("rows=%d cells=%d" % (rows, cells))
'
