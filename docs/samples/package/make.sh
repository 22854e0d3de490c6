#!/usr/bin/env bash
# docs/samples/package/make.sh — regenerate the sample packages of
# docs/formats.md ("Sample").  Needs `make all` (build/tools/ts-package)
# and /usr/bin/openssl.  The keys here are SAMPLE keys, published on
# purpose: never use them for anything but reading this sample.
#
#   signer.key.pem  signer.cer       the signer (stands for the portal)
#   recipient.key.pem recipient.cer  the recipient (stands for a user's card)
#   0001.xml 0002.xml                the records
#   plain.zip                        signed, not encrypted
#   encrypted.zip                    signed, records encrypted to recipient.cer
# Keys and certificates are made only when missing, so re-running changes
# only the packages (SM2 signatures and envelopes are randomised: the bytes
# differ each run, the checks do not).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
TOOL=${TS_PACKAGE:-../../../build/tools/ts-package}
ID=distid:1234567812345678
export TZ=Asia/Shanghai

for who in signer recipient; do
    [[ -f $who.key.pem ]] && continue
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out "$who.key.pem"
    openssl req -new -x509 -key "$who.key.pem" -sm3 -sigopt "$ID" -days 36500 \
        -subj "/C=CN/O=tuishui sample/CN=sample $who" -outform DER -out "$who.cer"
done

common=(-k signer.key.pem -c signer.cer -K decl-download -n "出口退税平台（样例）"
        -T "报关单数据 20261101-20261130" -C 1000000000001 -d 1796522400)
"$TOOL" create "${common[@]}" -o plain.zip 0001.xml 0002.xml
"$TOOL" create "${common[@]}" -R 8800000000001 -t recipient.cer -o encrypted.zip 0001.xml 0002.xml
"$TOOL" verify -s signer.cer plain.zip
"$TOOL" verify -s signer.cer -c recipient.cer -k recipient.key.pem encrypted.zip
