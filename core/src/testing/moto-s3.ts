// moto's S3 server (a real HTTP server speaking the S3 protocol, from PyPI's
// moto[server]) on a free loopback port, for suites that need an S3-compatible
// store: the object store contract, and the data proxy over an S3 connection.
import { freePort, pythonModuleMissing, startProcess, type LoopbackProcess } from './loopback-server.ts';

const python = () => process.env.PYTHON || 'python3';

/** undefined when moto's server can be started; otherwise why not, in one line. */
export const motoMissing = () => pythonModuleMissing('moto.server', python());

// moto's server exits when its stdin closes, so that it cannot outlive a test run that was killed.
const LAUNCHER = [
  'import os, sys, threading',
  'threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()',
  'from moto.server import main',
  'main(sys.argv[1:])',
].join('\n');

export interface MotoS3 {
  /** `http://127.0.0.1:{port}`: the endpoint of path-style S3 clients. */
  endpoint: string;
  process: LoopbackProcess;
}

export async function startMotoS3(): Promise<MotoS3> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const server = await startProcess('moto S3 server', python(), ['-c', LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    stdin: 'pipe', ready: { url: `${endpoint}/` }, env: { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' },
  });
  return { endpoint, process: server };
}
