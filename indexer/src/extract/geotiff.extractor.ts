// GeoTIFF and Cloud-Optimized GeoTIFF → a STAC Item, from the headers only:
// geotiff.js parses the IFDs over the ByteSource (tag arrays are loaded lazily,
// so tile offsets of a large image are never read whole), proj4 with the EPSG
// registry gives the WGS84 footprint, and cog-check.ts says whether the layout is
// a valid COG.
import { GeoTIFF, type GeoTIFFImage } from 'geotiff';
import type { Bbox2D } from '@meridian/core/geo/bbox';
import { MEDIA_TYPES } from '@meridian/core/stac/media-types';
import { blockCached, checkedRange, DEFAULT_READ_CAP, type ByteSource } from './byte-source.ts';
import { checkCog, type CogLayout } from './cog-check.ts';
import { EXTENSIONS, fileItem, problemText, type ExtractInput, type ExtractOptions, type ExtractResult } from './extraction.ts';
import { wgs84Footprint } from './footprint.ts';
import { itemIdForKey } from './item-id.ts';

/** More subfiles than any real pyramid has; a longer chain is hostile or broken. */
const MAX_IFDS = 64;
const USER_DEFINED = 32767;
const SUBFILE_REDUCED = 1;
const SUBFILE_MASK = 4;

/** geotiff.js's source interface (fetch of slices, file size) over ours, each read checked against the cap. */
function geotiffSource(source: ByteSource, cap: number) {
  return {
    fileSize: source.size,
    async fetch(slices: { offset: number; length: number }[]): Promise<ArrayBuffer[]> {
      return Promise.all(slices.map(async ({ offset, length }) => {
        const [start, end] = checkedRange(source, offset, offset + length, cap);
        return (await source.read(start, end)).slice().buffer as ArrayBuffer;
      }));
    },
  };
}

