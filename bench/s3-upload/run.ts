// S3 upload benchmark: one object streamed into a repository on the `local`
// connection, in one run, (a) straight to disk with a Node write stream and
// (b) through the data proxy's S3 endpoint with the AWS SDK v3 — PutObject of
// a stream (aws-chunked with a CRC32 trailer, checked as it streams, the SDK's
// default) and (c) lib-storage's multipart Upload — while (d) the server's
// resident memory is sampled. The server is `npm start` (api/src/main.ts) in
// a child process, so its memory is its own.
//
//   node bench/s3-upload/run.ts [--size BYTES] [--rounds R] [--dir PATH] [--no-docs]
//
// Prints a Markdown report to stdout and writes it into docs/benchmarks.md.
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { seededRandom } from '../../core/src/testing/seeded-random.ts';
import { fmt, log, machine, median, mib, publishReport, REPO } from '../bench-report.ts';
import { adminSession, cpuSeconds, peakRss, resetPeakRss, rss, startMeridian, withServer, type BenchServer } from '../bench-server.ts';

const SECTION = '## S3 endpoint: streaming uploads';
const ACCOUNT = 'admin';
const REPOSITORY = 'upload-bench';
const SEED = 20_261_122;
const PART = 16 * 2 ** 20;
const FLAT_GROWTH = 64 * 2 ** 20;

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: String(2 * 2 ** 30) },
    rounds: { type: 'string', default: '3' },
    dir: { type: 'string', default: join(REPO, '.bench/s3-upload') },
    'no-docs': { type: 'boolean', default: false },
  },
});
const SIZE = Number(args.size?.replace(/_/g, ''));
const ROUNDS = Number(args.rounds);
if (!Number.isSafeInteger(SIZE) || SIZE < PART || !Number.isInteger(ROUNDS) || ROUNDS < 1) {
  throw new Error('usage: node bench/s3-upload/run.ts [--size BYTES ≥ 16 MiB] [--rounds R] [--dir PATH] [--no-docs]');
}
const DIR = resolve(args.dir as string);
const DATA = join(DIR, 'data');
const gibPerSecond = (ms: number) => SIZE / 2 ** 30 / (ms / 1000);

/** SIZE bytes from 16 MiB of seeded random bytes repeated: nothing on the way can compress them, and none is held whole. */
function body(): Readable {
  const block = Buffer.allocUnsafe(16 * 2 ** 20);
  const random = seededRandom(SEED);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE(Math.floor(random() * 2 ** 32), i);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= SIZE) return void this.push(null);
      const offset = sent % block.length;
      const n = Math.min(1024 * 1024, SIZE - sent, block.length - offset);
      sent += n;
      this.push(block.subarray(offset, offset + n));
    },
  });
}

// ---------------------------------------------------------------------------
// The server and its memory

async function startServer(): Promise<BenchServer> {
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  return startMeridian(DATA);
}

/** The repository, and an API key of the admin, created through the management API. */
async function prepare(url: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const { headers } = await adminSession(url);
  const created = await fetch(`${url}/api/v1/accounts/${ACCOUNT}/repositories`, {
    method: 'POST', headers, body: JSON.stringify({ id: REPOSITORY, title: 'Upload benchmark', dataConnectionId: 'local', visibility: 'public', state: 'published' }),
  });
  if (created.status !== 201) throw new Error(`creating the repository: ${created.status} ${await created.text()}`);
  const key = await fetch(`${url}/api/v1/accounts/${ACCOUNT}/api-keys`, { method: 'POST', headers, body: JSON.stringify({ name: 'upload bench' }) });
  if (key.status !== 201) throw new Error(`creating an API key: ${key.status} ${await key.text()}`);
  return await key.json() as { accessKeyId: string; secretAccessKey: string };
}

interface Measured { ms: number; before: number; peak: number; cpuPerGiB: number }

