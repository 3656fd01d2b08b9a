// End-to-end test of the dashboard in headless Chromium, driven by tests/it/dashboard.rs, which
// starts a real `bloop serve`, ingests events and passes:
//   BLOOP_URL    http://localhost:<port> (the configured auth.rp_origin)
//   SETUP_URL    the one-time setup link the server printed
//   XSS_MESSAGE  the literal message of the hostile event
//   INGEST_SECRET  the server's auth.hmac_secret: this script sends the events itself, while the
//                empty dashboard waits for the first one
//   SHOTS_DIR    where to save screenshots (optional)
// It prints `RESULT {...}` with what the Rust side verifies next (the resolved fingerprint).

import { createHmac } from 'node:crypto';
import { main, newPasskeyPage, credentials, check } from './lib.mjs';

const base = process.env.BLOOP_URL;
const setupUrl = process.env.SETUP_URL;
const xss = process.env.XSS_MESSAGE;
const shots = process.env.SHOTS_DIR;
const secret = process.env.INGEST_SECRET;

// Signed ingest, as any client does it: HMAC-SHA256 of the exact body bytes.
async function ingest(event) {
  const body = JSON.stringify(event);
  const sig = createHmac('sha256', secret).update(body).digest('hex');
  const resp = await fetch(`${base}/v1/ingest`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': sig }, body,
  });
  check(resp.status === 200, `ingest answered ${resp.status}`);
}

async function sendEvents() {
  const now = Math.floor(Date.now() / 1000);
  const stack = 'at <script>window.__pwned = true</script> (src/app.js:10:5)\nat node_modules/express/lib/router.js:22:3';
  const kinds = [
    ['XssProbe', xss, 'api', stack],
    ['TypeError', "Cannot read properties of undefined (reading 'id')", 'web',
      'at renderProfile (src/profile.tsx:41:12)\nat node_modules/react-dom/cjs/react-dom.development.js:1:2'],
    ['NSURLErrorDomain', 'The request timed out.', 'ios', null],
    ['PaymentDeclined', 'Card declined for order 5521', 'api', null],
  ];
  for (const [n, [error_type, message, source, st]] of kinds.entries()) {
    for (let k = 0; k < 1 + n * 3; k++) {
      await ingest({ timestamp: now, source, environment: 'production', release: '2.4.1', error_type,
        message, stack: st, route_or_procedure: '/api/checkout' });
    }
  }
}

