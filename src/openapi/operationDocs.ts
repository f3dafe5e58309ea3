import type { ZodOpenApiOperationObject } from 'zod-openapi';

/**
 * What a route's author writes: the operation without `security` and without the 401/403/429
 * answers, which buildDocument adds from the table entry's `access`.
 *
 * Examples pair by name: a request example named N (in the body's `examples`, or a parameter's
 * `examples`) is answered by the one response whose content has an example named N. A test sends each
 * example request to the local host and expects that status. Parameters' plain `example` form the
 * request named `default`.
 */
export type OperationDocs = Omit<ZodOpenApiOperationObject, 'security' | 'operationId'>;
