using './main.bicep'

// prod: room to scale; events kept for 400 days (a year of history plus a margin), rollups kept
param environmentName = 'prod'
param instanceMemoryMB = 2048
param maximumInstanceCount = 100
param duplicateDetectionWindow = 'PT10M'
param maxDeliveryCount = 10
param lockDuration = 'PT1M'
param dataRetentionDays = 400
param dataTtlSeconds = -1
param deadLetterTtlSeconds = 2592000
param modelRefreshSeconds = 60
param backupRetentionDays = 30
param logRetentionDays = 90
param logDailyQuotaGb = -1
