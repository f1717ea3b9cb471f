import type { ApiName, Route } from '../server/route.js';

export interface DescriptionOptions {
  readonly version: string;
  readonly authEnabled: boolean;
}

type Operation = Record<string, unknown>;

function openApiPath(path: string): string {
  return path.replace(/\{(\w+)\*\}/g, '{$1}');
}

function parametersOf(path: string): Operation[] {
  return [...path.matchAll(/\{(\w+)\*?\}/g)].map(([, name]) => ({
    in: 'path',
    name,
    required: true,
    schema: { type: 'string' },
  }));
}

function operationOf(route: Route, authEnabled: boolean): Operation {
  const operation: Operation = {
    summary: route.summary,
    parameters: parametersOf(route.path),
    responses: { '200': { description: 'Success' }, default: { description: 'Error envelope' } },
  };
  const secured = route.access !== 'open' && route.access !== 'health';
  if (authEnabled && secured) operation.security = [{ [`${route.access}Key`]: [] }];
  return operation;
}

/**
 * An OpenAPI 3 document of the routes one listener serves, generated from the route table so
 * it cannot drift from what the listener answers.
 */
export function describeApis(
  routes: readonly Route[],
  apis: ReadonlySet<ApiName>,
  options: DescriptionOptions,
): Record<string, unknown> {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const route of routes.filter((candidate) => candidate.apis.some((api) => apis.has(api)))) {
    const methods = route.methods === 'ANY' ? ['POST'] : route.methods;
    const item = (paths[openApiPath(route.path)] ??= {});
    for (const method of methods)
      item[method.toLowerCase()] = operationOf(route, options.authEnabled);
  }
  const document: Record<string, unknown> = {
    openapi: '3.0.1',
    info: {
      title: 'onnxserve APIs',
      description: 'TorchServe-compatible APIs',
      version: options.version,
    },
    paths,
  };
  if (options.authEnabled) {
    const bearer = { type: 'http', scheme: 'bearer' };
    document.components = {
      securitySchemes: { inferenceKey: bearer, managementKey: bearer, tokenKey: bearer },
    };
  }
  return document;
}

/** `OPTIONS /` and `/api-description` on every listener. */
export function descriptionRoutes(
  allRoutes: () => readonly Route[],
  options: DescriptionOptions,
): Route[] {
  const apis: ApiName[] = ['inference', 'management', 'metrics'];
  const handle: Route['handle'] = (context) => ({
    json: describeApis(allRoutes(), context.apis, options),
  });
  return [
    {
      apis,
      path: '/',
      methods: ['OPTIONS'],
      access: 'open',
      summary: 'This API description.',
      handle,
    },
    {
      apis,
      path: '/api-description',
      methods: 'ANY',
      access: 'open',
      summary: 'This API description.',
      handle,
    },
  ];
}
