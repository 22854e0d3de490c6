// The left menu folds and unfolds without JavaScript: the ☰ label toggles a
// hidden checkbox, and the stylesheet narrows the menu (.menu-fold:checked
// + .menu) and hides its groups.  Run with JavaScript switched off, so only
// HTML and CSS can do it.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { BASE, demoAccounts, launch, login, shooter, steps } from './lib/browser.mjs';

const step = steps();
const shot = shooter('menu-fold');
let browser;
let page;

before(async () => {
  browser = await launch({ javaScriptEnabled: false });
  page = browser.page;
});
after(async () => {
  if (browser) await browser.close();
});

const width = () => page.locator('nav.menu').evaluate((el) => el.getBoundingClientRect().width);

step('log in with JavaScript off and open a page with the menu', async () => {
  const clerk = demoAccounts()['ent-clerk'];
  await login(page, clerk.login, clerk.password);
  // 修改密码 is a page every logged-in user has, with the layout's menu.
  await page.goto(`${BASE}/login/password`);
  // static/js/tuishui.js marks <html class="has-js"> when it runs.
  assert.equal(await page.locator('html.has-js').count(), 0, 'JavaScript should be off');
  await page.locator('nav.menu').waitFor();
  assert.ok((await page.locator('nav.menu li a').count()) > 0, 'the menu has entries');
});

step('the menu starts unfolded', async () => {
  assert.ok(await width() > 150, `menu width ${await width()}`);
  assert.ok(await page.locator('.menu-group').first().isVisible());
  await shot(page, 'unfolded');
});

step('clicking the fold label folds it', async () => {
  await page.click('label.fold-button');
  assert.ok(await page.locator('#menu-fold').isChecked());
  assert.ok(await width() < 60, `menu width ${await width()}`);
  assert.equal(await page.locator('.menu-group').first().isVisible(), false);
  await shot(page, 'folded');
});

step('clicking it again unfolds it', async () => {
  await page.click('label.fold-button');
  assert.equal(await page.locator('#menu-fold').isChecked(), false);
  assert.ok(await width() > 150, `menu width ${await width()}`);
  assert.ok(await page.locator('.menu-group').first().isVisible());
});
