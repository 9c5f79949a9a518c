// Data proxy benchmark: a file of random bytes under the `local` connection,
// read in one run straight from disk and downloaded through the data proxy over
// loopback HTTP, bytes discarded — once from the disk itself (the file dropped
// from the page cache before each read) and once from the page cache (software
// only), beside a bare Node server; then random ranged reads, and the server's
// resident memory while it streams. The server is `npm start` (api/src/main.ts)
// in a child process, so its memory is its own.
//
//   node bench/proxy/run.ts [--size BYTES] [--rounds R] [--ranges N] [--dir PATH] [--reuse] [--no-docs]
//
// Prints a Markdown report to stdout and writes it into docs/benchmarks.md.
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { loadavg } from 'node:os';
import { execFile } from 'node:child_process';
import { Agent, createServer, get, request, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../../core/src/testing/seeded-random.ts';
import { fmt, log, machine, median, mib, percentile, publishReport, REPO } from '../bench-report.ts';
import { adminSession, cpuSeconds, peakRss, resetPeakRss, rss, startMeridian, withServer, type BenchServer } from '../bench-server.ts';

const SECTION = '## Data proxy: streaming downloads';
const ACCOUNT = 'admin';
const REPOSITORY = 'bench';
const SEED = 20_261_122;
const MIN_RANGE = 16 * 1024;
const MAX_RANGE = 1024 * 1024;
/** "Flat": the second half of a download raises the server's resident memory by no more than this over the first half's peak. */
const FLAT_SLACK = 16 * 2 ** 20;

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: String(2 * 2 ** 30) },
    rounds: { type: 'string', default: '9' },
    ranges: { type: 'string', default: '1000' },
    dir: { type: 'string', default: join(REPO, '.bench/proxy') },
    reuse: { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
  },
});
const SIZE = Number(args.size?.replace(/_/g, ''));
const ROUNDS = Number(args.rounds);
const RANGES = Number(args.ranges);
if (!Number.isSafeInteger(SIZE) || SIZE < MAX_RANGE || !Number.isInteger(ROUNDS) || ROUNDS < 1 || !Number.isInteger(RANGES) || RANGES < 1) {
  throw new Error('usage: node bench/proxy/run.ts [--size BYTES ≥ 1 MiB] [--rounds R] [--ranges N] [--dir PATH] [--reuse] [--no-docs]');
}
const DIR = resolve(args.dir as string);
const DATA = join(DIR, 'data');
const FILE = join(DATA, 'files', ACCOUNT, REPOSITORY, `random-${SIZE}.bin`);
const KEY = `random-${SIZE}.bin`;

const gibPerSecond = (bytes: number, ms: number) => bytes / 2 ** 30 / (ms / 1000);

// ---------------------------------------------------------------------------
// The server, in a child process

async function startServer(): Promise<BenchServer> {
  if (!args.reuse) rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  return startMeridian(DATA);
}

/**
 * The public repository the file lives in, created through the management API
 * as the admin; with --reuse it is already there, and signing in on every run
 * would soon meet the sign-in rate limit.
 */
async function ensureRepository(url: string): Promise<void> {
  if ((await fetch(`${url}/api/v1/repositories/${ACCOUNT}/${REPOSITORY}`)).status === 200) return;
  const { headers } = await adminSession(url);
  const created = await fetch(`${url}/api/v1/accounts/${ACCOUNT}/repositories`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ id: REPOSITORY, title: 'Proxy benchmark', dataConnectionId: 'local', visibility: 'public', state: 'published' }),
  });
  if (created.status !== 201 && created.status !== 409) throw new Error(`creating the repository: ${created.status} ${await created.text()}`);
}

