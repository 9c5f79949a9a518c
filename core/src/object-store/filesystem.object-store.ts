// The embedded object store: one directory on the local filesystem per scope
// (a data connection's root joined with a repository's prefix), keys mapped to
// paths one segment per directory, so that files an operator drops in by hand
// are served as they are.
//
// Safety: keys pass checkObjectKey, so no `..`, absolute path or backslash ever
// reaches path.join. Symbolic links are never followed: a listing skips them, and
// a key whose path passes through one (or is one) reads as absent and is refused
// for writing — a link could otherwise lead outside the root.
//
// Atomicity: a put streams into a temporary file in `stagingDir` and renames it
// into place only once the whole body arrived, so readers see the old object or
// the new one, never a part. rename(2) is atomic only within one filesystem, so
// `stagingDir` must be on the same filesystem as the root (DATA_DIR/staging next
// to DATA_DIR/files is).
//
// The staging directory holds, besides those temporary files:
//   uploads/<uploadId>/upload.json         the upload's key, scope and content type
//   uploads/<uploadId>/<n>.json            part n: its ETag, size, and data file
//   uploads/<uploadId>/<n>-<random>.part   part n's bytes
//   etags/<sha256 of the object's path>.json   ETags of completed multipart uploads
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { constants, createReadStream, createWriteStream, type BigIntStats, type Dirent } from 'node:fs';
import { lstat, mkdir, open, type FileHandle, readdir, readFile, realpath, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { writeFileRange } from './file-range-writer.ts';
import { checkDelimiter, checkMaxKeys, checkObjectKey, checkObjectPrefix, checkStartAfter } from './object-key.ts';
import type {
  ByteRange, ListOptions, ListPage, ObjectBody, ObjectInfo, ObjectStore, PartsPage, PutOptions, UploadedPart,
} from './object-store.port.ts';
import {
  checkByteRange, checkCompletedParts, checkPartNumber, checkPartsPageOptions, compareKeys, decodeListToken, encodeListToken,
  MIN_PART_SIZE, multipartEtag, sameEtag,
} from './object-store-rules.ts';

export interface FilesystemObjectStoreOptions {
  /** The scope's directory; created on the first write. */
  root: string;
  /** Temporary files and multipart uploads; on the same filesystem as `root`. */
  stagingDir: string;
}

interface UploadRecord {
  key: string;
  root: string;
  contentType?: string;
  initiated: string;
}

interface PartRecord {
  etag: string;
  size: number;
  lastModified: string;
  file: string;
}

interface RecordedEtag {
  etag: string;
  size: string;
  mtimeNs: string;
  ino: string;
}

/** One entry of the ordered walk: a key and the path that holds it. */
interface Found {
  key: string;
  path: string;
}

/** What the walk skips, changed by its consumer while it runs. */
interface WalkBounds {
  prefix: string;
  startAfter: string;
  /** Keys under a common prefix already listed, or not to be listed. */
  skipPrefix?: string;
}

const UPLOAD_ID = /^[A-Za-z0-9_-]{32}$/;
const PART_RECORD = /^(\d+)\.json$/;
const NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;
/**
 * How a streamed object is read. Node's 64 KiB default makes a download wait
 * for one thread-pool read after every socket write; 1 MiB reads roughly double
 * what the data proxy streams over loopback (bench/proxy). writeTo reuses
 * `count` buffers: one filling while the others are written.
 */
const READS = { chunkSize: 1024 * 1024, count: 3 };

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException)?.code;
const isMissing = (error: unknown) => errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR';

/**
 * An ETag from the file's size, modification time (ns) and inode — not a hash of
 * its bytes: files dropped in by hand have no recorded hash, and hashing on every
 * head or listing would read whole objects. A put renames a new file into place,
 * so its inode and time change even when the size does not.
 */
