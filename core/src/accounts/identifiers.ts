// Persistent identifiers on profiles: ORCID iDs for people, ROR ids for
// organisations. Both carry a check digit, so a typo is caught here rather than
// published as a link to someone else. Each parser accepts the bare id or its
// https URL and returns the canonical URL form, or undefined when it is not valid.

const ORCID = /^(?:https?:\/\/orcid\.org\/)?(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])$/i;

/** ISO 7064 MOD 11-2 over the first 15 digits, as ORCID specifies; 10 is written X. */
export function orcidCheckDigit(first15: string): string {
  let total = 0;
  for (const digit of first15) total = (total + Number(digit)) * 2;
  const result = (12 - (total % 11)) % 11;
  return result === 10 ? 'X' : String(result);
}

/** `0000-0002-1825-0097` or `https://orcid.org/0000-0002-1825-0097` → the URL form. */
export function parseOrcid(value: string): string | undefined {
  const match = ORCID.exec(value.trim());
  if (!match) return undefined;
  const digits = match.slice(1).join('').toUpperCase();
  if (orcidCheckDigit(digits.slice(0, 15)) !== digits[15]) return undefined;
  return `https://orcid.org/${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8, 12)}-${digits.slice(12)}`;
}

// A ROR id is `0`, six characters of Crockford base32 (no i, l, o, u) and two
// check digits: ISO 7064 MOD 97-10 of the number the first seven characters encode.
const ROR = /^(?:https?:\/\/ror\.org\/)?(0[0-9a-hjkmnp-tv-z]{6})(\d{2})$/i;
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

export function rorCheckDigits(first7: string): string {
  let number = 0n;
  for (const character of first7.toLowerCase()) number = number * 32n + BigInt(CROCKFORD.indexOf(character));
  return String(98n - ((number * 100n) % 97n)).padStart(2, '0');
}

/** `05dxps055` or `https://ror.org/05dxps055` → the URL form. */
export function parseRor(value: string): string | undefined {
  const match = ROR.exec(value.trim());
  if (!match) return undefined;
  const [, body, check] = match;
  if (rorCheckDigits(body) !== check) return undefined;
  return `https://ror.org/${body.toLowerCase()}${check}`;
}
