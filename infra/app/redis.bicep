param location string
param tags object
param name string
@description('Object id of the identity the app signs in to Redis with (a Redis user with the default access policy).')
param principalId string

// Azure Managed Redis: the shared token buckets of the rate limits; Entra tokens only, TLS only
resource cluster 'Microsoft.Cache/redisEnterprise@2025-04-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Balanced_B0'
  }
  properties: {
    minimumTlsVersion: '1.2'
  }
}

// One database; buckets carry a TTL, so volatile-lru only ever evicts idle buckets
resource database 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' = {
  parent: cluster
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: 'EnterpriseCluster'
    evictionPolicy: 'VolatileLRU'
    accessKeysAuthentication: 'Disabled'
  }
}

// The app's identity as a Redis user (identity-based access; the access keys are off)
resource appUser 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-04-01' = {
  parent: database
  name: 'app'
  properties: {
    accessPolicyName: 'default'
    user: {
      objectId: principalId
    }
  }
}

output hostName string = '${cluster.properties.hostName}:10000'
