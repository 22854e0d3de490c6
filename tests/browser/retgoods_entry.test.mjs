// 出口退货信息录入 in Chromium (004 §4.1, §2.3.3, §4.2): the production
// enterprise's administrator opens it from the left menu; the field colours
// of 关于界面 (required yellow, system grey, optional white); 进口报关单号 +
// Enter fetches the import declaration (报关单位, 收货人, goods lines) and
// keeps what was typed; Enter / Shift+Enter move between fields; Alt+K
// shows the 快捷键 panel; Alt+S 暂存 with a missing field shows the error
// next to it, then with everything filled says 「暂存成功」 and gives the
// 统一编号; 提交 with the demo card's PIN reaches 已提交; the query page lists
// the record and its status opens the receipts; 新增 with unsaved input
// and 删除 from the list ask first.  Screenshots go to
// tests/browser/screenshots/retgoods-*.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { background, demoAccounts, launch, login, shooter, steps } from './lib/browser.mjs';

const step = steps();
const shot = shooter('retgoods');
const IMPORT_NO = '790020261000810102';

let browser;
let page;
const scriptErrors = [];
const dialogs = [];

before(async () => {
  browser = await launch();
  page = browser.page;
  page.on('pageerror', (e) => scriptErrors.push(`${page.url()}: ${e.message}`));
  page.on('dialog', (d) => { dialogs.push(d.message()); d.accept(); });
});
after(async () => {
  if (browser) await browser.close();
});

async function navigation(action) {
  const [response] = await Promise.all([page.waitForNavigation(), action()]);
  return response ? response.status() : 0;
}

step('出口退货信息录入 from the left menu, with the manual\'s colours', async () => {
  const admin = demoAccounts()['ent-admin-production'];
  await login(page, admin.login, admin.password);
  await navigation(() => page.locator('nav.menu li a', { hasText: '出口退货信息录入' }).click());
  assert.equal(new URL(page.url()).pathname, '/retgoods/');
  await page.getByRole('heading', { name: '出口退货信息录入' }).waitFor();
  assert.equal(await background(page.locator('#f-i_entry_id')), 'rgb(255, 247, 194)', 'required: yellow');
  assert.equal(await background(page.locator('#g-seq_no')), 'rgb(230, 230, 230)', 'system: grey');
  assert.equal(await background(page.locator('#f-ret_date')), 'rgb(255, 255, 255)', 'optional: white');
  assert.equal(await page.inputValue('#g-collect_type'), '企业');
  assert.equal(await page.inputValue('#g-info_source'), '进境货物报关时提供的有效单证');
  assert.ok(await page.locator('#rg-delete').isDisabled(), '删除 disabled before 暂存');
});

step('Enter in 进口报关单号 fetches the import declaration, typed values kept', async () => {
  await page.fill('#f-receiver_contact', '王五');
  await page.fill('#f-i_entry_id', IMPORT_NO);
  assert.equal(await navigation(() => page.press('#f-i_entry_id', 'Enter')), 200);
  assert.match(await page.locator('#rg-notice').innerText(), /已获取进口报关单数据/);
  assert.equal(await page.inputValue('#f-receiver_contact'), '王五', 'typed value kept');
  assert.equal(await page.inputValue('#f-owner_district'), '7900');
  assert.ok((await page.inputValue('#f-receiver_addr')).length > 0, '收货人所在地 filled');
  assert.match(await page.inputValue('#g-trade'), /^[0-9A-Z]{18}$/);
  assert.ok(await page.locator('#rg-lines tbody tr input[name="weight"]').count() >= 1, 'goods lines');
  await shot(page, 'fetched');
});

step('Enter and Shift+Enter move between fields', async () => {
  await page.focus('#f-receiver_contact');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-receiver_phone');
  await page.keyboard.press('Shift+Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-receiver_contact');
  await page.focus('#f-orig_entry_ids');
  assert.match(await page.locator('#rg-hint').innerText(), /多个用“\/”分隔，最多50个/, 'the field\'s hint under the form');
});