// A Sentry SDK's event (the stack oldest first), sent to the store endpoint with a DSN key.
async function sendSentryEvent(key) {
  const frames = [
    { filename: 'node:internal/timers', function: 'tick', in_app: false },
    { filename: 'src/routes.js', function: 'route', lineno: 12, colno: 3, in_app: true },
    { filename: 'node_modules/express/lib/router/layer.js', function: 'handle', lineno: 95, colno: 5, in_app: false },
    { filename: 'node_modules/stripe/lib/request.js', function: 'request', lineno: 10, colno: 1, in_app: false },
    { filename: 'src/pay.js', function: 'charge', lineno: 88, colno: 7, in_app: true },
  ];
  const event = {
    platform: 'node', level: 'error', release: '2.4.1', environment: 'production', user: { id: 'u1' },
    tags: { region: 'eu' }, breadcrumbs: [{ timestamp: Date.now() / 1000, category: 'ui.click', message: 'pay' }],
    exception: { values: [{ type: 'FrameProbe', value: 'card declined', stacktrace: { frames } }] },
  };
  const resp = await fetch(`${base}/api/1/store/?sentry_key=${key}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event),
  });
  check(resp.status === 200, `the store endpoint answered ${resp.status}`);
}

function watchForScript(page) {
  const seen = { dialogs: [] };
  page.on('dialog', async (d) => {
    // The dashboard's own confirmations are questions; anything else was injected.
    if (d.type() === 'confirm' && d.message().endsWith('?')) { await d.accept(); return; }
    seen.dialogs.push(d.message());
    await d.dismiss();
  });
  return seen;
}

async function noInjection(page, seen, where) {
  const title = await page.title();
  check(title !== 'pwned', `${where}: the hostile onerror ran (document.title = pwned)`);
  check(seen.dialogs.length === 0, `${where}: a dialog opened: ${seen.dialogs.join(', ')}`);
  const injected = await page.evaluate(() => ({
    imgs: document.querySelectorAll('main img').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => !s.src.includes('/assets/app.js')).length,
    flag: window.__pwned === true,
  }));
  check(injected.imgs === 0, `${where}: an <img> element was injected`);
  check(injected.scripts === 0, `${where}: a <script> element was injected`);
  check(!injected.flag, `${where}: injected script ran`);
}

main(async (browser) => {
  check(base && setupUrl && xss && secret, 'BLOOP_URL, SETUP_URL, XSS_MESSAGE and INGEST_SECRET are required');

  // 1. A signed-out visitor is sent to sign-in, keeping where they wanted to go.
  const visitor = await newPasskeyPage(browser);
  await visitor.page.goto(`${base}/issues?status=all`);
  check(new URL(visitor.page.url()).pathname === '/login', `visitor landed on ${visitor.page.url()}`);
  check(new URL(visitor.page.url()).searchParams.get('next') === '/issues?status=all', 'next= keeps the target');
  await visitor.context.close();

  // 2. The first admin registers from the setup link.
  const admin = await newPasskeyPage(browser);
  const seen = watchForScript(admin.page);
  await admin.page.goto(setupUrl);
  await admin.page.fill('#register-form input[name=name]', 'ada');
  await admin.page.click('#register-form button[type=submit]');
  await admin.page.waitForURL(`${base}/issues`);
  const creds = await credentials(admin.cdp, admin.authenticatorId);
  check(creds.length === 1 && creds[0].isResidentCredential, 'one discoverable passkey was created');
  check((await admin.page.textContent('header .who')).includes('ada'), 'the header names the user');
  const cookies = await admin.context.cookies();
  const session = cookies.find((c) => c.name === 'bloop_session');
  check(session && session.httpOnly && session.sameSite === 'Lax', `session cookie flags: ${JSON.stringify(session)}`);
  check(await admin.page.evaluate(() => !document.cookie.includes('bloop_session')), 'page script cannot read the session');

  // The setup link is single use.
  const again = await newPasskeyPage(browser);
  await again.page.goto(setupUrl);
  check((await again.page.textContent('main')).includes('cannot be used'), 'a used setup link is refused');
  await again.context.close();

  // 3. A new install walks the user to the first event and notices when it arrives.
  await admin.page.waitForSelector('text=Waiting for your first error');
  check((await admin.page.textContent('main')).includes('bloop send --url'), 'the empty state shows a send snippet');
  // The page reloads once the key exists; the snippet element is there before and after, so
  // wait for that load before reading it.
  const keyedLoad = admin.page.waitForEvent('load', { timeout: 10_000 }).catch(() => null);
  await admin.page.click('button:text-is("Create an ingest key")');
  await keyedLoad;
  const keyed = /--key bloop_[0-9a-f]{64}/;
  await admin.page
    .waitForFunction((re) => new RegExp(re).test(document.querySelector('#snippet-send')?.textContent || ''), keyed.source, { timeout: 10_000 })
    .catch(() => {});
  check(keyed.test(await admin.page.textContent('#snippet-send')), 'the snippet carries the new key');
  await sendEvents();
  await admin.page.waitForSelector('#issues', { timeout: 20_000 }); // the page reloads by itself

  // The Projects page masks keys; Reveal fetches the full one, Hide masks it again; rename.
  await admin.page.goto(`${base}/projects`);
  const keyCode = admin.page.locator('#project-default code.secret').first();
  const maskedKey = (await keyCode.textContent()).trim();
  check(!/bloop_[0-9a-f]{64}/.test(maskedKey), `keys start masked: ${maskedKey}`);
  await admin.page.locator('#project-default button[data-reveal]').first().click();
  await admin.page.waitForFunction(() => /bloop_[0-9a-f]{64}/.test(document.querySelector('#project-default code.secret')?.textContent || ''));
  await admin.page.locator('#project-default button[data-reveal]').first().click();
  check((await keyCode.textContent()).trim() === maskedKey, 'Hide masks the key again');
  await admin.page.click('#project-default details.project-settings summary');
  await admin.page.fill('#project-default input[name=name]', 'Main app');
  await Promise.all([admin.page.waitForEvent('load'), admin.page.click('#project-default button:text-is("Rename")')]);
  check((await admin.page.textContent('#project-default h2')).includes('Main app'), 'the project is renamed');
  await admin.page.goto(`${base}/issues`);

  // Hostile event text is shown literally on the list and nothing runs.
  const msgs = await admin.page.$$eval('#issues .issue-msg', (els) => els.map((e) => e.textContent));
  check(msgs.includes(xss), `the list shows the hostile message literally (got ${JSON.stringify(msgs)})`);
  await noInjection(admin.page, seen, 'list');
  if (shots) await admin.page.screenshot({ path: `${shots}/issues.png`, fullPage: true });

  // 4. The detail page: literal message and stack, framework frames dimmed.
  const row = admin.page.locator('#issues tr', { hasText: 'XssProbe' });
  const fingerprint = await row.getAttribute('data-fingerprint');
  await row.locator('a.issue-title').click();
  await admin.page.waitForSelector('#issue-message');
  check((await admin.page.textContent('#issue-message')) === xss, 'detail shows the message literally');
  const stack = await admin.page.textContent('pre.stack');
  check(stack.includes('<script>window.__pwned = true</script>'), 'the stack shows <script> literally');
  check((await admin.page.$$('pre.stack .frame.framework')).length >= 1, 'framework frames are dimmed');
  await noInjection(admin.page, seen, 'detail');
  if (shots) await admin.page.screenshot({ path: `${shots}/issue.png`, fullPage: true });

  // 5. Resolve in the browser.
  await Promise.all([
    admin.page.waitForEvent('load'),
    admin.page.click('#actions button:text-is("Resolve")'),
  ]);
  await admin.page.waitForSelector('.tag.status-resolved');
  await noInjection(admin.page, seen, 'detail after resolve');

  // 5a. Assign the issue to yourself, then add a (hostile) note: both show in the history,
  // newest first, above the status change.
  await Promise.all([admin.page.waitForEvent('load'), admin.page.click('#assign-me')]);
  check((await admin.page.textContent('#assignee-current')).trim() === 'ada', 'the issue is assigned to ada');
  check((await admin.page.textContent('#history li.assignment')).includes('Assigned to ada'), 'the history says so');
  check(!(await admin.page.isVisible('#assign-me')), '"Assign to me" is gone once it is');
  const noteText = `Looked at it: ${xss}\nthe second line`;
  await admin.page.fill('#note-text', noteText);
  await Promise.all([admin.page.waitForEvent('load'), admin.page.click('#note-form button[type=submit]')]);
  const noteShown = await admin.page.textContent('#history li.note .note-text');
  check(noteShown === noteText, `the note is shown literally: ${JSON.stringify(noteShown)}`);
  const entries = await admin.page.$$eval('#history li', (lis) => lis.map((l) => l.className));
  check(JSON.stringify(entries.slice(0, 3)) === JSON.stringify(['note', 'assignment', 'status-change']),
    `history interleaves newest first: ${JSON.stringify(entries)}`);
  check((await admin.page.textContent('#history li.note')).includes('ada added a note'), 'the note names its author');
  await noInjection(admin.page, seen, 'history with a hostile note');
  // The picker: nobody, then back to ada.
  await admin.page.selectOption('#assignee-select', '');
  await Promise.all([admin.page.waitForEvent('load'), admin.page.click('#assign-form button[type=submit]')]);
  check((await admin.page.textContent('#assignee-current')).includes('Nobody'), 'unassigned from the picker');
  await admin.page.selectOption('#assignee-select', 'ada');
  await Promise.all([admin.page.waitForEvent('load'), admin.page.click('#assign-form button[type=submit]')]);
  check((await admin.page.textContent('#assignee-current')).trim() === 'ada', 'assigned from the picker');
  if (shots) await admin.page.screenshot({ path: `${shots}/issue-triage.png`, fullPage: true });

  // 5b. An issue from a Sentry SDK: structured frames, framework frames folded until asked for.
  const dsnKey = await admin.page.evaluate(async () => {
    const r = await fetch('/v1/projects/default/keys', {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'browser sdk', kind: 'dsn' }),
    });
    return (await r.json()).key;
  });
  check(typeof dsnKey === 'string' && dsnKey.length > 0, `a DSN key was created: ${dsnKey}`);
  await sendSentryEvent(dsnKey);
  let sentryRow = null;
  for (let i = 0; i < 50 && !sentryRow; i++) {
    await admin.page.goto(`${base}/issues?status=all&q=type:FrameProbe`);
    const rows = admin.page.locator('#issues tr', { hasText: 'FrameProbe' });
    if ((await rows.count()) === 1) sentryRow = rows; else await admin.page.waitForTimeout(200);
  }
  check(sentryRow, 'the Sentry event made an issue');
  await Promise.all([admin.page.waitForURL(/\/issues\/default\//), sentryRow.locator('a.issue-title').click()]);
  const frames = admin.page.locator('#event .frames');
  const fns = await frames.locator('.frame .fn').allTextContents();
  check(JSON.stringify(fns) === JSON.stringify(['charge', 'request', 'handle', 'route', 'tick']),
    `frames crashing first: ${JSON.stringify(fns)}`);
  const visible = async (sel) => Promise.all((await frames.locator(sel).all()).map((f) => f.isVisible()));
  check((await visible('.frame.in-app')).every(Boolean), 'in-app frames are shown');
  const folded = await visible('.frame.framework');
  check(folded.length === 3 && folded.every((v) => !v), `framework frames start hidden: ${JSON.stringify(folded)}`);
  const summaries = await frames.locator('details.framework-frames > summary').allTextContents();
  check(JSON.stringify(summaries) === JSON.stringify(['show 2 framework frames', 'show 1 framework frame']),
    `fold labels: ${JSON.stringify(summaries)}`);
  await frames.locator('summary:text-is("show 2 framework frames")').click();
  check(JSON.stringify(await visible('.frame.framework')) === JSON.stringify([true, true, false]),
    'clicking "show 2 framework frames" shows exactly those two');
  await noInjection(admin.page, seen, 'sentry issue');
  if (shots) await admin.page.screenshot({ path: `${shots}/issue-sentry.png`, fullPage: true });

  // Walk the events: two more arrive; from the latest to the oldest and back one.
  await sendSentryEvent(dsnKey);
  await sendSentryEvent(dsnKey);
  const position = async () => (await admin.page.textContent('#event-position')).trim();
  for (let i = 0; i < 50 && (await position()) !== '1 of 3'; i++) {
    await admin.page.waitForTimeout(200);
    await admin.page.reload();
  }
  check((await position()) === '1 of 3', `the latest of three: ${await position()}`);
  await Promise.all([admin.page.waitForEvent('load'), admin.page.click('#event-oldest')]);
  check((await position()) === '3 of 3', `the oldest: ${await position()}`);
  check(await admin.page.locator('#event-older').count() === 0, 'nothing older than the oldest');
  await Promise.all([admin.page.waitForEvent('load'), admin.page.click('#event-newer')]);
  check((await position()) === '2 of 3', `one newer: ${await position()}`);
  check((await admin.page.textContent('#event-release')).trim() === '2.4.1', 'the event\'s own release');
  // Its release page, from the releases list.
  await admin.page.goto(`${base}/releases`);
  await Promise.all([admin.page.waitForURL(/\/releases\/2\.4\.1/), admin.page.click('a[href^="/releases/2.4.1"]')]);
  check((await admin.page.textContent('#release-title')).includes('2.4.1'), 'the release page opens');
  check((await admin.page.locator('#release-new a.issue-title', { hasText: 'FrameProbe' }).count()) === 1, 'the issue is new in it');
  await admin.page.goBack();
  await admin.page.goBack();
  // Why grouped, and the Markdown for a ticket.
  await admin.page.click('#grouping summary');
  check(await admin.page.locator('#grouping-frame code').isVisible(), 'the grouping frame is explained');
  const md = await admin.page.inputValue('#issue-markdown');
  check(md.startsWith('### ') && md.includes('/issues/default/'), `markdown for a ticket: ${md.slice(0, 80)}`);

  // 6. Sign out, then sign back in with the discoverable passkey (no user name typed).
  await Promise.all([admin.page.waitForURL(`${base}/login`), admin.page.click('#logout-button')]);
  const gone = await admin.page.goto(`${base}/issues`);
  check(new URL(gone.url()).pathname === '/login', 'after sign-out the session is gone');
  await Promise.all([admin.page.waitForURL(`${base}/issues`), admin.page.click('#login-button')]);
  check((await admin.page.textContent('header .who')).includes('ada'), 'signed back in as ada');

  // A second passkey on another device: register it, sign in with it alone, remove the first.
  await admin.page.goto(`${base}/account`);
  // Chrome allows one internal authenticator at a time: the laptop goes, the phone comes.
  await admin.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: admin.authenticatorId });
  const { authenticatorId: phone } = await admin.cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true },
  });
  await admin.page.fill('#add-passkey-form input[name=name]', 'phone');
  await Promise.all([admin.page.waitForEvent('load'), admin.page.click('#add-passkey-form button[type=submit]')]);
  const keys = await admin.page.$$eval('#passkeys li', (li) => li.map((l) => l.textContent));
  check(keys.length === 2 && keys.some((k) => k.startsWith('phone')), `two passkeys listed: ${JSON.stringify(keys)}`);
  check((await credentials(admin.cdp, phone)).length === 1, 'the phone holds the new passkey');
  await Promise.all([admin.page.waitForURL(`${base}/login`), admin.page.click('#logout-button')]);
  await Promise.all([admin.page.waitForURL(`${base}/issues`), admin.page.click('#login-button')]);
  await admin.page.goto(`${base}/account`);
  const first = admin.page.locator('#passkeys li').filter({ hasNotText: 'phone' });
  // A removal reloads the page: wait for that load (a failed one shows its error instead), so
  // the list below is read from the new page, not the old one while it goes.
  const reloaded = admin.page.waitForEvent('load', { timeout: 10_000 }).catch(() => null);
  await first.locator('button').click();
  await reloaded;
  await admin.page.waitForFunction(() => document.querySelectorAll('#passkeys li').length === 1
    || !document.querySelector('#account-error')?.hidden, null, { timeout: 10_000 }).catch(() => {});
  const err = await admin.page.$eval('.form-error', (e) => e.textContent).catch(() => '');
  check(!err, `removing the first passkey failed: ${err}`);
  const left = await admin.page.$$eval('#passkeys li', (li) => li.map((l) => l.textContent));
  check(left.length === 1 && left[0].startsWith('phone'), `only the phone passkey is left: ${JSON.stringify(left)}`);
  check((await admin.page.$$('#passkeys button')).length === 0, 'the last passkey cannot be removed');

  // Alerts page. The form shows only the chosen type's fields, each with a label and its unit.
  await admin.page.goto(`${base}/alerts`);
  const shown = (sel) => admin.page.isVisible(`#alert-form ${sel}`);
  check(!(await shown('#rule-threshold')) && !(await shown('#rule-window')), 'a new-issue rule has no count or window');
  check(await shown('#rule-env'), 'it has the error filters');
  await admin.page.selectOption('#rule-type', 'threshold');
  check(await shown('#rule-threshold') && await shown('#rule-window') && await shown('#rule-per'), 'threshold shows its fields');
  check(!(await shown('#rule-amount')) && !(await shown('#rule-multiplier')), 'and hides the other types\' fields');
  check((await admin.page.textContent('label[for=rule-threshold]')) === 'At least'
    && (await admin.page.textContent('#rule-threshold + .unit')) === 'events'
    && (await admin.page.textContent('#rule-window + .unit')) === 'seconds', 'fields have labels and units');
  await admin.page.fill('#rule-name', 'Checkout <b>burst</b>');
  await admin.page.fill('#rule-threshold', '25');
  await admin.page.fill('#rule-window', '300');
  await admin.page.fill('#rule-env', 'production');
  // A channel that could never deliver (loopback, private targets off) is refused with the reason.
  await admin.page.selectOption('#rule-channel', '');
  check(!(await shown('#rule-target')), 'server defaults need no target');
  await admin.page.selectOption('#rule-channel', 'webhook');
  check((await admin.page.textContent('#rule-target-label')).startsWith('Webhook URL'), 'the target is labelled for its kind');
  await admin.page.fill('#rule-target', 'http://127.0.0.1:9/hook');
  await admin.page.click('#alert-form button[type=submit]');
  await admin.page.waitForSelector('#alert-form .form-error:not([hidden])');
  const refused = await admin.page.textContent('#alert-form .form-error');
  check(refused.includes('could never deliver') && refused.includes('allow_private_targets'), `refused with the reason: ${refused}`);
  await admin.page.fill('#rule-target', 'https://hooks.example.com/bloop');
  await Promise.all([admin.page.waitForEvent('load'), admin.page.click('#alert-form button[type=submit]')]);
  const rule = admin.page.locator('#rules tr[data-rule="Checkout <b>burst</b>"]');
  check((await rule.count()) === 1, 'the new rule is listed under its literal name');
  const ruleText = await rule.textContent();
  check(ruleText.includes('25 events in 300 s') && ruleText.includes('env production') && ruleText.includes('enabled')
    && ruleText.includes('webhook https://hooks.example.com'), `rule row reads well: ${ruleText}`);
  // Edit it: the form comes prefilled; what is not changed (its channel) is kept.
  await Promise.all([admin.page.waitForURL(/\/alerts\?edit=/), rule.locator('a:text-is("Edit")').click()]);
  check((await admin.page.inputValue('#rule-name')) === 'Checkout <b>burst</b>'
    && (await admin.page.inputValue('#rule-threshold')) === '25'
    && (await admin.page.inputValue('#rule-env')) === 'production'
    && (await admin.page.inputValue('#rule-channel')) === 'keep', 'the edit form is prefilled');
  check(await shown('#rule-threshold') && !(await shown('#rule-target')), 'with its type\'s fields, keeping its channel');
  await admin.page.fill('#rule-threshold', '40');
  await Promise.all([admin.page.waitForURL(`${base}/alerts`), admin.page.click('#alert-form button:text-is("Save changes")')]);
  const edited = await admin.page.locator('#rules tr[data-rule="Checkout <b>burst</b>"]').textContent();
  check(edited.includes('40 events in 300 s') && edited.includes('webhook https://hooks.example.com'), `the rule was edited: ${edited}`);
  await Promise.all([admin.page.waitForEvent('load'), rule.locator('button:text-is("Disable")').click()]);
  check((await admin.page.locator('#rules tr[data-rule="Checkout <b>burst</b>"]').textContent()).includes('disabled'),
    'the rule is disabled');
  if (shots) await admin.page.screenshot({ path: `${shots}/alerts.png`, fullPage: true });
  // A bad value is reported next to the form, naming the field.
  await admin.page.fill('#rule-name', 'broken');
  await admin.page.selectOption('#rule-type', 'threshold');
  await admin.page.fill('#rule-threshold', '999999999');
  await admin.page.fill('#rule-window', '300');
  await admin.page.selectOption('#rule-channel', 'webhook');
  await admin.page.fill('#rule-target', 'https://hooks.example.com/bloop');
  await admin.page.click('#alert-form button[type=submit]');
  await admin.page.waitForSelector('#alert-form .form-error:not([hidden])');
  check((await admin.page.textContent('#alert-form .form-error')).includes('threshold'), 'the error names the field');
  if (process.env.LLM_RULES) {
    await admin.page.goto(`${base}/alerts`);
    await admin.page.selectOption('#rule-type', 'llm_error_rate');
    check(!(await shown('#rule-threshold')), 'an LLM rule hides the event count');
    check(!(await shown('#rule-env')), 'and the error filters');
    check(await shown('#rule-error-percent') && !(await shown('#rule-budget-percent')), 'and shows its percent');
    const label = await admin.page.textContent('label[for=rule-min-calls]');
    const unit = await admin.page.textContent('#rule-min-calls + .unit');
    check(label === 'Over at least' && unit === 'calls in the window', `fields are labelled: ${label} … ${unit}`);
    await admin.page.fill('#rule-name', 'LLM failures');
    await admin.page.fill('#rule-error-percent', '25');
    await admin.page.fill('#rule-min-calls', '5');
    await admin.page.fill('#rule-window', '600');
    await admin.page.fill('#rule-model', 'gpt-4o');
    await admin.page.selectOption('#rule-channel', 'webhook');
    await admin.page.fill('#rule-target', 'https://hooks.example.com/llm');
    await Promise.all([admin.page.waitForEvent('load'), admin.page.click('#alert-form button[type=submit]')]);
    const llmRule = await admin.page.locator('#rules tr[data-rule="LLM failures"]').textContent();
    check(llmRule.includes('LLM error rate of gpt-4o ≥ 25% in 600 s (≥ 5 calls)'), `LLM rule row reads well: ${llmRule}`);
  }

  // 7. Invite a member from the Users page.
  await admin.page.goto(`${base}/users`);
  await admin.page.selectOption('#invite-form select[name=role]', 'member');
  await admin.page.click('#invite-form button[type=submit]');
  await admin.page.waitForSelector('#new-invite:not([hidden])');
  const link = (await admin.page.textContent('#new-invite-link')).trim();
  check(link.startsWith(`${base}/invite?token=bloop_inv_`), `invite link looks right: ${link}`);

  // 8. The member registers, can triage, but cannot reach admin pages.
  const member = await newPasskeyPage(browser);
  await member.page.goto(link);
  await member.page.fill('#register-form input[name=name]', 'max');
  await member.page.click('#register-form button[type=submit]');
  await member.page.waitForURL(`${base}/issues`);
  for (const path of ['/users', '/tokens', '/retention']) {
    const resp = await member.page.goto(`${base}${path}`);
    check(resp.status() === 403, `member gets 403 on ${path} (got ${resp.status()})`);
    check((await member.page.textContent('main')).includes('Not allowed'), `${path} shows the 403 page`);
  }
  const navLinks = await member.page.$$eval('header nav a', (as) => as.map((a) => a.textContent));
  check(!navLinks.includes('Users'), 'admin pages are not in the member navigation');
  // The API refuses too, with the session cookie.
  const apiStatus = await member.page.evaluate(async () => (await fetch('/v1/users')).status);
  check(apiStatus === 403, `member GET /v1/users is ${apiStatus}`);

  // Back on the admin's page: the member is listed.
  await admin.page.goto(`${base}/users`);
  check((await admin.page.$$('#users tr[data-user="max"]')).length === 1, 'the member appears in Users');

  console.log(`RESULT ${JSON.stringify({ fingerprint })}`);
});
