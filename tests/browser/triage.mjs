// The issue list's triage tools in headless Chromium, driven by tests/it/issue_list.rs, which
// starts a real `bloop serve`, plants issues through the signed ingest API and passes:
//   BLOOP_URL     http://localhost:<port> (the configured auth.rp_origin)
//   SESSION       a member's `bloop_session` cookie value
//   ADMIN_SESSION an admin's (for the admin pages at phone size)
//   ISSUE_PATH    the issue with long tokens ("/issues/default/<fingerprint>")
//   EXTRA_PAGES   more pages to check at 390 px, comma-separated (the LLM pages when built in)
//   SHOTS_DIR     where to save screenshots (optional)
// It bulk-resolves three issues with the keyboard and undoes it, filters by a chip and by a
// select, fixes a bad search in place, opens the shortcut and search help, then checks every
// page at 390 × 844 for horizontal overflow and walks the phone menu. Prints `RESULT {json}`
// with what the Rust side checks in the database.

import { main, check } from './lib.mjs';

const base = process.env.BLOOP_URL;
const shots = process.env.SHOTS_DIR;
const issuePath = process.env.ISSUE_PATH;

async function shot(page, name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

async function signedIn(browser, cookie) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
  const url = new URL(base);
  await context.addCookies([{ name: 'bloop_session', value: cookie, domain: url.hostname, path: '/', httpOnly: true, sameSite: 'Lax' }]);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => { errors.push(String(err)); console.error(`[pageerror] ${err.stack || err}`); });
  return { context, page, errors };
}

// The rows of the list as the user sees them.
async function rows(page) {
  return page.$$eval('#issues tbody tr', (trs) => trs.map((tr) => ({
    fingerprint: tr.dataset.fingerprint,
    project: tr.dataset.project,
    status: tr.dataset.status,
    type: tr.querySelector('a.issue-title').textContent,
    cursor: tr.classList.contains('cursor'),
    selected: tr.querySelector('input.row-select')?.checked ?? false,
  })));
}

async function statuses(page) {
  return page.evaluate(async () => {
    const r = await fetch('/v1/errors?status=all&limit=200', { credentials: 'same-origin' });
    const out = {};
    for (const i of await r.json()) out[i.fingerprint] = i.status;
    return out;
  });
}

// The document's width at this size, and what sticks out when it is too wide.
async function fit(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const offenders = [];
    for (const el of document.querySelectorAll('body *')) {
      // Text running out of its box (a long token in a heading) shows as the box's scroll width.
      if (getComputedStyle(el).overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1 && el.getBoundingClientRect().left + el.scrollWidth > width + 0.5) {
        offenders.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} (text) → ${Math.round(el.getBoundingClientRect().left + el.scrollWidth)}`);
      }
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 0.5) {
        // Inside a scrolling wrapper is fine: the wrapper scrolls, not the page.
        let p = el.parentElement; let scrolls = false;
        while (p && p !== document.body) {
          const ox = getComputedStyle(p).overflowX;
          if ((ox === 'auto' || ox === 'scroll' || ox === 'hidden') && p.getBoundingClientRect().right <= width + 0.5) { scrolls = true; break; }
          p = p.parentElement;
        }
        if (!scrolls) offenders.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} → ${Math.round(r.right)}`);
      }
    }
    return { width, page: document.documentElement.scrollWidth, offenders: offenders.slice(0, 8) };
  });
}

