import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeAddArchive } from './support/archives.js';
import { makeWorkDir, startCli, type RunningCli } from './support/server-process.js';

/** Holds its worker for `spin:<ms>` milliseconds of busy work; answers at once otherwise. */
const slowHandler = `
  export function preprocess(request) {
    const text = new TextDecoder().decode(request.inputs[0].data);
    const spin = /^spin:(\\d+)$/.exec(text);
    if (spin !== null) {
      const until = Date.now() + Number(spin[1]);
      while (Date.now() < until);
    }
    const zeros = () => ({ type: 'float32', dims: [1, 3], data: new Float32Array(3) });
    return { a: zeros(), b: zeros() };
  }
  export const postprocess = () => ({ answered: true });
`;

const oneWorker = 'minWorkers: 1\nmaxWorkers: 1\nbatchSize: 1\n';

describe('back-pressure through the real server: response timeout and a full queue', () => {
  let server: RunningCli;
  const predict = (model: string, body: string) =>
    server.call('inference', `/predictions/${model}`, { body, key: server.keys().inference.key });

  before(async () => {
    const dir = makeWorkDir();
    const store = join(dir, 'store');
    await writeAddArchive(store, 'timed', slowHandler, `${oneWorker}responseTimeout: 1\n`);
    await writeAddArchive(store, 'narrow', slowHandler, `${oneWorker}jobQueueSize: 2\n`);
    server = await startCli({ dir, args: ['--models', 'timed.mar', 'narrow.mar'] });
    for (const model of ['timed', 'narrow']) {
      for (let attempt = 0; (await predict(model, 'hello')).status !== 200; attempt++) {
        assert.ok(attempt < 200, `${model} never became ready`);
        await sleep(50);
      }
    }
  });
  after(() => server.stop());

  it('answers 500 Worker died past responseTimeout, then a replacement answers', async () => {
    const stuck = await predict('timed', 'spin:2500');
    assert.equal(stuck.status, 500);
    assert.deepEqual(stuck.json(), {
      code: 500,
      type: 'InternalServerException',
      message: 'Worker died.',
    });
    // Sent while the worker is being replaced: it waits for the new one rather than failing.
    const next = await predict('timed', 'hello');
    assert.equal(next.status, 200, next.text);
    assert.deepEqual(next.json(), { answered: true });
  });

  it('answers 503 when the job queue is full, and loses none of the queued requests', async () => {
    const busy = predict('narrow', 'spin:3000');
    await sleep(300);
    const queued = [predict('narrow', 'hello'), predict('narrow', 'hello')];
    await sleep(100);
    const refused = await predict('narrow', 'hello');
    assert.equal(refused.status, 503);
    assert.match(refused.json<{ message: string }>().message, /^Model "narrow" has no worker/);
    const answers = await Promise.all([busy, ...queued]);
    assert.deepEqual(
      answers.map((reply) => reply.status),
      [200, 200, 200],
    );
  });
});
