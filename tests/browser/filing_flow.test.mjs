// 备案单证 from first login to 单证收齐, in Chromium, as the trading
// enterprise's administrator does it (000 §2.4):
//   电子化管理备案 (外贸企业, the signed 备案申请表 as a small PDF) →
//   生成关单清册 (a 外贸企业出口退税出口明细申请表 of 200 rows, made here with
//   /usr/bin/python3 + openpyxl through tests/data/declist/xlsx.py into a
//   temp file) → 上传备案单证 for one declaration (a PDF for every required
//   单证种类, the first of two pages, plus a JPEG drawn on a canvas for an
//   optional kind; 预览 shows a PDF framed in the page, in Chromium's viewer;
//   添加申报关联号专属单证 says to choose a line until one is; a PDF for the
//   所属期 as 按所属期备案) → 单证收齐审核: 【收齐】 on a declaration without documents
//   is refused with the kinds it lacks named, then 【收齐】 on the one with
//   every required kind is accepted.  The 工作台 then counts it as 已收齐.
//   → 导出备案目录 (through the left menu, the completed declaration queried
//   by 报关单号): 【导出PDF】 of many declarations refused; 【导出ZIP】 saved
//   and opened (<报关单号>/<单证种类>/<file> per uploaded document, each
//   byte for byte, and 备案目录.xlsx at the root, read back); 【导出PDF】
//   (pdftotext page by page: the catalog (its header on each page), then
//   each document's pages in the catalog's order — an image one empty
//   page, a PDF its pages with its marker — then the 按所属期备案
//   documents, ours among them; pdfinfo: nothing else); 【导出表格】 read
//   back with openpyxl; 【打印单证】 (the catalog, the 按所属期备案 document
//   marked, the image shown, a note for each PDF; screen and print media).
// Screenshots of each step go to tests/browser/screenshots/filing-flow-*.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { BASE, demoAccounts, download, launch, login, shooter, steps } from './lib/browser.mjs';

const step = steps();
const shot = shooter('filing-flow');
const PY = '/usr/bin/python3';
const XLSX_PY = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'declist', 'xlsx.py');

// 报关单号 of this run: 18 digits, unique per run.
const run = String(Date.now() % 1000000).padStart(6, '0');
const declNo = (d) => `5102${run}${String(d).padStart(8, '0')}`;
const period = '202511';
const ROWS = 200;
const DECLS = 80;

// A PDF of `pages` pages (1 unless told), each with a line of ASCII text,
// xref offsets computed.
function pdf(text, pages = 1) {
  const content = `BT /F1 12 Tf 20 60 Td (${text}) Tj ET\n`;
  const kids = Array.from({ length: pages }, (_, i) => `${5 + i} 0 R`).join(' ');
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${content.length} >>\nstream\n${content}endstream`,
    ...Array.from({ length: pages }, () =>
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>'),
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const HEADERS = ['序号', '所属期', '申报关联号', '出口发票号', '出口报关单号', '项号', '出口日期',
  '出口商品代码', '出口商品名称', '计量单位', '出口数量', '美元离岸价'];

// The 200-row 明细申请表 as an xlsx in dir; its path.
function makeSheet(dir) {
  const lines = [HEADERS.join('\t')];
  for (let n = 1; n <= ROWS; n += 1) {
    const d = 1 + ((n - 1) % DECLS);
    const k = 1 + Math.floor((n - 1) / DECLS);
    lines.push([n, period, `L${run}${String(d).padStart(4, '0')}`, `INV${run}-${n}`, declNo(d), k,
      '2026-11-05', '8471300000', '笔记本电脑', '台', 10 + n, `${100 + n}.25`].join('\t'));
  }
  const path = join(dir, `出口明细申请表-${run}.xlsx`);
  const r = spawnSync(PY, [XLSX_PY, 'write', path], { input: `${lines.join('\n')}\n` });
  if (r.status !== 0) throw new Error(`xlsx.py: ${r.stderr}`);
  return path;
}

let browser;
let page;
let dir;
let sheet;
const scriptErrors = [];
const hasOpenpyxl = spawnSync(PY, ['-c', 'import openpyxl']).status === 0;
// What the upload step filed for declNo(1): { kind, file, type: 'pdf' | 'jpeg', marker, bytes }.
const uploaded = [];
// The 按所属期备案 document filed for the 所属期 (same shape).
let periodDoc;

// A program's stdout (it must succeed).
function sh(cmd, args, input) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.status} ${r.stderr}`);
  return r.stdout;
}

