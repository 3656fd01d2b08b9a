// End-to-end test of the dashboard's LLM pages in headless Chromium, driven by
// tests/it/llm_pages.rs, which starts a real `bloop serve` (content policy `full`), seeds traces
// through the signed batch API and passes:
//   BLOOP_URL     http://localhost:<port> (the configured auth.rp_origin)
//   SETUP_URL     the one-time setup link the server printed
//   XSS_SCRIPT    the literal `<script>…` text inside the hostile trace's prompts
//   XSS_TEXTAREA  the literal `</textarea><img …>` text inside its completions
//   SHOTS_DIR     where to save screenshots (optional)
// The Rust side then checks the database for what this script changed (the content policy,
// the budget, errors_as_issues, a score and feedback).

import { main, newPasskeyPage, check } from './lib.mjs';

const base = process.env.BLOOP_URL;
const setupUrl = process.env.SETUP_URL;
const xssScript = process.env.XSS_SCRIPT;
const xssTextarea = process.env.XSS_TEXTAREA;
const shots = process.env.SHOTS_DIR;

function watchForScript(page) {
  const seen = { dialogs: [] };
  page.on('dialog', async (d) => {
    if (d.type() === 'confirm' && d.message().endsWith('?')) { await d.accept(); return; }
    seen.dialogs.push(d.message());
    await d.dismiss();
  });
  return seen;
}

async function noInjection(page, seen, where) {
  check(seen.dialogs.length === 0, `${where}: a dialog opened: ${seen.dialogs.join(', ')}`);
  const injected = await page.evaluate(() => ({
    imgs: document.querySelectorAll('img').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => !s.src.includes('/assets/app.js')).length,
    textareas: document.querySelectorAll('textarea').length,
    other: document.querySelectorAll('main i, main b, main u').length,
    flag: window.__pwned !== undefined,
  }));
  check(injected.imgs === 0, `${where}: an <img> element was injected`);
  check(injected.scripts === 0, `${where}: a <script> element was injected`);
  check(injected.other === 0, `${where}: markup from a trace became elements`);
  check(!injected.flag, `${where}: injected script ran`);
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

// Submits an API form (the page reloads when the change is made) and waits for the reload.
async function submitAndReload(page, formSelector) {
  await Promise.all([
    page.waitForEvent('load'),
    page.click(`${formSelector} button[type=submit]`),
  ]);
}

async function traceIds(page) {
  return page.$$eval('#llm-traces tbody tr', (rows) => rows.map((r) => r.dataset.traceId));
}