step('Alt+K shows the 快捷键 panel', async () => {
  await page.keyboard.press('Alt+K');
  assert.ok(await page.locator('#rg-keys-panel').isVisible());
  assert.match(await page.locator('#rg-keys-panel').innerText(), /Alt\+S\s+暂存数据/);
  await page.keyboard.press('Alt+K');
  assert.ok(!(await page.locator('#rg-keys-panel').isVisible()));
});

step('Alt+S with 质量原因 but no 说明: the error next to the field, nothing lost', async () => {
  await page.fill('#f-receiver_phone', '028-88886666');
  await page.check('input[name="handle_ways"][value="3"]');
  await page.fill('#f-orig_entry_ids', '790020260000810001/790020260000810002');
  await page.fill('#f-prod_scc', '91510100MA6CAB126W');
  await page.fill('#f-prod_code', '5101940001');
  await page.fill('#f-prod_name', '四川天府机械制造有限公司');
  await page.fill('#f-prod_contact', '张敏');
  await page.fill('#f-prod_phone', '13800000001');
  await page.fill('#f-prod_region', '510100');
  await page.fill('#f-prod_district', '7901');
  await page.selectOption('#f-export_inspect', 'N');
  await page.check('input[name="reason_kinds"][value="Q"]');
  await page.check('input[name="reasons"][value="Q1"]');
  await page.fill('input[name="weight"] >> nth=0', '120.5');
  await page.focus('#f-prod_name');
  assert.equal(await navigation(() => page.keyboard.press('Alt+S')), 200);
  assert.match(await page.locator('.field.has-error .error').first().innerText(),
    /退货原因类别为质量原因时，退货原因具体说明必填/);
  assert.equal(await page.inputValue('#f-prod_name'), '四川天府机械制造有限公司', 'nothing typed lost');
  assert.equal(await page.inputValue('input[name="weight"] >> nth=0'), '120.5');
  await shot(page, 'errors');
});

step('Alt+S with everything: 暂存成功 and a 统一编号', async () => {
  await page.fill('#f-reason_note', '客户检验发现部分产品尺寸超差。');
  await page.focus('#f-reason_note');
  assert.equal(await navigation(() => page.keyboard.press('Alt+S')), 200);
  assert.match(await page.locator('.flash').first().innerText(), /暂存成功/);
  assert.match(await page.inputValue('#g-seq_no'), /^20\d{2}\d{14}$/);
  assert.equal(await page.inputValue('#g-status'), '暂存');
  assert.ok(!(await page.locator('#rg-delete').isDisabled()), '删除 possible in 暂存');
  await shot(page, 'saved');
});

step('提交 with the bound card\'s PIN: 已提交; while customs holds it 暂存 / 删除 are disabled with the reason', async () => {
  await page.fill('#f-pin', '123456');
  assert.equal(await navigation(() => page.click('#rg-submit')), 200);
  assert.match(await page.locator('.flash').first().innerText(), /已提交/);
  // The jobs worker receives and audits at once (tools/ts-worker): the
  // page shows 已提交 or what customs made of it since.
  const status = await page.inputValue('#g-status');
  const held = ['已提交', '海关接收成功', '电子审核完成，待人工审核', '人工审核通过'];
  assert.ok([...held, '提交失败', '海关接收失败', '电子审核退单'].includes(status), status);
  if (held.includes(status)) {
    assert.ok(await page.locator('#rg-save').isDisabled());
    assert.ok((await page.locator('#rg-save').getAttribute('title')).includes(status), 'the reason names the state');
    assert.ok(await page.locator('#rg-delete').isDisabled());
    assert.ok(await page.locator('#f-receiver_contact').isDisabled(), 'the fields locked while customs holds it');
  } else {
    assert.ok(!(await page.locator('#rg-save').isDisabled()), `暂存 open again in ${status}`);
  }
  await shot(page, 'submitted');
});

