// Where an uploaded file goes in the repository: the chosen folder, then the
// file's path inside the folder it was dropped or picked with, if any.

/** A folder path as the listing writes it: no leading slash, one trailing slash, or '' for the top. */
export function normaliseFolder(text: string): string {
  const parts = text.split('/').map((p) => p.trim()).filter(Boolean);
  return parts.length > 0 ? `${parts.join('/')}/` : '';
}

/** `relativePath` from a dropped folder (`/docs/a.tif`), or `webkitRelativePath` from a picked one (`docs/a.tif`). */
export function uploadKey(folder: string, file: { name: string; relativePath?: string | null; webkitRelativePath?: string }): string {
  const inner = (file.relativePath || file.webkitRelativePath || file.name).replace(/^\/+/, '');
  return `${normaliseFolder(folder)}${inner}`;
}

/** The S3 request for one step of an upload, as a URL on Meridian's data proxy (the bucket is the account). */
export function dataProxyUrl(origin: string, account: string, repository: string, key: string, step: { uploadId?: string; partNumber?: number; create?: boolean }): string {
  const path = `${origin}/data/${encodeURIComponent(account)}/${encodeURIComponent(repository)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  if (step.create) return `${path}?uploads`;
  if (step.uploadId !== undefined && step.partNumber !== undefined) return `${path}?partNumber=${step.partNumber}&uploadId=${encodeURIComponent(step.uploadId)}`;
  if (step.uploadId !== undefined) return `${path}?uploadId=${encodeURIComponent(step.uploadId)}`;
  return path;
}
