import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orcidCheckDigit, parseOrcid, parseRor, rorCheckDigits } from './identifiers.ts';

test('ORCID iDs: real ones pass in bare and URL form, and come back as the URL form', () => {
  // ORCID's documented examples (Josiah Carberry and others), one with the check digit X.
  for (const id of ['0000-0002-1825-0097', '0000-0001-5109-3700', '0000-0002-1694-233X']) {
    assert.equal(parseOrcid(id), `https://orcid.org/${id}`);
    assert.equal(parseOrcid(`https://orcid.org/${id}`), `https://orcid.org/${id}`);
  }
  assert.equal(parseOrcid('0000-0002-1694-233x'), 'https://orcid.org/0000-0002-1694-233X');
  assert.equal(orcidCheckDigit('000000021825009'), '7');
});

test('ORCID iDs: a wrong check digit or shape is refused', () => {
  for (const bad of ['0000-0002-1825-0098', '0000-0002-1825-009', '0000000218250097', 'https://example.org/0000-0002-1825-0097', '0000-0002-1825-009X', '']) {
    assert.equal(parseOrcid(bad), undefined, bad);
  }
});

test('ROR ids: real ones pass in bare and URL form; a wrong check or a letter outside Crockford base32 is refused', () => {
  for (const id of ['05dxps055', '03yrm5c26', '02mhbdp94', '013meh722', '052gg0110', '04wxnsj81', '00f54p054']) {
    assert.equal(parseRor(id), `https://ror.org/${id}`);
    assert.equal(parseRor(`https://ror.org/${id.toUpperCase()}`), `https://ror.org/${id}`);
  }
  assert.equal(rorCheckDigits('05dxps0'), '55');
  for (const bad of ['05dxps056', '15dxps055', '05dxps05', '05ixps055', '05dxps0555', 'https://ror.org/', '']) {
    assert.equal(parseRor(bad), undefined, bad);
  }
});
