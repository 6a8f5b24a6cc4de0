// lib.mjs - the browser-test harness: starts a real `bianmin serve` on a fresh database, drives
// Debian's chromium through playwright-core, checks pages with axe-core (WCAG 2.1 A and AA), and
// runs named tests with one closing line `N passed, N failed` that CTest's log shows.
//
// Environment (set by tests/CMakeLists.txt): BIANMIN_EXE, BIANMIN_SOURCE_DIR, BIANMIN_BINARY_DIR.

import { spawn, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/* The repository root: BIANMIN_SOURCE_DIR when set, else two levels above this file. */
export const sourceDir = process.env.BIANMIN_SOURCE_DIR || path.resolve(here, '..', '..');
export const binaryDir = process.env.BIANMIN_BINARY_DIR || path.join(sourceDir, 'build', 'dev');

// node_modules lives in the repository root, which is not an ancestor of the build directory's
// tests, so resolve packages from there explicitly.
const requireFromRoot = createRequire(path.join(sourceDir, 'package.json'));
const { chromium } = requireFromRoot('playwright-core');

export const CHROMIUM_PATH = process.env.BIANMIN_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SERVER_START_TIMEOUT_MS = 20000;
const COMMAND_TIMEOUT_MS = 60000; // init and demo, which may run under sanitizers
const SERVER_STOP_TIMEOUT_MS = 10000;
const SERVER_LOG_TAIL_CHARS = 4000;

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (tests/CMakeLists.txt sets it for CTest)`);
  return value;
}

/* Runs exe with args; rejects with its output when it exits non-zero. */
function run(exe, args, options) {
  return new Promise((resolve, reject) => {
    execFile(exe, args, { ...options, timeout: COMMAND_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${path.basename(exe)} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * Starts the real server on a fresh demo database and a random port.
 * Returns {base, dir, stop(), log()}: base is "http://127.0.0.1:PORT"; stop() sends SIGTERM,
 * waits for the process to end (SIGKILL after a grace period) and removes the temporary directory.
 */
export async function startServer() {
  const exe = requireEnv('BIANMIN_EXE');
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bianmin-e2e-'));
  const db = path.join(dir, 'db.sqlite');
  const portFile = path.join(dir, 'port');
  const env = {
    ...process.env,
    BIANMIN_TEMPLATES: path.join(sourceDir, 'templates'),
    BIANMIN_STATIC: path.join(sourceDir, 'static'),
    BIANMIN_LOCALE: path.join(binaryDir, 'locale'),
  };
  const opts = { cwd: sourceDir, env };

  await run(exe, ['init', '--db', db], opts);
  await run(exe, ['demo', '--db', db], opts);

  const child = spawn(exe, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--port-file', portFile], {
    ...opts,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-SERVER_LOG_TAIL_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });

  const cleanup = () => fs.promises.rm(dir, { recursive: true, force: true });
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = sleep(SERVER_STOP_TIMEOUT_MS).then(() => 'timeout');
      if ((await Promise.race([exitPromise, timer])) === 'timeout') {
        child.kill('SIGKILL');
        await exitPromise;
      }
    }
    await cleanup();
    return exited;
  };

  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  let port = 0;
  while (Date.now() < deadline) {
    if (exited) {
      await cleanup();
      throw new Error(`bianmin serve exited (${exited.code ?? exited.signal}) before writing its port:\n${output}`);
    }
    try {
      const text = (await fs.promises.readFile(portFile, 'utf8')).trim();
      if (/^[0-9]+$/.test(text) && Number(text) > 0) {
        port = Number(text);
        break;
      }
    } catch {
      /* not written yet */
    }
    await sleep(50);
  }
  if (!port) {
    await stop();
    throw new Error(`bianmin serve wrote no port to ${portFile} within ${SERVER_START_TIMEOUT_MS} ms:\n${output}`);
  }
  return { base: `http://127.0.0.1:${port}`, dir, stop, log: () => output };
}

/* Launches Debian's chromium (playwright downloads no browser of its own here). */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/*
 * A browser context for one viewport width. bypassCSP lets us inject axe-core although the
 * server's CSP forbids inline and foreign script (which is what we want for real users).
 */
export function newContext(browser, width = 1280, extra = {}) {
  return browser.newContext({
    viewport: { width, height: 900 },
    bypassCSP: true,
    ...extra,
  });
}

let axeSource = null;

/* Runs axe-core with the WCAG 2.0/2.1 A and AA rules; throws listing every violation. */
export async function checkA11y(page, label = page.url()) {
  if (axeSource === null) {
    axeSource = await fs.promises.readFile(requireFromRoot.resolve('axe-core/axe.min.js'), 'utf8');
  }
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.addScriptTag({ content: axeSource });
  }
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }),
  );
  if (result.violations.length > 0) {
    const lines = result.violations.map((v) => {
      const targets = v.nodes.map((n) => n.target.join(' ')).join(', ');
      return `  ${v.id} (${v.impact}): ${v.help}\n    targets: ${targets}`;
    });
    throw new Error(`axe: ${result.violations.length} violation(s) on ${label}:\n${lines.join('\n')}`);
  }
  return result;
}

