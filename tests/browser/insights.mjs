// The Insights page and the issue page's "Moves with" panel in headless Chromium, driven by
// tests/it/insights_page.rs, which starts a real `bloop serve`, plants events through the signed
// ingest API and passes:
//   BLOOP_URL    http://localhost:<port> (the configured auth.rp_origin)
//   SETUP_URL    the one-time setup link the server printed
//   ISSUE_PATH   an issue page to open as well ("/issues/default/<fingerprint>")
//   SHOTS_DIR    where to save screenshots (optional)
// It registers the first admin with a passkey, opens /insights from the navigation, follows the
// first spike's link, opens the issue page, and looks at both again in a 390 px window. What a
// user sees there is printed as one `RESULT {json}` line; the Rust side asserts on it (with and
// without the analytics feature the same script runs).

import { main, newPasskeyPage, check } from './lib.mjs';

const base = process.env.BLOOP_URL;
const setupUrl = process.env.SETUP_URL;
const issuePath = process.env.ISSUE_PATH;
const shots = process.env.SHOTS_DIR;

async function shot(page, name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

// Elements that hostile event text would have made, and dialogs it would have opened.
async function injected(page, dialogs) {
  const found = await page.evaluate(() => ({
    imgs: document.querySelectorAll('img').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => !s.src.includes('/assets/app.js')).length,
  }));
  return { ...found, dialogs: dialogs.length };
}

// What the insights page shows, section by section.
async function insights(page) {
  return page.evaluate(() => {
    // An issue as a row or list item shows it (defined in here: the page's CSP forbids eval).
    const issueOf = (el) => {
      const a = el.querySelector('a.issue-title');
      const msg = el.querySelector('.issue-msg');
      return {
        fingerprint: el.dataset.fingerprint ?? null,
        type: a ? a.textContent : null,
        href: a ? a.getAttribute('href') : null,
        message: msg ? msg.textContent : null,
      };
    };
    const text = (sel) => { const e = document.querySelector(sel); return e ? e.innerText : null; };
    const section = (id) => {
      const s = document.getElementById(id);
      if (!s) return null;
      const rows = [...s.querySelectorAll('tbody tr')].map((tr) => ({
        ...issueOf(tr),
        release: tr.dataset.release ?? null,
        environment: tr.dataset.environment ?? null,
        cells: [...tr.querySelectorAll('td')].map((td) => td.innerText.trim()),
        spark: tr.querySelector('svg.spark') !== null,
      }));
      const clusters = [...s.querySelectorAll('.cluster')].map((c) => ({
        heading: c.querySelector('strong').textContent,
        issues: [...c.querySelectorAll('li')].map(issueOf),
      }));
      return {
        heading: s.querySelector('h2').textContent,
        empty: s.querySelector('.empty-note') ? s.querySelector('.empty-note').innerText : null,
        failed: s.querySelector('.insight-failed') !== null,
        rows,
        clusters,
      };
    };
    return {
      title: text('main h1'),
      off: text('#insights-off'),
      pre: [...document.querySelectorAll('main pre')].map((p) => p.textContent),
      sections: Object.fromEntries(['spikes', 'movers', 'clusters', 'releases', 'environments'].map((id) => [id, section(id)])),
      selects: Object.fromEntries([...document.querySelectorAll('form.filters select')].map((s) => [s.name, [...s.options].map((o) => o.value)])),
    };
  });
}

async function movesWith(page) {
  return page.evaluate(() => {
    // An issue as a row or list item shows it (defined in here: the page's CSP forbids eval).
    const issueOf = (el) => {
      const a = el.querySelector('a.issue-title');
      const msg = el.querySelector('.issue-msg');
      return {
        fingerprint: el.dataset.fingerprint ?? null,
        type: a ? a.textContent : null,
        href: a ? a.getAttribute('href') : null,
        message: msg ? msg.textContent : null,
      };
    };
    const panel = document.getElementById('moves-with');
    if (!panel) return null;
    return [...panel.querySelectorAll('li')].map((li) => ({ ...issueOf(li), r: li.querySelector('.r').textContent }));
  });
}

// How wide the page is against the window (a page that fits scrolls nothing sideways; tables
// scroll inside their card).
async function fit(page) {
  return page.evaluate(() => ({
    window: document.documentElement.clientWidth,
    page: document.documentElement.scrollWidth,
  }));
}

main(async (browser) => {
  check(base && setupUrl && issuePath, 'BLOOP_URL, SETUP_URL and ISSUE_PATH are required');
  const { page } = await newPasskeyPage(browser);
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(setupUrl);
  await page.fill('#register-form input[name=name]', 'ada');
  await page.click('#register-form button[type=submit]');
  await page.waitForURL(`${base}/issues`);
  await page.setViewportSize({ width: 1280, height: 900 });

  const result = {};
  const navLink = await page.$('header nav a:text-is("Insights")');
  result.nav = navLink !== null;
  check(result.nav, 'the navigation has an Insights entry');
  await Promise.all([page.waitForURL(`${base}/insights`), navLink.click()]);
  result.nav_active = await page.$eval('header nav a:text-is("Insights")', (a) => a.classList.contains('active'));
  result.insights = await insights(page);
  result.insights_injected = await injected(page, dialogs);
  await shot(page, 'insights');

  // The first spike's link leads to its issue page.
  const spike = await page.$('#spikes tbody tr a.issue-title');
  if (spike) {
    await Promise.all([page.waitForURL(/\/issues\/[^/]+\/[^/]+$/), spike.click()]);
    result.followed = { path: new URL(page.url()).pathname, title: await page.textContent('#issue-title') };
  }

  await page.goto(`${base}${issuePath}`);
  result.issue_title = await page.textContent('#issue-title');
  result.moves_with = await movesWith(page);
  result.issue_injected = await injected(page, dialogs);
  await shot(page, 'insights-issue');

  // A phone-sized window.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/insights`);
  result.insights_390 = await fit(page);
  await shot(page, 'insights-390');
  await page.goto(`${base}${issuePath}`);
  result.issue_390 = await fit(page);
  await shot(page, 'insights-issue-390');

  console.log(`RESULT ${JSON.stringify(result)}`);
});