// The page count of a PDF file, by pdfinfo.
function pdfPages(path) {
  const m = /^Pages:\s+(\d+)$/m.exec(sh('pdfinfo', [path]));
  assert.ok(m, `pdfinfo ${path}: no page count`);
  return Number(m[1]);
}

// The rows of the first sheet of an xlsx (a file, or member of a ZIP) as
// arrays of strings, read with openpyxl.
function xlsxRows(path, member = '') {
  const code = `
import io, json, sys, zipfile, openpyxl
path, member = sys.argv[1], sys.argv[2]
src = io.BytesIO(zipfile.ZipFile(path).read(member)) if member else path
ws = openpyxl.load_workbook(src, read_only=True).worksheets[0]
print(json.dumps([["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)], ensure_ascii=False))
`;
  return JSON.parse(sh(PY, ['-c', code, path, member]));
}

// A small JPEG drawn on a canvas in the browser.
async function jpeg(text) {
  const url = await page.evaluate((t) => {
    const c = document.createElement('canvas');
    c.width = 320;
    c.height = 200;
    const g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, 320, 200);
    g.fillStyle = '#036';
    g.font = '24px sans-serif';
    g.fillText(t, 20, 100);
    return c.toDataURL('image/jpeg', 0.9);
  }, text);
  return Buffer.from(url.split(',')[1], 'base64');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tuishui-filing-'));
  if (hasOpenpyxl) sheet = makeSheet(dir);
  browser = await launch();
  page = browser.page;
  page.on('pageerror', (e) => scriptErrors.push(`${page.url()}: ${e.message}`));
});
after(async () => {
  if (browser) await browser.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Click and wait for the page it loads; the answer's status.
async function go(locator) {
  const [response] = await Promise.all([page.waitForNavigation(), locator.click()]);
  return response ? response.status() : 0;
}

const menuLink = (label) => page.locator('nav.menu li a').filter({ hasText: new RegExp(`^${label}$`) });
const flash = () => page.locator('.flash, [role="status"]').first();

step('the trading enterprise administrator logs in', async () => {
  const admin = demoAccounts()['ent-admin-trading'];
  await login(page, admin.login, admin.password);
  assert.doesNotMatch(page.url(), /\/login\//, `still on ${page.url()}`);
  await page.locator('nav.menu').waitFor();
});

step('电子化管理备案: 外贸企业, 备案申请表 as a PDF', async () => {
  await go(menuLink('电子化管理备案'));
  assert.equal(new URL(page.url()).pathname, '/efiling/');
  await page.selectOption('#f-ent_type', 'trading');
  const bureau = await page.locator('#f-tax_bureau_code').inputValue();
  if (!bureau) {
    const first = await page.locator('#f-tax_bureau_code option:not([value=""])').first().getAttribute('value');
    await page.selectOption('#f-tax_bureau_code', first);
  }
  await page.setInputFiles('#f-form_file', { name: '备案申请表.pdf', mimeType: 'application/pdf', buffer: pdf(`efiling ${run}`) });
  await shot(page, 'efiling-form');
  const status = await go(page.locator('form[action="/efiling/save"] button[type=submit]'));
  assert.equal(status, 200);
  await page.locator('#efiling-saved').waitFor();
  assert.match(await page.locator('#efiling-saved').innerText(), /已备案/);
  assert.match(await page.locator('#efiling-saved').innerText(), /备案申请表\.pdf/);
  await shot(page, 'efiling-saved');
});

step('生成关单清册: a 200-row 明细申请表 made with openpyxl', async (t) => {
  if (!hasOpenpyxl) {
    t.skip('openpyxl not available under /usr/bin/python3');
    return;
  }
  await go(menuLink('生成关单清册'));
  assert.equal(new URL(page.url()).pathname, '/declist/');
  await page.setInputFiles('#f-file', sheet);
  await shot(page, 'declist-form');
  await go(page.getByRole('button', { name: '上传出口退税明细申报表' }));
  assert.match(new URL(page.url()).pathname, /^\/declist\/view$/, `on ${page.url()}`);
  const text = await page.locator('main, body').first().innerText();
  assert.match(text, /导入完成：共200行，成功200行，错误0行/);
  assert.match(text, new RegExp(declNo(1)));
  assert.equal(await page.locator('table.decls tbody tr', { hasText: declNo(1) }).count(), 1);
  await shot(page, 'declist-result');
});

step('上传备案单证: a PDF for every required kind of one declaration, a JPEG for another', async () => {
  await go(menuLink('上传备案单证'));
  await page.fill('#q-decl', declNo(1));
  await go(page.getByRole('button', { name: '查询' }));
  const row = page.locator('tr.decl', { hasText: declNo(1) });
  assert.equal(await row.count(), 1, 'the declaration is listed');
  await go(row.getByRole('link', { name: '上传' }));
  assert.equal(new URL(page.url()).pathname, '/docupload/docs');
  const required = page.locator('table.kinds tr.kind').filter({ has: page.locator('td:nth-child(2)', { hasText: /^是$/ }) });
  const n = await required.count();
  assert.ok(n > 0, 'the enterprise has required kinds');
  await shot(page, 'docupload-before');
  const names = [];
  for (let i = 0; i < n; i += 1) {
    const kind = page.locator('table.kinds tr.kind').filter({ has: page.locator('td:nth-child(2)', { hasText: /^是$/ }) }).nth(i);
    const name = (await kind.locator('td').first().innerText()).trim();
    names.push(name);
    // The first one of two pages, so that the PDF export's count says more.
    const marker = `doc${i + 1}-${run}`;
    const bytes = pdf(marker, i === 0 ? 2 : 1);
    uploaded.push({ kind: name, file: `${name}.pdf`, type: 'pdf', marker, bytes });
    await kind.locator('input[type=file]').setInputFiles({ name: `${name}.pdf`, mimeType: 'application/pdf', buffer: bytes });
    const status = await go(kind.getByRole('button', { name: '上传单证' }));
    assert.equal(status, 200, `upload of ${name}`);
    assert.equal(await page.locator('.upload-errors').count(), 0, `upload of ${name} refused`);
  }
  // A JPEG for the first optional kind (the first required one when there is none).
  const optional = page.locator('table.kinds tr.kind').filter({ has: page.locator('td:nth-child(2)', { hasText: /^否$/ }) });
  const target = (await optional.count()) > 0 ? optional.first() : required.first();
  const kindName = (await target.locator('td').first().innerText()).trim();
  const image = await jpeg(`photo ${run}`);
  uploaded.push({ kind: kindName, file: `照片-${run}.jpg`, type: 'jpeg', bytes: image });
  await target.locator('input[type=file]').setInputFiles({ name: `照片-${run}.jpg`, mimeType: 'image/jpeg', buffer: image });
  assert.equal(await go(target.getByRole('button', { name: '上传单证' })), 200, `upload of the JPEG for ${kindName}`);
  assert.equal(await page.locator('.upload-errors').count(), 0, `upload of the JPEG for ${kindName} refused`);
  for (const name of names) {
    const kind = page.locator('table.kinds tr.kind').filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${name}$`) }) });
    assert.ok(Number((await kind.locator('td.num').innerText()).trim()) >= 1, `${name}: a file`);
  }
  await shot(page, 'docupload-after');
});

step('预览: a PDF shown inline in the browser\'s viewer, framed in the page', async () => {
  await go(page.getByRole('link', { name: '预览', exact: true }));
  assert.equal(new URL(page.url()).pathname, '/docupload/preview');
  const first = uploaded.find((u) => u.type === 'pdf');
  await go(page.locator('nav.folders a', { hasText: first.file }).first());
  const frame = page.locator('.viewer iframe.doc-pdf');
  assert.equal(await frame.count(), 1, 'the PDF is framed in the page');
  await frame.waitFor({ state: 'visible' });
  const box = await frame.boundingBox();
  assert.ok(box && box.width > 400 && box.height > 400, `the frame is large enough: ${JSON.stringify(box)}`);
  const src = new URL(await frame.getAttribute('src'), page.url()).href;
  const r = await page.request.get(src);
  assert.equal(r.status(), 200, 'the frame\'s URL answers 200');
  assert.match(r.headers()['content-type'], /^application\/pdf/);
  assert.equal(r.headers()['x-frame-options'], 'SAMEORIGIN', 'the file may be framed by the portal');
  assert.ok(Buffer.compare(await r.body(), first.bytes) === 0, 'the bytes uploaded');
  // The browser let the frame load it (a refused frame shows an error page
  // at chrome-error://).
  await page.waitForTimeout(1000);
  const child = page.frames().find((f) => f !== page.mainFrame());
  assert.ok(child, 'a child frame');
  assert.equal(child.url(), src, `the frame shows the file, not an error page (${child.url()})`);
  assert.equal(await page.locator('.viewer a[target=_blank]', { hasText: '在新窗口中打开PDF文件' }).count(), 1, 'the new-window link as a fallback');
  await shot(page, 'docupload-preview-pdf');
  await page.goBack();
  await page.goBack();
});

step('添加申报关联号专属单证: until a line is chosen, the right side says to choose one', async () => {
  await go(page.getByRole('link', { name: '添加申报关联号专属单证' }));
  assert.equal(new URL(page.url()).pathname, '/docupload/lines');
  const hint = page.locator('.split-right #choose-line');
  await hint.waitFor({ state: 'visible' });
  assert.match(await hint.innerText(), /请在左侧商品列表中选择商品/);
  const [list, right] = await Promise.all([page.locator('.split-left').boundingBox(), page.locator('.split-right').boundingBox()]);
  assert.ok(right.x > list.x + list.width - 1 && Math.abs(right.y - list.y) < 2, `the hint beside the list: ${JSON.stringify({ list, right })}`);
  await shot(page, 'docupload-lines-hint');
  await go(page.locator('table.lines tbody a').first());
  assert.equal(await page.locator('#choose-line').count(), 0, 'a chosen line shows its kinds instead');
  assert.ok(await page.locator('.split-right table.kinds').count() >= 1, 'the line\'s kinds');
  const m = await page.evaluate(() => ({ width: innerWidth, scroll: document.documentElement.scrollWidth }));
  assert.ok(m.scroll <= m.width, `no sideways scroll with a line chosen: ${JSON.stringify(m)}`);
  await shot(page, 'docupload-lines-chosen');
}, { alone: true });

step('上传备案单证: a PDF for the 所属期 (按所属期备案)', async () => {
  await go(menuLink('上传备案单证'));
  const row = page.locator('table.periods tr.period', { hasText: period });
  assert.equal(await row.count(), 1, `the 所属期 ${period} is listed under 按所属期备案`);
  await go(row.getByRole('link', { name: '上传' }));
  assert.equal(new URL(page.url()).pathname, '/docupload/docs');
  const kind = page.locator('table.kinds tr.kind').first();
  const name = (await kind.locator('td').first().innerText()).trim();
  const marker = `period-${run}`;
  periodDoc = { kind: name, file: `所属期单证-${run}.pdf`, type: 'pdf', marker, bytes: pdf(marker) };
  await kind.locator('input[type=file]').setInputFiles({ name: periodDoc.file, mimeType: 'application/pdf', buffer: periodDoc.bytes });
  assert.equal(await go(kind.getByRole('button', { name: '上传单证' })), 200, 'upload for the 所属期');
  assert.equal(await page.locator('.upload-errors').count(), 0, 'upload for the 所属期 refused');
  await shot(page, 'docupload-period');
});

step('单证收齐审核: 【收齐】 refused for a declaration that lacks documents', async () => {
  await go(menuLink('单证收齐审核'));
  await page.fill('#q-decl', `5102${run}`);
  await go(page.getByRole('button', { name: '查询' }));
  const row = page.locator('tr.decl', { hasText: declNo(2) });
  assert.equal(await row.count(), 1);
  const missing = (await row.locator('td').nth(9).innerText()).trim();
  assert.ok(missing.length > 0, 'the list names the kinds it lacks');
  await go(row.getByRole('button', { name: '收齐' }));
  const result = page.locator('.check-result');
  await result.waitFor();
  const refused = await result.locator('li.refused').allInnerTexts();
  assert.ok(refused.some((r) => r.includes(declNo(2)) && r.includes('缺少') && r.includes(missing)),
    `refusal: ${refused.join(' / ')}`);
  assert.match(await result.innerText(), /已收齐0条/);
  await shot(page, 'doccheck-refused');
});

step('单证收齐审核: 【收齐】 accepted for the declaration with every required kind', async () => {
  await page.goto(`${BASE}/doccheck/?status=all&decl_no=${declNo(1)}`);
  const row = page.locator('tr.decl', { hasText: declNo(1) });
  assert.equal((await row.locator('td').nth(9).innerText()).trim(), '', 'nothing missing');
  await go(row.getByRole('button', { name: '收齐' }));
  const text = await page.locator('body').innerText();
  assert.match(text, /已收齐1条报关单/);
  await page.goto(`${BASE}/doccheck/?status=complete&decl_no=${declNo(1)}`);
  const done = page.locator('tr.decl', { hasText: declNo(1) });
  assert.equal(await done.count(), 1, 'listed under 已收齐');
  assert.match(await done.innerText(), /已收齐/);
  assert.equal(await done.getByRole('button', { name: '撤销收齐' }).count(), 1);
  await shot(page, 'doccheck-accepted');
});

step('单证收齐审核 at 1280 px: the list stays inside its panel', async () => {
  await page.goto(`${BASE}/doccheck/?status=all`);
  const m = await page.evaluate(() => {
    const table = document.querySelector('table.decls').getBoundingClientRect();
    const panel = document.querySelector('section.panel').getBoundingClientRect();
    return { width: innerWidth, scroll: document.documentElement.scrollWidth, table: table.right, panel: panel.right };
  });
  assert.equal(m.width, 1280);
  assert.ok(m.scroll <= m.width, `the page does not scroll sideways: ${JSON.stringify(m)}`);
  assert.ok(m.table <= m.panel, `the table ends inside its panel: ${JSON.stringify(m)}`);
  await shot(page, 'doccheck-1280');
}, { alone: true });

step('工作台 counts it under 关单清册 已收齐', async () => {
  await go(menuLink('工作台'));
  const complete = Number((await page.locator('#card-decl-complete .n').innerText()).trim());
  const incomplete = Number((await page.locator('#card-decl-incomplete .n').innerText()).trim());
  assert.ok(complete >= 1, `已收齐 ${complete}`);
  assert.ok(incomplete >= DECLS - 1, `未收齐 ${incomplete}`);
  await page.locator('#due-soon').waitFor();
  await shot(page, 'workbench');
});

// ---- 导出备案目录 ----------------------------------------------------------

step('导出备案目录: through the left menu, the completed declaration queried by 报关单号', async () => {
  await go(menuLink('导出备案目录'));
  assert.equal(new URL(page.url()).pathname, '/docexport/');
  // 导出PDF of a query matching many declarations is refused with the reason.
  await page.fill('#q-decl', `5102${run}`);
  await page.selectOption('#q-status', 'all');
  await go(page.getByRole('button', { name: '导出PDF' }));
  assert.match(await page.locator('.refusal').innerText(), /导出PDF须唯一报关单/);
  await shot(page, 'docexport-pdf-refused');
  await page.fill('#q-decl', declNo(1));
  await page.selectOption('#q-status', 'complete');
  await go(page.getByRole('button', { name: '查询', exact: true }));
  const rows = page.locator('table.decls tr.decl');
  assert.equal(await rows.count(), 1, 'one declaration');
  const cells = (await rows.first().locator('td').allInnerTexts()).map((t) => t.trim());
  assert.equal(cells[0], declNo(1));
  assert.equal(cells[1], period);
  assert.equal(Number(cells[3]), uploaded.length, '单证数');
  assert.equal(cells[4], '已收齐');
  await shot(page, 'docexport-query');
});

step('导出ZIP: <报关单号>/<单证种类>/<file> for every uploaded document and 备案目录.xlsx', async () => {
  const { path, name } = await download(page, page.getByRole('button', { name: '导出ZIP' }), dir);
  assert.match(name, /^备案目录-\d{8}\.zip$/);
  const entries = JSON.parse(sh(PY, ['-c', 'import json, sys, zipfile; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist(), ensure_ascii=False))', path]))
    .filter((e) => !e.endsWith('/'));
  const expected = [...uploaded.map((u) => `${declNo(1)}/${u.kind}/${u.file}`), '备案目录.xlsx'];
  // The 所属期's 按所属期备案 documents go under <所属期>/ (an earlier run
  // on the same stack may have filed some too).
  const own = entries.filter((e) => !e.startsWith(`${period}/`));
  assert.deepEqual([...own].sort(), [...expected].sort(), `entries: ${entries.join(', ')}`);
  assert.ok(entries.includes(`${period}/${periodDoc.kind}/${periodDoc.file}`), `the 按所属期备案 document: ${entries.join(', ')}`);
  for (const u of uploaded) {
    const r = spawnSync(PY, ['-c', 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))',
      path, `${declNo(1)}/${u.kind}/${u.file}`]);
    assert.equal(r.status, 0, String(r.stderr));
    assert.ok(Buffer.compare(r.stdout, u.bytes) === 0, `${u.file}: the bytes uploaded`);
  }
  if (hasOpenpyxl) {
    const rows = xlsxRows(path, '备案目录.xlsx');
    assert.equal(rows[0][0], '报关单号');
    for (const u of uploaded) {
      assert.ok(rows.some((r) => r.includes(declNo(1)) && r.includes(u.kind) && r.includes(u.file)
        && r.includes(`${declNo(1)}/${u.kind}/${u.file}`)), `catalog row of ${u.file}: ${JSON.stringify(rows)}`);
    }
  }
});

step('导出PDF: the catalog, then every document\'s pages in the catalog\'s order', async () => {
  const { path, name } = await download(page, page.getByRole('button', { name: '导出PDF' }), dir);
  assert.equal(name, `备案单证-${declNo(1)}.pdf`);
  const pages = pdfPages(path);
  const texts = Array.from({ length: pages }, (_, i) =>
    sh('pdftotext', ['-q', '-layout', '-f', String(i + 1), '-l', String(i + 1), path, '-']).trim());
  // The catalog: the leading pages, each with the table's header.
  const ncat = texts.findIndex((t) => !t.includes('SHA-256'));
  assert.ok(ncat >= 1, 'a catalog page');
  const catalog = texts.slice(0, ncat).join('\n');
  assert.ok(texts[0].includes('备案单证目录') && texts[0].includes(declNo(1)), 'the catalog first, with the 报关单号');
  for (const u of [...uploaded, periodDoc]) assert.ok(catalog.includes(u.file), `catalog lists ${u.file}`);
  // The declaration's documents in the catalog's order: an image one
  // page without text, a PDF each of its pages (its marker on each).
  const inCatalog = [...uploaded].sort((x, y) => catalog.indexOf(x.file) - catalog.indexOf(y.file));
  const want = inCatalog.flatMap((u) => {
    if (u.type !== 'pdf') return ['(image)'];
    const f = join(dir, `uploaded-${u.marker}.pdf`);
    writeFileSync(f, u.bytes);
    return Array(pdfPages(f)).fill(u.marker);
  });
  const got = texts.slice(ncat, ncat + want.length).map((t) => (t === '' ? '(image)' : t));
  assert.deepEqual(got, want, `pages after the catalog (catalog order: ${inCatalog.map((u) => u.file).join(', ')})`);
  // Then the 按所属期备案 documents (one page each here), ours among them.
  const byPeriod = (catalog.match(/（按所属期备案）/g) || []).length;
  assert.ok(byPeriod >= 1, 'the 按所属期备案 documents are marked in the catalog');
  assert.equal(pages, ncat + want.length + byPeriod, 'nothing else');
  assert.ok(texts.slice(ncat + want.length).includes(periodDoc.marker), 'the 按所属期备案 PDF after the declaration\'s own');
});

step('导出表格: the catalog as xlsx, read back with openpyxl', async (t) => {
  const { path, name } = await download(page, page.getByRole('button', { name: '导出表格' }), dir);
  assert.match(name, /^备案目录-\d{8}\.xlsx$/);
  assert.equal(readFileSync(path).subarray(0, 2).toString('latin1'), 'PK');
  if (!hasOpenpyxl) {
    t.skip('openpyxl not available under /usr/bin/python3');
    return;
  }
  const rows = xlsxRows(path);
  assert.deepEqual(rows[0].slice(0, 4), ['报关单号', '所属期', '出口日期', '单证种类']);
  const mine = rows.slice(1).filter((r) => r[0] === declNo(1));
  assert.equal(mine.length, uploaded.length, `one row per document: ${JSON.stringify(mine)}`);
  for (const u of uploaded) {
    assert.ok(mine.some((r) => r[1] === period && r[3] === u.kind && r.includes(u.file)), `row of ${u.kind} ${u.file}`);
  }
});

step('打印单证: the catalog, the image shown, PDFs pointed to 导出PDF', async () => {
  await go(page.getByRole('button', { name: '打印单证' }));
  assert.equal(new URL(page.url()).pathname, '/docexport/print');
  assert.equal((await page.locator('.decl-no').innerText()).trim(), declNo(1));
  const catalog = page.locator('table.catalog tbody tr:not(.by-period)');
  assert.equal(await catalog.count(), uploaded.length);
  const catalogText = await page.locator('table.catalog').innerText();
  for (const u of uploaded) assert.ok(catalogText.includes(u.kind) && catalogText.includes(u.file), `catalog: ${u.file}`);
  const mine = page.locator('table.catalog tbody tr.by-period', { hasText: periodDoc.file });
  assert.equal(await mine.count(), 1, 'the 按所属期备案 document in the catalog');
  assert.match(await mine.innerText(), /按所属期备案/);
  assert.match(await page.locator('.catalog-note').innerText(), new RegExp(`所属期 ${period} 按所属期备案`));
  const images = page.locator('.print-doc:not(.by-period) img.doc-image');
  assert.equal(await images.count(), uploaded.filter((u) => u.type === 'jpeg').length);
  await images.first().evaluate((img) => (img.complete ? null : new Promise((ok) => { img.onload = ok; img.onerror = ok; })));
  assert.ok(await images.first().evaluate((img) => img.naturalWidth) > 0, 'the image loads');
  assert.equal(await page.locator('.print-doc:not(.by-period) .pdf-note').count(), uploaded.filter((u) => u.type === 'pdf').length);
  await shot(page, 'docexport-print');
  // As printed: no menu or toolbar, the catalog and the documents only.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.toolbar').isVisible(), false, 'no toolbar on paper');
  assert.equal(await page.locator('table.catalog').isVisible(), true);
  await shot(page, 'docexport-print-media');
  // Printed by Chromium to A4: the catalog's page(s), each with the
  // table's header, then one page per image; a PDF's note costs no sheet.
  const printed = join(dir, 'print.pdf');
  await page.pdf({ path: printed, format: 'A4' });
  const sheets = pdfPages(printed);
  const headed = Array.from({ length: sheets }, (_, i) =>
    sh('pdftotext', ['-q', '-f', String(i + 1), '-l', String(i + 1), printed, '-'])).filter((t) => t.includes('SHA-256')).length;
  const imageDocs = await page.locator('.print-doc.print-image').count();
  assert.ok(headed >= 1, 'the catalog on paper');
  assert.equal(sheets, headed + imageDocs, `${sheets} sheets: ${headed} of catalog + ${imageDocs} images`);
  await page.emulateMedia({ media: 'screen' });
});

step('no script errors on any page', async () => {
  assert.deepEqual(scriptErrors, []);
}, { alone: true });
