// 卡介质登录 in the browser, against the stack's virtual cards and signd:
// the 卡介质登录 tab next to the password form, a wrong 卡密码 (tries left),
// then the right one logs the demo enterprise administrator in (the stack
// binds the demo card to them); the workbench names the card and IC卡检测
// passes with the demo card and refuses the second one with 001's
// 卡号不一致 message.  Screenshots go to tests/browser/screenshots/card-login-*.
// Skipped when the stack has no card reader (no root: docs/card.md).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { BASE, demoAccounts, launch, shooter, steps } from './lib/browser.mjs';

const step = steps();
const shot = shooter('card-login');
const cardEnvFile = join(process.env.TS_VAR || '', 'etc', 'card.env');
const hasCards = existsSync(cardEnvFile) && existsSync(join(process.env.TS_VAR || '', 'run', 'signd.sock'));
const card = {};
if (hasCards) {
  for (const line of readFileSync(cardEnvFile, 'utf8').split('\n')) {
    const m = line.match(/^(\w+)='?(.*?)'?$/);
    if (m) card[m[1]] = m[2];
  }
}
const wrongPin = card.TS_CARD_PIN === '654321' ? '123457' : '654321';
let browser;
let page;

before(async () => {
  if (!hasCards) return;
  browser = await launch();
  page = browser.page;
});
after(async () => {
  if (browser) await browser.close();
});

const skip = hasCards ? {} : { skip: 'the stack has no card reader or signd' };
const cardStep = (name, fn) => (hasCards ? step(name, fn) : step(name, (t) => t.skip(skip.skip)));

cardStep('the login page has a 卡介质登录 tab next to the password form', async () => {
  await page.goto(`${BASE}/login/`);
  await page.locator('nav.login-tabs a', { hasText: '卡介质登录' }).click();
  await page.waitForURL(/\/login\/card$/);
  assert.equal(await page.locator('#f-reader').inputValue(), card.TS_CARD_READER, 'the configured reader preselected');
  const options = await page.locator('#f-reader option').allInnerTexts();
  assert.ok(options.includes(`${card.TS_CARD_READER}（已插卡）`), options.join(' / '));
  assert.ok(options.includes(`${card.TS_CARD2_READER}（已插卡）`), options.join(' / '));
  await shot(page, 'form');
});

cardStep('a wrong 卡密码 says how many tries are left', async () => {
  await page.fill('#f-pin', wrongPin);
  await page.check('#f-agree');
  await Promise.all([page.waitForNavigation(), page.click('form.card-login button[type=submit]')]);
  const error = await page.locator('.form-errors').first().innerText();
  assert.match(error, /IC卡密码错误，还可尝试4次/);
  await shot(page, 'wrong-pin');
});

cardStep('the right 卡密码 logs the demo administrator in', async () => {
  await page.fill('#f-pin', card.TS_CARD_PIN);
  await page.check('#f-agree');
  await Promise.all([page.waitForNavigation(), page.click('form.card-login button[type=submit]')]);
  assert.equal(new URL(page.url()).pathname, '/workbench/');
  const admin = demoAccounts()['ent-admin-production'];
  assert.match(await page.locator('body').innerText(), new RegExp(admin.login));
  assert.match(await page.locator('#user-card').innerText(), new RegExp(`已绑定（卡号 ${card.TS_CARD_NO}）`));
  await shot(page, 'workbench');
});

cardStep('IC卡检测: the demo card passes, the second card is 卡号不一致', async () => {
  await page.locator('#user-card a', { hasText: 'IC卡检测' }).click();
  await page.waitForURL(/\/workbench\/card$/);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/workbench/card"] button[type=submit]')]);
  assert.match(await page.locator('#card-check-result').innerText(), /IC卡检测通过/);
  await page.selectOption('#f-reader', card.TS_CARD2_READER);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/workbench/card"] button[type=submit]')]);
  assert.equal((await page.locator('#card-check-result').innerText()).trim(),
    `当前卡号 ${card.TS_CARD2_NO} 与用户注册信息卡号 ${card.TS_CARD_NO} 不一致，无法进行申报`);
  await shot(page, 'card-check-mismatch');
});

cardStep('用户管理 shows the bound card; 绑定IC卡 offers the readers', async () => {
  await page.goto(`${BASE}/users/`);
  const admin = demoAccounts()['ent-admin-production'];
  const row = page.locator('table.list tbody tr', { hasText: admin.login });
  assert.match(await row.innerText(), new RegExp(card.TS_CARD_NO));
  await shot(page, 'users');
  await page.goto(`${BASE}/users/?login_name=clerk01`);
  await page.locator('table.list tbody tr', { hasText: 'clerk01' }).locator('a', { hasText: '绑定IC卡' }).click();
  await page.waitForURL(/\/users\/card\?id=\d+$/);
  const options = await page.locator('#f-reader option').allInnerTexts();
  assert.ok(options.includes(`${card.TS_CARD2_READER}（已插卡）`), options.join(' / '));
  await shot(page, 'bind-form');
});
