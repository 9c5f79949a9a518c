import type { Handle, HandleServerError } from '@sveltejs/kit/hooks';
import type { AccountView } from '@meridian/core/accounts/account-views';
import { ApiClient, ApiError } from '#lib/server/api-client.ts';
import { relayCookies } from '#lib/server/relay-cookies.ts';
import { WEB_CONTEXT, type WebContext } from '#lib/server/web-context.ts';
import { THEME_COOKIE, themeOf } from '#lib/theme.ts';

interface SessionJson {
  account: AccountView;
  csrfToken: string;
}

/** The request's id, as the API's request logger (pino-http) set it on the Node request. */
const requestIdOf = (req: object | undefined) => {
  const id = (req as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
};

/** Under `vite dev` nothing mounts the app: the API is the Meridian that vite.config.ts proxies to. */
const DEV_CONTEXT: WebContext = { apiOrigin: process.env.MERIDIAN_URL ?? 'http://127.0.0.1:3000', basemapStyle: undefined };

export const handle: Handle = async ({ event, resolve }) => {
  const req = event.platform?.req;
  const context = req?.[WEB_CONTEXT] ?? DEV_CONTEXT;
  const api = new ApiClient({
    origin: context.apiOrigin,
    cookie: event.request.headers.get('cookie') ?? undefined,
    forwarded: { for: event.getClientAddress(), proto: event.url.protocol.slice(0, -1), host: event.url.host },
    requestId: requestIdOf(req),
  });
  event.locals.api = api;
  event.locals.context = context;
  event.locals.account = undefined;
  event.locals.theme = themeOf(event.cookies.get(THEME_COOKIE));
  // Whoever the cookies say: the API knows its session cookie; the pages only pass cookies on.
  if (event.request.headers.has('cookie')) {
    const response = await api.fetch('GET', '/api/v1/session');
    if (response.ok) {
      const session = (await response.json()) as SessionJson;
      api.csrfToken = session.csrfToken;
      event.locals.account = session.account;
    } else if (response.status === 401) {
      // Expired or signed out elsewhere: carry on anonymous; the API's answer tells the browser to forget the cookie.
      relayCookies(response, event.cookies);
    } else {
      throw new ApiError(response.status, 'Session', `the session could not be read (${response.status})`);
    }
  }
  const response = await resolve(event, {
    transformPageChunk: ({ html }) => html.replace('%meridian.theme%', event.locals.theme),
  });
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
  // A signed-in page, or the answer to a form (a new API key's secret), is nobody's to cache.
  if (event.locals.account || event.request.method !== 'GET') response.headers.set('cache-control', 'no-store');
  return response;
};

/**
 * One place maps what went wrong to what the page says: the API's 4xx answers keep
 * their status and description (a missing or hidden repository is a 404, a bad
 * value a 400); anything else is logged and shown as a 500 with the request id.
 */
export const handleError: HandleServerError = ({ error, event, kind }) => {
  if (kind === 'unknown' && error instanceof ApiError && error.status < 500) {
    return { status: error.status, message: error.message };
  }
  if (kind !== 'unknown') return;
  const requestId = requestIdOf(event.platform?.req);
  console.error(JSON.stringify({ level: 50, time: Date.now(), name: 'meridian-web', reqId: requestId, path: event.url.pathname, err: error instanceof Error ? error.stack : String(error), msg: 'page failed' }));
  return { status: 500, message: 'Something went wrong on our side.', requestId };
};
