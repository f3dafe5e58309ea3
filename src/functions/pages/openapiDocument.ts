import { readFileSync } from 'node:fs';
import path from 'node:path';

import { functionTable, isHttpFunction } from '../../app.js';
import { appRoot } from '../../appRoot.js';
import { buildDocument } from '../../openapi/buildDocument.js';
import { operationDocs } from '../../openapi/operations/index.js';

/** The document of this server's table: what the docs page and the dashboard read. */
export function openapiDocument() {
  const { version } = JSON.parse(readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as {
    version?: string;
  };
  return buildDocument(functionTable.filter(isHttpFunction), operationDocs, {
    title: 'Event scoring API',
    version: version ?? '0.0.0',
    description:
      'Ingest events, score them, query scores and activity. Keys: `Authorization: Bearer <key>`, `x-api-key`, or Basic with the key as the user name.',
  });
}
