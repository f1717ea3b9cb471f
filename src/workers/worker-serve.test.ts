import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixturePath } from '../../test/fixtures/models/fixtures.js';
import type { FromWorker, JobPort, ToWorker } from './protocol.js';
import { serveJobs } from './worker-serve.js';
import { waitUntil } from './pool-fixtures.js';

/** A port that records what the job loop sends and refuses to carry error replies. */
function refusingPort() {
  const sent: FromWorker[] = [];
  let listener: ((message: ToWorker) => void) | undefined;
  const port: JobPort = {
    postMessage(message) {
      if (message.kind === 'error') throw new Error('the channel is gone');
      sent.push(message);
    },
    on(_event, onMessage) {
      listener = onMessage;
    },
  };
  return { port, sent, send: (message: ToWorker) => listener?.(message) };
}

test('the job loop reports a load failure, then hands a job that fails past its own handling to crashed', async () => {
  const { port, sent, send } = refusingPort();
  const crashes: unknown[] = [];
  let stopped = false;
  serveJobs(
    port,
    { modelPath: fixturePath('not-a-model.onnx'), sessionOptions: {} },
    {
      stopped: () => (stopped = true),
      crashed: (error) => crashes.push(error),
    },
  );

  send({ kind: 'describe', jobId: 1 });
  send({ kind: 'stop' });
  await waitUntil(() => stopped);

  assert.equal(sent[0]?.kind, 'load-failed');
  assert.equal(crashes.length, 1);
  assert.match(String(crashes[0]), /the channel is gone/);
  assert.ok(stopped, 'messages after the crash are still handled in order');
});
