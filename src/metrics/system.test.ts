import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { cpuPercent, cpuTimes, diskReading, memoryReading } from './system.js';

describe('system readings', () => {
  it('takes CPU utilization as the busy share of the time between two readings', () => {
    assert.equal(cpuPercent({ busy: 100, total: 400 }, { busy: 150, total: 600 }), 25);
    assert.equal(cpuPercent({ busy: 1, total: 1 }, { busy: 1, total: 1 }), undefined);
    const since = cpuPercent({ busy: 0, total: 0 }, cpuTimes());
    assert.ok(since === undefined || (since >= 0 && since <= 100));
  });

  it('reads memory and disk within their bounds', async () => {
    const memory = memoryReading();
    assert.ok(memory.usedMb > 0 && memory.availableMb > 0);
    assert.ok(memory.percent > 0 && memory.percent < 100);
    const disk = await diskReading(tmpdir());
    assert.ok(disk.usedGb >= 0 && disk.availableGb >= 0);
    assert.ok(disk.percent >= 0 && disk.percent <= 100);
  });

  it('fails for a path that does not exist', async () => {
    await assert.rejects(diskReading('/no/such/onnxserve/path'), { code: 'ENOENT' });
  });
});
