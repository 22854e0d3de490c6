#!/usr/bin/env bash
# bench/package.sh — data package verify throughput (issue 5, "Tests and
# measures"), measured in one run on this machine; results go to
# docs/performance.md by hand.
#
# What it does:
#   1. builds build/tools/ts-package (tools/ts-package.c);
#   2. writes one record of about 1 MB and one of about 8 MB (the 报关单
#      download's cap, 003 §2.1.2) of declaration-shaped XML (DecHead /
#      DecList elements with varying numbers, names and amounts, so deflate
#      sees realistic text, not one repeated line);
#   3. makes a plain and an encrypted package of each with the sample keys
#      of docs/samples/package/ (signer = "portal", recipient = "card",
#      both software keys: the card's SM2 decrypt is not in this number);
#   4. runs `ts-package bench` on each for $BENCH_PACKAGE_SECONDS: the
#      package held in memory is read and fully verified over and over
#      (ZIP limits, digest, signature, manifest, SM3 of every record,
#      envelope SM2 unseal + HMAC-SM3 + SM4-CTR, every record parsed as
#      XML), and prints packages/s, MB/s of package file and MB/s of
#      records (MB = 10^6 bytes); the same text goes to
#      $BENCH_OUT/package-<time>.txt.
#
# Environment (all optional):
#   BENCH_PACKAGE_SECONDS  seconds per package        default 5
#   BENCH_OUT              results folder             default build/bench
#   B                      build folder               default build
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
B=${B:-build}
SECONDS_EACH=${BENCH_PACKAGE_SECONDS:-5}
OUT=${BENCH_OUT:-$REPO/build/bench}
TOOL=$B/tools/ts-package
S=docs/samples/package

make --no-print-directory "$TOOL" >/dev/null
mkdir -p "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
REPORT=$OUT/package-$(date +%Y%m%d-%H%M%S).txt

# gen_xml FILE BYTES — declarations until the file holds about BYTES.
gen_xml() {
    perl -e '
        my ($path, $want) = @ARGV;
        my @goods = ("棉制男衬衫", "笔记本电脑", "皮革面运动鞋", "实木餐桌椅", "家用微波炉", "塑料收纳箱");
        open my $f, ">:raw", $path or die "$path: $!";
        print $f qq{<?xml version="1.0" encoding="UTF-8"?>\n<DecMessages>\n};
        my ($n, $size) = (0, 0);
        while ($size < $want) {
            my $id = sprintf "3101%04d1%09d", 2026, $n;
            my $rec = "<DecMessage><DecHead><EntryId>$id</EntryId><IEFlag>E</IEFlag>"
                . sprintf("<IEDate>202611%02d</IEDate>", 1 + $n % 30)
                . "<TradeCoScc>91310000MA1FL0XX2K</TradeCoScc><TradeName>上海示例进出口有限公司</TradeName>"
                . "<TradeMode>0110</TradeMode></DecHead>";
            for my $g (1 .. 1 + $n % 5) {
                my $q = 100 + ($n * 7 + $g * 13) % 5000;
                $rec .= sprintf "<DecList><GNo>%d</GNo><CodeTS>%010d</CodeTS><GName>%s</GName>"
                    . "<GQty>%d</GQty><DeclTotal>%d.%02d</DeclTotal><TradeCurr>USD</TradeCurr></DecList>",
                    $g, 6205200000 + ($n + $g) % 99, $goods[($n + $g) % @goods], $q, $q * 15, $n % 100;
            }
            $rec .= "</DecMessage>\n";
            print $f $rec;
            $size += length $rec;
            $n++;
        }
        print $f "</DecMessages>\n";
    ' "$1" "$2"
}

{
    echo "# bench/package.sh $(date -u +%FT%TZ) on $(hostname): $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# $SECONDS_EACH s per package; packages verified in memory by lib/ts_package"
    printf '%-16s %10s %10s %s\n' package bytes records result
    for size in 1 8; do
        xml=$WORK/decl-${size}mb.xml
        gen_xml "$xml" $((size * 1000 * 1000 - 200))
        common=(-k "$S/signer.key.pem" -c "$S/signer.cer" -K decl-download -n bench)
        "$TOOL" create "${common[@]}" -o "$WORK/plain-$size.zip" "$xml"
        "$TOOL" create "${common[@]}" -t "$S/recipient.cer" -o "$WORK/enc-$size.zip" "$xml"
        for kind in plain enc; do
            pkg=$WORK/$kind-$size.zip
            opener=()
            [[ $kind == enc ]] && opener=(-c "$S/recipient.cer" -k "$S/recipient.key.pem")
            result=$("$TOOL" bench -s "$S/signer.cer" "${opener[@]}" -S "$SECONDS_EACH" "$pkg")
            printf '%-16s %10s %10s %s\n' "$kind-${size}MB" "$(stat -c %s "$pkg")" \
                "$(stat -c %s "$xml")" "$result"
        done
    done
} | tee "$REPORT"
echo "bench-package: report in $REPORT"
