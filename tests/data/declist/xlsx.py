#!/usr/bin/python3
"""Fixtures of tests/http/declist.t, with openpyxl (only under /usr/bin/python3).

  xlsx.py write OUT.xlsx [1904] < rows.tsv   first line the headers, then
      the rows (UTF-8, tab-separated); 1904: the workbook uses the 1904 date
      system (workbookPr date1904, serial days from 1904-01-01).  Cells of the columns 序号, 项号, 出口数量,
      美元离岸价 that are numbers are written as numbers, as a spreadsheet
      would; 出口日期 "serial:N" is written as the serial day N; everything
      else (报关单号, 商品代码: long digit strings) as text.
  xlsx.py read IN.xlsx > rows.tsv     the first sheet as tab-separated text.
"""
import re
import sys

import openpyxl

NUMERIC = {"序号", "项号", "出口数量", "美元离岸价"}


def cell_value(header, value):
    if header in NUMERIC and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value) if "." in value else int(value)
    if value.startswith("serial:"):
        return int(value[len("serial:"):])
    return value if value != "" else None


def write(path, system="1900"):
    lines = sys.stdin.read().split("\n")
    wb = openpyxl.Workbook()
    if system == "1904":
        from openpyxl.utils.datetime import CALENDAR_MAC_1904
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "明细"
    headers = lines[0].split("\t")
    ws.append(["外贸企业出口退税出口明细申请表"])  # a title row above the header
    ws.append(headers)
    for line in lines[1:]:
        if line == "":
            continue
        cells = line.split("\t")
        ws.append([cell_value(h, v) for h, v in zip(headers, cells)])
    wb.save(path)


def read(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb.worksheets[0]
    for row in ws.iter_rows(values_only=True):
        print("\t".join("" if v is None else str(v) for v in row))


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](*sys.argv[2:])
