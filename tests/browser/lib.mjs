// Shared pieces of the browser tests (e2e.mjs, sso.mjs, walk.mjs): step logging, failures with the page's
// text and a screenshot, page helpers with bounded waits, and `run`, which launches Debian's
// chromium, hands the scenario a way to open pages, and exits 0 (PASSED) or 1.
//
// Host names ending in .test resolve to 127.0.0.1 inside chromium (the test hubs' names).

import { chromium } from 'playwright-core';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP *.test 127.0.0.1',
];

// ---------------------------------------------------------------------------------------------
// Output and failure

const started = Date.now();
let currentStep = 'start';
let stepNo = 0;

export function log(message) {
  const secs = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`e2e [${secs}s] ${message}`);
}

export function step(name) {
  stepNo += 1;
  currentStep = `${stepNo}. ${name}`;
  log(`step ${currentStep}`);
}

export class E2eError extends Error {}

export function fail(message) {
  throw new E2eError(message);
}

// ---------------------------------------------------------------------------------------------
// Page helpers

export async function pageSummary(page) {
  let text = '';
  try {
    text = await page.locator('body').innerText({ timeout: 2000 });
  } catch {
    try {
      text = (await page.content()).slice(0, 2000);
    } catch {
      text = '(page content unavailable)';
    }
  }
  text = text.replace(/\n{3,}/g, '\n\n').trim();
  if (text.length > 1500) text = text.slice(0, 1500) + ' …';
  return `page URL: ${page.url()}\n--- page text ---\n${text}\n---`;
}

export function checkStatus(response, what) {
  if (!response) return;
  const status = response.status();
  if (status >= 400) fail(`${what} answered HTTP ${status} (${response.url()})`);
}

export async function goto(page, url, timeout) {
  log(`  GET ${url}`);
  const response = await page.goto(url, { waitUntil: 'load', timeout });
  checkStatus(response, `GET ${url}`);
  return response;
}

/** The first visible element matching a CSS selector (a page may repeat a link in its nav). */
export function visible(page, selector) {
  return page.locator(`${selector} >> visible=true`).first();
}

export async function expectVisible(page, selector, what, timeout) {
  try {
    await visible(page, selector).waitFor({ state: 'visible', timeout });
  } catch {
    fail(`${what}: no visible ${selector} within ${timeout} ms`);
  }
}

export async function expectPath(page, wanted, what) {
  const actual = new URL(page.url()).pathname.replace(/\/+$/, '') || '/';
  if (actual !== wanted) fail(`${what}: expected to be on ${wanted}, but the browser is on ${page.url()}`);
}

/** Clicks a link and waits for the page it leads to. */
export async function followLink(page, selector, timeout) {
  await expectVisible(page, selector, 'link', timeout);
  log(`  click ${selector}`);
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout }),
    visible(page, selector).click({ timeout }),
  ]);
  checkStatus(response, `following ${selector}`);
}

/** Fills the named fields of a form, submits it, and waits for the page the submission leads to. */
export async function submitForm(page, formSel, fields, timeout) {
  await expectVisible(page, formSel, 'form', timeout);
  const form = visible(page, formSel);
  for (const [name, value] of Object.entries(fields)) {
    const field = form.locator(`[name="${name}"]`).first();
    try {
      await field.waitFor({ state: 'visible', timeout });
    } catch {
      fail(`form ${formSel} has no visible field [name="${name}"]`);
    }
    await field.fill(value, { timeout });
  }
  const submit = form.locator('button[type=submit], input[type=submit]').first();
  try {
    await submit.waitFor({ state: 'visible', timeout });
  } catch {
    fail(`form ${formSel} has no visible submit button`);
  }
  log(`  submit ${formSel} (${Object.keys(fields).join(', ')})`);
  let response;
  try {
    [response] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load', timeout }),
      submit.click({ timeout }),
    ]);
  } catch (e) {
    fail(`submitting ${formSel} did not load a new page within ${timeout} ms: ${e.message.split('\n')[0]}`);
  }
  checkStatus(response, `submitting ${formSel}`);
  return response;
}

// ---------------------------------------------------------------------------------------------
// Mail

/** Undoes quoted-printable soft line breaks and `=3D`, and decodes base64 MIME parts. */
export function decodeMail(raw) {
  let text = raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  const b64 = /content-transfer-encoding:\s*base64[^\n]*\n(?:[^\r\n]+\r?\n)*?\r?\n([A-Za-z0-9+/=\r\n]+)/gi;
  for (const m of raw.matchAll(b64)) {
    text += '\n' + Buffer.from(m[1].replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return text;
}

async function emlFiles(dir, depth = 0) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
  const out = [];
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && depth < 3) out.push(...(await emlFiles(p, depth + 1)));
    else if (e.isFile() && e.name.toLowerCase().endsWith('.eml')) out.push(p);
  }
  return out;
}

