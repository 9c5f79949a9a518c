// The pages' server code calls Meridian's own API over loopback HTTP, as the user:
// it forwards the browser's cookies (the session cookie among them) and, on
// POST/PUT/PATCH/DELETE, the session's CSRF token — read with GET /api/v1/session,
// never shown to the page — exactly as the API requires of any browser. The user's
// address and the public origin travel in X-Forwarded-* headers, which the API
// trusts from loopback: sign-in limits count the user, links carry the public URL.
// Going through HTTP rather than calling services directly keeps one code path
// (authentication, CSRF, the access rule) for the pages and for every other client.

export interface Forwarded {
  for: string;
  proto: string;
  host: string;
}

export interface ApiClientOptions {
  origin: string;
  /** The browser's Cookie header, passed on as it is. */
  cookie?: string;
  forwarded: Forwarded;
  requestId?: string;
}

/** The API's `{ code, description }` errors, with the status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, description: string) {
    super(description);
    this.status = status;
    this.code = code;
  }
}

export type Query = Record<string, string | number | string[] | undefined> | URLSearchParams;

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = query instanceof URLSearchParams ? new URLSearchParams(query) : new URLSearchParams();
  if (!(query instanceof URLSearchParams)) {
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

const SAFE = new Set(['GET', 'HEAD']);

export class ApiClient {
  readonly #options: ApiClientOptions;
  /** The signed-in session's CSRF token, once known. */
  csrfToken: string | undefined;

  constructor(options: ApiClientOptions) {
    this.#options = options;
  }

  /** The browser-facing origin, e.g. for links and snippets. */
  get publicOrigin(): string {
    return `${this.#options.forwarded.proto}://${this.#options.forwarded.host}`;
  }

  /** A raw call: the response whatever its status (sign-in needs its Set-Cookie lines). */
  async fetch(method: string, path: string, options: { query?: Query; json?: unknown } = {}): Promise<Response> {
    const { origin, cookie, forwarded, requestId } = this.#options;
    const headers: Record<string, string> = {
      accept: 'application/json, application/geo+json',
      'x-forwarded-for': forwarded.for,
      'x-forwarded-proto': forwarded.proto,
      'x-forwarded-host': forwarded.host,
    };
    if (cookie) headers.cookie = cookie;
    if (requestId) headers['x-request-id'] = requestId;
    if (!SAFE.has(method) && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    return fetch(`${origin}${path}${queryString(options.query)}`, { method, headers, body, redirect: 'manual' });
  }

  /** The parsed JSON body of a 2xx answer; any other status is an ApiError. */
  async request<T>(method: string, path: string, options: { query?: Query; json?: unknown } = {}): Promise<ApiResponse<T>> {
    const response = await this.fetch(method, path, options);
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const error = body as { code?: string; description?: string } | undefined;
      throw new ApiError(response.status, error?.code ?? 'Error', error?.description ?? `${method} ${path} answered ${response.status}`);
    }
    return { status: response.status, body: body as T, headers: response.headers };
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return (await this.request<T>('GET', path, { query })).body;
  }

  async post<T>(path: string, json?: unknown): Promise<T> {
    return (await this.request<T>('POST', path, { json })).body;
  }

  async patch<T>(path: string, json: unknown): Promise<T> {
    return (await this.request<T>('PATCH', path, { json })).body;
  }

  async delete(path: string): Promise<void> {
    await this.request('DELETE', path);
  }
}
