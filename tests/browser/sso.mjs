#!/usr/bin/env node
// Single sign-on across hubs in Debian's chromium (playwright-core): bob, logged in on his hub
// (beta), follows a link to alice's channel on alpha and is recognised there (OpenWebAuth), and
// sees the post alice restricted to him; the same page opened anonymously, and by carol (also
// recognised), does not show it; leaving the visit hides it again.
//
//   node tests/browser/sso.mjs --alpha URL --beta URL --page PATH --secret TEXT \
//     --bob EMAIL --carol EMAIL --password PW --bob-address ADDR --carol-address ADDR \
//     --screenshot PATH [--timeout-ms N]
//
// Exits 0 on success (prints "e2e [..] PASSED"), 1 on failure with the step and the page's text
// and a "<name>.failure.png" screenshot, 2 for bad arguments, 3 when the whole run overran.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expectPath, expectVisible, fail, goto, log, run, step, submitForm } from './lib.mjs';

const KNOWN = [
  'alpha',
  'beta',
  'page',
  'secret',
  'bob',
  'carol',
  'password',
  'bob-address',
  'carol-address',
  'screenshot',
  'timeout-ms',
];

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '');
    const value = argv[i + 1];
    if (!KNOWN.includes(key) || value === undefined || value === '') {
      console.error(`sso: bad argument ${argv[i]}\nknown: ${KNOWN.map((k) => `--${k}`).join(' ')}`);
      process.exit(2);
    }
    opts[key] = value;
  }
  for (const k of KNOWN.filter((k) => k !== 'timeout-ms')) {
    if (!opts[k]) {
      console.error(`sso: --${k} is required`);
      process.exit(2);
    }
  }
  opts.timeout = Number(opts['timeout-ms'] ?? 15000);
  opts.screenshot = path.resolve(opts.screenshot);
  return opts;
}

async function login(page, base, email, password, timeout) {
  await goto(page, `${base}/login`, timeout);
  await submitForm(page, '#login-form', { email, password }, timeout);
  await expectPath(page, '/channels', `after logging ${email} in`);
}

async function visibleText(page) {
  return page.locator('body').innerText();
}

async function expectVisiting(page, address, timeout) {
  await expectVisible(page, 'li.visiting', 'the visitor banner', timeout);
  const banner = (await page.locator('li.visiting').first().innerText()).trim();
  if (banner !== `Visiting as ${address}`) fail(`the banner says "${banner}", not "Visiting as ${address}"`);
  log(`  banner: ${banner}`);
}

async function scenario({ newPage, dialogs }, o) {
  const target = `${o.alpha}${o.page}`;

  step('bob logs in on his own hub');
  const bob = await newPage();
  await login(bob, o.beta, o.bob, o.password, o.timeout);

  step("bob follows a link to alice's channel on alpha and is recognised");
  await goto(bob, `${target}?zid=${encodeURIComponent(o['bob-address'])}`, o.timeout);
  if (bob.url() !== target) fail(`expected to land on ${target}, the browser is on ${bob.url()}`);
  await expectVisiting(bob, o['bob-address'], o.timeout);

  step('bob sees the post alice restricted to him');
  const post = bob.locator('article.post', { hasText: o.secret });
  try {
    await post.first().waitFor({ state: 'visible', timeout: o.timeout });
  } catch {
    fail(`no article.post containing ${o.secret} for bob`);
  }
  log(`  seen by: ${(await post.first().locator('.seen-by').innerText().catch(() => '')).trim()}`);
  await mkdir(path.dirname(o.screenshot), { recursive: true });
  await bob.screenshot({ path: o.screenshot, fullPage: true, timeout: o.timeout });
  log(`  saved ${o.screenshot}`);

  step('the same page opened anonymously does not show it');
  const anon = await newPage();
  await goto(anon, target, o.timeout);
  if ((await visibleText(anon)).includes(o.secret)) fail('an anonymous visitor sees the restricted post');
  if ((await anon.locator('li.visiting').count()) > 0) fail('an anonymous visitor has a visitor banner');

  step('carol, recognised too, does not see it');
  const carol = await newPage();
  await login(carol, o.beta, o.carol, o.password, o.timeout);
  await goto(carol, `${target}?zid=${encodeURIComponent(o['carol-address'])}`, o.timeout);
  await expectVisiting(carol, o['carol-address'], o.timeout);
  if ((await visibleText(carol)).includes(o.secret)) fail('carol sees the post restricted to bob');

  step('bob leaves; the post is hidden again');
  await submitForm(bob, 'form[action="/visitor/leave"]', {}, o.timeout);
  await goto(bob, target, o.timeout);
  if ((await visibleText(bob)).includes(o.secret)) fail('bob still sees it after leaving');
  if ((await bob.locator('li.visiting').count()) > 0) fail('the visitor banner stayed after leaving');

  if (dialogs.length > 0) fail(`a page ran script: ${dialogs.join(' | ')}`);
}

const opts = parseArgs(process.argv.slice(2));
log(`alpha ${opts.alpha}, beta ${opts.beta}, page ${opts.page}`);
run({
  timeout: opts.timeout,
  screenshot: opts.screenshot,
  scenario: (tools) => scenario(tools, opts),
}).catch((e) => {
  console.error(`e2e: FAILED: ${e.stack ?? e}`);
  process.exit(1);
});
