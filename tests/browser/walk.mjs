#!/usr/bin/env node
// The browser walk: every page a person meets on two hubs (alpha, beta), in Debian's chromium
// driven by playwright-core, once with JavaScript on and once with it off. Every page visited is
// photographed at 390 px and 1280 px (JavaScript-on pass), checked with axe-core (WCAG 2.0/2.1
// A and AA: zero violations) and saved as served for the Nu Html Checker (vnu.jar, zero errors),
// which runs over all of them at the end. Alice's channel page with 20 posts is weighed (HTML +
// CSS + JS under 100 KB, no request leaving the hub's origin).
//
//   node tests/browser/walk.mjs --alpha URL --beta URL --alpha-mail DIR --bob-email EMAIL \
//     --bob-nick NICK --bob-address ADDR --admin-email EMAIL --password PW --out DIR \
//     [--timeout-ms N] [--passes js,nojs]
//
// Talking to the Rust test (tests/suite/browser.rs), one line each way, on stdout / stdin:
//   DRAIN                        → DRAINED <n>   (net.drain(): deliveries between the hubs)
//   ADVANCE-CLOCK <secs>         → ADVANCED      (the hubs' shared manual clock)
//   POSTS <hub> <nick> <count>   → POSTED <n>    (public posts made through the service layer)
// Every wait for an answer is bounded by --timeout-ms. By hand, type the answers.
//
// A failing step is reported (its name, the error, the page's URL and text, a screenshot under
// OUT/failures/) and the walk goes on with the next step unless the failed one was a step every
// later one needs; at the end every failure, every axe violation and every vnu error is listed,
// and the exit status is 1 if there was any (0: all clean; 2 bad arguments; 3 overran).

import AxeBuilder from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import {
  CHROMIUM_ARGS,
  E2eError,
  expectPath,
  expectVisible,
  fail,
  log,
  pageSummary,
  step as logStep,
  visible,
  waitForVerifyLink,
  watch,
  withTimeout,
} from './lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const WIDTHS = [390, 1280];
const WEIGHT_LIMIT = 100 * 1024;

// ---------------------------------------------------------------------------------------------
// Arguments

const KNOWN = {
  alpha: true,
  beta: true,
  'alpha-mail': true,
  'bob-email': true,
  'bob-nick': true,
  'bob-address': true,
  'admin-email': true,
  password: true,
  out: true,
  'timeout-ms': false,
  passes: false,
};

function usage(message) {
  console.error(`walk: ${message}`);
  console.error(`usage: node walk.mjs ${Object.keys(KNOWN).map((k) => `--${k} …`).join(' ')}`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '');
    const value = argv[i + 1];
    if (!(key in KNOWN)) usage(`unknown argument ${argv[i]}`);
    if (value === undefined || value === '') usage(`--${key} needs a value`);
    o[key] = value;
  }
  for (const [k, required] of Object.entries(KNOWN)) if (required && !o[k]) usage(`--${k} is required`);
  o.alpha = o.alpha.replace(/\/+$/, '');
  o.beta = o.beta.replace(/\/+$/, '');
  o.timeout = Number(o['timeout-ms'] ?? 15000);
  if (!Number.isInteger(o.timeout) || o.timeout <= 0) usage('--timeout-ms must be a positive integer');
  o.passes = (o.passes ?? 'js,nojs').split(',');
  if (o.passes.some((p) => p !== 'js' && p !== 'nojs')) usage('--passes takes js and/or nojs');
  o.out = path.resolve(o.out);
  return o;
}

// ---------------------------------------------------------------------------------------------
// The line protocol with the Rust side

const stdinLines = [];
let stdinWaiter = null;
let stdinClosed = false;
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  stdinLines.push(line.trim());
  if (stdinWaiter) stdinWaiter();
});
rl.on('close', () => {
  stdinClosed = true;
  if (stdinWaiter) stdinWaiter();
});

/** Prints a command line and waits (bounded) for the answer starting with `reply`. */
async function ask(command, reply, timeout) {
  console.log(command);
  const deadline = Date.now() + timeout;
  for (;;) {
    while (stdinLines.length > 0) {
      const line = stdinLines.shift();
      if (line === reply || line.startsWith(`${reply} `)) return line.slice(reply.length).trim();
      if (line.startsWith('ERROR')) fail(`the test answered ${command} with ${line}`);
      log(`  (ignored input line ${JSON.stringify(line)})`);
    }
    if (stdinClosed) fail(`stdin closed while waiting for ${reply} after ${command}`);
    const left = deadline - Date.now();
    if (left <= 0) fail(`no ${reply} on stdin within ${timeout} ms after ${command}`);
    await new Promise((resolve) => {
      const t = setTimeout(resolve, left);
      stdinWaiter = () => {
        clearTimeout(t);
        resolve();
      };
    });
    stdinWaiter = null;
  }
}

// ---------------------------------------------------------------------------------------------
// A small PNG (a gradient), for the profile photo

