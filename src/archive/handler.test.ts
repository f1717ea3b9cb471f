import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServeError } from '../errors/index.js';
import { parseHandler } from './handler.js';

describe('parseHandler', () => {
  it('reads built-in names', () => {
    for (const name of ['tensor', 'image_classifier', 'tabular']) {
      assert.deepEqual(parseHandler(name), { kind: 'builtin', name });
    }
  });

  it('reads module files with an optional entry point', () => {
    assert.deepEqual(parseHandler('handler.js'), {
      kind: 'file',
      file: 'handler.js',
      entryPoint: undefined,
    });
    assert.deepEqual(parseHandler('lib/handler.mjs:handle'), {
      kind: 'file',
      file: 'lib/handler.mjs',
      entryPoint: 'handle',
    });
  });

  it('refuses Python handlers and anything else', () => {
    for (const value of ['handler.py', 'handler.py:handle', 'a b', 'handler.js:', 'h.js:1x', '']) {
      assert.throws(
        () => parseHandler(value),
        (error: unknown) => error instanceof ServeError && error.type === 'InvalidModelException',
        value,
      );
    }
  });
});
