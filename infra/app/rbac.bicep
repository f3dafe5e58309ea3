@description('Principal (object) id of the app\'s user-assigned identity.')
param principalId string
@description('Principal that uploads model blobs (the pipeline, or a person); empty for none.')
param modelPublisherPrincipalId string = ''
param hostStorageName string
param modelStorageName string
param modelContainerName string
param archiveContainerName string
param eventFilesContainerName string
param serviceBusNamespaceName string
param queueName string
param cosmosAccountName string
param applicationInsightsName string
@description('Also grant Data Owner on the queue: reading its message count for scaling needs the Manage right.')
param grantQueueOwnerForScaling bool = true

// Built-in role definition ids
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
var storageBlobDataReader = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' // Storage Blob Data Reader
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor
var serviceBusDataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // Azure Service Bus Data Sender
var serviceBusDataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // Azure Service Bus Data Receiver
var serviceBusDataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419' // Azure Service Bus Data Owner
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002' // Cosmos DB Built-in Data Contributor (data plane)

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageName
}

resource modelStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: modelStorageName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource modelContainer 'containers' existing = {
      name: modelContainerName
    }

    resource archiveContainer 'containers' existing = {
      name: archiveContainerName
    }

    resource eventFilesContainer 'containers' existing = {
      name: eventFilesContainerName
    }
  }
}

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName

  resource queue 'queues' existing = {
    name: queueName
  }
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// AzureWebJobsStorage: the host keeps locks, keys and the deployment package in blobs
resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, principalId, storageBlobDataOwner)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// AzureWebJobsStorage__queueServiceUri: used by host features built on queues (blob trigger receipts, retries)
resource hostQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, principalId, storageQueueDataContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// AzureWebJobsStorage__tableServiceUri: the host writes its diagnostic events to a table
resource hostTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, principalId, storageTableDataContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// The app reads the model blob, and only that container
resource modelReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(modelStorage::blobService::modelContainer.id, principalId, storageBlobDataReader)
  scope: modelStorage::blobService::modelContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReader)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Whoever publishes models (the pipeline's first deployment, a data scientist) writes that container
resource modelPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(modelPublisherPrincipalId)) {
  name: guid(modelStorage::blobService::modelContainer.id, modelPublisherPrincipalId, storageBlobDataContributor)
  scope: modelStorage::blobService::modelContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: modelPublisherPrincipalId
  }
}

// The scorer appends to the raw archive and replay reads it: Contributor on that container only
resource archiveWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(modelStorage::blobService::archiveContainer.id, principalId, storageBlobDataContributor)
  scope: modelStorage::blobService::archiveContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// The compaction writes the Parquet files and the SQL route reads them: Contributor on that container only
resource eventFilesWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(modelStorage::blobService::eventFilesContainer.id, principalId, storageBlobDataContributor)
  scope: modelStorage::blobService::eventFilesContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// ingest sends to the queue
resource queueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace::queue.id, principalId, serviceBusDataSender)
  scope: namespace::queue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSender)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// scorer's trigger receives from the queue
resource queueReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace::queue.id, principalId, serviceBusDataReceiver)
  scope: namespace::queue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataReceiver)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Target-based scaling reads the queue's active message count (Manage right); without it the scorer may not scale out
resource queueOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantQueueOwnerForScaling) {
  name: guid(namespace::queue.id, principalId, serviceBusDataOwner)
  scope: namespace::queue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Telemetry with Entra auth (App Insights local auth is off)
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Cosmos DB data plane: read and write items in every container of the account
resource cosmosContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmos.id, principalId, cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: principalId
    scope: cosmos.id
  }
}
