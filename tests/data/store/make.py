#!/usr/bin/python3
"""Make the small real files tests/unit/test_store.c sniffs and stores.

Run with Debian's python3 (python3-pil, python3-openpyxl):
    /usr/bin/python3 tests/data/store/make.py
The outputs are checked in; re-running rewrites them (JPEG/PNG bytes may
differ between Pillow versions, nothing in the tests depends on the bytes).
Broken variants (truncated, corrupted, encrypted, wrong magic) are made by
the test itself from these, so each case says in C what it breaks.
"""
import io
import os
import zipfile

from PIL import Image, ImageDraw
import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))


def picture():
    """A 48x32 stand-in for a photographed 报关单: a white sheet, red stamp."""
    im = Image.new("RGB", (48, 32), "white")
    d = ImageDraw.Draw(im)
    d.rectangle((2, 2, 45, 29), outline="black")
    d.line((6, 8, 40, 8), fill="black")
    d.line((6, 14, 30, 14), fill="black")
    d.ellipse((28, 16, 42, 28), outline="red")
    return im


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def save(im, fmt, **kw):
    b = io.BytesIO()
    im.save(b, fmt, **kw)
    return b.getvalue()


def pdf_text():
    """A one-page PDF 1.4 with a text line, xref offsets computed."""
    content = b"BT /F1 12 Tf 20 60 Td (Export invoice 2026) Tj ET\n"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def xlsx():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "发票"
    ws.append(["发票号码", "金额"])
    ws.append(["44031234", "1234.56"])
    b = io.BytesIO()
    wb.save(b)
    return b.getvalue()


def docx_like():
    """A ZIP with [Content_Types].xml but no xl/workbook.xml (a Word file)."""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
    return b.getvalue()


def main():
    im = picture()
    write("photo.jpg", save(im, "JPEG", quality=80))
    write("progressive.jpg", save(im, "JPEG", quality=80, progressive=True))
    write("scan.png", save(im, "PNG"))
    write("scan.pdf", save(im, "PDF", resolution=72))
    write("invoice.pdf", pdf_text())
    write("table.xlsx", xlsx())
    write("letter.docx", docx_like())


main()
