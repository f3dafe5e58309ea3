import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { contentTypeOf } from '../../core/pages/contentTypeOf.js';
import { type PageName, TEMPLATES, VENDOR_FILES, WEB_DIR } from '../../core/pages/pageFiles.js';
import { renderTemplate } from '../../core/pages/renderTemplate.js';

export const ASSET_ROUTE = 'api/assets';

export interface Asset {
  body: Buffer;
  contentType: string;
}

export interface PageCatalog {
  /** Keyed by the path after /api/assets/; nothing else is served, so no path can escape. */
  assets: ReadonlyMap<string, Asset>;
  pages: Readonly<Record<PageName, string>>;
  /** `/api/assets/...` of a template name (`dashboard.js`, `uplot/dist/uPlot.esm.js`). */
  urlOf(name: string): string | undefined;
}

/**
 * Reads the pages' files once: vendor files under `<package>@<version>/`, the app's own under
 * `app/<content hash>/`, and renders the HTML templates with those URLs.
 */
export async function loadPageCatalog(root: string): Promise<PageCatalog> {
  const assets = new Map<string, Asset>();
  const urls = new Map<string, string>();
  const add = (key: string, name: string, file: string, body: Buffer) => {
    assets.set(key, { body, contentType: contentTypeOf(file) });
    urls.set(name, `/${ASSET_ROUTE}/${key}`);
  };

  for (const pkg of VENDOR_FILES) {
    const dir = path.join(root, 'node_modules', pkg.name);
    const { version } = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const file of pkg.files) {
      const body = await readFile(path.join(dir, file));
      add(`${pkg.name}@${version}/${path.posix.basename(file)}`, `${pkg.name}/${file}`, file, body);
    }
  }

  const webDir = path.join(root, WEB_DIR);
  const own = (await readdir(webDir)).filter((f) => !TEMPLATES.includes(f as never)).sort();
  for (const file of own) {
    const body = await readFile(path.join(webDir, file));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    add(`app/${hash}/${file}`, file, file, body);
  }

  const urlOf = (name: string) => urls.get(name);
  const pages = {} as Record<PageName, string>;
  for (const template of TEMPLATES) {
    const rendered = renderTemplate(await readFile(path.join(webDir, template), 'utf8'), urlOf);
    if (!rendered.ok)
      throw new Error(`${template} links assets that do not exist: ${rendered.missing.join(', ')}`);
    pages[template.replace('.html', '') as PageName] = rendered.html;
  }
  return { assets, pages, urlOf };
}