main(async (browser) => {
  check(base && setupUrl && xssScript && xssTextarea, 'BLOOP_URL, SETUP_URL, XSS_SCRIPT and XSS_TEXTAREA are required');

  // The first admin registers from the setup link.
  const admin = await newPasskeyPage(browser);
  const page = admin.page;
  const seen = watchForScript(page);
  await page.goto(setupUrl);
  await page.fill('#register-form input[name=name]', 'ada');
  await page.click('#register-form button[type=submit]');
  await page.waitForURL(`${base}/issues`);

  // 1. Overview: figures, charts stacked by model, the unpriced warning; via the nav entry.
  await Promise.all([page.waitForURL(`${base}/llm`), page.click('header nav a:text-is("LLM")')]);
  const stats = await page.$$eval('#llm-stats .card', (cs) => Object.fromEntries(cs.map((c) => [c.dataset.stat, c.querySelector('.card-value').textContent])));
  check(stats.calls === '14', `14 model calls in 24 h (got ${JSON.stringify(stats)})`);
  check(stats.cost.startsWith('$') && stats.cost !== '$0', `a cost is shown: ${stats.cost}`);
  const pieces = await page.$$eval('#cost-chart svg rect', (r) => r.length);
  const legend = await page.$$eval('#calls-chart .legend-label', (ls) => ls.map((l) => l.textContent));
  check(pieces > 0, 'the cost chart has bars');
  check(legend.includes('gpt-4o-mini') && legend.includes('mystery-model-x'), `calls stacked by model: ${legend}`);
  check(await page.isVisible('#unpriced-warning a[href^="/llm/models"]'), 'the unpriced warning links to the models page');
  await noInjection(page, seen, 'overview');
  await shot(page, 'llm-overview');

  // 2. Traces: filter by model, then errors only.
  await page.click('.llm-tabs a:text-is("Traces")');
  await page.waitForSelector('#llm-traces');
  check((await traceIds(page)).length === 14, 'all 14 traces listed');
  await page.fill('#trace-filters input[name=model]', 'mystery-model-x');
  await Promise.all([page.waitForURL(/model=mystery-model-x/), page.click('#trace-filters button[type=submit]')]);
  check(JSON.stringify(await traceIds(page)) === '["t-unpriced"]', `model filter: ${await traceIds(page)}`);
  await page.fill('#trace-filters input[name=model]', '');
  await page.check('#trace-filters input[name=has_error]');
  await Promise.all([page.waitForURL(/has_error=true/), page.click('#trace-filters button[type=submit]')]);
  check(JSON.stringify(await traceIds(page)) === '["t-hostile"]', `errors only: ${await traceIds(page)}`);
  const listed = await page.textContent('#llm-traces a.trace-name');
  check(listed === 'agent <i>run</i>', `the hostile name is shown as text: ${listed}`);
  await noInjection(page, seen, 'traces list');

  // 3. The trace: the waterfall nests each span under its parent.
  await Promise.all([page.waitForURL(/\/llm\/traces\/t-hostile/), page.click('#llm-traces a.trace-name')]);
  const rows = await page.$$eval('#waterfall .wf-row', (rs) => rs.map((r) => ({
    id: r.dataset.spanId, parent: r.dataset.parentId || null, depth: Number(r.dataset.depth),
    indent: parseFloat(getComputedStyle(r.querySelector('.wf-name')).paddingLeft),
  })));
  const shape = rows.map((r) => `${r.id}<${r.parent}@${r.depth}`).join(' ');
  check(shape === 'root<null@0 plan<root@1 lookup<root@1 inner<lookup@2 late<null@0', `waterfall shape: ${shape}`);
  check(rows[3].indent > rows[2].indent && rows[2].indent > rows[0].indent, `children are indented: ${JSON.stringify(rows)}`);
  check((await page.$$('#waterfall .wf-row.wf-error')).length === 1, 'the failed span is highlighted');
  check((await page.textContent('.wf-error .wf-msg')) === `boom ${xssScript}`, 'its error message is text');
  check((await page.$$('#waterfall rect.ttft')).length === 1, 'a TTFT marker on the generation');
  const input = await page.textContent('#trace-content details pre');
  check(input === `please help ${xssScript}`, `trace input shown literally: ${input}`);
  const completions = await page.$$eval('#waterfall pre', (ps) => ps.map((p) => p.textContent));
  check(completions.includes(xssTextarea), `the span completion shown literally: ${JSON.stringify(completions)}`);
  await noInjection(page, seen, 'trace');
  await shot(page, 'llm-trace');

  // A phone-sized window: the waterfall stacks and nothing runs off the side.
  await page.setViewportSize({ width: 390, height: 800 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 392, `the trace page fits 390 px (scrollWidth ${wide})`);
  await shot(page, 'llm-trace-phone');
  await page.setViewportSize({ width: 1280, height: 800 });

  // Score and feedback through the page's forms.
  await page.fill('#score-form input[name=name]', 'helpfulness');
  await page.fill('#score-form input[name=value]', '0.8');
  await submitAndReload(page, '#score-form');
  check((await page.textContent('#scores li[data-score=helpfulness]')).includes('0.80'), 'the score is listed');
  await page.check('#feedback-form input[value=down]');
  await page.fill('#feedback-form input[name=comment]', xssTextarea);
  await submitAndReload(page, '#feedback-form');
  const fb = await page.textContent('#feedback li[data-rating="-1"]');
  check(fb.includes(xssTextarea), `feedback listed with its comment as text: ${fb}`);
  await noInjection(page, seen, 'trace after feedback');

  // The session link leads to the session's traces in order.
  await Promise.all([page.waitForURL(/\/llm\/sessions\/sess-1/), page.click('#session-link')]);
  const sess = await traceIds(page);
  check(sess.length === 13 && sess[0] === 't-hostile', `session traces in order: ${sess}`);

  // 4. Compare two versions of a prompt.
  await page.goto(`${base}/llm/prompts`);
  const form = 'section[data-prompt=support] form.compare-form';
  await page.selectOption(`${form} select[name=a]`, '3');
  await page.selectOption(`${form} select[name=b]`, '4');
  await Promise.all([page.waitForURL(/a=3&b=4/), page.click(`${form} button[type=submit]`)]);
  const summary = await page.$$eval('#compare-summary li', (ls) => ls.map((l) => l.textContent));
  check(summary.some((l) => l.startsWith('v4 is slower than v3') && l.includes('6 vs 6 calls')), `comparison in plain words: ${JSON.stringify(summary)}`);
  check((await page.textContent('#compare-table tr[data-metric=latency]')).includes('significant'), 'the latency test result');
  await noInjection(page, seen, 'prompts');
  await shot(page, 'llm-prompts');

  // 5. A budget on the overview.
  await page.goto(`${base}/llm`);
  await page.fill('.budget-form input[name=monthly_usd]', '25');
  await page.check('.budget-form input[name=enforce]');
  await submitAndReload(page, '.budget-form');
  const budget = await page.textContent('#budgets .budget');
  check(budget.includes('of $25.00') && budget.includes('enforced'), `the budget is shown: ${budget}`);
  check(await page.isChecked('.budget-form input[name=enforce]'), 'enforce stays checked');
  // Its alert threshold, from the same panel: 90 % to a webhook, the forecast left on.
  check((await page.textContent('#budgets .budget-alerts')).includes('No budget alert'), 'no budget alert yet');
  await page.fill('.budget-alert-form input[name=percent]', '90');
  await page.selectOption('.budget-alert-form select[name=channel_type]', 'webhook');
  await page.fill('.budget-alert-form input[name=channel_target]', 'https://hooks.example.com/budget');
  await submitAndReload(page, '.budget-alert-form');
  const alerts = await page.textContent('#budgets .budget-alerts');
  check(alerts.includes('≥ 90% of the budget, or forecast over it') && alerts.includes('webhook https://hooks.example.com'), `the budget alert is listed: ${alerts}`);

  // 6. The content policy.
  await page.goto(`${base}/llm/settings`);
  const policy = 'section.policy[data-project=default]';
  check((await page.getAttribute(policy, 'data-policy')) === 'full', 'the server default applies');
  await page.check(`${policy} input[value=metadata_only]`);
  await submitAndReload(page, `${policy} form`);
  check((await page.getAttribute(policy, 'data-policy')) === 'metadata_only', 'the policy changed');
  check((await page.textContent(`${policy} .policy-current`)) === 'metadata_only', 'and says so');
  // 7. LLM failures as issues: on by default, one click turns it off.
  const errors = `${policy} .errors-as-issues`;
  check((await page.getAttribute(errors, 'data-errors-as-issues')) === 'on', 'failures are filed as issues by default');
  await Promise.all([page.waitForEvent('load'), page.click(`${errors} button.errors-as-issues-toggle`)]);
  check((await page.getAttribute(errors, 'data-errors-as-issues')) === 'off', 'the toggle turned it off');
  check((await page.textContent(`${errors} button.errors-as-issues-toggle`)).trim() === 'Turn on', 'and offers to turn it back on');
  await noInjection(page, seen, 'settings');
  await shot(page, 'llm-settings');
});
