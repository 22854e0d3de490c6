// 角色管理 and 用户管理 end to end, in Chromium, as people use them
// (000 §2.5.3–2.5.4):
//   the production enterprise's administrator logs in through the login
//   form, opens 角色管理 from the left menu, creates a role holding only
//   工作台 and 用户管理 (view), opens 用户管理, creates a user with that role,
//   and logs out; the new user logs in, is made to change the initial
//   password first (修改密码), and then sees exactly the menus granted —
//   工作台 and 用户管理, not 角色管理 — and gets the 403 page at /roles/.
// Screenshots of every step go to tests/browser/screenshots/roles-users-*.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import {
  BASE, background, demoAccounts, launch, login, menuLabels, shooter, steps,
} from './lib/browser.mjs';

const REQUIRED_BG = 'rgb(255, 247, 194)'; // --required, yellow
const READONLY_BG = 'rgb(230, 230, 230)'; // --readonly, grey

const step = steps();
const shot = shooter('roles-users');
// Names unique per run, so the test can run again on the same stack.
const tag = Date.now().toString(36);
const roleName = `单证查看员${tag}`;
const userLogin = `bt${tag}`;
const nickname = `浏览器测试${tag}`;
const initialPassword = `Init#${tag}9a`;
const newPassword = `Neu!${tag}7Bz`;

let browser;
let page;
let admin;
const scriptErrors = [];

before(async () => {
  admin = demoAccounts()['ent-admin-production'];
  browser = await launch();
  page = browser.page;
  page.on('pageerror', (e) => scriptErrors.push(`${page.url()}: ${e.message}`));
});
after(async () => {
  if (browser) await browser.close();
});

// Click a link or button and wait for the page it loads.
async function go(locator) {
  await Promise.all([page.waitForNavigation(), locator.click()]);
}

// Submit the form the locator's button is in; return the answer's status.
async function submit(locator) {
  const [response] = await Promise.all([page.waitForNavigation(), locator.click()]);
  return response ? response.status() : 0;
}

function menuLink(label) {
  return page.locator('nav.menu li a').filter({ hasText: new RegExp(`^${label}$`) });
}

