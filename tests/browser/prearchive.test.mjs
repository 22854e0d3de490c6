// 单证预归档 in Chromium, as people use it (000 §2.3): the production
// enterprise's administrator opens 单证预归档 from the left menu, adds a
// 业务跟踪号 (first leaving the required fields empty), opens 【上传】,
// picks a 单证种类 and several files at once — one of them a damaged PDF,
// which refuses the whole upload and says which file — then uploads the
// good ones; the list shows them under the row behind 【>】, which opens
// and closes without JavaScript.  Screenshots go to
// tests/browser/screenshots/prearchive-*.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { BASE, demoAccounts, launch, login, shooter, steps } from './lib/browser.mjs';

const step = steps();
const shot = shooter('prearchive');
const tag = Date.now().toString(36);
const tracking = `GZ-${tag}`;

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

const invoice = pdf(`Export invoice ${tag}`);
const contract = pdf(`Export contract ${tag}`);
const damaged = invoice.subarray(0, Math.floor(invoice.length / 2));

let browser;
let page;
const scriptErrors = [];

before(async () => {
  browser = await launch({ javaScriptEnabled: false });
  page = browser.page;
  page.on('pageerror', (e) => scriptErrors.push(`${page.url()}: ${e.message}`));
});
after(async () => {
  if (browser) await browser.close();
});

async function go(locator) {
  const [response] = await Promise.all([page.waitForNavigation(), locator.click()]);
  return response ? response.status() : 0;
}

const row = () => page.locator('tr.item', { hasText: tracking });
let itemId = '';

step('单证预归档 from the left menu', async () => {
  const admin = demoAccounts()['ent-admin-production'];
  await login(page, admin.login, admin.password);
  await go(page.locator('nav.menu li a', { hasText: '单证预归档' }));
  assert.equal(new URL(page.url()).pathname, '/prearchive/');
  await page.getByRole('heading', { name: '单证预归档' }).waitFor();
  for (const h of ['合同协议号', '内部跟踪号', '报关单号', '提运单号', '出口日期', '出口月份', '文件数', '备注', '操作']) {
    assert.equal(await page.locator('table.prearchive > thead th', { hasText: h }).count(), 1, h);
  }
});

step('新增业务跟踪号: required fields first left empty', async () => {
  await go(page.getByRole('link', { name: '新增业务跟踪号' }));
  await page.fill('#f-bl_no', 'COSU6123456789');
  await page.locator('#f-contract_no').evaluate((el) => el.removeAttribute('required'));
  await page.locator('#f-tracking_no').evaluate((el) => el.removeAttribute('required'));
  assert.equal(await go(page.getByRole('button', { name: '保存' })), 200);
  assert.match(await page.locator('.field.has-error').first().innerText(), /请填写合同协议号/);
  assert.equal(await page.inputValue('#f-bl_no'), 'COSU6123456789', 'typed value kept');
  await shot(page, 'new-errors');
});

step('新增业务跟踪号: saved', async () => {
  await page.fill('#f-contract_no', `HT-${tag}`);
  await page.fill('#f-tracking_no', tracking);
  await page.fill('#f-decl_no', '510120260000012345');
  await page.fill('#f-export_date', '2026-01-15');
  await page.fill('#f-export_month', '2026-01');
  await page.fill('#f-remark', '浏览器测试');
  await shot(page, 'new-filled');
  assert.equal(await go(page.getByRole('button', { name: '保存' })), 200);
  assert.match(await page.locator('.flash').innerText(), /保存成功/);
  assert.equal(await row().count(), 1);
  assert.match(await row().innerText(), /202601/);
  itemId = (await row().getAttribute('id')).replace('item-', '');
});

step('【上传】: a damaged PDF among the files refuses them all and names it', async () => {
  await go(row().getByRole('link', { name: '上传' }));
  await page.getByRole('heading', { name: '传预归档单证' }).waitFor();
  await page.selectOption('#f-doc_kind_id', { label: '出口合同' });
  await page.setInputFiles('#f-files', [
    { name: '出口发票.pdf', mimeType: 'application/pdf', buffer: invoice },
    { name: '扫描件.pdf', mimeType: 'application/pdf', buffer: damaged },
  ]);
  assert.equal(await go(page.getByRole('button', { name: '上传' })), 200);
  const errors = await page.locator('.upload-error').allInnerTexts();
  assert.deepEqual(errors, ['第2个文件 扫描件.pdf：PDF文件已损坏或不完整']);
  assert.equal(await page.locator('#f-doc_kind_id option:checked').innerText(), '出口合同', 'kind kept');
  await shot(page, 'upload-refused');
});

step('【上传】: two files at once', async () => {
  await page.setInputFiles('#f-files', [
    { name: '出口发票.pdf', mimeType: 'application/pdf', buffer: invoice },
    { name: '出口合同.pdf', mimeType: 'application/pdf', buffer: contract },
  ]);
  await shot(page, 'upload-page');
  assert.equal(await go(page.getByRole('button', { name: '上传' })), 200);
  assert.match(await page.locator('.flash').innerText(), /上传成功2个文件/);
});

step('the row opens with 【>】 and shows its files', async () => {
  const files = page.locator(`tr.item-files[data-item="${itemId}"]`);
  assert.equal(await files.locator('details[open]').count(), 1, 'the row just uploaded to is open');
  const names = await files.locator('td.file-name').allInnerTexts();
  assert.deepEqual(names.sort(), ['出口发票.pdf', '出口合同.pdf'].sort());
  await shot(page, 'list-expanded');
  await files.locator('summary').click();
  assert.equal(await files.locator('td.file-name').first().isVisible(), false, 'closed');
  await files.locator('summary').click();
  assert.equal(await files.locator('td.file-name').first().isVisible(), true, 'open again');
});

step('查看 shows the PDF', async () => {
  const href = await page.locator(`tr.item-files[data-item="${itemId}"] a`, { hasText: '查看' }).first().getAttribute('href');
  const res = await page.request.get(`${BASE}${href}`);
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'application/pdf');
  assert.match((await res.body()).subarray(0, 5).toString('latin1'), /^%PDF-/);
});

step('no script errors', async () => {
  assert.deepEqual(scriptErrors, []);
}, { alone: true });
