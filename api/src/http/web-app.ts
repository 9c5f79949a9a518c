// The web app (web/, SvelteKit), served by the same Express app as the APIs once
// it has been built: the API tells it the public origin and the client's address
// as it sees them (PUBLIC_URL, `trust proxy`), and where the maps' style is.
import type { Request, RequestHandler } from 'express';
import type { Config } from '@meridian/core/config/config';
import { loadWebApp } from '@meridian/web/web-app';
import { baseUrl } from './base-url.ts';

/** The web app's middleware; undefined when web/build is missing (`npm run build -w web`). */
export async function webApp(config: Config, buildDir?: string): Promise<RequestHandler | undefined> {
  const handler = await loadWebApp({
    publicOrigin: (req) => baseUrl(req as Request, config.publicUrl),
    clientAddress: (req) => (req as Request).ip ?? req.socket.remoteAddress ?? '',
    basemapStyle: config.web.mapStyleUrl,
    buildDir,
  });
  return handler as RequestHandler | undefined;
}
