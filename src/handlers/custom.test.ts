import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { handlerFixturePath } from '../../test/fixtures/handlers/fixtures.js';
import { HandlerError } from './errors.js';
import { isEntryPoint, type HandlerContext, type HandlerRequest } from './handler.js';
import { parseModelConfig } from '../archive/index.js';
import { handlerSection, loadHandler } from './load.js';
import { toResponse } from './response.js';

const context: HandlerContext = {
  modelName: 'add',
  modelVersion: '1.0',
  modelDir: '.',
  inputs: [],
  outputs: [],
  config: {},
  batchSize: 4,
};

function textRequest(text: string): HandlerRequest {
  return {
    requestId: '1',
    inputs: [{ name: 'body', data: new TextEncoder().encode(text) }],
    headers: {},
  };
}

describe('custom handlers', () => {
  test('load preprocess/postprocess modules, classes and entry points', async () => {
    const file = (name: string, entryPoint?: string) =>
      loadHandler({ kind: 'file', path: handlerFixturePath(name), entryPoint }, 'tensor');
    const staged = await file('adder.mjs');
    assert.ok(
      !isEntryPoint(staged) && staged.initialize !== undefined && staged.explain !== undefined,
    );
    const classy = await file('adder-class.mjs');
    assert.ok(!isEntryPoint(classy) && classy.initialize === undefined);
    assert.ok(isEntryPoint(await file('adder-entry.mjs', 'predict')));
    await assert.rejects(file('adder-entry.mjs', 'missing'), {
      message: "Handler 'adder-entry.mjs' exports no function named 'missing'.",
    });
    const missing = handlerFixturePath('adder.mjs').replace('adder.mjs', 'missing.mjs');
    await assert.rejects(loadHandler({ kind: 'file', path: missing, entryPoint: undefined }, 'x'), {
      message: /^Cannot load handler 'missing\.mjs': /,
    });
  });

  test('turn what they throw into a HandlerError with their message and status', async () => {
    const failing = await loadHandler(
      { kind: 'file', path: handlerFixturePath('failing.mjs'), entryPoint: undefined },
      'tensor',
    );
    assert.ok(!isEntryPoint(failing));
    await assert.rejects(
      async () => failing.preprocess(textRequest('x'), context),
      (error: unknown) => {
        assert.ok(error instanceof HandlerError);
        assert.deepEqual([error.status, error.message], [500, "The failing handler refuses 'x'."]);
        return true;
      },
    );
    await assert.rejects(async () => failing.preprocess(textRequest('unavailable'), context), {
      status: 503,
    });
  });

  test('refuse an unknown built-in name', async () => {
    await assert.rejects(loadHandler({ kind: 'builtin', name: 'text_classifier' }, 'tensor'), {
      message:
        "Unknown built-in handler 'text_classifier'; the built-in handlers are 'tensor', 'image_classifier', 'tabular'.",
    });
    assert.ok(!isEntryPoint(await loadHandler(undefined, 'tabular')));
  });

  test("read the model config's handler section", () => {
    const { config } = parseModelConfig('batchSize: 4\nhandler:\n  topk: 3\n');
    assert.deepEqual(handlerSection(config), { topk: 3 });
    assert.deepEqual(handlerSection(parseModelConfig('handler: 5\n').config), {});
  });

  test('responses: bytes and strings as they are, objects with a body checked, the rest as JSON', () => {
    const bytes = Uint8Array.from([1, 2]);
    assert.deepEqual(toResponse(bytes), { body: bytes });
    assert.deepEqual(toResponse('plain'), { body: 'plain' });
    assert.deepEqual(
      toResponse({ body: 'x', status: 201, contentType: 'text/plain', headers: { a: 'b' } }),
      {
        body: 'x',
        status: 201,
        contentType: 'text/plain',
        headers: { a: 'b' },
      },
    );
    assert.deepEqual(toResponse({ label: 3 }), { body: '{\n  "label": 3\n}' });
    assert.deepEqual(toResponse(0), { body: '0' });
    assert.throws(() => toResponse({ body: 'x', status: 99 }), {
      message: /status must be 100 to 599, got 99/,
    });
    assert.throws(() => toResponse({ body: 5 }), {
      message: /body must be a string or a Uint8Array/,
    });
    assert.throws(() => toResponse(undefined), { message: 'The handler returned no response.' });
    assert.throws(() => toResponse({ big: 1n }), { message: /cannot be encoded as JSON/ });
  });
});
