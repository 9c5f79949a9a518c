// The built web app (web/build, made by `vite build` with adapter-node) as a
// middleware the API's Express app mounts after its own routes, so that one
// server answers the STAC API, the management API, the data proxy and the pages.
//
// adapter-node's handler works out the request's origin and the client's address
// from headers it is told to trust. The API already knows both (PUBLIC_URL, and
// Express's `trust proxy` view of X-Forwarded-*), so this middleware writes them
// into those headers — overwriting whatever the client sent — and points the
// adapter at them through its environment variables (prefixed MERIDIAN_WEB_, see
// vite.config.ts), set here once before the handler is loaded.
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WEB_CONTEXT, type WebContext } from './src/lib/server/web-context.ts';

export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export interface WebAppOptions {
  /** The origin clients reach Meridian at, for this request: `https://data.example.org`. */
  publicOrigin(req: IncomingMessage): string;
  /** The client's address, for this request (behind a trusted proxy, the one it names). */
  clientAddress(req: IncomingMessage): string;
  /** A MapLibre style URL for the maps; undefined = the bundled offline basemap. */
  basemapStyle?: string;
  /** Where the build is; default web/build. */
  buildDir?: string;
}

export const DEFAULT_BUILD_DIR = fileURLToPath(new URL('./build', import.meta.url));

const ADAPTER_ENV = {
  MERIDIAN_WEB_PROTOCOL_HEADER: 'x-forwarded-proto',
  MERIDIAN_WEB_HOST_HEADER: 'x-forwarded-host',
  MERIDIAN_WEB_ADDRESS_HEADER: 'x-forwarded-for',
  MERIDIAN_WEB_XFF_DEPTH: '1',
};

const WILDCARD = new Set(['0.0.0.0', '::', '::ffff:0.0.0.0']);
const isLoopback = (address: string) => address === '::1' || /^(::ffff:)?127\./.test(address);

/**
 * Where the pages' server code reaches the API: this very server, on the
 * connection's local port. Loopback whenever the server listens there (also when
 * it listens on every interface), so that the API trusts the X-Forwarded-* headers
 * the pages send on the user's behalf (sign-in limits count the user's address).
 */
export function apiOriginOf(socket: Socket): string {
  const local = socket.localAddress ?? '127.0.0.1';
  const bound = (socket as Socket & { server?: { address(): AddressInfo | string | null } }).server?.address();
  const listensOnLoopback = isLoopback(local) || (typeof bound === 'object' && bound !== null && WILDCARD.has(bound.address));
  const host = listensOnLoopback ? (local.includes(':') && !local.startsWith('::ffff:') ? '[::1]' : '127.0.0.1') : local.includes(':') ? `[${local}]` : local;
  return `http://${host}:${socket.localPort}`;
}

/** The web app as middleware, or undefined when it has not been built (`npm run build -w web`). */
export async function loadWebApp(options: WebAppOptions): Promise<NodeMiddleware | undefined> {
  const buildDir = options.buildDir ?? DEFAULT_BUILD_DIR;
  const handlerFile = `${buildDir}/handler.js`;
  if (!existsSync(handlerFile)) return undefined;
  Object.assign(process.env, ADAPTER_ENV);
  const { handler } = (await import(pathToFileURL(handlerFile).href)) as { handler: NodeMiddleware };
  return (req, res, next) => {
    const origin = new URL(options.publicOrigin(req));
    req.headers['x-forwarded-proto'] = origin.protocol.slice(0, -1);
    req.headers['x-forwarded-host'] = origin.host;
    req.headers['x-forwarded-for'] = options.clientAddress(req);
    const context: WebContext = { apiOrigin: apiOriginOf(req.socket), basemapStyle: options.basemapStyle };
    (req as IncomingMessage & { [WEB_CONTEXT]?: WebContext })[WEB_CONTEXT] = context;
    handler(req, res, next);
  };
}
