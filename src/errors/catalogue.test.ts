import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { errorCatalogue } from './catalogue.js';
import { ServeError, toErrorBody } from './serve-error.js';

function documentedErrors(): Map<string, number> {
  const text = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...text.matchAll(/^\| (\w+Exception) \| (\d{3}) \|/gm)];
  return new Map(rows.map(([, type = '', status = '']) => [type, Number(status)]));
}

describe('error catalogue', () => {
  it('matches docs/errors.md entry for entry', () => {
    const documented = documentedErrors();
    const catalogued = new Map(
      Object.entries(errorCatalogue).map(([type, entry]) => [type, entry.status]),
    );
    assert.deepEqual([...documented].sort(), [...catalogued].sort());
  });

  it('turns any error into the envelope, hiding what is not ours', () => {
    assert.deepEqual(toErrorBody(new ServeError('ModelNotFoundException', 'Model not found: x')), {
      code: 404,
      type: 'ModelNotFoundException',
      message: 'Model not found: x',
    });
    assert.deepEqual(toErrorBody(new Error('/etc/secret path')), {
      code: 500,
      type: 'InternalServerException',
      message: 'Internal server error.',
    });
  });
});
