import type { Handler, HandlerContext } from './handler.js';

/**
 * What a customized describe adds for this handler: the result of its `describe` entry point when
 * that is a JSON object (anything else is `{}`, as TorchServe does). A handler without one
 * describes the model's inputs and outputs.
 */
export async function describeHandler(
  handler: Handler,
  context: HandlerContext,
): Promise<Record<string, unknown>> {
  if (handler.describe === undefined) return signatureOf(context);
  const described = await handler.describe(context);
  return isJsonObject(described) ? roundTripped(described) : {};
}

function signatureOf(context: HandlerContext): Record<string, unknown> {
  const describe = (info: HandlerContext['inputs'][number]) => ({
    name: info.name,
    type: info.type,
    shape: info.shape,
  });
  return { inputs: context.inputs.map(describe), outputs: context.outputs.map(describe) };
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Only what JSON can carry crosses back to the server; this fails early on cycles. */
function roundTripped(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
