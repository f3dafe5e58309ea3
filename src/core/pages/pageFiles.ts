/** The files the pages serve from installed packages; the package script ships exactly these. */
export const VENDOR_FILES = [
  {
    name: 'swagger-ui-dist',
    files: ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'],
  },
  { name: 'uplot', files: ['dist/uPlot.esm.js', 'dist/uPlot.min.css'] },
] as const;

/** The pages' own files: the HTML templates and what they load. */
export const WEB_DIR = 'web';
export const TEMPLATES = ['docs.html', 'dashboard.html'] as const;
export type PageName = 'docs' | 'dashboard';

/** Paths, relative to the app root, the deployed package must hold for the pages to work. */
export function pageFilePaths(): string[] {
  return [
    WEB_DIR,
    ...VENDOR_FILES.flatMap((p) => [
      `node_modules/${p.name}/package.json`,
      ...p.files.map((f) => `node_modules/${p.name}/${f}`),
    ]),
  ];
}
