import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packExample } from './support/archives.js';
import { makeWorkDir, startCli } from './support/server-process.js';

interface Described {
  modelVersion: string;
  minWorkers: number;
  batchSize: number;
  loadedAtStartup: boolean;
}

describe('startup models', () => {
  it('loads --models name=file and all, in the background, marked loadedAtStartup', async () => {
    const dir = makeWorkDir();
    await packExample(join(dir, 'store'), { name: 'iris', example: 'iris' });
    await packExample(join(dir, 'store'), { name: 'digits', example: 'digits' });
    const named = await startCli({ dir, args: ['--models', 'flowers=iris-1.0.mar'] });
    try {
      const key = named.keys().management.key;
      const list = (await named.call('management', '/models', { key })).json<{
        models: { modelName: string }[];
      }>();
      assert.deepEqual(
        list.models.map((model) => model.modelName),
        ['flowers'],
      );
      const [flowers] = (await named.call('management', '/models/flowers', { key })).json<
        Described[]
      >();
      assert.equal(flowers?.loadedAtStartup, true);
    } finally {
      await named.stop();
    }
    writeFileSync(join(dir, 'store', 'README.md'), 'not a model\n');
    const all = await startCli({ dir, config: { load_models: 'all' } });
    try {
      const key = all.keys().management.key;
      const list = (await all.call('management', '/models', { key })).json<{
        models: { modelName: string }[];
      }>();
      assert.deepEqual(
        list.models.map((model) => model.modelName),
        ['digits', 'iris'],
      );
    } finally {
      await all.stop();
    }
  });
});

describe('config snapshots', () => {
  it('bring registered models, their settings and default versions back after a restart', async () => {
    const dir = makeWorkDir();
    await packExample(join(dir, 'store'), { name: 'iris', example: 'iris' });
    await packExample(join(dir, 'store'), { name: 'iris', version: '2.0', example: 'iris' });
    const config = { enable_model_api: 'true' };
    const first = await startCli({ dir, config, snapshots: true });
    try {
      const key = first.keys().management.key;
      const call = (method: string, path: string) =>
        first.call('management', path, { method, key });
      assert.equal((await call('POST', '/models?url=iris-1.0.mar&batch_size=3')).status, 200);
      assert.equal((await call('POST', '/models?url=iris-2.0.mar')).status, 200);
      assert.equal((await call('PUT', '/models/iris/2.0/set-default')).status, 200);
      assert.equal(
        (await call('PUT', '/models/iris/1.0?min_worker=1&synchronous=true')).status,
        200,
      );
    } finally {
      await first.stop();
    }

    const second = await startCli({ dir, config, snapshots: true });
    try {
      const key = second.keys().management.key;
      assert.match(second.output(), /Restoring 2 model version\(s\) from the latest snapshot/);
      const described = (await second.call('management', '/models/iris/all', { key })).json<
        Described[]
      >();
      const byVersion = new Map(described.map((model) => [model.modelVersion, model]));
      assert.equal(byVersion.get('1.0')?.batchSize, 3);
      assert.equal(byVersion.get('1.0')?.minWorkers, 1);
      const [current] = (await second.call('management', '/models/iris', { key })).json<
        Described[]
      >();
      assert.equal(current?.modelVersion, '2.0', 'the default version survives');
    } finally {
      await second.stop();
    }
    const configDir = join(dir, 'logs', 'config');
    const snapshots = readdirSync(configDir).filter((name) => name.endsWith('.cfg'));
    assert.ok(snapshots.some((name) => name.endsWith('-shutdown.cfg')));
    const newest = readFileSync(join(configDir, snapshots.sort().at(-1) ?? ''), 'utf8');
    assert.match(newest, /^model_snapshot=/m);
    assert.doesNotMatch(newest, /token|disable|enable_model_api/, 'settings are not carried over');
  });
});

describe('remote archives (allowed_urls)', () => {
  let origin: Server;
  let base: string;
  let archive: Buffer;

  before(async () => {
    const staging = makeWorkDir();
    const name = await packExample(join(staging, 'store'), { name: 'iris', example: 'iris' });
    archive = readFileSync(join(staging, 'store', name));
    origin = createServer((req, res) => {
      if (req.url === '/models/iris.mar') return res.end(archive);
      if (req.url === '/models/big.mar') return res.end(Buffer.alloc(200_000));
      if (req.url === '/models/elsewhere.mar') {
        res.writeHead(302, { location: 'http://127.0.0.9:1/iris.mar' });
        return res.end();
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => origin.close(() => resolve())));

  it('downloads only what a pattern allows, within the size limit, never following redirects off the list', async () => {
    const server = await startCli({
      config: {
        enable_model_api: 'true',
        allowed_urls: `${base.replace(/\./g, '\\\\.')}/models/.*`,
        max_model_download_size: '100000',
      },
    });
    try {
      const key = server.keys().management.key;
      const register = (url: string) =>
        server.call('management', `/models?url=${encodeURIComponent(url)}`, {
          method: 'POST',
          key,
        });

      const fetched = await register(`${base}/models/iris.mar`);
      assert.equal(fetched.status, 200, fetched.text);
      const stored = join(server.dir, 'store', 'iris.mar');
      assert.ok(existsSync(stored));
      const again = await register(`${base}/models/iris.mar`);
      assert.deepEqual(again.json(), {
        code: 500,
        type: 'InternalServerException',
        message: 'Model file already exists iris.mar',
      });

      for (const path of ['/models/elsewhere.mar', '/models/big.mar', '/models/absent.mar']) {
        const refused = await register(`${base}${path}`);
        assert.equal(refused.status, 400, path);
        assert.equal(refused.json().message, `Failed to download archive from: ${base}${path}`);
        assert.ok(
          !existsSync(join(server.dir, 'store', path.split('/').at(-1) ?? '')),
          'nothing left behind',
        );
      }
      const other = await register('http://127.0.0.1:1/models/iris.mar');
      assert.equal(other.status, 404);

      assert.equal(
        (await server.call('management', '/models/iris', { method: 'DELETE', key })).status,
        200,
      );
      assert.ok(!existsSync(stored), 'a downloaded archive is deleted on unregister');
    } finally {
      await server.stop();
    }
  });
});
