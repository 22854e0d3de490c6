#!/usr/bin/python3
"""gen_decl_xml.py — a deterministic 报关单 XML file (docs/formats.md) for
bench/customs.sh and tests/http/customs.t.

  gen_decl_xml.py OUT DECLS LINES [--serial N] [--bad K] [--days D] [--month YYYYMM]

DECLS declarations with LINES product lines in all (spread evenly, at most
99 a declaration), numbered 7900 2026 0 <9-digit serial from N>, all of
四川天府机械制造有限公司 (the demo production enterprise), 出口日期 spread
over D days of the month (default 30 days of 202611; tests use another
month, so decl.t's November stays the demo's).  --bad K makes declaration K
(1-based) carry a 10-digit HS code with a letter (a problem of its own
line), for the all-or-nothing tests.  Same arguments, same bytes."""
import sys

def main(argv):
    args = [a for a in argv[1:]]
    opts = {"--serial": 1, "--bad": 0, "--days": 30, "--month": 202611}
    pos = []
    i = 0
    while i < len(args):
        if args[i] in opts:
            opts[args[i]] = int(args[i + 1])
            i += 2
        else:
            pos.append(args[i])
            i += 1
    out, decls, lines = pos[0], int(pos[1]), int(pos[2])
    base, extra = divmod(lines, decls)
    w = open(out, "w", encoding="utf-8", newline="\n")
    w.write('<?xml version="1.0" encoding="UTF-8"?>\n<DecMessages>\n')
    for k in range(decls):
        serial = opts["--serial"] + k
        no = "790020260%09d" % serial
        day = 1 + k % opts["--days"]
        n = min(99, base + (1 if k < extra else 0))
        w.write("<DecMessage><DecHead><DeclType>1</DeclType>"
                "<SeqNo>%s</SeqNo><PreEntryId>%s</PreEntryId><EntryId>%s</EntryId>"
                "<IEFlag>E</IEFlag><CustomMaster>7900</CustomMaster><IEPort>7901</IEPort>"
                "<IEDate>%d%02d</IEDate><DDate>%d%02d</DDate><ClearDate>%d%02d</ClearDate>"
                "<TradeCoScc>91510100MA6CAB126W</TradeCoScc><TradeCode>5101940001</TradeCode>"
                "<TradeName>四川天府机械制造有限公司</TradeName>"
                "<OwnerCodeScc>91510100MA6CAB126W</OwnerCodeScc><OwnerCode>5101940001</OwnerCode>"
                "<OwnerName>四川天府机械制造有限公司</OwnerName><TrafMode>5</TrafMode>"
                "<BillNo>CA%06d-202611</BillNo><TradeMode>0110</TradeMode><CutMode>101</CutMode>"
                "<TransMode>3</TransMode><ContrNo>TF-2026-%06d</ContrNo><TradeCountry>DEU</TradeCountry>"
                "<DistinatePort>DEU000</DistinatePort><PackNo>%d</PackNo>"
                "<GrossWet>%d.5</GrossWet><NetWt>%d</NetWt></DecHead><DecLists>\n"
                % (no, no, no, opts["--month"], day, opts["--month"], day, opts["--month"], day, serial % 1000000, serial % 1000000,
                   1 + serial % 50, 100 + serial % 900, 90 + serial % 900))
        for g in range(1, n + 1):
            qty = 1 + (serial + g) % 300
            price = 10 + (serial * 7 + g) % 990
            total = qty * price
            code = "84592900%02d" % (g % 100)
            if opts["--bad"] == k + 1 and g == 1:
                code = "84592900A0"
            w.write("<DecList><GNo>%d</GNo><CodeTS>%s</CodeTS><GName>数控钻床</GName>"
                    "<GModel>ZK-%d|钻孔用|无品牌</GModel><GQty>%d</GQty><GUnit>001</GUnit>"
                    "<FirstQty>%d</FirstQty><FirstUnit>001</FirstUnit>"
                    "<DeclPrice>%d.0000</DeclPrice><DeclTotal>%d.00</DeclTotal>"
                    "<TradeCurr>USD</TradeCurr><UsdFob>%d.00</UsdFob><RmbFob>%d.00</RmbFob>"
                    "<OriginCountry>CHN</OriginCountry><DestinationCountry>DEU</DestinationCountry>"
                    "<DistrictCode>51019</DistrictCode><DutyMode>1</DutyMode></DecList>\n"
                    % (g, code, g, qty, qty, price, total, total, total * 709 // 100))
        w.write("</DecLists></DecMessage>\n")
    w.write("</DecMessages>\n")
    w.close()

if __name__ == "__main__":
    main(sys.argv)
