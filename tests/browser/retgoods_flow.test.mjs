// 出口退货 end to end in Chromium (manual 004; docs/retgoods.md):
//   customs publishes an 出口复进口 import declaration (进口报关单发布) →
//   the production enterprise's administrator enters a record from it
//   (进口报关单号 + Enter fills it), 暂存 (「暂存成功」), 提交 with the demo
//   card's PIN 123456 (signed; 已提交) → the jobs worker receives and audits
//   it (海关接收成功, 电子审核完成，待人工审核) → the customs officer opens
//   出口退货审核, finds it among 待人工审核, opens it and 审核通过 (退货编号) →
//   the enterprise sees the four 回执 (1, 3, 5, 7) in 出口退货信息查询.
// A fresh import declaration per run, so the run repeats on one stack.
// Screenshots go to tests/browser/screenshots/retgoods-flow-*; the last
// one (the 回执) also to docs/screenshots/retgoods-receipts.png, the
// officer's detail page to docs/screenshots/customs-retgoods-review.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { BASE, SHOTS, demoAccounts, launch, login, shooter, steps } from './lib/browser.mjs';

const step = steps();
const shot = shooter('retgoods-flow');
// Written with the other screenshots (ignored by git); docs/screenshots/
// holds copies taken by hand, so a test run leaves the tree clean.
const DOC_SHOT = join(SHOTS, 'retgoods-receipts.png');
// 7900 2026 1 + 9 digits: a fresh import number of 成都海关 for this run.
const IMPORT_NO = `790020261${String(Date.now() % 1000000000).padStart(9, '0')}`;
const accounts = demoAccounts();

let browser;
let page;
let recordId;
let retNo;
const scriptErrors = [];

before(async () => {
  browser = await launch();
  page = browser.page;
  page.on('pageerror', (e) => scriptErrors.push(`${page.url()}: ${e.message}`));
  page.on('dialog', (d) => d.accept());
});
after(async () => {
  if (browser) await browser.close();
});

async function navigation(action) {
  const [response] = await Promise.all([page.waitForNavigation(), action()]);
  return response ? response.status() : 0;
}

async function as(role) {
  await page.context().clearCookies();
  await login(page, accounts[role].login, accounts[role].password);
}

async function menu(label) {
  await navigation(() => page.locator('nav.menu li a', { hasText: label }).click());
}

step('customs publishes the import declaration (进口报关单发布)', async () => {
  await as('customs-officer');
  await menu('进口报关单发布');
  await navigation(() => page.getByRole('link', { name: '发布进口报关单' }).click());
  const head = {
    EntryId: IMPORT_NO, CustomMaster: '7900', IEPort: '7900', IEDate: '2026-11-24', DDate: '2026-11-25',
    AgentCode: '5101980009', AgentName: '四川蓉城报关有限公司', DeclarantName: '赵关',
    TradeCoScc: '91510100MA6CAB126W', TradeCode: '5101940001', TradeName: '四川天府机械制造有限公司',
    ReceiverAddr: '四川省成都市高新区天府大道北段1号', OwnerCodeScc: '91510100MA6CAB126W',
    OwnerCode: '5101940001', OwnerName: '四川天府机械制造有限公司', OwnerCustoms: '7900',
    TradeCountry: 'DEU', TradeMode: '4561', BillNo: 'MSKU7788', DestCustoms: '7900',
  };
  for (const [k, v] of Object.entries(head)) await page.fill(`#h-${k}`, v);
  const line = { GNo_1: '1', CodeTS_1: '8459290000', SupvClassName_1: '入境货物', GName_1: '数控钻床',
    GQty_1: '1', GUnit_1: '001', DeclTotal_1: '12500', TradeCurr_1: 'USD' };
  for (const [k, v] of Object.entries(line)) await page.fill(`input[name="${k}"]`, v);
  assert.equal(await navigation(() => page.getByRole('button', { name: '发布' }).click()), 200);
  assert.match(await page.locator('.flash').first().innerText(), new RegExp(`进口报关单${IMPORT_NO}已发布（新增）`));
  await shot(page, 'import-published');
});