/** Times `work`, with the server's RSS (sampled, and the kernel's VmHWM reset first) and CPU. */
async function measured(pid: number, work: () => Promise<void>): Promise<Measured> {
  const before = rss(pid);
  if (!resetPeakRss(pid)) throw new Error('cannot reset the server\'s peak RSS (VmHWM) through /proc/pid/clear_refs');
  let sampled = before;
  const timer = setInterval(() => (sampled = Math.max(sampled, rss(pid))), 10);
  const cpu = cpuSeconds(pid);
  const started = performance.now();
  try {
    await work();
    const ms = performance.now() - started;
    return { ms, before, peak: Math.max(sampled, peakRss(pid)), cpuPerGiB: (cpuSeconds(pid) - cpu) / (SIZE / 2 ** 30) };
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------------------
// Run and report

interface Figures { disk: number[]; put: Measured[]; multipart: Measured[]; date: string }

async function measure(server: BenchServer, key: { accessKeyId: string; secretAccessKey: string }): Promise<Figures> {
  const s3 = new S3Client({ endpoint: `${server.url}/data`, forcePathStyle: true, region: 'us-east-1', credentials: key });
  const target = join(DIR, 'baseline.bin');
  const figures: Figures = { disk: [], put: [], multipart: [], date: new Date().toISOString() };
  for (let round = 1; round <= ROUNDS; round++) {
    const started = performance.now();
    await pipeline(body(), createWriteStream(target));
    figures.disk.push(performance.now() - started);
    rmSync(target);
    figures.put.push(await measured(server.pid, async () => {
      await s3.send(new PutObjectCommand({ Bucket: ACCOUNT, Key: `${REPOSITORY}/put.bin`, Body: body(), ContentLength: SIZE }));
    }));
    figures.multipart.push(await measured(server.pid, async () => {
      await new Upload({ client: s3, params: { Bucket: ACCOUNT, Key: `${REPOSITORY}/multipart.bin`, Body: body() }, partSize: PART, queueSize: 2 }).done();
    }));
    for (const name of ['put.bin', 'multipart.bin']) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: ACCOUNT, Key: `${REPOSITORY}/${name}` }));
      if (head.ContentLength !== SIZE) throw new Error(`${name} holds ${head.ContentLength} bytes, not ${SIZE}`);
    }
    log(`round ${round}: disk ${fmt(gibPerSecond(figures.disk.at(-1)!), 2)} GiB/s, PutObject ${fmt(gibPerSecond(figures.put.at(-1)!.ms), 2)} GiB/s, `
      + `multipart ${fmt(gibPerSecond(figures.multipart.at(-1)!.ms), 2)} GiB/s`);
  }
  s3.destroy();
  return figures;
}

function report(f: Figures): string {
  const disk = gibPerSecond(median(f.disk));
  const row = (name: string, runs: Measured[]) => {
    const rate = gibPerSecond(median(runs.map((r) => r.ms)));
    const growth = Math.max(...runs.map((r) => r.peak - r.before));
    return `| ${name} | ${fmt(rate, 2)} | ${fmt(rate / disk, 2)} | ${fmt(median(runs.map((r) => r.cpuPerGiB)), 2)} | `
      + `${fmt(mib(Math.min(...runs.map((r) => r.before))), 0)} → ${fmt(mib(Math.max(...runs.map((r) => r.peak))), 0)} | ${growth <= FLAT_GROWTH ? 'yes' : 'no'} |`;
  };
  return [
    SECTION,
    '',
    `Measured ${f.date.slice(0, 10)} with \`npm run bench:s3-upload${SIZE === 2 * 2 ** 30 ? '' : ` -- --size ${SIZE}`}\` on: ${machine()}.`,
    '',
    `**Data**: ${fmt(SIZE / 2 ** 30, 2)} GiB of seeded random bytes, generated as a stream (never held whole), uploaded with an API key `
      + 'to a public repository on the `local` (filesystem) data connection of `npm start` (api/src/main.ts) in a child process on loopback. '
      + 'The client, the server and the disk share the machine.',
    '',
    `Medians of ${ROUNDS} alternating rounds. Baseline (a): the same stream into \`fs.createWriteStream\`: ${fmt(disk, 2)} GiB/s.`,
    '',
    '| upload | GiB/s | ratio to (a) | server CPU s/GiB | server RSS MiB, rest → peak | flat (peak within 64 MiB) |',
    '|---|---:|---:|---:|---:|---|',
    row('(b) PutObject of a stream: aws-chunked, CRC32 trailer verified while streaming (the SDK\'s default)', f.put),
    row(`(c) lib-storage Upload: multipart, ${mib(PART)} MiB parts, 2 at a time, CRC32 per part`, f.multipart),
    '',
    'The peak is the highest of all rounds, the first run\'s warm-up included; the body streams through one chunk at a time, so a growth that '
      + 'does not follow the object\'s size (compare a run with `--size`) is V8\'s heap slack, not the object. Multipart costs more because every part '
      + 'is hashed three times (the client\'s SHA-256 for its signature, the server\'s SHA-256 and checksum checks, the filesystem store\'s MD5 for the '
      + 'part\'s ETag) and the filesystem store copies the parts once more into the object when the upload completes.',
    '',
  ].join('\n');
}

const server = await startServer();
const figures = await withServer(server, async () => measure(server, await prepare(server.url)));
publishReport(SECTION, report(figures), !args['no-docs']);