/** Polls the mail dir for the newest .eml mentioning `email` with a verification link. */
export async function waitForVerifyLink(mailDir, email, base, timeout) {
  const deadline = Date.now() + timeout;
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const exact = new RegExp(`${escaped}/verify/([A-Za-z0-9_-]+)`);
  const anyVerify = /https?:\/\/[^\s"'<>]+\/verify\/[A-Za-z0-9_-]+/;
  let seen = 0;
  let mentioning = [];
  for (;;) {
    const files = await emlFiles(mailDir);
    seen = files.length;
    const withTime = [];
    for (const f of files) {
      try {
        withTime.push({ f, mtime: (await stat(f)).mtimeMs });
      } catch {
        // Removed while we looked.
      }
    }
    withTime.sort((a, b) => b.mtime - a.mtime);
    mentioning = [];
    for (const { f } of withTime) {
      let text;
      try {
        text = decodeMail(await readFile(f, 'utf8'));
      } catch {
        continue;
      }
      if (!text.toLowerCase().includes(email.toLowerCase())) continue;
      mentioning.push({ f, text });
      const m = text.match(exact);
      if (m) return { file: f, link: `${base}/verify/${m[1]}` };
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (mentioning.length === 0) {
    fail(
      `no .eml file mentioning ${email} appeared under ${mailDir} within ${timeout} ms ` +
        `(${seen} .eml file(s) there)`,
    );
  }
  const other = mentioning.map((m) => m.text.match(anyVerify)).find(Boolean);
  fail(
    `the newest mail to ${email} (${mentioning[0].f}) has no link ${base}/verify/<token>` +
      (other ? `; it links ${other[0]} instead (wrong base URL?)` : '') +
      `\n--- mail text ---\n${mentioning[0].text.slice(0, 2000)}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Running a scenario

export async function withTimeout(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([
      promise,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Watches a page for dialogs, script errors and console errors (logged; dialogs collected). */
export function watch(page, dialogs) {
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    log(`  !! dialog opened: ${d.type()} ${JSON.stringify(d.message())}`);
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => log(`  page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') log(`  console error: ${m.text()} (${m.location().url})`);
  });
}

/**
 * Launches chromium and runs `scenario({ newPage, dialogs })`, where `newPage()` opens a page in
 * a fresh browser context (its own cookies: one person). Bounded by `timeout` per step and 12
 * times that overall; on failure prints the step, the last page's text, saves a screenshot
 * beside `screenshot`, and exits 1.
 */
export async function run({ timeout, screenshot, scenario }) {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  const overall = timeout * 12;
  const watchdog = setTimeout(() => {
    console.error(`e2e: FAILED: the run took over ${overall} ms (during step ${currentStep})`);
    process.exit(3);
  }, overall);
  watchdog.unref();
  let browser;
  let last;
  let ok = false;
  const dialogs = [];
  try {
    step('launch chromium');
    try {
      browser = await chromium.launch({
        executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
        timeout: timeout * 2,
      });
    } catch (e) {
      fail(`could not start ${executablePath}: ${e.message.split('\n')[0]}`);
    }
    const newPage = async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      context.setDefaultTimeout(timeout);
      context.setDefaultNavigationTimeout(timeout);
      const page = await context.newPage();
      watch(page, dialogs);
      last = page;
      return page;
    };
    await scenario({ newPage, dialogs });
    ok = true;
  } catch (e) {
    const message = e instanceof E2eError ? e.message : (e.stack ?? String(e));
    console.error(`e2e: FAILED at step ${currentStep}: ${message}`);
    if (last) {
      console.error(await pageSummary(last));
      const shot = screenshot.replace(/(\.png)?$/i, '.failure.png');
      try {
        await mkdir(path.dirname(shot), { recursive: true });
        await last.screenshot({ path: shot, fullPage: true, timeout: 5000 });
        console.error(`e2e: failure screenshot: ${shot}`);
      } catch {
        // Best effort.
      }
    }
  } finally {
    if (browser) {
      await withTimeout(browser.close(), 10000, 'closing chromium').catch((e) =>
        console.error(`e2e: ${e.message}`),
      );
    }
  }
  if (ok) {
    log('PASSED');
    process.exit(0);
  }
  process.exit(1);
}
