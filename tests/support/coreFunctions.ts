/** Functions every build must register: the table test compares against the table itself, this guards against one vanishing from it. */
export const CORE_FUNCTIONS = [
  'dau',
  'health',
  'ingest',
  'scorer',
  'userScores',
  'metrics',
  'topEvents',
  'retention',
  'openapi',
  'docs',
  'dashboard',
  'assets',
];
