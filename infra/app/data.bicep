param location string
param tags object
param accountName string
param databaseName string
param scoresContainerName string
param activityContainerName string
param dailyEventsContainerName string
param usersContainerName string
param identitiesContainerName string
param deadLetterContainerName string
param keysContainerName string
param suppressionsContainerName string
param auditContainerName string
param deletionsContainerName string
@description('defaultTtl of the rollups and per-user containers, in seconds; -1: on, documents kept until deleted.')
param dataTtlSeconds int
@description('defaultTtl of the scored events, in seconds (DATA_RETENTION_DAYS × 86400); -1: kept until deleted.')
param scoresTtlSeconds int
@description('defaultTtl of dead letters, in seconds.')
param deadLetterTtlSeconds int

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    // Entra tokens only (sqlRoleAssignments in rbac.bicep); containers are made here, not by the app
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    // Point-in-time restore to any second of the last 7 days; this tier stores the backups for free
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

// One document per scored event, a logical partition per user, newest first via the composite index
resource scores 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: scoresContainerName
  properties: {
    resource: {
      id: scoresContainerName
      partitionKey: {
        paths: [
          '/userId'
        ]
        kind: 'Hash'
        version: 2
      }
      defaultTtl: scoresTtlSeconds
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/userId/?'
          }
          {
            path: '/occurredAt/?'
          }
        ]
        excludedPaths: [
          {
            path: '/*'
          }
        ]
        compositeIndexes: [
          [
            {
              path: '/occurredAt'
              order: 'descending'
            }
            {
              path: '/id'
              order: 'descending'
            }
          ]
        ]
      }
    }
  }
}

// One document per user and day, a logical partition per day, counted for daily active users
resource activity 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: activityContainerName
  properties: {
    resource: {
      id: activityContainerName
      partitionKey: {
        paths: [
          '/day'
        ]
        kind: 'Hash'
        version: 2
      }
      defaultTtl: dataTtlSeconds
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/day/?'
          }
        ]
        excludedPaths: [
          {
            path: '/*'
          }
        ]
      }
    }
  }
}

// Per day: a small document per stored event, cohort memberships, the stale mark and rollup (analytics)
resource dailyEvents 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: dailyEventsContainerName
  properties: {
    resource: {
      id: dailyEventsContainerName
      partitionKey: {
        paths: [
          '/day'
        ]
        kind: 'Hash'
        version: 2
      }
      defaultTtl: dataTtlSeconds
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/day/?'
          }
          {
            path: '/k/?'
          }
        ]
        excludedPaths: [
          {
            path: '/*'
          }
        ]
      }
    }
  }
}

// Each user's first stored day, read and written by id only
resource users 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: usersContainerName
  properties: {
    resource: {
      id: usersContainerName
      partitionKey: {
        paths: [
          '/userId'
        ]
        kind: 'Hash'
        version: 2
      }
      defaultTtl: dataTtlSeconds
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: []
        excludedPaths: [
          {
            path: '/*'
          }
        ]
      }
    }
  }
}

// Identity links, linked-id lists and profiles of people and groups; point reads, one query on k
resource identities 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: identitiesContainerName
  properties: {
    resource: {
      id: identitiesContainerName
      partitionKey: {
        paths: [
          '/userId'
        ]
        kind: 'Hash'
        version: 2
      }
      defaultTtl: dataTtlSeconds
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/userId/?'
          }
          {
            path: '/k/?'
          }
        ]
        excludedPaths: [
          {
            path: '/*'
          }
        ]
      }
    }
  }
}

// Messages that can never be scored, with their reason; read by people, by day
resource deadLetters 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: deadLetterContainerName
  properties: {
    resource: {
      id: deadLetterContainerName
      partitionKey: {
        paths: [
          '/day'
        ]
        kind: 'Hash'
        version: 2
      }
      defaultTtl: deadLetterTtlSeconds
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: []
        excludedPaths: [
          {
            path: '/*'
          }
        ]
      }
    }
  }
}

// API keys (hashes only), a logical partition per key, read by id; no TTL: a revoked key stays listed
resource keys 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: keysContainerName
  properties: {
    resource: {
      id: keysContainerName
      partitionKey: {
        paths: [
          '/id'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: []
        excludedPaths: [
          {
            path: '/*'
          }
        ]
      }
    }
  }
}

// Suppressed users, a logical partition per user, read whole by each instance once per cache period; no TTL
resource suppressions 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: suppressionsContainerName
  properties: {
    resource: {
      id: suppressionsContainerName
      partitionKey: {
        paths: [
          '/userId'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: []
        excludedPaths: [
          {
            path: '/*'
          }
        ]
      }
    }
  }
}

// Deletion requests and the deletion ledger (fingerprints and cut-offs, never ids once done), one
// logical partition; no TTL, not in backups: a restore never replaces it
resource deletions 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: deletionsContainerName
  properties: {
    resource: {
      id: deletionsContainerName
      partitionKey: {
        paths: [
          '/partition'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/partition/?'
          }
          {
            path: '/state/?'
          }
        ]
        excludedPaths: [
          {
            path: '/*'
          }
        ]
      }
    }
  }
}

// The audit log of admin actions, one logical partition, append-only by the app; no TTL, not in backups
resource audit 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: auditContainerName
  properties: {
    resource: {
      id: auditContainerName
      partitionKey: {
        paths: [
          '/partition'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/partition/?'
          }
          {
            path: '/at/?'
          }
        ]
        excludedPaths: [
          {
            path: '/*'
          }
        ]
        compositeIndexes: [
          [
            {
              path: '/at'
              order: 'descending'
            }
            {
              path: '/id'
              order: 'descending'
            }
          ]
        ]
      }
    }
  }
}

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
