import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import type { Tensor } from '../engine/index.js';
import { forTransfer } from './transfer.js';
import { requestsForTransfer } from './transfer-requests.js';

test('moves arrays that own their buffer and copies views into larger ones', () => {
  const owned = Float32Array.from([1, 2, 3]);
  const pooled = Buffer.from([1, 0, 1]);
  const feeds: Record<string, Tensor> = {
    owned: { type: 'float32', dims: [3], data: owned },
    pooled: { type: 'bool', dims: [3], data: new Uint8Array(pooled.buffer, pooled.byteOffset, 3) },
    text: { type: 'string', dims: [1], data: ['kept'] },
  };
  const { tensors, transferList } = forTransfer(feeds);
  assert.equal(tensors.owned?.data, owned);
  assert.notEqual((tensors.pooled?.data as Uint8Array).buffer, pooled.buffer);
  assert.deepEqual(tensors.pooled?.data, Uint8Array.from([1, 0, 1]));
  assert.equal(transferList.length, 2);

  const { port1, port2 } = new MessageChannel();
  port1.postMessage(tensors, transferList);
  port1.close();
  port2.close();
  assert.equal(owned.byteLength, 0, 'the moved array is detached');
  assert.equal(pooled.byteLength, 3, 'the pooled buffer is untouched');
});

test('lists a buffer shared by two tensors once', () => {
  const shared = Int32Array.from([4, 5]);
  const { transferList } = forTransfer({
    a: { type: 'int32', dims: [2], data: shared },
    b: { type: 'int32', dims: [2], data: shared },
  });
  assert.deepEqual(transferList, [shared.buffer]);
});

test('copies a pooled Buffer rather than detaching the pool, whose own slice is only a view', () => {
  const pooled = Buffer.from([7, 8, 9]);
  const { tensors, transferList } = forTransfer({ b: { type: 'uint8', dims: [3], data: pooled } });
  const { value, transferList: requestTransfers } = requestsForTransfer([
    { requestId: '1', inputs: [{ name: 'body', data: pooled }], headers: {} },
  ]);
  const { port1, port2 } = new MessageChannel();
  port1.postMessage([tensors, value], [...transferList, ...requestTransfers]);
  port1.close();
  port2.close();
  assert.deepEqual([...pooled], [7, 8, 9], 'the pooled Buffer still holds its bytes');
  assert.notEqual(transferList[0], pooled.buffer);
});

test('packs small inputs of a batch into one moved buffer, and moves a large one on its own', () => {
  const large = new Uint8Array(100_000).fill(3);
  const requests = [
    { requestId: '1', inputs: [{ name: 'body', data: Buffer.from('first') }], headers: {} },
    {
      requestId: '2',
      inputs: [
        { name: 'a', data: Buffer.from('second') },
        { name: 'b', data: large },
      ],
      headers: {},
    },
  ];
  const { value, transferList } = requestsForTransfer(requests);
  assert.equal(transferList.length, 2, 'one pack and the large input');

  const { port1, port2 } = new MessageChannel();
  port1.postMessage(value, transferList);
  const received = receiveMessageOnPort(port2)?.message as typeof requests;
  port1.close();
  port2.close();
  const text = (data: Uint8Array) => Buffer.from(data).toString();
  assert.equal(text(received[0]?.inputs[0]?.data ?? new Uint8Array()), 'first');
  assert.equal(text(received[1]?.inputs[0]?.data ?? new Uint8Array()), 'second');
  assert.equal(received[1]?.inputs[1]?.data.byteLength, 100_000);
  assert.equal(large.byteLength, 0, 'the large input moved');
  assert.equal(requests[0]?.inputs[0]?.data.toString(), 'first', 'small inputs were copied');
});
