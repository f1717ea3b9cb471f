import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createAccessLog } from './access-log.js';

function scratchFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'onnxserve-access-')), 'access.log');
}

test('writes pino-shaped JSON lines on flush, escaping what clients sent', () => {
  const path = scratchFile();
  const log = createAccessLog({ kind: 'file', path }, 'info');
  log.info({
    requestId: 'a',
    path: '/predictions/"x"\n',
    status: 200,
    ms: 0.5,
    skipped: undefined,
  });
  log.error({ requestId: 'b', status: 500 });
  assert.equal(readFileSync(path, 'utf8'), '', 'nothing is written before a flush');

  log.flush();
  const lines = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(lines.length, 2);
  const [first = {}, second = {}] = lines;
  assert.equal(first.level, 30);
  assert.equal(typeof first.time, 'number');
  assert.deepEqual(
    { requestId: first.requestId, path: first.path, status: first.status },
    { requestId: 'a', path: '/predictions/"x"\n', status: 200 },
  );
  assert.equal('skipped' in first, false);
  assert.deepEqual([second.level, second.requestId], [50, 'b']);
  log.close();
});

test('keeps only lines at or above its level, and writes nothing when off', () => {
  const path = scratchFile();
  const log = createAccessLog({ kind: 'file', path }, 'error');
  log.info({ requestId: 'quiet' });
  log.error({ requestId: 'loud' });
  log.close();
  assert.match(readFileSync(path, 'utf8'), /"loud"/);
  assert.doesNotMatch(readFileSync(path, 'utf8'), /"quiet"/);

  const off = createAccessLog({ kind: 'off' }, 'info');
  off.info({ requestId: 'x' });
  off.flush();
});

test(
  'drops lines it cannot write rather than throwing from a timer',
  { skip: !existsSync('/dev/full') },
  () => {
    // Every write to /dev/full fails with ENOSPC, as a full disk would.
    const log = createAccessLog({ kind: 'file', path: '/dev/full' }, 'info');
    log.info({ requestId: 'lost' });
    assert.doesNotThrow(() => log.flush());
    log.info({ requestId: 'lost too' });
    assert.doesNotThrow(() => log.close());
  },
);
