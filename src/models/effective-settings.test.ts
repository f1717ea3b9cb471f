import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelConfig } from '../archive/index.js';
import { configuredSettings, effectiveSettings } from './effective-settings.js';

const defaults = { workers: 0, responseTimeout: 120, startupTimeout: 120 };
const yaml = (values: Partial<ModelConfig>): ModelConfig => ({
  handlerConfig: {},
  raw: {},
  ...values,
});

describe('effective model settings', () => {
  it('falls back to TorchServe defaults', () => {
    assert.deepEqual(effectiveSettings({}, yaml({}), {}, defaults), {
      minWorkers: 0,
      maxWorkers: 0,
      batchSize: 1,
      maxBatchDelay: 100,
      responseTimeout: 120,
      startupTimeout: 120,
    });
  });

  it('takes the request over the archive over models= for batching', () => {
    const archive = yaml({ batchSize: 8, maxBatchDelay: 50 });
    assert.equal(
      effectiveSettings({ batchSize: 2 }, archive, { batchSize: 4 }, defaults).batchSize,
      2,
    );
    assert.equal(effectiveSettings({}, archive, { batchSize: 4 }, defaults).batchSize, 8);
    assert.equal(effectiveSettings({}, yaml({}), { batchSize: 4 }, defaults).batchSize, 4);
    assert.equal(effectiveSettings({ maxBatchDelay: 0 }, archive, {}, defaults).maxBatchDelay, 0);
    assert.equal(effectiveSettings({}, yaml({ maxBatchDelay: 0 }), {}, defaults).maxBatchDelay, 0);
  });

  it('uses a valid yaml min/max pair over initial workers, else min = max = initial', () => {
    assert.deepEqual(
      pick(
        effectiveSettings(
          { initialWorkers: 3 },
          yaml({ minWorkers: 1, maxWorkers: 2 }),
          {},
          defaults,
        ),
      ),
      [1, 2],
    );
    assert.deepEqual(
      pick(
        effectiveSettings(
          { initialWorkers: 3 },
          yaml({ minWorkers: 2, maxWorkers: 1 }),
          {},
          defaults,
        ),
      ),
      [3, 3],
    );
    assert.deepEqual(
      pick(effectiveSettings({}, yaml({}), {}, { ...defaults, workers: 2 })),
      [2, 2],
    );
  });

  it('reads models= for one version, ignoring values that are not positive integers', () => {
    const models = {
      m: { '1.0': { batchSize: 4, maxWorkers: -1, minWorkers: 'x', responseTimeout: 9 } },
    };
    assert.deepEqual(configuredSettings(models, 'm', '1.0'), { batchSize: 4, responseTimeout: 9 });
    assert.deepEqual(configuredSettings(models, 'm', '2.0'), {});
    assert.deepEqual(configuredSettings(undefined, 'm', '1.0'), {});
  });
});

function pick(settings: { minWorkers: number; maxWorkers: number }): [number, number] {
  return [settings.minWorkers, settings.maxWorkers];
}
