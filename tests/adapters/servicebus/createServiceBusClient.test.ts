import { describe, expect, it } from 'vitest';

import { createServiceBusClient } from '../../../src/adapters/servicebus/createServiceBusClient.js';

// Building a client makes no connection, so these touch no network.
describe('createServiceBusClient', () => {
  it('uses the connection string when there is one, even with a namespace', async () => {
    const client = createServiceBusClient({
      ServiceBusConnection:
        'Endpoint=sb://127.0.0.1:5999/;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true',
      ServiceBusConnection__fullyQualifiedNamespace: 'prod.servicebus.windows.net',
    });

    expect(client.fullyQualifiedNamespace).toBe('127.0.0.1');
    await client.close();
  });

  it('uses the namespace with a managed identity otherwise', async () => {
    const client = createServiceBusClient({
      ServiceBusConnection__fullyQualifiedNamespace: 'example.servicebus.windows.net',
      AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000001',
    });

    expect(client.fullyQualifiedNamespace).toBe('example.servicebus.windows.net');
    await client.close();
  });

  it('refuses settings with neither', () => {
    expect(() => createServiceBusClient({})).toThrow(
      'ServiceBusConnection__fullyQualifiedNamespace',
    );
  });
});
