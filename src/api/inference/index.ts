export { kserveRoutes } from './kserve.js';
export { predictionRoutes, runPrediction } from './predictions.js';
