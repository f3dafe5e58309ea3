import type { ModelFile } from './modelSchema.js';

/** The one way model files are written, so the same model always gives the same bytes. */
export function serializeModel(model: ModelFile): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}
