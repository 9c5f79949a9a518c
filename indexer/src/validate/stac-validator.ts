// STAC documents validated with stac-node-validator against the core and
// extension schemas, fully offline: every schema URL is mapped into a local
// directory laid out by URL (see indexer/stac-schemas/README.md), and the loader
// reads only inside that directory. A schema that is not there is a problem,
// "schema not available offline: <url>" — never a network request.
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import validate from 'stac-node-validator';

/** The schemas kept in the repository. */
export const DEFAULT_SCHEMA_DIR = fileURLToPath(new URL('../../stac-schemas/', import.meta.url));

export interface ValidationProblem {
  message: string;
  /** JSON pointer into the document; '' for the whole document. */
  pointer: string;
  /** The schema that found it: `core` or an extension's URL. */
  schema: string;
}

export interface ValidationResult {
  path: string;
  valid: boolean;
  problems: ValidationProblem[];
}

type AjvError = { instancePath?: string; message?: string; params?: Record<string, unknown> };

const NOT_FOUND = /^Schema at '(.+)' not found\./;
const OFFLINE_PREFIX = 'schema not available offline: ';

function describe(error: AjvError): string {
  const message = error.message ?? 'invalid';
  const match = NOT_FOUND.exec(message);
  if (match) return `${OFFLINE_PREFIX}${match[1]}`;
  const params = Object.entries(error.params ?? {}).filter(([, v]) => typeof v !== 'object');
  return params.length > 0 ? `${message} (${params.map(([k, v]) => `${k}: ${String(v)}`).join(', ')})` : message;
}

export interface StacValidator {
  /** Validates each document; results come back in the same order. */
  validate(documents: { path: string; document: unknown }[]): Promise<ValidationResult[]>;
  readonly schemaDir: string;
}

export function createStacValidator({ schemaDir = DEFAULT_SCHEMA_DIR }: { schemaDir?: string } = {}): StacValidator {
  const root = resolve(schemaDir);
  const inside = (path: string) => {
    const rel = relative(root, path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  };

  /** Reads a mapped schema from the directory; anything else is refused without a request. */
  const loader = async (uri: string): Promise<unknown> => {
    const path = resolve(uri);
    if (!/^[a-z]+:/i.test(uri) && inside(path)) {
      try {
        return JSON.parse(await readFile(path, 'utf8'));
      } catch {
        throw new Error(`${OFFLINE_PREFIX}https://${relative(root, path).split('\\').join('/')}`);
      }
    }
    throw new Error(`${OFFLINE_PREFIX}${uri}`);
  };

  // stac-node-validator makes a new Ajv per call, compiling every schema again; its
  // custom-validator hook lets one Ajv, with its compiled schemas, serve every call.
  let ajv: unknown;
  const customValidator = {
    async createAjv(fresh: unknown) {
      ajv ??= fresh;
      return ajv;
    },
    async afterLoading(data: unknown) {
      return data;
    },
    async bypassValidation() {
      return null;
    },
    async afterValidation() {},
    async testFn() {},
  };
  const config = { loader, schemaMap: { 'https://': `${root}/` }, customValidator } as Parameters<typeof validate>[1];

  return {
    schemaDir: root,
    async validate(documents) {
      if (documents.length === 0) return [];
      // An array is validated object by object, each with its own report, in order.
      const report = await validate(documents.map((d) => d.document), config);
      return documents.map(({ path }, i) => {
        const child = report.children[i];
        if (!child) return { path, valid: false, problems: [{ message: 'not validated', pointer: '', schema: 'core' }] };
        const problems: ValidationProblem[] = [];
        for (const error of child.results.core) problems.push({ message: describe(error), pointer: error.instancePath ?? '', schema: 'core' });
        for (const [schema, errors] of Object.entries(child.results.extensions)) {
          for (const error of errors) problems.push({ message: describe(error), pointer: error.instancePath ?? '', schema });
        }
        if (child.skipped) problems.push({ message: `not validated: ${child.messages.join('; ') || 'skipped'}`, pointer: '/stac_version', schema: 'core' });
        return { path, valid: child.valid === true && !child.skipped && problems.length === 0, problems };
      });
    },
  };
}