main(async (browser) => {
  check(base && process.env.SESSION && process.env.ADMIN_SESSION && issuePath, 'BLOOP_URL, SESSION, ADMIN_SESSION and ISSUE_PATH are required');
  const result = {};
  const { page, errors } = await signedIn(browser, process.env.SESSION);

  // 1. Bulk-resolve three issues with the keyboard, then undo. The "All" tab keeps them in view.
  await page.goto(`${base}/issues?status=all`);
  await page.waitForSelector('#bulk:not([hidden])');
  const before = await rows(page);
  const wide = await page.evaluate(() => { const c = document.querySelector('#issues').closest('.table-wrap'); return c.scrollWidth <= c.clientWidth; });
  check(wide, 'long chips are cut, the list fits its card at 1280 px');
  check(before.length >= 4, `the list has issues: ${JSON.stringify(before)}`);
  for (let n = 0; n < 3; n++) {
    await page.keyboard.press('j');
    await page.keyboard.press('x');
  }
  const picked = (await rows(page)).filter((r) => r.selected);
  check(picked.length === 3, `three rows selected with j/x: ${JSON.stringify(picked)}`);
  check((await page.textContent('#bulk-count')) === '3 selected', 'the bar counts the selection');
  check((await rows(page))[2].cursor, 'the cursor is on the third row');
  await shot(page, 'issues-selected');
  result.picked = picked.map((r) => ({ fingerprint: r.fingerprint, status: r.status }));
  await page.keyboard.press('r');
  await page.waitForFunction(() => !document.getElementById('bulk-result').hidden);
  result.resolved_text = await page.textContent('#bulk-result [data-field=text]');
  check(result.resolved_text === '3 issues resolved', `the count is shown: ${result.resolved_text}`);
  let now = await statuses(page);
  for (const p of picked) check(now[p.fingerprint] === 'resolved', `${p.type} is resolved`);
  check((await rows(page)).filter((r) => r.status === 'resolved').length === 3, 'the rows show it');
  check((await rows(page)).every((r) => !r.selected), 'the selection is cleared');
  await page.click('#bulk-undo');
  await page.waitForFunction(() => document.querySelector('#bulk-result [data-field=text]').textContent.startsWith('Undone'));
  now = await statuses(page);
  for (const p of picked) check(now[p.fingerprint] === p.status, `${p.type} is back to ${p.status} (is ${now[p.fingerprint]})`);
  result.after_undo = picked.map((p) => ({ fingerprint: p.fingerprint, status: now[p.fingerprint] }));
  check(await page.isHidden('#bulk-undo'), 'one undo only');

  // `i` on the cursor row alone (no selection) ignores just that issue; the list refreshes.
  await page.goto(`${base}/issues`);
  const unresolved = await rows(page);
  await page.keyboard.press('j');
  await page.keyboard.press('i');
  await page.waitForFunction(() => document.querySelector('#bulk-result [data-field=text]')?.textContent === '1 issue ignored');
  check((await rows(page)).length === unresolved.length - 1, 'the ignored issue left the unresolved list');
  check((await page.textContent('#issue-total')).startsWith(`${unresolved.length - 1} `), 'the total follows');
  result.ignored = unresolved[0].fingerprint;
  await page.click('#bulk-undo');
  await page.waitForFunction((n) => document.querySelectorAll('#issues tbody tr').length === n, unresolved.length);

  // `o` opens the cursor row's issue, and Enter too.
  await page.keyboard.press('k');
  const cursorHref = await page.getAttribute('#issues tr.cursor', 'data-href');
  await Promise.all([page.waitForURL(`${base}${cursorHref}`), page.keyboard.press('o')]);
  await page.goBack();
  await page.waitForSelector('#issues');
  await page.keyboard.press('j');
  const firstHref = await page.getAttribute('#issues tr.cursor', 'data-href');
  await Promise.all([page.waitForURL(`${base}${firstHref}`), page.keyboard.press('Enter')]);
  await page.goto(`${base}/issues`);

  // 2. The shortcut help: `?` opens it, Esc closes it.
  await page.keyboard.press('?');
  check(await page.isVisible('#shortcuts'), '? shows the shortcuts');
  const help = await page.textContent('#shortcuts');
  for (const k of ['j / k', 'o or Enter', 'x', 'r', 'i', '/']) check(help.includes(k), `the help lists ${k}`);
  await page.keyboard.press('Escape');
  check(await page.isHidden('#shortcuts'), 'Esc closes it');

  // 3. `/` focuses the search; keys typed there are text, not shortcuts.
  const untouched = JSON.stringify(await rows(page));
  await page.keyboard.press('/');
  check(await page.evaluate(() => document.activeElement.id === 'search'), '/ focuses the search');
  await page.keyboard.type('jjxr');
  check(JSON.stringify(await rows(page)) === untouched, 'typing j, x and r in the search moves, selects and changes nothing');
  check((await page.inputValue('#search')) === 'jjxr', 'the keys went into the box');

  // 4. A bad search: the error under the box, the query kept; fixed in place.
  await page.fill('#search', 'colour:red');
  await Promise.all([page.waitForEvent('load'), page.press('#search', 'Enter')]);
  result.search_error = await page.textContent('#search-error');
  check(result.search_error.includes('`colour:red`'), `the error names the term: ${result.search_error}`);
  check((await page.inputValue('#search')) === 'colour:red', 'the query stays in the box');
  check(await page.isVisible('#filters select[name=release]'), 'the filter bar stays');
  const errorBelow = await page.evaluate(() => {
    const s = document.getElementById('search').getBoundingClientRect();
    const e = document.getElementById('search-error').getBoundingClientRect();
    return e.top >= s.bottom && Math.abs(e.left - s.left) < 4;
  });
  check(errorBelow, 'the error sits under the search box');
  await page.fill('#search', 'type:TypeError');
  await Promise.all([page.waitForEvent('load'), page.press('#search', 'Enter')]);
  check((await page.$('#search-error')) === null, 'the error is gone');
  const typed = await rows(page);
  check(typed.length === 1 && typed[0].type === 'TypeError', `the fixed search finds the issue: ${JSON.stringify(typed)}`);

  // 5. The search help lists every key with an example; an example goes into the box.
  await page.click('#search-help summary');
  check(await page.isVisible('#search-help .popover'), 'the help opens');
  await shot(page, 'search-help');
  const syntax = await page.$$eval('#search-help code', (cs) => cs.map((c) => c.textContent));
  for (const k of ['is:unresolved', 'release:2.1.0', 'env:production', 'source:ios', 'route:"GET /users"', 'type:TypeError', '!env:staging', '"db: down"']) {
    check(syntax.includes(k), `the help shows ${k}: ${JSON.stringify(syntax)}`);
  }
  result.syntax = syntax;
  await page.click('#search-help code:text-is("source:ios")');
  check((await page.inputValue('#search')) === 'type:TypeError source:ios', 'the example joins the query');
  check(!(await page.isVisible('#search-help .popover')), 'and the help closes');

  // 6. A chip filters the list when clicked: its term replaces one of the same key.
  await page.goto(`${base}/issues`);
  const chip = page.locator('#issues a.chip', { hasText: 'source ios' }).first();
  check((await chip.getAttribute('title')) === 'Filter by source ios', 'the chip says what it does');
  await Promise.all([page.waitForURL(/q=source%3Aios/), chip.click()]);
  check((await page.inputValue('#search')) === 'source:ios', 'the term is in the search box');
  const ios = await rows(page);
  check(ios.length === 1 && ios[0].type === 'NSURLErrorDomain', `the chip's filter applies: ${JSON.stringify(ios)}`);
  const labels = await page.$$eval('#issues tbody tr:first-child .chip-k', (ks) => ks.map((k) => k.textContent));
  for (const l of ['source', 'route', 'release', 'env']) check(labels.includes(l), `chips are labelled ${l}: ${labels}`);

  // 7. A select applies as it changes (no Filter click).
  await page.goto(`${base}/issues`);
  await Promise.all([page.waitForURL(/environment=staging/), page.selectOption('#filters select[name=environment]', 'staging')]);
  const staging = await rows(page);
  check(staging.length === 1 && staging[0].type === 'PaymentDeclined', `the environment filter applies: ${JSON.stringify(staging)}`);
  await shot(page, 'issues-filtered');

  // 8. A phone: every page fits 390 px; the list keeps type, message, events and last seen.
  const phone = await signedIn(browser, process.env.ADMIN_SESSION);
  await phone.page.setViewportSize({ width: 390, height: 844 });
  const pages = ['/issues', '/issues?status=all&q=type:TypeError', issuePath, '/releases', '/releases/2.1.0',
    `/releases/${encodeURIComponent('2.1.0-beta.1+build.20240611.abcdef0123456789')}`, '/insights', '/projects', '/tokens',
    '/retention', '/users', '/alerts', '/account', ...(process.env.EXTRA_PAGES || '').split(',').filter(Boolean)];
  result.phone = {};
  for (const p of pages) {
    const resp = await phone.page.goto(`${base}${p}`);
    check(resp.status() === 200, `${p} answered ${resp.status()}`);
    const f = await fit(phone.page);
    result.phone[p] = f;
    await shot(phone.page, `phone-${p.replace(/[^a-z0-9]+/gi, '-')}`);
    check(f.page <= 390, `${p} is ${f.page} px wide at 390: ${f.offenders.join(', ')}`);
  }
  await phone.page.goto(`${base}/issues`);
  const cols = await phone.page.evaluate(() => {
    // On screen: shown, and inside the table's card (which would otherwise scroll).
    const card = document.querySelector('#issues').closest('.table-wrap');
    const edge = card.getBoundingClientRect().right;
    const seen = (el) => !!el && el.getClientRects().length > 0 && el.getBoundingClientRect().right <= edge;
    const head = [...document.querySelectorAll('#issues thead th')].filter(seen).map((th) => th.textContent.trim());
    const first = document.querySelector('#issues tbody tr');
    return {
      head, card_scrolls: card.scrollWidth > card.clientWidth,
      type: seen(first.querySelector('.issue-title')), message: seen(first.querySelector('.issue-msg')),
      last_seen: seen(first.querySelector('td:last-child time')),
    };
  });
  result.phone_columns = cols;
  check(!cols.card_scrolls, 'the list fits its card at 390 px');
  check(cols.last_seen, 'the last-seen time is on screen');
  for (const c of ['Issue', 'Events', 'Last seen']) check(cols.head.includes(c), `${c} is on screen at 390: ${cols.head}`);
  check(cols.type && cols.message, 'type and message are on screen');
  // The menu reaches every page, Users and Retention included.
  check(await phone.page.isHidden('header nav.bar'), 'the bar gives way to the menu');
  for (const [label, path] of [['Users', '/users'], ['Retention', '/retention'], ['Issues', '/issues']]) {
    await phone.page.click('header details.menu > summary');
    const link = phone.page.locator('header details.menu nav a', { hasText: label });
    check(await link.isVisible(), `the menu shows ${label}`);
    await Promise.all([phone.page.waitForURL(`${base}${path}`), link.click()]);
  }
  result.menu = await phone.page.$$eval('header details.menu nav a', (as) => as.map((a) => a.textContent));
  await phone.page.click('header details.menu > summary');
  await shot(phone.page, 'phone-menu');
  await phone.page.keyboard.press('Escape');
  check(!(await phone.page.isVisible('header details.menu nav')), 'Esc closes the menu');

  check(errors.length === 0 && phone.errors.length === 0, `no script errors: ${errors.concat(phone.errors)}`);
  console.log(`RESULT ${JSON.stringify(result)}`);
});
