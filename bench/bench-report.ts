// What every benchmark's report shares: percentiles, number formatting, the
// machine it ran on, and replacing the benchmark's own section of docs/benchmarks.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DOCS = join(REPO, 'docs/benchmarks.md');

/** The nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
}

/** The lower median: the nearest-rank 50th percentile. */
export const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

export const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const mib = (bytes: number) => bytes / 2 ** 20;

/** Progress goes to stderr; stdout carries only the report. */
export const log = (message: string) => process.stderr.write(`${message}\n`);

/** CPU, cores, RAM and Node; `more` adds versions of what the benchmark exercises. */
export function machine(more = ''): string {
  let cpu = 'unknown CPU';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch { /* not Linux */ }
  return `${cpu}, ${availableParallelism()} cores, ${fmt(totalmem() / 2 ** 30, 0)} GiB RAM; Node ${process.version}${more ? `, ${more}` : ''}; ${process.platform}`;
}

const HEADER = [
  '# Benchmarks',
  '',
  'Benchmarks live in `bench/`. Each writes its Markdown report to stdout and replaces its own section of this file,',
  'so the figures here are from the last run on the machine it names. Run them from the repository root:',
  '',
  '```sh',
  'npm run bench:search                       # 1,000,000 items; data in .bench/ (git-ignored)',
  'npm run bench:search -- --items 100000     # a smaller catalogue',
  'npm run bench:search -- --reuse            # query an already loaded catalogue again',
  'npm run bench:proxy                        # a 2 GiB file through the data proxy; data in .bench/',
  'npm run bench:s3-upload                    # 2 GiB uploaded through the S3 endpoint; data in .bench/',
  '```',
  '',
].join('\n');

/** Replaces the section that starts with `title` (up to the next `## `) with `section`, or appends it. */
export function writeDocsSection(title: string, section: string): void {
  let text = existsSync(DOCS) ? readFileSync(DOCS, 'utf8') : HEADER;
  const start = text.indexOf(title);
  if (start >= 0) {
    const rest = text.slice(start + title.length);
    const next = rest.search(/^## /m);
    text = text.slice(0, start) + section + (next >= 0 ? `\n${rest.slice(next)}` : '');
  } else {
    text = `${text.trimEnd()}\n\n${section}`;
  }
  mkdirSync(dirname(DOCS), { recursive: true });
  writeFileSync(DOCS, `${text.trimEnd()}\n`);
}

/** The report to stdout, and into its section of docs/benchmarks.md unless the run said `--no-docs`. */
export function publishReport(title: string, section: string, toDocs: boolean): void {
  process.stdout.write(`${section.trimEnd()}\n`);
  if (!toDocs) return;
  writeDocsSection(title, section);
  log('wrote docs/benchmarks.md');
}
