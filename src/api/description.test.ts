import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { tokenRoutes } from '../auth/token-api.js';
import type { TokenAuthorization } from '../auth/token-authorization.js';
import type { ModelManager } from '../models/index.js';
import { ModelRegistry } from '../registry/index.js';
import type { ApiName } from '../server/route.js';
import { buildRouteTable } from '../server/route-table.js';
import { describeApis } from './description.js';
import { describeModelApi } from './inference/model-description.js';

type Operation = {
  operationId?: string;
  parameters?: { in: string; name: string }[];
  responses: Record<string, { content?: unknown; $ref?: string }>;
  security?: Record<string, unknown>[];
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, unknown> };
};

/** The real route table; handlers are never called, so manager and keys are never touched. */
function routeTable(authEnabled: boolean) {
  return buildRouteTable({
    version: '0.0.0-test',
    authEnabled,
    health: { isHealthy: () => true },
    tokenRoutes: authEnabled ? tokenRoutes({} as TokenAuthorization) : [],
    registry: new ModelRegistry(),
    manager: {} as ModelManager,
    metrics: { scrape: () => Promise.resolve({ contentType: 'text/plain', text: '' }) },
  });
}

async function assertValid(document: Record<string, unknown>): Promise<void> {
  const result = await new Validator().validate(document);
  assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
}

/** What the schema cannot check: parameters match templates, ids unique, schemes declared. */
function assertComplete(document: Document): void {
  const ids = new Set<string>();
  const schemes = Object.keys(document.components?.securitySchemes ?? {});
  for (const [path, item] of Object.entries(document.paths)) {
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name).sort();
    for (const [method, operation] of Object.entries(item)) {
      const where = `${method} ${path}`;
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
      assert.deepEqual(declared.map((p) => p.name).sort(), templated, where);
      assert.ok(operation.operationId !== undefined && !ids.has(operation.operationId), where);
      ids.add(operation.operationId);
      assert.ok(operation.responses['200']?.content !== undefined, `${where}: success content`);
      for (const requirement of operation.security ?? []) {
        for (const name of Object.keys(requirement)) assert.ok(schemes.includes(name), where);
      }
    }
  }
}

const listeners: ApiName[][] = [
  ['inference'],
  ['management'],
  ['metrics'],
  ['inference', 'management', 'metrics'],
];

describe('API descriptions', () => {
  for (const authEnabled of [true, false]) {
    for (const apis of listeners) {
      it(`are valid, complete OpenAPI 3.0 for ${apis.join('+')}, auth ${authEnabled ? 'on' : 'off'}`, async () => {
        const document = describeApis(routeTable(authEnabled), new Set(apis), {
          version: '0.0.0-test',
          authEnabled,
        });
        await assertValid(document);
        assertComplete(document as Document);
      });
    }
  }

  it('secure the health routes only when token_authorization_health_open is false', () => {
    const ping = (healthOpen: boolean) => {
      const options = { version: '0', authEnabled: true, healthOpen };
      const document = describeApis(routeTable(true), new Set(['inference']), options);
      return (document as Document).paths['/ping']?.post?.security;
    };
    assert.equal(ping(true), undefined);
    assert.deepEqual(ping(false), [{ inferenceKey: [] }]);
  });

  it('describe /metrics as text, only on the metrics listener', () => {
    const options = { version: '0', authEnabled: true };
    const metrics = describeApis(routeTable(true), new Set(['metrics']), options) as Document;
    assert.deepEqual(Object.keys(metrics.paths).sort(), ['/', '/api-description', '/metrics']);
    const content = metrics.paths['/metrics']?.post?.responses['200']?.content;
    assert.deepEqual(Object.keys(content ?? {}), ['text/plain']);
    const inference = describeApis(routeTable(true), new Set(['inference']), options) as Document;
    assert.equal(inference.paths['/metrics'], undefined);
  });

  it("describe one model's prediction route as valid OpenAPI 3.0", async () => {
    const tensor = { name: 'input', type: 'float32', shape: [-1, 4] } as const;
    const model = {
      name: 'iris',
      version: '1.0',
      signature: () => ({ inputs: [tensor], outputs: [{ ...tensor, name: 'probabilities' }] }),
    };
    const document = describeModelApi(model);
    await assertValid(document);
    assertComplete(document as Document);
  });
});
