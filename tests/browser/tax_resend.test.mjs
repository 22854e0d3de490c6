// 报关单重新发送记录 in Chromium: the production and the trading
// enterprise's administrators each click 重新发往税务总局 on a demo
// declaration's detail; tax01 (成都市, over 武侯区 where the trading
// enterprise is) opens 报关单重发记录 from the left menu, finds both rows
// (版本, 申请人, 待发送) and narrows the list by 报关单号 and by 企业.
// Screenshots go to tests/browser/screenshots/tax-resend-*.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { demoAccounts, launch, login, shooter, steps } from './lib/browser.mjs';

const step = steps();
const shot = shooter('tax-resend');
const PROD_NO = '790120260000810003';
const TRADE_NO = '790220260000820001';

let browser;
let page;
const scriptErrors = [];

before(async () => {
  browser = await launch();
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

// One enterprise administrator resends one number from its detail page.
async function resend(role, no) {
  const who = demoAccounts()[role];
  await page.context().clearCookies();
  await login(page, who.login, who.password);
  await page.goto(`${process.env.TS_BASE_URL}/decl/view?entry_id=${no}`);
  assert.equal(await go(page.getByRole('button', { name: '重新发往税务总局' })), 200);
  assert.match(await page.locator('.flash').innerText(), /发送成功！已将1条报关单数据重新发往税务总局/);
}

// The rows of the list: [申请时间, 企业名称, 统一社会信用代码, 报关单号, 版本, 申请人, 状态].
async function rows() {
  const trs = page.locator('table.tax-resends tbody tr');
  const out = [];
  for (let i = 0; i < await trs.count(); i++) {
    const cells = await trs.nth(i).locator('td').allInnerTexts();
    if (cells.length === 7) out.push(cells.map((s) => s.trim()));
  }
  return out;
}

step('two enterprises resend a declaration each', async () => {
  await resend('ent-admin-production', PROD_NO);
  await resend('ent-admin-trading', TRADE_NO);
});

step('tax01 opens 报关单重发记录 from the left menu and sees both', async () => {
  const tax = demoAccounts()['tax-officer'];
  await page.context().clearCookies();
  await login(page, tax.login, tax.password);
  await go(page.locator('nav.menu li a', { hasText: '报关单重发记录' }));
  assert.equal(new URL(page.url()).pathname, '/taxresend/');
  await page.getByRole('heading', { name: '报关单重新发送记录' }).waitFor();
  const numbers = (await rows()).map((r) => r[3]);
  assert.ok(numbers.includes(PROD_NO), numbers.join());
  assert.ok(numbers.includes(TRADE_NO), numbers.join());
  await shot(page, 'list');
});

step('报关单号 narrows to the production enterprise\'s requests', async () => {
  await page.fill('#q-entry', PROD_NO);
  assert.equal(await go(page.getByRole('button', { name: '查询' })), 200);
  const list = await rows();
  assert.ok(list.length >= 1);
  for (const r of list) {
    assert.equal(r[3], PROD_NO);
    assert.equal(r[1], '四川天府机械制造有限公司');
    assert.equal(r[2], '91510100MA6CAB126W');
    assert.equal(r[4], '1', '版本');
    assert.match(r[5], new RegExp(`（${demoAccounts()['ent-admin-production'].login}）$`), '申请人');
    assert.equal(r[6], '待发送');
  }
  assert.equal(await page.inputValue('#q-entry'), PROD_NO, 'the query stays in the form');
});

step('企业 by a part of the name: the trading enterprise only', async () => {
  await page.fill('#q-entry', '');
  await page.fill('#q-ent', '蓉欧');
  assert.equal(await go(page.getByRole('button', { name: '查询' })), 200);
  const list = await rows();
  assert.ok(list.some((r) => r[3] === TRADE_NO), JSON.stringify(list));
  assert.ok(list.every((r) => r[1] === '成都蓉欧国际贸易有限公司'), JSON.stringify(list));
  await shot(page, 'by-enterprise');
  assert.deepEqual(scriptErrors, []);
});
