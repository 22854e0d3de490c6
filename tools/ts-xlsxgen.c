/* ts-xlsxgen — make and read 外贸企业出口退税出口明细申请表-shaped workbooks,
 * for bench/xlsx.sh and for seeding tests by hand.
 *
 *   ts-xlsxgen gen FILE ROWS [shared]
 *       write a header row and ROWS data rows of 15 columns (序号, 所属期,
 *       申报关联号, 出口发票号, 出口报关单号, 项号, 代理出口货物证明号,
 *       出口日期, 出口商品代码, 出口商品名称, 计量单位, 出口数量, 美元离岸价,
 *       业务类型, 备注) with libxlsxwriter: constant_memory (inline
 *       strings, as our own exports write them) unless "shared" asks for
 *       the shared strings Excel writes.  代理证明号 and 备注 are mostly empty,
 *       so rows are sparse.  The data is the same for the same ROWS.
 *   ts-xlsxgen read FILE
 *       read the first sheet with ts_xlsx_read and check each data row as an
 *       import would (报关单号, 商品代码, 所属期, 出口日期 as a serial day,
 *       数量 and 美元离岸价 as decimals rounded half-up at fen: a double
 *       written by a spreadsheet reads "95957.85000000001"); print
 *       "rows=N cells=N bad=N ms=N" (cells: non-empty ones; ms: the read
 *       alone, not the start-up).
 *
 * Exit 0 on success, 1 on a refused file or bad rows, 2 on usage. */
#include "ts_codes.h"
#include "ts_money.h"
#include "ts_xlsx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

#define NCOLS 15

static const char *const header[NCOLS] = {
    "序号",
    "所属期",
    "申报关联号",
    "出口发票号",
    "出口报关单号",
    "项号",
    "代理出口货物证明号",
    "出口日期",
    "出口商品代码",
    "出口商品名称",
    "计量单位",
    "出口数量",
    "美元离岸价",
    "业务类型",
    "备注",
};

/* Goods as a trading company exports them: HS code, name, unit. */
static const char *const goods[][3] = {
    {"8471300000", "笔记本电脑", "台"},
    {"6109100021", "纯棉针织T恤衫", "件"},
    {"6403990090", "皮革面运动鞋", "双"},
    {"9403609990", "实木餐桌椅", "套"},
    {"8516500000", "家用微波炉", "台"},
    {"3926909090", "塑料收纳箱", "千克"},
    {"6204620000", "女式棉制长裤", "条"},
    {"8528721100", "彩色液晶电视机", "台"},
    {"9503008900", "儿童益智玩具（塑料制）", "个"},
    {"7323930000", "不锈钢厨房用具", "千克"},
};

#define NGOODS (sizeof goods / sizeof goods[0])

/* A repeatable pseudo-random sequence, so two runs write the same file. */
static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* One data row; i counts from 1. */
static void write_row(lxw_worksheet *ws, lxw_format *date, uint32_t r, uint32_t i, uint32_t *s)
{
    char buf[64];
    uint32_t g = next_rand(s) % NGOODS, month = 1 + (i / 8334) % 12;
    int64_t fen = 1000 + (int64_t)(next_rand(s) % 50000000);
    worksheet_write_number(ws, r, 0, i, NULL);
    snprintf(buf, sizeof buf, "2025%02u", month);
    worksheet_write_string(ws, r, 1, buf, NULL);
    snprintf(buf, sizeof buf, "2025%02u%06u", month, i);
    worksheet_write_string(ws, r, 2, buf, NULL);
    snprintf(buf, sizeof buf, "%08u", 10000000 + next_rand(s) % 89999999);
    worksheet_write_string(ws, r, 3, buf, NULL);
    snprintf(buf, sizeof buf, "510120251%09u", 100000000 + i);
    worksheet_write_string(ws, r, 4, buf, NULL);
    worksheet_write_number(ws, r, 5, 1 + i % 5, NULL);
    if (i % 50 == 0) {
        snprintf(buf, sizeof buf, "DL2025%08u", i);
        worksheet_write_string(ws, r, 6, buf, NULL);
    }
    worksheet_write_number(ws, r, 7, 45658 + (month - 1) * 30 + i % 28, date);
    worksheet_write_string(ws, r, 8, goods[g][0], NULL);
    worksheet_write_string(ws, r, 9, goods[g][1], NULL);
    worksheet_write_string(ws, r, 10, goods[g][2], NULL);
    worksheet_write_number(ws, r, 11, 1 + next_rand(s) % 5000 + (i % 2 ? 0.5 : 0), NULL);
    worksheet_write_number(ws, r, 12, (double)fen / 100, NULL);
    worksheet_write_string(ws, r, 13, i % 10 ? "一般贸易" : "进料加工", NULL);
    if (i % 20 == 0)
        worksheet_write_string(ws, r, 14, "补报上月出口", NULL);
}

