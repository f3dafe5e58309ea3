targetScope = 'resourceGroup'

@minLength(1)
@maxLength(16)
@description('Environment name (dev, prod): part of every resource name and tag.')
param environmentName string

@description('Region of every resource. Flex Consumption must be offered there.')
param location string = resourceGroup().location

@allowed([512, 2048, 4096])
@description('Memory of each Flex Consumption instance, in MB. CPU grows with it.')
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
@description('Upper bound on Flex Consumption instances: caps cost and the load put on Cosmos DB.')
param maximumInstanceCount int = 40

@description('Service Bus duplicate detection window (ISO 8601). A resend of the same eventId within it is dropped.')
param duplicateDetectionWindow string = 'PT10M'

@minValue(1)
@maxValue(2000)
@description('Deliveries of one message before Service Bus dead-letters it.')
param maxDeliveryCount int = 10

@description('Peek-lock duration (ISO 8601, at most PT5M): covers one scorer batch several times over.')
param lockDuration string = 'PT1M'

@description('Time an unscored message may wait in the queue before it is dead-lettered (ISO 8601).')
param messageTimeToLive string = 'P14D'

@minValue(0)
@maxValue(36500)
@description('DATA_RETENTION_DAYS: days events are kept (Cosmos DB TTL of the scores container, the app\'s hourly deletion and the lifecycle rule of the archive); 0 keeps them.')
param dataRetentionDays int = 0

@minValue(-1)
@description('Cosmos DB defaultTtl, in seconds, of the rollups and per-user containers (activity, daily events, users, identities): -1 keeps them until deleted (README, "Retention").')
param dataTtlSeconds int = -1

@minValue(-1)
@description('Cosmos DB defaultTtl, in seconds, of dead letters.')
param deadLetterTtlSeconds int = 2592000

@description('Blob (in the models container) holding the champion model the app loads.')
param modelBlobName string = 'champion.json'

@description('Blob of a challenger model scored alongside the champion; empty for none.')
param challengerModelBlobName string = ''

@minValue(5)
@maxValue(86400)
@description('How often the app checks the model blob for a new version, in seconds.')
param modelRefreshSeconds int = 60

@allowed(['info', 'warn', 'error', 'off'])
@description('Lowest level of the app\'s JSON log lines (LOG_LEVEL).')
param logLevel string = 'info'

@description('Browser origins allowed to call the API (CORS_ALLOWED_ORIGINS): comma list, * or empty for none.')
param corsAllowedOrigins string = ''

@minValue(181)
@description('Days the raw event archive is kept: cool tier after 30, archive tier after 180, deleted after this.')
param archiveRetentionDays int = 730

@minValue(1)
@maxValue(3650)
@description('BACKUP_RETENTION_DAYS: days an Avro backup is kept. `event-scoring backup` removes older backups beside a new one; the lifecycle rule of the backups container deletes any blob older than this.')
param backupRetentionDays int = 30

// One retention (DATA_RETENTION_DAYS) drives the scores TTL and the archive's lifecycle deletion.
var scoresTtlSeconds = dataRetentionDays > 0 ? dataRetentionDays * 86400 : -1
var archiveDeleteDays = dataRetentionDays > 0 ? min(dataRetentionDays, archiveRetentionDays) : archiveRetentionDays

@minValue(30)
@maxValue(730)
@description('Log Analytics retention, in days.')
param logRetentionDays int = 30

@description('Log Analytics daily ingestion cap in GB (-1: none). A cap stops telemetry, not the app.')
param logDailyQuotaGb int = -1

@description('Deploy Azure Managed Redis for rate limits shared by every instance. Off: each instance limits on its own.')
param deployRedis bool = false

@description('Seconds a looked-up API key (or its absence) is cached: a revoked key stops within this time.')
@minValue(0)
@maxValue(3600)
param apiKeyCacheSeconds int = 30

@description('Object id of the principal that uploads models (the pipeline\'s service principal). Empty: none.')
param modelPublisherPrincipalId string = deployer().objectId

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { environment: environmentName, application: 'event-scoring' }

