# Makes openpyxl.xlsx, read by tests/unit/test_xlsx.c (test_openpyxl_file).
# Run with Debian's python3-openpyxl:  /usr/bin/python3 make-openpyxl.py
import datetime
import openpyxl

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "出口明细"
ws.append(["序号", "报关单号", "商品名称", "数量", "出口日期"])
ws.append([1, "530120251000012345", "笔记本电脑", 10, datetime.datetime(2025, 1, 1)])
ws.append([2, "530120251000012346", "纯棉针织T恤衫", 2.5, datetime.date(2024, 2, 29)])
ws["A5"] = "合计"
ws["E5"] = "=D2+D3"  # a formula openpyxl cannot compute: no cached value
ws["C6"] = True
other = wb.create_sheet("第二页")
other["A1"] = "不读这一页"
wb.save("openpyxl.xlsx")
