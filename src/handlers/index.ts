export type {
  EntryPointHandler,
  Feeds,
  Handler,
  HandlerContext,
  HandlerInput,
  HandlerRequest,
  HandlerResponse,
  HandlerSetup,
  RunModel,
  StagedHandler,
} from './handler.js';
export { isEntryPoint } from './handler.js';
export type { EntryPointContext } from './custom.js';
export { HandlerError } from './errors.js';
export {
  builtinHandlerNames,
  handlerSection,
  loadHandler,
  startHandler,
  type StartedHandler,
} from './load.js';
export { describeHandler } from './describe.js';
export { handleBatch, type Outcome } from './pipeline.js';
export { splitOutputs, stackFeeds, type Stacked } from './stack.js';
export { datatypeOf } from './builtin/kserve-datatypes.js';
