import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeAddArchive } from './support/archives.js';
import {
  makeWorkDir,
  runCli,
  separateListeners,
  startCli,
  writeConfig,
  type RunningCli,
} from './support/server-process.js';

/** Prints to stdout and stderr for every request, and fails on demand. */
const chatty = `
  export function preprocess(request) {
    const text = new TextDecoder().decode(request.inputs[0].data);
    console.log('preprocessing ' + request.requestId);
    console.error('a warning about ' + text);
    if (text === 'fail') throw new Error('the chatty handler gives up');
    const zeros = () => ({ type: 'float32', dims: [1, 3], data: new Float32Array(3) });
    return { a: zeros(), b: zeros() };
  }
  export const postprocess = (outputs) => ({ sum: Array.from(outputs.sum.data) });
`;

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  requestIds?: string[];
  model?: string;
  version?: string;
  worker?: number;
  status?: number;
}

function readJsonLines(path: string): LogLine[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  return lines.map((line) => JSON.parse(line) as LogLine);
}

async function waitForLine(path: string, wanted: (line: LogLine) => boolean): Promise<LogLine> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const found = readJsonLines(path).find(wanted);
    if (found !== undefined) return found;
    await sleep(50);
  }
  throw new Error(`no matching line in ${path}`);
}

describe('logs: model log, request ids, and --log-config destinations', () => {
  let server: RunningCli;
  let logDir: string;
  const predict = (body: string) =>
    server.call('inference', '/predictions/chatty', { body, key: server.keys().inference.key });

  before(async () => {
    const dir = makeWorkDir();
    logDir = join(dir, 'logs');
    await writeAddArchive(join(dir, 'store'), 'chatty', chatty);
    writeFileSync(
      join(dir, 'log-config.yaml'),
      ['level: info', 'server: { level: warn }', 'access: { file: requests.log }', ''].join('\n'),
    );
    server = await startCli({
      dir,
      config: { default_workers_per_model: '1' },
      args: ['--models', 'chatty.mar', '--log-config', 'log-config.yaml'],
    });
  });
  after(() => server.stop());

  it("writes the access line where the log config says, with the reply's request id", async () => {
    const reply = await predict('hello');
    assert.equal(reply.status, 200, reply.text);
    const requestId = reply.headers['x-request-id'];
    assert.ok(typeof requestId === 'string' && requestId.length > 0);

    const line = await waitForLine(join(logDir, 'requests.log'), (l) => l.requestId === requestId);
    assert.equal(line.status, 200);
    assert.equal(existsSync(join(logDir, 'access_log.log')), false, 'the default file is unused');
  });

  it("sends the handler's stdout and stderr to model_log.log with model, version and worker", async () => {
    const reply = await predict('hello again');
    const requestId = String(reply.headers['x-request-id']);
    const modelLog = join(logDir, 'model_log.log');

    const printed = await waitForLine(modelLog, (l) => l.msg === `preprocessing ${requestId}`);
    assert.deepEqual(
      { level: printed.level, model: printed.model, version: printed.version },
      { level: 30, model: 'chatty', version: '1.0' },
    );
    assert.equal(typeof printed.worker, 'number');
    const warned = await waitForLine(modelLog, (l) => l.msg === 'a warning about hello again');
    assert.equal(warned.level, 40, 'stderr is logged at warn');
  });

  it("logs a handler's failure to the model log with the request's id", async () => {
    const reply = await predict('fail');
    assert.equal(reply.status, 500);
    const requestId = String(reply.headers['x-request-id']);
    const line = await waitForLine(
      join(logDir, 'model_log.log'),
      (l) => l.requestId === requestId && l.level === 50,
    );
    assert.equal(line.msg, 'Handler failed: the chatty handler gives up');
    assert.equal(line.model, 'chatty');
  });

  it('keeps the server log at the level the config asks for, and the console at info', () => {
    const lines = readJsonLines(join(logDir, 'ts_log.log'));
    assert.deepEqual(
      lines.filter((line) => line.level < 40),
      [],
      'no info lines in a warn-level server log',
    );
    assert.match(server.output(), /Model server started/);
  });
});

describe('--log-config refusals', () => {
  const cases: [string, string, RegExp][] = [
    ['an unknown key', 'colour: true\n', /colour=true: unknown key/],
    ['an unknown level', 'model: { level: loud }\n', /model\.level="loud": expected one of/],
    ['a bad destination', 'access: { file: 42 }\n', /access\.file=42: expected a file path/],
  ];
  for (const [name, text, message] of cases) {
    it(`exits 1 with one line for ${name}`, async () => {
      const dir = makeWorkDir();
      writeConfig(dir, separateListeners);
      writeFileSync(join(dir, 'log.yaml'), text);
      const args = ['--foreground', '--model-store', 'store', '--log-config', 'log.yaml'];
      const result = await runCli(args, { cwd: dir });
      assert.equal(result.code, 1);
      assert.match(result.stderr.split('\n')[0] ?? '', message);
    });
  }

  it('turns a log off entirely', async () => {
    const dir = makeWorkDir();
    writeFileSync(join(dir, 'log.yaml'), 'access: { file: off }\n');
    const server = await startCli({ dir, args: ['--log-config', 'log.yaml'] });
    await server.call('inference', '/ping');
    await server.stop();
    assert.equal(existsSync(join(dir, 'logs', 'access_log.log')), false);
    assert.ok(existsSync(join(dir, 'logs', 'ts_log.log')));
  });
});