function crc32(buf) {
  let crc = ~0;
  for (const b of buf) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function gradientPng(w, h) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    for (let x = 0; x < w; x++) {
      raw[row + 1 + x * 3] = (x * 255) / w;
      raw[row + 2 + x * 3] = (y * 255) / h;
      raw[row + 3 + x * 3] = 160;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// The walker: contexts, page snapshots (screenshots, axe, saved HTML), steps that keep going

class Abort extends Error {}

class Walker {
  constructor(browser, o) {
    this.browser = browser;
    this.o = o;
    this.timeout = o.timeout;
    this.n = 0;
    this.pages = []; // { file, url, pass, shots: [] }
    this.failures = []; // { pass, step, message }
    this.axe = []; // { file, width, id, impact, help, targets }
    this.dialogs = [];
    this.last = null;
    this.pass = 'js';
    this.inspector = null;
  }

  get js() {
    return this.pass === 'js';
  }

  /** A fresh browser context (one person) with the pass's JavaScript setting. */
  async person(label) {
    const context = await this.browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: this.js,
      acceptDownloads: true,
    });
    context.setDefaultTimeout(this.timeout);
    context.setDefaultNavigationTimeout(this.timeout);
    const page = await context.newPage();
    page.walkLabel = label;
    watch(page, this.dialogs);
    // The last main-frame document as the server sent it (what the validator checks).
    page.on('response', (r) => {
      const req = r.request();
      if (req.frame() === page.mainFrame() && req.isNavigationRequest() && (r.status() < 300 || r.status() >= 400)) {
        page.walkDoc = r;
      }
    });
    this.last = page;
    return page;
  }

  async goto(page, url, { status = 200 } = {}) {
    this.last = page;
    log(`  [${page.walkLabel}] GET ${url}`);
    const r = await page.goto(url, { waitUntil: 'load' });
    if (!r) fail(`GET ${url}: no response`);
    if (r.status() !== status) fail(`GET ${url} answered HTTP ${r.status()}, expected ${status}`);
    return r;
  }

  /** Clicks something that loads a new page and waits for it (status < 400). */
  async click(page, locator, what) {
    this.last = page;
    log(`  [${page.walkLabel}] click ${what}`);
    let r;
    try {
      await locator.first().waitFor({ state: 'visible' });
    } catch {
      fail(`${what}: not visible on ${page.url()}`);
    }
    try {
      [r] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.first().click()]);
    } catch (e) {
      fail(`${what} did not load a page: ${e.message.split('\n')[0]}`);
    }
    if (r && r.status() >= 400) fail(`${what} answered HTTP ${r.status()} (${r.url()})`);
    return r;
  }

  /** Fills a form's named fields and clicks `button` (default: its first submit button). */
  async submit(page, formSel, fields, button = 'button[type=submit], input[type=submit]') {
    this.last = page;
    const form = visible(page, formSel);
    try {
      await form.waitFor({ state: 'visible' });
    } catch {
      fail(`no visible form ${formSel} on ${page.url()}`);
    }
    for (const [name, value] of Object.entries(fields)) {
      const field = form.locator(`[name="${name}"]`).first();
      if ((await field.count()) === 0) fail(`form ${formSel} has no field [name="${name}"]`);
      await field.fill(value);
    }
    log(`  [${page.walkLabel}] submit ${formSel} (${Object.keys(fields).join(', ') || 'no fields'})`);
    return this.click(page, form.locator(button), `the submit button of ${formSel}`);
  }

  async text(page, selector = 'main') {
    return (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
  }

  async expectText(page, selector, wanted, what) {
    const t = await this.text(page, selector).catch(() => '');
    if (!t.includes(wanted)) fail(`${what}: ${selector} does not say "${wanted}"; it says: ${t.slice(0, 600)}`);
  }

  async expectFlash(page, wanted) {
    await expectVisible(page, '#flash', `flash message "${wanted}"`, this.timeout);
    const role = await page.locator('#flash').first().getAttribute('role');
    if (role !== 'status') fail(`#flash has role=${role}, not status`);
    if (wanted) await this.expectText(page, '#flash', wanted, 'the flash message');
    log(`  flash: ${await this.text(page, '#flash')}`);
  }

  /** Records the page: served HTML for vnu, screenshots at both widths (JS on), axe. */
  async snap(page, name) {
    this.last = page;
    this.n += 1;
    const base = `${String(this.n).padStart(2, '0')}-${this.js ? '' : 'nojs-'}${name}`;
    const entry = { file: base, url: page.url(), pass: this.pass, shots: [] };
    this.pages.push(entry);
    let html = null;
    try {
      if (page.walkDoc && page.walkDoc.url() === page.url()) html = (await page.walkDoc.body()).toString('utf8');
    } catch {
      // The body is gone (navigated away): fall back to the DOM.
    }
    if (html === null) html = await page.content();
    await writeFile(path.join(this.o.out, 'html', `${base}.html`), html);
    if (this.js) {
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        const shot = path.join(this.o.out, `${base}-${width}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        entry.shots.push(path.basename(shot));
        await this.runAxe(page, base, width);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    } else {
      // axe needs script in the page: check the same HTML, with its CSS and without its
      // scripts (as JavaScript-off shows it), in a JavaScript-on inspector page.
      await this.axeWithoutScripts(page.url(), html, base);
    }
    log(`  recorded ${base} (${page.url()})`);
  }

  async runAxe(page, base, width) {
    let result;
    try {
      result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    } catch (e) {
      this.axe.push({ file: base, width, id: 'axe-error', impact: '', help: e.message.split('\n')[0], targets: [] });
      return;
    }
    for (const v of result.violations) {
      const key = `${v.id} ${v.nodes.map((n) => n.target.join(' ')).join('|')}`;
      if (this.axe.some((a) => a.file === base && a.key === key)) continue;
      const item = {
        file: base,
        width,
        key,
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => `${n.target.join(' ')} → ${n.html.slice(0, 200)}`),
      };
      this.axe.push(item);
      log(`  !! axe ${v.id} (${v.impact}) at ${width}px: ${v.help}`);
      for (const t of item.targets) log(`       ${t}`);
    }
  }

  async axeWithoutScripts(url, html, base) {
    if (!this.inspector) {
      const ctx = await this.browser.newContext({ viewport: { width: 1280, height: 900 } });
      ctx.setDefaultTimeout(this.timeout);
      this.inspector = await ctx.newPage();
      this.inspector.walkLabel = 'inspector';
    }
    const p = this.inspector;
    await p.unroute('**/*').catch(() => {});
    await p.route('**/*', (route) => {
      const req = route.request();
      if (req.isNavigationRequest() && req.frame() === p.mainFrame()) {
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      }
      if (req.resourceType() === 'script') return route.abort();
      return route.continue();
    });
    await p.goto(url, { waitUntil: 'load' });
    await this.runAxe(p, base, 1280);
  }

  /** Runs one step; a failure is recorded and the walk goes on unless `critical`. */
  async step(name, fn, { critical = false } = {}) {
    logStep(`[${this.pass}] ${name}`);
    try {
      await withTimeout(fn(), this.timeout * 6, `step "${name}"`);
    } catch (e) {
      const message = e instanceof E2eError ? e.message : (e.stack ?? String(e));
      const failure = { pass: this.pass, step: name, message };
      this.failures.push(failure);
      console.error(`walk: STEP FAILED [${this.pass}] ${name}: ${message}`);
      if (this.last) {
        console.error(await pageSummary(this.last).catch(() => '(no page summary)'));
        const shot = path.join(this.o.out, 'failures', `${this.pass}-${this.failures.length}.png`);
        await this.last.screenshot({ path: shot, fullPage: true, timeout: 5000 }).then(
          () => console.error(`walk: failure screenshot ${shot}`),
          () => {},
        );
      }
      if (critical) throw new Abort(`[${this.pass}] ${name} failed; the later steps of this pass need it`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Page pieces

async function login(w, page, base, email, password) {
  await w.goto(page, `${base}/login`);
  await w.submit(page, '#login-form', { email, password });
  await expectPath(page, '/channels', `after logging ${email} in`);
}

/** The uuid of the first article.post containing `text` on the page (from its permalink). */
async function postUuid(page, text) {
  const post = page.locator('article.post', { hasText: text }).first();
  try {
    await post.waitFor({ state: 'visible' });
  } catch {
    fail(`no article.post containing "${text}" on ${page.url()}`);
  }
  const href = await post.locator('a[href^="/item/"]').first().getAttribute('href');
  const m = href?.match(/^\/item\/([0-9a-fA-F-]+)/);
  if (!m) fail(`the post "${text}" has no /item/<uuid> link (found ${href})`);
  return m[1];
}

async function checkSanitised(page, scope) {
  const found = await page.evaluate((sel) => {
    const out = [];
    for (const el of document.querySelectorAll(`${sel} *`)) {
      if (el.localName === 'script') out.push('<script>');
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) out.push(`<${el.localName} ${a.name}>`);
        if ((a.name === 'href' || a.name === 'src') && /^\s*javascript:/i.test(a.value)) out.push(`${a.name}=${a.value}`);
      }
    }
    return out;
  }, scope);
  if (found.length > 0) fail(`hostile HTML survived in ${scope}: ${found.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// One pass of the walk

async function walkPass(w, who) {
  const o = w.o;
  const A = o.alpha;
  const B = o.beta;
  const { email, nick, name } = who;
  let password = o.password;
  const newPassword = `${o.password}-changed-${w.pass}`;
  const stamp = `${w.pass}-${Date.now().toString(36)}`;
  const markdown = [
    `# Walk heading ${stamp}`,
    '',
    `A paragraph with **bold** text and a bare URL https://example.org/walk/${w.pass} in it.`,
    '',
    '```',
    'fn main() { println!("walk"); }',
    '```',
    '',
    `> A quote from the walk ${stamp}`,
    '',
    '| Planet | Moons |',
    '| ------ | ----- |',
    '| Earth  | 1     |',
    '| Mars   | 2     |',
    '',
    `Hostile: <script>alert(1)</script> <em onclick="alert(2)" onmouseover="alert(2)">inline</em> and [a link](javascript:alert(3)).`,
  ].join('\n');
  const edited = `Edited ${stamp}`;
  const state = {};
  let alice;
  let bob;

  await w.step(
    'the home page, anonymously, links to register and log in',
    async () => {
      alice = await w.person(nick);
      // The JavaScript-off pass really runs no page script (a probe page, never sent to the hub).
      const probe = `${A}/__walk-script-probe`;
      await alice.route(probe, (r) =>
        r.fulfill({ contentType: 'text/html', body: '<!DOCTYPE html><title>off</title><script>document.title = "on"</script>' }),
      );
      await alice.goto(probe);
      const ran = (await alice.title()) === 'on';
      await alice.unroute(probe);
      if (ran !== w.js) fail(`page script ${ran ? 'runs' : 'does not run'} in the ${w.pass} pass`);
      await w.goto(alice, `${A}/`);
      await expectVisible(alice, 'a[href="/register"]', 'home page', w.timeout);
      await expectVisible(alice, 'a[href="/login"]', 'home page', w.timeout);
      await w.snap(alice, 'home');
    },
    { critical: true },
  );

  await w.step(
    'register',
    async () => {
      await w.click(alice, visible(alice, 'a[href="/register"]'), 'the Register link');
      await expectPath(alice, '/register', 'after following Register');
      await w.snap(alice, 'register');
      await w.submit(alice, '#register-form', { email, password });
      await expectVisible(alice, '#notice, #flash', 'after registering', w.timeout);
      await w.snap(alice, 'registered');
    },
    { critical: true },
  );

  await w.step(
    'follow the verification mail',
    async () => {
      const { link } = await waitForVerifyLink(o['alpha-mail'], email, A, w.timeout);
      log(`  link ${link}`);
      await w.goto(alice, link);
      await expectVisible(alice, '#notice, #flash', 'verification page', w.timeout);
      await w.snap(alice, 'verified');
    },
    { critical: true },
  );

  await w.step(
    'log in',
    async () => {
      await w.click(alice, visible(alice, 'main a[href="/login"], a[href="/login"]'), 'the Log in link');
      await expectPath(alice, '/login', 'after following Log in');
      await w.snap(alice, 'login');
      await w.submit(alice, '#login-form', { email, password });
      await expectPath(alice, '/channels', 'after logging in');
      await w.snap(alice, 'channels-empty');
    },
    { critical: true },
  );

  await w.step(
    'create a channel',
    async () => {
      await w.click(alice, visible(alice, 'a[href="/channels/new"]'), 'Create a channel');
      await w.snap(alice, 'channel-new');
      await w.submit(alice, '#channel-form', { nick, name });
      await expectPath(alice, `/channel/${nick}`, 'after creating the channel');
      await w.snap(alice, 'channel-empty');
    },
    { critical: true },
  );

  await w.step('preview a post', async () => {
    await w.submit(alice, '#compose-form', { body: markdown }, 'button[name="preview"]');
    await expectVisible(alice, '#preview', 'the preview', w.timeout);
    const kept = await alice.locator('#compose-form textarea[name="body"]').inputValue();
    if (kept !== markdown) fail(`the composer did not keep the text after the preview (it holds ${JSON.stringify(kept.slice(0, 200))})`);
    if ((await alice.locator('#preview blockquote').count()) === 0) fail('the preview has no rendered quote');
    await checkSanitised(alice, '#preview');
    await w.snap(alice, 'preview');
  });

  await w.step(
    'publish a Markdown post',
    async () => {
      await w.goto(alice, `${A}/channel/${nick}`);
      await w.submit(alice, '#compose-form', { body: markdown }, 'button[type=submit]:not([name="preview"])');
      await expectPath(alice, `/channel/${nick}`, 'after posting');
      state.uuid = await postUuid(alice, `A quote from the walk ${stamp}`);
      await w.snap(alice, 'channel-post');
    },
    { critical: true },
  );

  await w.step('the post shows a heading, code block, quote, table, linked bare URL; hostile HTML is harmless', async () => {
    const post = alice.locator('article.post', { hasText: stamp }).first();
    await checkSanitised(alice, 'article.post');
    if (w.dialogs.length > 0) fail(`a page ran script: ${w.dialogs.join(' | ')}`);
    const checks = [
      [':is(h1,h2,h3,h4,h5,h6)', `Walk heading ${stamp}`, 'a heading'],
      ['pre code', 'println!', 'a code block'],
      ['blockquote', 'A quote from the walk', 'a quote'],
      ['table', 'Mars', 'a table'],
      [`a[href="https://example.org/walk/${w.pass}"]`, 'example.org', 'a link from the bare URL'],
      ['strong', 'bold', 'bold text'],
    ];
    const missing = [];
    for (const [sel, text, what] of checks) {
      if ((await post.locator(sel, { hasText: text }).count()) === 0) missing.push(`${what} (${sel})`);
    }
    if (missing.length > 0) fail(`the post lacks ${missing.join(', ')}; its HTML:\n${(await post.innerHTML()).slice(0, 1500)}`);
  });

  await w.step('edit the post', async () => {
    await w.goto(alice, `${A}/channel/${nick}`);
    const post = alice.locator('article.post', { hasText: stamp }).first();
    await w.click(alice, post.locator('a.edit-link'), 'the post\'s edit link');
    await expectPath(alice, `/item/${state.uuid}/edit`, 'after following the edit link');
    await w.snap(alice, 'post-edit');
    await w.submit(alice, '#edit-form', { body: `${markdown}\n\n${edited}` });
    await expectPath(alice, `/item/${state.uuid}`, 'after saving the edit');
    await w.expectText(alice, 'article.post', edited, 'the edited permalink');
    await w.click(alice, alice.locator(`a[href="/item/${state.uuid}/history"]`), 'the "edited" marker');
    await w.snap(alice, 'post-history');
  });

  await w.step('the permalink', async () => {
    await w.goto(alice, `${A}/item/${state.uuid}`);
    await w.expectText(alice, 'article.post', `A quote from the walk ${stamp}`, 'the permalink');
    await checkSanitised(alice, 'article.post');
    await w.snap(alice, 'permalink');
  });

  await w.step('edit the profile and upload a photo', async () => {
    await w.goto(alice, `${A}/channel/${nick}/profile`);
    await w.snap(alice, 'profile-edit');
    await w.submit(alice, '#profile-form', { about: `About ${name}: walking ${stamp}`, locality: 'Lisbon' });
    await w.goto(alice, `${A}/channel/${nick}/profile`);
    await alice.locator('#photo-form input[name="photo"]').setInputFiles({
      name: 'me.png',
      mimeType: 'image/png',
      buffer: gradientPng(96, 96),
    });
    await w.click(alice, alice.locator('#photo-form button[type=submit], #photo-form input[type=submit]'), 'the photo upload button');
    await expectPath(alice, `/channel/${nick}/profile`, 'after uploading the photo');
    await w.goto(alice, `${A}/channel/${nick}`);
    const src = await alice.locator('img.avatar').first().getAttribute('src').catch(() => null);
    if (!src || !src.startsWith('/photo/')) fail(`img.avatar on the channel page has src ${src}, not under /photo/`);
    await w.expectText(alice, 'main', 'Lisbon', 'the channel page after the profile edit');
    await w.snap(alice, 'channel-with-photo');
  });

  await w.step('the files page: upload a file', async () => {
    await w.goto(alice, `${A}/cloud/${nick}`);
    await w.snap(alice, 'files-empty');
    await alice.locator('#upload-form input[type=file]').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(`notes ${stamp}\n`),
    });
    await w.click(alice, alice.locator('#upload-form button[type=submit]'), 'Upload');
    await w.expectText(alice, '#files', 'notes.txt', 'the files page after uploading');
    await w.snap(alice, 'files');
  });

  await w.step('connect to bob on beta', async () => {
    await w.goto(alice, `${A}/channel/${nick}/connections`);
    await w.snap(alice, 'connections-empty');
    await w.submit(alice, '#connect-form', { address: o['bob-address'] });
    await w.expectText(alice, 'main', o['bob-address'], 'the connections page after connecting');
    await w.snap(alice, 'connections');
    await ask('DRAIN', 'DRAINED', w.timeout * 4);
  });

  await w.step("bob, on beta in his own browser, approves alice's request", async () => {
    bob = await w.person(`bob/${w.pass}`);
    await login(w, bob, B, o['bob-email'], o.password);
    await w.goto(bob, `${B}/channel/${o['bob-nick']}/connections`);
    const req = bob.locator('li', { hasText: `${nick}@` }).filter({ has: bob.locator('form[action$="/connections/approve"]') });
    if ((await req.count()) === 0) fail(`bob's connections page shows no request from ${nick}`);
    await w.snap(bob, 'bob-connection-request');
    await w.click(bob, req.first().locator('form[action$="/connections/approve"] button[type=submit]'), 'Approve');
    await ask('DRAIN', 'DRAINED', w.timeout * 4);
    await w.goto(bob, `${B}/channel/${o['bob-nick']}/connections`);
    await w.expectText(bob, 'main', `${nick}@`, "bob's connections after approving");
    await w.snap(bob, 'bob-connections');
  });

  await w.step('alice posts for her connections; bob sees it on his network stream and comments', async () => {
    state.hello = `Hello bob, from ${nick} ${stamp}`;
    await w.goto(alice, `${A}/channel/${nick}`);
    await w.submit(alice, '#compose-form', { body: state.hello }, 'button[type=submit]:not([name="preview"])');
    state.helloUuid = await postUuid(alice, state.hello);
    await ask('DRAIN', 'DRAINED', w.timeout * 4);
    await w.goto(bob, `${B}/channel/${o['bob-nick']}/stream`);
    const thread = bob.locator('article.thread', { hasText: state.hello });
    if ((await thread.count()) === 0) fail(`bob's network stream does not show "${state.hello}"`);
    state.comment = `Nice walk, ${name}! ${stamp}`;
    await thread.first().locator('form.comment-form textarea[name="body"]').fill(state.comment);
    await w.click(bob, thread.first().locator('form.comment-form button[type=submit]'), 'Comment');
    await w.goto(bob, `${B}/channel/${o['bob-nick']}/stream`);
    await w.expectText(bob, 'article.thread', state.comment, "bob's stream after commenting");
    await w.snap(bob, 'bob-stream');
    await ask('DRAIN', 'DRAINED', w.timeout * 4);
  });

  await w.step("alice sees bob's comment on her permalink and her stream", async () => {
    await w.goto(alice, `${A}/item/${state.helloUuid}`);
    await w.expectText(alice, 'article.post', state.comment, "alice's permalink");
    await w.snap(alice, 'permalink-comment');
    await w.goto(alice, `${A}/channel/${nick}/stream`);
    await w.expectText(alice, 'main', state.comment, "alice's network stream");
    await w.snap(alice, 'stream');
  });

  await w.step('notifications: the header counts them, the page lists the comment', async () => {
    await w.goto(alice, `${A}/channel/${nick}`);
    const link = alice.locator('a#notifications-link');
    if ((await link.count()) === 0) fail('no a#notifications-link in the header');
    const label = (await link.first().innerText()).trim();
    if (!/\d/.test(label)) fail(`a#notifications-link says "${label}", without a number`);
    log(`  notifications link: ${label}`);
    await w.click(alice, link, 'the notifications link');
    await w.expectText(alice, 'main', 'commented', 'the notifications page');
    await w.snap(alice, 'notifications');
  });

  await w.step('permissions: change one and save', async () => {
    await w.goto(alice, `${A}/channel/${nick}/permissions`);
    await w.snap(alice, 'permissions');
    const row = alice.locator('tr[id^="perm-"]').first();
    await w.click(alice, row.locator('button[type=submit]'), 'Save on the first permission');
    await expectPath(alice, `/channel/${nick}/permissions`, 'after saving a permission');
  });

  await w.step('locations', async () => {
    await w.goto(alice, `${A}/channel/${nick}/locations`);
    await expectVisible(alice, '#sync-summary', 'the locations page', w.timeout);
    await w.snap(alice, 'locations');
  });

  await w.step('a second channel: the header has a channel switcher', async () => {
    await w.goto(alice, `${A}/channels/new`);
    await w.submit(alice, '#channel-form', { nick: `${nick}news`, name: `${name} News` });
    await expectPath(alice, `/channel/${nick}news`, 'after creating the second channel');
    await expectVisible(alice, '#channel-switcher', 'the channel switcher', w.timeout);
    await w.snap(alice, 'channel-second');
  });

  let second;
  await w.step('settings: change the password; the other logged-in browser is logged out', async () => {
    second = await w.person(`${nick}/second`);
    await login(w, second, A, email, password);
    await w.goto(alice, `${A}/settings`);
    await expectVisible(alice, '#email-form', 'the email form on /settings', w.timeout).catch((e) => {
      state.emailFormMissing = e.message;
    });
    await w.snap(alice, 'settings');
    await w.submit(alice, '#password-form', { current: password, password: newPassword });
    if ((await alice.locator('#flash, #notice').count()) === 0) fail('no message after changing the password');
    password = newPassword;
    await w.snap(alice, 'settings-password-changed');
    await w.goto(second, `${A}/settings`);
    await expectPath(second, '/login', 'the second browser, after the password change');
    await second.context().close();
    if (state.emailFormMissing) fail(state.emailFormMissing);
  });

  await w.step('apps settings: make an app password', async () => {
    await w.goto(alice, `${A}/settings/apps`);
    await w.snap(alice, 'settings-apps');
    await w.submit(alice, '#new-password-form', { name: `walk ${w.pass}` });
    await expectVisible(alice, '#new-password', 'the new app password', w.timeout);
    await w.snap(alice, 'settings-apps-password');
  });

  await w.step('delete a post', async () => {
    await w.goto(alice, `${A}/channel/${nick}`);
    const post = alice.locator('article.post', { hasText: state.hello }).first();
    await w.click(alice, post.locator('a.delete-link'), "the post's delete link");
    await expectPath(alice, `/item/${state.helloUuid}/delete`, 'the confirmation page');
    await w.snap(alice, 'post-delete');
    await w.submit(alice, '#delete-form', {});
    await expectPath(alice, `/channel/${nick}`, 'after deleting the post');
    await w.expectFlash(alice, '');
    if ((await alice.locator('article.post', { hasText: state.hello }).count()) > 0) fail('the deleted post is still shown');
    await w.snap(alice, 'channel-post-deleted');
  });

  if (w.js) {
    await w.step('page weight: the channel page with 20 posts', async () => {
      const made = await ask(`POSTS alpha ${nick} 20`, 'POSTED', w.timeout * 4);
      log(`  ${made} posts made`);
      await weigh(w, alice, `${A}/channel/${nick}`);
    });
  }

  await w.step('export the channel, then delete it (grace period)', async () => {
    await w.goto(alice, `${A}/channel/${nick}/delete`);
    await w.snap(alice, 'channel-delete');
    const link = alice.locator('a#export-link');
    if ((await link.count()) === 0) fail('no a#export-link on the delete page');
    const [download] = await Promise.all([alice.waitForEvent('download'), link.click()]);
    const file = path.join(w.o.out, `export-${w.pass}.json`);
    await download.saveAs(file);
    const exported = JSON.parse(await readFile(file, 'utf8'));
    if (!JSON.stringify(exported).includes(nick)) fail(`the export (${file}) does not name ${nick}`);
    log(`  export: ${file} (${(await readFile(file)).length} bytes)`);
    await w.submit(alice, '#delete-channel-form', { password });
    await w.expectFlash(alice, '');
    await w.goto(alice, `${A}/channel/${nick}`);
    await expectVisible(alice, '#cancel-delete-form', 'the scheduled-deletion banner', w.timeout);
    await w.snap(alice, 'channel-deletion-scheduled');
  });

  await w.step('log out: the page says so', async () => {
    await w.goto(alice, `${A}/settings`);
    await w.click(alice, visible(alice, 'form[action="/logout"] button[type=submit]'), 'Log out');
    await expectPath(alice, '/', 'after logging out');
    await w.expectFlash(alice, 'You are logged out.');
    await w.snap(alice, 'logged-out');
  });

  await w.step('a 404 page', async () => {
    await w.goto(alice, `${A}/channel/nobody${stamp.replace(/\W/g, '')}`, { status: 404 });
    await expectVisible(alice, 'h1', 'the 404 page', w.timeout);
    await w.snap(alice, 'not-found');
  });

  await w.step('a 403 page (logged in again with the new password, not an admin, /admin)', async () => {
    const again = await w.person(`${nick}/again`);
    await login(w, again, A, email, password);
    await w.goto(again, `${A}/admin`, { status: 403 });
    await expectVisible(again, '#error-message', 'the 403 page', w.timeout);
    await w.snap(again, 'forbidden');
    await again.context().close();
  });

  await w.step('admin pages', async () => {
    const admin = await w.person(`admin/${w.pass}`);
    await login(w, admin, A, o['admin-email'], o.password);
    const missing = [];
    for (const [p, label] of [
      ['/admin', 'admin'],
      ['/admin/accounts', 'admin-accounts'],
      ['/admin/channels', 'admin-channels'],
      ['/admin/queue', 'admin-queue'],
      ['/admin/registrations', 'admin-registrations'],
    ]) {
      const r = await admin.goto(`${A}${p}`, { waitUntil: 'load' });
      w.last = admin;
      if (r.status() !== 200) {
        missing.push(`${p} answered ${r.status()}`);
        continue;
      }
      if (p === '/admin/accounts') {
        const t = await w.text(admin);
        if (!t.includes(email)) missing.push(`/admin/accounts does not list ${email}`);
      }
      await w.snap(admin, label);
    }
    await admin.context().close();
    if (missing.length > 0) fail(missing.join('; '));
  });

  await w.step('anonymous: home, log in, register, reset', async () => {
    const anon = await w.person(`anonymous/${w.pass}`);
    for (const [p, label, sel] of [
      ['/', 'anon-home', 'a[href="/login"]'],
      ['/login', 'anon-login', '#login-form'],
      ['/register', 'anon-register', '#register-form'],
      ['/reset', 'anon-reset', 'form'],
    ]) {
      await w.goto(anon, `${A}${p}`);
      await expectVisible(anon, sel, p, w.timeout);
      await w.snap(anon, label);
    }
    await anon.context().close();
  });
  await alice.context().close();
  if (bob) await bob.context().close();
}

// ---------------------------------------------------------------------------------------------
// Page weight

async function weigh(w, page, url) {
  const origin = new URL(url).origin;
  const requests = [];
  const onFinished = async (req) => {
    requests.push(req);
  };
  page.on('requestfinished', onFinished);
  page.on('requestfailed', onFinished);
  // A fresh load, no cache: everything the page needs is fetched.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await w.goto(page, url);
  await page.waitForLoadState('networkidle');
  page.off('requestfinished', onFinished);
  page.off('requestfailed', onFinished);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  await cdp.detach();
  const posts = await page.locator('article.post').count();
  let counted = 0;
  const rows = [];
  const foreign = [];
  for (const req of requests) {
    const u = new URL(req.url());
    if (u.protocol === 'data:') continue;
    if (u.origin !== origin) foreign.push(req.url());
    const resp = await req.response();
    const body = resp ? await resp.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
    const type = req.resourceType();
    const counts = ['document', 'stylesheet', 'script'].includes(type);
    if (counts) counted += body.length;
    rows.push({ type, bytes: body.length, url: req.url(), counts, status: resp?.status() });
  }
  console.log(`walk: page weight of ${url} (${posts} posts shown):`);
  for (const r of rows) {
    console.log(`walk:   ${r.counts ? 'counted' : 'listed '} ${r.type.padEnd(10)} ${String(r.bytes).padStart(7)} B  ${r.status} ${r.url}`);
  }
  const kb = (counted / 1024).toFixed(1);
  console.log(`walk: PAGE-WEIGHT ${counted} bytes (${kb} KB) of HTML+CSS+JS in ${rows.filter((r) => r.counts).length} requests; ${rows.filter((r) => !r.counts).length} other requests (images etc.); ${foreign.length} requests off the origin ${origin}`);
  w.weight = { counted, posts, requests: rows.length, foreign: foreign.length };
  await w.snap(page, 'channel-20-posts');
  if (posts < 20) fail(`the channel page shows ${posts} posts, not 20`);
  if (foreign.length > 0) fail(`requests left the hub's origin ${origin}: ${foreign.join(', ')}`);
  if (counted >= WEIGHT_LIMIT) fail(`the page weighs ${counted} bytes, not under ${WEIGHT_LIMIT}`);
}

// ---------------------------------------------------------------------------------------------
// The Nu Html Checker

async function runVnu(dir, timeout) {
  const jar = path.join(HERE, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.html')).sort().map((f) => path.join(dir, f));
  if (files.length === 0) return { files: 0, errors: [{ file: dir, line: 0, message: 'no saved pages to check' }] };
  const { stdout, stderr, code } = await new Promise((resolve) => {
    execFile(
      process.env.JAVA || 'java',
      ['-jar', jar, '--errors-only', '--format', 'json', ...files],
      { maxBuffer: 64 * 1024 * 1024, timeout },
      (error, out, err) => resolve({ stdout: out, stderr: err, code: error ? (error.code ?? 1) : 0 }),
    );
  });
  let report;
  try {
    report = JSON.parse(stderr || stdout);
  } catch {
    return {
      files: files.length,
      errors: [{ file: jar, line: 0, message: `vnu exited ${code} without a JSON report: ${(stderr || stdout).slice(0, 2000)}` }],
    };
  }
  const errors = (report.messages ?? [])
    .filter((m) => m.type === 'error' || m.subType === 'fatal' || m.type === 'non-document-error')
    .map((m) => ({
      file: path.basename(decodeURIComponent((m.url ?? '').replace(/^file:/, ''))),
      line: m.lastLine ?? m.firstLine ?? 0,
      message: m.message,
      extract: (m.extract ?? '').replace(/\s+/g, ' ').slice(0, 160),
    }));
  return { files: files.length, errors };
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const overall = o.timeout * 80;
  const watchdog = setTimeout(() => {
    console.error(`walk: FAILED: the walk took over ${overall} ms`);
    process.exit(3);
  }, overall);
  watchdog.unref();
  await rm(o.out, { recursive: true, force: true });
  await mkdir(path.join(o.out, 'html'), { recursive: true });
  await mkdir(path.join(o.out, 'failures'), { recursive: true });
  log(`alpha ${o.alpha}, beta ${o.beta}, out ${o.out}, passes ${o.passes.join(',')}`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: o.timeout * 2,
  });
  const w = new Walker(browser, o);
  const people = {
    js: { email: 'alice@example.com', nick: 'alice', name: 'Alice Walker' },
    nojs: { email: 'ann@example.com', nick: 'ann', name: 'Ann Noscript' },
  };
  try {
    for (const pass of o.passes) {
      w.pass = pass;
      try {
        await walkPass(w, people[pass]);
      } catch (e) {
        if (!(e instanceof Abort)) throw e;
        console.error(`walk: ${e.message}`);
      }
    }
  } finally {
    await withTimeout(browser.close(), 10000, 'closing chromium').catch((e) => console.error(`walk: ${e.message}`));
  }

  logStep('the Nu Html Checker over every saved page');
  const vnu = await runVnu(path.join(o.out, 'html'), o.timeout * 8);
  for (const e of vnu.errors) console.error(`walk: vnu: html/${e.file}:${e.line}: ${e.message}${e.extract ? ` [${e.extract}]` : ''}`);

  // Summary
  console.log('walk: ---------------------------------------------------------------------------');
  console.log(`walk: pages recorded: ${w.pages.length} (${w.pages.filter((p) => p.pass === 'js').length} with JavaScript, ${w.pages.filter((p) => p.pass === 'nojs').length} without)`);
  for (const p of w.pages) console.log(`walk:   ${p.file}  ${p.url}${p.shots.length ? `  [${p.shots.join(', ')}]` : ''}`);
  for (const a of w.axe) {
    console.error(`walk: axe: ${a.file} (${a.width}px) ${a.id} [${a.impact}] ${a.help}`);
    for (const t of a.targets) console.error(`walk:   ${t}`);
  }
  for (const f of w.failures) console.error(`walk: FAILED STEP [${f.pass}] ${f.step}: ${f.message.split('\n')[0]}`);
  const weight = w.weight ? `${w.weight.counted} bytes (${(w.weight.counted / 1024).toFixed(1)} KB), ${w.weight.foreign} off-origin requests` : 'not measured';
  console.log(
    `walk: SUMMARY steps failed: ${w.failures.length}; axe violations: ${w.axe.length}; vnu errors: ${vnu.errors.length} in ${vnu.files} pages; page weight: ${weight}`,
  );
  const ok =
    w.failures.length === 0 && w.axe.length === 0 && vnu.errors.length === 0 && (w.weight || !o.passes.includes('js'));
  if (ok) {
    log('PASSED');
    process.exit(0);
  }
  console.error('walk: FAILED (see the list above)');
  process.exit(1);
}

main().catch((e) => {
  console.error(`walk: FAILED: ${e.stack ?? e}`);
  process.exit(1);
});
