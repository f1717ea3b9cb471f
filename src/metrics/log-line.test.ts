import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { families } from './families.js';
import { formatLogLine, formatValue, logTags } from './log-line.js';

describe('metrics log lines', () => {
  it('prints values as Java prints doubles', () => {
    assert.equal(formatValue(1), '1.0');
    assert.equal(formatValue(0), '0.0');
    assert.equal(formatValue(290371.129), '290371.129');
    assert.equal(formatValue(82.93456), '82.935');
    assert.equal(formatValue(2.0001), '2.0');
  });

  it('moves the host label to the trailer and keeps the others in order', () => {
    assert.deepEqual(logTags({ Level: 'Host', Hostname: 'h' }), {
      dimensions: 'Level:Host',
      hostname: 'h',
    });
    assert.deepEqual(logTags({ model_name: 'iris', model_version: 'default', hostname: 'h' }), {
      dimensions: 'model_name:iris,model_version:default',
      hostname: 'h',
    });
  });

  it("writes TorchServe's line format", () => {
    const tags = logTags({ Level: 'Host', Hostname: 'myhost' });
    assert.equal(
      formatLogLine(families.requests2xx, tags, 1, 1_700_000_000_999),
      'Requests2XX.Count:1.0|#Level:Host|#hostname:myhost,timestamp:1700000000',
    );
  });
});
