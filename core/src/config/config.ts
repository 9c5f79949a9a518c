// Configuration is read from the environment once, at start, into a typed object.
// Every variable is declared here with its default and meaning; README's
// configuration reference is checked against this table by a test.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { passwordProblem } from '../accounts/account-fields.ts';
import { ACCOUNT_ID } from '../accounts/accounts.types.ts';
import { DEFAULT_INDEXED_PROPERTIES, indexedPropertiesProblem } from '../catalog-index/sqlite/indexed-properties.ts';

export interface Config {
  host: string;
  port: number;
  publicUrl: URL | undefined;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  adminToken: string | undefined;
  /** SECRET_KEY: 32 bytes that encrypt stored secrets; undefined = generated into DATA_DIR/secret-key (crypto/secret-key.ts). Never logged. */
  secretKey: Buffer | undefined;
  catalogBackend: 'sqlite' | 'opensearch' | 'elasticsearch';
  /** Item properties the embedded catalog keeps in indexed columns (catalog-index/sqlite/indexed-properties.ts). */
  catalogIndexedProperties: string[];
  /** The search-engine catalog index (CATALOG_BACKEND opensearch or elasticsearch); its URL may hold credentials: never logged. */
  search: {
    url: URL | undefined;
    indexPrefix: string;
    layout: 'single' | 'per-collection';
    shards: number;
    replicas: number;
    /** numberMatched counts exactly up to this many, and is a lower bound beyond; undefined = always exact. */
    countLimit: number | undefined;
    refresh: true | 'wait_for';
  };
  metadataStore: {
    /** A DynamoDB-compatible endpoint; undefined = the embedded one (dynalite) under DATA_DIR/metadata. */
    endpoint: URL | undefined;
    region: string;
    tablePrefix: string;
    /**
     * `aws`: the AWS SDK's default credential chain (AWS_ACCESS_KEY_ID…, profiles,
     * roles). `local`: fixed dummy credentials, for the embedded store and for a
     * loopback endpoint (DynamoDB Local) when the environment names no credentials.
     */
    credentials: 'aws' | 'local';
  };
  accounts: {
    /** How long a session lasts after sign-in. */
    sessionTtlHours: number;
    /** Sign-in attempts allowed per email and per client IP within one window. */
    signInLimit: { perEmail: number; perIp: number; windowMinutes: number };
    /** The first admin, created on an empty metadata store; undefined when not configured. */
    firstAdmin: FirstAdminConfig | undefined;
  };
  stac: {
    title: string;
    description: string;
    defaultLimit: number;
    maxLimit: number;
  };
  indexer: {
    /** STAC_SCHEMA_DIR: the offline schema cache; undefined = the schemas vendored in indexer/stac-schemas. */
    stacSchemaDir: string | undefined;
    /** The largest document (STAC JSON, NDJSON, GeoJSON) read whole, and the largest single header read. */
    maxReadBytes: number;
    /** INDEXER_API_URL: where the indexer reaches the data proxy; undefined = the api in the same process (or on PORT here). */
    apiUrl: URL | undefined;
    /** Re-crawl repositories on S3 connections this often; 0 = never. */
    recrawlMs: number;
  };
  /** The job queue: in-process (REDIS_URL unset, the embedded default) or BullMQ on Redis. */
  queue: {
    redisUrl: URL | undefined;
    /** Jobs (crawls) one process runs at once. */
    concurrency: number;
    attempts: number;
    backoffMs: number;
    /** How soon a job whose worker died is taken up again (BullMQ's lock duration). */
    lockMs: number;
  };
  web: {
    /** MAP_STYLE_URL: a MapLibre style for the web app's maps; undefined = the bundled offline basemap. */
    mapStyleUrl: string | undefined;
  };
}

