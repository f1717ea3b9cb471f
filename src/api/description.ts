import type { ApiName, Route } from '../server/route.js';

export interface DescriptionOptions {
  readonly version: string;
  readonly authEnabled: boolean;
  /** `token_authorization_health_open`; true when omitted. */
  readonly healthOpen?: boolean;
}

type Json = Record<string, unknown>;

const jsonType = 'application/json';
const bodilessMethods = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

const securitySchemes: Json = {
  inferenceKey: { type: 'http', scheme: 'bearer', description: 'The inference key.' },
  managementKey: { type: 'http', scheme: 'bearer', description: 'The management key.' },
  tokenKey: { type: 'http', scheme: 'bearer', description: 'The API key (token API only).' },
};

/** The `{code, type, message}` envelope every error reply carries. */
export const errorSchema: Json = {
  type: 'object',
  required: ['code', 'type', 'message'],
  properties: {
    code: { type: 'integer' },
    type: { type: 'string' },
    message: { type: 'string' },
  },
};

function openApiPath(path: string): string {
  return path.replace(/\{(\w+)\*\}/g, '{$1}');
}

function parametersOf(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)(\*?)\}/g)].map(([, name, rest]) => ({
    in: 'path',
    name,
    required: true,
    ...(rest === '*' ? { description: 'The remaining path segments, slashes included.' } : {}),
    schema: { type: 'string' },
  }));
}

function schemaFor(mediaType: string): Json {
  if (mediaType === jsonType) return {};
  return mediaType.startsWith('text/') ? { type: 'string' } : { type: 'string', format: 'binary' };
}

function content(mediaType: string): Json {
  return { [mediaType]: { schema: schemaFor(mediaType) } };
}

/** `postPredictionsModelNameModelVersion`; `Root` for `/`. */
function operationName(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  const tail = words.length === 0 ? ['root'] : words;
  return method.toLowerCase() + tail.map((word) => word[0]?.toUpperCase() + word.slice(1)).join('');
}

function securityOf(route: Route, options: DescriptionOptions): Json[] | undefined {
  if (!options.authEnabled || route.access === 'open') return undefined;
  if (route.access === 'health')
    return options.healthOpen === false ? [{ inferenceKey: [] }] : undefined;
  return [{ [`${route.access}Key`]: [] }];
}

function operationOf(route: Route, method: string, options: DescriptionOptions): Json {
  const operation: Json = { summary: route.summary };
  if (route.methods === 'ANY') operation.description = 'Answers any HTTP method.';
  operation.parameters = parametersOf(route.path);
  if (route.consumes !== undefined && !bodilessMethods.has(method)) {
    operation.requestBody = { required: false, content: content(route.consumes) };
  }
  operation.responses = {
    '200': { description: 'Success.', content: content(route.produces ?? jsonType) },
    default: { $ref: '#/components/responses/Error' },
  };
  const security = securityOf(route, options);
  if (security !== undefined) operation.security = security;
  return operation;
}

/** Adds `operationId`s, numbering a name that two operations would share. */
function nameOperations(paths: Record<string, Record<string, Json>>): void {
  const taken = new Set<string>();
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const base = operationName(method, path);
      let name = base;
      for (let suffix = 2; taken.has(name); suffix++) name = `${base}${suffix}`;
      taken.add(name);
      item[method] = { operationId: name, ...operation };
    }
  }
}

/**
 * An OpenAPI 3.0 document of the routes one listener serves, generated from the route table so
 * it cannot drift from what the listener answers. `ANY` routes are documented as POST.
 */
export function describeApis(
  routes: readonly Route[],
  apis: ReadonlySet<ApiName>,
  options: DescriptionOptions,
): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes.filter((candidate) => candidate.apis.some((api) => apis.has(api)))) {
    const methods = route.methods === 'ANY' ? ['POST'] : route.methods;
    const item = (paths[openApiPath(route.path)] ??= {});
    for (const method of methods) item[method.toLowerCase()] = operationOf(route, method, options);
  }
  nameOperations(paths);
  const components: Json = {
    schemas: { Error: errorSchema },
    responses: {
      Error: {
        description: 'The error envelope.',
        content: { [jsonType]: { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
  };
  if (options.authEnabled) components.securitySchemes = securitySchemes;
  return {
    openapi: '3.0.1',
    info: {
      title: 'onnxserve APIs',
      description: 'TorchServe-compatible APIs',
      version: options.version,
    },
    paths,
    components,
  };
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
