export {
  ModelManager,
  type ManagerOptions,
  type Outcome,
  type RegisterRequest,
} from './manager.js';
export { ServedModel } from './served-model.js';
export { loadStartupModels, restoreSnapshot, startupEntries } from './startup.js';
export { readLatestSnapshot, takeSnapshot, writeSnapshot } from './snapshot.js';
export { createModelService, type ModelService } from './service.js';
