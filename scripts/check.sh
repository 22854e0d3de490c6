#!/usr/bin/env bash
# scripts/check.sh [unit|http|browser|fuzz ...] — `make check`.
#
# Runs every kind of test (or only the kinds named) and ends with a TAP
# summary, one line per kind; exits non-zero if any kind failed.  Expects
# the build to be done (make check builds first).
#
#   unit     `make unit`: tests/unit/test_*.c under ASan+UBSan, run by prove
#   http     `prove tests/http/` against a real stack (Perl, Test::More)
#   browser  `prove -e node tests/browser/*.test.mjs` against the same stack
#            (playwright-core driving /usr/bin/chromium)
#   fuzz     `scripts/fuzz.sh smoke`: every libFuzzer target over its
#            regression inputs plus a short run
#
# For http and browser a private stack is started with TS_MODE=test in a
# mktemp folder on two free ports, and always stopped and removed on exit.
# When something failed, its logs are kept in build/check-logs/ and the tail
# of each program's log is printed.
#
# What the tests get in their environment:
#   TS_BASE_URL   http://127.0.0.1:$PORT (no trailing slash)
#   TS_VAR        the stack's state folder (logs in $TS_VAR/log)
#   TUISHUI_CONF  $TS_VAR/etc/tuishui.hdf
#   TS_REPO       the repository;  TS_BUILD  the build folder (ts-admin is
#                 $TS_BUILD/tools/ts-admin)
#   TS_PORT       nginx's port;  TS_PORT2  a second free port for a test that
#                 needs its own listener (a second nginx, vpcd, ...)
#   TS_CHROMIUM   /usr/bin/chromium
#   TZ            as the programs (scripts/stack.sh TS_TZ)
# Perl helpers shared by http tests go in tests/http/lib/ (on @INC).
#
# Environment knobs:
#   VALGRIND=1    programs run under valgrind (via stack.sh TS_WRAP); any
#                 "definitely lost" or error in their logs fails the run.
#                 tests/valgrind.supp, if present, is used as suppressions.
#   PROVE_ARGS    extra prove arguments, e.g. "-v" or "-j4"
#   B             build folder (default build)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
export B=${B:-build}
BUILD=$B
[[ $BUILD == /* ]] || BUILD=$REPO/$BUILD
VALGRIND=${VALGRIND:-0}
read -r -a PROVE_EXTRA <<<"${PROVE_ARGS:-}"
LOGKEEP=$REPO/build/check-logs
ALL_KINDS=(unit http browser fuzz)

say() { printf '\n=== %s\n' "$*"; }

# ---------------------------------------------------------------- arguments

KINDS=("$@")
[[ ${#KINDS[@]} -gt 0 ]] || KINDS=("${ALL_KINDS[@]}")
for k in "${KINDS[@]}"; do
    [[ " ${ALL_KINDS[*]} " == *" $k "* ]] ||
        { echo "check: unknown kind '$k' (kinds: ${ALL_KINDS[*]})" >&2; exit 2; }
done
wants() { [[ " ${KINDS[*]} " == *" $1 "* ]]; }

# ---------------------------------------------------------------- results

RESULT_LINES=()
FAILED=0

# record NAME STATUS [NOTE] — STATUS is ok, fail or skip.
record() {
    local line
    case $2 in
        ok) line="ok - $1${3:+ ($3)}" ;;
        skip) line="ok - $1 # SKIP ${3:-}" ;;
        *) line="not ok - $1${3:+ ($3)}"; FAILED=1 ;;
    esac
    RESULT_LINES+=("$line")
}

summary() {
    local i line
    say "check summary"
    echo "1..${#RESULT_LINES[@]}"
    for i in "${!RESULT_LINES[@]}"; do     # TAP numbering: "ok N - name"
        line=${RESULT_LINES[$i]}
        if [[ $line == "not ok "* ]]; then
            echo "not ok $((i + 1)) ${line#not ok }"
        else
            echo "ok $((i + 1)) ${line#ok }"
        fi
    done
}

# ---------------------------------------------------------------- the stack

VAR=""
STACK_UP=0

# pick_ports — two distinct free TCP ports on 127.0.0.1 (bind test), below
# the kernel's ephemeral range so outgoing connections do not take them.
pick_ports() {
    python3 - <<'EOF'
import random, socket
ports = []
while len(ports) < 2:
    p = random.randint(20000, 32000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        if p not in ports:
            ports.append(p)
    except OSError:
        pass
    finally:
        s.close()
print(*ports)
EOF
}

start_stack() {
    VAR=$(mktemp -d /tmp/tuishui-check.XXXXXX)
    read -r PORT PORT2 < <(pick_ports)
    export VAR PORT TS_MODE=test
    if [[ $VALGRIND == 1 ]]; then
        local supp=""
        [[ -f $REPO/tests/valgrind.supp ]] && supp="--suppressions=$REPO/tests/valgrind.supp"
        export TS_WRAP="valgrind --leak-check=full --error-exitcode=99 --num-callers=30 $supp --log-file=$VAR/log/valgrind-@MODULE@.%p.log"
        export TS_WAIT=120 TS_STOP_WAIT=60
    fi
    say "stack: $VAR on port $PORT$([[ $VALGRIND != 1 ]] || echo ' under valgrind')"
    STACK_UP=1
    if ! scripts/stack.sh start </dev/null; then
        record stack fail "scripts/stack.sh start failed"
        return 1
    fi
    record stack ok "127.0.0.1:$PORT"
    export TS_BASE_URL=http://127.0.0.1:$PORT TS_VAR=$VAR TUISHUI_CONF=$VAR/etc/tuishui.hdf \
        TS_REPO=$REPO TS_BUILD=$BUILD TS_PORT=$PORT TS_PORT2=$PORT2 \
        TS_CHROMIUM=/usr/bin/chromium TZ=${TS_TZ:-Asia/Shanghai}
}

stop_stack() {
    ((STACK_UP)) || return 0
    STACK_UP=0
    say "stack: stopping"
    scripts/stack.sh stop </dev/null || true
}

# check_valgrind — after the stack stopped (leak reports are written at exit).
check_valgrind() {
    [[ $VALGRIND == 1 && -n $VAR ]] || return 0
    local logs=() bad=() f
    mapfile -t logs < <(find "$VAR/log" -name 'valgrind-*.log' | sort)
    if [[ ${#logs[@]} -eq 0 ]]; then
        record valgrind skip "no valgrind logs (no programs?)"
        return
    fi
    mapfile -t bad < <(grep -lE 'definitely lost: [1-9]|ERROR SUMMARY: [1-9]' "${logs[@]}" || true)
    # A process valgrind could not finish (SIGKILL after TS_STOP_WAIT) wrote
    # no summary: its leaks are unknown, which is not "clean".
    local unfinished=()
    mapfile -t unfinished < <(grep -L 'ERROR SUMMARY:' "${logs[@]}" || true)
    if [[ ${#unfinished[@]} -gt 0 ]]; then
        printf -- '--- no valgrind summary (killed?): %s\n' "${unfinished[@]}"
        record valgrind fail "${#unfinished[@]} of ${#logs[@]} process logs have no summary"
        return
    fi
    if [[ ${#bad[@]} -gt 0 ]]; then
        for f in "${bad[@]}"; do
            printf -- '--- %s\n' "$f"
            grep -E 'definitely lost:|ERROR SUMMARY:' "$f" || true
        done
        record valgrind fail "${#bad[@]} of ${#logs[@]} process logs report errors or leaks"
    else
        record valgrind ok "${#logs[@]} process logs clean"
    fi
}

# shellcheck disable=SC2317  # called from the EXIT trap
# keep_logs — copy $VAR/log to build/check-logs and show the tails of the
# programs' logs and nginx's error log (once).
LOGS_KEPT=0
keep_logs() {
    [[ -n $VAR && -d $VAR/log && $LOGS_KEPT == 0 ]] || return 0
    LOGS_KEPT=1
    rm -rf "$LOGKEEP"
    mkdir -p "$(dirname "$LOGKEEP")"
    cp -r "$VAR/log" "$LOGKEEP"
    local f
    for f in "$VAR"/log/*.log; do
        [[ -s $f ]] || continue
        case $(basename "$f") in
            nginx-access.log | nginx-test.log | mysql*.log | valgrind-*) continue ;;
        esac
        printf -- '\n--- tail of %s\n' "$(basename "$f")"
        tail -n 30 "$f"
    done
    printf '\ncheck: logs kept in %s\n' "$LOGKEEP"
}

# shellcheck disable=SC2317  # the EXIT trap
on_exit() {
    local rc=$?
    trap - EXIT INT TERM
    stop_stack
    if ((rc != 0 || FAILED)); then keep_logs; fi
    [[ -z $VAR ]] || rm -rf "$VAR"
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM
rm -rf "$LOGKEEP"           # logs of an earlier run would mislead

# ---------------------------------------------------------------- kinds

# run_kind NAME CMD... — run one kind, record ok/fail with its time.
run_kind() {
    local name=$1 t0=$SECONDS
    shift
    say "$name: $*"
    if "$@" </dev/null; then
        record "$name" ok "$((SECONDS - t0))s"
    else
        record "$name" fail "$((SECONDS - t0))s"
    fi
}

kind_unit() {
    if ! compgen -G 'tests/unit/test_*.c' >/dev/null; then
        record unit skip "no tests/unit/test_*.c"
        return
    fi
    run_kind unit make --no-print-directory unit
}

kind_http() {
    if ! compgen -G 'tests/http/*.t' >/dev/null; then
        record http skip "no tests/http/*.t"
        return
    fi
    run_kind http prove -I tests/http/lib "${PROVE_EXTRA[@]}" tests/http/
}

kind_browser() {
    local tests=()
    mapfile -t tests < <(compgen -G 'tests/browser/*.test.mjs' | sort)
    if [[ ${#tests[@]} -eq 0 ]]; then
        record browser skip "no tests/browser/*.test.mjs"
        return
    fi
    if [[ ! -d node_modules/playwright-core ]]; then
        record browser fail "node_modules/playwright-core missing: run make deps"
        return
    fi
    run_kind browser prove -e node "${PROVE_EXTRA[@]}" "${tests[@]}"
}

kind_fuzz() {
    if ! compgen -G 'tests/fuzz/fuzz_*.c' >/dev/null; then
        record fuzz skip "no tests/fuzz/fuzz_*.c"
        return
    fi
    run_kind fuzz scripts/fuzz.sh smoke
}

# ---------------------------------------------------------------- main

wants unit && kind_unit
if wants http || wants browser; then
    if start_stack; then
        wants http && kind_http
        wants browser && kind_browser
    fi
    stop_stack
    check_valgrind
fi
wants fuzz && kind_fuzz

((FAILED == 0)) || keep_logs
summary
exit "$FAILED"
