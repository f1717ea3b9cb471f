import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServeError } from '../errors/index.js';
import { isFrontendKey, parseModelConfig } from './model-config.js';

describe('parseModelConfig', () => {
  it('types the frontend keys and hands every other key to the handler', () => {
    const text = [
      'minWorkers: 1',
      'maxWorkers: 4',
      'batchSize: 8',
      'maxBatchDelay: 50',
      'responseTimeout: 30',
      'startupTimeout: 60',
      'jobQueueSize: 100',
      'deviceType: cpu',
      'deviceIds: [0, 1]',
      'maxRetryTimeoutInSec: 10',
      'clientTimeoutInMills: 2000',
      'useJobTicket: true',
      'intraOpThreads: 2',
      'inline: true',
      'topK: 5',
      'preprocess:',
      '  mean: [0.485, 0.456, 0.406]',
    ].join('\n');
    const { config, warnings } = parseModelConfig(text);
    assert.deepEqual(warnings, []);
    const { handlerConfig, raw, ...frontend } = config;
    assert.deepEqual(frontend, {
      minWorkers: 1,
      maxWorkers: 4,
      batchSize: 8,
      maxBatchDelay: 50,
      responseTimeout: 30,
      startupTimeout: 60,
      jobQueueSize: 100,
      deviceType: 'cpu',
      deviceIds: [0, 1],
      maxRetryTimeoutInSec: 10,
      clientTimeoutInMills: 2000,
      useJobTicket: true,
      intraOpThreads: 2,
      inline: true,
    });
    assert.deepEqual(handlerConfig, { topK: 5, preprocess: { mean: [0.485, 0.456, 0.406] } });
    assert.equal(raw.batchSize, 8);
    assert.equal(raw.topK, 5);
  });

  it('ignores invalid values with a warning naming key and value', () => {
    const text = [
      'batchSize: "4"',
      'maxBatchDelay: -1',
      'deviceType: tpu',
      'useVenv: yes please',
      'maxWorkers: 2.5',
      'inline: 1',
    ].join('\n');
    const { config, warnings } = parseModelConfig(text, 'cfg.yaml');
    for (const key of ['batchSize', 'maxBatchDelay', 'deviceType', 'useVenv', 'maxWorkers']) {
      assert.equal(key in config, false, key);
    }
    assert.equal(warnings.length, 6);
    assert.equal(warnings[5], 'cfg.yaml: ignoring inline=1: expected true or false');
    assert.equal(warnings[0], 'cfg.yaml: ignoring batchSize="4": expected a whole number');
    assert.match(warnings[2] ?? '', /deviceType="tpu": expected one of cpu, gpu/);
  });

  it('raises minWorkers below 1 to 1, as TorchServe does', () => {
    assert.equal(parseModelConfig('minWorkers: 0').config.minWorkers, 1);
  });

  it('accepts an empty file', () => {
    assert.deepEqual(parseModelConfig('').config, { handlerConfig: {}, raw: {} });
  });

  it('refuses broken YAML and documents that are not mappings, in one line', () => {
    for (const text of ['a: [1, 2', '- a\n- b\n', 'just text', 'a: 1\na: 2\n']) {
      assert.throws(
        () => parseModelConfig(text),
        (error: unknown) =>
          error instanceof ServeError &&
          error.type === 'InvalidModelException' &&
          !error.message.includes('\n'),
        text,
      );
    }
  });

  it('keeps keys named like Object members as data', () => {
    const text = '__proto__:\n  polluted: true\ntoString: 1\n';
    const { config, warnings } = parseModelConfig(text);
    assert.deepEqual(warnings, []);
    assert.equal(Object.getPrototypeOf(config.handlerConfig), Object.prototype);
    assert.deepEqual(Object.keys(config.handlerConfig), ['__proto__', 'toString']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('knows which keys are the frontend ones', () => {
    assert.equal(isFrontendKey('batchSize'), true);
    assert.equal(isFrontendKey('topK'), false);
    assert.equal(isFrontendKey('toString'), false);
  });
});
