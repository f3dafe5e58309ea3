param location string
param tags object
@description('Account behind AzureWebJobsStorage and the Flex deployment container.')
param hostStorageName string
@description('Account holding the model blobs the app reads.')
param modelStorageName string
param deploymentContainerName string
param modelContainerName string
@description('Container of the raw event archive (in the model account: app data, not host state).')
param archiveContainerName string
@minValue(1)
@description('Days an archive blob is kept before the lifecycle policy deletes it (cool at 30, archive tier at 180): the archive retention, or DATA_RETENTION_DAYS when shorter.')
param archiveRetentionDays int
@description('Container of the Parquet files of the scored events (day=YYYY-MM-DD/events.parquet), rewritten by the compaction.')
param eventFilesContainerName string
@description('Account holding the Avro backups of `event-scoring backup`: no versioning, no soft delete.')
param backupStorageName string
@description('Container of the Avro backups (one prefix per backup).')
param backupContainerName string
@minValue(1)
@maxValue(3650)
@description('BACKUP_RETENTION_DAYS: days a backup blob is kept before the lifecycle policy deletes it.')
param backupRetentionDays int

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

    // The scorer appends gzip NDJSON blobs under yyyy/mm/dd/hh/; only deleting a person rewrites them
    resource archiveContainer 'containers' = {
      name: archiveContainerName
    }

    // The compaction replaces each day's Parquet file in place; SQL and Synapse/Fabric read them
    resource eventFilesContainer 'containers' = {
      name: eventFilesContainerName
    }
  }

  // Archive blobs are written once (rewritten only to delete a person) and read rarely: cheaper tiers as they age, then gone
  resource lifecycle 'managementPolicies' = {
    name: 'default'
    properties: {
      policy: {
        rules: [
          {
            name: 'archive-tiering'
            enabled: true
            type: 'Lifecycle'
            definition: {
              filters: {
                blobTypes: [
                  'blockBlob'
                ]
                prefixMatch: [
                  '${archiveContainerName}/'
                ]
              }
              actions: {
                baseBlob: {
                  tierToCool: {
                    daysAfterModificationGreaterThan: 30
                  }
                  tierToArchive: {
                    daysAfterModificationGreaterThan: 180
                  }
                  delete: {
                    daysAfterModificationGreaterThan: archiveRetentionDays
                  }
                }
                // Versioning is on in this account: a blob deleted, or rewritten to delete a person's
                // lines, leaves a version that still holds them; it goes after a day (then soft delete)
                version: {
                  delete: {
                    daysAfterCreationGreaterThan: 1
                  }
                }
              }
            }
          }
          {
            // A day's file goes with the archive's retention; every rewrite leaves a version (versioning
            // is on in this account), kept one day only so a deletion is gone from old versions too.
            name: 'event-files-retention'
            enabled: true
            type: 'Lifecycle'
            definition: {
              filters: {
                blobTypes: [
                  'blockBlob'
                ]
                prefixMatch: [
                  '${eventFilesContainerName}/'
                ]
              }
              actions: {
                baseBlob: {
                  delete: {
                    daysAfterModificationGreaterThan: archiveRetentionDays
                  }
                }
                version: {
                  delete: {
                    daysAfterCreationGreaterThan: 1
                  }
                }
              }
            }
          }
        ]
      }
    }
  }
}

// Avro backups: a deleted backup is gone (no versions, no soft delete), so a person erased from the
// store leaves the backups within backupRetentionDays; the backup command prunes the same way
resource backupStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: backupStorageName
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
      isVersioningEnabled: false
      deleteRetentionPolicy: {
        enabled: false
      }
    }

    resource backupContainer 'containers' = {
      name: backupContainerName
    }
  }

  resource lifecycle 'managementPolicies' = {
    name: 'default'
    properties: {
      policy: {
        rules: [
          {
            name: 'backups-retention'
            enabled: true
            type: 'Lifecycle'
            definition: {
              filters: {
                blobTypes: [
                  'blockBlob'
                ]
                prefixMatch: [
                  '${backupContainerName}/'
                ]
              }
              actions: {
                baseBlob: {
                  delete: {
                    daysAfterModificationGreaterThan: backupRetentionDays
                  }
                }
              }
            }
          }
        ]
      }
    }
  }
}

output hostStorageName string = hostStorage.name
output modelStorageName string = modelStorage.name
output modelBlobEndpoint string = modelStorage.properties.primaryEndpoints.blob
output backupStorageName string = backupStorage.name
output backupBlobEndpoint string = backupStorage.properties.primaryEndpoints.blob
