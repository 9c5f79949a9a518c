import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ValidationError } from '../errors.ts';
import { avatarKey, fileAvatarStorage } from './avatar-storage.ts';
import { checkAvatar, MAX_AVATAR_BYTES, sniffImageType } from './avatar.service.ts';

export const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 7)]);
export const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(64, 7)]);
export const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([60, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(64, 7)]);

const dir = await mkdtemp(join(tmpdir(), 'meridian-avatars-'));
after(() => rm(dir, { recursive: true, force: true }));

test('images are recognised by their magic bytes, whatever else they claim', () => {
  assert.equal(sniffImageType(PNG), 'image/png');
  assert.equal(sniffImageType(JPEG), 'image/jpeg');
  assert.equal(sniffImageType(WEBP), 'image/webp');
  for (const other of [Buffer.from('GIF89a........'), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), Buffer.from('RIFF....WAVEfmt '), PNG.subarray(0, 7), Buffer.alloc(0)]) {
    assert.equal(sniffImageType(other), undefined, other.toString('latin1'));
    assert.throws(() => checkAvatar(other), (e: Error) => e instanceof ValidationError && /not a PNG, JPEG or WebP image/.test(e.message));
  }
});

test('avatars up to 1 MiB pass; one byte more is refused', () => {
  const exactly = Buffer.concat([PNG, Buffer.alloc(MAX_AVATAR_BYTES - PNG.length)]);
  assert.equal(checkAvatar(exactly).type, 'image/png');
  assert.throws(() => checkAvatar(Buffer.concat([exactly, Buffer.alloc(1)])), /too large: at most 1048576 bytes \(1 MiB\), got 1048577/);
});

test('file storage: put, get, delete under DATA_DIR/avatars; content-addressed keys; foreign keys refused', async () => {
  const storage = fileAvatarStorage(dir);
  const key = await storage.put('ada', { bytes: PNG, type: 'image/png' });
  assert.match(key, /^avatars\/ada-[0-9a-f]{16}\.png$/);
  assert.equal(key, avatarKey('ada', { bytes: PNG, type: 'image/png' }));
  assert.deepEqual(await storage.get(key), { bytes: PNG, type: 'image/png' });
  assert.deepEqual(await readdir(join(dir, 'avatars')), [key.slice('avatars/'.length)], 'no temporary file is left');
  const other = await storage.put('ada', { bytes: WEBP, type: 'image/webp' });
  assert.notEqual(other, key);
  assert.equal((await storage.get(other))?.type, 'image/webp');
  await storage.delete(key);
  assert.equal(await storage.get(key), undefined);
  await storage.delete(key);
  for (const bad of ['../catalog.sqlite', 'avatars/../../etc/passwd', 'avatars/ada-0123456789abcdef.gif', '/etc/passwd']) {
    await assert.rejects(storage.get(bad), /not an avatar key/, bad);
  }
});
