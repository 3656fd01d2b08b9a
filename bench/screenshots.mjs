// The README's LLM screenshots: docs/images/llm-overview.png (the overview, 24 h) and
// docs/images/llm-trace.png (an agent trace's waterfall), 1280×900 each.
//
// Starts a release `bloop serve` on a fresh temp database (content policy `full`), sends a small,
// realistic day of traces (401) through the signed JSON batch API (five priced models, sessions, users,
// two prompts with two versions each, ~3 % failed spans, and one 7-span agent trace with a
// retrieval, a failed tool call, its retry and two generations), sets a monthly budget, inserts a
// dashboard user and session straight into the database (no passkey ceremony), and takes the two
// screenshots in headless Chromium through playwright-core from tests/browser/node_modules.
//
//   cargo build --release && node bench/screenshots.mjs
//
// Env: BLOOP_BIN (default $CARGO_TARGET_DIR/release/bloop, else target/release/bloop),
// CHROMIUM_PATH (default /usr/bin/chromium), OUT_DIR (default docs/images). Needs the sqlite3
// command-line shell (for the session) and tests/browser/install.sh's playwright-core. The data
// come from a fixed seed, so a re-run gives the same picture (times are relative to now).

import { spawn, execFileSync } from 'node:child_process';
import { createHmac, createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(path.join(ROOT, 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

const BIN = process.env.BLOOP_BIN
  || path.join(process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target'), 'release', 'bloop');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const OUT = path.resolve(process.env.OUT_DIR || path.join(ROOT, 'docs', 'images'));
const SECRET = 'screenshot-secret';
const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.now();
const AGENT_ID = 'run-7f3a9c';

function check(cond, message) {
  if (!cond) throw new Error(`check failed: ${message}`);
}

// A small deterministic generator (mulberry32), so every run draws the same data.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20261201);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const between = (lo, hi) => Math.floor(lo + rand() * (hi - lo));
const lognormal = (mu, sigma) => {
  const u = 1 - rand();
  const v = rand();
  return Math.round(Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)));
};
function weighted(pairs) {
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let x = rand() * total;
  for (const [v, w] of pairs) {
    x -= w;
    if (x < 0) return v;
  }
  return pairs[pairs.length - 1][0];
}

const MODELS = [
  [['gpt-4o-mini', 'openai'], 40],
  [['gpt-4o', 'openai'], 18],
  [['claude-3-5-sonnet-20241022', 'anthropic'], 16],
  [['claude-3-5-haiku-20241022', 'anthropic'], 14],
  [['gemini-1.5-flash', 'google'], 12],
];
const PROMPTS = [
  // name, versions (the newer one rolled out in the last 10 hours), trace name
  ['support', ['3', '4'], 'support answer'],
  ['summarise', ['1', '2'], 'summarise ticket'],
];
const TOOLS = ['lookup_order', 'search_kb', 'create_ticket', 'get_invoice'];
const QUESTIONS = [
  'Where is my parcel? It was due on Monday.',
  'I was charged twice for order 48213.',
  'How do I reset my password?',
  'Can I change the delivery address?',
  'Please cancel my subscription.',
];

// A busier working day than night: the hour of day weighs each start time.
function startTime() {
  for (;;) {
    const t = NOW - between(2 * MIN, 24 * HOUR);
    const h = new Date(t).getUTCHours();
    const w = 0.25 + 0.75 * Math.max(0, Math.sin(((h - 6) / 24) * 2 * Math.PI));
    if (rand() < w) return t;
  }
}

function background(i) {
  const at = startTime();
  const [model, provider] = weighted(MODELS);
  const [prompt, versions, name] = pick(PROMPTS);
  const recent = at > NOW - 10 * HOUR;
  const version = recent && rand() < 0.7 ? versions[1] : versions[0];
  const session = `chat-${between(100, 118)}`;
  const user = `user-${between(1, 9)}`;
  const failed = rand() < 0.03;
  const gen = lognormal(prompt === 'support' && version === '4' ? 6.9 : 6.6, 0.45);
  const spans = [{
    id: 'gen', name: prompt, model, provider,
    input_tokens: between(400, 3500), output_tokens: between(60, 700),
    cache_read_tokens: pick([0, 0, 256, 1024]),
    latency_ms: gen, time_to_first_token_ms: Math.max(40, Math.round(gen / between(4, 8))),
    started_at: at + 5,
    ...(failed ? { status: 'error', error_message: `${provider} returned 529: overloaded` } : {}),
  }];
  if (prompt === 'support' && rand() < 0.6) {
    const tool = pick(TOOLS);
    spans.push({ id: 'tool', parent_span_id: 'gen', span_type: 'tool', name: tool,
      latency_ms: lognormal(4.2, 0.5), started_at: at + gen + 10 });
  }
  return {
    id: `tr-${String(i).padStart(4, '0')}`, name, session_id: session, user_id: user,
    prompt_name: prompt, prompt_version: version, status: failed ? 'error' : 'completed',
    started_at: at, ended_at: at + gen + 200,
    input: pick(QUESTIONS), output: failed ? undefined : 'Here is what I found …',
    spans,
  };
}

// The agent run the trace screenshot shows: a plan, a retrieval, a tool call that times out,
// its retry, the answer and a guardrail check, under one agent span.
function agentTrace() {
  const at = NOW - 37 * MIN;
  const question = 'I was charged twice for order 48213, can you refund one of them?';
  return {
    id: AGENT_ID, name: 'support agent: refund request', session_id: 'chat-104', user_id: 'user-3',
    prompt_name: 'support', prompt_version: '4', status: 'completed',
    started_at: at, ended_at: at + 6420,
    input: question,
    output: 'I found both charges for order 48213 and refunded the duplicate ($42.90). '
      + 'It will be back on your card in 3–5 working days.',
    metadata: { channel: 'web-chat', locale: 'en-GB', agent_version: '2.3.1' },
    spans: [
      { id: 'agent', span_type: 'agent', name: 'support_agent', latency_ms: 6420, started_at: at },
      { id: 'plan', parent_span_id: 'agent', name: 'plan', model: 'gpt-4o', provider: 'openai',
        input_tokens: 1840, output_tokens: 156, cache_read_tokens: 1024, latency_ms: 1210,
        time_to_first_token_ms: 290, started_at: at + 30,
        input: `system: You are a support agent for an online shop.\nuser: ${question}`,
        output: 'Search the refund policy, look the order up, then refund the duplicate charge.' },
      { id: 'kb', parent_span_id: 'agent', span_type: 'retrieval', name: 'search_kb: refund policy',
        latency_ms: 180, started_at: at + 1260 },
      { id: 'lookup', parent_span_id: 'agent', span_type: 'tool', name: 'lookup_order',
        latency_ms: 2000, started_at: at + 1460, status: 'error',
        error_message: 'order service timed out after 2000 ms' },
      { id: 'lookup-retry', parent_span_id: 'agent', span_type: 'tool', name: 'lookup_order (retry)',
        latency_ms: 340, started_at: at + 3480 },
      { id: 'answer', parent_span_id: 'agent', name: 'answer', model: 'claude-3-5-sonnet-20241022',
        provider: 'anthropic', input_tokens: 2950, output_tokens: 212, latency_ms: 2380,
        time_to_first_token_ms: 410, started_at: at + 3840,
        output: 'I found both charges for order 48213 and refunded the duplicate ($42.90).' },
      { id: 'guard', parent_span_id: 'answer', span_type: 'custom', name: 'guardrail: pii_check',
        latency_ms: 120, started_at: at + 6250 },
    ],
  };
}

function traces() {
  const out = [];
  for (let i = 0; i < 400; i++) out.push(background(i));
  out.push(agentTrace());
  for (const t of out) if (t.output === undefined) delete t.output;
  return out;
}

function sign(body) {
  return createHmac('sha256', SECRET).update(body).digest('hex');
}

function sqlite(db, sql) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', db, sql], { encoding: 'utf8' }).trim();
}

function startServer(db, dir) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, ['serve'], {
      cwd: dir,
      env: {
        ...process.env,
        BLOOP__DATABASE__PATH: db,
        BLOOP__AUTH__HMAC_SECRET: SECRET,
        BLOOP__SERVER__HOST: '127.0.0.1',
        BLOOP__SERVER__PORT: '0',
        BLOOP__RATE_LIMIT__PER_SECOND: '0',
        BLOOP__LLM_TRACING__DEFAULT_CONTENT_STORAGE: 'full',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let buf = '';
    let found = false;
    proc.on('error', reject);
    proc.on('exit', (code) => { if (!found) reject(new Error(`bloop serve exited (${code}): ${buf}`)); });
    proc.stderr.on('data', (d) => {
      if (found) return;
      buf += d.toString();
      const m = buf.match(/listening on (http:\/\/\S+)/);
      if (m) {
        found = true;
        resolve({ proc, url: m[1].replace(/\/$/, '') });
      }
    });
  });
}

