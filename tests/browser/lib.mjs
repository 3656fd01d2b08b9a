// Shared helpers for bloop's end-to-end browser tests.
//
// Uses playwright-core with the system Chromium (/usr/bin/chromium, Debian
// package) instead of a Playwright-downloaded browser, and Chrome DevTools
// Protocol virtual WebAuthn authenticators to stand in for passkeys.
//
// Setup (from the repository root): tests/browser/install.sh
// Self-test:                        node tests/browser/selftest.mjs

import { chromium } from 'playwright-core';

export const EXECUTABLE_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Needed in this (sandboxed, offline) environment. Note: no --user-data-dir
// here: Playwright refuses it in `launch()` and always creates a fresh
// temporary profile (/tmp/playwright_chromiumdev_profile-*) itself, which it
// deletes again on `browser.close()`.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const OVERALL_TIMEOUT_MS = Number(process.env.BROWSER_TEST_TIMEOUT_MS || 120_000);

export async function launch() {
  return chromium.launch({
    headless: true,
    executablePath: EXECUTABLE_PATH,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

// A fresh browser context (own cookies/storage) with its own virtual
// platform authenticator: every call is a different person/device.
export async function newPasskeyPage(browser) {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[pageerror] ${err.stack || err}`));
  if (process.env.BROWSER_TEST_DEBUG) {
    page.on('console', (msg) => console.error(`[console.${msg.type()}] ${msg.text()}`));
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { context, page, cdp, authenticatorId };
}

// Credentials currently stored in a virtual authenticator
// ({credentialId, isResidentCredential, rpId, userHandle, signCount, ...}).
export async function credentials(cdp, authenticatorId) {
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  return credentials;
}

export function check(cond, message) {
  if (!cond) throw new Error(`check failed: ${message}`);
}

function timeout(ms, what) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

// Runs `fn(browser)` against a freshly launched browser. Prints `OK` or the
// error stack (and sets process.exitCode = 1). Always closes the browser,
// fails after OVERALL_TIMEOUT_MS, and force-exits if something (e.g. a
// server the test forgot to close) keeps the process alive afterwards.
export async function main(fn) {
  let browser;
  const overall = timeout(OVERALL_TIMEOUT_MS, 'browser test');
  try {
    browser = await Promise.race([launch(), overall.promise]);
    await Promise.race([fn(browser), overall.promise]);
    console.log('OK');
  } catch (err) {
    console.error(err && err.stack ? err.stack : err);
    process.exitCode = 1;
  } finally {
    overall.cancel();
    if (browser) {
      const closing = timeout(15_000, 'browser.close()');
      try {
        await Promise.race([browser.close(), closing.promise]);
      } catch (err) {
        console.error(err && err.stack ? err.stack : err);
        process.exitCode = 1;
      } finally {
        closing.cancel();
      }
    }
    // Never hang: if the event loop is still alive after 5 s, exit anyway.
    setTimeout(() => {
      console.error('process still alive 5 s after the test finished (leaked handle?); exiting');
      process.exit(process.exitCode || 1);
    }, 5_000).unref();
  }
}
