// EPSG codes to proj4 definitions, from epsg-index (the EPSG registry as data,
// one small file per code, read on first use): any CRS a file names by its EPSG
// code can be reprojected, not only the handful proj4 knows by itself.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import proj4 from 'proj4';

const perCodeDir = join(dirname(createRequire(import.meta.url).resolve('epsg-index/package.json')), 's');
const definitions = new Map<number, Promise<string | undefined>>();

/** The proj4 definition of an EPSG CRS, or undefined when the registry has no usable one. */
export function epsgDefinition(code: number): Promise<string | undefined> {
  if (!Number.isInteger(code) || code <= 0 || code > 999_999) return Promise.resolve(undefined);
  let definition = definitions.get(code);
  if (!definition) {
    definition = readFile(join(perCodeDir, `${code}.json`), 'utf8').then(
      (text) => {
        const entry = JSON.parse(text) as { proj4?: unknown; kind?: unknown };
        return typeof entry.proj4 === 'string' && entry.proj4.trim() !== '' && String(entry.kind).startsWith('CRS-') ? entry.proj4 : undefined;
      },
      () => undefined,
    );
    definitions.set(code, definition);
  }
  return definition;
}

export type ToWgs84 = (xy: [number, number]) => [number, number];

/** A function from the CRS's coordinates to WGS84 longitude/latitude, and back for one point. */
export async function wgs84Transform(code: number): Promise<{ forward: ToWgs84; inverse: ToWgs84 } | undefined> {
  const definition = await epsgDefinition(code);
  if (!definition) return undefined;
  const converter = proj4(definition, 'EPSG:4326');
  return {
    forward: (xy) => converter.forward(xy) as [number, number],
    inverse: (xy) => converter.inverse(xy) as [number, number],
  };
}
