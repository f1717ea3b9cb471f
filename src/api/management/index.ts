export { managementRoutes } from './routes.js';
