export { HttpServer, type HttpServerOptions } from './server.js';
export {
  BodyError,
  defaultLimits,
  type HttpHandler,
  type HttpLimits,
  type HttpRequest,
  type HttpResponse,
  type RequestHeaders,
} from './message.js';