function derivedEtag(stats: BigIntStats): string {
  return `"${stats.mtimeNs.toString(16)}-${stats.size.toString(16)}-${stats.ino.toString(16)}"`;
}

/** An open file's bytes: a read stream when `body` is asked for, or written straight into a stream by writeTo. */
class FileBody implements ObjectBody {
  readonly info: ObjectInfo;
  readonly range?: ByteRange;
  readonly #handle: FileHandle;
  #stream: Readable | undefined;
  #taken = false;

  constructor(info: ObjectInfo, handle: FileHandle, range: ByteRange | undefined) {
    this.info = info;
    this.#handle = handle;
    if (range) this.range = range;
  }

  get body(): Readable {
    if (!this.#stream) {
      this.#take();
      const range = this.range;
      this.#stream = createReadStream('', { fd: this.#handle, highWaterMark: READS.chunkSize, ...(range ? { start: range.start, end: range.end } : {}) });
    }
    return this.#stream;
  }

  async writeTo(destination: Writable): Promise<void> {
    this.#take();
    try {
      await writeFileRange(this.#handle, this.range ?? { start: 0, end: this.info.size - 1 }, destination, READS);
    } finally {
      await this.#handle.close();
    }
  }

  #take(): void {
    if (this.#taken) throw new Error('an object body is read once, as a stream or by writeTo');
    this.#taken = true;
  }
}

export class FilesystemObjectStore implements ObjectStore {
  readonly kind = 'filesystem';
  readonly #root: string;
  readonly #staging: string;

  constructor(options: FilesystemObjectStoreOptions) {
    this.#root = resolve(options.root);
    this.#staging = resolve(options.stagingDir);
  }

  // ------------------------------------------------------------------ paths

