// What the data proxy's tests share: raw HTTP requests (paths sent exactly as
// written, `..` and all, which fetch would normalise away), files written
// straight into a filesystem connection's directory, the open file
// descriptors of this process (the test server runs in it), and S3 XML.
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

/** One request with the path as given, byte for byte. */
export function raw(base: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawReply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Writes `content` at `key` under a filesystem connection's root and a repository's prefix; returns the path. */
export function putFile(root: string, prefix: string, key: string, content: Buffer | string): string {
  const path = join(root, prefix, key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** This process's open file descriptors that point at `path`, with the file offset of each. */
export function openDescriptors(path: string): { fd: string; position: number }[] {
  const found: { fd: string; position: number }[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed while we looked
    }
    if (target !== path) continue;
    try {
      const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
      found.push({ fd, position: Number(/^pos:\s+(\d+)/m.exec(info)?.[1]) });
    } catch {
      // closed while we looked
    }
  }
  return found;
}

const parser = new XMLParser({ parseTagValue: false, isArray: (name) => ['Contents', 'CommonPrefixes', 'Bucket'].includes(name) });

/** An S3 XML document as an object; repeated elements always arrays, values always text. */
export const parseXml = (text: string): any => parser.parse(text);

/** Polls `probe` until it returns true; for waiting on the server, never for measuring it. */
export async function eventually(probe: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!probe()) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
