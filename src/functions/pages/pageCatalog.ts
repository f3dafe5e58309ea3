import { loadPageCatalog, type PageCatalog } from '../../adapters/pages/loadPageCatalog.js';
import { appRoot } from '../../appRoot.js';

let loading: Promise<PageCatalog> | undefined;

/** The pages' files, read on the first page request of the process (not at registration). */
export function pageCatalog(root: string = appRoot()): Promise<PageCatalog> {
  loading ??= loadPageCatalog(root).catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