/** Random bytes, so nothing on the way can compress them; written once and kept with --reuse. */
function ensureFile(): void {
  if (existsSync(FILE) && statSync(FILE).size === SIZE) {
    log(`reusing ${FILE}`);
    return;
  }
  mkdirSync(dirname(FILE), { recursive: true });
  const started = performance.now();
  const buffer = Buffer.allocUnsafe(16 * 2 ** 20);
  const fd = openSync(FILE, 'w');
  try {
    for (let written = 0; written < SIZE;) {
      const n = Math.min(buffer.length, SIZE - written);
      randomFillSync(buffer, 0, n);
      written += writeSync(fd, buffer, 0, n);
    }
  } finally {
    closeSync(fd);
  }
  log(`wrote ${fmt(SIZE / 2 ** 30, 2)} GiB of random bytes in ${fmt((performance.now() - started) / 1000)} s`);
}

// ---------------------------------------------------------------------------
// Memory of the server process

interface Memory {
  before: number;
  peak: number;
  /** The highest samples in the first and in the second half of the work: flat memory does not climb from one to the other. */
  firstHalf: number;
  secondHalf: number;
}

/** Samples the server's RSS every 10 ms while `work` runs; the kernel's high-water mark is reset first, and read after. */
async function withMemory<T>(pid: number, work: () => Promise<T>): Promise<{ result: T } & Memory> {
  const before = rss(pid);
  const hwm = resetPeakRss(pid);
  const samples: { at: number; rss: number }[] = [];
  const timer = setInterval(() => samples.push({ at: performance.now(), rss: rss(pid) }), 10);
  const started = performance.now();
  try {
    const result = await work();
    const middle = (started + performance.now()) / 2;
    const highest = (list: { rss: number }[]) => Math.max(before, ...list.map((s) => s.rss));
    const firstHalf = highest(samples.filter((s) => s.at < middle));
    const secondHalf = highest(samples.filter((s) => s.at >= middle));
    const peak = Math.max(firstHalf, secondHalf, rss(pid), hwm ? peakRss(pid) : 0);
    return { result, before, peak, firstHalf, secondHalf };
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------------------
// The measurements

const run = promisify(execFile);

/**
 * Drops the file from the page cache (GNU dd's nocache flag: posix_fadvise
 * DONTNEED, no privileges needed), so the next read comes from the disk; returns
 * the bytes still cached after, from util-linux's fincore (0 when it worked).
 */
async function dropFromPageCache(): Promise<number> {
  await run('dd', [`if=${FILE}`, 'iflag=nocache', 'count=0', 'status=none']);
  const { stdout } = await run('fincore', ['--bytes', '--noheadings', '--output', 'RES', FILE]);
  return Number(stdout.trim());
}

/** The raw rate: the file read by a native program in 1 MiB blocks, bytes discarded. */
async function ddRead(): Promise<number> {
  const started = performance.now();
  await run('dd', [`if=${FILE}`, 'of=/dev/null', 'bs=1M', 'status=none']);
  return performance.now() - started;
}

/** The file through a Node read stream with its default buffer, bytes discarded. */
async function readStream(): Promise<number> {
  const started = performance.now();
  let bytes = 0;
  for await (const chunk of createReadStream(FILE)) bytes += (chunk as Buffer).length;
  if (bytes !== SIZE) throw new Error(`read ${bytes} of ${SIZE} bytes from disk`);
  return performance.now() - started;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** (b) The file through the proxy, bytes discarded. */
function download(url: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    get(`${url}/data/${ACCOUNT}/${REPOSITORY}/${KEY}`, { agent }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`download: HTTP ${res.statusCode}`));
      let bytes = 0;
      res.on('data', (chunk: Buffer) => { bytes += chunk.length; });
      res.on('end', () => (bytes === SIZE ? resolvePromise(performance.now() - started) : reject(new Error(`downloaded ${bytes} of ${SIZE} bytes`))));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/**
 * (b) and (c): the file with curl, a native client in its own process as GDAL's
 * and the AWS CLI's are, so the figure is the server's and not a JavaScript
 * client's (the node:http client above tops out well below what the server sends).
 */
async function curlDownload(url: string): Promise<number> {
  const started = performance.now();
  const { stdout } = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{size_download}', url]);
  const [status, bytes] = stdout.trim().split(' ').map(Number);
  if (status !== 200 || bytes !== SIZE) throw new Error(`curl ${url}: HTTP ${status}, ${bytes} of ${SIZE} bytes`);
  return performance.now() - started;
}

/** (c) The ceiling any Node server can reach here: a bare node:http server piping the file, with the proxy's read size. */
async function startBareServer(): Promise<{ server: HttpServer; url: string }> {
  const server = createServer((req, res) => {
    res.setHeader('content-length', SIZE);
    pipeline(createReadStream(FILE, { highWaterMark: 1024 * 1024 }), res).catch(() => res.destroy());
  });
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** One ranged read: the time to its last byte; every 50th is checked against the file. */
function rangedRead(url: string, start: number, end: number, check: boolean): Promise<number> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const req = request(`${url}/data/${ACCOUNT}/${REPOSITORY}/${KEY}`, { agent, headers: { range: `bytes=${start}-${end}` } }, (res) => {
      if (res.statusCode !== 206) reject(new Error(`range ${start}-${end}: HTTP ${res.statusCode}`));
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (check) chunks.push(chunk);
      });
      res.on('end', () => {
        const ms = performance.now() - started;
        if (bytes !== end - start + 1) return reject(new Error(`range ${start}-${end}: ${bytes} bytes`));
        if (check) {
          const expected = Buffer.allocUnsafe(bytes);
          const fd = openSync(FILE, 'r');
          readSync(fd, expected, 0, bytes, start);
          closeSync(fd);
          if (!expected.equals(Buffer.concat(chunks))) return reject(new Error(`range ${start}-${end}: the bytes differ from the file`));
        }
        resolvePromise(ms);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function rangedReads(url: string): Promise<number[]> {
  const random = seededRandom(SEED);
  const times: number[] = [];
  for (let i = 0; i < RANGES; i++) {
    const length = MIN_RANGE + Math.floor(random() * (MAX_RANGE - MIN_RANGE + 1));
    const start = Math.floor(random() * (SIZE - length + 1));
    times.push(await rangedRead(url, start, start + length - 1, i % 50 === 0));
  }
  return times.sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------
// Run and report

interface Figures {
  /** Milliseconds per read of the whole file from the disk, the file dropped from the page cache first: dd, and curl through the proxy. */
  coldDd: number[];
  coldProxy: number[];
  /** Bytes of the file still cached before each cold read (0 when dropping worked). */
  stillCached: number[];
  /** The same from the page cache: dd, a Node read stream, curl and the node:http client through the proxy, and curl from a bare node:http server. */
  dd: number[];
  stream: number[];
  curl: number[];
  proxy: number[];
  bare: number[];
  /** CPU seconds per GiB: this process's read stream, and the server streaming to the node:http client. */
  streamCpu: number[];
  serverCpu: number[];
  /** Of every download by the node:http client. */
  memory: Memory[];
  rangeMemory: Memory;
  ranges: number[];
  date: string;
  /** One-minute load averages when the measurements began and ended: other work on the machine shows here. */
  load: [number, number];
}

async function measure(server: BenchServer): Promise<Figures> {
  const loadBefore = loadavg()[0];
  const f: Omit<Figures, 'rangeMemory' | 'ranges' | 'date' | 'load'> = {
    coldDd: [], coldProxy: [], stillCached: [], dd: [], stream: [], curl: [], proxy: [], bare: [], streamCpu: [], serverCpu: [], memory: [],
  };
  const proxyUrl = `${server.url}/data/${ACCOUNT}/${REPOSITORY}/${KEY}`;
  const gib = SIZE / 2 ** 30;
  const bareServer = await startBareServer();
  const rate = (times: number[]) => fmt(gibPerSecond(SIZE, times.at(-1)!), 2);
  for (let round = 1; round <= ROUNDS; round++) {
    // Which goes first alternates, so neither side always meets the disk in the state the other left it in.
    const coldReads = [
      async () => f.coldDd.push(await ddRead()),
      async () => f.coldProxy.push(await curlDownload(proxyUrl)),
    ];
    for (const coldRead of round % 2 === 1 ? coldReads : coldReads.reverse()) {
      f.stillCached.push(await dropFromPageCache());
      await coldRead();
    }
    // Now cached: what follows measures software only.
    f.dd.push(await ddRead());
    const cpu = process.cpuUsage();
    f.stream.push(await readStream());
    const used = process.cpuUsage(cpu);
    f.streamCpu.push((used.user + used.system) / 1e6 / gib);
    const serverBefore = cpuSeconds(server.pid);
    const { result, ...streamed } = await withMemory(server.pid, () => download(server.url));
    f.serverCpu.push((cpuSeconds(server.pid) - serverBefore) / gib);
    f.proxy.push(result);
    f.memory.push(streamed);
    f.curl.push(await curlDownload(proxyUrl));
    f.bare.push(await curlDownload(bareServer.url));
    log(`round ${round}: from disk: dd ${rate(f.coldDd)}, proxy ${rate(f.coldProxy)} GiB/s; from the page cache: dd ${rate(f.dd)}, `
      + `read stream ${rate(f.stream)}, proxy ${rate(f.curl)} (node client ${rate(f.proxy)}), bare server ${rate(f.bare)} GiB/s; `
      + `server RSS ${fmt(mib(streamed.before), 0)} → peak ${fmt(mib(streamed.peak), 0)} MiB (halves ${fmt(mib(streamed.firstHalf), 0)}, ${fmt(mib(streamed.secondHalf), 0)})`);
  }
  bareServer.server.close();
  log(`${RANGES} ranged reads`);
  const { result: ranges, ...rangeMemory } = await withMemory(server.pid, () => rangedReads(server.url));
  return { ...f, rangeMemory, ranges, date: new Date().toISOString(), load: [loadBefore, loadavg()[0]] };
}

function report(f: Figures): string {
  const medianRate = (times: number[]) => gibPerSecond(SIZE, median(times));
  const ratio = medianRate(f.coldProxy) / medianRate(f.coldDd);
  const rest = Math.min(...f.memory.map((m) => m.before));
  const peak = Math.max(...f.memory.map((m) => m.peak));
  const climb = Math.max(...f.memory.map((m) => m.secondHalf - m.firstHalf));
  const mean = f.ranges.reduce((sum, ms) => sum + ms, 0) / f.ranges.length;
  const row = (label: string, from: string, times: number[]) =>
    `| ${label} | ${from} | ${fmt(medianRate(times), 2)} | ${times.map((ms) => fmt(gibPerSecond(SIZE, ms), 2)).join(', ')} |`;
  const cached = Math.max(...f.stillCached);
  return [
    SECTION,
    '',
    `Measured ${f.date.slice(0, 10)} with \`npm run bench:proxy${SIZE === 2 * 2 ** 30 ? '' : ` -- --size ${SIZE}`}\` on: ${machine()}.`,
    '',
    `**Data**: one file of ${fmt(SIZE / 2 ** 30, 2)} GiB of random bytes in a public repository on the \`local\` (filesystem) data connection, `
      + 'served by `npm start` (api/src/main.ts) in a child process on loopback. The client and the server share the machine\'s cores, '
      + `with whatever else runs: the one-minute load average was ${fmt(f.load[0], 2)} when the measurements began and ${fmt(f.load[1], 2)} when they ended.`,
    '',
    `**Throughput**: medians of ${ROUNDS} rounds, bytes counted and discarded; the two reads from the disk swap order from one round to the next. "Disk": the file is dropped from the page cache `
      + '(`dd iflag=nocache`, posix_fadvise DONTNEED) before each read, so the bytes come from the disk; '
      + `${cached === 0 ? 'util-linux\'s `fincore` found none of it cached before any of those reads' : `up to ${fmt(mib(cached), 0)} MiB of it was still cached before one of those reads`}. `
      + '"Page cache": read again at once, so only the software is measured.',
    '',
    '| read | from | GiB/s (median) | every round, GiB/s |',
    '|---|---|---:|---|',
    row('(a) straight from disk: `dd bs=1M`, the raw rate', 'disk', f.coldDd),
    row(`(b) through the proxy: \`GET /data/${ACCOUNT}/${REPOSITORY}/…\`, curl`, 'disk', f.coldProxy),
    row('(a′) `dd bs=1M`: a memory copy', 'page cache', f.dd),
    row('(a″) `fs.createReadStream` (64 KiB chunks) in the bench process', 'page cache', f.stream),
    row('(b′) through the proxy, curl', 'page cache', f.curl),
    row('(b″) through the proxy, node:http client in the bench process, keep-alive', 'page cache', f.proxy),
    row('(c) a bare node:http server piping the file (1 MiB reads), curl', 'page cache', f.bare),
    '',
    `Ratio (b)/(a), through the proxy against straight from disk: **${fmt(ratio, 2)}**. Target ≥ 0.8: ${ratio >= 0.8 ? 'met' : 'missed'}. `
      + `From the page cache, the proxy against a Node read stream, (b′)/(a″): ${fmt(medianRate(f.curl) / medianRate(f.stream), 2)}; `
      + `against a bare Node server, (b′)/(c): ${fmt(medianRate(f.curl) / medianRate(f.bare), 2)}; against a memory copy, (b′)/(a′): ${fmt(medianRate(f.curl) / medianRate(f.dd), 2)}.`,
    '',
    `CPU time per GiB (medians; less sensitive than throughput to other work on the machine): the read stream (a″) ${fmt(median(f.streamCpu), 2)} s; `
      + `the server streaming through the proxy (b″) ${fmt(median(f.serverCpu), 2)} s.`,
    '',
    `**Ranged reads**: ${RANGES} sequential \`Range: bytes=…\` GETs of ${MIN_RANGE / 1024} KiB–${MAX_RANGE / 2 ** 20} MiB at random offsets (seeded), `
      + 'one keep-alive connection, timed to the last byte; every 50th checked byte for byte against the file.',
    '',
    '| p50 ms | p95 ms | p99 ms | mean ms |',
    '|---:|---:|---:|---:|',
    `| ${fmt(percentile(f.ranges, 50), 2)} | ${fmt(percentile(f.ranges, 95), 2)} | ${fmt(percentile(f.ranges, 99), 2)} | ${fmt(mean, 2)} |`,
    '',
    `**Server memory** (resident set of the server process, sampled every 10 ms, and the kernel's peak, VmHWM, reset before each download (b″)): `
      + `${fmt(mib(rest), 0)} MiB at rest, peak ${fmt(mib(peak), 0)} MiB while streaming ${fmt(SIZE / 2 ** 30, 2)} GiB (+${fmt(mib(peak - rest), 0)} MiB). `
      + `Highest RSS in the first and second half of each download: ${f.memory.map((m) => `${fmt(mib(m.firstHalf), 0)} / ${fmt(mib(m.secondHalf), 0)}`).join(', ')} MiB. `
      + `During the ranged reads: ${fmt(mib(f.rangeMemory.before), 0)} → peak ${fmt(mib(f.rangeMemory.peak), 0)} MiB. `
      + `Flat (the second half of a download adds at most ${mib(FLAT_SLACK)} MiB to the first half's peak, so memory does not grow with the bytes sent): ${climb <= FLAT_SLACK ? 'yes' : 'no'}.`,
    '',
  ].join('\n');
}

const server = await startServer();
const figures = await withServer(server, async () => {
  try {
    await ensureRepository(server.url);
    ensureFile();
    return await measure(server);
  } finally {
    agent.destroy();
  }
});
publishReport(SECTION, report(figures), !args['no-docs']);
