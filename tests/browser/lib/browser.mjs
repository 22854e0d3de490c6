// tests/browser/lib/browser.mjs — what every browser test needs: Debian's
// Chromium through playwright-core, the stack's URL and demo accounts,
// screenshots, steps, and TAP that prove reads.
//
// A test file is a node:test file that imports this module first.  Run as
// `node x.test.mjs` (scripts/check.sh: `prove -e node tests/browser/*.test.mjs`)
// this module runs the file under node:test's runner in a child process and
// prints plain TAP: one "ok N - name" line per top-level test, failures and
// output as "# " comments.  (node's own TAP reporter writes YAML blocks with
// "|-" scalars that prove's YAMLish reader rejects, which ends its parsing.)
// Under `node --test` the file runs as usual with node's reporters.
//
// Environment (scripts/check.sh sets it; for a stack of your own, set
// TS_BASE_URL and TS_VAR by hand):
//   TS_BASE_URL  http://127.0.0.1:PORT (no trailing slash)
//   TS_VAR       the stack's folder ($TS_VAR/demo-accounts.txt)
//   TS_CHROMIUM  the browser (default /usr/bin/chromium)
import { run, test } from 'node:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

// ---- TAP for prove -------------------------------------------------------

const ANSI = /\x1b\[[0-9;]*m/g;
const comment = (text) => String(text).replace(ANSI, '').split('\n')
  .map((line) => `# ${line}`.trimEnd()).join('\n') + '\n';

// What went wrong in a failed test, without node's wrapper.
function failureText(error) {
  const e = error && error.code === 'ERR_TEST_FAILURE' && error.cause ? error.cause : error;
  if (!e) return 'failed';
  const where = String(e.stack || '').split('\n').find((l) => /\.test\.mjs:\d+/.test(l));
  return `${e.message || e}${where ? `\n${where.trim()}` : ''}`;
}

// Run one test file under node:test's runner; print TAP; the exit code.
async function runAsTap(file) {
  let n = 0;
  let failed = 0;
  process.stdout.write('TAP version 13\n');
  for await (const { type, data } of run({ files: [file], timeout: 300000 })) {
    const out = (text) => process.stdout.write(text);
    if (type === 'test:stdout' || type === 'test:stderr') out(comment(data.message.replace(/\n$/, '')));
    if ((type !== 'test:pass' && type !== 'test:fail') || data.nesting !== 0) continue;
    n += 1;
    const name = data.name.replace(/#/g, '\\#');
    if (type === 'test:pass') {
      out(`ok ${n} - ${name}${data.skip !== undefined ? ` # SKIP ${data.skip === true ? '' : data.skip}` : ''}\n`);
    } else {
      failed += 1;
      out(`not ok ${n} - ${name}\n${comment(failureText(data.details && data.details.error))}`);
    }
  }
  process.stdout.write(`1..${n}\n`);
  return failed || n === 0 ? 1 : 0;
}

if (!process.env.NODE_TEST_CONTEXT) {
  process.exit(await runAsTap(process.argv[1]));
}

// ---- the stack and the browser ---------------------------------------------

export const BASE = (process.env.TS_BASE_URL || '').replace(/\/$/, '');
export const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

// The demo accounts of the stack: { 'ent-admin-production': {login, password}, ... }.
export function demoAccounts() {
  const path = join(process.env.TS_VAR || '', 'demo-accounts.txt');
  const accounts = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [role, login, password] = line.trim().split(/\s+/);
    if (role && password) accounts[role] = { login, password };
  }
  return accounts;
}

// A fresh headless Chromium with its own profile; close() removes both.
export async function launch(options = {}) {
  if (!BASE) throw new Error('TS_BASE_URL is not set (scripts/check.sh sets it)');
  const profile = mkdtempSync(join(tmpdir(), 'tuishui-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.TS_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
    ...options,
  });
  context.setDefaultTimeout(15000);
  const page = context.pages()[0] || await context.newPage();
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Save a full-page screenshot as screenshots/<prefix>-<name>.png.
export function shooter(prefix) {
  mkdirSync(SHOTS, { recursive: true });
  let n = 0;
  return async (page, name) => {
    n += 1;
    const file = join(SHOTS, `${prefix}-${String(n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

// Log in through the real form (test stacks have no captcha).
export async function login(page, user, password) {
  await page.goto(`${BASE}/login/`);
  await page.fill('#f-username', user);
  await page.fill('#f-password', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login/signin"] button[type=submit]')]);
}

// Steps of one scenario: each is a top-level node:test test (one TAP line
// each); after a failure the remaining steps are skipped, not failed, so
// the first failure is the one to read.  A step with { alone: true } is a
// side check: its failure is reported but does not skip the steps after it.
export function steps() {
  let failed = null;
  return (name, fn, { alone = false } = {}) => test(name, async (t) => {
    if (failed) {
      t.skip(`an earlier step failed: ${failed}`);
      return;
    }
    try {
      await fn(t);
    } catch (e) {
      if (!alone) failed = name;
      throw e;
    }
  });
}

// Click locator and save the download it starts in dir (under the name the
// server suggested); { path, name }.
export async function download(page, locator, dir) {
  const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  const name = dl.suggestedFilename();
  const path = join(dir, name);
  await dl.saveAs(path);
  return { path, name };
}

// The labels of the left menu, in order.
export async function menuLabels(page) {
  return page.locator('nav.menu li a').allInnerTexts();
}

// An element's computed background colour, e.g. "rgb(255, 247, 194)".
export async function background(locator) {
  return locator.evaluate((el) => getComputedStyle(el).backgroundColor);
}
