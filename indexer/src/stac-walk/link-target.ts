// Where a STAC link may lead the crawler: only to a key of the same repository.
// A link is resolved against the URL of the document holding it; what remains
// is followed only when it lies under the repository's own base URL. Everything
// else — other repositories on the same server, other hosts, internal addresses,
// `file:` and other schemes — is refused with the reason, before any request.
import { isIP } from 'node:net';

export type LinkTarget = { key: string } | { refused: string };

/** Loopback, private, link-local (cloud metadata), unique-local and unspecified addresses. */
export function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) return true;
  const version = isIP(host);
  if (version === 4) {
    const [a, b] = host.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (version === 6) {
    if (host === '::' || host === '::1') return true;
    if (/^f[cd]/.test(host) || /^fe[89ab]/.test(host)) return true;
    const mapped = /^::ffff:(.+)$/.exec(host);
    return mapped ? isInternalHost(mapped[1].includes('.') ? mapped[1] : '127.0.0.1') : false;
  }
  return false;
}

/** The repository key a key-relative URL names, or undefined when it is not under the base. */
export function keyUnder(base: URL, url: URL): string | undefined {
  if (url.origin !== base.origin || url.username || url.password) return undefined;
  if (!url.pathname.startsWith(base.pathname)) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(url.pathname.slice(base.pathname.length));
  } catch {
    return undefined;
  }
  // URL parsing already removed `.` and `..` segments; a decoded one would climb out.
  if (key === '' || key.split('/').some((part) => part === '..' || part === '.')) return undefined;
  return key;
}

/**
 * Resolves `href` (from the document at `documentUrl`) to a key of the repository
 * at `base` (an http(s) URL ending in `/`), or says why it is not followed.
 */
export function linkTarget(base: URL, documentUrl: URL, href: string): LinkTarget {
  let url: URL;
  try {
    url = new URL(href, documentUrl);
  } catch {
    return { refused: `link ${JSON.stringify(href)} is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { refused: `link to a ${url.protocol} URL is not followed: ${href}` };
  url.hash = '';
  if (url.origin !== base.origin) {
    return { refused: isInternalHost(url.hostname) ? `link to an internal address is not followed: ${url.origin}` : `link to another host is not followed: ${url.origin}` };
  }
  if (url.search) return { refused: `link with a query is not a file of the repository: ${href}` };
  const key = keyUnder(base, url);
  if (key === undefined) return { refused: `link outside the repository (another repository or path on the server) is not followed: ${url.pathname}` };
  return { key };
}