// Names the code also knows (defaults in src/config.ts, shapes in src/adapters/cosmos/containers.ts):
// tests/infra/consistency.test.ts keeps them equal.
var queueName = 'events'
var cosmosDatabaseName = 'eventscoring'
var scoresContainerName = 'scores'
var activityContainerName = 'daily-activity'
var dailyEventsContainerName = 'daily-events'
var usersContainerName = 'users'
var identitiesContainerName = 'identities'
var deadLetterContainerName = 'deadletters'
var keysContainerName = 'keys'
var suppressionsContainerName = 'suppressions'
var auditContainerName = 'audit'
var deletionsContainerName = 'deletions'
var modelContainerName = 'models'
var archiveContainerName = 'archive'
var eventFilesContainerName = 'events'
var backupContainerName = 'backups'

var functionAppName = '${abbrs.webSitesFunctions}api-${environmentName}-${resourceToken}'
var deploymentContainerName = 'app-package-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'

// The one identity the app uses for every service: host storage, Service Bus, Cosmos DB, the model blob, App Insights
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${abbrs.managedIdentityUserAssignedIdentities}api-${environmentName}-${resourceToken}'
  location: location
  tags: tags
}

// Log Analytics workspace and workspace-based Application Insights, local (key) auth off
module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${environmentName}-${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${environmentName}-${resourceToken}'
    retentionInDays: logRetentionDays
    dailyQuotaGb: logDailyQuotaGb
  }
}

// Storage: the host's account (AzureWebJobsStorage, deployment package), the model account and the backup account, shared keys off
module storage 'app/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    hostStorageName: '${abbrs.storageStorageAccounts}${resourceToken}'
    modelStorageName: '${abbrs.storageStorageAccounts}model${resourceToken}'
    deploymentContainerName: deploymentContainerName
    modelContainerName: modelContainerName
    archiveContainerName: archiveContainerName
    archiveRetentionDays: archiveDeleteDays
    eventFilesContainerName: eventFilesContainerName
    backupStorageName: '${abbrs.storageStorageAccounts}bak${resourceToken}'
    backupContainerName: backupContainerName
    backupRetentionDays: backupRetentionDays
  }
}

// Service Bus Standard namespace and the events queue (duplicate detection on eventId), local auth off
module messaging 'app/messaging.bicep' = {
  name: 'messaging'
  params: {
    location: location
    tags: tags
    namespaceName: '${abbrs.serviceBusNamespaces}${environmentName}-${resourceToken}'
    queueName: queueName
    duplicateDetectionWindow: duplicateDetectionWindow
    maxDeliveryCount: maxDeliveryCount
    lockDuration: lockDuration
    messageTimeToLive: messageTimeToLive
  }
}

// Cosmos DB serverless account, the database and its three containers, local auth off
module data 'app/data.bicep' = {
  name: 'data'
  params: {
    location: location
    tags: tags
    accountName: '${abbrs.documentDBDatabaseAccounts}${environmentName}-${resourceToken}'
    databaseName: cosmosDatabaseName
    scoresContainerName: scoresContainerName
    activityContainerName: activityContainerName
    dailyEventsContainerName: dailyEventsContainerName
    usersContainerName: usersContainerName
    identitiesContainerName: identitiesContainerName
    deadLetterContainerName: deadLetterContainerName
    keysContainerName: keysContainerName
    suppressionsContainerName: suppressionsContainerName
    auditContainerName: auditContainerName
    deletionsContainerName: deletionsContainerName
    dataTtlSeconds: dataTtlSeconds
    scoresTtlSeconds: scoresTtlSeconds
    deadLetterTtlSeconds: deadLetterTtlSeconds
  }
}

// Azure Managed Redis for the rate limits, only with deployRedis; the app signs in with its identity
module redis 'app/redis.bicep' = if (deployRedis) {
  name: 'redis'
  params: {
    location: location
    tags: tags
    name: '${abbrs.cacheRedisEnterprise}${environmentName}-${resourceToken}'
    principalId: identity.properties.principalId
  }
}

