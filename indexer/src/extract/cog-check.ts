// Whether a GeoTIFF is a valid Cloud-Optimized GeoTIFF, judged as GDAL's
// validate_cloud_optimized_geotiff.py judges it — limited to what the headers
// show: tiling, overviews, the IFDs before the image data in order, the data of
// the smallest overview first, and the ghost header GDAL writes. (The script's
// full check also reads block leaders and trailers in the data; a header-only
// reader does not.) No library does this check in JavaScript.

export interface CogImageLayout {
  ifdOffset: number;
  width: number;
  height: number;
  tiled: boolean;
  /** Byte offset of the first tile or strip; undefined when the tag is missing. */
  firstBlockOffset?: number;
}

export interface CogLayout {
  bigTiff: boolean;
  /** GDAL's structural metadata (the "ghost header"), when the file has one. */
  ghost: Record<string, unknown> | null;
  /** The full-resolution image first, then its overviews from largest to smallest (masks left out). */
  images: CogImageLayout[];
  /** The highest IFD offset in the file, masks included. */
  lastIfdOffset: number;
}

export interface CogReport {
  valid: boolean;
  errors: string[];
  warnings: string[];
}

const GHOST_PREFIX = 'GDAL_STRUCTURAL_METADATA_SIZE=';

export function checkCog(layout: CogLayout): CogReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  const [main, ...overviews] = layout.images;
  const large = main.width > 512 || main.height > 512;

  if (large && !main.tiled) errors.push('The file is greater than 512xH or 512xW, but is not tiled');
  if (large && overviews.length === 0) warnings.push('The file is greater than 512xH or 512xW, it is recommended to include internal overviews');
  overviews.forEach((overview, i) => {
    if ((overview.width > 512 || overview.height > 512) && !overview.tiled) errors.push(`Overview of index ${i} is not tiled`);
  });

  let expectedIfd = layout.bigTiff ? 16 : 8;
  if (layout.ghost) {
    // "GDAL_STRUCTURAL_METADATA_SIZE=000140 bytes\n" followed by that many bytes.
    const declared = String(layout.ghost[GHOST_PREFIX.slice(0, -1)] ?? '');
    const size = Number(/^\s*(\d+)/.exec(declared)?.[1] ?? NaN);
    if (Number.isFinite(size)) expectedIfd += `${GHOST_PREFIX}${declared}\n`.length + size;
    expectedIfd += expectedIfd % 2; // an IFD starts on a word boundary
    if (String(layout.ghost.KNOWN_INCOMPATIBLE_EDITION ?? '').trim() === 'YES') {
      errors.push('KNOWN_INCOMPATIBLE_EDITION=YES is declared in the file: it was modified in a way that broke its COG layout');
    }
  }
  if (main.ifdOffset !== expectedIfd) errors.push(`The offset of the main IFD should be ${expectedIfd}. It is ${main.ifdOffset} instead`);

  for (let i = 0; i < overviews.length; i++) {
    const previous = i === 0 ? main.ifdOffset : overviews[i - 1].ifdOffset;
    if (overviews[i].ifdOffset < previous) {
      errors.push(`The offset of the IFD for overview of index ${i} is ${overviews[i].ifdOffset}, whereas it should be greater than the one of ${i === 0 ? 'the main image' : `index ${i - 1}`}, which is at byte ${previous}`);
    }
  }

  const data = layout.images.map((image) => image.firstBlockOffset).filter((offset): offset is number => offset !== undefined && offset > 0);
  if (data.length > 0 && Math.min(...data) < layout.lastIfdOffset) {
    errors.push('The image data comes before the last IFD: the IFDs should all be at the start of the file');
  }
  const offsetOf = (image: CogImageLayout) => image.firstBlockOffset ?? 0;
  if (overviews.length > 0 && offsetOf(main) > 0 && offsetOf(main) < offsetOf(overviews[overviews.length - 1])) {
    errors.push(`The offset of the first block of the main resolution image should be after the one of the overview of index ${overviews.length - 1}`);
  }
  for (let i = 0; i < overviews.length - 1; i++) {
    if (offsetOf(overviews[i]) > 0 && offsetOf(overviews[i]) < offsetOf(overviews[i + 1])) {
      errors.push(`The offset of the first block of overview of index ${i} should be after the one of the overview of index ${i + 1}`);
    }
  }
  return { valid: errors.length === 0, errors, warnings };
}