step('出口退货信息查询 lists it; the status opens the receipts', async () => {
  await navigation(() => page.locator('nav.menu li a', { hasText: '出口退货信息查询' }).click());
  assert.equal(new URL(page.url()).pathname, '/retgoods/query');
  const seq = page.locator('#rg-results a.rg-seq').first();
  await seq.waitFor();
  await navigation(() => page.locator('#rg-results a.rg-status').first().click());
  assert.match(await page.locator('#rg-receipts h2').innerText(), /的回执信息/);
  assert.match(await page.locator('#rg-receipt-list tbody').innerText(), /已提交/);
  assert.match(await page.locator('#rg-receipt-list tbody tr').first().locator('td').first().innerText(), /^1$/);
  await shot(page, 'query');
});

step('新增 with unsaved input asks first; 删除 from the list asks and deletes', async () => {
  await navigation(() => page.locator('nav.menu li a', { hasText: '出口退货信息录入' }).click());
  await page.fill('#f-receiver_contact', '未暂存的内容');
  dialogs.length = 0;
  await navigation(() => page.click('#rg-new'));
  assert.match(dialogs.join(), /尚未暂存/, '新增 warned');
  assert.equal(await page.inputValue('#f-receiver_contact'), '', 'an empty form');
  await navigation(() => page.locator('nav.menu li a', { hasText: '出口退货信息查询' }).click());
  const row = page.locator('#rg-results tbody tr', { hasText: '暂存' }).first();
  const seq = await row.locator('a.rg-seq').innerText();
  // the select-all box next to 删除 ticks and unticks every row
  const boxes = page.locator('#rg-list input[name="ids"]');
  await page.check('#rg-check-all');
  assert.equal(await page.locator('#rg-list input[name="ids"]:checked').count(), await boxes.count(), 'all ticked');
  await page.uncheck('#rg-check-all');
  assert.equal(await page.locator('#rg-list input[name="ids"]:checked').count(), 0, 'none ticked');
  await row.locator('input[name="ids"]').check();
  dialogs.length = 0;
  // Alt+R deletes the ticked ones, after the confirmation (004 §2.3.3)
  assert.equal(await navigation(() => page.keyboard.press('Alt+R')), 200);
  assert.match(dialogs.join(), /是否确认删除选中数据/);
  assert.match(await page.locator('.flash').first().innerText(), /删除成功，共删除1条数据/);
  assert.equal(await page.locator('#rg-results a.rg-seq', { hasText: seq }).count(), 0, 'gone from the list');
  assert.deepEqual(scriptErrors, []);
});

step('a page a POST answered (获取, a refused 暂存) holds unsaved input: 新增 asks first', async () => {
  await navigation(() => page.locator('nav.menu li a', { hasText: '出口退货信息录入' }).click());
  await page.fill('#f-receiver_contact', '获取前录入的');
  await page.fill('#f-i_entry_id', IMPORT_NO);
  assert.equal(await navigation(() => page.press('#f-i_entry_id', 'Enter')), 200);
  assert.equal(await page.getAttribute('#rg-form', 'data-rg-unsaved'), '1', '获取\'s answer starts dirty');
  dialogs.length = 0;
  await navigation(() => page.click('#rg-new'));
  assert.match(dialogs.join(), /尚未暂存/, '新增 right after 获取 warned');
  await page.fill('#f-i_entry_id', IMPORT_NO);
  await page.focus('#f-i_entry_id');
  assert.equal(await navigation(() => page.keyboard.press('Alt+S')), 200);
  assert.ok(await page.locator('.field.has-error').count() > 0, 'a refused 暂存');
  dialogs.length = 0;
  await navigation(() => page.click('#rg-new'));
  assert.match(dialogs.join(), /尚未暂存/, '新增 right after a refused 暂存 warned');
  dialogs.length = 0;
  await navigation(() => page.click('#rg-new'));
  assert.equal(dialogs.length, 0, 'a fresh form (GET) is not dirty: no question');
  assert.deepEqual(scriptErrors, []);
});
