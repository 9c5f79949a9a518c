// A client for HTTP tests of the management and STAC APIs: as a browser it keeps
// the session cookie it is given and sends it back and remembers the CSRF token;
// with `bearer` it is a program sending `Authorization: Bearer`. Each has its own
// client address, so sign-in limits (counted per address) do not mix.
import assert from 'node:assert/strict';

export type Json = any;

export const PASSWORD = 'a long enough password';

export interface Reply {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

export interface RequestOptions {
  json?: unknown;
  body?: Buffer | string;
  type?: string;
  /** The CSRF token to send: default the one this client remembers; false sends none. */
  csrf?: string | false;
  headers?: Record<string, string>;
}

let clients = 0;
/** Where every reply goes, when a test wants to scan them all (see recordReplies). */
let sink: Reply[] | undefined;

/** From now on every reply of every Browser is also pushed onto `replies`. */
export function recordReplies(replies: Reply[]): void {
  sink = replies;
}

/** A distinct documentation address (198.51.100.0/24, then 203.0.113.0/24, …) per client. */
function nextAddress(): string {
  const n = clients++;
  const nets = ['198.51.100', '203.0.113', '192.0.2'];
  return `${nets[Math.floor(n / 254) % nets.length]}.${(n % 254) + 1}`;
}

export class Browser {
  cookie: string | undefined;
  csrfToken: string | undefined;
  bearer: string | undefined;
  readonly ip = nextAddress();
  lastSetCookie: string[] = [];
  /** The account signed in with `as` or `signIn`, when known. */
  accountId: string | undefined;
  readonly base: string;
  constructor(base: string, bearer?: string) {
    this.base = base;
    this.bearer = bearer;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    const csrf = options.csrf === undefined ? this.csrfToken : options.csrf;
    if (csrf) headers['x-csrf-token'] = csrf;
    let body: Buffer | string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      headers['content-type'] = options.type ?? 'application/octet-stream';
      body = options.body;
    }
    const response = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    this.lastSetCookie = response.headers.getSetCookie();
    for (const line of this.lastSetCookie) {
      const [pair] = line.split(';');
      const [name, value] = pair.split('=');
      if (name !== 'meridian_session') continue;
      const expired = /Expires=Thu, 01 Jan 1970/i.test(line) || value === '';
      this.cookie = expired ? undefined : pair;
    }
    const type = response.headers.get('content-type') ?? '';
    const raw = Buffer.from(await response.arrayBuffer());
    const text = type.startsWith('image/') ? '' : raw.toString('utf8');
    const parsed = type.includes('json') && text ? JSON.parse(text) : type.startsWith('image/') ? raw : undefined;
    const reply = { status: response.status, headers: response.headers, body: parsed, text };
    sink?.push(reply);
    return reply;
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, json: unknown, csrf?: string | false) => this.request('POST', path, { json, csrf });
  patch = (path: string, json: unknown, csrf?: string | false) => this.request('PATCH', path, { json, csrf });
  delete = (path: string, csrf?: string | false) => this.request('DELETE', path, { csrf });

  async signUp(id: string, overrides: Record<string, unknown> = {}): Promise<Reply> {
    return this.post('/api/v1/accounts', { id, email: `${id}@example.org`, password: PASSWORD, name: `Person ${id}`, ...overrides });
  }

  async signIn(email: string, password = PASSWORD): Promise<Reply> {
    const reply = await this.post('/api/v1/session', { email, password });
    if (reply.status === 201) {
      this.csrfToken = reply.body.csrfToken;
      this.accountId = reply.body.account?.id;
    }
    return reply;
  }

  /** Signs up `id` and signs in as it. */
  async as(id: string): Promise<this> {
    assertStatus(await this.signUp(id), 201);
    assertStatus(await this.signIn(`${id}@example.org`), 201);
    return this;
  }
}

/** The status, and for errors the `{ code, description }` body (and what the description says). */
export function assertStatus(reply: Reply, status: number, description?: RegExp): void {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text.slice(0, 300)}`);
  if (status >= 400) {
    assert.deepEqual(Object.keys(reply.body ?? {}).sort(), ['code', 'description'], 'errors are { code, description }');
    if (description) assert.match(reply.body.description, description);
  }
}

/** Nothing a response says may carry a password hash, a session secret or a password. */
export function assertNoSecrets(reply: Reply, secrets: string[] = []): void {
  assert.doesNotMatch(reply.text, /argon2|idHash|passwordHash/);
  for (const secret of secrets) assert.ok(!reply.text.includes(secret), 'a secret is in the response');
}
