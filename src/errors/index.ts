export { errorCatalogue, type ErrorType } from './catalogue.js';
export { ServeError, toErrorBody, type ErrorBody } from './serve-error.js';
