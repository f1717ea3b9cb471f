export { kserveRoutes } from './kserve.js';
export { predictionRoutes } from './predictions.js';
