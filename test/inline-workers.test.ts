import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeAddArchive } from './support/archives.js';
import { makeWorkDir, startCli, type RunningCli } from './support/server-process.js';

/** A handler of the archive's own: `inline: true` does not apply to it. */
const ownHandler = `
  export function preprocess(request) {
    const { a, b } = JSON.parse(new TextDecoder().decode(request.inputs[0].data));
    const tensor = (values) => ({ type: 'float32', dims: [1, 3], data: Float32Array.from(values) });
    return { a: tensor(a), b: tensor(b) };
  }
  export const postprocess = (outputs) => ({ sum: Array.from(outputs.sum.data) });
`;

const inlineConfig = 'minWorkers: 1\nmaxWorkers: 1\ninline: true\n';

describe('inline workers through the CLI, with token authorization on', () => {
  let server: RunningCli;
  const predict = (model: string, body: unknown) =>
    server.call('inference', `/predictions/${model}`, {
      method: 'POST',
      key: server.keys().inference.key,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });

  before(async () => {
    const dir = makeWorkDir();
    const store = join(dir, 'store');
    await writeAddArchive(store, 'inline_add', undefined, inlineConfig);
    await writeAddArchive(store, 'own_handler', ownHandler, inlineConfig);
    server = await startCli({ dir, args: ['--models', 'inline_add.mar', 'own_handler.mar'] });
  });
  after(() => server.stop());

  it('serves a built-in handler inline and says so in the log', async () => {
    const reply = await predict('inline_add', { a: [[1, 2, 3]], b: [[0.5, 0.5, 0.5]] });
    assert.equal(reply.status, 200, reply.text);
    assert.match(reply.text, /"data":\[1\.5,2\.5,3\.5\]/);
    assert.match(server.output(), /Workers of inline_add run inline/);
  });

  it('answers bad input to an inline model with a 400 and keeps serving', async () => {
    const bad = await predict('inline_add', { a: [[1, 2]] });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json<{ code: number }>().code, 400);
    const good = await predict('inline_add', { a: [[1, 1, 1]], b: [[1, 1, 1]] });
    assert.equal(good.status, 200, good.text);
  });

  it('runs a model with its own handler in worker threads, with a warning', async () => {
    const reply = await predict('own_handler', { a: [1, 2, 3], b: [1, 1, 1] });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.json(), { sum: [2, 3, 4] });
    assert.match(
      server.output(),
      /inline: true is for the built-in handlers; own_handler has its own/,
    );
    assert.doesNotMatch(server.output(), /Workers of own_handler run inline/);
  });
});
