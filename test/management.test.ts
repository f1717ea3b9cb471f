import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { addModelOnnx, notAModel, unknownOperatorOnnx } from './fixtures/archives/builders.js';
import { packExample, writeZip } from './support/archives.js';
import { makeWorkDir, startCli, type RunningCli } from './support/server-process.js';

interface Described {
  modelName: string;
  modelVersion: string;
  minWorkers: number;
  maxWorkers: number;
  batchSize: number;
  workers: { id: string; status: string }[];
}

const manifest = (name: string, serializedFile: string): string =>
  JSON.stringify({
    runtime: 'onnx',
    model: { modelName: name, serializedFile, modelVersion: '1.0' },
  });

describe('management API', () => {
  let server: RunningCli;
  let key: string;
  const call = (method: string, path: string) => server.call('management', path, { method, key });
  const status = async (method: string, path: string) => (await call(method, path)).status;

  before(async () => {
    const dir = makeWorkDir();
    const store = join(dir, 'store');
    await packExample(store, { name: 'iris', example: 'iris', config: 'batchSize: 4\n' });
    await packExample(store, {
      name: 'iris',
      version: '2.0',
      example: 'iris',
      config: 'batchSize: 8\n',
    });
    await packExample(store, { name: 'digits', example: 'digits' });
    await writeZip(join(store, 'broken.mar'), {
      'MAR-INF/MANIFEST.json': manifest('broken', 'model.onnx'),
      'model.onnx': unknownOperatorOnnx(),
    });
    await writeZip(join(store, 'garbage.mar'), {
      'MAR-INF/MANIFEST.json': manifest('garbage', 'model.onnx'),
      'model.onnx': notAModel,
    });
    await writeZip(join(store, 'python.mar'), {
      'MAR-INF/MANIFEST.json': JSON.stringify({
        runtime: 'python',
        model: { modelName: 'py', serializedFile: 'a.onnx' },
      }),
      'a.onnx': addModelOnnx(),
    });
    server = await startCli({ dir, config: { enable_model_api: 'true' } });
    key = server.keys().management.key;
  });
  after(() => server.stop());

  it('registers synchronously with workers and describes them', async () => {
    const reply = await call('POST', '/models?url=iris-1.0.mar&initial_workers=1&synchronous=true');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json(), {
      status: 'Model "iris" Version: 1.0 registered with 1 initial workers',
    });
    const [described] = (await call('GET', '/models/iris')).json<Described[]>();
    assert.equal(described?.modelName, 'iris');
    assert.equal(described?.batchSize, 4, 'from the archive model-config.yaml');
    assert.deepEqual(
      described?.workers.map((worker) => worker.status),
      ['READY'],
    );
  });

  it('registers with no workers, and asynchronously', async () => {
    const none = await call('POST', '/models?url=iris-2.0.mar');
    assert.equal(none.status, 200);
    assert.equal(
      none.json().status,
      'Model "iris" Version: 2.0 registered with 0 initial workers. Use scale workers API to add workers for the model.',
    );
    const later = await call(
      'POST',
      '/models?url=digits-1.0.mar&initial_workers=1&synchronous=false',
    );
    assert.equal(later.status, 202);
    assert.deepEqual(later.json(), { status: 'Processing worker updates...' });
    for (let attempt = 0; attempt < 100; attempt++) {
      const [digits] = (await call('GET', '/models/digits')).json<Described[]>();
      if (digits?.workers[0]?.status === 'READY') return;
      await sleep(50);
    }
    assert.fail('the asynchronously started worker never became READY');
  });

  it('refuses bad registrations with TorchServe codes and messages', async () => {
    const cases: [string, number, string, string][] = [
      ['/models', 400, 'BadRequestException', 'Parameter url is required.'],
      [
        '/models?url=iris-1.0.mar',
        409,
        'ConflictStatusException',
        'Model version 1.0 is already registered for model iris',
      ],
      ['/models?url=missing.mar', 404, 'ModelNotFoundException', 'Model not found at: missing.mar'],
      [
        '/models?url=../etc/passwd',
        404,
        'ModelNotFoundException',
        'Relative path is not allowed in url: ../etc/passwd',
      ],
      [
        '/models?url=http://127.0.0.1:1/x.mar',
        404,
        'ModelNotFoundException',
        'Given URL http://127.0.0.1:1/x.mar does not match any allowed URL(s)',
      ],
      [
        '/models?url=iris-1.0.mar&runtime=python',
        400,
        'BadRequestException',
        'Invalid RuntimeType value: python',
      ],
      ['/models?url=python.mar', 400, 'BadRequestException', 'Invalid RuntimeType value: python'],
      [
        '/models?url=broken.mar&initial_workers=1',
        500,
        'InternalServerException',
        'Failed to start workers for model broken version: 1.0',
      ],
    ];
    for (const [path, code, type, message] of cases) {
      const reply = await call('POST', path);
      assert.deepEqual(reply.json(), { code, type, message }, path);
    }
    const garbage = await call('POST', '/models?url=garbage.mar');
    assert.equal(garbage.status, 400);
    assert.equal(garbage.json().type, 'InvalidModelException');
    assert.equal(
      await status('GET', '/models/broken'),
      404,
      'a failed synchronous registration is rolled back',
    );
  });

  it('takes register parameters from a JSON body', async () => {
    const reply = await server.call('management', '/models', {
      method: 'POST',
      key,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'iris-1.0.mar', model_name: 'iris_json', batch_size: 2 }),
    });
    assert.equal(reply.status, 200);
    const [described] = (await call('GET', '/models/iris_json')).json<Described[]>();
    assert.equal(described?.batchSize, 2, 'the request beats the archive');
  });

  it('lists default versions by name, with paging', async () => {
    const all = (await call('GET', '/models')).json<{ models: { modelName: string }[] }>();
    assert.deepEqual(
      all.models.map((model) => model.modelName),
      ['digits', 'iris', 'iris_json'],
    );
    const first = (await call('GET', '/models?limit=2')).json<{
      nextPageToken: string;
      models: unknown[];
    }>();
    assert.equal(first.nextPageToken, '2');
    assert.equal(first.models.length, 2);
    const rest = (await call('GET', '/models?limit=2&next_page_token=2')).json<
      Record<string, unknown>
    >();
    assert.deepEqual(Object.keys(rest), ['models']);
  });

  it('scales workers synchronously and asynchronously', async () => {
    const up = await call('PUT', '/models/iris?min_worker=2&synchronous=true');
    assert.deepEqual(up.json(), { status: 'Workers scaled to 2 for model: iris' });
    const [described] = (await call('GET', '/models/iris')).json<Described[]>();
    assert.equal(described?.workers.filter((worker) => worker.status === 'READY').length, 2);
    assert.equal(described?.minWorkers, 2);

    const versioned = await call('PUT', '/models/iris/2.0?min_worker=1&synchronous=true');
    assert.deepEqual(versioned.json(), {
      status: 'Workers scaled to 1 for model: iris, version: 2.0',
    });
    const down = await call('PUT', '/models/iris?min_worker=0&max_worker=0');
    assert.equal(down.status, 202);
  });

  it('refuses bad scale requests in TorchServe order', async () => {
    const cases: [string, number, string][] = [
      ['/models/iris?min_worker=3&max_worker=1', 400, 'max_worker cannot be less than min_worker.'],
      ['/models/nope?min_worker=1', 404, 'Model not found: nope'],
      ['/models/iris/9.9?min_worker=1', 404, 'Model version: 9.9 does not exist for model: iris'],
      ['/models/nope?min_worker=3&max_worker=1', 400, 'max_worker cannot be less than min_worker.'],
    ];
    for (const [path, code, message] of cases) {
      const reply = await call('PUT', path);
      assert.equal(reply.status, code, path);
      assert.equal(reply.json().message, message, path);
    }
    assert.equal(
      await status('PUT', '/models/iris?min_worker=-1'),
      500,
      'a negative max_worker is refused',
    );
  });

  it('keeps versions with a default, and guards the default', async () => {
    const all = (await call('GET', '/models/iris/all')).json<Described[]>();
    assert.deepEqual(all.map((model) => model.modelVersion).sort(), ['1.0', '2.0']);
    assert.equal((await call('GET', '/models/iris')).json<Described[]>()[0]?.modelVersion, '1.0');

    const removeDefault = await call('DELETE', '/models/iris/1.0');
    assert.deepEqual(removeDefault.json(), {
      code: 403,
      type: 'InvalidModelVersionException',
      message: 'Cannot remove default version for model iris',
    });
    const set = await call('PUT', '/models/iris/2.0/set-default');
    assert.deepEqual(set.json(), {
      status: 'Default version successfully updated for model "iris" to "2.0"',
    });
    assert.equal((await call('GET', '/models/iris')).json<Described[]>()[0]?.modelVersion, '2.0');
    const missing = await call('PUT', '/models/iris/3.0/set-default');
    assert.equal(missing.json().message, 'Model version 3.0 does not exist for model iris');

    assert.deepEqual((await call('DELETE', '/models/iris/1.0')).json(), {
      status: 'Model "iris" unregistered',
    });
    assert.deepEqual((await call('DELETE', '/models/iris')).json(), {
      status: 'Model "iris" unregistered',
    });
    assert.equal(await status('GET', '/models/iris'), 404);
    assert.equal(await status('DELETE', '/models/iris'), 404);
  });

  it('leaves the model store untouched and cleans up what it extracted', () => {
    const store = readdirSync(join(server.dir, 'store')).sort();
    assert.ok(store.includes('iris-1.0.mar') && store.includes('iris-2.0.mar'));
    assert.ok(!existsSync(join(server.dir, 'store', 'MAR-INF')));
  });
});
