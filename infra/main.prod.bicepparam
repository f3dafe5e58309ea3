using './main.bicep'

// prod: room to scale; scores and activity kept for 400 days (a year of DAU history plus a margin)
param environmentName = 'prod'
param instanceMemoryMB = 2048
param maximumInstanceCount = 100
param duplicateDetectionWindow = 'PT10M'
param maxDeliveryCount = 10
param lockDuration = 'PT1M'
param dataTtlSeconds = 34560000
param deadLetterTtlSeconds = 2592000
param modelRefreshSeconds = 60
param logRetentionDays = 90
param logDailyQuotaGb = -1
