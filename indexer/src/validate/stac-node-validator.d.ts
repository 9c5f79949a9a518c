// stac-node-validator ships no types; this is the part of its API used here.
declare module 'stac-node-validator' {
  interface AjvError {
    instancePath?: string;
    schemaPath?: string;
    message?: string;
    params?: Record<string, unknown>;
  }
  interface Report {
    id: string | null;
    type: string | null;
    version: string | null;
    valid: boolean | null;
    skipped: boolean;
    messages: string[];
    children: Report[];
    results: { core: AjvError[]; extensions: Record<string, AjvError[]>; custom: AjvError[] };
  }
  interface Config {
    loader?: (uri: string) => Promise<unknown>;
    schemaMap?: Record<string, string>;
    strict?: boolean;
  }
  function validate(data: unknown, config: Config): Promise<Report>;
  export = validate;
}
