// Self-test of the browser harness (no bloop server involved):
// a tiny HTTP server with a strict CSP serves a page whose external script
// registers a passkey (resident / discoverable credential) and then signs in
// with it without allowCredentials, using Chromium's virtual authenticator.
//
//   npm ci --prefix tests/browser --no-audit --no-fund   # or tests/browser/install.sh
//   node tests/browser/selftest.mjs                      # prints OK
//
// Optional: --mediation=<conditional|optional|required|silent> passes
// `mediation` to navigator.credentials.get() (default: not present).

import http from 'node:http';
import { check, credentials, main, newPasskeyPage } from './lib.mjs';

const mediationArg = process.argv.find((a) => a.startsWith('--mediation='));
const mediation = mediationArg ? mediationArg.split('=')[1] : null;

const CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'";

const HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>passkey self-test</title>
<script src="/app.js" defer></script></head>
<body>
<h1>passkey self-test</h1>
<input id="username" name="username" autocomplete="username webauthn">
<pre id="result">running</pre>
</body>
</html>
`;

// Runs in the browser. No inline script anywhere (CSP script-src 'self').
const APP_JS = `
const b64url = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
  .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
const rand = (n) => crypto.getRandomValues(new Uint8Array(n));
const params = new URLSearchParams(location.search);
const out = {};

async function run() {
  out.conditionalAvailable = await PublicKeyCredential.isConditionalMediationAvailable?.();
  const userId = rand(16);
  out.userHandle = b64url(userId);
  if (params.get('mode') !== 'get-only') {
    try {
      const cred = await navigator.credentials.create({ publicKey: {
        rp: { id: 'localhost', name: 'bloop self-test' },
        user: { id: userId, name: 'alice', displayName: 'Alice' },
        challenge: rand(32),
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -257 }],
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
        attestation: 'none',
        timeout: 10000,
      } });
      out.create = 'ok';
      out.createId = cred.id;
      out.createRk = cred.getClientExtensionResults?.().credProps?.rk;
    } catch (e) {
      out.create = e.name;
      out.createMessage = e.message;
    }
  }
  try {
    const opts = { publicKey: { challenge: rand(32), rpId: 'localhost', userVerification: 'required', timeout: 10000 } };
    if (params.has('mediation')) opts.mediation = params.get('mediation');
    const cred = await navigator.credentials.get(opts);
    out.get = 'ok';
    out.getId = cred.id;
    out.getUserHandle = cred.response.userHandle ? b64url(cred.response.userHandle) : null;
    out.getUv = (new Uint8Array(cred.response.authenticatorData)[32] & 0x04) !== 0;
  } catch (e) {
    out.get = e.name;
    out.getMessage = e.message;
  }
}

run().catch((e) => { out.error = String(e); }).finally(() => {
  const el = document.getElementById('result');
  el.textContent = JSON.stringify(out, null, 2);
  el.dataset.done = '1';
});
`;

function startServer() {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    const headers = { 'content-security-policy': CSP, 'cache-control': 'no-store' };
    if (path === '/') {
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(HTML);
    } else if (path === '/app.js') {
      res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(APP_JS);
    } else {
      res.writeHead(404, headers).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function runPage(page, url) {
  await page.goto(url);
  if (mediation === 'conditional') {
    // Conditional UI only offers passkeys from the autofill of a focused field.
    await page.focus('#username');
  }
  await page.waitForSelector('#result[data-done]', { timeout: 20_000 });
  return JSON.parse(await page.textContent('#result'));
}

const b64ToB64url = (s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

await main(async (browser) => {
  const server = await startServer();
  try {
    const { port } = server.address();
    // WebAuthn needs a valid domain: use `localhost` (a secure context over
    // plain http), never 127.0.0.1.
    const base = `http://localhost:${port}/`;
    const query = mediation ? `?mediation=${encodeURIComponent(mediation)}` : '';

    // Person A: register a passkey, then sign in with it (discoverable).
    const a = await newPasskeyPage(browser);
    const r = await runPage(a.page, base + query);
    console.log(`person A: ${JSON.stringify(r)}`);
    await a.page.screenshot({ path: '/tmp/selftest.png', fullPage: true });
    check(r.create === 'ok', `credentials.create() failed: ${r.create} ${r.createMessage ?? ''}`);
    check(r.get === 'ok', `credentials.get() failed: ${r.get} ${r.getMessage ?? ''}`);
    check(r.getId === r.createId, 'get() returned a different credential than create()');
    check(r.getUserHandle === r.userHandle, 'userHandle from get() does not match the user id');
    check(r.getUv === true, 'UV flag not set in authenticatorData');

    const creds = await credentials(a.cdp, a.authenticatorId);
    check(creds.length === 1, `expected 1 credential, got ${creds.length}`);
    check(creds[0].isResidentCredential === true, 'credential is not resident');
    check(creds[0].rpId === 'localhost', `rpId is ${creds[0].rpId}`);
    check(b64ToB64url(creds[0].credentialId) === r.createId, 'CDP credentialId != create() id');
    check(b64ToB64url(creds[0].userHandle) === r.userHandle, 'CDP userHandle != user id');

    // Person B: separate context = separate authenticator, has no passkey.
    const b = await newPasskeyPage(browser);
    check((await credentials(b.cdp, b.authenticatorId)).length === 0, 'person B has credentials');
    if (!mediation) {
      const rb = await runPage(b.page, base + '?mode=get-only');
      console.log(`person B: ${JSON.stringify(rb)}`);
      check(rb.get === 'NotAllowedError', `person B sign-in should fail, got ${rb.get}`);
    }
    await a.context.close();
    await b.context.close();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
