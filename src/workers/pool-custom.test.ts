import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { handlerFixturePath } from '../../test/fixtures/handlers/fixtures.js';
import { fixturePath } from '../../test/fixtures/models/fixtures.js';
import type { ArchiveHandler } from '../archive/index.js';
import { HandlerFailure } from './errors.js';
import {
  bodyRequest,
  failureOf,
  handlerPool,
  jsonRequest,
  responseText,
  type HandlerPoolOptions,
} from './pool-fixtures.js';
import type { WorkerPool } from './pool.js';

const pools: WorkerPool[] = [];

after(() => Promise.all(pools.map((pool) => pool.close(10_000))));

function fileHandler(file: string, entryPoint?: string): ArchiveHandler {
  return { kind: 'file', path: handlerFixturePath(file), entryPoint };
}

function addPool(handler: ArchiveHandler, options: Partial<HandlerPoolOptions> = {}): WorkerPool {
  const pool = handlerPool({ modelPath: fixturePath('add.onnx'), handler, ...options });
  pools.push(pool);
  return pool;
}

/** A logger that keeps the messages it is given, to read a worker's load failure. */
function recordingLogger(): { logger: pino.Logger; messages: string[] } {
  const messages: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => messages.push(line) });
  return { logger, messages };
}

const twoRows = [
  { a: [1, 2, 3], b: [10, 20, 30] },
  { a: [0.5, 0.25, 0], b: [1, 1, 1] },
];

test('serves through a module exporting preprocess, postprocess, initialize and explain', async () => {
  const pool = addPool(fileHandler('adder.mjs'));
  await pool.scale(1);
  const results = await pool.runBatch(twoRows.map((row) => jsonRequest(row)));
  assert.deepEqual(
    results.map((result) => JSON.parse(responseText(result)) as unknown),
    [
      { sum: [11, 22, 33], model: 'add' },
      { sum: [1.5, 1.25, 1], model: 'add' },
    ],
  );
  assert.equal(
    responseText(results[0]),
    '{\n  "sum": [\n    11,\n    22,\n    33\n  ],\n  "model": "add"\n}',
  );
  const explaining = { ...jsonRequest(twoRows[0]), explain: true };
  const [explained] = await pool.runBatch([explaining]);
  assert.deepEqual(JSON.parse(responseText(explained)), { explained: [11, 22, 33], model: 'add' });
});

test('serves through an entry point and through a default-exported class', async () => {
  const entry = addPool(fileHandler('adder-entry.mjs', 'predict'));
  const classy = addPool(fileHandler('adder-class.mjs'));
  await Promise.all([entry.scale(1), classy.scale(1)]);
  const fromEntry = await entry.runBatch(twoRows.map((row) => jsonRequest(row)));
  assert.deepEqual(JSON.parse(responseText(fromEntry[1])), { sum: [1.5, 1.25, 1], batchSize: 8 });
  const [fromClass] = await classy.runBatch([jsonRequest(twoRows[0])]);
  assert.equal(responseText(fromClass), '[11,22,33]');
});

test("answers a throwing handler's requests with its message: 500, or the status it set", async () => {
  const pool = addPool(fileHandler('failing.mjs'));
  await pool.scale(1);
  const [plain, unavailable] = await pool.runBatch([
    bodyRequest('boom'),
    bodyRequest('unavailable'),
  ]);
  const refused = failureOf(plain);
  assert.ok(refused instanceof HandlerFailure);
  assert.equal(refused.status, 500);
  assert.equal(refused.message, "The failing handler refuses 'boom'.");
  const warming = failureOf(unavailable);
  assert.ok(warming instanceof HandlerFailure);
  assert.deepEqual([warming.status, warming.type], [503, 'InternalServerException']);
  assert.equal(warming.message, 'The backend store is warming up.');
  const [again] = await pool.runBatch([bodyRequest('again')]);
  assert.match(failureOf(again).message, /refuses 'again'/, 'the worker keeps serving');
});

test('fails to start a worker whose handler does not initialize or does not exist', async () => {
  const { logger, messages } = recordingLogger();
  const badInit = addPool(fileHandler('bad-init.mjs'), { logger });
  await assert.rejects(badInit.scale(1), { message: 'Failed to start workers for model add.' });
  const unknown = addPool({ kind: 'builtin', name: 'no_such_handler' }, { logger });
  await assert.rejects(unknown.scale(1), { message: 'Failed to start workers for model add.' });
  const logged = messages.map((line) => (JSON.parse(line) as { msg: string }).msg).join('\n');
  assert.match(
    logged,
    /Handler 'bad-init\.mjs' failed to initialize: Cannot find the vocabulary file\./,
  );
  assert.match(
    logged,
    /Unknown built-in handler 'no_such_handler'; the built-in handlers are 'tensor', 'image_classifier', 'tabular'\./,
  );
});
