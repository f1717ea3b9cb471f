import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Route } from './route.js';
import { Router, splitPath } from './router.js';

function route(path: string, methods: Route['methods'] = ['GET']): Route {
  return { apis: ['inference'], path, methods, access: 'open', summary: path, handle: () => ({}) };
}

describe('router', () => {
  const routes = [
    route('/'),
    route('/models'),
    route('/models/{model_name}'),
    route('/models/{model_name}/{model_version}/set-default', ['PUT']),
    route('/v1/models/{model_name}:predict', ['POST']),
    route('/predictions/{model_name}/{model_version}/{rest*}', 'ANY'),
  ];
  const router = new Router(routes);
  const match = (method: string, path: string) => router.match(method, splitPath(path) ?? []);

  it('splits paths as TorchServe does: trailing slashes dropped, segments decoded', () => {
    assert.deepEqual(splitPath('/'), []);
    assert.deepEqual(splitPath('/models/foo/'), ['models', 'foo']);
    assert.deepEqual(splitPath('/models/a%20b'), ['models', 'a b']);
    assert.equal(splitPath('/models/%E0%A4%A'), null);
  });

  it('matches literals, parameters, parameters inside a segment and a rest', () => {
    assert.deepEqual(match('GET', '/models/resnet'), {
      kind: 'found',
      route: routes[2],
      params: { model_name: 'resnet' },
    });
    assert.deepEqual(match('POST', '/v1/models/mnist:predict'), {
      kind: 'found',
      route: routes[4],
      params: { model_name: 'mnist' },
    });
    const rest = match('DELETE', '/predictions/m/1.0/a/b');
    assert.equal(rest.kind, 'found');
    assert.deepEqual(rest.kind === 'found' && rest.params, {
      model_name: 'm',
      model_version: '1.0',
      rest: 'a/b',
    });
    assert.equal(match('GET', '/').kind, 'found');
  });

  it('tells a wrong method from an unknown path', () => {
    assert.equal(match('DELETE', '/models').kind, 'wrong-method');
    assert.equal(match('GET', '/models/a/b/set-default').kind, 'wrong-method');
    assert.equal(match('GET', '/nothing').kind, 'not-found');
    assert.equal(match('GET', '/models/a/b/c').kind, 'not-found');
    assert.equal(match('POST', '/v1/models/mnist:explain').kind, 'not-found');
  });

  it('remembers matches by method and path, with frozen params, and refuses bad encodings', () => {
    const first = router.matchPath('GET', '/models/resnet');
    assert.equal(router.matchPath('GET', '/models/resnet'), first, 'the same match again');
    assert.ok(first?.kind === 'found' && Object.isFrozen(first.params));
    assert.deepEqual(first.kind === 'found' ? first.params : {}, { model_name: 'resnet' });
    assert.equal(router.matchPath('DELETE', '/models/resnet')?.kind, 'wrong-method');
    assert.equal(router.matchPath('GET', '/models/%E0%A4%A'), null);
    const long = `/models/${'x'.repeat(300)}`;
    assert.notEqual(router.matchPath('GET', long), router.matchPath('GET', long), 'not kept');
  });
});