static int gen(const char *path, uint32_t rows, int shared)
{
    lxw_workbook_options opt = {.constant_memory = !shared};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) {
        fprintf(stderr, "ts-xlsxgen: cannot create %s\n", path);
        return 1;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "出口明细");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    for (lxw_col_t c = 0; c < NCOLS; c++)
        worksheet_write_string(ws, 0, c, header[c], NULL);
    uint32_t s = 20250101;
    for (uint32_t i = 1; i <= rows; i++)
        write_row(ws, date, i, i, &s);
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        fprintf(stderr, "ts-xlsxgen: %s\n", lxw_strerror(e));
        return 1;
    }
    return 0;
}

struct tally {
    size_t rows, cells, bad;
};

static int digits_only(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* The checks an import of this sheet makes on one data row. */
static int row_ok(const char *const *c, size_t n)
{
    char date[11];
    int64_t v;
    if (n < 14)
        return 0;
    return digits_only(c[0]) && ts_codes_period_valid(c[1], NULL) &&
           ts_codes_decl_no_valid(c[4], NULL) && digits_only(c[5]) &&
           ts_xlsx_serial_date(c[7], false, date) == 0 && ts_codes_hs_valid(c[8], NULL) &&
           ts_codes_utf8_valid(c[9], strlen(c[9])) && c[10][0] &&
           ts_money_parse_round(c[11], &v, NULL) && ts_money_parse_round(c[12], &v, NULL) &&
           c[13][0];
}

static int on_row(void *ctx, size_t row, const char *const *cells, size_t ncells)
{
    struct tally *t = ctx;
    t->rows++;
    for (size_t i = 0; i < ncells; i++)
        t->cells += cells[i][0] != '\0';
    if (row > 1 && !row_ok(cells, ncells))
        t->bad++;
    return 0;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int read_file(const char *path)
{
    struct tally t = {0};
    const char *err = NULL;
    int64_t t0 = now_ns();
    int rc = ts_xlsx_read(path, NULL, on_row, &t, NULL, &err);
    int64_t ms = (now_ns() - t0) / 1000000;
    if (rc != 0) {
        fprintf(stderr, "ts-xlsxgen: %s: %s\n", path, err ? err : "stopped");
        return 1;
    }
    printf("rows=%zu cells=%zu bad=%zu ms=%lld\n", t.rows, t.cells, t.bad, (long long)ms);
    return t.bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "gen") == 0) {
        unsigned long rows = strtoul(argv[3], NULL, 10);
        if (rows == 0 || rows > 1000000)
            return 2;
        return gen(argv[2], (uint32_t)rows, argc > 4 && strcmp(argv[4], "shared") == 0);
    }
    if (argc == 3 && strcmp(argv[1], "read") == 0)
        return read_file(argv[2]);
    fprintf(stderr, "usage: ts-xlsxgen gen FILE ROWS [shared] | ts-xlsxgen read FILE\n");
    return 2;
}
