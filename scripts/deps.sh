#!/usr/bin/env bash
# scripts/deps.sh — install what tuishui needs on Debian 12 (`make deps`).
#
# Idempotent and cheap: one dpkg-query call decides what is missing, and
# apt-get runs only when something is (then `apt-get update` once and
# `apt-get install -y` of the missing packages only).  With everything present
# it takes well under a second.  Runs non-interactively (no stdin needed), as
# root or through `sudo -n` when run as an ordinary user.
#
# Then the browser-test driver: playwright-core from npm, pinned by the
# checked-in package.json + package-lock.json, into ./node_modules (ignored by
# git).  Browsers are never downloaded: tests drive Debian's /usr/bin/chromium.
#
# Environment: TS_SKIP_NPM=1 skips the npm step (machines without network).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The package list, from ../shared/design.md ("Dependencies"), plus curl
# (scripts/stack.sh waits for the login page with it).  JSON::PP (used
# by Perl tests) is core Perl, so libjson-pp-perl is not listed.  The card
# reader (docs/card.md): pcscd and vsmartcard-vpcd (its driver, with our
# signer/vcard), libpcsclite-dev for signd and tests/card/pcsc_apdu;
# unshare (the stack's private pcscd) is util-linux, always installed.
PACKAGES=(
    build-essential pkg-config
    libfcgi-dev libmariadb-dev mariadb-server mariadb-client
    clearsilver-dev libxlsxwriter-dev libzip-dev libexpat1-dev libhpdf-dev
    libssl-dev libpcsclite-dev pcscd vsmartcard-vpcd libqpdf-dev
    libcmocka-dev
    chromium spawn-fcgi nginx-light curl wrk fonts-wqy-zenhei
    clang libclang-rt-14-dev
    python3-openpyxl poppler-utils
    nodejs npm
    valgrind perl
)

log() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

# missing_packages — print the names in PACKAGES that are neither installed
# nor provided by an installed package.  The "provided" case matters for npm:
# NodeSource's nodejs package provides (and conflicts with) Debian's npm, so
# asking apt for npm there would try to remove nodejs.
missing_packages() {
    local have
    have=$(dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Provides}\n' 2>/dev/null |
        awk -F'\t' 'substr($1, 2, 1) == "i" {
                        print $2
                        n = split($3, p, /, */)
                        for (i = 1; i <= n; i++) { sub(/ .*/, "", p[i]); if (p[i] != "") print p[i] }
                    }')
    local pkg
    for pkg in "${PACKAGES[@]}"; do
        grep -qxF -- "$pkg" <<<"$have" || printf '%s\n' "$pkg"
    done
}

# as_root CMD... — run a command as root: directly when we are root, else
# through `sudo -n` (never prompts; fails clearly if sudo needs a password).
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        die "need root to run: $* (run as root, or install sudo)"
    fi
}

install_debian_packages() {
    local missing
    mapfile -t missing < <(missing_packages)
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "Debian packages: all ${#PACKAGES[@]} present"
        return
    fi
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}" </dev/null
    # Debian starts the system services on install; the project does not use
    # them (it runs its own MariaDB and nginx under var/), but they are left as
    # the administrator's business: we never stop system services.
    mapfile -t missing < <(missing_packages)
    [[ ${#missing[@]} -eq 0 ]] || die "still missing after install: ${missing[*]}"
}

# lock_version — the playwright-core version package-lock.json pins.
lock_version() {
    node -e 'const l = require(process.argv[1]);
             process.stdout.write((l.packages["node_modules/playwright-core"] || {}).version || "")' \
        "$REPO/package-lock.json"
}

# installed_version — the playwright-core version in node_modules, or "".
installed_version() {
    local pj="$REPO/node_modules/playwright-core/package.json"
    [[ -f $pj ]] || return 0
    node -e 'process.stdout.write(require(process.argv[1]).version || "")' "$pj"
}

install_node_modules() {
    if [[ ${TS_SKIP_NPM:-0} == 1 ]]; then
        log "npm: skipped (TS_SKIP_NPM=1)"
        return
    fi
    [[ -f $REPO/package.json ]] || { log "npm: no package.json, nothing to do"; return; }
    local want have
    want=$(lock_version)
    have=$(installed_version)
    if [[ -n $want && $want == "$have" ]]; then
        log "npm: playwright-core $have present"
        return
    fi
    log "npm: installing playwright-core ${want:-(unpinned)} into node_modules/"
    export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
    local cmd=ci
    [[ -f $REPO/package-lock.json ]] || cmd=install
    (cd "$REPO" && npm "$cmd" --no-audit --no-fund --loglevel=error </dev/null)
}

install_debian_packages
install_node_modules
