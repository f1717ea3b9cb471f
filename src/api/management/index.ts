export { managementRoutes, type ModelLoader } from './routes.js';
