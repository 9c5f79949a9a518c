// Where avatar images are kept: for now files under DATA_DIR/avatars, behind
// this small interface so that the object store can take them over later. Keys
// look like `avatars/{account}-{sha256 prefix}.{ext}`: a new image gets a new key,
// so caches never serve an old one under a new profile.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp';

export interface StoredImage {
  bytes: Buffer;
  type: ImageType;
}

export interface AvatarStorage {
  /** Stores the image and returns its key. */
  put(accountId: string, image: StoredImage): Promise<string>;
  /** Undefined when there is no image under the key. */
  get(key: string): Promise<StoredImage | undefined>;
  /** Removing an absent image is fine. */
  delete(key: string): Promise<void>;
}

const EXTENSION: Record<ImageType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };
const KEY = /^avatars\/([a-z0-9-]{3,40}-[0-9a-f]{16})\.(png|jpg|webp)$/;

export function avatarKey(accountId: string, image: StoredImage): string {
  const digest = createHash('sha256').update(image.bytes).digest('hex').slice(0, 16);
  return `avatars/${accountId}-${digest}.${EXTENSION[image.type]}`;
}

/** Files in `${dataDir}/avatars`; keys that are not this module's own are refused, so no path leaves that directory. */
export function fileAvatarStorage(dataDir: string): AvatarStorage {
  const directory = join(dataDir, 'avatars');
  const pathOf = (key: string) => {
    const match = KEY.exec(key);
    if (!match) throw new Error(`not an avatar key: ${JSON.stringify(key)}`);
    return { path: join(directory, `${match[1]}.${match[2]}`), type: (Object.keys(EXTENSION) as ImageType[]).find((t) => EXTENSION[t] === match[2]) as ImageType };
  };
  return {
    async put(accountId, image) {
      const key = avatarKey(accountId, image);
      const { path } = pathOf(key);
      await mkdir(directory, { recursive: true });
      // Written aside and renamed, so a reader never sees half an image.
      const temporary = `${path}.${randomUUID()}.tmp`;
      await writeFile(temporary, image.bytes);
      await rename(temporary, path);
      return key;
    },
    async get(key) {
      const { path, type } = pathOf(key);
      try {
        return { bytes: await readFile(path), type };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async delete(key) {
      await rm(pathOf(key).path, { force: true });
    },
  };
}