function dataType(format: number, bits: number): string {
  const kind = ({ 1: 'uint', 2: 'int', 3: 'float', 5: 'cint', 6: 'cfloat' } as Record<number, string>)[format];
  const known = new Set(['uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'cint16', 'cint32', 'cfloat32', 'cfloat64']);
  const name = `${kind}${bits}`;
  return known.has(name) ? name : 'other';
}

/** The EPSG code of the image's CRS, or a reason there is none. */
function epsgOf(image: GeoTIFFImage): number | string {
  const keys = image.getGeoKeys();
  if (!keys) return 'the file has no GeoKeyDirectory: it is a TIFF without georeferencing';
  const projected = keys.ProjectedCSTypeGeoKey;
  const geographic = keys.GeographicTypeGeoKey;
  const code = projected ?? geographic;
  if (typeof code !== 'number') return 'the GeoKeys name no coordinate reference system';
  if (code === USER_DEFINED) return 'the coordinate reference system is user-defined, not an EPSG code';
  return code;
}

/** GDAL's six-number geotransform as STAC's proj:transform (a, b, c, d, e, f). */
function transformOf(image: GeoTIFFImage): number[] {
  const matrix = image.getFileDirectory().getValue('ModelTransformation') as number[] | undefined;
  let transform: number[];
  if (matrix && matrix.length >= 8) {
    transform = [matrix[0], matrix[1], matrix[3], matrix[4], matrix[5], matrix[7]];
  } else {
    const [x, y] = image.getOrigin();
    const [resX, resY] = image.getResolution();
    transform = [resX, 0, x, 0, resY, y];
  }
  // PixelIsPoint: the tie point is a pixel's centre; GDAL moves it to the corner.
  if (image.getGeoKeys()?.GTRasterTypeGeoKey === 2) {
    transform[2] -= (transform[0] + transform[1]) / 2;
    transform[5] -= (transform[3] + transform[4]) / 2;
  }
  return transform;
}

function boxOf([a, b, c, d, e, f]: number[], width: number, height: number): Bbox2D {
  const corners = [[0, 0], [width, 0], [0, height], [width, height]].map(([col, row]) => [c + a * col + b * row, f + d * col + e * row]);
  const xs = corners.map(([x]) => x);
  const ys = corners.map(([, y]) => y);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** `YYYY:MM:DD HH:MM:SS` from the TIFF DateTime tag, when it is one. */
async function tiffDateTime(image: GeoTIFFImage): Promise<Date | undefined> {
  const directory = image.getFileDirectory();
  if (!directory.hasTag('DateTime')) return undefined;
  const value = String(await directory.loadValue('DateTime'));
  const match = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(value);
  if (!match) return undefined;
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

async function firstBlockOffset(image: GeoTIFFImage): Promise<number | undefined> {
  const directory = image.getFileDirectory();
  const tag = directory.hasTag('TileOffsets') ? 'TileOffsets' : 'StripOffsets';
  if (!directory.hasTag(tag)) return undefined;
  const value = await directory.loadValueIndexed(tag, 0);
  return value === undefined ? undefined : Number(value);
}

/** The chain of IFDs with their byte offsets, stopping at a loop or at MAX_IFDS. */
async function readImages(tiff: GeoTIFF): Promise<{ images: GeoTIFFImage[]; offsets: number[]; problem?: string }> {
  const images: GeoTIFFImage[] = [];
  const offsets: number[] = [];
  let offset = tiff.firstIFDOffset;
  while (offset !== 0) {
    if (offsets.includes(offset)) return { images, offsets, problem: `the IFD chain loops back to byte ${offset}` };
    if (images.length === MAX_IFDS) return { images, offsets, problem: `more than ${MAX_IFDS} IFDs; the rest were not read` };
    offsets.push(offset);
    const directory = await tiff.requestIFD(images.length);
    images.push(await tiff.getImage(images.length));
    offset = directory.nextIFDByteOffset;
  }
  return { images, offsets };
}

export interface GeotiffDetails {
  width: number;
  height: number;
  bands: number;
  overviews: { width: number; height: number }[];
  cog: { valid: boolean; errors: string[]; warnings: string[] };
}

export async function extractGeotiff(input: ExtractInput, options: ExtractOptions = {}): Promise<ExtractResult & { details?: GeotiffDetails }> {
  const cap = options.readCap ?? DEFAULT_READ_CAP;
  const source = blockCached(input.source);
  const problem = (message: string) => ({ problems: [{ path: input.key, message }] });
  try {
    const tiff = await GeoTIFF.fromSource(geotiffSource(source, cap) as never);
    const { images, offsets, problem: chainProblem } = await readImages(tiff);
    if (images.length === 0) return problem('GeoTIFF has no image');
    if (chainProblem) return problem(`GeoTIFF header is broken: ${chainProblem}`);
    const [main, ...rest] = images;
    const subfileType = (image: GeoTIFFImage) => Number(image.getFileDirectory().getValue('NewSubfileType') ?? 0);
    const overviewIndexes = rest.map((image, i) => ({ image, i: i + 1 })).filter(({ image }) => (subfileType(image) & SUBFILE_REDUCED) !== 0 && (subfileType(image) & SUBFILE_MASK) === 0);
    const width = main.getWidth();
    const height = main.getHeight();
    if (!(width > 0 && height > 0)) return problem(`GeoTIFF image has no size (${width}×${height})`);

    const layout: CogLayout = {
      bigTiff: tiff.bigTiff,
      ghost: await tiff.getGhostValues().catch(() => null),
      images: await Promise.all([{ image: main, i: 0 }, ...overviewIndexes].map(async ({ image, i }) => ({
        ifdOffset: offsets[i],
        width: image.getWidth(),
        height: image.getHeight(),
        tiled: image.isTiled,
        firstBlockOffset: await firstBlockOffset(image),
      }))),
      lastIfdOffset: Math.max(...offsets),
    };
    const cog = checkCog(layout);

    const epsg = epsgOf(main);
    const transform = (() => {
      try {
        return transformOf(main);
      } catch {
        return undefined;
      }
    })();
    const problems = [];
    let footprint;
    let nativeBox: Bbox2D | undefined;
    if (!transform) problems.push({ path: input.key, message: 'GeoTIFF has no geotransform (no tie point, pixel scale or model transformation): no footprint' });
    else nativeBox = boxOf(transform, width, height);
    if (typeof epsg === 'string') problems.push({ path: input.key, message: `no footprint: ${epsg}` });
    else if (nativeBox) {
      footprint = await wgs84Footprint(nativeBox, epsg);
      if (!footprint) problems.push({ path: input.key, message: `no footprint: EPSG:${epsg} is not in the EPSG registry or does not reproject to WGS84` });
    }

    const samples = main.getSamplesPerPixel();
    const nodata = main.getGDALNoData();
    const resolution = transform ? Math.hypot(transform[0], transform[3]) : undefined;
    const bands = Array.from({ length: samples }, (_, i) => ({
      data_type: dataType(main.getSampleFormat(i) ?? 1, main.getBitsPerSample(i)),
      ...(nodata !== null && Number.isFinite(nodata) ? { nodata } : nodata !== null ? { nodata: String(nodata) } : {}),
      ...(resolution ? { spatial_resolution: resolution } : {}),
    }));
    const properties: Record<string, unknown> = {};
    if (typeof epsg === 'number') Object.assign(properties, { 'proj:epsg': epsg, 'proj:code': `EPSG:${epsg}` });
    Object.assign(properties, { 'proj:shape': [height, width] });
    if (transform && nativeBox) Object.assign(properties, { 'proj:transform': transform, 'proj:bbox': nativeBox });
    if (resolution) properties.gsd = resolution;

    const item = fileItem(input, {
      id: itemIdForKey(input.key),
      bbox: footprint?.bbox,
      geometry: footprint?.geometry ?? null,
      datetime: (await tiffDateTime(main).catch(() => undefined)) ?? input.lastModified,
      properties,
      extensions: [EXTENSIONS.projection, EXTENSIONS.raster],
      asset: { type: cog.valid ? MEDIA_TYPES.cog : MEDIA_TYPES.geotiff, fields: { 'raster:bands': bands } },
    });
    return {
      item,
      problems,
      details: {
        width,
        height,
        bands: samples,
        overviews: overviewIndexes.map(({ image }) => ({ width: image.getWidth(), height: image.getHeight() })),
        cog,
      },
    };
  } catch (error) {
    return problem(`GeoTIFF header cannot be read: ${problemText(error)}`);
  }
}