  /** The root as the kernel sees it, or undefined before the first write created it. */
  async #realRoot(): Promise<string | undefined> {
    try {
      return await realpath(this.#root);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** true when `relative` (a key or a directory key) names an existing path under the root with no symbolic link on the way. */
  async #linkFree(relative: string): Promise<boolean> {
    const realRoot = await this.#realRoot();
    if (realRoot === undefined) return false;
    try {
      return (await realpath(join(this.#root, relative))) === resolve(realRoot, relative);
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** The key's file when it is a regular file reached without links, with its stats. */
  async #file(key: string): Promise<{ path: string; stats: BigIntStats } | undefined> {
    checkObjectKey(key);
    if (!(await this.#linkFree(key))) return undefined;
    const path = join(this.#root, key);
    try {
      const stats = await lstat(path, { bigint: true });
      return stats.isFile() ? { path, stats } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  // ------------------------------------------------------------------ ETags of multipart objects

  async #etagRecordPath(key: string): Promise<string> {
    const realRoot = (await this.#realRoot()) ?? this.#root;
    const name = createHash('sha256').update(join(realRoot, key)).digest('hex');
    return join(this.#staging, 'etags', `${name}.json`);
  }

  /** The recorded ETag while the file is still the one it was recorded for; otherwise the derived one. */
  async #etag(key: string, stats: BigIntStats): Promise<string> {
    try {
      const recorded = JSON.parse(await readFile(await this.#etagRecordPath(key), 'utf8')) as RecordedEtag;
      if (recorded.size === String(stats.size) && recorded.mtimeNs === String(stats.mtimeNs) && recorded.ino === String(stats.ino)) {
        return recorded.etag;
      }
    } catch (error) {
      if (!isMissing(error) && !(error instanceof SyntaxError)) throw error;
    }
    return derivedEtag(stats);
  }

  async #info(key: string, stats: BigIntStats): Promise<ObjectInfo> {
    return { key, size: Number(stats.size), etag: await this.#etag(key, stats), lastModified: new Date(Number(stats.mtimeMs)) };
  }

  // ------------------------------------------------------------------ reads

  async head(key: string): Promise<ObjectInfo | undefined> {
    const file = await this.#file(key);
    return file && (await this.#info(key, file.stats));
  }

  async get(key: string, options: { range?: ByteRange } = {}): Promise<ObjectBody | undefined> {
    const file = await this.#file(key);
    if (!file) return undefined;
    let handle;
    try {
      handle = await open(file.path, NO_FOLLOW);
    } catch (error) {
      if (isMissing(error) || errorCode(error) === 'ELOOP') return undefined;
      throw error;
    }
    try {
      // Stats of the open file, not of the path: the bytes streamed and the info
      // describe the same file even if another put replaces it meanwhile.
      const stats = await handle.stat({ bigint: true });
      if (!stats.isFile()) {
        await handle.close();
        return undefined;
      }
      const info = await this.#info(key, stats);
      const range = options.range && checkByteRange(options.range, info.size);
      return new FileBody(info, handle, range);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    const prefix = checkObjectPrefix(options.prefix ?? '');
    const delimiter = options.delimiter === undefined ? undefined : checkDelimiter(options.delimiter);
    const maxKeys = checkMaxKeys(options.maxKeys);
    let startAfter = checkStartAfter(options.startAfter ?? '');
    if (options.continuationToken !== undefined) {
      const after = decodeListToken(options.continuationToken);
      if (compareKeys(after, startAfter) > 0) startAfter = after;
    }

    const bounds: WalkBounds = { prefix, startAfter };
    const objects: ObjectInfo[] = [];
    const commonPrefixes: string[] = [];
    let last: string | undefined;
    let isTruncated = false;
    const startDir = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    if (startDir === '' ? (await this.#realRoot()) !== undefined : await this.#linkFree(startDir)) {
      for await (const found of this.#walk(join(this.#root, startDir), startDir, bounds)) {
        const rest = found.key.slice(prefix.length);
        const at = delimiter === undefined ? -1 : rest.indexOf(delimiter);
        const commonPrefix = at >= 0 ? prefix + rest.slice(0, at + delimiter!.length) : undefined;
        if (commonPrefix !== undefined && compareKeys(commonPrefix, startAfter) <= 0) {
          // Keys after start-after, under a common prefix that is not: S3 lists neither.
          bounds.skipPrefix = commonPrefix;
          continue;
        }
        if (objects.length + commonPrefixes.length === maxKeys) {
          isTruncated = true;
          break;
        }
        if (commonPrefix !== undefined) {
          commonPrefixes.push(commonPrefix);
          bounds.skipPrefix = commonPrefix;
          last = commonPrefix;
          continue;
        }
        let stats: BigIntStats;
        try {
          stats = await lstat(found.path, { bigint: true });
        } catch (error) {
          if (isMissing(error)) continue; // deleted since the directory was read
          throw error;
        }
        if (!stats.isFile()) continue;
        objects.push(await this.#info(found.key, stats));
        last = found.key;
      }
    }
    return {
      objects,
      commonPrefixes,
      isTruncated,
      ...(isTruncated && last ? { nextContinuationToken: encodeListToken(last) } : {}),
    };
  }

  /**
   * Every key under `dir` within `bounds`, in UTF-8 binary order of the whole
   * key. Sorting each directory by name alone would not give that order: `a/b`
   * sorts after `a-b` (`/` is 0x2F, `-` 0x2D) though `a` sorts before `a-b`. A
   * directory's entries are therefore sorted as their keys continue — a
   * subdirectory by its name followed by `/` — which puts each subtree exactly
   * where its keys belong. Subtrees wholly before startAfter, outside the prefix
   * or inside an already listed common prefix are not read at all.
   */
  async *#walk(dir: string, dirKey: string, bounds: WalkBounds): AsyncGenerator<Found> {
    let entries: Dirent<Buffer>[];
    try {
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    const children: { key: string; sortKey: Buffer; directory: boolean; path: string }[] = [];
    for (const entry of entries) {
      const name = entry.name.toString('utf8');
      // A name that is not UTF-8, or that no key could name, is not an object.
      if (!Buffer.from(name, 'utf8').equals(entry.name)) continue;
      const path = join(dir, name);
      const directory = entry.isDirectory();
      if (!directory && !entry.isFile()) continue; // symbolic links, sockets, devices
      if (directory && path === this.#staging) continue;
      const key = dirKey + name + (directory ? '/' : '');
      try {
        if (directory) checkObjectPrefix(key);
        else checkObjectKey(key);
      } catch {
        continue;
      }
      children.push({ key, sortKey: Buffer.from(key, 'utf8'), directory, path });
    }
    children.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));

    for (const child of children) {
      const { prefix, startAfter, skipPrefix } = bounds;
      if (skipPrefix !== undefined && child.key.startsWith(skipPrefix)) continue;
      if (child.directory) {
        if (!child.key.startsWith(prefix) && !prefix.startsWith(child.key)) continue;
        if (!startAfter.startsWith(child.key) && compareKeys(child.key, startAfter) < 0) continue;
        yield* this.#walk(child.path, child.key, bounds);
      } else if (child.key.startsWith(prefix) && compareKeys(child.key, startAfter) > 0) {
        yield { key: child.key, path: child.path };
      }
    }
  }

  // ------------------------------------------------------------------ writes

  /** A fresh path for a temporary file in the staging area. */
  async #tempPath(): Promise<string> {
    const dir = join(this.#staging, 'tmp');
    await mkdir(dir, { recursive: true });
    return join(dir, `${randomUUID()}.tmp`);
  }

  /**
   * Renames a finished temporary file to `key`, creating parent directories. A
   * delete removing the empty parents at the same moment can win the race, so
   * the rename is tried again a few times.
   */
  async #place(temp: string, key: string): Promise<void> {
    const path = join(this.#root, key);
    const parentKey = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(dirname(path), { recursive: true });
      } catch (error) {
        if (errorCode(error) === 'ENOTDIR' || errorCode(error) === 'EEXIST') throw this.#fileDirectoryConflict(key);
        throw error;
      }
      if (!(await this.#linkFree(parentKey))) {
        if (attempt < 3) continue;
        throw new ValidationError(`key ${JSON.stringify(key)} passes through a symbolic link, which this store does not follow`);
      }
      try {
        // rename(2) replaces a file or a symbolic link itself (never what a link points to), but not a directory.
        const existing = await lstat(path).catch((error) => (isMissing(error) ? undefined : Promise.reject(error)));
        if (existing?.isDirectory()) throw this.#fileDirectoryConflict(key);
        await rename(temp, path);
        return;
      } catch (error) {
        if (errorCode(error) === 'EXDEV') {
          throw new Error(`the staging directory ${this.#staging} is not on the same filesystem as ${this.#root}; objects cannot be moved into place atomically`);
        }
        if (errorCode(error) === 'EISDIR' || errorCode(error) === 'ENOTEMPTY') throw this.#fileDirectoryConflict(key);
        if (errorCode(error) !== 'ENOENT' || attempt >= 3) throw error;
      }
    }
  }

  #fileDirectoryConflict(key: string): ConflictError {
    return new ConflictError(
      `key ${JSON.stringify(key)} cannot be stored: a filesystem cannot hold an object both as a file and as a folder of other objects (like ${JSON.stringify(key)} and ${JSON.stringify(`${key}/…`)}, or the reverse)`,
    );
  }

  /** Streams `body` into a new temporary file; removes it when the stream fails. */
  async #receive(body: Readable, contentLength: number | undefined, hash?: ReturnType<typeof createHash>): Promise<{ temp: string; size: number }> {
    const temp = await this.#tempPath();
    let size = 0;
    try {
      await pipeline(
        body,
        async function* count(source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            hash?.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temp, { flags: 'wx' }),
      );
      if (contentLength !== undefined && size !== contentLength) {
        throw new ValidationError(`the body had ${size} bytes, but its length was given as ${contentLength}`);
      }
      return { temp, size };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async #forgetEtag(key: string): Promise<void> {
    await rm(await this.#etagRecordPath(key), { force: true });
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    checkObjectKey(key);
    const { temp } = await this.#receive(body, options.contentLength);
    try {
      await this.#place(temp, key);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await this.#forgetEtag(key);
    const placed = await this.#file(key);
    if (!placed) throw new Error(`${key} vanished right after it was written`);
    return await this.#info(key, placed.stats);
  }

  async delete(key: string): Promise<boolean> {
    const file = await this.#file(key);
    if (!file) return false;
    try {
      await unlink(file.path);
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
    await this.#forgetEtag(key);
    await this.#removeEmptyParents(dirname(file.path));
    return true;
  }

  /** Folders exist only to hold objects: remove those left empty, up to (not including) the root. */
  async #removeEmptyParents(dir: string): Promise<void> {
    for (let current = dir; current.startsWith(`${this.#root}/`); current = dirname(current)) {
      try {
        await rmdir(current);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') continue;
        if (errorCode(error) === 'ENOTEMPTY' || errorCode(error) === 'EEXIST') return;
        throw error;
      }
    }
  }

  async copy(sourceKey: string, targetKey: string): Promise<ObjectInfo | undefined> {
    checkObjectKey(sourceKey, 'sourceKey');
    checkObjectKey(targetKey, 'targetKey');
    const source = await this.get(sourceKey);
    if (!source) return undefined;
    return await this.put(targetKey, source.body, { contentLength: source.info.size });
  }

  // ------------------------------------------------------------------ multipart uploads

  async createMultipartUpload(key: string, options: PutOptions = {}): Promise<string> {
    checkObjectKey(key);
    // 192 random bits: knowing an upload id is what lets a client add parts to it.
    const uploadId = randomBytes(24).toString('base64url');
    const dir = join(this.#staging, 'uploads', uploadId);
    await mkdir(dir, { recursive: true });
    const record: UploadRecord = {
      key, root: this.#root, initiated: new Date().toISOString(), ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
    };
    await writeFile(join(dir, 'upload.json'), JSON.stringify(record), { flag: 'wx' });
    return uploadId;
  }

  /** The upload's directory; NotFoundError unless the upload exists for this key in this scope. */
  async #upload(key: string, uploadId: string): Promise<string> {
    checkObjectKey(key);
    const unknown = () => new NotFoundError(`there is no multipart upload ${JSON.stringify(String(uploadId).slice(0, 64))} for ${JSON.stringify(key)}`);
    if (typeof uploadId !== 'string' || !UPLOAD_ID.test(uploadId)) throw unknown();
    const dir = join(this.#staging, 'uploads', uploadId);
    let record: UploadRecord;
    try {
      record = JSON.parse(await readFile(join(dir, 'upload.json'), 'utf8')) as UploadRecord;
    } catch (error) {
      if (isMissing(error)) throw unknown();
      throw error;
    }
    if (record.key !== key || record.root !== this.#root) throw unknown();
    return dir;
  }

  async #partRecord(dir: string, partNumber: number): Promise<PartRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(dir, `${partNumber}.json`), 'utf8')) as PartRecord;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Readable, contentLength?: number): Promise<UploadedPart> {
    const dir = await this.#upload(key, uploadId);
    checkPartNumber(partNumber);
    const hash = createHash('md5');
    const { temp, size } = await this.#receive(body, contentLength, hash);
    const file = `${partNumber}-${randomUUID()}.part`;
    const record: PartRecord = { etag: `"${hash.digest('hex')}"`, size, lastModified: new Date().toISOString(), file };
    try {
      const previous = await this.#partRecord(dir, partNumber);
      await rename(temp, join(dir, file));
      // The record names the data file, so replacing the record replaces the part in one step.
      const recordTemp = join(dir, `${partNumber}.${randomUUID()}.tmp`);
      await writeFile(recordTemp, JSON.stringify(record));
      await rename(recordTemp, join(dir, `${partNumber}.json`));
      if (previous) await rm(join(dir, previous.file), { force: true });
    } catch (error) {
      await rm(temp, { force: true });
      // Aborted while the part arrived: the directory is gone.
      if (isMissing(error)) throw new NotFoundError(`there is no multipart upload ${uploadId} for ${JSON.stringify(key)}`);
      throw error;
    }
    return { partNumber, etag: record.etag, size, lastModified: new Date(record.lastModified) };
  }

  async #partNumbers(dir: string): Promise<number[]> {
    const names = await readdir(dir).catch((error) => (isMissing(error) ? [] : Promise.reject(error)));
    return names.flatMap((name) => {
      const match = PART_RECORD.exec(name);
      return match ? [Number(match[1])] : [];
    }).sort((a, b) => a - b);
  }

  async listParts(key: string, uploadId: string, options: { partNumberMarker?: number; maxParts?: number } = {}): Promise<PartsPage> {
    const dir = await this.#upload(key, uploadId);
    const { partNumberMarker, maxParts } = checkPartsPageOptions(options);
    const numbers = (await this.#partNumbers(dir)).filter((n) => n > partNumberMarker);
    const parts: UploadedPart[] = [];
    for (const partNumber of numbers.slice(0, maxParts)) {
      const record = await this.#partRecord(dir, partNumber);
      if (record) parts.push({ partNumber, etag: record.etag, size: record.size, lastModified: new Date(record.lastModified) });
    }
    const isTruncated = numbers.length > maxParts;
    return { parts, isTruncated, ...(isTruncated ? { nextPartNumberMarker: parts.at(-1)?.partNumber } : {}) };
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<ObjectInfo> {
    const dir = await this.#upload(key, uploadId);
    checkCompletedParts(parts);
    const records: PartRecord[] = [];
    for (const [index, part] of parts.entries()) {
      const record = await this.#partRecord(dir, part.partNumber);
      if (!record) throw new ValidationError(`part ${part.partNumber} was never uploaded (or was replaced) in upload ${uploadId}`);
      if (!sameEtag(record.etag, part.etag)) {
        throw new ValidationError(`part ${part.partNumber}: ETag ${part.etag} does not match the uploaded part's ${record.etag}`);
      }
      if (index < parts.length - 1 && record.size < MIN_PART_SIZE) {
        throw new ValidationError(`part ${part.partNumber} is ${record.size} bytes; every part but the last must be at least ${MIN_PART_SIZE} bytes (5 MiB)`);
      }
      records.push(record);
    }
    const temp = await this.#tempPath();
    try {
      await pipeline(async function* concatenate() {
        for (const record of records) yield* createReadStream(join(dir, record.file));
      }, createWriteStream(temp, { flags: 'wx' }));
      const etag = multipartEtag(records.map((r) => r.etag));
      // The record is written before the rename, which keeps the file's inode and
      // time, so the object is never visible with any other ETag.
      const stats = await stat(temp, { bigint: true });
      // The record is named after the object's real path, so the root must exist to resolve it.
      await mkdir(this.#root, { recursive: true });
      const recordPath = await this.#etagRecordPath(key);
      await mkdir(dirname(recordPath), { recursive: true });
      const recorded: RecordedEtag = { etag, size: String(stats.size), mtimeNs: String(stats.mtimeNs), ino: String(stats.ino) };
      await writeFile(recordPath, JSON.stringify(recorded));
      await this.#place(temp, key);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await rm(dir, { recursive: true, force: true });
    const placed = await this.#file(key);
    if (!placed) throw new Error(`${key} vanished right after it was written`);
    return await this.#info(key, placed.stats);
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    const dir = await this.#upload(key, uploadId);
    await rm(dir, { recursive: true, force: true });
  }
}
