// A local file as a ByteSource: what tests and the command-line loader read.
// Each read opens the file anew, so a source needs no closing.
import { open, stat } from 'node:fs/promises';
import type { ByteSource, ReadStats } from './byte-source.ts';

export async function fileByteSource(path: string, name = path): Promise<ByteSource> {
  const { size } = await stat(path);
  const stats: ReadStats = { requests: 0, bytes: 0 };
  return {
    name,
    size,
    stats,
    async read(start, end) {
      const to = Math.min(end, size);
      if (to <= start) return new Uint8Array(0);
      const handle = await open(path, 'r');
      try {
        const buffer = new Uint8Array(to - start);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
        stats.requests++;
        stats.bytes += bytesRead;
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
  };
}
