import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { pingReply, type HealthSource } from '../api/health.js';
import { runPrediction } from '../api/inference/index.js';
import { ServeError } from '../errors/index.js';
import type { HandlerRequest } from '../handlers/index.js';
import type { ModelRegistry } from '../registry/index.js';
import { formatJson } from '../server/responses.js';
import type { Reply } from '../server/route.js';
import type { HealthResponse, PredictionResponse, PredictionsRequest } from './messages.js';
import type { CallContext, RpcRunner } from './rpc.js';
import { HandlerReplyError, type RpcFailure } from './status.js';

export interface InferenceParts {
  readonly registry: ModelRegistry;
  readonly health: HealthSource;
  /** `token_authorization_health_open`: whether Ping answers without a key, as /ping does. */
  readonly healthOpen: boolean;
}

/** The named inputs as HTTP form fields reach a handler; gRPC metadata is not passed on. */
function handlerRequest(request: PredictionsRequest, requestId: string): HandlerRequest {
  const inputs = Object.entries(request.input).map(([name, data]) => ({
    name,
    data: data instanceof Uint8Array ? data : new Uint8Array(0),
  }));
  return { requestId, inputs, headers: {} };
}

function replyBytes(reply: Reply): Buffer {
  const body = reply.body ?? '';
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** Runs one request as the HTTP prediction API does; the answer is the bytes HTTP would send. */
async function predict(
  registry: ModelRegistry,
  request: PredictionsRequest,
  context: CallContext,
): Promise<Buffer> {
  if (request.model_name === '') {
    throw new ServeError('BadRequestException', 'Parameter model_name is required.');
  }
  const version = request.model_version === '' ? undefined : request.model_version;
  const model = registry.get(request.model_name, version);
  const reply = await runPrediction(
    model,
    handlerRequest(request, context.requestId),
    context.signal,
    version,
  );
  const bytes = replyBytes(reply);
  const status = reply.status ?? 200;
  if (status >= 400) throw new HandlerReplyError(status, bytes.toString('utf8'));
  return bytes;
}

/** StreamPredictions2 answers a failed request in its response, tagged with its sequence. */
function failedResponse(request: PredictionsRequest, failure: RpcFailure): PredictionResponse {
  return {
    sequence_id: request.sequence_id,
    status: { code: failure.code, message: failure.details, details: [] },
  };
}

/** TorchServe's InferenceAPIsService over the registered models. */
export function inferenceService(
  parts: InferenceParts,
  runner: RpcRunner,
): UntypedServiceImplementation {
  const { registry } = parts;
  return {
    Ping: runner.unary<unknown, HealthResponse>(parts.healthOpen ? 'open' : 'inference', () => ({
      health: formatJson(pingReply(parts.health).json),
    })),
    Predictions: runner.unary<PredictionsRequest, PredictionResponse>(
      'inference',
      async (request, context) => ({ prediction: await predict(registry, request, context) }),
    ),
    StreamPredictions: runner.serverStream<PredictionsRequest, PredictionResponse>(
      'inference',
      async (request, context, write) =>
        write({ prediction: await predict(registry, request, context) }),
    ),
    StreamPredictions2: runner.bidiStream<PredictionsRequest, PredictionResponse>(
      'inference',
      async (request, context) => {
        if (request.sequence_id === undefined || request.sequence_id === '') {
          throw new ServeError('BadRequestException', 'Parameter sequence_id is required.');
        }
        const prediction = await predict(registry, request, context);
        return { prediction, sequence_id: request.sequence_id };
      },
      failedResponse,
    ),
  };
}
