/**
 * Where to go after a form: the `next` path the form carried, when it is a path on
 * this site (never `//other.host` or `https://…`, which would make sign-in an open
 * redirect); else the home page.
 */
export function safeNext(value: FormDataEntryValue | string | null | undefined, fallback = '/'): string {
  const text = typeof value === 'string' ? value : '';
  return /^\/(?![/\\])[^\s]*$/.test(text) ? text : fallback;
}
