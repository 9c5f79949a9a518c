import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { freePort, pythonModuleMissing, startProcess } from './loopback-server.ts';

const node = process.execPath;

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.end(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

test('freePort gives a port nothing listens on', async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
  assert.equal(await listening(port), false);
});

test('startProcess waits for the port, and stop ends the whole process group', async () => {
  const port = await freePort();
  // The server is a grandchild, as when a launcher script starts the real server.
  const server = `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1', () => console.log('up'))`;
  const launcher = `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(server)}], { stdio: 'inherit' }); setInterval(() => {}, 1000)`;
  const started = await startProcess('test server', node, ['-e', launcher], { ready: { url: `http://127.0.0.1:${port}/` } });
  assert.equal(await listening(port), true);
  assert.match(started.output(), /up/);
  await started.stop();
  await started.stop();
  for (let i = 0; i < 50 && (await listening(port)); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await listening(port), false, 'the grandchild is gone too');
});

test('a server that exits before answering fails with its output', async () => {
  const port = await freePort();
  await assert.rejects(
    startProcess('broken server', node, ['-e', 'console.error("no config file"); process.exit(3)'], { ready: { port } }),
    (error: Error) => /broken server exited \(3\) before it answered on 127\.0\.0\.1:\d+/.test(error.message) && /no config file/.test(error.message),
  );
});

test('a server that never answers fails at the deadline and is stopped', async () => {
  const port = await freePort();
  const started = startProcess('silent server', node, ['-e', 'console.log("pid", process.pid); setInterval(() => {}, 1000)'], { ready: { port }, deadlineMs: 500 });
  await assert.rejects(started, /silent server did not answer on 127\.0\.0\.1:\d+ within 500 ms[^]*pid \d+/);
});

test('a command that does not exist fails with the reason', async () => {
  await assert.rejects(startProcess('nothing', '/nonexistent/server', [], { ready: { port: 1 } }), /nothing could not be started \(\/nonexistent\/server\): spawn \/nonexistent\/server ENOENT/);
});

test('pythonModuleMissing says which module and why', async () => {
  assert.equal(await pythonModuleMissing('json'), undefined);
  assert.match(await pythonModuleMissing('no_such_module_meridian') ?? '', /cannot import no_such_module_meridian \(ModuleNotFoundError/);
  assert.match(await pythonModuleMissing('json', '/nonexistent/python') ?? '', /\/nonexistent\/python is not available/);
});
