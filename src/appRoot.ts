import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `dir` holding a package.json; undefined when none does. */
export function packageRootAbove(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at;
    if (dirname(at) === at) return undefined;
  }
}

/** The folder holding package.json, whether running from src (tests), dist (npm start) or the package zip. */
export function appRoot(from: string = import.meta.url): string {
  return packageRootAbove(dirname(fileURLToPath(from))) ?? process.cwd();
}
