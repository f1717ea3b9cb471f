import { status } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServeError } from '../errors/index.js';
import { peerAddress } from './peer.js';
import { grpcCodeOf, HandlerReplyError, toRpcFailure } from './status.js';

describe('gRPC status mapping', () => {
  it("maps HTTP statuses to TorchServe's gRPC codes", () => {
    const cases: [number, status][] = [
      [400, status.INVALID_ARGUMENT],
      [401, status.UNAUTHENTICATED],
      [403, status.INVALID_ARGUMENT],
      [404, status.NOT_FOUND],
      [405, status.PERMISSION_DENIED],
      [408, status.DEADLINE_EXCEEDED],
      [409, status.INVALID_ARGUMENT],
      [413, status.INVALID_ARGUMENT],
      [429, status.RESOURCE_EXHAUSTED],
      [500, status.INTERNAL],
      [503, status.UNAVAILABLE],
      [507, status.INTERNAL],
    ];
    for (const [http, code] of cases) assert.equal(grpcCodeOf(http), code, String(http));
  });

  it('keeps the HTTP message of our errors and hides everything else', () => {
    assert.deepEqual(toRpcFailure(new ServeError('ModelNotFoundException', 'Model not found: x')), {
      code: status.NOT_FOUND,
      details: 'Model not found: x',
      httpStatus: 404,
    });
    assert.deepEqual(toRpcFailure(new Error('/secret/path')), {
      code: status.INTERNAL,
      details: 'Internal server error.',
      httpStatus: 500,
    });
    assert.deepEqual(toRpcFailure(new HandlerReplyError(503, 'busy')), {
      code: status.UNAVAILABLE,
      details: 'busy',
      httpStatus: 503,
    });
  });
});

describe('peerAddress', () => {
  it('drops the scheme and the port, as HTTP reports a remote address', () => {
    assert.equal(peerAddress('ipv4:127.0.0.1:5000'), '127.0.0.1');
    assert.equal(peerAddress('ipv6:[::1]:5000'), '::1');
    assert.equal(peerAddress('[::ffff:10.0.0.1]:80'), '::ffff:10.0.0.1');
    assert.equal(peerAddress('10.1.2.3:443'), '10.1.2.3');
    assert.equal(peerAddress('unix:/tmp/socket'), '/tmp/socket');
    assert.equal(peerAddress('unknown'), 'unknown');
  });
});
