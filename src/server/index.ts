export { startServer, type RunningServer } from './start.js';
export type {
  Access,
  ApiName,
  KeyScope,
  Reply,
  RequestContext,
  Route,
  RouteHandler,
} from './route.js';