step('the administrator logs in through the login form', async () => {
  await page.goto(`${BASE}/login/`);
  await shot(page, 'login-form');
  assert.equal(await background(page.locator('#f-username')), REQUIRED_BG, 'required field is yellow');
  await login(page, admin.login, admin.password);
  assert.doesNotMatch(page.url(), /\/login\//, `still on ${page.url()}`);
  await page.locator('nav.menu').waitFor();
  const menu = await menuLabels(page);
  assert.ok(menu.includes('角色管理') && menu.includes('用户管理'), `menu: ${menu.join(' ')}`);
  await shot(page, 'admin-home');
});

step('角色管理 from the left menu lists the roles', async () => {
  await go(menuLink('角色管理'));
  assert.equal(new URL(page.url()).pathname, '/roles/');
  await page.getByRole('heading', { name: '角色管理' }).waitFor();
  assert.ok(await page.locator('table.list td', { hasText: '企业管理员' }).count() > 0,
    'the default role 企业管理员 is listed');
  assert.ok(await page.locator('nav.menu li.active', { hasText: '角色管理' }).count() === 1,
    'the menu marks 角色管理 as the current page');
  await shot(page, 'roles-list');
});

step('新增 a role with only 工作台 and 用户管理 (view)', async () => {
  await go(page.getByRole('link', { name: '新增', exact: true }));
  await page.getByRole('heading', { name: '新增角色' }).waitFor();
  const name = page.locator('#f-name');
  assert.equal(await background(name), REQUIRED_BG, '角色名称 is required: yellow');
  await name.fill(roleName);
  await page.check('input[name="status"][value="normal"]');
  await page.check('input[name="perms"][value="workbench"]');
  await page.check('input[name="perms"][value="users"]');
  await page.fill('#f-remark', '浏览器测试：只能查看工作台和用户列表');
  const checked = await page.locator('input[name="perms"]:checked').evaluateAll(
    (els) => els.map((e) => e.value));
  assert.deepEqual(checked.sort(), ['users', 'workbench']);
  await shot(page, 'role-form-filled');
  const status = await submit(page.getByRole('button', { name: '确定' }));
  assert.equal(status, 200);
  assert.equal(new URL(page.url()).pathname, '/roles/');
  await page.locator('.flash', { hasText: '保存成功' }).waitFor();
  const row = page.locator('table.list tr', { hasText: roleName });
  assert.equal(await row.count(), 1, 'the new role is listed once');
  assert.match(await row.innerText(), /正常/);
  await shot(page, 'roles-list-saved');
});

step('修改 shows the role with exactly the two permissions', async () => {
  const row = page.locator('table.list tr', { hasText: roleName });
  await go(row.getByRole('link', { name: '修改' }));
  await page.getByRole('heading', { name: '修改角色' }).waitFor();
  assert.equal(await page.inputValue('#f-name'), roleName);
  const checked = await page.locator('input[name="perms"]:checked').evaluateAll(
    (els) => els.map((e) => e.value));
  assert.deepEqual(checked.sort(), ['users', 'workbench']);
  await shot(page, 'role-edit');
});

step('the default role 企业管理员 is shown read-only (grey)', async () => {
  await go(menuLink('角色管理'));
  const row = page.locator('table.list tr', { hasText: '企业管理员' }).first();
  await go(row.getByRole('link', { name: '修改' }));
  const readonly = page.locator('input.readonly').first();
  assert.equal(await background(readonly), READONLY_BG, 'read-only field is grey');
  assert.ok(await page.locator('input[name="perms"][disabled]').count() > 0,
    'its 菜单权限 cannot be changed');
  await shot(page, 'role-admin-readonly');
});

step('用户管理 from the left menu lists the users', async () => {
  await go(menuLink('用户管理'));
  assert.equal(new URL(page.url()).pathname, '/users/');
  await page.getByRole('heading', { name: '用户管理' }).waitFor();
  await shot(page, 'users-list');
});

step('新增 a user with the new role', async () => {
  await go(page.getByRole('link', { name: '新增', exact: true }));
  await page.getByRole('heading', { name: '新增用户' }).waitFor();
  for (const id of ['#f-nickname', '#f-login_name', '#f-password', '#f-phone']) {
    assert.equal(await background(page.locator(id)), REQUIRED_BG, `${id} is required: yellow`);
  }
  await page.fill('#f-nickname', nickname);
  await page.selectOption('#f-user_type', 'operator');
  await page.fill('#f-login_name', userLogin);
  await page.fill('#f-password', initialPassword);
  await page.fill('#f-phone', '13912345678');
  const status = page.locator('input[name="status"][value="normal"]');
  if (await status.count()) await status.check();
  await page.locator('label', { hasText: roleName }).locator('input[name="roles"]').check();
  await page.fill('#f-remark', '浏览器测试创建');
  await shot(page, 'user-form-filled');
  const code = await submit(page.getByRole('button', { name: '确定' }));
  assert.equal(code, 200);
  assert.equal(new URL(page.url()).pathname, '/users/');
  await page.locator('.flash', { hasText: '保存成功' }).waitFor();
  const row = page.locator('table.list tr', { hasText: userLogin });
  assert.equal(await row.count(), 1, 'the new user is listed once');
  assert.match(await row.innerText(), new RegExp(nickname));
  await shot(page, 'users-list-saved');
});

step('the administrator logs out', async () => {
  await go(page.getByRole('button', { name: '退出' }));
  assert.equal(new URL(page.url()).pathname, '/login/');
  await page.goto(`${BASE}/users/`);
  assert.equal(new URL(page.url()).pathname, '/login/', 'logged out: /users/ goes to the login page');
});

step('the new user logs in and must change the password first', async () => {
  await login(page, userLogin, initialPassword);
  assert.equal(new URL(page.url()).pathname, '/login/password');
  await page.getByRole('heading', { name: '修改密码' }).waitFor();
  await page.locator('.notice', { hasText: '初始密码' }).waitFor();
  assert.equal(await page.locator('nav.menu li a').count(), 0, 'no menu before the change');
  await shot(page, 'forced-password-change');
  // Any other page sends the user back here until the password is changed.
  await page.goto(`${BASE}/users/`);
  assert.equal(new URL(page.url()).pathname, '/login/password');
});

step('while the change is forced the menu does not say the user has no role', async () => {
  // The menu is empty until the password is changed; the layout must not
  // tell a user who has a role "您尚未被分配角色" (that sends them to their
  // administrator for nothing).
  const text = await page.locator('nav.menu').innerText();
  assert.doesNotMatch(text, /尚未被分配角色/, `menu says: ${text.trim()}`);
}, { alone: true });

step('a password that breaks the policy is refused next to the field', async () => {
  await page.fill('#f-old_password', initialPassword);
  await page.fill('#f-new_password', 'abcdefgh');
  await page.fill('#f-confirm_password', 'abcdefgh');
  await submit(page.getByRole('button', { name: '保存' }));
  await page.locator('.field.has-error #f-new_password').waitFor();
  await shot(page, 'password-policy-error');
});

step('changing the password opens the portal', async () => {
  await page.fill('#f-old_password', initialPassword);
  await page.fill('#f-new_password', newPassword);
  await page.fill('#f-confirm_password', newPassword);
  await submit(page.getByRole('button', { name: '保存' }));
  assert.notEqual(new URL(page.url()).pathname, '/login/password');
  await page.locator('.flash', { hasText: '密码已修改' }).waitFor();
  await shot(page, 'after-password-change');
});

step('the menu shows exactly 工作台 and 用户管理', async () => {
  await page.goto(`${BASE}/users/`);
  await page.locator('nav.menu').waitFor();
  assert.deepEqual(await menuLabels(page), ['工作台', '用户管理']);
  assert.equal(await menuLink('角色管理').count(), 0);
  // 用户管理 (view) only: no 新增 without users.edit.
  assert.equal(await page.getByRole('link', { name: '新增', exact: true }).count(), 0,
    'no 新增 without the edit permission');
  await shot(page, 'new-user-menu');
});

step('/roles/ opened directly answers the 403 page', async () => {
  const response = await page.goto(`${BASE}/roles/`);
  assert.equal(response.status(), 403);
  await page.getByRole('heading', { name: '无权访问' }).waitFor();
  await page.locator('.error-page .message', { hasText: '没有使用此功能的权限' }).waitFor();
  await shot(page, 'roles-403');
});

step('the new password works at the next login', async () => {
  await go(page.getByRole('button', { name: '退出' }));
  await login(page, userLogin, newPassword);
  assert.notEqual(new URL(page.url()).pathname, '/login/');
  assert.notEqual(new URL(page.url()).pathname, '/login/password');
});

step('no page had a script error', async () => {
  assert.deepEqual(scriptErrors, []);
});