/* Throws with message unless cond holds; `expected`/`actual` make failures readable. */
export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export function assertEqual(actual, expected, message) {
  if (actual !== expected) {
    throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/*
 * A tiny test runner. test(name, fn) registers; runTests() executes them in order. fn receives the
 * fixture from `before` plus screenshotOnFailure(page): a page registered there is saved to
 * $BIANMIN_BINARY_DIR/e2e-artifacts/<test>.png when the test fails; and defer(fn): cleanups run
 * after the test (and after its screenshots), last registered first. runTests() prints PASS/FAIL
 * per test, then exactly `N passed, N failed`, and exits non-zero on any failure.
 */
const tests = [];

export function test(name, fn) {
  tests.push({ name, fn });
}

function artifactName(name) {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || 'test';
}

export async function runTests({ before, after } = {}) {
  let passed = 0;
  let failed = 0;
  const artifactsDir = path.join(binaryDir, 'e2e-artifacts');
  let fixture = {};
  try {
    if (before) fixture = (await before()) || {};
  } catch (err) {
    console.log(`FAIL setup: ${err.stack || err}`);
    failed = tests.length || 1;
    if (after) await after(fixture).catch(() => {});
    console.log(`0 passed, ${failed} failed`);
    process.exit(1);
  }
  for (const { name, fn } of tests) {
    const pages = [];
    const cleanups = [];
    const ctx = {
      ...fixture,
      screenshotOnFailure: (page) => pages.push(page),
      defer: (cleanup) => cleanups.push(cleanup),
    };
    try {
      await fn(ctx);
      passed++;
      console.log(`PASS ${name}`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${name}\n${err.stack || err}`);
      for (const [i, page] of pages.entries()) {
        try {
          await fs.promises.mkdir(artifactsDir, { recursive: true });
          const file = path.join(artifactsDir, `${artifactName(name)}${i ? '-' + i : ''}.png`);
          await page.screenshot({ path: file, fullPage: true });
          console.log(`  screenshot: ${file}`);
        } catch (shotErr) {
          console.log(`  (no screenshot: ${shotErr.message})`);
        }
      }
    }
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        console.log(`  cleanup after ${name}: ${err.message}`);
      }
    }
  }
  try {
    if (after) await after(fixture);
  } catch (err) {
    console.log(`teardown: ${err.stack || err}`);
    failed++;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

/* Runs the registered tests with one real server and one browser shared by all of them. */
export async function runWithServerAndBrowser() {
  await runTests({
    before: async () => {
      const server = await startServer();
      try {
        return { server, browser: await launchBrowser() };
      } catch (err) {
        await server.stop();
        throw err;
      }
    },
    after: async (ctx) => {
      if (ctx.browser) await ctx.browser.close();
      if (ctx.server) await ctx.server.stop();
    },
  });
}

/* Tabs forward until the field #id has the focus, then types text: the way a keyboard user
 * fills a form. Fails after `limit` presses. */
export async function typeInto(page, id, text, limit = 120) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    if (focused === id) {
      await page.keyboard.type(text);
      return;
    }
  }
  throw new Error(`Tab never reached #${id}`);
}

/* Adds an admin account to server's database through the CLI (`bianmin user add`), with a
 * password that does not expire at first sign-in. */
export function addAdmin(server, { office, username, name, password }) {
  return new Promise((resolve, reject) => {
    execFile(
      process.env.BIANMIN_EXE,
      ['user', 'add', '--db', path.join(server.dir, 'db.sqlite'), '--office', office,
        '--username', username, '--name', name, '--roles', 'admin', '--no-expire'],
      { env: { ...process.env, BIANMIN_PASSWORD: password }, timeout: 60000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}${stderr}`)) : resolve()),
    );
  });
}

/* Signs in at base's /staff/login with the keyboard. An account that must enrol a one-time
 * code first (an admin's first sign-in) enrols with the secret the page shows. */
export async function signIn(page, base, username, password) {
  await page.goto(base + '/staff/login');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.press('#password', 'Enter')]);
  if ((await page.locator('#totp-secret').count()) > 0) {
    const secret = (await page.locator('#totp-secret').innerText()).trim();
    await page.fill('#code', totp(secret));
    await Promise.all([page.waitForNavigation(), page.press('#code', 'Enter')]);
  }
}

/* RFC 6238 (SHA-1, 6 digits, 30 s) for a base32 secret, now. */
export function totp(secretB32) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretB32.replace(/[=\s]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(value).padStart(6, '0');
}