async function post(url, body, headers = {}) {
  const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await r.text();
  check(r.ok, `POST ${url} answered ${r.status}: ${text}`);
  return JSON.parse(text);
}

async function main() {
  check(fs.existsSync(BIN), `no bloop binary at ${BIN} (cargo build --release, or set BLOOP_BIN)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bloop-shots-'));
  const db = path.join(dir, 'bloop.db');
  const { proc, url } = await startServer(db, dir);
  let browser;
  try {
    // Traces, in signed batches of 20.
    const all = traces();
    for (let i = 0; i < all.length; i += 20) {
      const body = JSON.stringify({ traces: all.slice(i, i + 20) });
      const r = await post(`${url}/v1/traces/batch`, body, { 'x-signature': sign(body) });
      check(r.accepted === Math.min(20, all.length - i), `batch at ${i}: ${JSON.stringify(r)}`);
    }
    for (let waited = 0; ; waited += 100) {
      if (Number(sqlite(db, 'SELECT count(*) FROM llm_traces')) === all.length) break;
      check(waited < 15_000, 'the traces were not written within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }

    // A monthly budget, through the API with a token of the CLI's.
    const token = JSON.parse(execFileSync(BIN, ['tokens', 'create', '--name', 'screenshots',
      '--scopes', 'llm:write', '--json'], { env: { ...process.env, BLOOP__DATABASE__PATH: db }, cwd: dir,
      encoding: 'utf8' })).token;
    const budget = await fetch(`${url}/v1/llm/budget`, {
      method: 'PUT', body: JSON.stringify({ project: 'default', monthly_usd: 20 }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
    check(budget.ok, `PUT /v1/llm/budget answered ${budget.status}: ${await budget.text()}`);

    // A dashboard admin and a live session, straight into the database.
    const session = randomBytes(24).toString('hex');
    const hash = createHash('sha256').update(session).digest('hex');
    sqlite(db, `INSERT INTO users (name, handle, role, created_at) VALUES ('ada', 'shots-${session.slice(0, 8)}', 'admin', ${NOW});
      INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
      VALUES ('${hash}', last_insert_rowid(), ${NOW}, ${NOW + HOUR});`);

    browser = await chromium.launch({
      headless: true, executablePath: CHROMIUM, timeout: 30_000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: 'bloop_session', value: session, url }]);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error(`[pageerror] ${err.stack || err}`));
    fs.mkdirSync(OUT, { recursive: true });

    // The overview, 24 h.
    let r = await page.goto(`${url}/llm`);
    check(r.status() === 200, `/llm answered ${r.status()}`);
    await page.waitForSelector('#llm-stats');
    const calls = await page.textContent('#llm-stats [data-stat=calls] .card-value');
    check(Number(calls.replace(/,/g, '')) > 100, `the overview counts the calls: ${calls}`);
    check(await page.$('#cost-chart svg rect'), 'the cost chart has bars');
    await page.screenshot({ path: path.join(OUT, 'llm-overview.png') });

    // The agent trace's waterfall.
    r = await page.goto(`${url}/llm/traces/${AGENT_ID}`);
    check(r.status() === 200, `the trace page answered ${r.status()}`);
    await page.waitForSelector('#waterfall .wf-row');
    const rows = await page.$$('#waterfall .wf-row');
    check(rows.length === 7, `7 spans in the waterfall (got ${rows.length})`);
    check((await page.$$('#waterfall .wf-row.wf-error')).length === 1, 'the failed span is highlighted');
    await page.screenshot({ path: path.join(OUT, 'llm-trace.png') });
    console.log(`wrote ${path.join(OUT, 'llm-overview.png')} and ${path.join(OUT, 'llm-trace.png')}`);
  } finally {
    if (browser) await browser.close();
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r() : proc.on('exit', r)));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exitCode = 1;
});
