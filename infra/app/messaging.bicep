param location string
param tags object
param namespaceName string
param queueName string
@description('Duplicate detection window (ISO 8601): messageId = eventId, so a resent event within it is dropped.')
param duplicateDetectionWindow string
param maxDeliveryCount int
@description('Peek-lock duration (ISO 8601). The host renews locks while a batch runs; this only bounds a lost lock.')
param lockDuration string
param messageTimeToLive string

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    // Entra tokens only: no SAS keys, no connection strings
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: queueName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    lockDuration: lockDuration
    maxDeliveryCount: maxDeliveryCount
    defaultMessageTimeToLive: messageTimeToLive
    deadLetteringOnMessageExpiration: true
    requiresSession: false
    enablePartitioning: false
    enableBatchedOperations: true
    maxSizeInMegabytes: 5120
  }
}

output namespaceName string = namespace.name
// https://<name>.servicebus.windows.net:443/ -> <name>.servicebus.windows.net, whatever the cloud's suffix
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
output queueName string = queue.name
