/**
 * Unit prices (USD, pay as you go, the West Europe / East US list) and where each comes from, as
 * read on READ_ON. No price could be read from an official pricing page: the one stored copy
 * found (Service Bus) shows "$-" where each price goes, the others could not be reached. Each
 * figure says what it was checked against; all of them must be checked before relying on a total.
 */
export const READ_ON = '2026-12-04';

export interface Price {
  value: number;
  unit: string;
  source: string;
  /** What could and could not be read there. */
  note: string;
}

/** The Service Bus page could be read as stored: its prices are placeholders there. */
const placeholders =
  'the stored copy of the official page read on 2026-12-04 shows "$-" for every price (filled in by script)';
/** The others could not be read at all from here. */
const unreadable = 'the official page could not be read from here on 2026-12-04';

export const prices = {
  cosmosPerMillionRu: {
    value: 0.25,
    unit: 'per million RU (serverless)',
    source: 'https://azure.microsoft.com/en-us/pricing/details/cosmos-db/serverless/',
    note: `${unreadable}; figure carried from the first wave's cost section, unverified`,
  },
  cosmosPerGbMonth: {
    value: 0.25,
    unit: 'per GB-month of storage (serverless)',
    source: 'https://azure.microsoft.com/en-us/pricing/details/cosmos-db/serverless/',
    note: `${unreadable}; unverified`,
  },
  serviceBusPerMillionOps: {
    value: 0.8,
    unit: 'per million operations, Standard, 13 M–100 M a month (the first 13 M come with the $9.81/month base)',
    source: 'https://azure.microsoft.com/en-us/pricing/details/service-bus/',
    note: `${placeholders}; how operations are counted (a send, a receive with lock, a complete: one each per 64 KB of message) is the page's FAQ, read as quoted at https://newbedev.com/azure-service-bus-what-is-a-request-and-a-message`,
  },
  functionsPerGbSecond: {
    value: 0.000026,
    unit: 'per GB-s, Flex Consumption on demand (free grant 100,000 GB-s a month)',
    source: 'https://azure.microsoft.com/en-us/pricing/details/functions/',
    note: `${unreadable}; the same figure at https://modal.com/blog/azure-function-pricing-guide (2025-05-22)`,
  },
  functionsPerMillionExecutions: {
    value: 0.4,
    unit: 'per million executions, Flex Consumption on demand (free grant 250,000 a month)',
    source: 'https://azure.microsoft.com/en-us/pricing/details/functions/',
    note: `${unreadable}; unverified`,
  },
  blobPer10kWrites: {
    value: 0.05,
    unit: 'per 10,000 write operations (Put Blob), hot tier, LRS',
    source: 'https://azure.microsoft.com/en-us/pricing/details/storage/blobs/',
    note: `${unreadable}; the same figure at https://cal53.calculator.city/azure-blob-storage-pricing-calculator/ (rates of Q3 2023)`,
  },
  blobPerGbMonth: {
    value: 0.0184,
    unit: 'per GB-month, hot tier, LRS (the archive moves to cool after 30 days)',
    source: 'https://azure.microsoft.com/en-us/pricing/details/storage/blobs/',
    note: `${unreadable}; the same figure at https://cal53.calculator.city/azure-blob-storage-pricing-calculator/`,
  },
  logAnalyticsPerGb: {
    value: 2.3,
    unit: 'per GB ingested, Analytics logs (first 5 GB a month free)',
    source: 'https://azure.microsoft.com/en-us/pricing/details/monitor/',
    note: `${unreadable}; the same figure at https://monitoringcost.com/azure-monitor-cost (2026)`,
  },
} satisfies Record<string, Price>;

/**
 * Request units per operation, from Microsoft's table of RU by document size (session
 * consistency, default indexing), https://learn.microsoft.com/azure/cosmos-db/understand-request-unit-consumption,
 * read 2026-12-04. Between rows the figure is interpolated; under 1 KB the 1 KB row is used (so
 * small documents are over-estimated: our containers index 2–3 paths, not every property).
 */
export const RU_TABLE: readonly { kb: number; read: number; write: number }[] = [
  { kb: 1, read: 1.0, write: 4.95 },
  { kb: 2, read: 1.04, write: 6.29 },
  { kb: 4, read: 1.14, write: 6.67 },
  { kb: 8, read: 1.33, write: 7.04 },
  { kb: 16, read: 1.67, write: 9.52 },
  { kb: 32, read: 2.19, write: 11.23 },
  { kb: 64, read: 4.76, write: 22.67 },
  { kb: 128, read: 9.95, write: 48.19 },
  { kb: 256, read: 20.28, write: 98.29 },
  { kb: 512, read: 40.95, write: 184.57 },
  { kb: 1024, read: 145.9, write: 625.0 },
  { kb: 2048, read: 291.8, write: 1250.0 },
];
