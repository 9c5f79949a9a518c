// `npm start` runs this first (prestart), and the web app's end-to-end tests call
// it: the web app is built with `vite build` when web/build is missing or older
// than anything it is built from, and left alone otherwise (a no-op takes a few
// milliseconds; a build about half a minute on two cores).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('..', import.meta.url));
const root = join(web, '..');
const output = join(web, 'build', 'handler.js');
const sources = ['src', 'static', 'vite.config.ts', 'package.json', 'tsconfig.json'].map((p) => join(web, p));

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** Why the build must run, or undefined when it is up to date. */
export function staleReason(): string | undefined {
  if (!existsSync(output)) return 'web/build is missing';
  const built = statSync(output).mtimeMs;
  // The lock file too: a dependency upgraded means a different bundle.
  const changed = [...sources, join(root, 'package-lock.json')].find((source) => newest(source) > built);
  return changed ? `${changed.slice(root.length + 1)} changed since the last build` : undefined;
}

/** Builds the web app when it is stale; returns the seconds the build took, or 0 when none was needed. */
export function ensureWebBuild(log: (line: string) => void = () => {}): number {
  const reason = staleReason();
  if (!reason) return 0;
  log(`building the web app (${reason})…`);
  const started = performance.now();
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: web, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status ?? result.signal})`);
  const seconds = (performance.now() - started) / 1000;
  log(`built the web app in ${seconds.toFixed(1)} s`);
  return seconds;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureWebBuild((line) => console.log(`meridian: ${line}`));
  } catch (error) {
    console.error(`meridian: ${(error as Error).message}`);
    process.exit(1);
  }
}