// Flex Consumption plan and the Function App (Node 22), identity-based settings only
module api 'app/api.bicep' = {
  name: 'api'
  params: {
    location: location
    tags: tags
    name: functionAppName
    planName: '${abbrs.webServerFarms}${environmentName}-${resourceToken}'
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageAccountName: storage.outputs.hostStorageName
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    appSettings: {
      QUEUE_BACKEND: 'servicebus'
      STORE_BACKEND: 'cosmos'
      ServiceBusConnection__fullyQualifiedNamespace: messaging.outputs.fullyQualifiedNamespace
      ServiceBusConnection__credential: 'managedidentity'
      ServiceBusConnection__clientId: identity.properties.clientId
      SERVICEBUS_QUEUE_NAME: queueName
      COSMOS_ENDPOINT: data.outputs.endpoint
      COSMOS_DATABASE: cosmosDatabaseName
      COSMOS_SCORES_CONTAINER: scoresContainerName
      COSMOS_ACTIVITY_CONTAINER: activityContainerName
      COSMOS_DAILY_EVENTS_CONTAINER: dailyEventsContainerName
      COSMOS_USERS_CONTAINER: usersContainerName
      COSMOS_IDENTITIES_CONTAINER: identitiesContainerName
      COSMOS_DEADLETTER_CONTAINER: deadLetterContainerName
      COSMOS_CREATE_IF_MISSING: 'false'
      MODEL_BLOB_ACCOUNT_URL: storage.outputs.modelBlobEndpoint
      MODEL_BLOB_CONTAINER: modelContainerName
      MODEL_BLOB_NAME: modelBlobName
      CHALLENGER_MODEL_BLOB_NAME: challengerModelBlobName
      MODEL_REFRESH_SECONDS: string(modelRefreshSeconds)
      LOG_LEVEL: logLevel
      CORS_ALLOWED_ORIGINS: corsAllowedOrigins
      COSMOS_API_KEYS_CONTAINER: keysContainerName
      API_KEY_CACHE_SECONDS: string(apiKeyCacheSeconds)
      COSMOS_SUPPRESSIONS_CONTAINER: suppressionsContainerName
      COSMOS_AUDIT_CONTAINER: auditContainerName
      COSMOS_DELETIONS_CONTAINER: deletionsContainerName
      REDIS_HOST: deployRedis ? redis.outputs.hostName : ''
      REDIS_PRINCIPAL_ID: deployRedis ? identity.properties.principalId : ''
      ARCHIVE_BACKEND: 'blob'
      ARCHIVE_BLOB_ACCOUNT_URL: storage.outputs.modelBlobEndpoint
      ARCHIVE_BLOB_CONTAINER: archiveContainerName
      EVENT_FILES_BACKEND: 'blob'
      EVENT_FILES_BLOB_ACCOUNT_URL: storage.outputs.modelBlobEndpoint
      EVENT_FILES_BLOB_CONTAINER: eventFilesContainerName
      DATA_RETENTION_DAYS: dataRetentionDays > 0 ? string(dataRetentionDays) : ''
    }
  }
}

// Data-plane role assignments for the app's identity (and the model publisher)
module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  params: {
    principalId: identity.properties.principalId
    modelPublisherPrincipalId: modelPublisherPrincipalId
    hostStorageName: storage.outputs.hostStorageName
    modelStorageName: storage.outputs.modelStorageName
    modelContainerName: modelContainerName
    archiveContainerName: archiveContainerName
    eventFilesContainerName: eventFilesContainerName
    serviceBusNamespaceName: messaging.outputs.namespaceName
    queueName: queueName
    cosmosAccountName: data.outputs.accountName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

output FUNCTION_APP_NAME string = api.outputs.name
output FUNCTION_APP_HOSTNAME string = api.outputs.defaultHostName
output FUNCTION_APP_URL string = 'https://${api.outputs.defaultHostName}'
output RESOURCE_GROUP string = resourceGroup().name
output IDENTITY_CLIENT_ID string = identity.properties.clientId
output SERVICEBUS_NAMESPACE string = messaging.outputs.fullyQualifiedNamespace
output SERVICEBUS_QUEUE_NAME string = queueName
output COSMOS_ENDPOINT string = data.outputs.endpoint
output COSMOS_ACCOUNT_NAME string = data.outputs.accountName
output MODEL_STORAGE_ACCOUNT string = storage.outputs.modelStorageName
output MODEL_BLOB_CONTAINER string = modelContainerName
output MODEL_BLOB_NAME string = modelBlobName
output ARCHIVE_BLOB_CONTAINER string = archiveContainerName
output EVENT_FILES_BLOB_CONTAINER string = eventFilesContainerName
// Where `event-scoring backup --out` writes in Azure, and the retention it prunes with (BACKUP_RETENTION_DAYS)
output BACKUP_BLOB_URL string = '${storage.outputs.backupBlobEndpoint}${backupContainerName}'
output BACKUP_RETENTION_DAYS string = string(backupRetentionDays)
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
