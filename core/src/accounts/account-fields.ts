// The rules for every account field a person can send, each failing with a
// ValidationError that names the field and says what it expects. Values arrive
// as `unknown` (parsed JSON), so types are checked here too.
import { ValidationError } from '../errors.ts';
import { ACCOUNT_ID, type AccountProfile, type AccountType } from './accounts.types.ts';
import { parseOrcid, parseRor } from './identifiers.ts';

export const LIMITS = {
  email: 254,
  passwordMin: 12,
  passwordMax: 1024,
  name: 100,
  bio: 2000,
  location: 100,
  website: 2048,
} as const;

/** C0/C1 control characters other than tab, newline and carriage return. */
export const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** A conservative email shape: something@domain.tld, no spaces; the address is proven by use, not by regex. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const characters = (value: string) => [...value].length;

export function requireString(field: string, value: unknown): string {
  if (value === undefined) throw new ValidationError(`${field} is required`);
  if (typeof value !== 'string') throw new ValidationError(`${field} must be a string`);
  return value;
}

export function checkAccountId(value: unknown, field = 'id'): string {
  const id = requireString(field, value);
  if (!ACCOUNT_ID.test(id)) {
    throw new ValidationError(`${field} ${JSON.stringify(id.slice(0, 60))} is not a valid account id: expected 3 to 40 lowercase letters, digits and single hyphens, not starting or ending with a hyphen`);
  }
  return id;
}

export function checkEmail(value: unknown): string {
  const email = requireString('email', value).trim();
  if (email.length > LIMITS.email) throw new ValidationError(`email is too long: at most ${LIMITS.email} characters`);
  if (!EMAIL.test(email) || CONTROL.test(email)) throw new ValidationError('email is not a valid email address: expected name@example.org');
  return email;
}

/** The password rule, shared with the first admin's configuration. Undefined when acceptable, else what is wrong. */
export function passwordProblem(password: string): string | undefined {
  const length = characters(password);
  if (length < LIMITS.passwordMin) return `password is too short: at least ${LIMITS.passwordMin} characters`;
  if (length > LIMITS.passwordMax) return `password is too long: at most ${LIMITS.passwordMax} characters`;
  return undefined;
}

export function checkPassword(value: unknown, context: { id?: string; email?: string } = {}): string {
  const password = requireString('password', value);
  const problem = passwordProblem(password);
  if (problem) throw new ValidationError(problem);
  const lower = password.toLowerCase();
  if (lower === context.id?.toLowerCase() || lower === context.email?.trim().toLowerCase()) {
    throw new ValidationError('password must not be the account id or the email');
  }
  return password;
}

/** A single-line or multi-line text field: trimmed, no control characters, at most `max` characters. */
export function checkText(field: string, value: unknown, max: number, options: { multiline?: boolean; allowEmpty?: boolean } = {}): string {
  const text = requireString(field, value).trim();
  if (!options.allowEmpty && text.length === 0) throw new ValidationError(`${field} must not be empty`);
  if (characters(text) > max) throw new ValidationError(`${field} is too long: at most ${max} characters, got ${characters(text)}`);
  if (CONTROL.test(text) || (!options.multiline && /[\r\n\t]/.test(text))) {
    throw new ValidationError(`${field} contains control characters${options.multiline ? '' : ' or line breaks'}`);
  }
  return text;
}

export const checkName = (value: unknown) => checkText('name', value, LIMITS.name);

export function checkWebsite(value: unknown): string {
  const raw = checkText('website', value, LIMITS.website);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError('website is not a valid URL: expected an absolute http or https URL such as https://example.org');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(`website must be an http or https URL, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (!url.hostname) throw new ValidationError('website must name a host');
  if (url.username || url.password) throw new ValidationError('website must not contain a user name or password');
  return url.href;
}

export function checkOrcid(value: unknown): string {
  const orcid = parseOrcid(requireString('orcid', value));
  if (!orcid) {
    throw new ValidationError('orcid is not a valid ORCID iD: expected 0000-0000-0000-0000 or https://orcid.org/0000-0000-0000-0000 with a correct check digit');
  }
  return orcid;
}

export function checkRor(value: unknown): string {
  const ror = parseRor(requireString('ror', value));
  if (!ror) {
    throw new ValidationError('ror is not a valid ROR id: expected 0xxxxxxNN or https://ror.org/0xxxxxxNN with correct check digits');
  }
  return ror;
}

/** Checks that `body` is a JSON object with no fields other than `allowed`. */
export function checkObject(body: unknown, allowed: readonly string[], what = 'the request body'): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError(`${what} must be a JSON object`);
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new ValidationError(`${what} has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k.slice(0, 60))).join(', ')}; expected some of ${allowed.join(', ')}`);
  }
  return body as Record<string, unknown>;
}

export const PROFILE_FIELDS = ['name', 'bio', 'location', 'website', 'orcid', 'ror'] as const;
type EditableProfile = Omit<AccountProfile, 'avatar'>;

/**
 * Applies a profile patch (JSON merge-patch style: a field set to null is removed)
 * for an account of `type`, returning the new profile. `name` may not be removed;
 * ORCID is for people and ROR for organisations.
 */
export function applyProfilePatch(profile: AccountProfile, patch: Record<string, unknown>, type: AccountType): AccountProfile {
  const next: AccountProfile = { ...profile };
  const set = <K extends keyof EditableProfile>(key: K, value: unknown, check: (value: unknown) => EditableProfile[K]) => {
    if (value === undefined) return;
    if (value === null) {
      if (key === 'name') throw new ValidationError('name cannot be removed');
      delete next[key];
      return;
    }
    next[key] = check(value) as AccountProfile[K];
  };
  if (type === 'individual' && patch.ror !== undefined && patch.ror !== null) throw new ValidationError('ror is for organisations; people have an orcid');
  if (type === 'organization' && patch.orcid !== undefined && patch.orcid !== null) throw new ValidationError('orcid is for people; organisations have a ror');
  set('name', patch.name, checkName);
  set('bio', patch.bio, (value) => checkText('bio', value, LIMITS.bio, { multiline: true, allowEmpty: true }) || undefined);
  set('location', patch.location, (value) => checkText('location', value, LIMITS.location, { allowEmpty: true }) || undefined);
  set('website', patch.website, checkWebsite);
  set('orcid', patch.orcid, checkOrcid);
  set('ror', patch.ror, checkRor);
  // Empty optional texts mean "none".
  for (const key of ['bio', 'location'] as const) if (next[key] === undefined) delete next[key];
  return next;
}
