// The server's secret key: 32 bytes under which stored secrets are sealed
// (secret-box.ts). SECRET_KEY when set; otherwise generated once and kept,
// readable by its owner only, in DATA_DIR/secret-key, like the admin token. It is
// never logged.
//
// Losing the key loses every stored secret: API keys stop authenticating and S3
// credentials of data connections must be entered again. Machines that share one
// metadata store (scale-out) must share one SECRET_KEY.
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { SECRET_KEY_BYTES } from './secret-box.ts';

export type SecretKeyConfig = Pick<Config, 'dataDir' | 'secretKey'>;

export const secretKeyFile = (config: Pick<Config, 'dataDir'>) => join(config.dataDir, 'secret-key');

function parseKeyFile(file: string, content: string): Buffer {
  const text = content.trim();
  const bytes = /^[A-Za-z0-9+/_-]{43}=?$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (bytes.length !== SECRET_KEY_BYTES) {
    throw new Error(`${file} does not hold a secret key (expected the base64 encoding of ${SECRET_KEY_BYTES} bytes); restore it, or set SECRET_KEY`);
  }
  return bytes;
}

/**
 * SECRET_KEY, or the key in DATA_DIR/secret-key, generating that file when it is
 * missing. The file appears whole or not at all (written aside, then linked into
 * place), so two processes starting together agree on one key.
 */
export function resolveSecretKey(config: SecretKeyConfig): Buffer {
  if (config.secretKey) return config.secretKey;
  const file = secretKeyFile(config);
  try {
    return parseKeyFile(file, readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(SECRET_KEY_BYTES);
  const aside = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(aside, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(aside, 0o600);
  try {
    linkSync(aside, file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return parseKeyFile(file, readFileSync(file, 'utf8'));
  } finally {
    unlinkSync(aside);
  }
}

const resolved = new WeakMap<SecretKeyConfig, Buffer>();

/** resolveSecretKey, once per configuration object: for request paths. */
export function secretKeyOf(config: SecretKeyConfig): Buffer {
  let key = resolved.get(config);
  if (!key) {
    key = resolveSecretKey(config);
    resolved.set(config, key);
  }
  return key;
}
