param location string
param tags object
@description('Account behind AzureWebJobsStorage and the Flex deployment container.')
param hostStorageName string
@description('Account holding the model blobs the app reads.')
param modelStorageName string
param deploymentContainerName string
param modelContainerName string

// Both accounts accept Entra tokens only: no shared key, no SAS signed with a key, no public blobs.
var commonProperties = {
  allowBlobPublicAccess: false
  allowSharedKeyAccess: false
  defaultToOAuthAuthentication: true
  minimumTlsVersion: 'TLS1_2'
  supportsHttpsTrafficOnly: true
  publicNetworkAccess: 'Enabled'
  networkAcls: {
    defaultAction: 'Allow'
    bypass: 'AzureServices'
  }
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: hostStorageName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: commonProperties

  resource blobService 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
    }
  }
}

resource modelStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: modelStorageName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: commonProperties

  resource blobService 'blobServices' = {
    name: 'default'
    properties: {
      // An overwritten model can be brought back (rollback of a bad model)
      isVersioningEnabled: true
      deleteRetentionPolicy: {
        enabled: true
        days: 30
      }
    }

    resource modelContainer 'containers' = {
      name: modelContainerName
    }
  }
}

output hostStorageName string = hostStorage.name
output modelStorageName string = modelStorage.name
output modelBlobEndpoint string = modelStorage.properties.primaryEndpoints.blob