export interface FirstAdminConfig {
  id: string;
  email: string;
  /** From ADMIN_PASSWORD or the file ADMIN_PASSWORD_FILE names; never logged. */
  password: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

interface Variable<T> {
  name: string;
  default: string | undefined;
  expects: string;
  parse: (raw: string) => T | undefined;
  /** A secret: error messages never quote its value. */
  secret?: boolean;
}

function variable<T>(name: string, defaultValue: string | undefined, expects: string, parse: (raw: string) => T | undefined, options: { secret?: boolean } = {}): Variable<T> {
  return { name, default: defaultValue, expects, parse, ...options };
}

const integer = (min: number, max: number) => (raw: string) => {
  const value = Number(raw);
  return /^\d+$/.test(raw) && value >= min && value <= max ? value : undefined;
};
const text = (raw: string) => raw;
const oneOf = <T extends string>(...values: T[]) => (raw: string) => values.find((v) => v === raw);
const httpUrl = (raw: string) => {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
};

/** DynamoDB table names allow letters, digits, `_`, `-` and `.`, 3 to 255 of them; the prefix leaves room for `-data-connections`. */
const tablePrefix = (raw: string) => (/^[A-Za-z0-9_.-]{3,200}$/.test(raw) ? raw : undefined);
const accountId = (raw: string) => (ACCOUNT_ID.test(raw) ? raw : undefined);
const email = (raw: string) => (raw.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw.trim()) ? raw.trim() : undefined);
/** The sign-up password rule. */
const password = (raw: string) => (passwordProblem(raw) === undefined ? raw : undefined);
/** Base64 (standard or URL-safe, padding optional) of exactly 32 bytes. */
const secretKey = (raw: string) => {
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(raw.trim())) return undefined;
  const bytes = Buffer.from(raw.trim(), 'base64');
  return bytes.length === 32 ? bytes : undefined;
};
const redisUrl = (raw: string) => {
  try {
    const url = new URL(raw);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname ? url : undefined;
  } catch {
    return undefined;
  }
};
/** Comma-separated property names, or `none`. */
const propertyList = (raw: string) => {
  if (raw.trim() === 'none') return [];
  const names = raw.split(',').map((name) => name.trim()).filter(Boolean);
  return names.length > 0 && indexedPropertiesProblem(names) === undefined ? names : undefined;
};
const region = (raw: string) => (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(raw) && raw.length <= 40 ? raw : undefined);

