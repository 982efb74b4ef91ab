#!/usr/bin/env node
// End-to-end browser test of a running Caravan hub, in Debian's chromium driven by playwright-core.
//
//   node tests/browser/e2e.mjs --base-url URL --mail-dir DIR --screenshot PATH [--timeout-ms N]
//
// Registers a fresh account, follows the verification link from the mail the hub wrote as an
// .eml file under DIR, logs in, creates a channel, publishes a Markdown post with hostile HTML in
// it, and checks that the channel page shows the rendered post with the HTML made harmless. Saves a
// full-page screenshot of that page to PATH. Exits 0 on success; on any failure prints
// "e2e: FAILED ..." with the step, the page's URL and text, saves PATH's sibling
// "<name>.failure.png", and exits 1 (2 for bad arguments, 3 when the whole run overran).
//
// Environment: CHROMIUM (browser executable, default /usr/bin/chromium).
// Every wait is bounded (--timeout-ms, default 15000, per step; the whole run by 12 times that).

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  expectPath,
  expectVisible,
  fail,
  followLink,
  goto,
  log,
  run,
  step,
  submitForm,
  waitForVerifyLink,
} from './lib.mjs';

const PASSWORD = 'Correct-Horse-42-battery';

// ---------------------------------------------------------------------------------------------
// Arguments

function usage(message) {
  if (message) console.error(`e2e: ${message}`);
  console.error(
    'usage: node e2e.mjs --base-url URL --mail-dir DIR --screenshot PATH [--timeout-ms N]',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const known = new Set(['base-url', 'mail-dir', 'screenshot', 'timeout-ms']);
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') usage();
    if (!arg.startsWith('--')) usage(`unexpected argument ${JSON.stringify(arg)}`);
    let key = arg.slice(2);
    let value;
    const eq = key.indexOf('=');
    if (eq >= 0) {
      value = key.slice(eq + 1);
      key = key.slice(0, eq);
    } else {
      value = argv[++i];
    }
    if (!known.has(key)) usage(`unknown option --${key}`);
    if (value === undefined || value === '') usage(`--${key} needs a value`);
    opts[key] = value;
  }
  for (const key of ['base-url', 'mail-dir', 'screenshot']) {
    if (!opts[key]) usage(`--${key} is required`);
  }
  let baseUrl;
  try {
    baseUrl = new URL(opts['base-url']);
  } catch {
    usage(`--base-url is not a URL: ${opts['base-url']}`);
  }
  const timeout = opts['timeout-ms'] === undefined ? 15000 : Number(opts['timeout-ms']);
  if (!Number.isInteger(timeout) || timeout <= 0) usage('--timeout-ms must be a positive integer');
  return {
    base: baseUrl.href.replace(/\/+$/, ''),
    mailDir: path.resolve(opts['mail-dir']),
    screenshot: path.resolve(opts.screenshot),
    timeout,
  };
}

// ---------------------------------------------------------------------------------------------
// The scenario

