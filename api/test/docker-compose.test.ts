// docker-compose.yml must parse; Debian's docker-compose checks it without an engine.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';

const root = new URL('../..', import.meta.url).pathname;
const available = await promisify(execFile)('docker-compose', ['version']).then(() => true, () => false);
const required = process.env.MERIDIAN_REQUIRE_SERVICES === '1';

test('docker-compose.yml is a valid Compose file', { skip: !available && !required && 'docker-compose is not installed (apt-get install docker-compose)' }, async () => {
  const { stdout } = await promisify(execFile)('docker-compose', ['config'], {
    cwd: root,
    env: { ...process.env, ADMIN_TOKEN: 'compose-check-token-0123456789' },
  });
  for (const service of ['api', 'indexer', 'elasticsearch', 'redis', 'dynamodb', 's3']) assert.match(stdout, new RegExp(`^  ${service}:`, 'm'));
});
