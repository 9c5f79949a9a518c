import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../errors.ts';
import { applyProfilePatch, checkAccountId, checkEmail, checkObject, checkPassword, checkWebsite, LIMITS } from './account-fields.ts';

const refuses = (fn: () => unknown, message: RegExp) => assert.throws(fn, (error: Error) => error instanceof ValidationError && message.test(error.message));

test('account ids: 3–40 lowercase letters, digits and single hyphens', () => {
  for (const good of ['ada', 'sea-lab', 'a1b2', 'x'.repeat(40)]) assert.equal(checkAccountId(good), good);
  for (const bad of ['ab', 'x'.repeat(41), 'Ada', 'sea--lab', '-sea', 'sea-', 'sea_lab', 'sea lab', 'séa']) refuses(() => checkAccountId(bad), /not a valid account id/);
  refuses(() => checkAccountId(42), /id must be a string/);
  refuses(() => checkAccountId(undefined), /id is required/);
});

test('emails: trimmed, shaped like one, at most 254 characters', () => {
  assert.equal(checkEmail('  Ada@Example.org '), 'Ada@Example.org');
  for (const bad of ['ada', 'ada@', '@example.org', 'ada@example', 'a da@example.org']) refuses(() => checkEmail(bad), /not a valid email/);
  refuses(() => checkEmail(`${'a'.repeat(250)}@example.org`), /too long/);
});

test('passwords: 12 to 1024 characters, not the id or the email', () => {
  assert.equal(checkPassword('twelve chars'), 'twelve chars');
  refuses(() => checkPassword('eleven char'), /too short: at least 12/);
  refuses(() => checkPassword('x'.repeat(LIMITS.passwordMax + 1)), /too long: at most 1024/);
  refuses(() => checkPassword('ada@example.org', { email: 'Ada@example.org' }), /must not be the account id or the email/);
  // Characters, not UTF-16 units: 12 emoji are 12 characters.
  assert.equal(checkPassword('😀'.repeat(12)), '😀'.repeat(12));
  refuses(() => checkPassword('😀'.repeat(6)), /too short/);
});

test('websites: absolute http(s) URLs only', () => {
  assert.equal(checkWebsite('https://example.org/ada'), 'https://example.org/ada');
  assert.equal(checkWebsite('http://example.org'), 'http://example.org/');
  refuses(() => checkWebsite('javascript:alert(1)'), /must be an http or https URL, not javascript/);
  refuses(() => checkWebsite('ftp://example.org'), /not ftp/);
  refuses(() => checkWebsite('example.org'), /not a valid URL/);
  refuses(() => checkWebsite('https://user:pw@example.org'), /user name or password/);
  refuses(() => checkWebsite(`https://example.org/${'a'.repeat(LIMITS.website)}`), /too long/);
});

test('profile patches: merge, null removes, name stays, identifiers by account type, oversize refused', () => {
  const person = applyProfilePatch({ name: 'Ada' }, { bio: '  Analyst\nand writer ', location: 'London', orcid: '0000-0002-1825-0097' }, 'individual');
  assert.deepEqual(person, { name: 'Ada', bio: 'Analyst\nand writer', location: 'London', orcid: 'https://orcid.org/0000-0002-1825-0097' });
  assert.deepEqual(applyProfilePatch(person, { bio: null, location: '' }, 'individual'), { name: 'Ada', orcid: 'https://orcid.org/0000-0002-1825-0097' });
  refuses(() => applyProfilePatch(person, { name: null }, 'individual'), /name cannot be removed/);
  refuses(() => applyProfilePatch(person, { name: '   ' }, 'individual'), /name must not be empty/);
  refuses(() => applyProfilePatch(person, { ror: '05dxps055' }, 'individual'), /ror is for organisations/);
  refuses(() => applyProfilePatch({ name: 'Lab' }, { orcid: '0000-0002-1825-0097' }, 'organization'), /orcid is for people/);
  assert.equal(applyProfilePatch({ name: 'Lab' }, { ror: 'https://ror.org/05dxps055' }, 'organization').ror, 'https://ror.org/05dxps055');
  refuses(() => applyProfilePatch(person, { bio: 'x'.repeat(LIMITS.bio + 1) }, 'individual'), /bio is too long: at most 2000 characters, got 2001/);
  refuses(() => applyProfilePatch(person, { name: 'x'.repeat(LIMITS.name + 1) }, 'individual'), /name is too long/);
  refuses(() => applyProfilePatch(person, { location: 'a\nb' }, 'individual'), /location contains control characters or line breaks/);
  refuses(() => applyProfilePatch(person, { name: 'a\u0000b' }, 'individual'), /control characters/);
  refuses(() => applyProfilePatch(person, { bio: 5 }, 'individual'), /bio must be a string/);
});

test('bodies: a JSON object with known fields only', () => {
  refuses(() => checkObject([], ['a']), /must be a JSON object/);
  refuses(() => checkObject(undefined, ['a']), /must be a JSON object/);
  refuses(() => checkObject({ a: 1, avatar: 'x' }, ['a']), /unknown field "avatar"; expected some of a/);
});
