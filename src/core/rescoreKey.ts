/** The key a re-score is kept under in a document's `rescores`: `<name>@<version>`. */
export const rescoreKey = (item: { name: string; version: string }): string =>
  `${item.name}@${item.version}`;
