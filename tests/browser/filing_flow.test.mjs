// 备案单证 from first login to 单证收齐, in Chromium, as the trading
// enterprise's administrator does it (000 §2.4):
//   电子化管理备案 (外贸企业, the signed 备案申请表 as a small PDF) →
//   生成关单清册 (a 外贸企业出口退税出口明细申请表 of 200 rows, made here with
//   /usr/bin/python3 + openpyxl through tests/data/declist/xlsx.py into a
//   temp file) → 上传备案单证 for one declaration (a PDF for every required
//   单证种类) → 单证收齐审核: 【收齐】 on a declaration without documents is
//   refused with the kinds it lacks named, then 【收齐】 on the one with every
//   required kind is accepted.  The 工作台 then counts it as 已收齐.
// Screenshots of each step go to tests/browser/screenshots/filing-flow-*.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { BASE, demoAccounts, launch, login, shooter, steps } from './lib/browser.mjs';

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

// A one-page PDF with a line of text, xref offsets computed.
function pdf(text) {
  const content = `BT /F1 12 Tf 20 60 Td (${text}) Tj ET\n`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}endstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
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

step('上传备案单证: a PDF for every required kind of one declaration', async () => {
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
    await kind.locator('input[type=file]').setInputFiles({ name: `${name}.pdf`, mimeType: 'application/pdf', buffer: pdf(`${name} ${run}`) });
    const status = await go(kind.getByRole('button', { name: '上传单证' }));
    assert.equal(status, 200, `upload of ${name}`);
    assert.equal(await page.locator('.upload-errors').count(), 0, `upload of ${name} refused`);
  }
  for (const name of names) {
    const kind = page.locator('table.kinds tr.kind').filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${name}$`) }) });
    assert.ok(Number((await kind.locator('td.num').innerText()).trim()) >= 1, `${name}: a file`);
  }
  await shot(page, 'docupload-after');
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

step('工作台 counts it under 关单清册 已收齐', async () => {
  await go(menuLink('工作台'));
  const complete = Number((await page.locator('#card-decl-complete .n').innerText()).trim());
  const incomplete = Number((await page.locator('#card-decl-incomplete .n').innerText()).trim());
  assert.ok(complete >= 1, `已收齐 ${complete}`);
  assert.ok(incomplete >= DECLS - 1, `未收齐 ${incomplete}`);
  await page.locator('#due-soon').waitFor();
  await shot(page, 'workbench');
});

step('no script errors on any page', async () => {
  assert.deepEqual(scriptErrors, []);
}, { alone: true });