export const variables = {
  host: variable('HOST', '127.0.0.1', 'an interface address to listen on, e.g. 0.0.0.0', text),
  port: variable('PORT', '3000', 'a TCP port number from 0 to 65535', integer(0, 65535)),
  publicUrl: variable('PUBLIC_URL', undefined, 'the absolute http(s) URL clients reach Meridian at, e.g. https://data.example.org', httpUrl),
  dataDir: variable('DATA_DIR', './data', 'a directory path for the embedded catalog, the embedded metadata store and generated secrets', text),
  logLevel: variable('LOG_LEVEL', 'info', 'one of fatal, error, warn, info, debug, trace, silent',
    oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent')),
  adminToken: variable('ADMIN_TOKEN', undefined, 'a secret of at least 24 characters', (raw) => (raw.length >= 24 ? raw : undefined)),
  secretKey: variable('SECRET_KEY', undefined, 'the base64 encoding of 32 random bytes, e.g. the output of: openssl rand -base64 32', secretKey, { secret: true }),
  catalogBackend: variable('CATALOG_BACKEND', 'sqlite', 'sqlite (the embedded catalog), opensearch or elasticsearch (the cluster at SEARCH_URL)',
    oneOf('sqlite', 'opensearch', 'elasticsearch')),
  // May hold credentials (https://user:password@host): never quoted in an error.
  catalogIndexedProperties: variable('CATALOG_INDEXED_PROPERTIES', DEFAULT_INDEXED_PROPERTIES.join(','),
    'none, or up to 32 distinct comma-separated item property names (letters, digits, _ . : -) other than datetime, start_datetime and end_datetime', propertyList),
  searchUrl: variable('SEARCH_URL', undefined, 'the http(s) URL of an OpenSearch or Elasticsearch cluster, e.g. http://127.0.0.1:9200', httpUrl, { secret: true }),
  searchIndexPrefix: variable('SEARCH_INDEX_PREFIX', 'meridian', '1 to 100 lowercase letters, digits, _ and -, starting with a letter or digit',
    (raw) => (/^[a-z0-9][a-z0-9_-]{0,99}$/.test(raw) ? raw : undefined)),
  searchIndexLayout: variable('SEARCH_INDEX_LAYOUT', 'single', 'single (one items index routed by collection) or per-collection (an index per collection)',
    oneOf('single', 'per-collection')),
  searchShards: variable('SEARCH_SHARDS', '1', 'an integer from 1 to 1024', integer(1, 1024)),
  searchReplicas: variable('SEARCH_REPLICAS', '1', 'an integer from 0 to 16', integer(0, 16)),
  searchCountLimit: variable('SEARCH_COUNT_LIMIT', undefined, 'an integer from 1 to 1000000000', integer(1, 1_000_000_000)),
  searchRefresh: variable('SEARCH_REFRESH', 'true', 'true (each write refreshes the index) or wait_for (each write waits for the next periodic refresh)',
    (raw) => (raw === 'true' ? true : raw === 'wait_for' ? 'wait_for' : undefined)),
  dynamodbEndpoint: variable('DYNAMODB_ENDPOINT', undefined, 'the http(s) URL of a DynamoDB-compatible endpoint, e.g. http://127.0.0.1:8000', httpUrl),
  dynamodbRegion: variable('DYNAMODB_REGION', 'us-east-1', 'an AWS region name such as eu-west-1', region),
  dynamodbTablePrefix: variable('DYNAMODB_TABLE_PREFIX', 'meridian', '3 to 200 letters, digits, underscores, hyphens or dots (DynamoDB table-name characters)', tablePrefix),
  sessionTtlHours: variable('SESSION_TTL_HOURS', '168', 'a number of hours from 1 to 8760', integer(1, 8760)),
  signInMaxPerEmail: variable('SIGNIN_MAX_ATTEMPTS_PER_EMAIL', '10', 'an integer from 1 to 100000', integer(1, 100000)),
  signInMaxPerIp: variable('SIGNIN_MAX_ATTEMPTS_PER_IP', '50', 'an integer from 1 to 1000000', integer(1, 1000000)),
  signInWindowMinutes: variable('SIGNIN_WINDOW_MINUTES', '15', 'a number of minutes from 1 to 1440', integer(1, 1440)),
  adminId: variable('ADMIN_ID', 'admin', '3 to 40 lowercase letters, digits and single hyphens (an account id)', accountId),
  adminEmail: variable('ADMIN_EMAIL', undefined, 'an email address, e.g. admin@example.org', email),
  adminPassword: variable('ADMIN_PASSWORD', undefined, 'a password of 12 to 1024 characters', password),
  adminPasswordFile: variable('ADMIN_PASSWORD_FILE', undefined, 'the path of a readable file holding a password of 12 to 1024 characters', text),
  stacTitle: variable('STAC_TITLE', 'Meridian', 'a non-empty title for the STAC landing page', (raw) => raw.trim() || undefined),
  stacDescription: variable('STAC_DESCRIPTION', 'Open geospatial data, searchable through STAC.', 'a description for the STAC landing page', text),
  stacDefaultLimit: variable('STAC_DEFAULT_LIMIT', '10', 'an integer from 1 to 10000', integer(1, 10000)),
  stacMaxLimit: variable('STAC_MAX_LIMIT', '10000', 'an integer from 1 to 100000', integer(1, 100000)),
  stacSchemaDir: variable('STAC_SCHEMA_DIR', undefined, 'a directory of STAC JSON schemas laid out by URL (schemas.stacspec.org/v1.0.0/…)', text),
  indexerMaxReadBytes: variable('INDEXER_MAX_READ_BYTES', '10485760', 'a number of bytes from 1024 to 1073741824', integer(1024, 1073741824)),
  redisUrl: variable('REDIS_URL', undefined, 'a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379', redisUrl, { secret: true }),
  indexerApiUrl: variable('INDEXER_API_URL', undefined, 'the http(s) URL the indexer reaches the api at, e.g. http://api:3000', httpUrl),
  indexerConcurrency: variable('INDEXER_CONCURRENCY', '2', 'an integer from 1 to 64', integer(1, 64)),
  indexerAttempts: variable('INDEXER_ATTEMPTS', '5', 'an integer from 1 to 100', integer(1, 100)),
  indexerBackoffSeconds: variable('INDEXER_BACKOFF_SECONDS', '10', 'a number of seconds from 1 to 3600', integer(1, 3600)),
  indexerLockSeconds: variable('INDEXER_LOCK_SECONDS', '30', 'a number of seconds from 1 to 3600', integer(1, 3600)),
  indexerRecrawlMinutes: variable('INDEXER_RECRAWL_MINUTES', '60', 'a number of minutes from 0 (never) to 10080', integer(0, 10080)),
  mapStyleUrl: variable('MAP_STYLE_URL', undefined, 'the http(s) URL of a MapLibre style document, e.g. https://tiles.openfreemap.org/styles/liberty', httpUrl),
} as const;

function read<T>(env: Env, v: Variable<T>): T | undefined {
  const raw = env[v.name] === '' ? undefined : env[v.name];
  const source = raw ?? v.default;
  if (source === undefined) return undefined;
  const value = v.parse(source);
  if (value === undefined) {
    throw new ConfigError(`${v.name}${v.secret ? '' : `=${JSON.stringify(source)}`} is invalid: expected ${v.expects}`);
  }
  return value;
}

function required<T>(env: Env, v: Variable<T>): T {
  const value = read(env, v);
  if (value === undefined) throw new ConfigError(`${v.name} is required: expected ${v.expects}`);
  return value;
}

const isLoopback = (url: URL) => ['localhost', '[::1]'].includes(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);

/** Whether the AWS SDK's default chain has something explicit to go on (not instance metadata, which a laptop lacks). */
const hasAwsCredentials = (env: Env) => Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI);

