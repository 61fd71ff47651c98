// Records benchmark: the server on SQLite as a child process, 100,000 small records logged through
// the built client (batches of 500, generated lazily) and loaded back with iterRecords (pages of
// 1000), then the same records through the Argilla 1.6 Python client's routes (its bulks, its scan),
// timing each direction and sampling the server's RSS every 100 ms (the peak covers both).
//   node scripts/bench-records.mjs            100,000 records
//   node scripts/bench-records.mjs --quick    10,000 records
// Exits non-zero only when something fails (an error answer, a record missing or doubled), never
// because the numbers are slow. Targets (issue 6): 20,000 records/s each way, server RSS < 300 MB.
// scripts/bench.mjs can call runRecordsBench({ quick }) and print the numbers itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { memoryOf, root, SERVER_NODE_FLAGS, serverBin, startProcess, stopProcess } from './bench-process.mjs';

const clientEntry = join(root, 'packages/client/dist/index.js');

export const TARGET_RECORDS_PER_SECOND = 20_000;
export const TARGET_PEAK_RSS_MB = 300;

/** Starts `argilla server start` on a fresh SQLite home; resolves once it prints its address. */
async function startServer(home) {
  // SQLite in the fresh home, one process (so its RSS is the server's), the default admin on.
  const env = { ARGILLA_HOME_PATH: home, ARGILLA_LOG_LEVEL: 'warn' };
  for (const name of ['ARGILLA_DATABASE_URL', 'ARGILLA_WORKERS', 'ARGILLA_ENV', 'ARGILLA_DEFAULT_USER_ENABLED', 'ARGILLA_DEFAULT_USER_API_KEY']) {
    env[name] = undefined;
  }
  const args = [...SERVER_NODE_FLAGS, serverBin, 'server', 'start', '--host', '127.0.0.1', '--port', '0'];
  const { child, value, output } = await startProcess(process.execPath, args, env, (out) => /listening on (http:\/\/\S+)/.exec(out)?.[1]);
  return { child, url: value, output };
}

/** Small records, made one at a time as the client asks for them. */
function* records(count) {
  for (let i = 0; i < count; i++) {
    yield {
      id: `r${String(i).padStart(7, '0')}`,
      fields: { text: `Record number ${i}: a short review of a product, neither long nor empty.` },
      metadata: { n: i, split: i % 10 === 0 ? 'test' : 'train' },
    };
  }
}

