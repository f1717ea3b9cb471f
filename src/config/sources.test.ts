import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readConfigFile } from './sources.js';

function fileWith(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'onnxserve-props-')), 'config.properties');
  writeFileSync(path, text);
  return path;
}

describe('config.properties', () => {
  it('reads the Java properties format in full', () => {
    const path = fileWith(
      [
        '# a comment',
        '! another comment',
        'inference_address=http://127.0.0.1:8080',
        'management_address : https\\://127.0.0.1:8444',
        'models={\\',
        '  "m": {"1.0": {"batchSize": 4}}\\',
        '}',
        'cors_allowed_origin   http://a',
        'unicode=caf\\u00e9',
        '',
      ].join('\n'),
    );
    const { values } = readConfigFile(path, {});
    assert.equal(values.inference_address, 'http://127.0.0.1:8080');
    assert.equal(values.management_address, 'https://127.0.0.1:8444');
    assert.equal(values.models, '{"m": {"1.0": {"batchSize": 4}}}');
    assert.equal(values.cors_allowed_origin, 'http://a');
    assert.equal(values.unicode, 'café');
    assert.equal(Object.keys(values).length, 5);
  });

  it('substitutes $$NAME$$ from the environment, and refuses unset names', () => {
    const path = fileWith('model_store=$$STORE$$/models\n');
    assert.equal(readConfigFile(path, { STORE: '/srv' }).values.model_store, '/srv/models');
    assert.throws(() => readConfigFile(path, {}), /Invalid Environment Variable STORE/);
  });
});