/**
 * The first admin: ADMIN_EMAIL with ADMIN_PASSWORD or ADMIN_PASSWORD_FILE (whose
 * content, less one trailing newline, is the password). Error messages never
 * quote a password.
 */
function firstAdmin(env: Env): FirstAdminConfig | undefined {
  const adminEmail = read(env, variables.adminEmail);
  const given = (v: Variable<unknown>) => env[v.name] !== undefined && env[v.name] !== '';
  if (given(variables.adminPassword) && given(variables.adminPasswordFile)) {
    throw new ConfigError('ADMIN_PASSWORD and ADMIN_PASSWORD_FILE are both set: expected one of them');
  }
  let adminPassword: string | undefined;
  if (given(variables.adminPassword)) {
    adminPassword = password(env.ADMIN_PASSWORD as string);
    if (adminPassword === undefined) throw new ConfigError(`ADMIN_PASSWORD is invalid: expected ${variables.adminPassword.expects}`);
  } else if (given(variables.adminPasswordFile)) {
    const file = env.ADMIN_PASSWORD_FILE as string;
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`ADMIN_PASSWORD_FILE=${JSON.stringify(file)} is invalid: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    adminPassword = password(content.replace(/\r?\n$/, ''));
    if (adminPassword === undefined) {
      throw new ConfigError(`ADMIN_PASSWORD_FILE=${JSON.stringify(file)} is invalid: expected a file holding a password of 12 to 1024 characters`);
    }
  }
  if (adminEmail === undefined && adminPassword === undefined) return undefined;
  if (adminEmail === undefined) throw new ConfigError('ADMIN_EMAIL is required when ADMIN_PASSWORD or ADMIN_PASSWORD_FILE is set: expected an email address');
  if (adminPassword === undefined) throw new ConfigError('ADMIN_PASSWORD or ADMIN_PASSWORD_FILE is required when ADMIN_EMAIL is set');
  return { id: required(env, variables.adminId), email: adminEmail, password: adminPassword };
}

export function loadConfig(env: Env = process.env): Config {
  const defaultLimit = required(env, variables.stacDefaultLimit);
  const maxLimit = required(env, variables.stacMaxLimit);
  if (defaultLimit > maxLimit) {
    throw new ConfigError(`STAC_DEFAULT_LIMIT=${defaultLimit} is invalid: expected at most STAC_MAX_LIMIT (${maxLimit})`);
  }
  const dynamodbEndpoint = read(env, variables.dynamodbEndpoint);
  const catalogBackend = required(env, variables.catalogBackend);
  const searchUrl = read(env, variables.searchUrl);
  if (catalogBackend !== 'sqlite' && searchUrl === undefined) {
    throw new ConfigError(`SEARCH_URL is required when CATALOG_BACKEND=${catalogBackend}: expected ${variables.searchUrl.expects}`);
  }
  return {
    host: required(env, variables.host),
    port: required(env, variables.port),
    publicUrl: read(env, variables.publicUrl),
    dataDir: resolve(required(env, variables.dataDir)),
    logLevel: required(env, variables.logLevel),
    adminToken: read(env, variables.adminToken),
    secretKey: read(env, variables.secretKey),
    catalogBackend,
    catalogIndexedProperties: required(env, variables.catalogIndexedProperties),
    search: {
      url: searchUrl,
      indexPrefix: required(env, variables.searchIndexPrefix),
      layout: required(env, variables.searchIndexLayout),
      shards: required(env, variables.searchShards),
      replicas: required(env, variables.searchReplicas),
      countLimit: read(env, variables.searchCountLimit),
      refresh: required(env, variables.searchRefresh),
    },
    metadataStore: {
      endpoint: dynamodbEndpoint,
      region: required(env, variables.dynamodbRegion),
      tablePrefix: required(env, variables.dynamodbTablePrefix),
      credentials: dynamodbEndpoint === undefined || (isLoopback(dynamodbEndpoint) && !hasAwsCredentials(env)) ? 'local' : 'aws',
    },
    accounts: {
      sessionTtlHours: required(env, variables.sessionTtlHours),
      signInLimit: {
        perEmail: required(env, variables.signInMaxPerEmail),
        perIp: required(env, variables.signInMaxPerIp),
        windowMinutes: required(env, variables.signInWindowMinutes),
      },
      firstAdmin: firstAdmin(env),
    },
    stac: {
      title: required(env, variables.stacTitle),
      description: required(env, variables.stacDescription),
      defaultLimit,
      maxLimit,
    },
    indexer: {
      stacSchemaDir: read(env, variables.stacSchemaDir),
      maxReadBytes: required(env, variables.indexerMaxReadBytes),
      apiUrl: read(env, variables.indexerApiUrl),
      recrawlMs: required(env, variables.indexerRecrawlMinutes) * 60_000,
    },
    queue: {
      redisUrl: read(env, variables.redisUrl),
      concurrency: required(env, variables.indexerConcurrency),
      attempts: required(env, variables.indexerAttempts),
      backoffMs: required(env, variables.indexerBackoffSeconds) * 1000,
      lockMs: required(env, variables.indexerLockSeconds) * 1000,
    },
    web: {
      mapStyleUrl: read(env, variables.mapStyleUrl)?.href,
    },
  };
}

/**
 * The admin token gates write endpoints until accounts exist. Without ADMIN_TOKEN
 * one is generated once and kept (owner-readable only) in the data directory, so
 * the local loader can use it and it is never printed.
 */
export function adminTokenFile(config: Config): string {
  return join(config.dataDir, 'admin-token');
}

export function resolveAdminToken(config: Config): string {
  if (config.adminToken) return config.adminToken;
  const file = adminTokenFile(config);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return token;
}
