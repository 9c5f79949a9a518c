// What the S3-endpoint tests share: a test server with the `local` data
// connection, an owner with a repository and an API key created through the
// management API (as a person would), S3 clients configured as a newcomer
// would (endpoint …/data, path style, the key's id and secret), every
// repository-changed job the server queues, and requests signed by hand for
// the cases real clients never produce.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { ensureDefaultDataConnection } from '@meridian/core/data-connections/default-connection';
import { REPOSITORY_CHANGED, type RepositoryChanged } from '@meridian/core/job-queue/repository-changed.job';
import { assertStatus, Browser } from './http-client.ts';
import { startTestServer, type TestServer, type TestServerOptions } from './test-server.ts';

export const ADMIN = { email: 'root@example.org', password: 'the admin password' };
/** The person every S3 world has, with a public repository REPOSITORY. */
export const OWNER = 'olive';
export const REPOSITORY = 'maps';

export interface ApiKeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface S3World {
  server: TestServer;
  /** `http://127.0.0.1:PORT/data`: what S3 clients take as their endpoint. */
  endpoint: string;
  /** host:port/data, GDAL's AWS_S3_ENDPOINT. */
  hostAndMount: string;
  /** Signed in as OWNER. */
  owner: Browser;
  admin: Browser;
  /** OWNER's account-wide key. */
  ownerKey: ApiKeyPair;
  /** Every repository-changed job queued so far, in order. */
  events: RepositoryChanged[];
  /** Waits until every queued job has been handled, then returns the events. */
  settledEvents(): Promise<RepositoryChanged[]>;
  close(): Promise<void>;
}

export async function startS3World(options: TestServerOptions = {}): Promise<S3World> {
  const server = await startTestServer({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }, options);
  await ensureDefaultDataConnection({ store: server.metadata, clock: Date.now }, server.dataDir);
  const events: RepositoryChanged[] = [];
  server.jobs.handle<RepositoryChanged>(REPOSITORY_CHANGED, async (job) => void events.push(job.data));
  const admin = new Browser(server.url);
  assertStatus(await admin.signIn(ADMIN.email, ADMIN.password), 201);
  const owner = await new Browser(server.url).as(OWNER);
  await createRepository(owner, OWNER, REPOSITORY);
  return {
    server,
    endpoint: `${server.url}/data`,
    hostAndMount: `${new URL(server.url).host}/data`,
    owner,
    admin,
    ownerKey: await createApiKey(owner, OWNER),
    events,
    async settledEvents() {
      await server.jobs.idle();
      return events;
    },
    close: () => server.close(),
  };
}

/** Creates a repository as `as` under `account`, on the `local` connection. */
export async function createRepository(as: Browser, account: string, id: string, fields: Record<string, unknown> = {}): Promise<void> {
  assertStatus(await as.post(`/api/v1/accounts/${account}/repositories`, { id, title: id, dataConnectionId: 'local', visibility: 'public', state: 'published', ...fields }), 201);
}

/** An API key of `account`, through the management API; `repository` scopes it to one `{account}/{repository}`. */
export async function createApiKey(as: Browser, account: string, repository?: string): Promise<ApiKeyPair> {
  const reply = await as.post(`/api/v1/accounts/${account}/api-keys`, { name: `key for ${repository ?? account}`, ...(repository ? { repository } : {}) });
  assertStatus(reply, 201);
  return { accessKeyId: reply.body.accessKeyId, secretAccessKey: reply.body.secretAccessKey };
}

export function s3Client(endpoint: string, key: ApiKeyPair | undefined, config: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    // One retry, which the SDK makes only for transient failures (a keep-alive socket the
    // server closed as it was reused, a 5xx): a 4xx refusal is seen as it is.
    maxAttempts: 2,
    credentials: key ?? { accessKeyId: '', secretAccessKey: '' },
    // Anonymous requests are sent unsigned, as a browser would send them.
    ...(key ? {} : { signer: { sign: async (request) => request } }),
    ...config,
  });
}

/** The S3 error name (Code) an SDK call rejected with. */
export async function s3ErrorOf(promise: Promise<unknown>): Promise<{ code: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; Code?: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.Code ?? e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  assert.fail('expected the call to be refused');
}

export interface SignedRequest {
  method: string;
  /** Path and query, percent-encoded as they are to be sent. */
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/**
 * Signs a request by hand with the SDK's signer (Authorization header), for the
 * requests no client sends on its own: tampered, skewed, streamed in chunks.
 */
export async function signRequest(endpoint: string, key: ApiKeyPair, request: SignedRequest, options: { signingDate?: Date; payloadHash?: string } = {}): Promise<Record<string, string>> {
  const url = new URL(endpoint + request.url);
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', sha256: Hash.bind(null, 'sha256'), credentials: key, uriEscapePath: false });
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const signed = await signer.sign({
    method: request.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query,
    headers: { host: url.host, 'x-amz-content-sha256': options.payloadHash ?? 'UNSIGNED-PAYLOAD', ...request.headers },
  } as Parameters<SignatureV4['presign']>[0], { signingDate: options.signingDate });
  return signed.headers as Record<string, string>;
}

/** Runs a program to its end without blocking the event loop (the server under test runs in this process). */
export function run(command: string, args: string[], env: Record<string, string | undefined>, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