async function scenario(page, opts, dialogs, newPage) {
  const { base, mailDir, timeout } = opts;
  const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const email = `e2e-${stamp}@example.com`;
  const nick = `e2e${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  const displayName = `E2E Tester ${stamp}`;
  const marker = `e2e-post-${stamp}`;
  const body =
    `Hello **caravan** ${marker} <script>alert(1)</script>\n\n` +
    `<em onclick="alert(2)" onmouseover="alert(2)">inline HTML</em> and [a link](javascript:alert(3))`;
  log(`account ${email}, channel ${nick}`);

  step('home page links to /register and /login');
  await goto(page, `${base}/`, timeout);
  await expectVisible(page, 'a[href="/register"]', 'home page', timeout);
  await expectVisible(page, 'a[href="/login"]', 'home page', timeout);

  step('register');
  await followLink(page, 'a[href="/register"]', timeout);
  await expectPath(page, '/register', 'after following the register link');
  await submitForm(page, '#register-form', { email, password: PASSWORD }, timeout);
  await expectVisible(page, '#notice', 'after registering', timeout);
  log(`  notice: ${(await page.locator('#notice').first().innerText()).trim()}`);

  step('find the verification mail');
  const { file, link } = await waitForVerifyLink(mailDir, email, base, timeout);
  log(`  mail ${file}`);
  log(`  link ${link}`);

  step('verify the email address');
  await goto(page, link, timeout);
  await expectVisible(page, '#notice', 'verification page', timeout);
  log(`  notice: ${(await page.locator('#notice').first().innerText()).trim()}`);
  await expectVisible(page, 'a[href="/login"]', 'verification page', timeout);

  step('log in');
  await followLink(page, 'a[href="/login"]', timeout);
  await expectPath(page, '/login', 'after following the login link');
  await submitForm(page, '#login-form', { email, password: PASSWORD }, timeout);
  await expectPath(page, '/channels', 'after logging in');
  await expectVisible(page, 'a[href="/channels/new"]', 'channel picker', timeout);

  step('create a channel');
  await followLink(page, 'a[href="/channels/new"]', timeout);
  await expectPath(page, '/channels/new', 'after following the new-channel link');
  await expectVisible(page, '#channel-form select[name="role"]', 'new-channel form', timeout);
  await submitForm(page, '#channel-form', { nick, name: displayName }, timeout);
  await expectPath(page, `/channel/${nick}`, 'after creating the channel');

  step('publish a post');
  await submitForm(page, '#compose-form', { body }, timeout);
  await expectPath(page, `/channel/${nick}`, 'after posting');

  step('see the post, rendered and sanitised, on the channel page');
  const post = page.locator('article.post', { hasText: marker });
  try {
    await post.first().waitFor({ state: 'visible', timeout });
  } catch {
    fail(`no article.post containing ${marker} on the channel page`);
  }
  const strong = post.first().locator('strong', { hasText: 'caravan' });
  if ((await strong.count()) === 0) {
    const html = await post.first().innerHTML();
    fail(`the post has no <strong>caravan</strong> (Markdown not rendered?); its HTML:\n${html}`);
  }
  const html = await post.first().innerHTML();
  log(`  post HTML: ${html.replace(/\s+/g, ' ').trim().slice(0, 400)}`);
  const scripts = await page.locator('article.post script').count();
  if (scripts > 0) fail(`${scripts} <script> element(s) inside article.post`);
  const handlers = await page.evaluate(() =>
    [...document.querySelectorAll('article.post *')].flatMap((el) =>
      [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `<${el.localName} ${a.name}>`),
    ),
  );
  if (handlers.length > 0) fail(`event handler attributes inside article.post: ${handlers.join(', ')}`);
  const jsLinks = await page.evaluate(() =>
    [...document.querySelectorAll('article.post [href], article.post [src]')]
      .map((el) => el.getAttribute('href') ?? el.getAttribute('src'))
      .filter((v) => /^\s*javascript:/i.test(v)),
  );
  if (jsLinks.length > 0) fail(`javascript: URLs inside article.post: ${jsLinks.join(', ')}`);
  if (dialogs.length > 0) fail(`the page ran script: dialog(s) opened: ${dialogs.join(' | ')}`);

  step('screenshot');
  await mkdir(path.dirname(opts.screenshot), { recursive: true });
  await page.screenshot({ path: opts.screenshot, fullPage: true, timeout });
  log(`  saved ${opts.screenshot}`);

  step('upload two files to the channel\'s cloud');
  await followLink(page, '#files-link', timeout);
  await expectPath(page, `/cloud/${nick}`, 'after following the Files link');
  for (const [name, text] of [['plan.txt', `the plan ${marker}`], ['secret.txt', `the secret ${marker}`]]) {
    await page.locator('#upload-form input[type=file]').setInputFiles({
      name,
      mimeType: 'text/plain',
      buffer: Buffer.from(text),
    });
    const [response] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load', timeout }),
      page.locator('#upload-form button[type=submit]').click({ timeout }),
    ]);
    if (!response || response.status() !== 200) fail(`uploading ${name}: status ${response?.status()}`);
    await expectVisible(page, '#notice', `after uploading ${name}`, timeout);
  }
  const secretRow = page.locator('tr.entry', { hasText: 'secret.txt' });
  const secretHref = await secretRow.locator('a.file').getAttribute('href');
  log(`  secret.txt is ${secretHref}`);

  step('restrict secret.txt to the channel\'s connections');
  await secretRow.locator('select[name="audience"]').selectOption('connections');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout }),
    secretRow.locator('form[action$="/access"] button[type=submit]').click({ timeout }),
  ]);
  const restricted = page.locator('tr.entry', { hasText: 'secret.txt' });
  if (!(await restricted.innerText()).includes('Restricted')) fail('secret.txt is not shown as restricted');
  const files = opts.screenshot.replace(/\.png$/, '') + '-files.png';
  await page.screenshot({ path: files, fullPage: true, timeout });
  log(`  saved ${files}`);

  step('an anonymous visitor sees plan.txt but not secret.txt');
  const anon = await newPage();
  await goto(anon, `${base}/cloud/${nick}`, timeout);
  const listing = await anon.locator('main').innerText();
  if (!listing.includes('plan.txt')) fail(`plan.txt missing for an anonymous visitor:\n${listing}`);
  if (listing.includes('secret.txt')) fail(`secret.txt listed for an anonymous visitor:\n${listing}`);
  const direct = await anon.goto(`${base}${secretHref}`, { timeout });
  if (direct.status() !== 404) fail(`secret.txt answered ${direct.status()} to an anonymous visitor`);
  if ((await anon.content()).includes(`the secret ${marker}`)) fail('the secret leaked');
  log('  plan.txt listed, secret.txt absent and 404');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  log(`base URL ${opts.base}, mail dir ${opts.mailDir}, screenshot ${opts.screenshot}`);
  await run({
    timeout: opts.timeout,
    screenshot: opts.screenshot,
    scenario: async ({ newPage, dialogs }) => scenario(await newPage(), opts, dialogs, newPage),
  });
}

main().catch((e) => {
  console.error(`e2e: FAILED: ${e.stack ?? e}`);
  process.exit(1);
});
