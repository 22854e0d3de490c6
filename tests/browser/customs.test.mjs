// 报关单发布 in Chromium (customs officer): opens it from the left menu,
// imports an XML file with one bad declaration (the report lists the
// problem, nothing is kept), opens a demo declaration published twice and
// sees both versions, fills the form from it (修改后重新发布) and adds a body
// row.  Screenshots go to tests/browser/screenshots/customs-*.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { demoAccounts, launch, login, shooter, steps } from './lib/browser.mjs';

const step = steps();
const shot = shooter('customs');
const serial = String(Date.now() % 100000).padStart(5, '0');

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

function message(no, date) {
  return `<DecMessage><DecHead><EntryId>${no}</EntryId><CustomMaster>7900</CustomMaster><IEPort>7900</IEPort>`
    + `<IEDate>${date}</IEDate><DDate>20260401</DDate><ClearDate>20260403</ClearDate>`
    + '<TradeCoScc>91510100MA6CAB126W</TradeCoScc><TradeCode>5101940001</TradeCode>'
    + '<TradeName>四川天府机械制造有限公司</TradeName><TrafMode>2</TrafMode><TradeMode>0110</TradeMode>'
    + '<TransMode>3</TransMode><TradeCountry>DEU</TradeCountry></DecHead><DecLists><DecList><GNo>1</GNo>'
    + '<CodeTS>8459290000</CodeTS><GName>数控钻床</GName><GQty>1</GQty><GUnit>001</GUnit><FirstQty>1</FirstQty>'
    + '<FirstUnit>001</FirstUnit><DeclPrice>100</DeclPrice><DeclTotal>100</DeclTotal><TradeCurr>USD</TradeCurr>'
    + '<UsdFob>100</UsdFob><RmbFob>710</RmbFob><OriginCountry>CHN</OriginCountry>'
    + '<DestinationCountry>DEU</DestinationCountry></DecList></DecLists></DecMessage>';
}

step('报关单发布 from the left menu', async () => {
  const officer = demoAccounts()['customs-officer'];
  await login(page, officer.login, officer.password);
  await go(page.locator('nav.menu li a', { hasText: /^报关单发布$/ }));
  assert.equal(new URL(page.url()).pathname, '/customs/');
  await page.getByRole('heading', { name: '报关单发布' }).waitFor();
});

step('导入: a file with one bad declaration is listed and not kept', async () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><DecMessages>${message(`790020260009${serial}1`.slice(0, 18), '20260402')}`
    + `${message(`790020260009${serial}2`.slice(0, 18), '20260231')}</DecMessages>`;
  await page.setInputFiles('#f-file', { name: '报关单.xml', mimeType: 'text/xml', buffer: Buffer.from(xml) });
  assert.equal(await go(page.getByRole('button', { name: '导入' })), 200);
  assert.match(await page.locator('.form-errors').last().innerText(), /共2票报关单，其中1票有问题，本文件的报关单均未保存/);
  assert.match(await page.locator('ol.import-problems').innerText(), /第2票.*表头【出口日期】应为日期/);
  await shot(page, 'import-refused');
});

step('a declaration published twice shows both versions', async () => {
  await page.goto(`${process.env.TS_BASE_URL}/customs/?entry_id=790020260000810001`);
  await go(page.getByRole('link', { name: '790020260000810001' }));
  assert.equal(await page.locator('#trans-status').innerText(), '修改');
  assert.equal(await page.locator('table.decl-versions tbody tr').count(), 2);
  await shot(page, 'detail-versions');
});

step('修改后重新发布 fills the form; 增加表体行 adds a row', async () => {
  await go(page.getByRole('link', { name: '修改后重新发布' }));
  assert.equal(await page.inputValue('#h-EntryId'), '790020260000810001');
  assert.equal(await page.locator('table.decl-form-lines tbody tr').count(), 3);
  await go(page.getByRole('button', { name: '增加表体行' }));
  assert.equal(await page.locator('table.decl-form-lines tbody tr').count(), 4);
  assert.equal(await page.inputValue('#h-EntryId'), '790020260000810001', 'kept');
  await shot(page, 'form');
});

step('no script errors', async () => {
  assert.deepEqual(scriptErrors, []);
}, { alone: true });
