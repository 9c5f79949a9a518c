/** A form field as trimmed text ('' when absent). */
export const field = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
};

/** The API's description of what was wrong, for the page. */
export async function problemOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { description?: unknown };
    if (typeof body.description === 'string') return body.description;
  } catch {
    // Not JSON: fall through to the status.
  }
  return `the server answered ${response.status}`;
}