step('the enterprise enters it: Enter fills from the import declaration, 暂存成功', async () => {
  await as('ent-admin-production');
  await menu('出口退货信息录入');
  await page.fill('#f-i_entry_id', IMPORT_NO);
  assert.equal(await navigation(() => page.press('#f-i_entry_id', 'Enter')), 200);
  assert.match(await page.locator('#rg-notice').innerText(), /已获取进口报关单数据/);
  assert.equal(await page.inputValue('#g-declarant'), '赵关', '报关员 from the import declaration');
  assert.equal(await page.inputValue('#g-custom_master'), '7900 成都海关', '受理报关机构 (code and name)');
  await page.fill('#f-receiver_contact', '张敏');
  await page.fill('#f-receiver_phone', '13800000001');
  await page.fill('#f-ret_date', '2026-11-20');
  await page.check('input[name="handle_ways"][value="1"]');
  await page.fill('#f-orig_entry_ids', '790020260000810001');
  await page.fill('#f-prod_scc', '91510100MA6CAB126W');
  await page.fill('#f-prod_code', '5101940001');
  await page.fill('#f-prod_name', '四川天府机械制造有限公司');
  await page.fill('#f-prod_contact', '张敏');
  await page.fill('#f-prod_phone', '13800000001');
  await page.fill('#f-prod_region', '510107');
  await page.fill('#f-prod_district', '7901');
  await page.selectOption('#f-export_inspect', 'N');
  await page.check('input[name="reason_kinds"][value="Q"]');
  await page.check('input[name="reasons"][value="Q1"]');
  await page.fill('#f-reason_note', '主轴精度不达标，客户整机退回。');
  assert.equal(await navigation(() => page.click('#rg-save')), 200);
  assert.match(await page.locator('.flash').first().innerText(), /暂存成功/);
  assert.equal(await page.inputValue('#g-status'), '暂存');
  recordId = new URL(page.url()).searchParams.get('id');
  assert.ok(recordId, 'the record has an id');
  await shot(page, 'saved');
});

step('提交 with the card (PIN 123456): 已提交', async () => {
  await page.fill('#f-pin', '123456');
  assert.equal(await navigation(() => page.click('#rg-submit')), 200);
  assert.match(await page.locator('.flash').first().innerText(), /已提交/);
  assert.ok(await page.locator('#rg-save').isDisabled(), '暂存 disabled once submitted');
});

step('the worker receives and audits it: 电子审核完成，待人工审核', async () => {
  let status = '';
  for (let i = 0; i < 60 && status !== '电子审核完成，待人工审核'; i += 1) {
    if (i) await page.waitForTimeout(250);
    await page.goto(`${BASE}/retgoods/?id=${recordId}`);
    status = await page.inputValue('#g-status');
  }
  assert.equal(status, '电子审核完成，待人工审核');
  await shot(page, 'audited');
});

step('the officer finds it in 出口退货审核 (待人工审核) and 审核通过', async () => {
  await as('customs-officer');
  await menu('出口退货审核');
  assert.equal(await page.locator('#q-status').inputValue(), '5', '5 by default');
  const row = page.locator('table.customs-retgoods tbody tr', { hasText: IMPORT_NO });
  assert.equal(await row.count(), 1);
  await shot(page, 'review-list');
  await navigation(() => row.locator('a').first().click());
  assert.equal(await page.locator('#rg-status').innerText(), '电子审核完成，待人工审核');
  assert.match(await page.locator('#rg-view').innerText(), /主轴精度不达标/);
  await shot(page, 'review-detail');
  await page.screenshot({ path: join(SHOTS, 'customs-retgoods-review.png'), fullPage: true });
  assert.equal(await navigation(() => page.getByRole('button', { name: '审核通过' }).click()), 200);
  retNo = await page.locator('#rg-retno').innerText();
  assert.match(retNo, /^7900\d{8}$/, '退货编号: 关区 + yy + 6 digits');
  assert.match(await page.locator('.flash').first().innerText(), new RegExp(`人工审核通过，退货编号${retNo}`));
  assert.equal(await page.getByRole('button', { name: '审核通过' }).count(), 0, 'no more review buttons');
  await shot(page, 'approved');
});

step('the enterprise sees the 回执 in 出口退货信息查询', async () => {
  await as('ent-admin-production');
  await menu('出口退货信息查询');
  await page.fill('#q-i_entry_id', IMPORT_NO);
  await navigation(() => page.click('#rg-search'));
  const row = page.locator('#rg-results tbody tr', { hasText: IMPORT_NO });
  assert.match(await row.innerText(), new RegExp(retNo), 'the 退货编号 in the list');
  await navigation(() => row.locator('a.rg-status').click());
  const receipts = await page.locator('#rg-receipt-list tbody tr').allInnerTexts();
  assert.equal(receipts.length, 4, 'one per move after 暂存: 1, 3, 5, 7');
  assert.match(receipts[0], /人工审核通过\s+接收申报、出口退货登记办理成功。/);
  assert.match(receipts[1], /电子审核完成，待人工审核\s+电子审核成功，进入人工审核环节。/);
  assert.match(receipts[2], /海关接收成功\s+海关接收成功/);
  assert.match(receipts[3], /已提交\s+-\s/, '已提交 with 回执内容 「-」 (the manual\'s sample)');
  await shot(page, 'receipts');
  await page.locator('#rg-receipts').screenshot({ path: DOC_SHOT });
});

step('no script errors', async () => {
  assert.deepEqual(scriptErrors, []);
});
