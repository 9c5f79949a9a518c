// Avatar images: PNG, JPEG or WebP, recognised by their first bytes (whatever the
// client says the type is), at most 1 MiB.
import { NotFoundError, ValidationError } from '../errors.ts';
import { assertMayEditProfile, type Caller } from './account-access.ts';
import { updateAccountWith, type AccountsDeps } from './accounts-context.ts';
import type { Account } from './accounts.types.ts';
import type { AvatarStorage, ImageType, StoredImage } from './avatar-storage.ts';
import { readAccount } from './profile.service.ts';

export const MAX_AVATAR_BYTES = 1024 * 1024;

const startsWith = (bytes: Buffer, signature: number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The image type its magic bytes show, or undefined. */
export function sniffImageType(bytes: Buffer): ImageType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return undefined;
}

export function checkAvatar(bytes: Buffer): StoredImage {
  if (bytes.length > MAX_AVATAR_BYTES) {
    throw new ValidationError(`the avatar is too large: at most ${MAX_AVATAR_BYTES} bytes (1 MiB), got ${bytes.length}`);
  }
  const type = sniffImageType(bytes);
  if (!type) throw new ValidationError('the avatar is not a PNG, JPEG or WebP image');
  return { bytes, type };
}

export interface AvatarDeps extends AccountsDeps {
  avatars: AvatarStorage;
}

/**
 * Reads the image (through `readImage`, once the caller is known to be allowed),
 * stores it, then points the profile at it; the previous image is removed
 * once the profile no longer names it. If the profile write fails, the new image
 * is removed again (unless it is the one the profile already had).
 */
export async function setAvatar(deps: AvatarDeps, caller: Caller, id: unknown, readImage: () => Promise<Buffer>): Promise<Account> {
  const account = await readAccount(deps, caller, id);
  assertMayEditProfile(caller, account);
  const image = checkAvatar(await readImage()); // read only once the caller may change the avatar
  const key = await deps.avatars.put(account.id, image);
  let previous: string | undefined;
  let updated: Account;
  try {
    updated = await updateAccountWith(deps, account, (current) => {
      previous = current.profile.avatar;
      return { ...current, profile: { ...current.profile, avatar: key } };
    });
  } catch (error) {
    if (previous !== key) await deps.avatars.delete(key).catch(() => undefined);
    throw error;
  }
  if (previous !== undefined && previous !== key) await deps.avatars.delete(previous).catch(() => undefined);
  return updated;
}

export async function getAvatar(deps: AvatarDeps, caller: Caller, id: unknown): Promise<StoredImage> {
  const account = await readAccount(deps, caller, id);
  const image = account.profile.avatar === undefined ? undefined : await deps.avatars.get(account.profile.avatar);
  if (!image) throw new NotFoundError(`account ${account.id} has no avatar`);
  return image;
}
