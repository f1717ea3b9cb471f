import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { PendingReplies } from './pending-replies.js';

/** A socket that records what is written to it, and a request on it. */
function connection() {
  const socket = new PassThrough();
  const written: string[] = [];
  socket.on('data', (chunk: Buffer) => written.push(chunk.toString()));
  const request = (complete: boolean) => ({ socket, complete }) as unknown as IncomingMessage;
  return { socket, written, request };
}

describe('PendingReplies', () => {
  it('refuses at once on a connection with no reply on the way', () => {
    const { socket, written, request } = connection();
    const replies = new PendingReplies();
    replies.started(request(true));
    replies.finished(request(true));
    replies.refuse(socket, 'refusal');
    assert.deepEqual(written, ['refusal']);
    assert.equal(socket.writableEnded, true);
  });

  it('holds a refusal until every reply started before it is written', () => {
    const { socket, written, request } = connection();
    const replies = new PendingReplies();
    const [first, second] = [request(true), request(true)];
    replies.started(first);
    replies.started(second);
    replies.refuse(socket, 'refusal');
    assert.equal(socket.writableEnded, false);
    replies.finished(first);
    assert.equal(socket.writableEnded, false, 'one reply is still on the way');
    socket.write('second reply');
    replies.finished(second);
    assert.deepEqual(written, ['second reply', 'refusal']);
    assert.equal(socket.writableEnded, true);
  });

  it('refuses at once when the refused request is the pending one, its body cut short', () => {
    const { socket, written, request } = connection();
    const replies = new PendingReplies();
    replies.started(request(false));
    replies.refuse(socket, 'refusal');
    assert.deepEqual(written, ['refusal']);
  });
});
