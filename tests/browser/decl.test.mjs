// 报关单查询下载 in Chromium (003 §2.1.1, §2.1.5): the production
// enterprise's administrator opens it from the left menu, sees the 小提示,
// asks for a 31-day range (refused with the manual's limit), then the month
// of the demo declarations; the list shows its own 结关报关单 only; the
// number opens the detail with 报关单表头信息 and 报关单表体信息 (each line
// with its 关联号); then §2.1.3 重新发往税务总局 with two ticked (the
// manual's success message), the detail's 预览/打印 (a PDF) and 直接打印
// (the paper form, which opens the print dialog).  Screenshots go to
// tests/browser/screenshots/decl-*.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { demoAccounts, launch, login, shooter, steps } from './lib/browser.mjs';

const step = steps();
const shot = shooter('decl');

let browser;
let page;
const scriptErrors = [];

before(async () => {
  browser = await launch();
  page = browser.page;
  page.on('pageerror', (e) => scriptErrors.push(`${page.url()}: ${e.message}`));
  // 直接打印 calls window.print(): count the calls instead of a dialog.
  await page.addInitScript(() => {
    window.__printed = 0;
    window.print = () => { window.__printed += 1; };
  });
});
after(async () => {
  if (browser) await browser.close();
});

async function go(locator) {
  const [response] = await Promise.all([page.waitForNavigation(), locator.click()]);
  return response ? response.status() : 0;
}

step('报关单查询下载 from the left menu, with the tips', async () => {
  const admin = demoAccounts()['ent-admin-production'];
  await login(page, admin.login, admin.password);
  await go(page.locator('nav.menu li a', { hasText: '报关单查询下载' }));
  assert.equal(new URL(page.url()).pathname, '/decl/');
  await page.getByRole('heading', { name: '出口报关单下载查询' }).waitFor();
  assert.equal(await page.locator('#q-type option:checked').innerText(), '结关报关单');
  assert.match(await page.locator('.tips').innerText(), /只支持报关单的境内收发货人查询/);
});

step('出口日期: 31 days refused, the form kept', async () => {
  await page.check('#q-by-date');
  await page.fill('#q-start', '2026-11-01');
  await page.fill('#q-end', '2026-12-01');
  assert.equal(await go(page.getByRole('button', { name: '查询' })), 200);
  assert.match(await page.locator('.form-errors').last().innerText(), /出口日期查询区间最长不能超过30天/);
  assert.equal(await page.inputValue('#q-start'), '2026-11-01');
  await shot(page, 'range-refused');
});

step('出口日期: the month lists the own 结关报关单', async () => {
  await page.fill('#q-end', '2026-11-30');
  assert.equal(await go(page.getByRole('button', { name: '查询' })), 200);
  const numbers = await page.locator('table.decl-results tbody tr td:nth-child(2)').allInnerTexts();
  assert.ok(numbers.includes('790020260000810001'), numbers.join());
  assert.ok(!numbers.includes('790220260000820001'), 'not the other enterprise');
  assert.ok(!numbers.includes('790020260000810004'), 'not the 启运港退税 one');
  await shot(page, 'results');
});

step('重新发往税务总局: two ticked, the manual\'s success message', async () => {
  await page.check('input[name="entry_id"][value="790020260000810001"]');
  await page.check('input[name="entry_id"][value="790020260000810002"]');
  assert.equal(await go(page.getByRole('button', { name: '重新发往税务总局' })), 200);
  assert.match(await page.locator('.flash').innerText(),
    /发送成功！已将2条报关单数据重新发往税务总局，请于3-5个工作日后联系当地税务局查询。/);
  assert.equal(await page.inputValue('#q-end'), '2026-11-30', 'back on the same query');
  await shot(page, 'resent');
});

step('the number opens 报关单详情 with header and body', async () => {
  await go(page.getByRole('link', { name: '790020260000810001' }));
  await page.getByRole('heading', { name: '报关单详情' }).waitFor();
  assert.equal(await page.locator('#trans-status').innerText(), '修改');
  assert.equal(await page.locator('#h-IEDate').innerText(), '2026-11-02');
  assert.equal(await page.locator('#h-TradeName').innerText(), '四川天府机械制造有限公司');
  const links = await page.locator('table.decl-lines tbody tr td:first-child').allInnerTexts();
  assert.deepEqual(links, ['790020260000810001001', '790020260000810001002']);
  await shot(page, 'detail');
});

step('预览/打印: the declaration as a PDF', async () => {
  const href = await page.getByRole('link', { name: '预览/打印' }).getAttribute('href');
  const r = await page.request.get(new URL(href, page.url()).href);
  assert.equal(r.status(), 200);
  assert.match(r.headers()['content-type'], /^application\/pdf/);
  assert.equal((await r.body()).subarray(0, 5).toString(), '%PDF-');
});

step('直接打印: the paper form, the print dialog at once', async () => {
  await go(page.getByRole('link', { name: '直接打印' }));
  await page.getByRole('heading', { name: '中华人民共和国海关出口货物报关单' }).waitFor();
  assert.equal(await page.locator('#p-entry-id').innerText(), '790020260000810001');
  assert.equal(await page.evaluate(() => window.__printed), 1, 'window.print() called once');
  assert.equal(await page.locator('table.paper-body tbody tr').count(), 2);
  await shot(page, 'printview');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('nav.menu').isVisible(), false, 'the menu is not printed');
  assert.equal(await page.locator('.paper-decl .toolbar').isVisible(), false, 'nor the buttons');
  await shot(page, 'printview-print');
  await page.emulateMedia({ media: 'screen' });
});

step('no script errors', async () => {
  assert.deepEqual(scriptErrors, []);
}, { alone: true });
