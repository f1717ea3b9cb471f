export { describeVersions, modelList, scaleWorkers } from './operations.js';
export { registerRequestFrom, type Params } from './register-params.js';
export { managementRoutes } from './routes.js';