/** One request as the 1.6 Python client sends it (the key twice, the workspace in a header). */
async function send16(url, method, path, json) {
  const response = await fetch(url + path, {
    method,
    headers: { 'x-argilla-api-key': 'argilla.apikey', authorization: 'Bearer argilla.apikey', 'x-argilla-workspace': 'argilla', 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/** rg.log of `count` records in batches, then rg.load with the client's default page of 250. */
async function runPython16(url, count, batchSize) {
  const name = 'bench-records-16';
  const record = (i) => ({
    id: `r${String(i).padStart(7, '0')}`,
    metadata: { n: i, split: i % 10 === 0 ? 'test' : 'train' },
    event_timestamp: '2024-03-01T12:00:00',
    status: 'Default',
    prediction: null,
    annotation: null,
    vectors: null,
    metrics: {},
    search_keywords: null,
    inputs: { text: `Record number ${i}: a short review of a product, neither long nor empty.` },
    multi_label: false,
    explanation: null,
  });
  const logStart = performance.now();
  for (let start = 0; start < count; start += batchSize) {
    const records = [];
    for (let i = start; i < Math.min(count, start + batchSize); i++) records.push(record(i));
    const answer = await send16(url, 'POST', `/api/datasets/${name}/TextClassification:bulk`, { tags: {}, metadata: {}, records });
    if (answer.processed !== records.length) throw new Error(`a 1.6 bulk stored ${answer.processed} of ${records.length}`);
  }
  const logSeconds = (performance.now() - logStart) / 1000;
  const pageSize = 250;
  const loadStart = performance.now();
  let loaded = 0;
  let next;
  for (;;) {
    const answer = await send16(url, 'POST', `/api/datasets/${name}/records/:search?limit=${pageSize}`, { fields: ['*'], query: {}, ...(next ? { next_idx: next } : {}) });
    loaded += answer.records.length;
    if (answer.records.length === 0 || !answer.next_idx) break;
    next = answer.next_idx;
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;
  if (loaded !== count) throw new Error(`the 1.6 scan gave ${loaded} of ${count} records`);
  return { logSeconds, loadSeconds, pageSize, logPerSecond: count / logSeconds, loadPerSecond: count / loadSeconds };
}

/**
 * Runs the benchmark and resolves to its numbers:
 * `{ records, logSeconds, loadSeconds, logPerSecond, loadPerSecond, peakRssMb, idleRssMb, samples, ... }`.
 * Throws on any error (the server is stopped and its home removed either way).
 */
export async function runRecordsBench({ quick = false, count = quick ? 10_000 : 100_000, batchSize = 500, pageSize = 1000 } = {}) {
  const { Argilla } = await import(pathToFileURL(clientEntry).href).catch((error) => {
    throw new Error(`cannot load the built client at ${clientEntry} (run \`npm run build\` first): ${error.message}`);
  });
  const home = mkdtempSync(join(tmpdir(), 'argilla-bench-records-'));
  let server;
  let sampler;
  try {
    server = await startServer(home);
    const pid = server.child.pid;
    const idle = memoryOf(pid);
    let peakRssMb = idle?.rss ?? 0;
    let peakHwmMb = idle?.peak ?? 0;
    let samples = 0;
    sampler = setInterval(() => {
      const memory = memoryOf(pid);
      if (!memory) return;
      samples++;
      peakRssMb = Math.max(peakRssMb, memory.rss);
      peakHwmMb = Math.max(peakHwmMb, memory.peak);
    }, 100);

    const client = new Argilla({ apiUrl: server.url, apiKey: 'argilla.apikey', workspace: 'argilla' });
    await client.init();
    const name = 'bench-records';
    await client.createDataset(name, { settings: { labels: ['pos', 'neg'] } });

    const logStart = performance.now();
    const logged = await client.log(records(count), name, { batchSize });
    const logSeconds = (performance.now() - logStart) / 1000;
    if (logged.processed !== count || logged.failed !== 0) {
      throw new Error(`log stored ${logged.processed} of ${count} records (${logged.failed} refused: ${JSON.stringify(logged.errors.slice(0, 3))})`);
    }
    const afterLog = memoryOf(pid);

    const loadStart = performance.now();
    let loaded = 0;
    let outOfOrder = 0;
    let previous = '';
    for await (const record of client.iterRecords(name, { pageSize })) {
      if (record.id <= previous) outOfOrder++;
      previous = record.id;
      loaded++;
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;
    if (loaded !== count || outOfOrder !== 0) {
      throw new Error(`iterRecords yielded ${loaded} of ${count} records, ${outOfOrder} of them out of order or repeated`);
    }
    const dataset = await client.getDataset(name);
    if (dataset.records !== count) throw new Error(`the dataset reports ${dataset.records} records, not ${count}`);

    // The same records through the routes of the Argilla 1.6 Python client: rg.log's bulks (the
    // dataset made by the first one) and rg.load's scan, as that client sends them.
    const python = await runPython16(server.url, count, batchSize);

    clearInterval(sampler);
    const end = memoryOf(pid);
    peakRssMb = Math.max(peakRssMb, end?.rss ?? 0);
    peakHwmMb = Math.max(peakHwmMb, end?.peak ?? 0);
    return {
      records: count,
      batchSize,
      pageSize,
      requests: logged.requests,
      logSeconds,
      loadSeconds,
      logPerSecond: count / logSeconds,
      loadPerSecond: count / loadSeconds,
      idleRssMb: idle?.rss ?? 0,
      afterLogRssMb: afterLog?.rss ?? 0,
      endRssMb: end?.rss ?? 0,
      /** the highest VmRSS sampled, every 100 ms */
      peakSampledRssMb: peakRssMb,
      /** the kernel's high-water mark (VmHWM): the true peak, between samples included */
      peakRssMb: Math.max(peakRssMb, peakHwmMb),
      samples,
      node: process.version,
      python16: python,
    };
  } finally {
    clearInterval(sampler);
    if (server) await stopProcess(server.child);
    rmSync(home, { recursive: true, force: true });
  }
}

/** The results as the lines scripts/bench.mjs and this file print. */
export function formatRecordsBench(result) {
  const mark = (ok) => (ok ? 'ok' : 'below target');
  const n = (value) => Math.round(value).toLocaleString('en-US');
  return [
    `Records: ${n(result.records)} small records on SQLite, through the client (log: batches of ${result.batchSize}, ${result.requests} requests; load: iterRecords, pages of ${result.pageSize}), node ${result.node}`,
    `| direction | seconds | records/s | target ${n(TARGET_RECORDS_PER_SECOND)}/s |`,
    '|---|---|---|---|',
    `| log | ${result.logSeconds.toFixed(2)} | ${n(result.logPerSecond)} | ${mark(result.logPerSecond >= TARGET_RECORDS_PER_SECOND)} |`,
    `| load | ${result.loadSeconds.toFixed(2)} | ${n(result.loadPerSecond)} | ${mark(result.loadPerSecond >= TARGET_RECORDS_PER_SECOND)} |`,
    `| log, 1.6 Python client's bulks | ${result.python16.logSeconds.toFixed(2)} | ${n(result.python16.logPerSecond)} | ${(result.python16.logSeconds / result.logSeconds).toFixed(2)}× the client's log (target ≤ 2×): ${mark(result.python16.logSeconds <= 2 * result.logSeconds)} |`,
    `| load, 1.6 Python client's scan (pages of ${result.python16.pageSize}) | ${result.python16.loadSeconds.toFixed(2)} | ${n(result.python16.loadPerSecond)} | - |`,
    `Server RSS: ${result.idleRssMb.toFixed(0)} MB idle, ${result.afterLogRssMb.toFixed(0)} MB after logging, ${result.endRssMb.toFixed(0)} MB at the end; ` +
      `peak ${result.peakRssMb.toFixed(0)} MB (VmHWM; highest of ${result.samples} samples every 100 ms: ${result.peakSampledRssMb.toFixed(0)} MB), ` +
      `target < ${TARGET_PEAK_RSS_MB} MB: ${mark(result.peakRssMb < TARGET_PEAK_RSS_MB)}`,
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const result = await runRecordsBench({ quick: process.argv.includes('--quick') });
    for (const line of formatRecordsBench(result)) console.log(line);
  } catch (error) {
    console.error(`bench-records failed: ${error?.stack ?? error}`);
    process.exitCode = 1;
  }
}
