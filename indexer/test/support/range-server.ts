// A static file server on loopback for the indexer's tests: serves a directory
// under a path prefix with HTTP Range support (206, 416) — or, asked to, ignoring
// Range (200) as some servers do — and records every request it gets, so tests
// can prove what was and was not fetched. Written here because the point is the
// record of hits and the switchable misbehaviour, which no static server offers.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface Hit {
  method: string;
  path: string;
  range?: string;
  headers: IncomingHttpHeaders;
}

export interface RangeServer {
  url: string;
  hits: Hit[];
  /** When true, Range headers are ignored and whole files served with 200. */
  ignoreRanges: boolean;
  close(): Promise<void>;
}

/** Serves `root` at `prefix` (e.g. `/data/ada/sst/`); anything else is recorded and answered 404. */
export async function startRangeServer(root: string | undefined, prefix = '/'): Promise<RangeServer> {
  const hits: Hit[] = [];
  const state = { ignoreRanges: false };
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    hits.push({ method: request.method ?? 'GET', path, range: request.headers.range, headers: request.headers });
    const relative = path.startsWith(prefix) ? normalize(path.slice(prefix.length)) : undefined;
    if (root === undefined || relative === undefined || relative.startsWith('..')) {
      response.writeHead(404).end();
      return;
    }
    const file = join(root, relative);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      response.writeHead(404).end();
      return;
    }
    const match = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
    if (!match || state.ignoreRanges) {
      response.writeHead(200, { 'content-length': info.size, 'accept-ranges': 'bytes' });
      createReadStream(file).pipe(response);
      return;
    }
    const start = match[1] === '' ? Math.max(0, info.size - Number(match[2])) : Number(match[1]);
    const end = match[1] === '' || match[2] === '' ? info.size - 1 : Math.min(Number(match[2]), info.size - 1);
    if (start >= info.size || start > end) {
      response.writeHead(416, { 'content-range': `bytes */${info.size}` }).end();
      return;
    }
    response.writeHead(206, { 'content-range': `bytes ${start}-${end}/${info.size}`, 'content-length': end - start + 1 });
    createReadStream(file, { start, end }).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    get ignoreRanges() {
      return state.ignoreRanges;
    },
    set ignoreRanges(value: boolean) {
      state.ignoreRanges = value;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
