import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { removeKeyFile, writeKeyFile } from './key-file.js';
import { issueKeySet } from './keys.js';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'onnxserve-keyfile-'));
}

describe('key_file.json', () => {
  it("has the seed's exact shape and mode 0600, even under a permissive umask", async () => {
    const dir = scratch();
    const path = join(dir, 'key_file.json');
    const keys = issueKeySet(Date.UTC(2026, 11, 3, 13, 12, 24, 801), 60_000);
    const previous = process.umask(0);
    try {
      await writeKeyFile(path, keys);
    } finally {
      process.umask(previous);
    }
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), {
      management: { key: keys.management.text, 'expiration time': '2026-12-03T13:13:24.801Z' },
      inference: { key: keys.inference.text, 'expiration time': '2026-12-03T13:13:24.801Z' },
      API: { key: keys.token.text },
    });
    assert.deepEqual(readdirSync(dir), ['key_file.json'], 'no temporary file is left');
  });

  it('is never seen half-written while rewritten concurrently', async () => {
    const dir = scratch();
    const path = join(dir, 'key_file.json');
    await writeKeyFile(path, issueKeySet(0, 1));
    const writes = Array.from({ length: 20 }, () => writeKeyFile(path, issueKeySet(0, 1)));
    for (let read = 0; read < 50; read++) JSON.parse(readFileSync(path, 'utf8'));
    await Promise.all(writes);
    JSON.parse(readFileSync(path, 'utf8'));
  });

  it("is removed only while it holds this server's keys", async () => {
    const dir = scratch();
    const path = join(dir, 'key_file.json');
    const ours = issueKeySet(0, 1);
    await writeKeyFile(path, issueKeySet(0, 1));
    assert.equal(await removeKeyFile(path, ours), false, "another instance's file stays");
    await writeKeyFile(path, ours);
    assert.equal(await removeKeyFile(path, ours), true);
    assert.deepEqual(readdirSync(dir), []);
    writeFileSync(path, 'garbage');
    assert.equal(await removeKeyFile(path, ours), false);
  });
});
