import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import {
  describeVersions,
  modelList,
  registerRequestFrom,
  scaleWorkers,
  type Params,
} from '../api/management/index.js';
import { ServeError } from '../errors/index.js';
import type { ModelManager, Outcome } from '../models/index.js';
import type { ModelRegistry } from '../registry/index.js';
import { formatJson } from '../server/responses.js';
import type {
  DescribeModelRequest,
  ListModelsRequest,
  ManagementResponse,
  RegisterModelRequest,
  ScaleWorkerRequest,
  SetDefaultRequest,
  UnregisterModelRequest,
} from './messages.js';
import type { RpcRunner } from './rpc.js';

export interface ManagementParts {
  readonly registry: ModelRegistry;
  readonly manager: ModelManager;
  /** `enable_model_api`: while off, RegisterModel and UnregisterModel are refused. */
  readonly modelApiEnabled: boolean;
}

/** The REST API's JSON text, as the message of a ManagementResponse. */
function respond(body: unknown): ManagementResponse {
  return { msg: formatJson(body) };
}

function respondWith(outcome: Outcome): ManagementResponse {
  return respond({ status: outcome.status });
}

/**
 * A message's fields as named parameters, as TorchServe reads them: proto3 cannot tell 0 or ''
 * from absent, so those count as not given.
 */
function fieldsOf(message: object): Params {
  const fields = message as Readonly<Record<string, unknown>>;
  return (name) => {
    const value = fields[name];
    if (typeof value === 'boolean') return String(value);
    if (typeof value === 'number') return value === 0 ? undefined : String(value);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
}

function optionalVersion(version: string): string | undefined {
  return version === '' ? undefined : version;
}

function requireModelName(name: string): void {
  if (name === '') throw new ServeError('BadRequestException', 'Parameter model_name is required.');
}

/** `limit` and `next_page_token` as the REST query carries them; 0 means not given. */
function pagingQuery(request: ListModelsRequest): URLSearchParams {
  const query = new URLSearchParams();
  if (request.limit !== 0) query.set('limit', String(request.limit));
  if (request.next_page_token !== 0) query.set('next_page_token', String(request.next_page_token));
  return query;
}

/** TorchServe's ManagementAPIsService, answering through the REST API's operations. */
export function managementService(
  parts: ManagementParts,
  runner: RpcRunner,
): UntypedServiceImplementation {
  const { registry, manager } = parts;
  const requireModelApi = (): void => {
    if (!parts.modelApiEnabled) {
      throw new ServeError('MethodNotAllowedException', 'Model API disabled');
    }
  };
  return {
    DescribeModel: runner.unary<DescribeModelRequest, ManagementResponse>(
      'management',
      async (request) =>
        respond(
          await describeVersions(
            registry,
            request.model_name,
            optionalVersion(request.model_version),
            request.customized,
          ),
        ),
    ),
    ListModels: runner.unary<ListModelsRequest, ManagementResponse>('management', (request) =>
      respond(modelList(registry, pagingQuery(request))),
    ),
    RegisterModel: runner.unary<RegisterModelRequest, ManagementResponse>(
      'management',
      async (request) => {
        requireModelApi();
        return respondWith(await manager.register(registerRequestFrom(fieldsOf(request), false)));
      },
    ),
    ScaleWorker: runner.unary<ScaleWorkerRequest, ManagementResponse>(
      'management',
      async (request) => {
        requireModelName(request.model_name);
        const version = optionalVersion(request.model_version);
        const get = fieldsOf(request);
        return respondWith(await scaleWorkers(manager, request.model_name, version, get));
      },
    ),
    SetDefault: runner.unary<SetDefaultRequest, ManagementResponse>('management', (request) =>
      respondWith(manager.setDefault(request.model_name, request.model_version)),
    ),
    UnregisterModel: runner.unary<UnregisterModelRequest, ManagementResponse>(
      'management',
      async (request) => {
        requireModelApi();
        requireModelName(request.model_name);
        const version = optionalVersion(request.model_version);
        return respondWith(await manager.unregister(request.model_name, version));
      },
    ),
  };
}
