export type Rendered = { ok: true; html: string } | { ok: false; missing: string[] };

/** Replaces each `{{asset:name}}` with the asset's URL; names the ones it cannot resolve. */
export function renderTemplate(
  template: string,
  urlOf: (name: string) => string | undefined,
): Rendered {
  const missing: string[] = [];
  const html = template.replace(/\{\{asset:([^}]+)\}\}/g, (_, name: string) => {
    const url = urlOf(name);
    if (url === undefined) missing.push(name);
    return url ?? '';
  });
  return missing.length === 0 ? { ok: true, html } : { ok: false, missing };
}
