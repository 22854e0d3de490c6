# Makes the seeds of tests/fuzz/corpus/fuzz_xlsx/ (see tests/fuzz/fuzz_xlsx.c
# for the input layout: byte 0 0x00 = a whole .xlsx follows; otherwise XML
# parts split at 0xFF bytes).  Run from the repository root after `make all`:
#     python3 tests/data/xlsx/make-fuzz-seeds.py
# It rewrites the seed-* files only; regress-* inputs are kept.  Each file
# stays under 100 KB (the zip bombs compress well).
import io, os, struct, subprocess, tempfile, zipfile
OUT = "tests/fuzz/corpus/fuzz_xlsx/"
TMP = tempfile.mkdtemp()
for name, extra in (("seed-inline.xlsx", ["12"]), ("seed-shared.xlsx", ["3", "shared"])):
    subprocess.run(["build/tools/ts-xlsxgen", "gen", os.path.join(TMP, name)] + extra, check=True)
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NSR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSP = "http://schemas.openxmlformats.org/package/2006/relationships"
WB = f'<workbook xmlns="{NS}" xmlns:r="{NSR}"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>'
RELS = (f'<Relationships xmlns="{NSP}"><Relationship Id="rId1" Type="{NSR}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{NSR}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
def sheet(rows): return f'<worksheet xmlns="{NS}"><sheetData>{rows}</sheetData></worksheet>'
def sst(items): return f'<sst xmlns="{NS}">{items}</sst>'
def xlsx(parts):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts:  # fixed times: the same bytes on every run
            z.writestr(zipfile.ZipInfo(name, (2025, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED, 9)
    return b.getvalue()
def std(sh, ss=None):
    p = [("xl/workbook.xml", WB), ("xl/_rels/workbook.xml.rels", RELS), ("xl/worksheets/sheet1.xml", sh)]
    if ss is not None: p.append(("xl/sharedStrings.xml", ss))
    return xlsx(p)
def put(name, data):
    if isinstance(data, str): data = data.encode()
    assert len(data) <= 100 * 1024, (name, len(data))
    open(OUT + name, "wb").write(data)
def raw(name, z): put(name, b"\x00" + z)
def parts(name, mode, *ps): put(name, bytes([mode]) + b"\xff".join(p.encode() for p in ps))

def patch_size(z, name, size):
    z = bytearray(z); n = name.encode(); hits = 0
    for i in range(len(z) - 46):
        if z[i:i+4] == b"PK\3\4" and z[i+30:i+30+len(n)] == n: z[i+22:i+26] = struct.pack("<I", size); hits += 1
        if z[i:i+4] == b"PK\1\2" and z[i+46:i+46+len(n)] == n: z[i+24:i+28] = struct.pack("<I", size); hits += 1
    assert hits == 2
    return bytes(z)

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i-1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + f']><sst xmlns="{NS}"><si><t>&lol9;</t></si></sst>')

# raw archives
raw("seed-lxw-inline", open(os.path.join(TMP, "seed-inline.xlsx"), "rb").read())
raw("seed-lxw-shared", open(os.path.join(TMP, "seed-shared.xlsx"), "rb").read())
raw("seed-openpyxl", open("tests/data/xlsx/openpyxl.xlsx", "rb").read())
bomb = std(sheet(" " * (20 * 1024 * 1024)))
raw("seed-zip-bomb", bomb)
raw("seed-zip-bomb-lying-header", patch_size(std(sheet(" " * (2 * 1024 * 1024))), "xl/worksheets/sheet1.xml", 1000))
raw("seed-billion-laughs", std(sheet('<row><c t="s"><v>0</v></c></row>'), LAUGHS))
big = "出口退税" * (1024 * 1024 // 12 + 1)
raw("seed-cell-1mb", std(sheet(f'<row r="1"><c r="A1" t="inlineStr"><is><t>{big}</t></is></c></row>')))
raw("seed-too-many-entries", xlsx([("xl/workbook.xml", WB), ("xl/_rels/workbook.xml.rels", RELS),
                                   ("xl/worksheets/sheet1.xml", sheet('<row><c><v>1</v></c></row>'))]
                                  + [(f"e{i}", "x") for i in range(20)]))
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
    t = (2025, 1, 1, 0, 0, 0)
    z.writestr(zipfile.ZipInfo("xl/workbook.xml", t), WB)
    z.writestr(zipfile.ZipInfo("xl/_rels/workbook.xml.rels", t), RELS)
    z.writestr(zipfile.ZipInfo("xl/worksheets/sheet1.xml", t), sheet('<row r="1"><c r="A1"><v>45658</v></c><c r="C1" t="inlineStr"><is><t>中文</t></is></c></row>'))
raw("seed-stored", b.getvalue())

# parts (mode bits 0-1 != 0; bit 2 deflate; bits 4-7 stop after n rows)
parts("seed-parts-shared", 0x05,
      sheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="D1" t="s"><v>2</v></c></row>'
            '<row r="3"><c r="B3" t="s"><v>1</v></c></row>'),
      sst('<si><t>出口</t></si><si><r><rPr><b/></rPr><t>退</t></r><r><t xml:space="preserve"> 税</t></r>'
          '<rPh sb="0" eb="1"><t>x</t></rPh></si><si><t/></si>'))
parts("seed-parts-inline-sparse", 0x01,
      sheet('<row><c t="inlineStr"><is><t>a</t></is></c><c r="D1"><v>4</v></c><c><v>5</v></c></row>'
            '<row r="4" spans="1:3"><c r="AA4" s="1"/></row><row r="7"><c r="AB7" t="inlineStr"><is><r><t>far</t></r></is></c></row>'))
parts("seed-parts-types", 0x01,
      sheet('<row r="2"><c r="A2" t="b"><v>1</v></c><c r="B2" t="e"><v>#N/A</v></c><c r="C2" t="str"><f>A1</f><v>ax</v></c>'
            '<c r="D2"><f>1+1</f><v>2</v></c><c r="E2" t="n"><v>4.5E-3</v></c><c r="F2" t="d"><v>2025-01-01T00:00:00</v></c>'
            '<c r="G2"><v>45658.5</v></c><c r="H2"><v>60</v></c><c r="I2" t="b"><v>0</v></c></row>'))
parts("seed-parts-rels", 0x01,
      sheet('<row r="1"><c t="s"><v>0</v></c></row>'), sst('<si><t>right</t></si>'),
      f'<workbook xmlns="{NS}" xmlns:r="{NSR}"><sheets><sheet name="a" sheetId="2" r:id="rId7"/><sheet name="b" sheetId="1" r:id="rId1"/></sheets></workbook>',
      f'<Relationships xmlns="{NSP}"><Relationship Id="rId7" Type="{NSR}/worksheet" Target="/xl/worksheets/./sheet1.xml"/>'
      f'<Relationship Id="rId9" Type="{NSR}/sharedStrings" Target="x/../sharedStrings.xml"/></Relationships>')
parts("seed-parts-prefixed", 0x05,
      f'<x:worksheet xmlns:x="{NS}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>前缀</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>')
parts("seed-parts-billion-laughs", 0x05, sheet('<row><c t="s"><v>0</v></c></row>'), LAUGHS)
parts("seed-parts-doctype-sheet", 0x01, '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + sheet('<row><c><v>&x;</v></c></row>'))
parts("seed-parts-cell-over-max", 0x05, sheet('<row><c t="inlineStr"><is><t>' + "汉" * 100 + '</t></is></c></row>'))
parts("seed-parts-limits", 0x05,
      sheet('<row r="199"><c r="AF199"><v>1</v></c></row><row r="200"><c r="AG200"><v>1</v></c></row><row r="201"><c><v>1</v></c></row>'))
parts("seed-parts-sst-count", 0x05, sheet('<row><c t="s"><v>63</v></c></row>'), sst("<si><t>x</t></si>" * 70))
parts("seed-parts-stop-after-2", 0x21, sheet('<row><c><v>1</v></c></row><row><c><v>2</v></c></row><row><c><v>3</v></c></row>'))
parts("seed-parts-deep", 0x01, sheet("<a>" * 80 + "</a>" * 80))
parts("seed-parts-malformed", 0x01, sheet('<row r="2"><c r="A2"><v>1</v></c><c r="A2"><v>2</v></c></row><row r="1"/>'))
raw("seed-zip-bomb-lying-near-cap", patch_size(std(sheet(" " * (2 * 1024 * 1024))), "xl/worksheets/sheet1.xml", 255 * 1024))
parts("seed-parts-sst-bytes", 0x05, sheet(""), sst(("<si><t>" + "x" * 200 + "</t></si>") * 30))
parts("seed-parts-sst-cell-over-max", 0x05, sheet(""), sst("<si><r><t>" + "y" * 200 + "</t></r><r><t>" + "z" * 100 + "</t></r></si>"))
parts("seed-parts-rows-over-max", 0x01, sheet('<row r="200"><c><v>1</v></c></row><row r="201"><c r="B201" s="3"/></row><row><c><v>x</v></c></row>'))
for name in os.listdir(TMP):
    os.unlink(os.path.join(TMP, name))
os.rmdir(TMP)
